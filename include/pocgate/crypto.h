/*
 * crypto.h - OpenPGP signing and signature verification through GPGME
 *
 * One struct crypto per worker: a GPGME context bound to the signing key
 * (crypto_open), or one for verification only (crypto_open_verify).
 * GPGME contexts are not shared between threads.
 */
#ifndef POCGATE_CRYPTO_H
#define POCGATE_CRYPTO_H

#include <stddef.h>

#include <pocgate/strbuf.h>

struct crypto;
struct mime_msg;

/* Opens a signing context for the key with fingerprint fpr in gnupghome
 * (NULL: $GNUPGHOME or ~/.gnupg). A passphrase, when the key has one, is
 * read from passphrase_file (NULL: none) and given through loopback
 * pinentry: pocgate never prompts. */
int crypto_open(const char *gnupghome, const char *fpr, const char *passphrase_file,
		struct crypto **c, struct strbuf *err);
/* The same, but the signatures are made in a helper process: this program
 * started again as "PROGRAM --signer ..." (its main() must hand such a
 * command line to crypto_signer_main()). GPGME forks twice per signature,
 * and forking a small helper costs a fraction of forking a busy,
 * multi-threaded process. */
int crypto_open_helper(const char *gnupghome, const char *fpr, const char *passphrase_file,
		       struct crypto **c, struct strbuf *err);
/* The helper's main(), for argv[1] == "--signer"; returns its exit status. */
int crypto_signer_main(int argc, char **argv);
/* Closes a context (a helper's ends with it). */
void crypto_close(struct crypto **c);

/* Makes an ASCII-armoured detached signature of data (binary mode: the
 * caller gives canonical CRLF text) into *sig, and the RFC 3156 micalg of
 * the hash actually used ("pgp-sha256") into micalg. */
int crypto_sign_detached(struct crypto *c, const void *data, size_t len, struct strbuf *sig,
			 char micalg[32], struct strbuf *err);

/* ---- verification ---- */

enum sig_status {
	SIG_NONE,	 /* nothing signed, or no signature found */
	SIG_GOOD,	 /* every signature is good (a key the keyring owner marked
			    "never" trusted is still good: see validity) */
	SIG_BAD,	 /* the signed data was altered (or never signed by this key) */
	SIG_UNKNOWN_KEY, /* the signer's key is not in the keyring */
	SIG_EXPIRED_KEY, /* good, but the key (or the signature) has expired */
	SIG_REVOKED_KEY, /* good, but the key was revoked */
	SIG_ERROR	 /* cannot be checked: garbage, unusable key, gpg failure */
};

struct sig_result {
	enum sig_status status;
	char fingerprint[41]; /* the signer's key (primary-key fingerprint when the key
				 is in the keyring, else what the signature names: a
				 fingerprint or a 16-digit key ID), "" if unknown */
	char summary[128];    /* GPGME summary flags in words: "valid green", "red",
				 "key-missing" */
	char validity[16];    /* unknown, undefined, never, marginal, full, ultimate
				 (GPGME reports an ultimately trusted key as full) */
	char reason[160];     /* one phrase for people */
	int matches_poc;      /* 1: the key is the expected one (primary key or one of
				 its subkeys), 0: not, -1: no expected fingerprint.
				 It proves who signed only when status is SIG_GOOD */
};

/* "none", "good", "bad", "unknown-key", "expired-key", "revoked-key", "error". */
const char *sig_status_name(enum sig_status s);

/* Opens a context for verification only (no secret key needed); gnupghome
 * as for crypto_open. The public keys of the POCs are in its keyring. */
int crypto_open_verify(const char *gnupghome, struct crypto **c, struct strbuf *err);

/* Verifies a detached signature (armoured or binary) over data[0..len),
 * taken byte for byte: for PGP/MIME the signed part as it arrived, CRLF.
 * expected_fpr (40 hex digits, case and spaces ignored; may be NULL) is the
 * POC's key from the directory. Every signature is examined: the result is
 * good only if all are good, otherwise it reports the first problem.
 * Never fails on bad input: bad data gives SIG_BAD or SIG_ERROR in *r.
 * Returns -1 only when GPGME itself cannot run (*err). */
int crypto_verify_detached(struct crypto *c, const void *data, size_t len, const void *sig,
			   size_t siglen, const char *expected_fpr, struct sig_result *r,
			   struct strbuf *err);

/* Verifies an inline cleartext-signed text ("-----BEGIN PGP SIGNED
 * MESSAGE-----" at a line start, any line ends). Only the first signed
 * block is verified; when there is other text around it, the reason says
 * so. No such block gives SIG_NONE. */
int crypto_verify_inline(struct crypto *c, const char *text, size_t len, const char *expected_fpr,
			 struct sig_result *r, struct strbuf *err);

/* As crypto_verify_detached, but tolerant of what Microsoft Exchange does to
 * PGP/MIME (see pgpmime_fix.h): when the exact bytes give SIG_BAD, the
 * repaired line forms of data are tried in turn. When data/sig are NULL (no
 * multipart/signed was found), raw (the whole message as received, may be
 * NULL) is checked for the multipart/mixed Exchange makes of a
 * multipart/signed, and its parts are verified the same way; any other
 * message gives SIG_NONE. A repaired form that verifies says so in
 * r->reason ("...; verified after undoing Exchange's line-end changes
 * (trailing white space)"); a form that does not verify changes nothing. */
int crypto_verify_tolerant(struct crypto *c, const void *data, size_t len, const void *sig,
			   size_t siglen, const char *raw, size_t rawlen, const char *expected_fpr,
			   struct sig_result *r, struct strbuf *err);

/* Verifies whatever signature a parsed reply carries: PGP/MIME as mime.c
 * extracted it (tolerant), else an Exchange-mangled PGP/MIME found in raw
 * (the message as received, may be NULL), else an inline cleartext
 * signature in its text. An unsigned message gives SIG_NONE. Inline
 * signatures verify only over UTF-8 text: m->text is charset-converted. */
int crypto_verify_reply(struct crypto *c, const struct mime_msg *m, const char *raw, size_t rawlen,
			const char *expected_fpr, struct sig_result *r, struct strbuf *err);

#endif
