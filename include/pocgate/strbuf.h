/*
 * strbuf.h - growable strings for everything that comes from outside
 *
 * Rules (as git's strbuf):
 *  - buf is always NUL-terminated and len is its length, even for binary data;
 *  - a strbuf is initialised with STRBUF_INIT or sb_init() before use;
 *  - the memory is released with sb_release() or handed over with
 *    sb_detach(), after which the strbuf is empty and reusable;
 *  - never keep a pointer into buf across a call that may grow it.
 */
#ifndef POCGATE_STRBUF_H
#define POCGATE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t len;
	size_t alloc;
	char *buf; /* owned, or sb_empty when alloc == 0 */
};

extern char sb_empty[];
#define STRBUF_INIT { 0, 0, sb_empty }

void sb_init(struct strbuf *sb, size_t hint);
void sb_release(struct strbuf *sb);
char *sb_detach(struct strbuf *sb, size_t *len);
void sb_grow(struct strbuf *sb, size_t extra);
void sb_reset(struct strbuf *sb);
void sb_setlen(struct strbuf *sb, size_t len);

void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_addstr(struct strbuf *sb, const char *s);
void sb_addch(struct strbuf *sb, int c);
void sb_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Removes white space at both ends. */
void sb_trim(struct strbuf *sb);
/* Reads a whole file; 0 or -1 with errno set. */
int sb_read_file(struct strbuf *sb, const char *path);

#endif
