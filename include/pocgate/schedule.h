/*
 * schedule.h - when cycles start by themselves
 */
#ifndef POCGATE_SCHEDULE_H
#define POCGATE_SCHEDULE_H

#include <stdint.h>

/* The latest scheduled time at or before now, or 0 when none has come:
 * start + k * every_months calendar months, or the latest of dates[].
 * Next (when not NULL) gets the first scheduled time after now (0: none).
 * Pure. */
int64_t schedule_latest(int64_t start, int every_months, const int64_t *dates, int ndates,
			int64_t now, int64_t *next);

#endif
