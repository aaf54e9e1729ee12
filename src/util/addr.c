/*
 * NAME
 *	addr - e-mail address and UTF-8 text checks
 * SYNOPSIS
 *	#include <pocgate/addr.h>
 *	const char *addr_check(const char *s);
 *	const char *utf8_check(const char *s, const char *allow);
 * DESCRIPTION
 *	Directory data ends up in mail headers: these checks keep anything that
 *	could break a header (CR, LF, NUL, other controls, '<', '>', ',', '"',
 *	spaces) out of addresses before they are stored.
 * STANDARDS
 *	RFC 5322 section 3.4.1 (addr-spec, dot-atom only), RFC 6531 (UTF-8 in
 *	local parts and domains), RFC 1035 (label length 63, name length 255),
 *	RFC 5321 section 4.5.3.1 (local part 64 octets).
 * SECURITY
 *	Reads untrusted input; never reads past the terminating NUL.
 */
#include <pocgate/addr.h>

#include <string.h>

/* Length of the UTF-8 sequence at s, or 0 when it is invalid (overlong,
 * surrogate, out of range, truncated). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && s[1] < 0xa0)
			return 0;
		if (c == 0xed && s[1] >= 0xa0)
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && s[1] < 0x90)
			return 0;
		if (c == 0xf4 && s[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

const char *utf8_check(const char *str, const char *allow)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n = utf8_seq(s);
		if (!n)
			return "invalid UTF-8";
		if (n == 1 && (*s < 0x20 || *s == 0x7f) && !(allow && strchr(allow, *s)))
			return "control character";
		s += n;
	}
	return NULL;
}

static int atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

const char *addr_check(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	const char *at = strrchr(str, '@');
	size_t local_len, label = 0, labels = 1;

	if (!*s)
		return "empty address";
	if (utf8_check(str, NULL))
		return "invalid UTF-8 or a control character";
	if (!at)
		return "no '@'";
	local_len = (size_t)(at - str);
	if (local_len == 0)
		return "empty local part";
	if (local_len > 64)
		return "local part longer than 64 octets";
	for (size_t i = 0; i < local_len; i++) {
		unsigned char c = s[i];
		if (c == '.') {
			if (i == 0 || i + 1 == local_len || s[i + 1] == '.')
				return "misplaced '.' in the local part";
		} else if (c == '@') {
			return "more than one '@'";
		} else if (c < 0x80 && !atext(c)) {
			return "character not allowed in the local part";
		}
	}
	s = (const unsigned char *)at + 1;
	if (!*s)
		return "empty domain";
	if (strlen((const char *)s) > 255)
		return "domain longer than 255 octets";
	for (const unsigned char *p = s; *p; p++) {
		unsigned char c = *p;
		if (c == '.') {
			if (label == 0)
				return "empty label in the domain";
			if (p[-1] == '-')
				return "domain label ends with '-'";
			label = 0;
			labels++;
			continue;
		}
		if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				  (c >= '0' && c <= '9') || c == '-'))
			return "character not allowed in the domain";
		if (c == '-' && label == 0)
			return "domain label starts with '-'";
		if (++label > 63)
			return "domain label longer than 63 octets";
	}
	if (label == 0)
		return "domain ends with '.'";
	if (s[strlen((const char *)s) - 1] == '-')
		return "domain label ends with '-'";
	if (labels < 2)
		return "domain has no '.'";
	return NULL;
}
