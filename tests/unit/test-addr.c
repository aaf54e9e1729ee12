/*
 * test-addr.c - unit tests of addr.c: address syntax and UTF-8 checks
 *
 * Directory addresses end up in mail headers, so the invalid cases are the
 * ones that could break or inject a header, besides plain malformed ones.
 * Each table row is an address and whether addr_check() must accept it.
 */
#include <pocgate/addr.h>

#include "test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Prints the case that failed, so a table failure names its row. */
static void check_valid(const char *addr)
{
	const char *why = addr_check(addr);

	if (why)
		printf("#   addr_check(\"%s\") refused: %s\n", addr, why);
	CHECK(why == NULL);
}

static void check_invalid(const char *label, const char *addr)
{
	if (!addr_check(addr))
		printf("#   addr_check(%s) accepted it\n", label);
	CHECK(addr_check(addr) != NULL);
}

static void plain_tagged_and_subdomain_addresses_are_valid(void)
{
	static const char *const cases[] = {
		"poc@example.test",
		"first.last@example.test",
		"poc+ping-2027@example.test",
		"cert@mail.ministry.gov.example.test",
		"A.B_C@EXAMPLE.TEST",
		"x@y.zz",
		"0@1.2",
		"!#$%&'*+-/=?^_`{|}~@example.test",
	};

	for (size_t i = 0; i < N(cases); i++)
		check_valid(cases[i]);
}

static void hyphens_inside_domain_labels_are_valid(void)
{
	static const char *const cases[] = {
		"poc@my-ministry.example.test",
		"poc@a-b-c.x-y.test",
		"poc@xn--80ak6aa92e.test",
		"-poc-@example.test",
	};

	for (size_t i = 0; i < N(cases); i++)
		check_valid(cases[i]);
}

static void utf8_local_part_and_domain_are_valid(void)
{
	static const char *const cases[] = {
		"почта12@министерство.test", "用户@例子.广告",
		"مسؤول@وزارة.test",	     "josé.garcía@ministerio.example.test",
		"poc@bücher.example.test",   "😀@emoji.test", /* a four-byte sequence */
	};

	for (size_t i = 0; i < N(cases); i++)
		check_valid(cases[i]);
}

static void limits_at_the_edge_are_valid(void)
{
	char local64[100], label63[100];

	memset(local64, 'l', 64);
	strcpy(local64 + 64, "@example.test");
	check_valid(local64);
	strcpy(label63, "a@");
	memset(label63 + 2, 'd', 63);
	strcpy(label63 + 65, ".test");
	check_valid(label63);
}

static void malformed_addresses_are_invalid(void)
{
	static const struct {
		const char *label, *addr;
	} cases[] = {
		{ "empty", "" },
		{ "no @", "poc.example.test" },
		{ "two @", "poc@ministry@example.test" },
		{ "@ at the start", "@example.test" },
		{ "@ at the end", "poc@" },
		{ "only @", "@" },
		{ "leading dot in local part", ".poc@example.test" },
		{ "trailing dot in local part", "poc.@example.test" },
		{ "double dot in local part", "p..oc@example.test" },
		{ "leading dot in domain", "poc@.example.test" },
		{ "trailing dot in domain", "poc@example.test." },
		{ "double dot in domain", "poc@example..test" },
		{ "domain without dot", "poc@localhost" },
		{ "domain label starting with -", "poc@-ministry.test" },
		{ "inner domain label ending with -", "poc@ministry-.example.test" },
		{ "underscore in domain", "poc@my_ministry.test" },
		{ "IP literal", "poc@[192.0.2.1]" },
		{ "comment", "poc(comment)@example.test" },
	};

	for (size_t i = 0; i < N(cases); i++)
		check_invalid(cases[i].label, cases[i].addr);
}

static void last_domain_label_ending_with_hyphen_is_invalid(void)
{
	check_invalid("last label ending with -", "poc@example.test-");
	check_invalid("last label only -", "poc@example.-");
}

static void header_breaking_characters_are_invalid(void)
{
	static const struct {
		const char *label, *addr;
	} cases[] = {
		{ "CRLF injection", "a@b.test\r\nBcc: x@y.test" },
		{ "LF in local part", "a\nb@example.test" },
		{ "CR in domain", "a@exa\rmple.test" },
		{ "tab", "a\t@example.test" },
		{ "DEL", "a\x7f@example.test" },
		{ "space in local part", "first last@example.test" },
		{ "space in domain", "poc@example .test" },
		{ "leading space", " poc@example.test" },
		{ "trailing space", "poc@example.test " },
		{ "angle brackets", "<poc@example.test>" },
		{ "display name", "POC <poc@example.test>" },
		{ "< in local part", "p<oc@example.test" },
		{ "> in domain", "poc@example.test>" },
		{ "comma", "a@example.test,b@example.test" },
		{ "comma in local part", "a,b@example.test" },
		{ "semicolon", "a;b@example.test" },
		{ "double quote", "a\"b@example.test" },
		{ "quoted local part", "\"poc\"@example.test" },
		{ "quoted local part with space", "\"first last\"@example.test" },
		{ "backslash", "a\\b@example.test" },
	};

	for (size_t i = 0; i < N(cases); i++)
		check_invalid(cases[i].label, cases[i].addr);
}

static void over_long_parts_are_invalid(void)
{
	char local65[100], label64[100], domain256[300];
	size_t n = 0;

	memset(local65, 'l', 65);
	strcpy(local65 + 65, "@example.test");
	check_invalid("local part of 65 octets", local65);

	strcpy(label64, "a@");
	memset(label64 + 2, 'd', 64);
	strcpy(label64 + 66, ".test");
	check_invalid("domain label of 64 octets", label64);

	/* 256 octets of domain in labels of 63 or fewer */
	n += (size_t)sprintf(domain256, "a@");
	for (int i = 0; i < 4; i++) {
		memset(domain256 + n, 'd', 60);
		n += 60;
		domain256[n++] = '.';
	}
	strcpy(domain256 + n, "example.test");
	CHECK(strlen(domain256 + 2) > 255);
	check_invalid("domain of more than 255 octets", domain256);
}

static void invalid_utf8_is_invalid(void)
{
	static const struct {
		const char *label, *addr;
	} cases[] = {
		{ "lone continuation byte", "a\x80@example.test" },
		{ "Latin-1 byte", "jos\xe9@example.test" },
		{ "overlong NUL C0 80", "a\xc0\x80@example.test" },
		{ "overlong slash C1 AF", "a\xc1\xaf@example.test" },
		{ "overlong three-byte E0 80 AF", "a\xe0\x80\xaf@example.test" },
		{ "overlong four-byte F0 80 80 AF", "a\xf0\x80\x80\xaf@example.test" },
		{ "surrogate ED A0 80", "a\xed\xa0\x80@example.test" },
		{ "surrogate in domain ED BF BF", "a@ex\xed\xbf\xbf.test" },
		{ "beyond U+10FFFF F4 90 80 80", "a\xf4\x90\x80\x80@example.test" },
		{ "F5 lead byte", "a\xf5\x80\x80\x80@example.test" },
		{ "FF byte", "a@example.test\xff" },
		{ "truncated two-byte at the end", "a@example.test\xd0" },
		{ "truncated three-byte at the end", "a@example.test\xe2\x82" },
		{ "truncated sequence before @", "\xd0@example.test" },
	};

	for (size_t i = 0; i < N(cases); i++)
		check_invalid(cases[i].label, cases[i].addr);
}

static void invalid_address_gives_a_reason(void)
{
	CHECK_CONTAINS(addr_check("poc.example.test"), "'@'");
	CHECK_CONTAINS(addr_check("a@b@example.test"), "more than one '@'");
	CHECK_CONTAINS(addr_check("poc@localhost"), "no '.'");
	CHECK_CONTAINS(addr_check("a@b.test\r\nBcc: x@y.test"), "control character");
	CHECK_CONTAINS(addr_check("a\xc0\x80@example.test"), "UTF-8");
}

static void utf8_check_accepts_text_and_refuses_controls(void)
{
	static const struct {
		const char *s, *allow;
		int ok;
	} cases[] = {
		{ "", NULL, 1 },
		{ "Ministère des Affaires étrangères", NULL, 1 },
		{ "Министерство иностранных дел", NULL, 1 },
		{ "外交部 😀", NULL, 1 },
		{ "line one\nline two", "\n", 1 },
		{ "line one\r\nline two", "\r\n", 1 },
		{ "col\tcol", "\t\n", 1 },
		{ "line one\nline two", NULL, 0 },
		{ "line one\nline two", "", 0 },
		{ "line one\r\nline two", "\n", 0 },
		{ "col\tcol", "\n", 0 },
		{ "bell\a", "\n", 0 },
		{ "escape\x1b[0m", NULL, 0 },
		{ "delete\x7f", "\n", 0 },
		{ "bad \xc0\x80", "\n", 0 },
		{ "bad \xed\xa0\x80", NULL, 0 },
		{ "bad \xe2\x82", NULL, 0 },
	};

	for (size_t i = 0; i < N(cases); i++) {
		const char *why = utf8_check(cases[i].s, cases[i].allow);

		if ((why == NULL) != cases[i].ok)
			printf("#   utf8_check case %zu: %s\n", i, why ? why : "accepted");
		CHECK((why == NULL) == cases[i].ok);
	}
}

static void utf8_check_names_what_is_wrong(void)
{
	CHECK_CONTAINS(utf8_check("a\x01", NULL), "control");
	CHECK_CONTAINS(utf8_check("a\xff", NULL), "UTF-8");
}

int main(void)
{
	RUN(plain_tagged_and_subdomain_addresses_are_valid);
	RUN(hyphens_inside_domain_labels_are_valid);
	RUN(utf8_local_part_and_domain_are_valid);
	RUN(limits_at_the_edge_are_valid);
	RUN(malformed_addresses_are_invalid);
	RUN(last_domain_label_ending_with_hyphen_is_invalid);
	RUN(header_breaking_characters_are_invalid);
	RUN(over_long_parts_are_invalid);
	RUN(invalid_utf8_is_invalid);
	RUN(invalid_address_gives_a_reason);
	RUN(utf8_check_accepts_text_and_refuses_controls);
	RUN(utf8_check_names_what_is_wrong);
	TEST_EXIT();
}
