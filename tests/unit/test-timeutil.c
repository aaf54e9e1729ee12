/*
 * test-timeutil.c - unit tests of timeutil.c: durations and UTC timestamps
 *
 * Pure functions, tested with tables. Expected epoch values were computed
 * independently (Python's calendar.timegm).
 */
#include <pocgate/timeutil.h>

#include <inttypes.h>

#include "test.h"

#define N(a)	  (sizeof(a) / sizeof((a)[0]))
#define UNTOUCHED ((int64_t)-4242)

static void duration_with_units_parses_to_seconds(void)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
		{ "48h", 172800 },  { "30m", 1800 },   { "5s", 5 },   { "7d", 604800 },
		{ "2w", 1209600 },  { "1h30m", 5400 }, { "0s", 0 },   { "1w2d3h4m5s", 788645 },
		{ "1h 30m", 5400 }, { " 60s", 60 },    { "007s", 7 }, { "90m", 5400 },
		{ "2h2h", 14400 },
	};

	for (size_t i = 0; i < N(cases); i++) {
		int64_t got = UNTOUCHED;
		int rc = duration_parse(cases[i].in, &got);

		if (rc != 0 || got != cases[i].want)
			printf("#   duration_parse(\"%s\") = %d, %" PRId64 "; expected 0, %" PRId64
			       "\n",
			       cases[i].in, rc, got, cases[i].want);
		CHECK(rc == 0 && got == cases[i].want);
	}
}

static void duration_without_unit_or_malformed_is_refused(void)
{
	static const char *const cases[] = {
		"48",	"",	" ",   "h",   "-5s", "5x",   "5S",    "1.5h",
		"1h30", "h30m", "5 s", "+5s", "5s-", "48 h", "0x10s", "\t5s",
	};

	for (size_t i = 0; i < N(cases); i++) {
		int64_t got = UNTOUCHED;
		int rc = duration_parse(cases[i], &got);

		if (rc != -1 || got != UNTOUCHED)
			printf("#   duration_parse(\"%s\") = %d, %" PRId64 "; expected -1\n",
			       cases[i], rc, got);
		CHECK(rc == -1 && got == UNTOUCHED);
	}
}

static void duration_overflow_is_refused(void)
{
	static const char *const cases[] = {
		"99999999999999999999s", "9223372036854775807w",
		"15250284452472w",	     /* just above INT64_MAX seconds */
		"9223372036854775000s1000s", /* the sum overflows */
	};

	for (size_t i = 0; i < N(cases); i++) {
		int64_t got = UNTOUCHED;
		int rc = duration_parse(cases[i], &got);

		if (rc != -1)
			printf("#   duration_parse(\"%s\") = %d, %" PRId64 "; expected -1\n",
			       cases[i], rc, got);
		CHECK(rc == -1 && got == UNTOUCHED);
	}
}

static void duration_format_writes_the_documented_forms(void)
{
	static const struct {
		int64_t in;
		const char *want;
	} cases[] = {
		{ 0, "0s" },	  { 5, "5s" },		 { 59, "59s" },
		{ 60, "1m" },	  { 3600, "1h" },	 { 5400, "1h30m" },
		{ 172800, "2d" }, { 90061, "1d1h1m1s" }, { -5, "0s" },
	};
	char buf[64];

	for (size_t i = 0; i < N(cases); i++) {
		duration_format(cases[i].in, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			printf("#   duration_format(%" PRId64 ") = \"%s\"\n", cases[i].in, buf);
		CHECK_STR(buf, cases[i].want);
	}
}

static void duration_format_round_trips_through_parse(void)
{
	static const int64_t cases[] = {
		0,     1,     59,     60,     61,      3599,	 3600,	 5400,
		86399, 86400, 172800, 604800, 1209600, 31536000, 788645, INT64_MAX / 2,
	};
	char buf[64];

	for (size_t i = 0; i < N(cases); i++) {
		int64_t back = UNTOUCHED;

		duration_format(cases[i], buf, sizeof(buf));
		if (duration_parse(buf, &back) != 0 || back != cases[i])
			printf("#   %" PRId64 " -> \"%s\" -> %" PRId64 "\n", cases[i], buf, back);
		CHECK(duration_parse(buf, &back) == 0 && back == cases[i]);
	}
}

static void duration_format_into_a_short_buffer_stays_inside_it(void)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	duration_format(90061, buf, 4);
	CHECK(memchr(buf, '\0', 4) != NULL);
	CHECK(buf[4] == '#');
	duration_format(90061, buf, 0);
	CHECK(buf[4] == '#');
}

static void utc_parse_accepts_the_three_forms(void)
{
	static const struct {
		const char *in;
		int64_t want;
	} cases[] = {
		{ "2027-01-15", 1799971200 },
		{ "2027-01-15 09:00", 1800003600 },
		{ "2027-01-15 09:00:30", 1800003630 },
		{ "2027-01-15T09:00:30Z", 1800003630 },
		{ "2027-01-15T09:00Z", 1800003600 },
		{ "2026-11-23T04:06:39Z", 1795406799 },
		{ "2024-02-29 23:59:59", 1709251199 },
		{ "2000-01-01T00:00:00Z", 946684800 },
		{ "1970-01-01", 0 },
	};

	for (size_t i = 0; i < N(cases); i++) {
		int64_t got = UNTOUCHED;
		int rc = utc_parse(cases[i].in, &got);

		if (rc != 0 || got != cases[i].want)
			printf("#   utc_parse(\"%s\") = %d, %" PRId64 "; expected 0, %" PRId64 "\n",
			       cases[i].in, rc, got, cases[i].want);
		CHECK(rc == 0 && got == cases[i].want);
	}
}

static void utc_parse_rejects_impossible_dates_and_times(void)
{
	static const char *const cases[] = {
		"2026-02-30",	    "2026-02-29",	    "2026-04-31", "2026-13-01",
		"2026-00-10",	    "2026-01-00",	    "2026-01-32", "2026-01-15 24:00",
		"2026-01-15 09:60", "2026-01-15T09:00:61Z", "1969-12-31",
	};

	for (size_t i = 0; i < N(cases); i++) {
		int64_t got = UNTOUCHED;
		int rc = utc_parse(cases[i], &got);

		if (rc != -1)
			printf("#   utc_parse(\"%s\") = %d, %" PRId64 "; expected -1\n", cases[i],
			       rc, got);
		CHECK(rc == -1 && got == UNTOUCHED);
	}
}

/* sscanf's %2d takes a sign: "09:-1" must not become 08:59 */
static void utc_parse_rejects_negative_time_fields(void)
{
	static const char *const cases[] = {
		"2026-01-15 09:-1",
		"2026-01-15 09:00:-1",
		"2026-01-15T09:-5:00Z",
		"2026-01-15T-1:00Z",
	};

	for (size_t i = 0; i < N(cases); i++) {
		int64_t got = UNTOUCHED;
		int rc = utc_parse(cases[i], &got);

		if (rc != -1)
			printf("#   utc_parse(\"%s\") = %d, %" PRId64 "; expected -1\n", cases[i],
			       rc, got);
		CHECK(rc == -1 && got == UNTOUCHED);
	}
}

static void utc_parse_rejects_garbage_and_trailing_text(void)
{
	static const char *const cases[] = {
		"",
		"yesterday",
		"2027/01/15",
		"15-01-2027",
		"2027-01",
		"2027-01-15T",
		"2027-01-15T09",
		"2027-01-15 09:",
		"2027-01-15x",
		"2027-01-15 09:00 UTC",
		"2027-01-15T09:00:00Zjunk",
		"2027-01-15T09:00:00Z ",
		"2027-01-15 09:00:00:00",
		"2027-01-15 09:00:00+01:00",
	};

	for (size_t i = 0; i < N(cases); i++) {
		int64_t got = UNTOUCHED;
		int rc = utc_parse(cases[i], &got);

		if (rc != -1)
			printf("#   utc_parse(\"%s\") = %d, %" PRId64 "; expected -1\n", cases[i],
			       rc, got);
		CHECK(rc == -1 && got == UNTOUCHED);
	}
}

static void utc_format_writes_iso_8601_with_z(void)
{
	static const struct {
		int64_t in;
		const char *want;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ 1795406799, "2026-11-23T04:06:39Z" },
		{ 1709251199, "2024-02-29T23:59:59Z" },
		{ 1800003630, "2027-01-15T09:00:30Z" },
	};
	char buf[32];

	for (size_t i = 0; i < N(cases); i++) {
		utc_format(cases[i].in, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].want);
	}
}

static void utc_format_round_trips_through_parse(void)
{
	static const int64_t cases[] = {
		0, 1, 86399, 946684800, 1709251199, 1795406799, 4102444799
	};
	char buf[32];

	for (size_t i = 0; i < N(cases); i++) {
		int64_t back = UNTOUCHED;

		utc_format(cases[i], buf, sizeof(buf));
		CHECK(strlen(buf) == 20);
		CHECK(utc_parse(buf, &back) == 0 && back == cases[i]);
	}
}

int main(void)
{
	RUN(duration_with_units_parses_to_seconds);
	RUN(duration_without_unit_or_malformed_is_refused);
	RUN(duration_overflow_is_refused);
	RUN(duration_format_writes_the_documented_forms);
	RUN(duration_format_round_trips_through_parse);
	RUN(duration_format_into_a_short_buffer_stays_inside_it);
	RUN(utc_parse_accepts_the_three_forms);
	RUN(utc_parse_rejects_impossible_dates_and_times);
	RUN(utc_parse_rejects_negative_time_fields);
	RUN(utc_parse_rejects_garbage_and_trailing_text);
	RUN(utc_format_writes_iso_8601_with_z);
	RUN(utc_format_round_trips_through_parse);
	TEST_EXIT();
}
