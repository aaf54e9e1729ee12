/*
 * NAME
 *	mime - parse incoming mail into plain data
 * SYNOPSIS
 *	#include <pocgate/mime.h>
 *	void mime_parse(const char *data, size_t len, struct mime_msg *m);
 *	void mime_release(struct mime_msg *m);
 *	void mime_decode_header(const char *value, struct strbuf *out);
 * DESCRIPTION
 *	Mail arrives with CRLF, LF or even bare CR line ends: LF and CRLF are
 *	read alike, and a message with a bare CR is made CRLF first. The
 *	signed part of a PGP/MIME message is kept with CRLF line ends, as it
 *	was signed (RFC 3156). Header fields are read from each header block by a small
 *	unfolding scanner, so that one malformed field cannot hide the others.
 *	libetpan does the MIME grammar: Content-Type with its parameters,
 *	Content-Transfer-Encoding and the decoding it names, encoded words,
 *	the From mailbox.
 *
 *	The structure is walked here, depth first, at most MIME_MAX_DEPTH deep
 *	and MIME_MAX_PARTS parts, without building a tree: a multipart's parts
 *	are found by their delimiter lines (memmem), and only the parts that
 *	are read are parsed further. libetpan's mailmime_parse() builds the
 *	whole tree, parsing every field of every enclosed message's header
 *	(Received, DKIM-Signature...), and searches boundaries byte by byte:
 *	two thirds of the time pocgate took over a corpus of bounces.
 *	text/plain parts are decoded (transfer encoding, then charset to UTF-8
 *	through iconv converters kept open) into the text; text/html only when
 *	there is no plain text, with tags dropped; message/delivery-status
 *	fills the DSN fields; message/rfc822 and text/rfc822-headers give the
 *	returned message's Message-ID and reference; multipart/signed
 *	(application/pgp-signature) keeps the signed part's bytes as they
 *	were, for verification.
 * STANDARDS
 *	RFC 5322, RFC 2045-2047, RFC 2231 (through libetpan), RFC 3464 (DSN),
 *	RFC 3156 (PGP/MIME), RFC 3834 (Auto-Submitted).
 * SECURITY
 *	Everything here is hostile input. Sizes and depth are bounded, every
 *	string handed on is valid UTF-8 (invalid bytes become U+FFFD), and no
 *	failure is fatal: it becomes malformed with a reason.
 */
#include <pocgate/mime.h>

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <libetpan/libetpan.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pocgate/utf8.h>
#include <pocgate/xalloc.h>

#define HEADER_MAX (64 * 1024)

/* ---- charset conversion ---- */

/*
 * libetpan's charconv() opens and closes an iconv converter for every
 * string, and glibc loads and unloads the converter's module each time:
 * most of the parse time for bodies. Body text is converted here instead,
 * with converters kept open, a few per thread.
 */
#define CD_CACHE 12

struct cd_slot {
	char from[48];
	char to[16];
	iconv_t cd;
};

static _Thread_local struct cd_slot cd_cache[CD_CACHE];
static _Thread_local unsigned cd_next;

static iconv_t cd_get(const char *to, const char *from)
{
	struct cd_slot *slot;

	for (unsigned i = 0; i < CD_CACHE; i++)
		if (cd_cache[i].cd && !strcasecmp(cd_cache[i].from, from) &&
		    !strcasecmp(cd_cache[i].to, to))
			return cd_cache[i].cd;
	if (strlen(from) >= sizeof(slot->from) || strlen(to) >= sizeof(slot->to))
		return (iconv_t)-1;
	/* a charset iconv does not know is remembered too, as (iconv_t)-1 */
	iconv_t cd = iconv_open(to, from);
	slot = &cd_cache[cd_next++ % CD_CACHE];
	if (slot->cd && slot->cd != (iconv_t)-1)
		iconv_close(slot->cd);
	snprintf(slot->from, sizeof(slot->from), "%s", from);
	snprintf(slot->to, sizeof(slot->to), "%s", to);
	slot->cd = cd;
	return cd;
}

/*
 * ISO-8859-1 is the one charset whose table is its definition: each byte is
 * the code point of the same value. It is also the commonest (libetpan reads
 * every plain word of a header with an encoded word as ISO-8859-1), and
 * iconv would load a module for it in every process: converted here, into
 * w (room for 2 * n bytes). Returns the bytes written.
 */
static size_t latin1_to_utf8(const char *s, size_t n, char *w)
{
	char *start = w;

	for (size_t i = 0; i < n; i++)
		w = utf8_put(w, (unsigned char)s[i]);
	return (size_t)(w - start);
}

static int is_latin1(const char *charset)
{
	return strcasecmp(charset, "iso-8859-1") == 0;
}

/* The charset a text labelled cs is read in: the commonest mislabel is
 * GB2312 (or GBK) text that needs GB18030. */
static const char *read_as(const char *cs)
{
	return strcasecmp(cs, "gb2312") == 0 || strcasecmp(cs, "gbk") == 0 ? "GB18030" : cs;
}

/* The other single-byte charsets: tables asked of iconv at build time. */
#include "charsets.h"

/* A charset's name as the tables list it: "ISO_8859-2" is iso88592. */
static int charset_key(const char *charset, char *key, size_t size)
{
	size_t k = 0;

	for (const char *p = charset; *p; p++) {
		if (!isalnum((unsigned char)*p))
			continue;
		if (k + 1 >= size)
			return -1;
		key[k++] = (char)tolower((unsigned char)*p);
	}
	key[k] = '\0';
	return 0;
}

/* The table of a single-byte charset, by any of its names, or NULL. */
static const unsigned short *byte_table(const char *charset)
{
	char key[24];

	if (charset_key(charset, key, sizeof(key)) < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(byte_charsets) / sizeof(byte_charsets[0]); i++)
		for (size_t j = 0; j < 3 && byte_charsets[i].names[j]; j++)
			if (strcmp(key, byte_charsets[i].names[j]) == 0)
				return byte_charsets[i].cp;
	return NULL;
}

/* The tables of a double-byte charset by its key, or NULL. */
static const struct dbcs_charset *dbcs_table(const char *key)
{
	for (const struct dbcs_charset *d = dbcs_charsets; d->single; d++)
		for (size_t j = 0; j < 5 && d->names[j]; j++)
			if (strcmp(key, d->names[j]) == 0)
				return d;
	return NULL;
}

/* s[0..n) through table t into w (room for 3 * n bytes); a byte the
 * charset lacks becomes undefined (a code point below 0x10000). Returns
 * the bytes written. */
static size_t table_to_utf8(const unsigned short *t, const char *s, size_t n, char *w,
			    unsigned undefined)
{
	char *start = w;

	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];
		if (c >= 0x80)
			c = t[c - 0x80] ? t[c - 0x80] : undefined;
		w = utf8_put(w, c);
	}
	return (size_t)(w - start);
}

/* The code point of the two-byte sequence p[0], p[1] in d, or 0. */
static unsigned dbcs_pair(const struct dbcs_charset *d, unsigned char lead, unsigned char trail)
{
	if (lead < d->lead_lo || lead > d->lead_hi || trail < d->trail_lo || trail > d->trail_hi)
		return 0;
	return d->pairs[(size_t)(lead - d->lead_lo) * (size_t)(d->trail_hi - d->trail_lo + 1) +
			(size_t)(trail - d->trail_lo)];
}

/*
 * s[0..n) in the double-byte charset d, appended to out as UTF-8. At a
 * sequence the tables lack (an invalid one, GB18030's four bytes, EUC-JP's
 * three) returns -1 with out as it was: iconv converts that text.
 */
static int dbcs_to_utf8(const struct dbcs_charset *d, const char *s, size_t n, struct strbuf *out)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char *w;

	sb_grow(out, xsize_add(xsize_add(n, n), n)); /* at most 3 bytes a byte */
	w = out->buf + out->len;
	while (p < end) {
		unsigned c = *p, v = d->single[c];
		if (v || !c) {
			p++;
		} else if (end - p >= 2 && (v = dbcs_pair(d, p[0], p[1])) != 0) {
			p += 2;
		} else {
			out->buf[out->len] = '\0';
			return -1;
		}
		w = utf8_put(w, v);
	}
	out->len = (size_t)(w - out->buf);
	out->buf[out->len] = '\0';
	return 0;
}

/*
 * ISO-2022-JP (RFC 1468), Japanese mail's charset: ASCII, JIS X 0201
 * Roman and JIS X 0208 switched by escape sequences, the last read through
 * EUC-JP's table (each byte with its high bit set); an 8-bit byte is
 * undefined. Anything else, ISO-2022-JP-2's other sets included, returns
 * -1 as dbcs_to_utf8() does.
 */
static int iso2022jp_to_utf8(const char *s, size_t n, struct strbuf *out, unsigned undefined)
{
	const struct dbcs_charset *d = dbcs_table("eucjp");
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	enum { ASCII, ROMAN, KANJI } set = ASCII;
	char *w;

	if (!d)
		return -1;
	sb_grow(out, xsize_add(xsize_add(n, n), n));
	w = out->buf + out->len;
	while (p < end) {
		unsigned c = *p, v;
		if (c == 0x1b && end - p >= 3 && (p[1] == '(' || p[1] == '$')) {
			if (p[1] == '(' && (p[2] == 'B' || p[2] == 'J'))
				set = p[2] == 'B' ? ASCII : ROMAN;
			else if (p[1] == '$' && (p[2] == '@' || p[2] == 'B'))
				set = KANJI;
			else
				goto other;
			p += 3;
			continue;
		}
		if (c == 0x1b || c == 0x7f)
			goto other;
		if (c > 0x7f) { /* 8-bit: not ISO-2022-JP at all, as iconv says */
			v = undefined;
			p++;
		} else if (set == KANJI && c > 0x20) {
			if (end - p < 2 || !(v = dbcs_pair(d, (unsigned char)(c | 0x80),
							   (unsigned char)(p[1] | 0x80))) || p[1] < 0x21)
				goto other;
			p += 2;
		} else {
			v = set == ROMAN && c == 0x5c ? 0xa5 : set == ROMAN && c == 0x7e ? 0x203e : c;
			p++;
		}
		w = utf8_put(w, v);
	}
	out->len = (size_t)(w - out->buf);
	out->buf[out->len] = '\0';
	return 0;
other:
	out->buf[out->len] = '\0';
	return -1;
}

/* s[0..n) in a charset the tables know, appended to out as UTF-8: 0; -1
 * (out as it was) when they do not, or do not know a sequence in s. */
static int table_convert(const char *charset, const char *s, size_t n, struct strbuf *out,
			 unsigned undefined)
{
	const unsigned short *t = byte_table(charset);
	const struct dbcs_charset *d;
	char key[24];

	if (is_latin1(charset)) {
		sb_grow(out, xsize_add(n, n));
		out->len += latin1_to_utf8(s, n, out->buf + out->len);
		out->buf[out->len] = '\0';
		return 0;
	}
	if (t) {
		sb_grow(out, xsize_add(xsize_add(n, n), n));
		out->len += table_to_utf8(t, s, n, out->buf + out->len, undefined);
		out->buf[out->len] = '\0';
		return 0;
	}
	if (charset_key(charset, key, sizeof(key)) < 0)
		return -1;
	if (strcmp(key, "iso2022jp") == 0 || strcmp(key, "iso2022jp2") == 0)
		return iso2022jp_to_utf8(s, n, out, undefined);
	return (d = dbcs_table(key)) != NULL ? dbcs_to_utf8(d, s, n, out) : -1;
}


/* Converts s[0..n) from charset from into UTF-8, appended to out (raw,
 * to be cleaned by add_utf8()). Bytes the charset lacks become U+FFFD.
 * Returns -1 when the charset is unknown. */
static int to_utf8(const char *from, const char *s, size_t n, struct strbuf *out)
{
	iconv_t cd;
	char *in = (char *)s;
	size_t inleft = n;

	if (table_convert(from, s, n, out, 0xfffd) == 0)
		return 0;
	cd = cd_get("UTF-8", from);
	if (cd == (iconv_t)-1)
		return -1;
	iconv(cd, NULL, NULL, NULL, NULL); /* a fresh shift state */
	while (inleft > 0) {
		char buf[4096], *o = buf;
		size_t oleft = sizeof(buf);
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		sb_add(out, buf, (size_t)(o - buf));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EILSEQ) { /* a byte the charset does not have */
			sb_addstr(out, "\xef\xbf\xbd");
			in++;
			inleft--;
		} else { /* EINVAL: cut in the middle of a character */
			break;
		}
	}
	{
		char buf[64], *o = buf;
		size_t oleft = sizeof(buf);
		iconv(cd, NULL, NULL, &o, &oleft);
		sb_add(out, buf, (size_t)(o - buf));
	}
	return 0;
}

static void add_utf8_as(struct strbuf *out, const char *s, size_t n, const char *bad);

/*
 * libetpan decodes encoded words (RFC 2047) with charconv(), which opens an
 * iconv converter for every word, even the plain words between them: with
 * glibc, a dlopen() and dlclose() of the charset's module each time. Its
 * extended_charconv hook sends those conversions through the converters
 * kept open above, with charconv()'s own rules: a byte the charset lacks
 * becomes '?', a character cut at the end ends the text.
 */
static int etpan_charconv(const char *tocode, const char *fromcode, const char *str,
			  size_t length, char *result, size_t *result_len)
{
	iconv_t cd;
	char *in = (char *)str, *out = result;
	size_t inleft = length, outleft = *result_len;

	if (strcasecmp(tocode, "utf-8") == 0) {
		/* UTF-8 as iconv would make it, without its set-up (an invalid
		 * byte is '?'), and the charsets the tables know */
		struct strbuf conv = STRBUF_INIT;
		int done;
		fromcode = read_as(fromcode);
		if (strcasecmp(fromcode, "utf-8") == 0 || strcasecmp(fromcode, "utf8") == 0) {
			add_utf8_as(&conv, str, length, "?");
			done = 1;
		} else {
			done = table_convert(fromcode, str, length, &conv, '?') == 0;
		}
		if ((done = done && conv.len <= *result_len) != 0) {
			memcpy(result, conv.buf, conv.len);
			*result_len = conv.len;
		}
		sb_release(&conv);
		if (done)
			return MAIL_CHARCONV_NO_ERROR;
	}
	if (strcasecmp(fromcode, "us-ascii") == 0 && strcasecmp(tocode, "utf-8") == 0) {
		/* every Content-Type value, word by word: 8-bit bytes are not
		 * ASCII, so '?' as above */
		for (size_t i = 0; i < length; i++)
			result[i] = (unsigned char)str[i] < 0x80 ? str[i] : '?';
		*result_len = length;
		return MAIL_CHARCONV_NO_ERROR;
	}
	cd = cd_get(tocode, fromcode);
	if (cd == (iconv_t)-1)
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET; /* libetpan tries iconv itself */
	iconv(cd, NULL, NULL, NULL, NULL); /* a fresh shift state */
	while (iconv(cd, &in, &inleft, &out, &outleft) == (size_t)-1 && errno == EILSEQ &&
	       inleft && outleft) {
		*out++ = '?';
		outleft--;
		in++;
		inleft--;
	}
	*result_len = (size_t)(out - result);
	return MAIL_CHARCONV_NO_ERROR;
}

static void etpan_charconv_install(void)
{
	extended_charconv = etpan_charconv;
}

/* Installs the hook once per process, before libetpan's first conversion. */
static void charconv_hook(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, etpan_charconv_install);
}

/* ---- small helpers ---- */

/* Whether the 8 bytes at p are all printable ASCII (0x20-0x7e): no byte
 * below 0x20 and none above 0x7e, tested on the word at once. */
static int printable8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t x;

	memcpy(&x, p, 8);
	return !(((x - ones * 0x20) & ~x & highs) | (((x + ones * (127 - 0x7e)) | x) & highs));
}

/* Appends s[0..n) as valid UTF-8: invalid sequences become bad, NUL and
 * other C0 controls (except TAB, LF) are dropped. */
static void add_utf8_as(struct strbuf *out, const char *s, size_t n, const char *bad)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	/* valid bytes are copied in runs; only what must change is touched */
	while (p < end) {
		unsigned c = *p;
		if (c >= 0x20 && c < 0x7f) {
			p++;
			while (end - p >= 8 && printable8(p))
				p += 8;
			continue;
		}
		size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
			     c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		int ok = len && (size_t)(end - p) >= len;
		for (size_t i = 1; ok && i < len; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && len == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
			ok = 0;
		if (ok && len == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
			ok = 0;
		if (ok && !(len == 1 && c != '\t' && c != '\n')) {
			p += len;
			continue;
		}
		sb_add(out, run, (size_t)(p - run));
		if (!ok)
			sb_addstr(out, bad);
		/* else a NUL, CR or other control: dropped (the LF after a CR ends
		 * the line) */
		p++;
		run = p;
	}
	sb_add(out, run, (size_t)(p - run));
}

/* The same, invalid sequences as U+FFFD. */
static void add_utf8(struct strbuf *out, const char *s, size_t n)
{
	add_utf8_as(out, s, n, "\xef\xbf\xbd");
}

static char *dup_utf8(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	add_utf8(&sb, s, n);
	return sb_detach(&sb, NULL);
}

static void set_reason(struct mime_msg *m, const char *why)
{
	if (!m->malformed) {
		m->malformed = 1;
		m->malformed_reason = xstrdup(why);
	}
}

/* Appends data to out with every line end (LF, CR LF or a bare CR) as
 * CRLF: the text between line ends is found with memchr() and copied
 * whole. */
static void to_crlf(const char *data, size_t len, struct strbuf *out)
{
	const char *p = data, *end = data + len, *nl = NULL, *cr = NULL;
	char *w;

	sb_grow(out, xsize_add(len, len)); /* at worst every byte a line end */
	w = out->buf + out->len;
	while (p < end) {
		/* the next LF and CR, each searched for again only once passed */
		if ((!nl || nl < p) && !(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if ((!cr || cr < p) && !(cr = memchr(p, '\r', (size_t)(end - p))))
			cr = end;
		const char *stop = cr < nl ? cr : nl;

		memcpy(w, p, (size_t)(stop - p));
		w += stop - p;
		if (stop == end)
			break;
		*w++ = '\r';
		*w++ = '\n';
		p = stop + 1; /* past the line end: LF, CR, or CR LF */
		if (*stop == '\r' && p < end && *p == '\n')
			p++;
	}
	out->len = (size_t)(w - out->buf);
	out->buf[out->len] = '\0';
}

/* Whether data has a CR that does not begin a CR LF: an old Macintosh's
 * line end, which only to_crlf() makes one. LF alone is read as a line
 * end everywhere here, and by libetpan's decoders. */
static int has_bare_cr(const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while ((p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		if (p + 1 == end || p[1] != '\n')
			return 1;
		p += 2;
	}
	return 0;
}

void mime_decode_header(const char *value, struct strbuf *out)
{
	size_t idx = 0;
	char *dec = NULL;

	charconv_hook();
	if (strstr(value, "=?") &&
	    mailmime_encoded_phrase_parse("iso-8859-1", value, strlen(value), &idx, "utf-8", &dec) ==
		    MAILIMF_NO_ERROR &&
	    dec) {
		add_utf8(out, dec, strlen(dec));
		free(dec);
		return;
	}
	free(dec);
	/* raw 8-bit headers are most often UTF-8; anything else becomes U+FFFD */
	add_utf8(out, value, strlen(value));
}

/* ---- header block scanner ---- */

struct hfield {
	const char *name;	/* borrowed, into the unfolded block */
	const char *value;	/* borrowed */
	size_t name_len;	/* without white space before the colon */
};

struct hblock {
	struct strbuf text;	/* unfolded, NUL-separated "name\0value\0" */
	struct hfield v[256];
	size_t n;
	int ended;		/* the block ended with an empty line */
};

/* A field name is printable ASCII without spaces (RFC 5322 ftext);
 * trailing white space before the colon is tolerated, and so are 8-bit
 * bytes once the block has begun (eight_bit): a field an MTA wrote badly
 * does not end the header, as it does not for libetpan. */
static int field_name_ok(const char *p, size_t n, int eight_bit)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 33 || c == 127 || (c > 127 && !eight_bit))
			return 0;
	}
	return 1;
}

/* Reads the header block at the start of data (up to the first empty line),
 * unfolding continuation lines. Returns the offset of the body. */
static size_t headers_scan(const char *data, size_t len, struct hblock *h)
{
	size_t i = 0, body = len;
	size_t starts[256];

	h->n = 0;
	h->ended = 0;
	sb_init(&h->text, 0);
	while (i < len) {
		const char *lf = memchr(data + i, '\n', len - i);
		size_t eol = lf ? (size_t)(lf - data) : len;
		size_t line_end = eol > i && data[eol - 1] == '\r' ? eol - 1 : eol;
		size_t next = eol < len ? eol + 1 : eol;
		if (line_end == i) { /* empty line: the body follows */
			body = next;
			h->ended = 1;
			break;
		}
		if ((data[i] == ' ' || data[i] == '\t') && h->n) {
			if (h->text.len < HEADER_MAX) {
				sb_addch(&h->text, ' ');
				while (i < line_end && (data[i] == ' ' || data[i] == '\t'))
					i++;
				sb_add(&h->text, data + i, line_end - i);
			}
		} else {
			const char *colon = memchr(data + i, ':', line_end - i);
			if (!colon || !field_name_ok(data + i, (size_t)(colon - (data + i)), h->n > 0)) {
				/* not a header line: the header block ended badly */
				body = i;
				break;
			}
			if (h->n < 256 && h->text.len < HEADER_MAX) {
				if (h->n)
					sb_addch(&h->text, '\0');
				starts[h->n++] = h->text.len;
				sb_add(&h->text, data + i, (size_t)(colon - (data + i)));
				sb_addch(&h->text, '\0');
				const char *v = colon + 1;
				while (v < data + line_end && (*v == ' ' || *v == '\t'))
					v++;
				sb_add(&h->text, v, (size_t)(data + line_end - v));
			}
		}
		i = next;
	}
	sb_addch(&h->text, '\0');
	for (size_t k = 0; k < h->n; k++) {
		size_t l = strlen(h->text.buf + starts[k]);
		h->v[k].name = h->text.buf + starts[k];
		h->v[k].value = h->v[k].name + l + 1;
		while (l && (h->v[k].name[l - 1] == ' ' || h->v[k].name[l - 1] == '\t'))
			l--;
		h->v[k].name_len = l;
	}
	return body;
}

static const char *hget(const struct hblock *h, const char *name)
{
	size_t l = strlen(name);

	for (size_t k = 0; k < h->n; k++)
		if (h->v[k].name_len == l && strncasecmp(h->v[k].name, name, l) == 0)
			return h->v[k].value;
	return NULL;
}

static char *hdup(const struct hblock *h, const char *name)
{
	const char *v = hget(h, name);
	struct strbuf sb = STRBUF_INIT;

	if (!v)
		return NULL;
	mime_decode_header(v, &sb);
	sb_trim(&sb);
	return sb_detach(&sb, NULL);
}

/* The first "<...>" of a value, or NULL. */
static char *first_msgid(const char *v)
{
	const char *a = v ? strchr(v, '<') : NULL, *b = a ? strchr(a, '>') : NULL;

	if (!a || !b || b - a > 998)
		return NULL;
	return dup_utf8(a, (size_t)(b - a + 1));
}

static void parse_from(struct mime_msg *m, const char *v)
{
	size_t idx = 0;
	struct mailimf_mailbox_list *mbl = NULL;

	if (!v)
		return;
	if (mailimf_mailbox_list_parse(v, strlen(v), &idx, &mbl) == MAILIMF_NO_ERROR && mbl &&
	    clist_count(mbl->mb_list) > 0) {
		struct mailimf_mailbox *mb = clist_content(clist_begin(mbl->mb_list));
		if (mb->mb_addr_spec)
			m->from = dup_utf8(mb->mb_addr_spec, strlen(mb->mb_addr_spec));
		if (mb->mb_display_name) {
			struct strbuf sb = STRBUF_INIT;
			mime_decode_header(mb->mb_display_name, &sb);
			m->from_name = sb_detach(&sb, NULL);
		}
	}
	if (mbl)
		mailimf_mailbox_list_free(mbl);
	if (!m->from) { /* unparsable: keep what looks like an address */
		const char *a = strchr(v, '<'), *b = a ? strchr(a, '>') : NULL;
		if (a && b && b - a < 320)
			m->from = dup_utf8(a + 1, (size_t)(b - a - 1));
		else if (strlen(v) < 320)
			m->from = dup_utf8(v, strlen(v));
	}
	for (char *p = m->from; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

static void read_top_headers(struct mime_msg *m, const struct hblock *h)
{
	const char *rp = hget(h, "Return-Path");

	parse_from(m, hget(h, "From"));
	m->subject = hdup(h, "Subject");
	m->message_id = first_msgid(hget(h, "Message-ID"));
	m->in_reply_to = hdup(h, "In-Reply-To");
	m->references = hdup(h, "References");
	if (rp) {
		const char *a = strchr(rp, '<'), *b = a ? strchr(a, '>') : NULL;
		m->return_path = a && b ? dup_utf8(a + 1, (size_t)(b - a - 1)) : dup_utf8(rp, strlen(rp));
	}
	m->auto_submitted = hdup(h, "Auto-Submitted");
	m->precedence = hdup(h, "Precedence");
	m->x_autoreply = hdup(h, "X-Autoreply");
	if (!m->x_autoreply)
		m->x_autoreply = hdup(h, "X-Autorespond");
	m->x_auto_response_suppress = hdup(h, "X-Auto-Response-Suppress");
	m->x_failed_recipients = hdup(h, "X-Failed-Recipients");
	m->reference = hdup(h, "X-Pocgate-Reference");
}

/* ---- the MIME tree ---- */

static const char *param(struct mailmime_content *ct, const char *name)
{
	return ct ? mailmime_content_param_get(ct, (char *)name) : NULL;
}

/*
 * The body b[0..bl) with its transfer encoding (MAILMIME_MECHANISM_*)
 * undone: *out borrows b, or is libetpan's (*mmap_owned) when decoded.
 * libetpan decodes a NUL-terminated copy: its quoted-printable decoder
 * reads one byte past a body that ends in "=X" (found by fuzzing), which
 * may be past the end of the message.
 */
static int part_body(const char *b, size_t bl, int enc, char **out, size_t *outlen, int *mmap_owned)
{
	struct strbuf copy = STRBUF_INIT;
	size_t idx = 0;
	int r;

	*mmap_owned = 0;
	if (enc != MAILMIME_MECHANISM_BASE64 && enc != MAILMIME_MECHANISM_QUOTED_PRINTABLE) {
		*out = (char *)b;
		*outlen = bl;
		return 0;
	}
	sb_add(&copy, b, bl);
	r = mailmime_part_parse(copy.buf, copy.len, &idx, enc, out, outlen);
	sb_release(&copy);
	if (r != MAILIMF_NO_ERROR)
		return -1;
	*mmap_owned = 1;
	return 0;
}

static void note_charset(struct mime_msg *m, const char *cs)
{
	char lower[64];
	size_t i;

	for (i = 0; cs[i] && i < sizeof(lower) - 1; i++) {
		if ((unsigned char)cs[i] <= ' ' || (unsigned char)cs[i] >= 0x7f)
			return; /* not a charset's name (RFC 2978): printable ASCII */
		lower[i] = (char)tolower((unsigned char)cs[i]);
	}
	lower[i] = '\0';
	if (strstr(m->charsets.buf, lower))
		return;
	if (m->charsets.len)
		sb_addch(&m->charsets, ' ');
	sb_addstr(&m->charsets, lower);
}

static void add_text_uncapped(struct mime_msg *m, struct strbuf *out, const char *s, size_t n,
			      const char *cs);

/* Cuts out back to at most MIME_MAX_TEXT bytes, at a character boundary. */
static void cap_text(struct strbuf *out)
{
	size_t n = MIME_MAX_TEXT;

	if (out->len <= n)
		return;
	while (n > 0 && ((unsigned char)out->buf[n] & 0xc0) == 0x80)
		n--;
	sb_setlen(out, n);
}

/* Appends text in charset cs to out as UTF-8, at most MIME_MAX_TEXT bytes in all. */
static void add_text(struct mime_msg *m, struct strbuf *out, const char *s, size_t n, const char *cs)
{
	add_text_uncapped(m, out, s, n, cs);
	cap_text(out);
}

static void add_text_uncapped(struct mime_msg *m, struct strbuf *out, const char *s, size_t n,
			      const char *cs)
{
	if (out->len + n > MIME_MAX_TEXT)
		n = out->len < MIME_MAX_TEXT ? MIME_MAX_TEXT - out->len : 0;
	if (!n)
		return;
	if (cs && *cs && strcasecmp(cs, "utf-8") && strcasecmp(cs, "us-ascii") &&
	    strcasecmp(cs, "utf8")) {
		note_charset(m, cs);
		struct strbuf conv = STRBUF_INIT;
		if (to_utf8(read_as(cs), s, n, &conv) == 0) {
			add_utf8(out, conv.buf, conv.len);
			sb_release(&conv);
			return;
		}
		sb_release(&conv);
	} else if (cs && *cs) {
		note_charset(m, cs);
	}
	add_utf8(out, s, n);
}

/* Appends HTML as text: tags dropped, <br> and block ends as line breaks,
 * style and script skipped, the common entities decoded. */
static void add_html(struct strbuf *out, const char *s, size_t n)
{
	static const struct {
		const char *name, *text;
	} ent[] = { { "nbsp;", " " }, { "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" },
		    { "quot;", "\"" }, { "#39;", "'" }, { "apos;", "'" } };
	size_t i = 0;

	while (i < n && out->len < MIME_MAX_TEXT) {
		if (s[i] == '<') {
			size_t j = i + 1;
			while (j < n && s[j] != '>')
				j++;
			size_t tl = j - i - 1;
			const char *t = s + i + 1;
			if ((tl >= 5 && strncasecmp(t, "style", 5) == 0) ||
			    (tl >= 6 && strncasecmp(t, "script", 6) == 0)) {
				const char *endtag = strncasecmp(t, "style", 5) == 0 ? "</style" : "</script";
				size_t k = j;
				while (k + strlen(endtag) < n && strncasecmp(s + k, endtag, strlen(endtag)))
					k++;
				while (k < n && s[k] != '>')
					k++;
				j = k;
			} else if ((tl >= 2 && strncasecmp(t, "br", 2) == 0) ||
				   (tl >= 2 && (strncasecmp(t, "/p", 2) == 0 ||
						strncasecmp(t, "/div", 4) == 0 ||
						strncasecmp(t, "/tr", 3) == 0)) ||
				   (tl >= 10 && strncasecmp(t, "blockquote", 10) == 0)) {
				sb_addch(out, '\n');
			}
			i = j < n ? j + 1 : n;
			continue;
		}
		if (s[i] == '&') {
			int done = 0;
			for (size_t k = 0; k < sizeof(ent) / sizeof(ent[0]) && !done; k++)
				if (strncmp(s + i + 1, ent[k].name, strlen(ent[k].name)) == 0 &&
				    i + 1 + strlen(ent[k].name) <= n) {
					sb_addstr(out, ent[k].text);
					i += 1 + strlen(ent[k].name);
					done = 1;
				}
			if (done)
				continue;
		}
		sb_addch(out, s[i++]);
	}
}

/* "Name: value" lines of a DSN block (unfolded) into the DSN fields. */
static void dsn_fields(struct mime_msg *m, const char *s, size_t n)
{
	struct hblock h;
	size_t off = 0, blocks = 0;

	m->has_dsn = 1;
	while (off < n && blocks < 8) {
		while (off < n && (s[off] == '\r' || s[off] == '\n'))
			off++;
		if (off >= n)
			break;
		size_t used = headers_scan(s + off, n - off, &h);
		char *v;
#define TAKE(field, name)                                   \
	if (!m->dsn.field && (v = hdup(&h, name)) != NULL) \
		m->dsn.field = v;
		TAKE(reporting_mta, "Reporting-MTA");
		if (!m->dsn.action) { /* the first recipient block decides */
			TAKE(final_recipient, "Final-Recipient");
			if (!m->dsn.final_recipient)
				TAKE(final_recipient, "Original-Recipient");
			TAKE(action, "Action");
			TAKE(status, "Status");
			TAKE(diagnostic, "Diagnostic-Code");
		}
#undef TAKE
		sb_release(&h.text);
		blocks++;
		if (used == 0 || used >= n - off)
			break;
		off += used;
	}
	for (char *p = m->dsn.action; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

static void returned_headers(struct mime_msg *m, const char *s, size_t n)
{
	struct hblock h;

	headers_scan(s, n, &h);
	if (!m->original_message_id)
		m->original_message_id = first_msgid(hget(&h, "Message-ID"));
	if (!m->original_reference)
		m->original_reference = hdup(&h, "X-Pocgate-Reference");
	sb_release(&h.text);
}

struct walk {
	struct mime_msg *m;
	int enclosed;		/* inside a message/rfc822: not this message's text */
	struct strbuf html;	/* text/html, used when there is no text/plain */
	int plain_seen;
};

/* Whether walk_part() reads the body of a single part of type ct: the
 * others, attachments and a returned message's text, are not even decoded. */
static int part_is_read(const struct walk *w, const char *ct)
{
	static const char *const types[] = {
		"text/plain", "text/html", "message/delivery-status", "message/global-delivery-status",
		"text/rfc822-headers", "message/rfc822-headers", "message/rfc822", "message/global",
	};

	if (w->enclosed && strncmp(ct, "text/", 5) == 0)
		return 0; /* a returned or forwarded message's text is not this one's */
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(ct, types[i]) == 0)
			return 1;
	return 0;
}

/* A part's Content-Transfer-Encoding, as libetpan reads it. */
static int part_encoding(const struct hblock *h)
{
	const char *v = hget(h, "Content-Transfer-Encoding");
	struct mailmime_mechanism *mech = NULL;
	size_t idx = 0;
	int enc = MAILMIME_MECHANISM_8BIT;

	if (v && mailmime_encoding_parse(v, strlen(v), &idx, &mech) == MAILIMF_NO_ERROR && mech) {
		enc = mech->enc_type;
		mailmime_mechanism_free(mech);
	}
	return enc;
}

enum part_default { DEFAULT_TEXT, DEFAULT_MESSAGE }; /* RFC 2046 5.1.5: in a digest */

static void walk_part(struct walk *w, const struct hblock *h, const char *b, size_t bl,
		      enum part_default dflt, int depth);

/* Counts one more part at depth: 0 when the bounds are passed. */
static int part_ok(struct mime_msg *m, int depth)
{
	if (depth > MIME_MAX_DEPTH) {
		set_reason(m, "MIME parts nested too deep");
		return 0;
	}
	if (++m->parts > MIME_MAX_PARTS) {
		set_reason(m, "too many MIME parts");
		return 0;
	}
	return 1;
}

/*
 * A message: its header block h and body b[0..bl). At depth 0 the message
 * itself; deeper, an enclosed one (message/rfc822: returned or forwarded),
 * whose Message-ID and reference are kept and whose text is not read.
 */
static void walk_message(struct walk *w, const struct hblock *h, const char *b, size_t bl,
			 int depth)
{
	struct mime_msg *m = w->m;

	if (!part_ok(m, depth))
		return;
	if (depth > 0) {
		if (!m->original_message_id)
			m->original_message_id = first_msgid(hget(h, "Message-ID"));
		if (!m->original_reference)
			m->original_reference = hdup(h, "X-Pocgate-Reference");
		w->enclosed++;
	}
	walk_part(w, h, b, bl, DEFAULT_TEXT, depth + 1);
	if (depth > 0)
		w->enclosed--;
}

/*
 * The next delimiter line of boundary bd (length n) in p[0..end): "--bd",
 * at the start of p or of a line, then "--" (the close delimiter, *close
 * set) or only transport padding to the line end. Returns the line's start
 * (NULL: none) and sets *next to the start of the line after it. The line
 * end before the delimiter belongs to it (RFC 2046 5.1.1).
 */
static const char *next_delimiter(const char *p, const char *end, const char *needle, size_t n,
				  const char **next, int *close)
{
	/* needle: "\n--" boundary; the first line of the body is also a start */
	int first = 1;

	while (p < end) {
		const char *line;
		if (first && (size_t)(end - p) >= n - 1 && memcmp(p, needle + 1, n - 1) == 0) {
			line = p;
		} else {
			const char *hit = memmem(p, (size_t)(end - p), needle, n);
			if (!hit)
				return NULL;
			line = hit + 1;
		}
		first = 0;
		const char *q = line + n - 1, *lf;
		*close = end - q >= 2 && q[0] == '-' && q[1] == '-';
		if (!*close)
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
		if (*close || q == end || *q == '\n' || (*q == '\r' && (q + 1 == end || q[1] == '\n'))) {
			lf = memchr(q, '\n', (size_t)(end - q));
			*next = lf ? lf + 1 : end;
			return line;
		}
		p = line; /* "--bd" then something else: not a delimiter */
		p++;
	}
	return NULL;
}

/* The end of a part's bytes before the delimiter line at d: without the
 * line end that belongs to the delimiter. */
static const char *part_end(const char *start, const char *d)
{
	if (d > start && d[-1] == '\n')
		d--;
	if (d > start && d[-1] == '\r')
		d--;
	return d;
}

/*
 * The parts of a multipart body b[0..bl) with boundary bd: the preamble
 * before the first delimiter and the epilogue after the close delimiter are
 * skipped; without a close delimiter the last part runs to the end. The
 * first part of a multipart/signed with pgp_sig keeps its bytes as sent and
 * the second gives the signature (RFC 3156).
 */
static void walk_multipart(struct walk *w, const char *b, size_t bl, const char *bd,
			   enum part_default dflt, int pgp_sig, int depth)
{
	struct mime_msg *m = w->m;
	const char *end = b + bl, *next = NULL, *start;
	size_t n = strlen(bd) + 3;
	int close = 0;
	char *needle = xmalloc(n + 1);

	snprintf(needle, n + 1, "\n--%s", bd);
	if (!next_delimiter(b, end, needle, n, &next, &close) || close)
		goto out;
	for (int idx = 0; !close && next < end; idx++) {
		const char *d, *after = NULL;
		struct hblock ph;
		size_t off;

		start = next;
		d = next_delimiter(start, end, needle, n, &after, &close);
		const char *stop = d ? part_end(start, d) : part_end(start, end);
		size_t len = (size_t)(stop - start);

		if (pgp_sig && !m->pgp_signed && !w->enclosed && idx == 0) {
			to_crlf(start, len, &m->signed_data); /* as signed: RFC 3156 5 */
		} else if (pgp_sig && !m->pgp_signed && !w->enclosed && idx == 1) {
			off = headers_scan(start, len, &ph);
			char *sig;
			size_t sl;
			int owned;
			if (part_body(start + off, len - off, part_encoding(&ph), &sig, &sl, &owned) == 0) {
				sb_add(&m->signature, sig, sl);
				if (owned)
					mmap_string_unref(sig);
				m->pgp_signed = m->signed_data.len > 0;
			}
			sb_release(&ph.text);
		}
		off = headers_scan(start, len, &ph);
		walk_part(w, &ph, start + off, len - off, dflt, depth + 1);
		sb_release(&ph.text);
		if (!d || m->parts > MIME_MAX_PARTS)
			break;
		next = after;
	}
out:
	free(needle);
}

/* A part's type, "type/subtype" in lower case, into out (size bytes). */
static void content_type_str(struct mailmime_content *ct, char *out, size_t size)
{
	const char *type = "text";

	if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		struct mailmime_discrete_type *d = ct->ct_type->tp_data.tp_discrete_type;
		static const char *const names[] = { "error", "text", "image", "audio", "video",
						     "application", "" };
		type = d->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION && d->dt_extension ?
			       d->dt_extension : names[d->dt_type <= 6 ? d->dt_type : 0];
	} else if (ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
		struct mailmime_composite_type *c = ct->ct_type->tp_data.tp_composite_type;
		type = c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE ? "message" :
		       c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart" :
		       c->ct_token ? c->ct_token : "";
	}
	snprintf(out, size, "%s/%s", type, ct->ct_subtype ? ct->ct_subtype : "");
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

/* A single part of type ct: its text, DSN fields or returned header. */
static void walk_single(struct walk *w, const char *ct, const char *cs, int enc, const char *raw,
			size_t rawlen)
{
	struct mime_msg *m = w->m;
	char *b;
	size_t bl;
	int owned;

	if (!part_is_read(w, ct) || part_body(raw, rawlen, enc, &b, &bl, &owned) < 0)
		return;
	if (strcmp(ct, "text/plain") == 0) {
		/* a cleartext signature covers the bytes as sent, not our UTF-8 */
		if (!m->inline_data.len && bl < MIME_MAX_TEXT &&
		    memmem(b, bl, "-----BEGIN PGP SIGNED MESSAGE-----", 34))
			to_crlf(b, bl, &m->inline_data);
		if (m->text.len)
			sb_addch(&m->text, '\n');
		add_text(m, &m->text, b, bl, cs);
		w->plain_seen = 1;
	} else if (strcmp(ct, "text/html") == 0) {
		struct strbuf txt = STRBUF_INIT;
		add_text(m, &txt, b, bl, cs);
		add_html(&w->html, txt.buf, txt.len);
		sb_release(&txt);
	} else if (strcmp(ct, "message/delivery-status") == 0 ||
		   strcmp(ct, "message/global-delivery-status") == 0) {
		dsn_fields(m, b, bl);
	} else { /* the header of a returned message, or the whole of it, encoded */
		returned_headers(m, b, bl);
	}
	if (owned)
		mmap_string_unref(b);
}

/*
 * One MIME part: header fields h (for a message's body, the message's
 * header) and body b[0..bl). libetpan reads the Content-Type (RFC 2045,
 * RFC 2231 parameters) and the transfer encoding, and decodes the body;
 * the structure, multipart boundaries and enclosed messages, is walked
 * here, depth first, bounded by MIME_MAX_DEPTH and MIME_MAX_PARTS.
 */
static void walk_part(struct walk *w, const struct hblock *h, const char *b, size_t bl,
		      enum part_default dflt, int depth)
{
	struct mime_msg *m = w->m;
	const char *v = hget(h, "Content-Type");
	struct mailmime_content *ct = NULL;
	char type[128];
	const char *bd = NULL, *cs = NULL;
	size_t idx = 0;
	int enc;

	if (!part_ok(m, depth))
		return;
	if (v && (mailmime_content_parse(v, strlen(v), &idx, &ct) != MAILIMF_NO_ERROR || !ct ||
		  !ct->ct_type))
		ct = NULL; /* unreadable: the default, as libetpan */
	if (ct)
		content_type_str(ct, type, sizeof(type));
	else
		snprintf(type, sizeof(type), "%s", dflt == DEFAULT_MESSAGE ? "message/rfc822" : "text/plain");
	enc = part_encoding(h);
	if (ct)
		cs = param(ct, "charset");
	if (strncmp(type, "multipart/", 10) == 0 && ct && (bd = param(ct, "boundary")) != NULL &&
	    *bd) {
		const char *proto = param(ct, "protocol");
		int pgp_sig = strcmp(type, "multipart/signed") == 0 && proto &&
			      strcasecmp(proto, "application/pgp-signature") == 0;
		if (strcmp(type, "multipart/report") == 0 && !m->report_type) {
			const char *rt = param(ct, "report-type");
			if (rt)
				m->report_type = dup_utf8(rt, strlen(rt));
		}
		walk_multipart(w, b, bl, bd,
			       strcmp(type, "multipart/digest") == 0 ? DEFAULT_MESSAGE : DEFAULT_TEXT,
			       pgp_sig, depth);
	} else if (strcmp(type, "message/rfc822") == 0 && enc != MAILMIME_MECHANISM_BASE64 &&
		   enc != MAILMIME_MECHANISM_QUOTED_PRINTABLE) {
		struct hblock eh;
		size_t off = headers_scan(b, bl, &eh);
		walk_message(w, &eh, b + off, bl - off, depth + 1);
		sb_release(&eh.text);
	} else {
		walk_single(w, type, cs, enc, b, bl);
	}
	if (ct)
		mailmime_content_free(ct);
}

/* Lines before the header block that are not header lines: blank lines
 * and an mbox "From " separator. */
static size_t leading_junk(const char *b, size_t len)
{
	size_t i = 0;

	for (;;) {
		size_t eol = i;
		while (eol < len && b[eol] != '\n')
			eol++;
		int blank = 1;
		for (size_t k = i; k < eol; k++)
			if (b[k] != ' ' && b[k] != '\t' && b[k] != '\r')
				blank = 0;
		int mbox = eol - i > 5 && strncmp(b + i, "From ", 5) == 0;
		if ((!blank && !mbox) || eol >= len)
			return i;
		i = eol + 1;
	}
}

void mime_parse(const char *data, size_t len, struct mime_msg *m)
{
	struct strbuf crlf = STRBUF_INIT;
	struct hblock h;
	struct walk w;
	size_t body, skip;

	charconv_hook();
	memset(m, 0, sizeof(*m));
	sb_init(&m->text, 0);
	sb_init(&m->charsets, 0);
	sb_init(&m->signed_data, 0);
	sb_init(&m->signature, 0);
	sb_init(&m->inline_data, 0);
	memset(&w, 0, sizeof(w));
	w.m = m;
	sb_init(&w.html, 0);

	if (len == 0) {
		set_reason(m, "empty message");
		goto out;
	}
	if (has_bare_cr(data, len)) {
		to_crlf(data, len, &crlf);
		data = crlf.buf;
		len = crlf.len;
	}
	skip = leading_junk(data, len);
	body = skip + headers_scan(data + skip, len - skip, &h);
	if (h.n == 0) {
		set_reason(m, "no header fields");
		sb_release(&h.text);
		add_utf8(&m->text, data, len < MIME_MAX_TEXT ? len : MIME_MAX_TEXT);
		goto out;
	}
	read_top_headers(m, &h);
	if (!h.ended && body >= len)
		set_reason(m, "the message ends inside its header");
	else if (!hget(&h, "From") && !hget(&h, "Date") && !hget(&h, "Subject") &&
		 !hget(&h, "To") && !hget(&h, "Message-ID") && !hget(&h, "Received"))
		set_reason(m, "no message header fields (From, Date, Subject, To...)");
	{
		const char *ct = hget(&h, "Content-Type");
		struct strbuf sb = STRBUF_INIT;
		if (ct) {
			size_t n = strcspn(ct, ";");
			add_utf8(&sb, ct, n);
			sb_trim(&sb);
			for (size_t i = 0; i < sb.len; i++)
				sb.buf[i] = (char)tolower((unsigned char)sb.buf[i]);
		}
		m->content_type = sb_detach(&sb, NULL);
	}
	walk_message(&w, &h, data + body, len - body, 0);
	sb_release(&h.text);
	if (!w.plain_seen && w.html.len) {
		sb_add(&m->text, w.html.buf, w.html.len);
		cap_text(&m->text);
	}
	if (strstr(m->text.buf, "-----BEGIN PGP SIGNED MESSAGE-----"))
		m->inline_signed = 1;
out:
	sb_release(&crlf);
	sb_release(&w.html);
}

void mime_release(struct mime_msg *m)
{
	char **s[] = { &m->malformed_reason, &m->from, &m->from_name, &m->subject, &m->message_id,
		       &m->in_reply_to, &m->references, &m->return_path, &m->auto_submitted,
		       &m->precedence, &m->x_autoreply, &m->x_auto_response_suppress,
		       &m->x_failed_recipients, &m->content_type, &m->report_type, &m->reference,
		       &m->dsn.reporting_mta, &m->dsn.final_recipient, &m->dsn.action,
		       &m->dsn.status, &m->dsn.diagnostic, &m->original_message_id,
		       &m->original_reference };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
	sb_release(&m->text);
	sb_release(&m->charsets);
	sb_release(&m->signed_data);
	sb_release(&m->signature);
	sb_release(&m->inline_data);
}
