/*
 * timeutil.h - durations and UTC timestamps
 *
 * Inside pocgate durations are seconds and times are seconds since the
 * epoch (int64_t); units and calendars appear only at the edges.
 */
#ifndef POCGATE_TIMEUTIL_H
#define POCGATE_TIMEUTIL_H

#include <stdint.h>
#include <stddef.h>

/* Parses "48h", "30m", "5s", "7d", "2w" or a sum like "1h30m" into seconds.
 * A bare number is refused: the unit must be said. 0 or -1. */
int duration_parse(const char *s, int64_t *seconds);
/* Writes an exact form in days, hours, minutes and seconds ("2d",
 * "1h30m", "365d", "0s") into buf. */
void duration_format(int64_t seconds, char *buf, size_t size);

/* Parses "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DDTHH:MM[:SS]Z",
 * all UTC. 0 or -1. */
int utc_parse(const char *s, int64_t *t);
/* ISO 8601 with seconds and Z: "2026-11-23T04:06:39Z" (buf >= 21). */
void utc_format(int64_t t, char *buf, size_t size);
/* The current time; tests and pure functions take time as an argument. */
int64_t utc_now(void);

#endif
