/*
 * NAME
 *	progress - terminal progress bar
 * SYNOPSIS
 *	#include <pocgate/progress.h>
 *	progress_start(), progress_update(), progress_end()
 * DESCRIPTION
 *	"  signing  [#########           ]  4210/10000  161/s  36s left".
 *	Drawn on stderr with a carriage return, only when stderr is a
 *	terminal, and at most every 100 ms, so it costs nothing in a loop.
 */
#include <pocgate/progress.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <pocgate/xalloc.h>

#define BAR_WIDTH 24

struct progress {
	const char *what;
	size_t total;
	double started, last;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress *progress_start(const char *what, size_t total)
{
	struct progress *p;

	if (!isatty(STDERR_FILENO) || total == 0)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->what = what;
	p->total = total;
	p->started = now_s();
	return p;
}

static void draw(struct progress *p, size_t done)
{
	double el = now_s() - p->started, rate = el > 0 ? (double)done / el : 0;
	size_t fill = p->total ? done * BAR_WIDTH / p->total : 0;
	char bar[BAR_WIDTH + 1];

	for (size_t i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r  %-9s [%s] %6zu/%zu  %5.0f/s", p->what, bar, done, p->total, rate);
	if (rate > 0 && done < p->total)
		fprintf(stderr, "  %4.0fs left ", (double)(p->total - done) / rate);
	else
		fprintf(stderr, "  %4.0fs      ", el);
	fflush(stderr);
}

static void (*_Atomic beat_fn)(void);

void progress_on_beat(void (*fn)(void))
{
	beat_fn = fn;
}

void progress_beat(void)
{
	void (*fn)(void) = beat_fn;

	if (fn)
		fn();
}

void progress_update(struct progress *p, size_t done)
{
	double t;

	progress_beat();
	if (!p)
		return;
	t = now_s();
	if (t - p->last < 0.1)
		return;
	p->last = t;
	draw(p, done);
}

void progress_end(struct progress **pp, size_t done)
{
	if (!pp || !*pp)
		return;
	draw(*pp, done);
	fputc('\n', stderr);
	free(*pp);
	*pp = NULL;
}
