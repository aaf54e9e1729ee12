/*
 * NAME
 *	compose - outgoing messages: headers, MIME structure, PGP/MIME signing
 * SYNOPSIS
 *	#include <pocgate/compose.h>
 *	compose_signed(), compose_message_id(), compose_header_text(),
 *	compose_header_addr()
 * DESCRIPTION
 *	The MIME structure is built with libetpan (a multipart/signed holding
 *	the text/plain part and the signature part). The signed bytes are the
 *	first part exactly as libetpan writes it into the message (headers,
 *	blank line, quoted-printable body, CRLF line ends), cut out of a first
 *	rendering; the final rendering is checked to hold the very same bytes,
 *	so what was signed is what is sent.
 *
 *	Quoted-printable keeps the signed part 7-bit and encodes trailing
 *	white space and "From " at line starts, so relays cannot change it.
 *	The top-level header fields are written here: every value from outside
 *	is either checked (addresses) or encoded (RFC 2047), and control
 *	characters are replaced, so no value can add a header line.
 * STANDARDS
 *	RFC 5322 (message format), RFC 2045-2047 (MIME, encoded words), RFC 3156
 *	(PGP/MIME), RFC 3834 (Auto-Submitted).
 * SECURITY
 *	Directory data reaches the To: display name and the body only; see
 *	above for how each is neutralised.
 */
#include <pocgate/compose.h>

#include <gnutls/crypto.h>
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pocgate/crypto.h>
#include <pocgate/log.h>
#include <pocgate/xalloc.h>

#define LINE_MAX_COLS 78
#define EW_MAX_BYTES 45 /* raw bytes per encoded word: 60 base64 characters */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(struct strbuf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		sb_addch(out, b64[(v >> 18) & 63]);
		sb_addch(out, b64[(v >> 12) & 63]);
		sb_addch(out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		sb_addch(out, i + 2 < n ? b64[v & 63] : '=');
	}
}

/* A copy of s with control characters (CR, LF, TAB...) as spaces. */
static char *one_line(const char *s)
{
	char *c = xstrdup(s ? s : "");

	for (char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

static int plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x7f || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

/* Appends encoded words for s, folding so no line passes LINE_MAX_COLS;
 * *col is the current column. Words never split a UTF-8 character. */
static void encoded_words(struct strbuf *out, const char *s, size_t *col)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		/* as many bytes as fit on this line, else a full word on the next */
		size_t room = LINE_MAX_COLS > *col + 1 + 12 ? (LINE_MAX_COLS - *col - 1 - 12) / 4 * 3 : 0;
		int fold = room < 12 && *col > 1;
		size_t n = fold || room > EW_MAX_BYTES ? EW_MAX_BYTES : room;
		if (n > len - i)
			n = len - i;
		while (n < len - i && n > 0 && ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--; /* do not cut inside a character */
		if (n == 0) {
			fold = 1;
			n = len - i < EW_MAX_BYTES ? len - i : EW_MAX_BYTES;
			while (n < len - i && n > 0 && ((unsigned char)s[i + n] & 0xc0) == 0x80)
				n--;
		}
		if (fold) {
			sb_addstr(out, "\r\n ");
			*col = 1;
		} else {
			sb_addch(out, ' ');
			(*col)++;
		}
		sb_addstr(out, "=?UTF-8?B?");
		base64(out, (const unsigned char *)s + i, n);
		sb_addstr(out, "?=");
		*col += 12 + (n + 2) / 3 * 4;
		i += n;
	}
}

/* Appends ASCII words, folding at spaces. */
static void folded_ascii(struct strbuf *out, const char *s, size_t *col)
{
	char *copy = xstrdup(s), *save = NULL;
	int first = 1;

	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		size_t wl = strlen(w);
		if (!first && *col + 1 + wl > LINE_MAX_COLS) {
			sb_addstr(out, "\r\n ");
			*col = 1;
		} else if (!first || *col > 0) {
			sb_addch(out, ' ');
			(*col)++;
		}
		sb_addstr(out, w);
		*col += wl;
		first = 0;
	}
	free(copy);
}

void compose_header_text(struct strbuf *out, const char *name, const char *value)
{
	char *v = one_line(value);
	size_t col = strlen(name) + 1;

	sb_addf(out, "%s:", name);
	/* text that looks like an encoded word is encoded, or readers decode it */
	if (plain_ascii(v) && !strstr(v, "=?"))
		folded_ascii(out, v, &col);
	else
		encoded_words(out, v, &col);
	sb_addstr(out, "\r\n");
	free(v);
}

void compose_header_addr(struct strbuf *out, const char *name, const char *display,
			 const char *addr)
{
	char *d = one_line(display);
	size_t col = strlen(name) + 1;

	sb_addf(out, "%s:", name);
	if (*d && plain_ascii(d) && strlen(d) < 60 && !strstr(d, "=?")) {
		/* quoted-string: only '"' and '\' need escaping */
		sb_addstr(out, " \"");
		for (const char *p = d; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_addch(out, '\\');
			sb_addch(out, *p);
		}
		sb_addch(out, '"');
		col += strlen(d) + 3;
	} else if (*d) {
		encoded_words(out, d, &col);
	}
	if (*d && col + strlen(addr) + 3 > LINE_MAX_COLS) {
		sb_addstr(out, "\r\n");
		col = 0;
	}
	sb_addf(out, " <%s>\r\n", addr);
	free(d);
}

void compose_message_id(const char *reference, const char *from_addr, struct strbuf *out)
{
	unsigned char rnd[8];
	const char *at = strrchr(from_addr, '@');

	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0)
		msg_fatal(70, "no random numbers from GnuTLS");
	sb_addch(out, '<');
	for (const char *p = reference ? reference : "pocgate"; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-')
			sb_addch(out, *p);
	sb_addch(out, '.');
	for (size_t i = 0; i < sizeof(rnd); i++)
		sb_addf(out, "%02x", rnd[i]);
	sb_addf(out, "@%s>", at ? at + 1 : "localhost");
}

static void date_header(struct strbuf *out, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[64];
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	gmtime_r(&tt, &tm);
	snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
		 tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec);
	sb_addf(out, "Date: %s\r\n", buf);
}

/* Text with LF ends and no trailing white space on any line, ending in LF. */
static void tidy_body(struct strbuf *out, const char *body)
{
	const char *p = body;

	while (*p) {
		size_t n = strcspn(p, "\n");
		size_t end = n;
		while (end && (p[end - 1] == ' ' || p[end - 1] == '\t' || p[end - 1] == '\r'))
			end--;
		sb_add(out, p, end);
		sb_addch(out, '\n');
		p += n;
		if (*p == '\n')
			p++;
	}
}

static void set_boundary(struct mailmime *m)
{
	clistiter *it;
	unsigned char rnd[12];
	struct strbuf b = STRBUF_INIT;

	if (gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0)
		msg_fatal(70, "no random numbers from GnuTLS");
	sb_addstr(&b, "=_pocgate_");
	for (size_t i = 0; i < sizeof(rnd); i++)
		sb_addf(&b, "%02x", rnd[i]);
	for (it = clist_begin(m->mm_content_type->ct_parameters); it; it = clist_next(it)) {
		struct mailmime_parameter *prm = clist_content(it);
		if (strcasecmp(prm->pa_name, "boundary") == 0) {
			free(prm->pa_value);
			prm->pa_value = sb_detach(&b, NULL);
			return;
		}
	}
	clist_append(m->mm_content_type->ct_parameters,
		     mailmime_param_new_with_data("boundary", b.buf));
	sb_release(&b);
}

static const char *boundary_of(struct mailmime *m)
{
	for (clistiter *it = clist_begin(m->mm_content_type->ct_parameters); it;
	     it = clist_next(it)) {
		struct mailmime_parameter *prm = clist_content(it);
		if (strcasecmp(prm->pa_name, "boundary") == 0)
			return prm->pa_value;
	}
	return NULL;
}

/* Appends text with every LF turned into CRLF (armoured signatures come
 * with LF line ends). */
static void add_crlf(struct strbuf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'))
			sb_addch(out, '\r');
		sb_addch(out, p[i]);
	}
}

#define SIG_SLOT "@@pocgate-signature@@"
#define MICALG_SLOT "@@pocgate-micalg@@"

int compose_signed(struct crypto *c, const struct compose_msg *m, struct strbuf *out,
		   struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT, sig = STRBUF_INIT, signed_part = STRBUF_INIT;
	struct mailmime *multi, *text, *sigpart, *msg;
	struct mailmime_content *ct;
	struct mailmime_fields *f;
	MMAPString *mm = mmap_string_new("");
	char micalg[32];
	const char *bnd, *start, *end, *slot, *mslot;
	char *open = NULL, *close = NULL;
	int col = 0, rc = -1;

	tidy_body(&body, m->body);

	/*
	 * The whole structure is rendered once, with the signature and micalg
	 * left as slots: multipart/signed { text/plain, application/pgp-signature }.
	 * The first part is then cut out exactly as a receiver cuts it (RFC 3156
	 * section 5: from after the boundary line to before the CRLF of the next
	 * boundary), signed, and the slots filled in; the signed bytes are never
	 * rendered a second time.
	 */
	multi = mailmime_multiple_new("multipart/signed");
	set_boundary(multi);
	clist_append(multi->mm_content_type->ct_parameters,
		     mailmime_param_new_with_data("protocol", "application/pgp-signature"));
	clist_append(multi->mm_content_type->ct_parameters,
		     mailmime_param_new_with_data("micalg", MICALG_SLOT));
	ct = mailmime_content_new_with_str("text/plain");
	clist_append(ct->ct_parameters, mailmime_param_new_with_data("charset", "UTF-8"));
	text = mailmime_new_empty(ct, mailmime_fields_new_encoding(MAILMIME_MECHANISM_QUOTED_PRINTABLE));
	mailmime_set_body_text(text, body.buf, body.len);
	mailmime_smart_add_part(multi, text);
	ct = mailmime_content_new_with_str("application/pgp-signature");
	clist_append(ct->ct_parameters, mailmime_param_new_with_data("name", "signature.asc"));
	f = mailmime_fields_new_filename(MAILMIME_DISPOSITION_TYPE_ATTACHMENT,
					 xstrdup("signature.asc"), MAILMIME_MECHANISM_7BIT);
	mailmime_fields_add(f, mailmime_field_new(MAILMIME_FIELD_DESCRIPTION, NULL, NULL, NULL,
						  xstrdup("OpenPGP digital signature"), 0, NULL,
						  NULL, NULL));
	sigpart = mailmime_new_empty(ct, f);
	mailmime_set_body_text(sigpart, (char *)SIG_SLOT, strlen(SIG_SLOT));
	mailmime_smart_add_part(multi, sigpart);
	bnd = boundary_of(multi);
	open = xasprintf("\r\n--%s\r\n", bnd);
	close = xasprintf("\r\n--%s", bnd);
	msg = mailmime_new_message_data(multi);

	if (mailmime_write_mem(mm, &col, msg) != MAILIMF_NO_ERROR) {
		error_set(err, "cannot write the MIME structure");
		goto out;
	}
	start = strstr(mm->str, open);
	end = start ? strstr(start + strlen(open), close) : NULL;
	slot = end ? strstr(end, SIG_SLOT) : NULL;
	mslot = strstr(mm->str, MICALG_SLOT);
	if (!start || !end || !slot || !mslot || mslot > start) {
		error_set(err, "bug: the MIME structure is not as expected");
		goto out;
	}
	start += strlen(open);
	sb_add(&signed_part, start, (size_t)(end - start));
	if (crypto_sign_detached(c, signed_part.buf, signed_part.len, &sig, micalg, err) < 0)
		goto out;

	/* top-level header fields */
	sb_reset(out);
	date_header(out, m->date);
	compose_header_addr(out, "From", m->from_name, m->from_addr);
	compose_header_addr(out, "To", m->to_name, m->to_addr);
	if (m->reply_to)
		compose_header_addr(out, "Reply-To", NULL, m->reply_to);
	compose_header_text(out, "Subject", m->subject);
	sb_addf(out, "Message-ID: %s\r\n", m->message_id);
	if (m->in_reply_to)
		sb_addf(out, "In-Reply-To: %s\r\nReferences: %s\r\n", m->in_reply_to,
			m->in_reply_to);
	sb_addstr(out, "Auto-Submitted: auto-generated\r\n");
	if (m->reference)
		compose_header_text(out, "X-Pocgate-Reference", m->reference);

	/* the rendering, with its two slots filled */
	sb_add(out, mm->str, (size_t)(mslot - mm->str));
	sb_addstr(out, micalg);
	mslot += strlen(MICALG_SLOT);
	sb_add(out, mslot, (size_t)(slot - mslot));
	add_crlf(out, sig.buf, sig.len);
	while (out->len >= 2 && memcmp(out->buf + out->len - 2, "\r\n", 2) == 0)
		sb_setlen(out, out->len - 2); /* libetpan adds the part's line end */
	slot += strlen(SIG_SLOT);
	sb_add(out, slot, mm->len - (size_t)(slot - mm->str));
	rc = 0;
out:
	mailmime_free(msg);
	mmap_string_free(mm);
	free(open);
	free(close);
	sb_release(&body);
	sb_release(&sig);
	sb_release(&signed_part);
	return rc;
}
