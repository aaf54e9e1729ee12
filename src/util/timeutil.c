/*
 * NAME
 *	timeutil - durations with units and UTC timestamps
 * SYNOPSIS
 *	#include <pocgate/timeutil.h>
 * DESCRIPTION
 *	Durations are written with units in configuration and shown with units
 *	to people; everything in between is seconds. Times are UTC only: the
 *	directory spans every time zone and the mandate states deadlines in UTC.
 * DIAGNOSTICS
 *	Parsers return -1 on any syntax error or overflow and leave *out alone.
 */
#include <pocgate/timeutil.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
	char unit;
	int64_t seconds;
} units[] = { { 'w', 604800 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };

int duration_parse(const char *s, int64_t *seconds)
{
	int64_t total = 0;
	int parts = 0;

	while (*s == ' ')
		s++;
	while (*s) {
		int64_t n = 0, mult = 0;

		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s)) {
			if (n > (INT64_MAX - 9) / 10)
				return -1;
			n = n * 10 + (*s++ - '0');
		}
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (*s == units[i].unit)
				mult = units[i].seconds;
		if (!mult)
			return -1;
		s++;
		if (n > (INT64_MAX - total) / mult)
			return -1;
		total += n * mult;
		parts++;
		while (*s == ' ')
			s++;
	}
	if (!parts)
		return -1;
	*seconds = total;
	return 0;
}

void duration_format(int64_t seconds, char *buf, size_t size)
{
	size_t off = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (seconds <= 0) {
		snprintf(buf, size, "%llds", (long long)(seconds < 0 ? 0 : seconds));
		return;
	}
	/* from days down: "365d" reads better than "52w1d" */
	for (size_t i = 1; i < sizeof(units) / sizeof(units[0]); i++) {
		int64_t n = seconds / units[i].seconds;
		if (!n)
			continue;
		seconds -= n * units[i].seconds;
		int w = snprintf(buf + off, size - off, "%lld%c", (long long)n, units[i].unit);
		if (w < 0 || (size_t)w >= size - off)
			return;
		off += (size_t)w;
	}
}

int utc_parse(const char *s, int64_t *t)
{
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	char sep = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	s += n;
	if (*s == 'T' || *s == ' ') {
		sep = *s++;
		n = 0;
		if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) != 2)
			return -1;
		s += n;
		if (*s == ':') {
			n = 0;
			if (sscanf(s + 1, "%2d%n", &sec, &n) != 1)
				return -1;
			s += 1 + n;
		}
		if (*s == 'Z')
			s++;
		else if (sep == 'T' && strcmp(s, "+00:00") == 0)
			s += 6;
	}
	if (*s)
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || sec < 0 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t r = timegm(&tm);
	struct tm back;
	gmtime_r(&r, &back);
	if (back.tm_mday != d) /* 2026-02-30 and the like */
		return -1;
	*t = (int64_t)r;
	return 0;
}

void utc_format(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int64_t utc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}
