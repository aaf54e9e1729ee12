/*
 * NAME
 *	xalloc - allocation that never returns NULL
 * SYNOPSIS
 *	#include <pocgate/xalloc.h>
 *	xmalloc(), xcalloc(), xrealloc(), xreallocarray(), xstrdup(), xstrndup(),
 *	xasprintf(), xsize_add()
 * DESCRIPTION
 *	Thin wrappers over the C library. On failure they print one line to
 *	stderr and exit with EX_OSERR: running out of memory is not a condition
 *	pocgate tries to recover from halfway through a state change (SQLite
 *	transactions make the exit safe).
 */
#include <pocgate/xalloc.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

static void oom(size_t size)
{
	fprintf(stderr, "pocgate: out of memory (%zu bytes)\n", size);
	exit(EX_OSERR);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		oom(SIZE_MAX);
	return xrealloc(ptr, nmemb * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(xsize_add(len, 1));

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t xsize_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b)
		oom(SIZE_MAX);
	return a + b;
}
