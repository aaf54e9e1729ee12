/*
 * NAME
 *	crypto - OpenPGP signatures through GPGME
 * SYNOPSIS
 *	#include <pocgate/crypto.h>
 *	crypto_open(), crypto_close(), crypto_sign_detached()
 * DESCRIPTION
 *	The only module that speaks GPGME. Each context is bound to one
 *	secret key, found by fingerprint when opened, so a missing or unusable
 *	key is found at start-up. The hash algorithm is whatever gpg chose for
 *	the key; micalg is taken from the signature result, never assumed.
 * STANDARDS
 *	RFC 3156 (micalg names), RFC 4880.
 * SECURITY
 *	The passphrase is read from a file when GPGME asks for it, written to
 *	gpg's descriptor and wiped; it is never logged. Pinentry is loopback,
 *	so no dialogue can ever block the daemon.
 */
#include <pocgate/crypto.h>

#include <ctype.h>
#include <errno.h>
#include <gpgme.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pocgate/log.h>
#include <pocgate/xalloc.h>

struct crypto {
	gpgme_ctx_t ctx;
	gpgme_key_t key;
	char *passphrase_file; /* owned, may be NULL */
};

static int gpg_error_set(struct strbuf *err, const char *what, gpgme_error_t e)
{
	return error_set(err, "%s: %s", what, gpgme_strerror(e));
}

static gpgme_error_t passphrase_cb(void *hook, const char *uid_hint, const char *info,
				   int prev_was_bad, int fd)
{
	struct crypto *c = hook;
	struct strbuf pw = STRBUF_INIT;
	gpgme_error_t rc = 0;

	(void)uid_hint;
	(void)info;
	if (prev_was_bad || !c->passphrase_file || sb_read_file(&pw, c->passphrase_file) < 0)
		return gpgme_error(GPG_ERR_BAD_PASSPHRASE);
	while (pw.len && (pw.buf[pw.len - 1] == '\n' || pw.buf[pw.len - 1] == '\r'))
		pw.len--;
	if (gpgme_io_writen(fd, pw.buf, pw.len) < 0 || gpgme_io_writen(fd, "\n", 1) < 0)
		rc = gpgme_error_from_errno(errno);
	explicit_bzero(pw.buf, pw.alloc ? pw.alloc : 0);
	sb_release(&pw);
	return rc;
}

int crypto_open(const char *gnupghome, const char *fpr, const char *passphrase_file,
		struct crypto **cp, struct strbuf *err)
{
	struct crypto *c = xcalloc(1, sizeof(*c));
	gpgme_error_t e;

	if (!gpgme_check_version(GPGME_VERSION)) {
		error_set(err, "GPGME is older than %s", GPGME_VERSION);
		goto fail;
	}
	gpgme_set_locale(NULL, LC_CTYPE, setlocale(LC_CTYPE, NULL));
	if ((e = gpgme_new(&c->ctx)) != 0) {
		gpg_error_set(err, "cannot create a GPGME context", e);
		goto fail;
	}
	if ((e = gpgme_set_protocol(c->ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (gnupghome && (e = gpgme_ctx_set_engine_info(c->ctx, GPGME_PROTOCOL_OpenPGP, NULL,
							  gnupghome)) != 0)) {
		gpg_error_set(err, "cannot set up OpenPGP", e);
		goto fail;
	}
	gpgme_set_armor(c->ctx, 1);
	gpgme_set_textmode(c->ctx, 0);
	gpgme_set_offline(c->ctx, 1);
	if (passphrase_file)
		c->passphrase_file = xstrdup(passphrase_file);
	gpgme_set_pinentry_mode(c->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	gpgme_set_passphrase_cb(c->ctx, passphrase_cb, c);
	if ((e = gpgme_get_key(c->ctx, fpr, &c->key, 1)) != 0) {
		error_set(err, "no secret key '%s' in '%s': %s", fpr,
			  gnupghome ? gnupghome : "the default GnuPG home", gpgme_strerror(e));
		goto fail;
	}
	if (!c->key->can_sign || c->key->revoked || c->key->expired || c->key->disabled) {
		error_set(err, "key '%s' cannot sign (revoked, expired, disabled or no signing "
			       "capability)", fpr);
		goto fail;
	}
	if ((e = gpgme_signers_add(c->ctx, c->key)) != 0) {
		gpg_error_set(err, "cannot use the signing key", e);
		goto fail;
	}
	*cp = c;
	return 0;
fail:
	crypto_close(&c);
	return -1;
}

void crypto_close(struct crypto **cp)
{
	struct crypto *c;

	if (!cp || !*cp)
		return;
	c = *cp;
	if (c->key)
		gpgme_key_unref(c->key);
	if (c->ctx)
		gpgme_release(c->ctx);
	free(c->passphrase_file);
	free(c);
	*cp = NULL;
}

int crypto_sign_detached(struct crypto *c, const void *data, size_t len, struct strbuf *sig,
			 char micalg[32], struct strbuf *err)
{
	gpgme_data_t in = NULL, out = NULL;
	gpgme_sign_result_t res;
	gpgme_error_t e;
	const char *algo;
	char *buf = NULL;
	size_t n = 0;
	int rc = -1;

	if ((e = gpgme_data_new_from_mem(&in, data, len, 0)) != 0 ||
	    (e = gpgme_data_new(&out)) != 0) {
		gpg_error_set(err, "cannot set up signing", e);
		goto out;
	}
	if ((e = gpgme_op_sign(c->ctx, in, out, GPGME_SIG_MODE_DETACH)) != 0) {
		gpg_error_set(err, "signing failed", e);
		goto out;
	}
	res = gpgme_op_sign_result(c->ctx);
	if (!res || res->invalid_signers || !res->signatures) {
		error_set(err, "signing failed: the key was not usable");
		goto out;
	}
	algo = gpgme_hash_algo_name(res->signatures->hash_algo);
	if (!algo) {
		error_set(err, "signing used an unknown hash algorithm %d",
			  (int)res->signatures->hash_algo);
		goto out;
	}
	snprintf(micalg, 32, "pgp-%s", algo);
	for (char *p = micalg; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	buf = gpgme_data_release_and_get_mem(out, &n);
	out = NULL;
	sb_reset(sig);
	sb_add(sig, buf, n);
	rc = 0;
out:
	if (buf)
		gpgme_free(buf);
	gpgme_data_release(in);
	gpgme_data_release(out);
	return rc;
}
