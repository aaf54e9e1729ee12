/*
 * utf8.h - writing a code point as UTF-8
 *
 * utf8_put() writes code point c (at most 0x10ffff) at w, in one to four
 * bytes, and returns the byte after them. Inline: mime.c's charset tables
 * and classify.c's lower-casing call it for each character.
 */
#ifndef POCGATE_UTF8_H
#define POCGATE_UTF8_H

static inline char *utf8_put(char *w, unsigned c)
{
	if (c < 0x80) {
		*w++ = (char)c;
	} else if (c < 0x800) {
		*w++ = (char)(0xc0 | (c >> 6));
		*w++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*w++ = (char)(0xe0 | (c >> 12));
		*w++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*w++ = (char)(0x80 | (c & 0x3f));
	} else {
		*w++ = (char)(0xf0 | (c >> 18));
		*w++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*w++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*w++ = (char)(0x80 | (c & 0x3f));
	}
	return w;
}

#endif
