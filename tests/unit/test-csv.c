/*
 * test-csv.c - unit tests of csv.c: RFC 4180 reading and field quoting
 *
 * Each test reads a whole input and compares a transcript of every
 * csv_read() result, one line each: "LINE: f1|f2|..." for a record,
 * "LINE! why" for an error, and "end" at the end. CR and LF inside
 * fields are shown as \r and \n, so line counting and embedded line
 * breaks are checked together.
 */
#include <pocgate/csv.h>

#include "test.h"

static void add_visible(struct strbuf *out, const struct strbuf *f)
{
	for (size_t i = 0; i < f->len; i++) {
		if (f->buf[i] == '\n')
			sb_addstr(out, "\\n");
		else if (f->buf[i] == '\r')
			sb_addstr(out, "\\r");
		else
			sb_addch(out, f->buf[i]);
	}
}

/* Reads all of in and returns the transcript (to be freed). */
static char *transcript(const char *in, size_t len)
{
	struct csv_reader r;
	struct csv_record rec = { 0 };
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;

	csv_reader_init(&r, in, len);
	for (int guard = 0; guard < 100; guard++) {
		int rc;

		sb_reset(&why);
		rc = csv_read(&r, &rec, &why);
		if (rc == 0) {
			sb_addstr(&out, "end\n");
			break;
		}
		if (rc < 0) {
			sb_addf(&out, "%u! %s\n", rec.line, why.buf);
			continue;
		}
		sb_addf(&out, "%u: ", rec.line);
		for (size_t i = 0; i < rec.n; i++) {
			if (i)
				sb_addch(&out, '|');
			add_visible(&out, &rec.fields[i]);
		}
		sb_addch(&out, '\n');
	}
	csv_record_release(&rec);
	sb_release(&why);
	return sb_detach(&out, NULL);
}

static void check_transcript(const char *in, const char *want)
{
	char *got = transcript(in, strlen(in));

	CHECK_STR(got, want);
	free(got);
}

static void header_and_rows_are_read_with_their_lines(void)
{
	check_transcript("state,role,email\n"
			 "FRA,technical,cert@example.test\n"
			 "DEU,diplomatic,poc@example.test\n",
			 "1: state|role|email\n"
			 "2: FRA|technical|cert@example.test\n"
			 "3: DEU|diplomatic|poc@example.test\n"
			 "end\n");
}

static void empty_fields_are_kept(void)
{
	check_transcript("a,,c\n,\n,x,\n", "1: a||c\n2: |\n3: |x|\nend\n");
}

static void quoted_field_keeps_commas(void)
{
	check_transcript("FRA,\"Ministry of Europe, Foreign Affairs\",x\n",
			 "1: FRA|Ministry of Europe, Foreign Affairs|x\nend\n");
}

static void doubled_quotes_are_one_quote(void)
{
	check_transcript("\"say \"\"hello\"\"\",\"\"\"\",\"\",x\n",
			 "1: say \"hello\"|\"||x\nend\n");
}

static void quoted_field_keeps_embedded_lf_and_counts_lines(void)
{
	check_transcript("a,\"line one\nline two\nline three\",b\n"
			 "c,d\n",
			 "1: a|line one\\nline two\\nline three|b\n"
			 "4: c|d\n"
			 "end\n");
}

static void quoted_field_keeps_embedded_crlf_and_counts_lines(void)
{
	check_transcript("a,\"x\r\ny\"\r\n"
			 "c,d\r\n",
			 "1: a|x\\r\\ny\n"
			 "3: c|d\n"
			 "end\n");
}

static void byte_order_mark_is_skipped(void)
{
	check_transcript("\xef\xbb\xbfstate,role\nFRA,technical\n",
			 "1: state|role\n2: FRA|technical\nend\n");
	check_transcript("\xef\xbb\xbf\"state\",role\n", "1: state|role\nend\n");
}

static void crlf_line_endings_do_not_end_up_in_fields(void)
{
	check_transcript("a,b\r\nc,\"d\"\r\ne,\r\n", "1: a|b\n2: c|d\n3: e|\nend\n");
}

static void empty_lines_are_skipped_but_counted(void)
{
	check_transcript("\n\na,b\n\n\r\nc\n\n", "3: a|b\n6: c\nend\n");
}

static void empty_input_has_no_records(void)
{
	check_transcript("", "end\n");
	check_transcript("\n\r\n\n", "end\n");
	check_transcript("\xef\xbb\xbf", "end\n");
}

static void last_record_without_newline_is_read(void)
{
	check_transcript("a,b\nc,d", "1: a|b\n2: c|d\nend\n");
	check_transcript("a,b\nc,\"d\"", "1: a|b\n2: c|d\nend\n");
	check_transcript("a,b\nc,", "1: a|b\n2: c|\nend\n");
	check_transcript("a,b\r\nc,d\r", "1: a|b\n2: c|d\nend\n");
}

static void stray_quote_is_an_error_and_reading_resumes_at_the_next_line(void)
{
	check_transcript("state,entity\n"
			 "FRA,Ministry \"of\" Defence,x\n"
			 "DEU,Ministry\n",
			 "1: state|entity\n"
			 "2! stray '\"' in unquoted field 2\n"
			 "3: DEU|Ministry\n"
			 "end\n");
}

static void stray_quote_after_a_multiline_field_resumes_on_the_right_line(void)
{
	check_transcript("\"two\nlines\",b\"c\n"
			 "next,ok\n",
			 "1! stray '\"' in unquoted field 2\n"
			 "3: next|ok\n"
			 "end\n");
}

static void text_after_closing_quote_is_an_error_and_reading_resumes(void)
{
	check_transcript("\"abc\"x,d\n"
			 "next\n",
			 "1! text after the closing quote of field 1\n"
			 "2: next\n"
			 "end\n");
	check_transcript("a,\"b\" ,c\nnext\n",
			 "1! text after the closing quote of field 2\n2: next\nend\n");
}

static void unterminated_quote_at_end_names_the_line_it_opened_on(void)
{
	check_transcript("a,b\n"
			 "c,\"open\n"
			 "more\n"
			 "text\n",
			 "1: a|b\n"
			 "2! quoted field opened on line 2 is never closed\n"
			 "end\n");
}

static void unterminated_quote_in_a_later_field_names_its_own_line(void)
{
	check_transcript("h\n"
			 "\"a\nb\",\"c\n"
			 "d\n",
			 "1: h\n"
			 "2! quoted field opened on line 3 is never closed\n"
			 "end\n");
}

static void add_field_quotes_only_when_needed(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "", "" },
		{ "Ministère des Affaires étrangères", "Ministère des Affaires étrangères" },
		{ "a,b", "\"a,b\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "cr\r", "\"cr\r\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;

		csv_add_field(&out, cases[i].in);
		CHECK_STR(out.buf, cases[i].want);
		sb_release(&out);
	}
}

static void add_field_round_trips_through_read(void)
{
	static const char *const fields[] = {
		"FRA",
		"",
		"Ministry of Europe, Foreign Affairs",
		"\"quoted\"",
		"\"",
		"a \"\" b",
		"two\nlines",
		"crlf\r\ninside",
		"lone\rcr",
		"trailing newline\n",
		"وزارة الخارجية",
		",",
		"",
	};
	const size_t n = sizeof(fields) / sizeof(fields[0]);
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	struct csv_reader r;
	struct csv_record rec = { 0 };

	for (int row = 0; row < 2; row++) {
		for (size_t i = 0; i < n; i++) {
			if (i)
				sb_addch(&out, ',');
			csv_add_field(&out, fields[i]);
		}
		sb_addstr(&out, row ? "\r\n" : "\n");
	}
	csv_reader_init(&r, out.buf, out.len);
	for (int row = 0; row < 2; row++) {
		CHECK(csv_read(&r, &rec, &why) == 1);
		CHECK_STR(why.buf, "");
		CHECK(rec.n == n);
		for (size_t i = 0; i < n && i < rec.n; i++) {
			CHECK(rec.fields[i].len == strlen(fields[i]));
			CHECK_STR(rec.fields[i].buf, fields[i]);
		}
	}
	/* the second row starts after the three line breaks inside the first */
	CHECK(rec.line == 5);
	CHECK(csv_read(&r, &rec, &why) == 0);
	csv_record_release(&rec);
	sb_release(&out);
	sb_release(&why);
}

int main(void)
{
	RUN(header_and_rows_are_read_with_their_lines);
	RUN(empty_fields_are_kept);
	RUN(quoted_field_keeps_commas);
	RUN(doubled_quotes_are_one_quote);
	RUN(quoted_field_keeps_embedded_lf_and_counts_lines);
	RUN(quoted_field_keeps_embedded_crlf_and_counts_lines);
	RUN(byte_order_mark_is_skipped);
	RUN(crlf_line_endings_do_not_end_up_in_fields);
	RUN(empty_lines_are_skipped_but_counted);
	RUN(empty_input_has_no_records);
	RUN(last_record_without_newline_is_read);
	RUN(stray_quote_is_an_error_and_reading_resumes_at_the_next_line);
	RUN(stray_quote_after_a_multiline_field_resumes_on_the_right_line);
	RUN(text_after_closing_quote_is_an_error_and_reading_resumes);
	RUN(unterminated_quote_at_end_names_the_line_it_opened_on);
	RUN(unterminated_quote_in_a_later_field_names_its_own_line);
	RUN(add_field_quotes_only_when_needed);
	RUN(add_field_round_trips_through_read);
	TEST_EXIT();
}
