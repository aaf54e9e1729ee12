/*
 * xalloc.h - allocation that never returns NULL
 *
 * Out of memory is a broken environment, not an error a caller can handle:
 * these wrappers end the program with a message instead of returning NULL, so
 * no caller needs a NULL check. Size arithmetic is checked for overflow.
 */
#ifndef POCGATE_XALLOC_H
#define POCGATE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Formats like asprintf(3) into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Adds a and b, ending the program on overflow. */
size_t xsize_add(size_t a, size_t b);

#endif
