/*
 * test-strbuf.c - unit tests of strbuf.c: growable NUL-terminated strings
 *
 * Checks the rules stated in strbuf.h: buf is always NUL-terminated, len is
 * exact even for binary data, and a detached or released strbuf is empty
 * and reusable.
 */
#include <pocgate/strbuf.h>

#include <errno.h>

#include "test.h"

static void many_appends_grow_the_buffer_and_keep_every_byte(void)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int intact = 1;

	for (i = 0; i < 10000; i++)
		sb_addch(&sb, 'a' + (int)(i % 26));
	CHECK(sb.len == 10000);
	CHECK(sb.alloc > sb.len);
	CHECK(sb.buf[sb.len] == '\0');
	CHECK(strlen(sb.buf) == 10000);
	for (i = 0; i < sb.len; i++)
		if (sb.buf[i] != 'a' + (int)(i % 26))
			intact = 0;
	CHECK(intact);
	sb_release(&sb);
}

static void addstr_appends_to_what_is_there(void)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addstr(&sb, "Points of ");
	sb_addstr(&sb, "");
	sb_addstr(&sb, "Contact");
	CHECK_STR(sb.buf, "Points of Contact");
	CHECK(sb.len == strlen("Points of Contact"));
	sb_release(&sb);
}

static void addf_formats_and_appends_past_the_initial_size(void)
{
	struct strbuf sb = STRBUF_INIT;
	char big[300];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_addstr(&sb, "id=");
	sb_addf(&sb, "%d %s %03d%%", 42, "FRA", 7);
	CHECK_STR(sb.buf, "id=42 FRA 007%");
	sb_reset(&sb);
	sb_addf(&sb, "[%s]", big);
	CHECK(sb.len == sizeof(big) + 1);
	CHECK(sb.buf[0] == '[' && sb.buf[sb.len - 1] == ']' && sb.buf[sb.len] == '\0');
	sb_release(&sb);
}

static void addf_of_nothing_leaves_the_buffer_empty_and_terminated(void)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s", "");
	CHECK(sb.len == 0);
	CHECK_STR(sb.buf, "");
	sb_release(&sb);
}

static void binary_data_with_nuls_keeps_its_length(void)
{
	static const char data[] = { 'a', '\0', 'b', '\0', '\0', 'c' };
	struct strbuf sb = STRBUF_INIT;

	sb_add(&sb, data, sizeof(data));
	sb_add(&sb, data, sizeof(data));
	CHECK(sb.len == 2 * sizeof(data));
	CHECK(memcmp(sb.buf, data, sizeof(data)) == 0);
	CHECK(memcmp(sb.buf + sizeof(data), data, sizeof(data)) == 0);
	CHECK(sb.buf[sb.len] == '\0');
	sb_release(&sb);
}

static void detach_hands_over_the_string_and_leaves_it_empty_and_reusable(void)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 0;
	char *s;

	sb_addstr(&sb, "handed over");
	s = sb_detach(&sb, &len);
	CHECK_STR(s, "handed over");
	CHECK(len == strlen("handed over"));
	CHECK(sb.len == 0);
	CHECK(sb.alloc == 0);
	CHECK_STR(sb.buf, "");
	sb_addstr(&sb, "again");
	CHECK_STR(sb.buf, "again");
	CHECK(sb.buf != s);
	CHECK_STR(s, "handed over");
	free(s);
	sb_release(&sb);
}

static void detach_of_an_untouched_strbuf_gives_an_owned_empty_string(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *s = sb_detach(&sb, NULL);

	CHECK(s != NULL);
	CHECK(s != sb_empty);
	CHECK_STR(s, "");
	free(s);
}

static void release_leaves_it_empty_and_reusable(void)
{
	struct strbuf sb;

	sb_init(&sb, 100);
	CHECK(sb.alloc >= 101);
	sb_addstr(&sb, "something");
	sb_release(&sb);
	CHECK(sb.len == 0);
	CHECK_STR(sb.buf, "");
	sb_addstr(&sb, "more");
	CHECK_STR(sb.buf, "more");
	sb_release(&sb);
}

static void setlen_only_shortens(void)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addstr(&sb, "abcdef");
	sb_setlen(&sb, 3);
	CHECK_STR(sb.buf, "abc");
	CHECK(sb.len == 3);
	sb_setlen(&sb, 10);
	CHECK_STR(sb.buf, "abc");
	CHECK(sb.len == 3);
	sb_reset(&sb);
	CHECK_STR(sb.buf, "");
	CHECK(sb.len == 0);
	sb_release(&sb);
}

static void trim_removes_white_space_at_both_ends_only(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "  hello world \t\r\n", "hello world" },
		{ "\n\tinside  spaces\tstay\n", "inside  spaces\tstay" },
		{ "no-space", "no-space" },
		{ " \t\r\n ", "" },
		{ "", "" },
		{ "x", "x" },
		{ " x", "x" },
		{ "x ", "x" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;

		sb_addstr(&sb, cases[i].in);
		sb_trim(&sb);
		CHECK_STR(sb.buf, cases[i].want);
		CHECK(sb.len == strlen(cases[i].want));
		sb_release(&sb);
	}
}

static void trim_of_an_untouched_strbuf_stays_empty(void)
{
	struct strbuf sb = STRBUF_INIT;

	sb_trim(&sb);
	CHECK(sb.len == 0);
	CHECK_STR(sb.buf, "");
	sb_release(&sb);
}

static void read_file_of_a_missing_file_fails_with_enoent(void)
{
	struct strbuf sb = STRBUF_INIT;
	char *dir = test_tmpdir();
	char path[512];

	snprintf(path, sizeof(path), "%s/does-not-exist", dir);
	errno = 0;
	CHECK(sb_read_file(&sb, path) == -1);
	CHECK(errno == ENOENT);
	CHECK(sb.len == 0);
	sb_release(&sb);
	test_tmpdir_remove(dir);
}

static void read_file_appends_a_large_file_whole(void)
{
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	char *dir = test_tmpdir();
	char path[512];

	for (int i = 0; i < 5000; i++)
		sb_addf(&want, "line %d\n", i);
	snprintf(path, sizeof(path), "%s/big.txt", dir);
	test_write_file(path, want.buf);
	sb_addstr(&sb, "prefix:");
	CHECK(sb_read_file(&sb, path) == 0);
	CHECK(sb.len == strlen("prefix:") + want.len);
	CHECK(strncmp(sb.buf, "prefix:", 7) == 0);
	CHECK(memcmp(sb.buf + 7, want.buf, want.len) == 0);
	CHECK(sb.buf[sb.len] == '\0');
	sb_release(&sb);
	sb_release(&want);
	test_tmpdir_remove(dir);
}

int main(void)
{
	RUN(many_appends_grow_the_buffer_and_keep_every_byte);
	RUN(addstr_appends_to_what_is_there);
	RUN(addf_formats_and_appends_past_the_initial_size);
	RUN(addf_of_nothing_leaves_the_buffer_empty_and_terminated);
	RUN(binary_data_with_nuls_keeps_its_length);
	RUN(detach_hands_over_the_string_and_leaves_it_empty_and_reusable);
	RUN(detach_of_an_untouched_strbuf_gives_an_owned_empty_string);
	RUN(release_leaves_it_empty_and_reusable);
	RUN(setlen_only_shortens);
	RUN(trim_removes_white_space_at_both_ends_only);
	RUN(trim_of_an_untouched_strbuf_stays_empty);
	RUN(read_file_of_a_missing_file_fails_with_enoent);
	RUN(read_file_appends_a_large_file_whole);
	TEST_EXIT();
}
