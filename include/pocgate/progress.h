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

/* Long work says it is moving: progress_update() does, and loops without
 * a bar (reading the mailbox, submitting) call progress_beat(). Each call
 * runs the function set with progress_on_beat(), from whatever thread:
 * pocgated feeds systemd's watchdog with it, so that long work is not
 * taken for a hang while a real hang still is. */
void progress_on_beat(void (*fn)(void));
void progress_beat(void);

#endif
