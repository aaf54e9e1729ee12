/*
 * NAME
 *	mime - parse incoming mail into plain data
 * SYNOPSIS
 *	#include <pocgate/mime.h>
 *	void mime_parse(const char *data, size_t len, struct mime_msg *m);
 *	void mime_release(struct mime_msg *m);
 *	void mime_decode_header(const char *value, struct strbuf *out);
 * DESCRIPTION
 *	Line ends are made CRLF first (mail arrives with CRLF, LF or even bare
 *	CR), then libetpan's MIME parser gives the structure. Header fields are
 *	read from the raw header block by a small unfolding scanner, so that
 *	one malformed field cannot hide the others; libetpan decodes encoded
 *	words and parses the From mailbox.
 *
 *	The tree is walked depth first, at most MIME_MAX_DEPTH deep and
 *	MIME_MAX_PARTS parts: text/plain parts are decoded (transfer encoding,
 *	then charset to UTF-8 through iconv converters kept open) into the text; text/html
 *	only when there is no plain text, with tags dropped; message/delivery-
 *	status fills the DSN fields; message/rfc822 and text/rfc822-headers
 *	give the returned message's Message-ID and reference; multipart/signed
 *	(application/pgp-signature) keeps the signed part's bytes as they were,
 *	for verification.
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
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	iconv_t cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return cd;
	slot = &cd_cache[cd_next++ % CD_CACHE];
	if (slot->cd)
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

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			*w++ = (char)c;
		} else {
			*w++ = (char)(0xc0 | (c >> 6));
			*w++ = (char)(0x80 | (c & 0x3f));
		}
	}
	return (size_t)(w - start);
}

static int is_latin1(const char *charset)
{
	return strcasecmp(charset, "iso-8859-1") == 0;
}

/* Converts s[0..n) from charset from into UTF-8, appended to out (raw,
 * to be cleaned by add_utf8()). Bytes the charset lacks become U+FFFD.
 * Returns -1 when the charset is unknown. */
static int to_utf8(const char *from, const char *s, size_t n, struct strbuf *out)
{
	iconv_t cd;
	char *in = (char *)s;
	size_t inleft = n;

	if (is_latin1(from)) {
		sb_grow(out, xsize_add(n, n));
		out->len += latin1_to_utf8(s, n, out->buf + out->len);
		out->buf[out->len] = '\0';
		return 0;
	}
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

	if (is_latin1(fromcode) && strcasecmp(tocode, "utf-8") == 0) {
		/* libetpan's buffer has room for 6 bytes a byte */
		*result_len = latin1_to_utf8(str, length, result);
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

/* Appends s[0..n) as valid UTF-8: invalid sequences become U+FFFD, NUL and
 * other C0 controls (except TAB, LF) are dropped. */
static void add_utf8(struct strbuf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	/* valid bytes are copied in runs; only what must change is touched */
	while (p < end) {
		unsigned c = *p;
		if (c >= 0x20 && c < 0x7f) {
			p++;
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
			sb_addstr(out, "\xef\xbf\xbd");
		/* else a NUL, CR or other control: dropped (the LF after a CR ends
		 * the line) */
		p++;
		run = p;
	}
	sb_add(out, run, (size_t)(p - run));
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

/* A copy of data with every line end (LF, CR LF or a bare CR) as CRLF:
 * the text between line ends is found with memchr() and copied whole. */
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
};

struct hblock {
	struct strbuf text;	/* unfolded, NUL-separated "name\0value\0" */
	struct hfield v[256];
	size_t n;
	int ended;		/* the block ended with an empty line */
};

/* A field name is printable ASCII without spaces (RFC 5322 ftext);
 * trailing white space before the colon is tolerated. */
static int field_name_ok(const char *p, size_t n)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 33 || (unsigned char)p[i] > 126)
			return 0;
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
			if (!colon || !field_name_ok(data + i, (size_t)(colon - (data + i)))) {
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
		h->v[k].name = h->text.buf + starts[k];
		h->v[k].value = h->v[k].name + strlen(h->v[k].name) + 1;
	}
	return body;
}

static const char *hget(const struct hblock *h, const char *name)
{
	for (size_t k = 0; k < h->n; k++) {
		const char *nm = h->v[k].name;
		size_t l = strlen(nm);
		while (l && (nm[l - 1] == ' ' || nm[l - 1] == '\t'))
			l--;
		if (l == strlen(name) && strncasecmp(nm, name, l) == 0)
			return h->v[k].value;
	}
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

static void content_type_str(struct mailmime_content *ct, struct strbuf *out)
{
	const char *type = "text";

	sb_reset(out);
	if (!ct || !ct->ct_type) {
		sb_addstr(out, "text/plain");
		return;
	}
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
	sb_addstr(out, type);
	sb_addch(out, '/');
	sb_addstr(out, ct->ct_subtype ? ct->ct_subtype : "");
	for (size_t i = 0; i < out->len; i++)
		out->buf[i] = (char)tolower((unsigned char)out->buf[i]);
}

static const char *param(struct mailmime_content *ct, const char *name)
{
	return ct ? mailmime_content_param_get(ct, (char *)name) : NULL;
}

/* The part's decoded body (transfer encoding undone), or -1. */
static int part_body(struct mailmime *mm, char **out, size_t *outlen, int *mmap_owned)
{
	/* only a single part has a body: in a multipart, mm_single would be the
	 * preamble, whose length libetpan can get negative (found by fuzzing) */
	struct mailmime_data *d = mm->mm_type == MAILMIME_SINGLE ? mm->mm_data.mm_single : NULL;
	size_t idx = 0;

	*mmap_owned = 0;
	if (!d || d->dt_type != MAILMIME_DATA_TEXT)
		return -1;
	if (!d->dt_encoded || d->dt_encoding == MAILMIME_MECHANISM_7BIT ||
	    d->dt_encoding == MAILMIME_MECHANISM_8BIT || d->dt_encoding == MAILMIME_MECHANISM_BINARY) {
		*out = (char *)d->dt_data.dt_text.dt_data;
		*outlen = d->dt_data.dt_text.dt_length;
		return 0;
	}
	if (mailmime_part_parse(d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length, &idx,
				d->dt_encoding, out, outlen) != MAILIMF_NO_ERROR)
		return -1;
	*mmap_owned = 1;
	return 0;
}

static void note_charset(struct mime_msg *m, const char *cs)
{
	char lower[64];
	size_t i;

	for (i = 0; cs[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)cs[i]);
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
		/* the commonest mislabel: GB2312 text that needs GBK or GB18030 */
		const char *from = strcasecmp(cs, "gb2312") == 0 || strcasecmp(cs, "gbk") == 0 ?
					   "GB18030" : cs;
		struct strbuf conv = STRBUF_INIT;
		if (to_utf8(from, s, n, &conv) == 0) {
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

/* The Message-ID and reference of an enclosed message, from libetpan's
 * parse of its header (the part's bytes begin with its own MIME fields). */
static void returned_fields(struct mime_msg *m, struct mailimf_fields *f)
{
	if (!f)
		return;
	for (clistiter *it = clist_begin(f->fld_list); it; it = clist_next(it)) {
		struct mailimf_field *fld = clist_content(it);
		if (fld->fld_type == MAILIMF_FIELD_MESSAGE_ID && fld->fld_data.fld_message_id &&
		    !m->original_message_id) {
			const char *id = fld->fld_data.fld_message_id->mid_value;
			struct strbuf sb = STRBUF_INIT;
			if (id && strlen(id) < 996) {
				sb_addch(&sb, '<');
				add_utf8(&sb, id, strlen(id));
				sb_addch(&sb, '>');
				m->original_message_id = sb_detach(&sb, NULL);
			}
			sb_release(&sb);
		} else if (fld->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD &&
			   fld->fld_data.fld_optional_field && !m->original_reference &&
			   fld->fld_data.fld_optional_field->fld_name &&
			   strcasecmp(fld->fld_data.fld_optional_field->fld_name,
				      "X-Pocgate-Reference") == 0 &&
			   fld->fld_data.fld_optional_field->fld_value) {
			const char *v = fld->fld_data.fld_optional_field->fld_value;
			m->original_reference = dup_utf8(v, strcspn(v, " \t\r\n"));
		}
	}
}

struct walk {
	struct mime_msg *m;
	int enclosed;		/* inside a message/rfc822: not this message's text */
	struct strbuf html;	/* text/html, used when there is no text/plain */
	struct strbuf ct;
	int plain_seen;
};

/* Whether walk() reads the body of the single part at hand (w->ct): the
 * others, attachments and a returned message's text, are not even decoded. */
static int part_is_read(const struct walk *w)
{
	static const char *const types[] = {
		"text/plain", "text/html", "message/delivery-status", "message/global-delivery-status",
		"text/rfc822-headers", "message/rfc822-headers", "message/rfc822", "message/global",
	};

	if (w->enclosed && strncmp(w->ct.buf, "text/", 5) == 0)
		return 0; /* a returned or forwarded message's text is not this one's */
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(w->ct.buf, types[i]) == 0)
			return 1;
	return 0;
}

static void walk(struct walk *w, struct mailmime *mm, int depth)
{
	struct mime_msg *m = w->m;

	if (!mm)
		return;
	if (depth > MIME_MAX_DEPTH) {
		set_reason(m, "MIME parts nested too deep");
		return;
	}
	if (++m->parts > MIME_MAX_PARTS) {
		set_reason(m, "too many MIME parts");
		return;
	}
	content_type_str(mm->mm_content_type, &w->ct);
	switch (mm->mm_type) {
	case MAILMIME_MULTIPLE: {
		int is_signed = strcmp(w->ct.buf, "multipart/signed") == 0;
		const char *proto = param(mm->mm_content_type, "protocol");
		clistiter *it;
		int idx = 0;
		if (strcmp(w->ct.buf, "multipart/report") == 0 && !m->report_type) {
			const char *rt = param(mm->mm_content_type, "report-type");
			if (rt)
				m->report_type = dup_utf8(rt, strlen(rt));
		}
		for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list); it; it = clist_next(it), idx++) {
			struct mailmime *child = clist_content(it);
			if (is_signed && proto && strcasecmp(proto, "application/pgp-signature") == 0 &&
			    !m->pgp_signed && !w->enclosed && child->mm_mime_start) {
				if (idx == 0) {
					sb_add(&m->signed_data, child->mm_mime_start, child->mm_length);
				} else if (idx == 1) {
					char *b;
					size_t bl;
					int owned;
					if (part_body(child, &b, &bl, &owned) == 0) {
						sb_add(&m->signature, b, bl);
						if (owned)
							mmap_string_unref(b);
						m->pgp_signed = m->signed_data.len > 0;
					}
				}
			}
			walk(w, child, depth + 1);
		}
		break;
	}
	case MAILMIME_MESSAGE:
		if (depth > 0) {
			/* an enclosed message (message/rfc822): a returned or forwarded one */
			returned_fields(m, mm->mm_data.mm_message.mm_fields);
			w->enclosed++;
		}
		walk(w, mm->mm_data.mm_message.mm_msg_mime, depth + 1);
		if (depth > 0)
			w->enclosed--;
		break;
	case MAILMIME_SINGLE: {
		char *b;
		size_t bl;
		int owned;
		const char *cs = param(mm->mm_content_type, "charset");
		if (!part_is_read(w) || part_body(mm, &b, &bl, &owned) < 0)
			break;
		if (strcmp(w->ct.buf, "text/plain") == 0) {
			/* a cleartext signature covers the bytes as sent, not our UTF-8 */
			if (!m->inline_data.len && bl < MIME_MAX_TEXT &&
			    memmem(b, bl, "-----BEGIN PGP SIGNED MESSAGE-----", 34))
				sb_add(&m->inline_data, b, bl);
			if (m->text.len)
				sb_addch(&m->text, '\n');
			add_text(m, &m->text, b, bl, cs);
			w->plain_seen = 1;
		} else if (strcmp(w->ct.buf, "text/html") == 0) {
			struct strbuf raw = STRBUF_INIT;
			add_text(m, &raw, b, bl, cs);
			add_html(&w->html, raw.buf, raw.len);
			sb_release(&raw);
		} else if (strcmp(w->ct.buf, "message/delivery-status") == 0 ||
			   strcmp(w->ct.buf, "message/global-delivery-status") == 0) {
			dsn_fields(m, b, bl);
		} else if (strcmp(w->ct.buf, "text/rfc822-headers") == 0 ||
			   strcmp(w->ct.buf, "message/rfc822-headers") == 0 ||
			   strcmp(w->ct.buf, "message/rfc822") == 0 ||
			   strcmp(w->ct.buf, "message/global") == 0) {
			returned_headers(m, b, bl);
		}
		if (owned)
			mmap_string_unref(b);
		break;
	}
	default:
		break;
	}
}

/*
 * The top header block as libetpan's MIME parser needs it, into out: only
 * the MIME fields (Content-*, MIME-Version), as written, then the empty
 * line. libetpan parses every field of a message's header (From, To,
 * Date... with their grammars, Received and DKIM-Signature byte by byte):
 * a third of its work on a message, for fields pocgate reads with
 * headers_scan(); its MIME parse reads only the MIME fields.
 * Only for a plain block (hdr, len: from its first line through the empty
 * line): every field's name is printable ASCII with the colon right after
 * it. libetpan reads every field of such a block, up to the empty line, so
 * it finds the same MIME fields and the same body. Returns -1 for any
 * other block, which libetpan then gets as it is.
 */
static int mime_fields_only(const char *hdr, size_t len, struct strbuf *out)
{
	size_t i = 0;
	int keep = 0;

	while (i < len) { /* lines end with CR LF: see to_crlf() */
		const char *lf = memchr(hdr + i, '\n', len - i);
		size_t next = lf ? (size_t)(lf - hdr) + 1 : len, k = i;

		if (next - i == 2 && hdr[i] == '\r') { /* the empty line */
			if (next != len)
				return -1;
			sb_add(out, "\r\n", 2);
			return 0;
		}
		if (hdr[i] == ' ' || hdr[i] == '\t') { /* a folded line of the field */
			if (i == 0)
				return -1;
		} else {
			while (k < next && hdr[k] >= 33 && hdr[k] <= 126 && hdr[k] != ':')
				k++;
			if (k == i || hdr[k] != ':')
				return -1;
			keep = (k - i > 8 && strncasecmp(hdr + i, "Content-", 8) == 0) ||
			       (k - i == 12 && strncasecmp(hdr + i, "MIME-Version", 12) == 0);
		}
		if (keep)
			sb_add(out, hdr + i, next - i);
		i = next;
	}
	return -1;
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
	struct strbuf mime = STRBUF_INIT; /* the message for libetpan, when shortened */
	const char *mime_in;		  /* what libetpan parses: borrowed */
	size_t mime_len;
	struct hblock h;
	struct mailmime *root = NULL;
	struct walk w;
	size_t idx = 0, body, skip;

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
	sb_init(&w.ct, 0);

	if (len == 0) {
		set_reason(m, "empty message");
		goto out;
	}
	to_crlf(data, len, &crlf);
	skip = leading_junk(crlf.buf, crlf.len);
	body = skip + headers_scan(crlf.buf + skip, crlf.len - skip, &h);
	mime_in = crlf.buf + skip;
	mime_len = crlf.len - skip;
	if (h.n == 0) {
		set_reason(m, "no header fields");
		sb_release(&h.text);
		add_utf8(&m->text, crlf.buf, crlf.len < MIME_MAX_TEXT ? crlf.len : MIME_MAX_TEXT);
		goto out;
	}
	read_top_headers(m, &h);
	if (!h.ended && body >= crlf.len)
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
	sb_release(&h.text);

	if (h.ended && mime_fields_only(crlf.buf + skip, body - skip, &mime) == 0) {
		sb_add(&mime, crlf.buf + body, crlf.len - body);
		mime_in = mime.buf;
		mime_len = mime.len;
	}
	if (mailmime_parse(mime_in, mime_len, &idx, &root) != MAILIMF_NO_ERROR || !root) {
		set_reason(m, "the MIME structure cannot be parsed");
		add_utf8(&m->text, crlf.buf + body, crlf.len - body < MIME_MAX_TEXT ? crlf.len - body : MIME_MAX_TEXT);
		goto out;
	}
	walk(&w, root, 0);
	if (!w.plain_seen && w.html.len) {
		sb_add(&m->text, w.html.buf, w.html.len);
		cap_text(&m->text);
	}
	if (strstr(m->text.buf, "-----BEGIN PGP SIGNED MESSAGE-----"))
		m->inline_signed = 1;
out:
	if (root)
		mailmime_free(root);
	sb_release(&mime);
	sb_release(&crlf);
	sb_release(&w.html);
	sb_release(&w.ct);
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
