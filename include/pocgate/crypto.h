/*
 * crypto.h - OpenPGP signing through GPGME
 *
 * One struct crypto per worker: a GPGME context bound to the signing key.
 * GPGME contexts are not shared between threads.
 */
#ifndef POCGATE_CRYPTO_H
#define POCGATE_CRYPTO_H

#include <stddef.h>

#include <pocgate/strbuf.h>

struct crypto;

/* Opens a signing context for the key with fingerprint fpr in gnupghome
 * (NULL: $GNUPGHOME or ~/.gnupg). A passphrase, when the key has one, is
 * read from passphrase_file (NULL: none) and given through loopback
 * pinentry: pocgate never prompts. */
int crypto_open(const char *gnupghome, const char *fpr, const char *passphrase_file,
		struct crypto **c, struct strbuf *err);
void crypto_close(struct crypto **c);

/* Makes an ASCII-armoured detached signature of data (binary mode: the
 * caller gives canonical CRLF text) into *sig, and the RFC 3156 micalg of
 * the hash actually used ("pgp-sha256") into micalg. */
int crypto_sign_detached(struct crypto *c, const void *data, size_t len, struct strbuf *sig,
			 char micalg[32], struct strbuf *err);

#endif
