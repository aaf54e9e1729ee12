/*
 * progress.h - a progress bar for long work, shown only at a terminal
 */
#ifndef POCGATE_PROGRESS_H
#define POCGATE_PROGRESS_H

#include <stddef.h>

struct progress;

/* Starts a bar on stderr when stderr is a terminal; otherwise every call
 * is a no-op and nothing is printed (pipes and logs get no bar). */
struct progress *progress_start(const char *what, size_t total);
/* Redraws at most ten times a second: done/total, rate, time left. */
void progress_update(struct progress *p, size_t done);
/* Draws the final state, ends the line and frees; accepts NULL. */
void progress_end(struct progress **p, size_t done);

#endif
