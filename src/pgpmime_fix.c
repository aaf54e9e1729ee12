/*
 * NAME
 *	pgpmime_fix - undo what Microsoft Exchange does to PGP/MIME signed mail
 * SYNOPSIS
 *	#include <pocgate/pgpmime_fix.h>
 *	size_t pgpmime_fix_forms(const char *data, size_t len, struct pgpmime_form forms[]);
 *	void pgpmime_fix_forms_release(struct pgpmime_form *forms, size_t n);
 *	int pgpmime_fix_mixed_up(const char *msg, size_t len, struct strbuf *data,
 *				 struct strbuf *sig, struct strbuf *err);
 * DESCRIPTION
 *	A PGP/MIME signature covers the signed part byte for byte (RFC 3156:
 *	CRLF line ends, no trailing white space, the CRLF before the boundary
 *	not included). Exchange and Outlook, converting messages to MAPI and
 *	back, break it in ways that can be undone:
 *
 *	- white space added at line ends (or kept by a signer that should
 *	  have removed it: RFC 3156 says signed text has none);
 *	- the blank line before the boundary added or removed, so the part
 *	  seems to end with one CRLF too many or too few;
 *	- multipart/signed turned into multipart/mixed, with an empty
 *	  text/plain part (or the "This is an OpenPGP/MIME signed message"
 *	  preamble as a part) put first and the signed part and the signature
 *	  following as attachments: the "Mixed Up" shape that
 *	  draft-dkg-openpgp-pgpmime-message-mangling describes for encrypted
 *	  mail, and that Enigmail and Thunderbird ("repair message") and mutt
 *	  (malformed multipart/encrypted) undo for it.
 *
 *	Also tried: LF line ends, for signers that signed their text as a
 *	Unix file stores it (mime.c makes every line end CRLF).
 *
 *	Not undone, because the original cannot be known: a part re-encoded
 *	(quoted-printable re-wrapped, base64 re-cut, header fields rewritten or
 *	reordered), white space removed that the signer had kept.
 * STANDARDS
 *	RFC 3156 (PGP/MIME), RFC 4880 (OpenPGP), RFC 2045-2046 (MIME).
 * SECURITY
 *	Everything here is hostile input. Forms are made only for parts up to
 *	PGPMIME_FIX_MAX_BYTES, at most PGPMIME_FIX_MAX_FORMS of them, so a bad
 *	signature costs at most that many more verifications. A form changes
 *	only white space and line ends, which carry no meaning for a reader.
 *	The mixed-up shape is accepted only when the text put in front is
 *	empty or the fixed preamble sentence: no unsigned text can ride along
 *	with the signed part.
 */
#include <pocgate/pgpmime_fix.h>

#include <ctype.h>
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pocgate/log.h>

#define PREAMBLE     "This is an OpenPGP/MIME signed message"
#define PREAMBLE_MAX 120 /* bytes of the filler text accepted */

/* ---- line forms ---- */

/* data with spaces and tabs before every line end (and the end) removed. */
static void strip_trailing(const char *data, size_t len, struct strbuf *out)
{
	size_t start = 0;

	sb_grow(out, len);
	while (start < len) {
		size_t eol = start, end;
		while (eol < len && data[eol] != '\r' && data[eol] != '\n')
			eol++;
		end = eol;
		while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\t'))
			end--;
		sb_add(out, data + start, end - start);
		if (eol < len && data[eol] == '\r' && eol + 1 < len && data[eol + 1] == '\n') {
			sb_add(out, "\r\n", 2);
			eol += 2;
		} else if (eol < len) {
			sb_addch(out, data[eol]);
			eol++;
		}
		start = eol;
	}
}

static int ends_crlf(const struct strbuf *sb)
{
	return sb->len >= 2 && sb->buf[sb->len - 2] == '\r' && sb->buf[sb->len - 1] == '\n';
}

/* Adds a form unless it equals the exact data or an earlier form. */
static void add_form(struct pgpmime_form *forms, size_t *n, const char *data, size_t len,
		     struct strbuf *cand, const char *what)
{
	int dup = cand->len == len && memcmp(cand->buf, data, len) == 0;

	for (size_t i = 0; !dup && i < *n; i++)
		dup = forms[i].data.len == cand->len &&
		      memcmp(forms[i].data.buf, cand->buf, cand->len) == 0;
	if (dup || *n >= PGPMIME_FIX_MAX_FORMS) {
		sb_release(cand);
		return;
	}
	forms[*n].data = *cand;
	forms[*n].what = what;
	(*n)++;
	sb_init(cand, 0);
}

size_t pgpmime_fix_forms(const char *data, size_t len,
			 struct pgpmime_form forms[PGPMIME_FIX_MAX_FORMS])
{
	struct strbuf stripped = STRBUF_INIT, cand = STRBUF_INIT;
	size_t n = 0;

	if (!data || len == 0 || len > PGPMIME_FIX_MAX_BYTES)
		return 0;
	strip_trailing(data, len, &stripped);

	sb_add(&cand, stripped.buf, stripped.len);
	add_form(forms, &n, data, len, &cand, "trailing white space");

	if (len >= 2 && data[len - 2] == '\r' && data[len - 1] == '\n') {
		sb_add(&cand, data, len - 2);
		add_form(forms, &n, data, len, &cand, "an added final CRLF");
	}
	sb_add(&cand, data, len);
	sb_addstr(&cand, "\r\n");
	add_form(forms, &n, data, len, &cand, "a removed final CRLF");

	if (ends_crlf(&stripped)) {
		sb_add(&cand, stripped.buf, stripped.len - 2);
		add_form(forms, &n, data, len, &cand, "trailing white space and the final CRLF");
	} else {
		sb_add(&cand, stripped.buf, stripped.len);
		sb_addstr(&cand, "\r\n");
		add_form(forms, &n, data, len, &cand, "trailing white space and the final CRLF");
	}

	for (size_t i = 0; i < len; i++)
		if (!(data[i] == '\r' && i + 1 < len && data[i + 1] == '\n'))
			sb_addch(&cand, data[i]);
	add_form(forms, &n, data, len, &cand, "LF line ends made CRLF");

	sb_release(&stripped);
	sb_release(&cand);
	return n;
}

void pgpmime_fix_forms_release(struct pgpmime_form *forms, size_t n)
{
	for (size_t i = 0; forms && i < n; i++) {
		sb_release(&forms[i].data);
		forms[i].what = NULL;
	}
}

/* ---- the mixed-up multipart/mixed ---- */

/* A copy of data with every line end as CRLF, as mime.c makes it. */
static void to_crlf(const char *data, size_t len, struct strbuf *out)
{
	sb_grow(out, len + len / 16);
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\r') {
			sb_addstr(out, "\r\n");
			if (i + 1 < len && data[i + 1] == '\n')
				i++;
		} else if (data[i] == '\n') {
			sb_addstr(out, "\r\n");
		} else {
			sb_addch(out, data[i]);
		}
	}
}

/* Blank lines and an mbox "From " line before the header block. */
static size_t leading_junk(const char *b, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t eol = i;
		int blank = 1;
		while (eol < len && b[eol] != '\n')
			eol++;
		for (size_t k = i; k < eol; k++)
			if (b[k] != ' ' && b[k] != '\t' && b[k] != '\r')
				blank = 0;
		if (!blank && !(eol - i > 5 && strncmp(b + i, "From ", 5) == 0))
			return i;
		if (eol >= len)
			return i;
		i = eol + 1;
	}
	return i;
}

/* "type/subtype" in lower case; no Content-Type is text/plain. */
static void type_of(struct mailmime *mm, char *out, size_t outsz)
{
	struct mailmime_content *ct = mm->mm_content_type;
	const char *type = "text", *sub = "plain";

	if (ct && ct->ct_type) {
		sub = ct->ct_subtype ? ct->ct_subtype : "";
		if (ct->ct_type->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
			struct mailmime_discrete_type *d = ct->ct_type->tp_data.tp_discrete_type;
			static const char *const names[] = {
			    "", "text", "image", "audio", "video", "application", ""};
			type = d->dt_type == MAILMIME_DISCRETE_TYPE_EXTENSION && d->dt_extension
				   ? d->dt_extension
				   : names[d->dt_type >= 0 && d->dt_type <= 6 ? d->dt_type : 0];
		} else if (ct->ct_type->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
			struct mailmime_composite_type *c = ct->ct_type->tp_data.tp_composite_type;
			type = c->ct_type == MAILMIME_COMPOSITE_TYPE_MESSAGE	 ? "message"
			       : c->ct_type == MAILMIME_COMPOSITE_TYPE_MULTIPART ? "multipart"
			       : c->ct_token					 ? c->ct_token
										 : "";
		}
	}
	snprintf(out, outsz, "%s/%s", type, sub);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

/* The single part's body with its transfer encoding undone, into *out. */
static int body_of(struct mailmime *mm, struct strbuf *out)
{
	struct mailmime_data *d;
	char *dec = NULL;
	size_t idx = 0, declen = 0;

	if (mm->mm_type != MAILMIME_SINGLE || !(d = mm->mm_data.mm_single) ||
	    d->dt_type != MAILMIME_DATA_TEXT)
		return -1;
	sb_reset(out);
	if (!d->dt_encoded || d->dt_encoding == MAILMIME_MECHANISM_7BIT ||
	    d->dt_encoding == MAILMIME_MECHANISM_8BIT ||
	    d->dt_encoding == MAILMIME_MECHANISM_BINARY) {
		sb_add(out, d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length);
		return 0;
	}
	if (mailmime_part_parse(d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length, &idx,
				d->dt_encoding, &dec, &declen) != MAILIMF_NO_ERROR)
		return -1;
	sb_add(out, dec, declen);
	mmap_string_unref(dec);
	return 0;
}

/* An empty filler part, or one with only the PGP/MIME preamble sentence. */
static int is_filler(struct mailmime *mm)
{
	struct strbuf b = STRBUF_INIT;
	char type[128];
	int ok;

	type_of(mm, type, sizeof(type));
	if (strcmp(type, "text/plain") != 0 || body_of(mm, &b) < 0)
		return 0;
	sb_trim(&b);
	ok = b.len == 0 || (b.len <= PREAMBLE_MAX && !memchr(b.buf, '\n', b.len) &&
			    strncasecmp(b.buf, PREAMBLE, strlen(PREAMBLE)) == 0);
	sb_release(&b);
	return ok;
}

/* A signature part: its decoded body into *sig. */
static int is_signature(struct mailmime *mm, struct strbuf *sig)
{
	char type[128];
	size_t i = 0;

	type_of(mm, type, sizeof(type));
	if (strcmp(type, "application/pgp-signature") != 0 &&
	    strcmp(type, "application/octet-stream") != 0)
		return 0;
	if (body_of(mm, sig) < 0 || sig->len == 0)
		return 0;
	if (strcmp(type, "application/octet-stream") == 0) {
		while (i < sig->len && isspace((unsigned char)sig->buf[i]))
			i++;
		if (sig->len - i < 29 || memcmp(sig->buf + i, "-----BEGIN PGP SIGNATURE-----", 29))
			return 0;
	}
	return 1;
}

int pgpmime_fix_mixed_up(const char *msg, size_t len, struct strbuf *data, struct strbuf *sig,
			 struct strbuf *err)
{
	struct strbuf crlf = STRBUF_INIT;
	struct mailmime *root = NULL, *mm, *parts[3];
	size_t idx = 0, skip, n = 0;
	char type[128];
	int rc = -1;

	if (!msg || len == 0 || len > PGPMIME_FIX_MAX_BYTES) {
		error_set(err, "no message, or one too large to repair");
		goto out;
	}
	to_crlf(msg, len, &crlf);
	skip = leading_junk(crlf.buf, crlf.len);
	if (mailmime_parse(crlf.buf + skip, crlf.len - skip, &idx, &root) != MAILIMF_NO_ERROR ||
	    !root || root->mm_type != MAILMIME_MESSAGE ||
	    !(mm = root->mm_data.mm_message.mm_msg_mime)) {
		error_set(err, "the MIME structure cannot be parsed");
		goto out;
	}
	type_of(mm, type, sizeof(type));
	if (mm->mm_type != MAILMIME_MULTIPLE || strcmp(type, "multipart/mixed") != 0) {
		error_set(err, "not multipart/mixed but '%s'", type);
		goto out;
	}
	for (clistiter *it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list); it;
	     it = clist_next(it)) {
		if (n == 3) {
			error_set(err, "more than three parts");
			goto out;
		}
		parts[n++] = clist_content(it);
	}
	if (n < 2 || (n == 3 && !is_filler(parts[0]))) {
		error_set(err, n < 2 ? "fewer than two parts" : "the first part is not empty");
		goto out;
	}
	if (!is_signature(parts[n - 1], sig)) {
		error_set(err, "the last part is not an OpenPGP signature");
		goto out;
	}
	type_of(parts[n - 2], type, sizeof(type));
	if (!parts[n - 2]->mm_mime_start || parts[n - 2]->mm_length == 0 ||
	    strcmp(type, "application/pgp-signature") == 0) {
		error_set(err, "no signed part before the signature");
		goto out;
	}
	sb_reset(data);
	sb_add(data, parts[n - 2]->mm_mime_start, parts[n - 2]->mm_length);
	rc = 0;
out:
	if (rc < 0)
		sb_reset(sig);
	if (root)
		mailmime_free(root);
	sb_release(&crlf);
	return rc;
}
