/*
 * pgpmime_fix.h - undoing what Microsoft Exchange does to PGP/MIME signed mail
 *
 * Pure functions over bytes (no GPGME, no I/O): they only propose other
 * forms of a signed message to verify when the exact bytes give a bad
 * signature. A form proves nothing by itself; only a signature that
 * verifies over it does.
 */
#ifndef POCGATE_PGPMIME_FIX_H
#define POCGATE_PGPMIME_FIX_H

#include <stddef.h>

#include <pocgate/strbuf.h>

#define PGPMIME_FIX_MAX_FORMS 6
#define PGPMIME_FIX_MAX_BYTES (16 * 1024 * 1024) /* larger signed parts get no forms */

struct pgpmime_form {
	struct strbuf data; /* owned: the bytes to verify instead */
	const char *what;   /* static: what was undone, e.g. "trailing white space" */
};

/* Fills forms[] with the alternative forms of the signed part data[0..len)
 * (CRLF, as mime.c extracted it), in the order to try them: trailing white
 * space removed from every line; the last CRLF removed; a CRLF added at the
 * end; both changes together; LF line ends. Forms equal to data or to an
 * earlier form are left out. Returns how many were made (0 when data is
 * empty or larger than PGPMIME_FIX_MAX_BYTES). Release with
 * pgpmime_fix_forms_release(). */
size_t pgpmime_fix_forms(const char *data, size_t len,
			 struct pgpmime_form forms[PGPMIME_FIX_MAX_FORMS]);
void pgpmime_fix_forms_release(struct pgpmime_form *forms, size_t n);

/* Recognises the "mixed-up" message Exchange makes of a multipart/signed:
 * a top-level multipart/mixed holding either
 *	text/plain (empty, or only "This is an OpenPGP/MIME signed message..."),
 *	the originally signed part, the signature part
 * or just the signed part and the signature part. The signature part is
 * application/pgp-signature, or application/octet-stream holding an
 * armoured signature. On success *data holds the signed part's bytes
 * (CRLF, exactly as between the boundaries) and *sig the signature with
 * its transfer encoding undone; returns 0. Any other shape: -1 and *err
 * says why (nothing here is an error for the caller, only "not this"). */
int pgpmime_fix_mixed_up(const char *msg, size_t len, struct strbuf *data, struct strbuf *sig,
			 struct strbuf *err);

#endif
