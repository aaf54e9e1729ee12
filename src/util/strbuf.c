/*
 * NAME
 *	strbuf - growable NUL-terminated strings
 * SYNOPSIS
 *	#include <pocgate/strbuf.h>
 * DESCRIPTION
 *	See the rules at the top of strbuf.h. Growth is geometric and every
 *	size computation is checked for overflow (xsize_add).
 */
#include <pocgate/strbuf.h>
#include <pocgate/xalloc.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char sb_empty[1];

void sb_init(struct strbuf *sb, size_t hint)
{
	sb->len = 0;
	sb->alloc = 0;
	sb->buf = sb_empty;
	if (hint)
		sb_grow(sb, hint);
}

void sb_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	sb_init(sb, 0);
}

char *sb_detach(struct strbuf *sb, size_t *len)
{
	char *r;

	sb_grow(sb, 0);
	r = sb->buf;
	if (len)
		*len = sb->len;
	sb_init(sb, 0);
	return r;
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	size_t need, n;

	if (extra < sb->alloc - sb->len) /* room for extra and the NUL (alloc 0: none) */
		return;
	need = xsize_add(xsize_add(sb->len, extra), 1);
	n = sb->alloc ? sb->alloc : 64;
	while (n < need)
		n = xsize_add(n, n / 2 + 1);
	if (!sb->alloc) {
		sb->buf = xmalloc(n);
		sb->buf[0] = '\0';
	} else {
		sb->buf = xrealloc(sb->buf, n);
	}
	sb->alloc = n;
}

void sb_reset(struct strbuf *sb)
{
	sb_setlen(sb, 0);
}

void sb_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	if (len > sb->len)
		len = sb->len;
	sb->len = len;
	sb->buf[len] = '\0';
}

void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	sb_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void sb_addstr(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_addch(struct strbuf *sb, int c)
{
	if (sb->alloc - sb->len < 2)
		sb_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sb_trim(struct strbuf *sb)
{
	size_t start = 0, end = sb->len;

	while (start < end && isspace((unsigned char)sb->buf[start]))
		start++;
	while (end > start && isspace((unsigned char)sb->buf[end - 1]))
		end--;
	if (!sb->alloc)
		return;
	memmove(sb->buf, sb->buf + start, end - start);
	sb->len = end - start;
	sb->buf[sb->len] = '\0';
}

int sb_read_file(struct strbuf *sb, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	for (;;) {
		sb_grow(sb, 8192);
		n = read(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		sb->len += (size_t)n;
		sb->buf[sb->len] = '\0';
	}
	close(fd);
	return 0;
}
