/*
 * test-schedule - scheduled cycle times: every N months or listed dates
 */
#include "test.h"

#include <pocgate/schedule.h>
#include <pocgate/timeutil.h>

static int64_t t(const char *s)
{
	int64_t v = 0;

	if (utc_parse(s, &v) < 0)
		printf("# bad time %s\n", s);
	return v;
}

static void nothing_is_due_before_the_first_date(void)
{
	int64_t next;

	CHECK(schedule_latest(t("2027-01-15 09:00"), 6, NULL, 0, t("2026-12-01"), &next) == 0);
	CHECK(next == t("2027-01-15 09:00"));
}

static void every_six_months_keeps_the_day(void)
{
	int64_t next, s = t("2027-01-15 09:00");

	CHECK(schedule_latest(s, 6, NULL, 0, t("2027-01-15 09:00"), &next) == s);
	CHECK(next == t("2027-07-15 09:00"));
	CHECK(schedule_latest(s, 6, NULL, 0, t("2027-07-15 08:59"), NULL) == s);
	CHECK(schedule_latest(s, 6, NULL, 0, t("2027-07-15 09:00"), NULL) == t("2027-07-15 09:00"));
	CHECK(schedule_latest(s, 6, NULL, 0, t("2031-03-01"), &next) == t("2031-01-15 09:00"));
	CHECK(next == t("2031-07-15 09:00"));
}

static void long_downtime_catches_up_only_the_latest_time(void)
{
	/* down from 2027-02 to 2029-09: one cycle, for 2029-07-15, not five */
	CHECK(schedule_latest(t("2027-01-15 09:00"), 6, NULL, 0, t("2029-09-01"), NULL) ==
	      t("2029-07-15 09:00"));
}

static void listed_dates_are_used_instead(void)
{
	int64_t d[] = { t("2027-02-01"), t("2027-08-01"), t("2028-02-01") }, next;

	CHECK(schedule_latest(0, 6, d, 3, t("2027-01-01"), &next) == 0 && next == d[0]);
	CHECK(schedule_latest(0, 6, d, 3, t("2027-09-01"), &next) == d[1] && next == d[2]);
	CHECK(schedule_latest(0, 6, d, 3, t("2030-01-01"), &next) == d[2] && next == 0);
}

int main(void)
{
	RUN(nothing_is_due_before_the_first_date);
	RUN(every_six_months_keeps_the_day);
	RUN(long_downtime_catches_up_only_the_latest_time);
	RUN(listed_dates_are_used_instead);
	TEST_EXIT();
}
