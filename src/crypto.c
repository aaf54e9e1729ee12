/*
 * NAME
 *	crypto - OpenPGP signatures through GPGME: signing and verification
 * SYNOPSIS
 *	#include <pocgate/crypto.h>
 *	crypto_open(), crypto_open_helper(), crypto_signer_main(),
 *	crypto_open_verify(), crypto_close(), crypto_sign_detached(),
 *	crypto_verify_detached(), crypto_verify_inline(),
 *	crypto_verify_tolerant(), crypto_verify_reply(), sig_status_name()
 * DESCRIPTION
 *	The only module that speaks GPGME. A signing context is bound to one
 *	secret key, found by fingerprint when opened, so a missing or unusable
 *	key is found at start-up. The hash algorithm is whatever gpg chose for
 *	the key; micalg is taken from the signature result, never assumed.
 *
 *	Verification: gpgme_op_verify() succeeds even for a bad signature, so
 *	every signature in the result is read (status, summary, fingerprint,
 *	validity) and turned into a struct sig_result: good only when all
 *	signatures are good, else the first problem. The signer's key is
 *	looked up in the keyring so that a signature made by a signing subkey
 *	is reported with, and compared by, its primary key's fingerprint; the
 *	comparison with the POC's fingerprint from the directory accepts the
 *	primary key and any of its subkeys, ignoring case and spaces.
 *	When the exact bytes of a PGP/MIME part give a bad signature, the forms
 *	pgpmime_fix.c proposes (Exchange's changes undone) are tried, and the
 *	reason says which one verified.
 * DIAGNOSTICS
 *	Bad input is never an error: it is a result (SIG_BAD, SIG_ERROR...).
 *	-1 means GPGME or gpg cannot run at all.
 * STANDARDS
 *	RFC 3156 (PGP/MIME, micalg names), RFC 4880 (OpenPGP, cleartext
 *	signatures).
 * SECURITY
 *	The passphrase is read from a file when GPGME asks for it, written to
 *	gpg's descriptor and wiped; it is never logged. Pinentry is loopback,
 *	so no dialogue can ever block the daemon. Contexts are offline: a
 *	signature from an unknown key never makes gpg fetch keys. Signatures
 *	and signed data are hostile input handed to gpg as data only.
 *	Validity (the web of trust) is reported but decides nothing: the
 *	directory's fingerprint is the trust anchor, through matches_poc.
 */
#include <pocgate/crypto.h>

#include <ctype.h>
#include <errno.h>
#include <gpgme.h>
#include <locale.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pocgate/log.h>
#include <pocgate/secret.h>
#include <pocgate/mime.h>
#include <pocgate/pgpmime_fix.h>
#include <pocgate/xalloc.h>

extern char **environ;

struct crypto {
	gpgme_ctx_t ctx;
	gpgme_key_t key; /* the signing key; NULL for verification only */
	char *passphrase_file; /* owned, may be NULL */
	pid_t helper;	/* signing in a helper process (see below): its PID; 0: here */
	int sock;	/* with helper: the socket to it */
};

static int sign_in_helper(struct crypto *c, const void *data, size_t len, struct strbuf *sig,
			  char micalg[32], struct strbuf *err);

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
	struct strbuf err = STRBUF_INIT;

	/* the same rules as every secret: first line, not readable by others */
	if (prev_was_bad || !c->passphrase_file || secret_read(c->passphrase_file, &pw, &err) < 0) {
		if (err.len)
			msg_error("%s", err.buf);
		sb_release(&err);
		return gpgme_error(GPG_ERR_BAD_PASSPHRASE);
	}
	if (gpgme_io_writen(fd, pw.buf, pw.len) < 0 || gpgme_io_writen(fd, "\n", 1) < 0)
		rc = gpgme_error_from_errno(errno);
	secret_release(&pw);
	sb_release(&err);
	return rc;
}

/* A context for OpenPGP in gnupghome (NULL: the default), offline, with
 * loopback pinentry. */
static int context_new(struct crypto *c, const char *gnupghome, struct strbuf *err)
{
	gpgme_error_t e;

	if (!gpgme_check_version(GPGME_VERSION))
		return error_set(err, "GPGME is older than %s", GPGME_VERSION);
	gpgme_set_locale(NULL, LC_CTYPE, setlocale(LC_CTYPE, NULL));
	if ((e = gpgme_new(&c->ctx)) != 0)
		return gpg_error_set(err, "cannot create a GPGME context", e);
	if ((e = gpgme_set_protocol(c->ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (gnupghome && (e = gpgme_ctx_set_engine_info(c->ctx, GPGME_PROTOCOL_OpenPGP, NULL,
							  gnupghome)) != 0))
		return gpg_error_set(err, "cannot set up OpenPGP", e);
	gpgme_set_armor(c->ctx, 1);
	gpgme_set_textmode(c->ctx, 0);
	gpgme_set_offline(c->ctx, 1);
	gpgme_set_pinentry_mode(c->ctx, GPGME_PINENTRY_MODE_LOOPBACK);
	gpgme_set_passphrase_cb(c->ctx, passphrase_cb, c);
	return 0;
}

int crypto_open(const char *gnupghome, const char *fpr, const char *passphrase_file,
		struct crypto **cp, struct strbuf *err)
{
	struct crypto *c = xcalloc(1, sizeof(*c));
	gpgme_error_t e;

	if (passphrase_file)
		c->passphrase_file = xstrdup(passphrase_file);
	if (context_new(c, gnupghome, err) < 0)
		goto fail;
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

int crypto_open_verify(const char *gnupghome, struct crypto **cp, struct strbuf *err)
{
	struct crypto *c;
	struct stat st;

	/* gpg takes a missing home for an empty keyring: every key would be unknown */
	if (gnupghome && stat(gnupghome, &st) < 0)
		return error_set(err, "cannot use the GnuPG home '%s': %s", gnupghome,
				 strerror(errno));
	if (gnupghome && !S_ISDIR(st.st_mode))
		return error_set(err, "cannot use the GnuPG home '%s': not a directory", gnupghome);
	c = xcalloc(1, sizeof(*c));
	if (context_new(c, gnupghome, err) < 0) {
		crypto_close(&c);
		return -1;
	}
	*cp = c;
	return 0;
}

void crypto_close(struct crypto **cp)
{
	struct crypto *c;

	if (!cp || !*cp)
		return;
	c = *cp;
	if (c->helper) { /* it ends at the end of its input */
		close(c->sock);
		while (waitpid(c->helper, NULL, 0) < 0 && errno == EINTR)
			;
	}
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

	if (c->helper)
		return sign_in_helper(c, data, len, sig, micalg, err);
	if (!c->key)
		return error_set(err, "cannot sign: the context was opened for verification only");
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

/* ---- signing in a helper process ---- */

/*
 * GPGME runs gpg for every signature by forking twice, and each fork
 * copies the page tables of the process that forks: for pocgate-core or
 * pocgated, with their workers, libraries and store, the forks cost more
 * than gpg's signing. A helper context signs in a small single-threaded
 * process instead: the running program started again (posix_spawn) as
 * "PROGRAM --signer HOME FPR PASSFILE" (crypto_signer_main), which opens an
 * ordinary signing context and answers over a socket pair:
 *	request	"SIGN <bytes>\n" and the bytes;
 *	reply	"OK <micalg> <bytes>\n" and the armoured signature, or
 *		"ERR <reason>\n".
 * On start it says "READY\n" or "ERR <reason>\n". It ends when the socket
 * is closed: with its parent, however that one ends.
 */

#define SIGNER_ARG "--signer"
#define SIGNER_LINE 512	/* longest header or error line */

static int send_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int recv_all(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = recv(fd, p, n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One line, without its "\n", NUL-terminated; -1 at the end or when it is
 * longer than the buffer. */
static int recv_line(int fd, char *buf, size_t size)
{
	for (size_t n = 0; n + 1 < size; n++) {
		if (recv_all(fd, buf + n, 1) < 0)
			return -1;
		if (buf[n] == '\n') {
			buf[n] = '\0';
			return 0;
		}
	}
	return -1;
}

/* The reason of an "ERR" reply: one line, no control characters. */
static void send_error(int fd, const char *why)
{
	char line[SIGNER_LINE];
	size_t n = (size_t)snprintf(line, sizeof(line) - 1, "ERR %s", why);

	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	for (size_t i = 4; i < n; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	line[n++] = '\n';
	send_all(fd, line, n);
}

int crypto_signer_main(int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT, data = STRBUF_INIT, sig = STRBUF_INIT;
	struct crypto *c = NULL;
	char line[SIGNER_LINE], micalg[32];
	unsigned long long len;

	if (argc != 5 || strcmp(argv[1], SIGNER_ARG) != 0) {
		fprintf(stderr, "usage: %s " SIGNER_ARG " HOME|- FPR PASSFILE|- (run by itself)\n",
			argv[0]);
		return 64;
	}
	setlocale(LC_CTYPE, "C.UTF-8");
	if (crypto_open(strcmp(argv[2], "-") ? argv[2] : NULL, argv[3],
			strcmp(argv[4], "-") ? argv[4] : NULL, &c, &err) < 0) {
		send_error(1, err.buf);
		sb_release(&err);
		return 1;
	}
	if (send_all(1, "READY\n", 6) < 0)
		goto out;
	while (recv_line(0, line, sizeof(line)) == 0) {
		if (sscanf(line, "SIGN %llu", &len) != 1 || len > (1ULL << 30))
			break; /* not pocgate on the other side */
		sb_reset(&data);
		sb_grow(&data, (size_t)len);
		if (recv_all(0, data.buf, (size_t)len) < 0)
			break;
		data.len = (size_t)len; /* sb_grow() made the room */
		data.buf[data.len] = '\0';
		sb_reset(&err);
		if (crypto_sign_detached(c, data.buf, data.len, &sig, micalg, &err) < 0) {
			send_error(1, err.buf);
			continue;
		}
		int n = snprintf(line, sizeof(line), "OK %s %zu\n", micalg, sig.len);
		if (send_all(1, line, (size_t)n) < 0 || send_all(1, sig.buf, sig.len) < 0)
			break;
	}
out:
	crypto_close(&c);
	sb_release(&err);
	sb_release(&data);
	sb_release(&sig);
	return 0;
}

int crypto_open_helper(const char *gnupghome, const char *fpr, const char *passphrase_file,
		       struct crypto **cp, struct strbuf *err)
{
	char exe[4096], line[SIGNER_LINE];
	char *argv[] = { exe, SIGNER_ARG, (char *)(gnupghome ? gnupghome : "-"), (char *)fpr,
			 (char *)(passphrase_file ? passphrase_file : "-"), NULL };
	posix_spawn_file_actions_t fa;
	struct crypto *c;
	int sv[2], r;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	pid_t pid;

	if (n < 0)
		return error_set(err, "cannot find the running program to sign in: %s",
				 strerror(errno));
	exe[n] = '\0';
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return error_set(err, "cannot make a socket pair: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	r = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (r != 0) {
		close(sv[0]);
		return error_set(err, "cannot start '%s %s': %s", exe, SIGNER_ARG, strerror(r));
	}
	c = xcalloc(1, sizeof(*c));
	c->helper = pid;
	c->sock = sv[0];
	if (recv_line(c->sock, line, sizeof(line)) < 0 || strcmp(line, "READY") != 0) {
		if (strncmp(line, "ERR ", 4) == 0)
			error_set(err, "%s", line + 4);
		else
			error_set(err, "the signing helper '%s %s' did not start", exe, SIGNER_ARG);
		crypto_close(&c);
		return -1;
	}
	*cp = c;
	return 0;
}

/* crypto_sign_detached() through the helper. */
static int sign_in_helper(struct crypto *c, const void *data, size_t len, struct strbuf *sig,
			  char micalg[32], struct strbuf *err)
{
	char line[SIGNER_LINE], algo[32];
	size_t siglen;
	int n = snprintf(line, sizeof(line), "SIGN %zu\n", len);

	if (send_all(c->sock, line, (size_t)n) < 0 || send_all(c->sock, data, len) < 0 ||
	    recv_line(c->sock, line, sizeof(line)) < 0)
		return error_set(err, "the signing helper (pid %ld) is gone", (long)c->helper);
	if (strncmp(line, "ERR ", 4) == 0)
		return error_set(err, "%s", line + 4);
	if (sscanf(line, "OK %31s %zu", algo, &siglen) != 2 || siglen > (1u << 20))
		return error_set(err, "the signing helper said '%.80s'", line);
	sb_reset(sig);
	sb_grow(sig, siglen);
	if (recv_all(c->sock, sig->buf, siglen) < 0)
		return error_set(err, "the signing helper (pid %ld) is gone", (long)c->helper);
	sig->len = siglen; /* sb_grow() made the room */
	sig->buf[siglen] = '\0';
	snprintf(micalg, 32, "%s", algo);
	return 0;
}

/* ---- verification ---- */

#define SIG_MARK_BEGIN "-----BEGIN PGP SIGNED MESSAGE-----"
#define SIG_MARK_END   "-----END PGP SIGNATURE-----"

const char *sig_status_name(enum sig_status s)
{
	static const char *const names[] = { "none", "good", "bad", "unknown-key",
					     "expired-key", "revoked-key", "error" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "error";
}

/* expected as 40 upper-case hex digits into out[41]; spaces and a "0x" are
 * dropped. 0 when it is not a fingerprint. */
static int fpr_normalise(const char *in, char out[41])
{
	size_t n = 0;

	if (!in)
		return 0;
	while (*in == ' ' || *in == '\t')
		in++;
	if (in[0] == '0' && (in[1] == 'x' || in[1] == 'X'))
		in += 2;
	for (; *in; in++) {
		if (*in == ' ' || *in == '\t')
			continue;
		if (!isxdigit((unsigned char)*in) || n == 40)
			return 0;
		out[n++] = (char)toupper((unsigned char)*in);
	}
	out[n] = '\0';
	return n == 40;
}

static int fpr_equal(const char *a, const char *norm)
{
	char x[41];

	return a && norm[0] && fpr_normalise(a, x) && strcmp(x, norm) == 0;
}

static const char *validity_name(gpgme_validity_t v)
{
	switch (v) {
	case GPGME_VALIDITY_UNDEFINED:
		return "undefined";
	case GPGME_VALIDITY_NEVER:
		return "never";
	case GPGME_VALIDITY_MARGINAL:
		return "marginal";
	case GPGME_VALIDITY_FULL:
		return "full";
	case GPGME_VALIDITY_ULTIMATE:
		return "ultimate";
	case GPGME_VALIDITY_UNKNOWN:
	default:
		return "unknown";
	}
}

static void summary_words(gpgme_sigsum_t sum, char *out, size_t outsz)
{
	static const struct {
		gpgme_sigsum_t bit;
		const char *word;
	} words[] = {
		{ GPGME_SIGSUM_VALID, "valid" },
		{ GPGME_SIGSUM_GREEN, "green" },
		{ GPGME_SIGSUM_RED, "red" },
		{ GPGME_SIGSUM_KEY_REVOKED, "key-revoked" },
		{ GPGME_SIGSUM_KEY_EXPIRED, "key-expired" },
		{ GPGME_SIGSUM_SIG_EXPIRED, "sig-expired" },
		{ GPGME_SIGSUM_KEY_MISSING, "key-missing" },
		{ GPGME_SIGSUM_CRL_MISSING, "crl-missing" },
		{ GPGME_SIGSUM_CRL_TOO_OLD, "crl-too-old" },
		{ GPGME_SIGSUM_BAD_POLICY, "bad-policy" },
		{ GPGME_SIGSUM_SYS_ERROR, "sys-error" },
		{ GPGME_SIGSUM_TOFU_CONFLICT, "tofu-conflict" },
	};
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!(sum & words[i].bit))
			continue;
		int n = snprintf(out + len, outsz - len, "%s%s", len ? " " : "", words[i].word);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
}

static enum sig_status status_of(gpgme_signature_t s)
{
	switch (gpgme_err_code(s->status)) {
	case GPG_ERR_NO_ERROR:
		if (s->summary & GPGME_SIGSUM_KEY_REVOKED)
			return SIG_REVOKED_KEY;
		if (s->summary & (GPGME_SIGSUM_KEY_EXPIRED | GPGME_SIGSUM_SIG_EXPIRED))
			return SIG_EXPIRED_KEY;
		if (s->wrong_key_usage || (s->summary & GPGME_SIGSUM_SYS_ERROR))
			return SIG_ERROR;
		return SIG_GOOD;
	case GPG_ERR_BAD_SIGNATURE:
		return SIG_BAD;
	case GPG_ERR_NO_PUBKEY:
		return SIG_UNKNOWN_KEY;
	case GPG_ERR_KEY_EXPIRED:
	case GPG_ERR_SIG_EXPIRED:
		return SIG_EXPIRED_KEY;
	case GPG_ERR_CERT_REVOKED:
		return SIG_REVOKED_KEY;
	default:
		return SIG_ERROR;
	}
}

static void result_init(struct sig_result *r, const char *expected_norm)
{
	memset(r, 0, sizeof(*r));
	r->status = SIG_NONE;
	snprintf(r->validity, sizeof(r->validity), "unknown");
	r->matches_poc = expected_norm[0] ? 0 : -1;
}

/* Fills the key part of *r for signature s: the primary key's fingerprint
 * when the key is in the keyring, and whether it is the expected key. */
static void signer_of(struct crypto *c, gpgme_signature_t s, const char *expected_norm,
		      struct sig_result *r)
{
	gpgme_key_t key = NULL;

	snprintf(r->fingerprint, sizeof(r->fingerprint), "%s", s->fpr ? s->fpr : "");
	r->matches_poc = expected_norm[0] ? 0 : -1;
	if (s->fpr && strlen(s->fpr) >= 16 && gpgme_get_key(c->ctx, s->fpr, &key, 0) == 0 && key) {
		if (key->subkeys && key->subkeys->fpr)
			snprintf(r->fingerprint, sizeof(r->fingerprint), "%s", key->subkeys->fpr);
		for (gpgme_subkey_t sk = key->subkeys; sk && r->matches_poc == 0; sk = sk->next)
			if (fpr_equal(sk->fpr, expected_norm))
				r->matches_poc = 1;
		gpgme_key_unref(key);
	}
	if (r->matches_poc == 0 && fpr_equal(s->fpr, expected_norm))
		r->matches_poc = 1;
	summary_words(s->summary, r->summary, sizeof(r->summary));
	snprintf(r->validity, sizeof(r->validity), "%s", validity_name(s->validity));
}

/* The one phrase for people. */
static void describe(struct sig_result *r, gpgme_signature_t s, int nth, int count)
{
	size_t fl = strlen(r->fingerprint);
	const char *id = fl > 16 ? r->fingerprint + fl - 16 : r->fingerprint;
	char who[24], pre[48] = "";

	snprintf(who, sizeof(who), fl ? "0x%s" : "an unknown key", id);
	if (count > 1 && r->status != SIG_GOOD)
		snprintf(pre, sizeof(pre), "signature %d of %d: ", nth, count);
	switch (r->status) {
	case SIG_GOOD:
		snprintf(r->reason, sizeof(r->reason), "good signature from %s%s%s", who,
			 s->validity == GPGME_VALIDITY_NEVER	 ? ", but the key is marked never "
								   "to be trusted"
			 : s->validity < GPGME_VALIDITY_MARGINAL ? ", key not certified"
								 : "",
			 r->matches_poc == 0 ? ", not the POC's key" : "");
		break;
	case SIG_BAD:
		snprintf(r->reason, sizeof(r->reason),
			 "%sbad signature from %s: the signed data was altered", pre, who);
		break;
	case SIG_UNKNOWN_KEY:
		snprintf(r->reason, sizeof(r->reason), "%ssigned by %s, a key not in the keyring",
			 pre, who);
		break;
	case SIG_EXPIRED_KEY:
		snprintf(r->reason, sizeof(r->reason), "%ssignature from %s, but %s", pre, who,
			 gpgme_err_code(s->status) == GPG_ERR_SIG_EXPIRED ||
				 (s->summary & GPGME_SIGSUM_SIG_EXPIRED)
			     ? "the signature has expired"
			     : "the key has expired");
		break;
	case SIG_REVOKED_KEY:
		snprintf(r->reason, sizeof(r->reason),
			 "%ssignature from %s, but the key was revoked", pre, who);
		break;
	default:
		if (s->wrong_key_usage)
			snprintf(r->reason, sizeof(r->reason),
				 "%ssigned with %s, a key not meant for signing", pre, who);
		else
			snprintf(r->reason, sizeof(r->reason),
				 "%scannot check the signature from %s: %s", pre, who,
				 gpgme_strerror(s->status));
		break;
	}
}

/* Errors of gpgme_op_verify() that mean gpg cannot run, not bad input. */
static int engine_failure(gpgme_error_t e)
{
	switch (gpgme_err_code(e)) {
	case GPG_ERR_INV_ENGINE:
	case GPG_ERR_ENGINE_TOO_OLD:
	case GPG_ERR_UNSUPPORTED_PROTOCOL:
	case GPG_ERR_ENOENT:
	case GPG_ERR_ENOEXEC:
	case GPG_ERR_EACCES:
	case GPG_ERR_ENOMEM:
	case GPG_ERR_EMFILE:
	case GPG_ERR_ENFILE:
		return 1;
	default:
		return 0;
	}
}

/* Runs gpgme_op_verify and reads every signature into *r. */
static int verify_run(struct crypto *c, gpgme_data_t sig, gpgme_data_t signed_text,
		      gpgme_data_t plain, const char *expected_norm, struct sig_result *r,
		      struct strbuf *err)
{
	gpgme_verify_result_t res;
	gpgme_signature_t s, first_bad = NULL, chosen = NULL;
	struct sig_result one;
	gpgme_error_t e;
	int count = 0, nth = 0, bad_nth = 0;

	e = gpgme_op_verify(c->ctx, sig, signed_text, plain);
	if (e && engine_failure(e))
		return gpg_error_set(err, "cannot run gpg to verify a signature", e);
	res = e ? NULL : gpgme_op_verify_result(c->ctx);
	if (!res || !res->signatures) {
		r->status = SIG_ERROR;
		snprintf(r->reason, sizeof(r->reason), "no signature could be read%s%s",
			 e ? ": " : "", e ? gpgme_strerror(e) : "");
		return 0;
	}
	for (s = res->signatures; s; s = s->next)
		count++;
	/* good only if all are good: the first problem, else the POC's key */
	for (s = res->signatures; s; s = s->next) {
		nth++;
		if (status_of(s) != SIG_GOOD) {
			first_bad = s;
			bad_nth = nth;
			break;
		}
	}
	if (first_bad) {
		chosen = first_bad;
		signer_of(c, chosen, expected_norm, r);
	} else {
		for (s = res->signatures, nth = 0; s; s = s->next) {
			nth++;
			one = *r;
			signer_of(c, s, expected_norm, &one);
			if (!chosen || (one.matches_poc == 1 && r->matches_poc != 1)) {
				chosen = s;
				bad_nth = nth;
				*r = one;
			}
		}
	}
	r->status = status_of(chosen);
	describe(r, chosen, bad_nth, count);
	return 0;
}

int crypto_verify_detached(struct crypto *c, const void *data, size_t len, const void *sig,
			   size_t siglen, const char *expected_fpr, struct sig_result *r,
			   struct strbuf *err)
{
	gpgme_data_t sigd = NULL, textd = NULL;
	gpgme_error_t e;
	char expected[41] = "";
	int rc = -1;

	if (!fpr_normalise(expected_fpr, expected))
		expected[0] = '\0';
	result_init(r, expected);
	if (expected_fpr && *expected_fpr && !expected[0])
		r->matches_poc = 0; /* a directory value that is no fingerprint matches nothing */
	if (!sig || siglen == 0) {
		snprintf(r->reason, sizeof(r->reason), "no signature");
		return 0;
	}
	if ((e = gpgme_data_new_from_mem(&sigd, sig, siglen, 0)) != 0 ||
	    (e = gpgme_data_new_from_mem(&textd, len ? data : "", len, 0)) != 0) {
		gpg_error_set(err, "cannot set up verification", e);
		goto out;
	}
	rc = verify_run(c, sigd, textd, NULL, expected, r, err);
	if (rc == 0 && expected_fpr && *expected_fpr && !expected[0])
		r->matches_poc = 0;
out:
	gpgme_data_release(sigd);
	gpgme_data_release(textd);
	return rc;
}

/* Where a marker starts a line in t[0..len), from offset from; or -1. */
static long line_marker(const char *t, size_t len, size_t from, const char *mark)
{
	size_t ml = strlen(mark);

	while (from + ml <= len) {
		const char *p = memmem(t + from, len - from, mark, ml);
		if (!p)
			return -1;
		if (p == t || p[-1] == '\n' || p[-1] == '\r')
			return p - t;
		from = (size_t)(p - t) + 1;
	}
	return -1;
}

static int only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)p[i]))
			return 0;
	return 1;
}

int crypto_verify_inline(struct crypto *c, const char *text, size_t len, const char *expected_fpr,
			 struct sig_result *r, struct strbuf *err)
{
	gpgme_data_t sigd = NULL, plain = NULL;
	gpgme_error_t e;
	char expected[41] = "";
	long begin, end;
	size_t stop;
	int rc = -1;

	if (!fpr_normalise(expected_fpr, expected))
		expected[0] = '\0';
	result_init(r, expected);
	if (expected_fpr && *expected_fpr && !expected[0])
		r->matches_poc = 0;
	begin = text ? line_marker(text, len, 0, SIG_MARK_BEGIN) : -1;
	end = begin < 0 ? -1 : line_marker(text, len, (size_t)begin, SIG_MARK_END);
	if (end < 0) {
		snprintf(r->reason, sizeof(r->reason), "no cleartext signature");
		return 0;
	}
	stop = (size_t)end + strlen(SIG_MARK_END);
	while (stop < len && text[stop] != '\n')
		stop++;
	if (stop < len)
		stop++;
	if ((e = gpgme_data_new_from_mem(&sigd, text + begin, stop - (size_t)begin, 0)) != 0 ||
	    (e = gpgme_data_new(&plain)) != 0) {
		gpg_error_set(err, "cannot set up verification", e);
		goto out;
	}
	rc = verify_run(c, sigd, NULL, plain, expected, r, err);
	if (rc == 0 && expected_fpr && *expected_fpr && !expected[0])
		r->matches_poc = 0;
	if (rc == 0 && (!only_space(text, (size_t)begin) || !only_space(text + stop, len - stop))) {
		size_t rl = strlen(r->reason);
		snprintf(r->reason + rl, sizeof(r->reason) - rl,
			 "; the text around the signed block is not signed");
	}
out:
	gpgme_data_release(sigd);
	gpgme_data_release(plain);
	return rc;
}

/* The signature checked out over this form: the form was the signed one. */
static int form_verified(enum sig_status s)
{
	return s == SIG_GOOD || s == SIG_EXPIRED_KEY || s == SIG_REVOKED_KEY;
}

/* Says in r->reason which of Exchange's changes were undone: how (the
 * message's shape) and what (a line form), either may be NULL. */
static void add_repair(struct sig_result *r, const char *how, const char *what)
{
	size_t rl = strlen(r->reason);

	snprintf(r->reason + rl, sizeof(r->reason) - rl,
		 "; verified after undoing Exchange's %s%s%s%s%s", how ? how : "",
		 how && what ? " and " : "", what ? "line-end changes (" : "", what ? what : "",
		 what ? ")" : "");
}

/* Exact bytes, then the repaired line forms; *r is the exact result unless
 * a form verified. */
static int verify_forms(struct crypto *c, const char *data, size_t len, const void *sig,
			size_t siglen, const char *expected_fpr, const char *how,
			struct sig_result *r, struct strbuf *err)
{
	struct pgpmime_form forms[PGPMIME_FIX_MAX_FORMS];
	struct sig_result alt;
	size_t n;
	int rc = 0;

	if (crypto_verify_detached(c, data, len, sig, siglen, expected_fpr, r, err) < 0)
		return -1;
	if (r->status != SIG_BAD) {
		if (how && form_verified(r->status))
			add_repair(r, how, NULL);
		return 0;
	}
	n = pgpmime_fix_forms(data, len, forms);
	for (size_t i = 0; i < n; i++) {
		if ((rc = crypto_verify_detached(c, forms[i].data.buf, forms[i].data.len, sig,
						 siglen, expected_fpr, &alt, err)) < 0)
			break;
		if (form_verified(alt.status)) {
			*r = alt;
			add_repair(r, how, forms[i].what);
			break;
		}
	}
	pgpmime_fix_forms_release(forms, n);
	return rc;
}

int crypto_verify_tolerant(struct crypto *c, const void *data, size_t len, const void *sig,
			   size_t siglen, const char *raw, size_t rawlen, const char *expected_fpr,
			   struct sig_result *r, struct strbuf *err)
{
	struct strbuf md = STRBUF_INIT, ms = STRBUF_INIT, why = STRBUF_INIT;
	int rc = 0;

	if (data && sig && siglen)
		return verify_forms(c, data, len, sig, siglen, expected_fpr, NULL, r, err);
	if (crypto_verify_detached(c, NULL, 0, NULL, 0, expected_fpr, r, err) < 0)
		return -1;
	snprintf(r->reason, sizeof(r->reason), "no PGP/MIME signature");
	if (raw && pgpmime_fix_mixed_up(raw, rawlen, &md, &ms, &why) == 0)
		rc = verify_forms(c, md.buf, md.len, ms.buf, ms.len, expected_fpr,
				  "multipart/mixed rewrite", r, err);
	sb_release(&md);
	sb_release(&ms);
	sb_release(&why);
	return rc;
}

int crypto_verify_reply(struct crypto *c, const struct mime_msg *m, const char *raw, size_t rawlen,
			const char *expected_fpr, struct sig_result *r, struct strbuf *err)
{
	if (m->pgp_signed)
		return crypto_verify_tolerant(c, m->signed_data.buf, m->signed_data.len,
					      m->signature.buf, m->signature.len, NULL, 0,
					      expected_fpr, r, err);
	if (crypto_verify_tolerant(c, NULL, 0, NULL, 0, raw, rawlen, expected_fpr, r, err) < 0)
		return -1;
	if (r->status == SIG_NONE && m->inline_signed) {
		/* the part's own bytes when mime.c kept them: the UTF-8 text is a
		 * conversion, which a signature over another charset cannot match */
		const struct strbuf *t = m->inline_data.len ? &m->inline_data : &m->text;
		return crypto_verify_inline(c, t->buf, t->len, expected_fpr, r, err);
	}
	return 0;
}
