/*
 * NAME
 *	schedule - the times at which cycles start by themselves
 * SYNOPSIS
 *	#include <pocgate/schedule.h>
 *	int64_t schedule_latest(int64_t start, int every_months,
 *				const int64_t *dates, int ndates, int64_t now,
 *				int64_t *next);
 * DESCRIPTION
 *	Annex A para 8: a ping test every six months. The schedule is either a
 *	first date and a period in calendar months (the day of the month is
 *	kept; a day past the month's end moves to the next month, as timegm()
 *	does), or an explicit list of dates. The daemon starts a cycle when
 *	the latest scheduled time has no cycle started at or after it: after
 *	downtime it catches up once (the latest missed time), never twice.
 */
#include <pocgate/schedule.h>

#include <time.h>

static int64_t add_months(int64_t t, long months)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	tm.tm_mon += (int)months;
	return (int64_t)timegm(&tm);
}

int64_t schedule_latest(int64_t start, int every_months, const int64_t *dates, int ndates,
			int64_t now, int64_t *next)
{
	int64_t latest = 0;

	if (next)
		*next = 0;
	if (ndates > 0) {
		for (int i = 0; i < ndates; i++) {
			if (dates[i] <= now)
				latest = dates[i];
			else if (next && !*next)
				*next = dates[i];
		}
		return latest;
	}
	if (start <= 0 || every_months <= 0)
		return 0;
	if (start > now) {
		if (next)
			*next = start;
		return 0;
	}
	/* an estimate from the average month, then exact steps */
	long k = (long)((now - start) / (int64_t)(30.436875 * 86400)) / every_months;
	if (k > 0)
		k--;
	while (add_months(start, (k + 1) * every_months) <= now)
		k++;
	latest = add_months(start, k * every_months);
	if (next)
		*next = add_months(start, (k + 1) * every_months);
	return latest;
}
