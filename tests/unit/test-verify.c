/*
 * test-verify - OpenPGP signatures on replies: verdicts, keys, Exchange repairs
 *
 * Makes throw-away GnuPG homes: the gateway's keyring (a POC key, another
 * key, a key signing with a subkey, an expired and a revoked key) and a
 * stranger's home whose key the gateway does not have. Signs with the real
 * gpg (detached and --clearsign), then checks what crypto_verify_*() make
 * of it, what pgpmime_fix proposes, and that mime.c hands over the right
 * bytes of PGP/MIME messages composed by pocgate and by others.
 */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include <pocgate/compose.h>
#include <pocgate/crypto.h>
#include <pocgate/mime.h>
#include <pocgate/pgpmime_fix.h>
#include <pocgate/xalloc.h>

static char *tmp, *home, *home2;
static char fpr_poc[41], fpr_other[41], fpr_sub_primary[41], fpr_sub_signing[41], fpr_expired[41],
    fpr_revoked[41], fpr_stranger[41];
static int have_expired, have_revoked;
static struct crypto *vc; /* the gateway's verification context */

/* A part as a PGP/MIME client signs it: CRLF, no trailing white space. */
static const char PART[] = "Content-Type: text/plain; charset=UTF-8\r\n"
			   "Content-Transfer-Encoding: quoted-printable\r\n"
			   "\r\n"
			   "Yes, I am still the point of contact.\r\n"
			   "R=C3=A9f=C3=A9rence : POC-2026H2-FRA-0001\r\n";

/* ---- gpg from the shell ---- */

/* Runs gpg in gnupghome h with args (quoted by the caller); 0 on success. */
static int gpg(const char *h, const char *args)
{
	char *cmd = xasprintf("GNUPGHOME='%s' gpg --batch --quiet --yes --no-tty "
			      "--pinentry-mode loopback --passphrase '' %s >/dev/null 2>&1",
			      h, args);
	int rc = system(cmd);

	free(cmd);
	return rc;
}

/* The fingerprint of the primary key (sub == 0) or of the last subkey
 * (sub == 1) of the key with user id uid. */
static int key_fpr(const char *h, const char *uid, int sub, char out[41])
{
	char *cmd = xasprintf("GNUPGHOME='%s' gpg --batch --with-colons --list-keys '%s' "
			      "2>/dev/null",
			      h, uid);
	char line[1024];
	int in_sub = 0;
	FILE *f = popen(cmd, "r");

	free(cmd);
	out[0] = '\0';
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "sub:", 4) == 0)
			in_sub = 1;
		if (strncmp(line, "fpr:", 4) == 0 && (sub ? in_sub : !out[0]))
			sscanf(line, "fpr:::::::::%40[0-9A-F]", out);
	}
	pclose(f);
	return out[0] ? 0 : -1;
}

static int gen_key(const char *h, const char *uid, const char *how, const char *opts, char out[41])
{
	char *args = xasprintf("%s --quick-gen-key '%s' %s", opts, uid, how);
	int rc = gpg(h, args);

	free(args);
	return rc == 0 ? key_fpr(h, uid, 0, out) : -1;
}

/* Signs data[0..len) in home h with gpg opts ("--detach-sign --armor -u X"),
 * the result into *out. */
static int gpg_sign(const char *h, const char *opts, const char *data, size_t len,
		    struct strbuf *out)
{
	char *in = xasprintf("%s/in", tmp), *res = xasprintf("%s/in.out", tmp);
	char *args = xasprintf("%s -o '%s' '%s'", opts, res, in);
	FILE *f = fopen(in, "wb");
	int rc = -1;

	sb_reset(out);
	if (f && fwrite(data, 1, len, f) == len && fclose(f) == 0 && gpg(h, args) == 0 &&
	    sb_read_file(out, res) == 0)
		rc = 0;
	unlink(res);
	free(in);
	free(res);
	free(args);
	return rc;
}

static int sign_detached(const char *fpr, const char *data, size_t len, struct strbuf *sig)
{
	char *opts = xasprintf("--detach-sign --armor -u '%s'", fpr);
	int rc = gpg_sign(!strcmp(fpr, fpr_stranger) ? home2 : home, opts, data, len, sig);

	free(opts);
	return rc;
}

static int make_keys(void)
{
	char *revcert, *args;

	home = xasprintf("%s/gnupg", tmp);
	home2 = xasprintf("%s/gnupg2", tmp);
	mkdir(home, 0700);
	mkdir(home2, 0700);
	if (gen_key(home, "POC France <poc@fra.test>", "ed25519 sign never", "", fpr_poc) < 0 ||
	    gen_key(home, "Other <other@x.test>", "ed25519 sign never", "", fpr_other) < 0 ||
	    gen_key(home, "Sub POC <sub@x.test>", "ed25519 cert never", "", fpr_sub_primary) < 0 ||
	    gen_key(home2, "Stranger <stranger@x.test>", "ed25519 sign never", "", fpr_stranger) <
		0)
		return -1;
	args = xasprintf("--quick-add-key '%s' ed25519 sign never", fpr_sub_primary);
	if (gpg(home, args) != 0 || key_fpr(home, "Sub POC <sub@x.test>", 1, fpr_sub_signing) < 0) {
		free(args);
		return -1;
	}
	free(args);

	/* expired: made and used on 1 January 2020, valid for one day */
	have_expired = gen_key(home, "Expired <expired@x.test>", "ed25519 sign 1d",
			       "--faked-system-time 20200101T000000!", fpr_expired) == 0;

	/* revoked: gpg keeps a revocation certificate, made harmless by a ':' */
	if (gen_key(home, "Revoked <revoked@x.test>", "ed25519 sign never", "", fpr_revoked) == 0) {
		revcert = xasprintf("sed 's/^:-----BEGIN/-----BEGIN/' "
				    "'%s/openpgp-revocs.d/%s.rev' >'%s/rev.asc'",
				    home, fpr_revoked, tmp);
		have_revoked = system(revcert) == 0;
		free(revcert);
	}
	return 0;
}

/* Imports the revocation: after the signatures by that key are made. */
static int revoke_now(void)
{
	char *args = xasprintf("--import '%s/rev.asc'", tmp);
	int rc = gpg(home, args);

	free(args);
	return rc;
}

/* ---- detached signatures ---- */

static void good_signature_from_the_poc_key_matches(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;

	CHECK(sign_detached(fpr_poc, PART, strlen(PART), &sig) == 0);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_GOOD);
	CHECK_STR(sig_status_name(r.status), "good");
	CHECK_STR(r.fingerprint, fpr_poc);
	CHECK(r.matches_poc == 1);
	/* gpg trusts keys it made itself ultimately; GPGME reports that as full */
	CHECK_STR(r.validity, "full");
	CHECK_CONTAINS(r.summary, "valid");
	CHECK_CONTAINS(r.summary, "green");
	CHECK_CONTAINS(r.reason, "good signature from 0x");
	CHECK_CONTAINS(r.reason, fpr_poc + 24);
	sb_release(&sig);
	sb_release(&err);
}

static void good_signature_from_another_key_does_not_match(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;

	CHECK(sign_detached(fpr_other, PART, strlen(PART), &sig) == 0);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_GOOD);
	CHECK_STR(r.fingerprint, fpr_other);
	CHECK(r.matches_poc == 0);
	CHECK_CONTAINS(r.reason, "not the POC's key");
	/* without a fingerprint in the directory there is nothing to compare */
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, NULL, &r, &err) ==
	      0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == -1);
	sb_release(&sig);
	sb_release(&err);
}

static void expected_fingerprint_ignores_case_and_spaces(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT, spaced = STRBUF_INIT;
	struct sig_result r;

	for (int i = 0; i < 40; i++) {
		if (i && i % 4 == 0)
			sb_addch(&spaced, ' ');
		sb_addch(&spaced, fpr_poc[i] >= 'A' ? fpr_poc[i] - 'A' + 'a' : fpr_poc[i]);
	}
	CHECK(sign_detached(fpr_poc, PART, strlen(PART), &sig) == 0);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, spaced.buf, &r,
				     &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == 1);
	/* a directory value that is no fingerprint matches nothing */
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, "not-a-key", &r,
				     &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == 0);
	sb_release(&sig);
	sb_release(&err);
	sb_release(&spaced);
}

static void key_not_in_the_keyring_is_unknown_with_its_fingerprint(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;

	CHECK(sign_detached(fpr_stranger, PART, strlen(PART), &sig) == 0);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_UNKNOWN_KEY);
	CHECK_STR(sig_status_name(r.status), "unknown-key");
	/* gpg 2.2 puts the issuer's fingerprint in the signature; older ones a key ID */
	CHECK(strlen(r.fingerprint) >= 16);
	CHECK(strstr(fpr_stranger, r.fingerprint) != NULL);
	CHECK_CONTAINS(r.summary, "key-missing");
	CHECK_CONTAINS(r.reason, "not in the keyring");
	CHECK(r.matches_poc == 0);
	sb_release(&sig);
	sb_release(&err);
}

static void altered_data_is_bad(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;
	char *altered = xstrdup(PART);

	*strstr(altered, "Yes") = 'N';
	CHECK(sign_detached(fpr_poc, PART, strlen(PART), &sig) == 0);
	CHECK(crypto_verify_detached(vc, altered, strlen(altered), sig.buf, sig.len, fpr_poc, &r,
				     &err) == 0);
	CHECK(r.status == SIG_BAD);
	CHECK_STR(sig_status_name(r.status), "bad");
	CHECK_CONTAINS(r.summary, "red");
	CHECK_CONTAINS(r.reason, "bad signature");
	/* the tolerant verifier cannot make real changes good */
	CHECK(crypto_verify_tolerant(vc, altered, strlen(altered), sig.buf, sig.len, NULL, 0,
				     fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_BAD);
	CHECK(strstr(r.reason, "undoing") == NULL);
	free(altered);
	sb_release(&sig);
	sb_release(&err);
}

static void garbage_signatures_are_errors_not_crashes(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT, cut = STRBUF_INIT, key = STRBUF_INIT;
	struct sig_result r;
	unsigned char noise[300];
	char *flipped;
	char *args;

	for (size_t i = 0; i < sizeof(noise); i++)
		noise[i] = (unsigned char)(i * 37 + 11);
	CHECK(sign_detached(fpr_poc, PART, strlen(PART), &sig) == 0);
	sb_add(&cut, sig.buf, sig.len / 2);
	flipped = xstrdup(sig.buf);
	flipped[strstr(flipped, "\n\n") - flipped + 10] ^= 0x01; /* inside the base64 */
	args = xasprintf("--armor -o '%s/key.asc' --export '%s'", tmp, fpr_poc);
	CHECK(gpg(home, args) == 0);
	free(args);
	args = xasprintf("%s/key.asc", tmp);
	CHECK(sb_read_file(&key, args) == 0);
	free(args);

	struct {
		const char *name;
		const void *p;
		size_t n;
	} cases[] = {
		{ "text", "garbage", 7 },
		{ "empty armour", "-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n", 59 },
		{ "noise", noise, sizeof(noise) },
		{ "truncated", cut.buf, cut.len },
		{ "flipped bit", flipped, strlen(flipped) },
		{ "a public key", key.buf, key.len },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = crypto_verify_detached(vc, PART, strlen(PART), cases[i].p, cases[i].n,
						fpr_poc, &r, &err);
		if (rc != 0 || (r.status != SIG_ERROR && r.status != SIG_BAD))
			printf("#   %s: rc %d, status %s (%s)\n", cases[i].name, rc,
			       sig_status_name(r.status), r.reason);
		CHECK(rc == 0);
		CHECK(r.status == SIG_ERROR || r.status == SIG_BAD);
		CHECK(r.reason[0] != '\0');
		CHECK(crypto_verify_tolerant(vc, PART, strlen(PART), cases[i].p, cases[i].n, PART,
					     strlen(PART), fpr_poc, &r, &err) == 0);
		CHECK(r.status != SIG_GOOD);
	}
	/* no signature at all is not an error either */
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), NULL, 0, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_NONE);
	/* nor is empty signed data */
	CHECK(crypto_verify_detached(vc, "", 0, sig.buf, sig.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_BAD);
	free(flipped);
	sb_release(&sig);
	sb_release(&cut);
	sb_release(&key);
	sb_release(&err);
}

static void signing_subkey_matches_the_primary_fingerprint(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;

	CHECK(strcmp(fpr_sub_primary, fpr_sub_signing) != 0);
	CHECK(sign_detached(fpr_sub_primary, PART, strlen(PART), &sig) == 0);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_sub_primary, &r,
				     &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK_STR(r.fingerprint, fpr_sub_primary); /* the primary, not the subkey */
	CHECK(r.matches_poc == 1);
	/* a directory that names the signing subkey itself matches too */
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_sub_signing, &r,
				     &err) == 0);
	CHECK(r.matches_poc == 1);
	/* and the POC's key is not this one */
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.matches_poc == 0);
	sb_release(&sig);
	sb_release(&err);
}

static void expired_key_is_reported(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;
	char *opts = xasprintf("--faked-system-time 20200101T120000! --detach-sign --armor -u '%s'",
			       fpr_expired);

	CHECK(gpg_sign(home, opts, PART, strlen(PART), &sig) == 0);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_expired, &r,
				     &err) == 0);
	CHECK(r.status == SIG_EXPIRED_KEY);
	CHECK_STR(sig_status_name(r.status), "expired-key");
	CHECK_STR(r.fingerprint, fpr_expired);
	CHECK(r.matches_poc == 1);
	CHECK_CONTAINS(r.summary, "key-expired");
	CHECK_CONTAINS(r.reason, "expired");
	free(opts);
	sb_release(&sig);
	sb_release(&err);
}

static void revoked_key_is_reported(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;

	CHECK(sign_detached(fpr_revoked, PART, strlen(PART), &sig) == 0);
	CHECK(revoke_now() == 0);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_revoked, &r,
				     &err) == 0);
	CHECK(r.status == SIG_REVOKED_KEY);
	CHECK_STR(sig_status_name(r.status), "revoked-key");
	CHECK_STR(r.fingerprint, fpr_revoked);
	CHECK_CONTAINS(r.summary, "key-revoked");
	CHECK_CONTAINS(r.reason, "revoked");
	sb_release(&sig);
	sb_release(&err);
}

/* Two signature packets in one detached signature, as gpg -u A -u B makes:
 * A's over data_a, B's over data_b. */
static void two_signatures(const char *fpr_a, const char *data_a, const char *fpr_b,
			   const char *data_b, struct strbuf *out)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char *opts;

	opts = xasprintf("--detach-sign -u '%s'", fpr_a); /* binary packets concatenate */
	CHECK(gpg_sign(home, opts, data_a, strlen(data_a), &a) == 0);
	free(opts);
	opts = xasprintf("--detach-sign -u '%s'", fpr_b);
	CHECK(gpg_sign(!strcmp(fpr_b, fpr_stranger) ? home2 : home, opts, data_b, strlen(data_b),
		       &b) == 0);
	free(opts);
	sb_reset(out);
	sb_add(out, a.buf, a.len);
	sb_add(out, b.buf, b.len);
	sb_release(&a);
	sb_release(&b);
}

static void several_signatures_are_good_only_if_all_are(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;

	/* both good: good, and the POC's one is reported */
	two_signatures(fpr_other, PART, fpr_poc, PART, &sig);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == 1);
	CHECK_STR(r.fingerprint, fpr_poc);

	/* the POC's good one and a stranger's: the stranger's is the problem */
	two_signatures(fpr_poc, PART, fpr_stranger, PART, &sig);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_UNKNOWN_KEY);
	CHECK(strstr(fpr_stranger, r.fingerprint) != NULL);
	CHECK_CONTAINS(r.reason, "signature 2 of 2");

	/* the POC's good one, then one made over other data: bad */
	two_signatures(fpr_poc, PART, fpr_other, "something else\r\n", &sig);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_BAD);
	CHECK_STR(r.fingerprint, fpr_other);
	CHECK_CONTAINS(r.reason, "signature 2 of 2");

	/* the bad one first: gpg stops there (GPGME then lists only it), still bad */
	two_signatures(fpr_other, "something else\r\n", fpr_poc, PART, &sig);
	CHECK(crypto_verify_detached(vc, PART, strlen(PART), sig.buf, sig.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_BAD);
	CHECK_STR(r.fingerprint, fpr_other);
	sb_release(&sig);
	sb_release(&err);
}

/* ---- inline cleartext signatures ---- */

static void inline_clearsigned_good_and_altered(void)
{
	const char *text = "Yes, I am still the point of contact.\n"
			   "- a line starting with a dash\n"
			   "Reference: POC-2026H2-FRA-0001\n";
	struct strbuf cs = STRBUF_INIT, err = STRBUF_INIT, around = STRBUF_INIT;
	struct sig_result r;
	char *opts = xasprintf("--clearsign -u '%s'", fpr_poc), *p;

	CHECK(gpg_sign(home, opts, text, strlen(text), &cs) == 0);
	CHECK(crypto_verify_inline(vc, cs.buf, cs.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == 1);
	CHECK_STR(r.fingerprint, fpr_poc);
	CHECK(strstr(r.reason, "not signed") == NULL);

	/* quoted by a reply and with text added: the block still verifies, and the
	   reason says the rest is not signed */
	sb_addstr(&around, "I confirm, see below.\n\n");
	sb_add(&around, cs.buf, cs.len);
	sb_addstr(&around, "\n-- \nSent from my phone\n");
	CHECK(crypto_verify_inline(vc, around.buf, around.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK_CONTAINS(r.reason, "not signed");

	p = strstr(cs.buf, "Yes");
	CHECK(p != NULL);
	if (p)
		*p = 'N';
	CHECK(crypto_verify_inline(vc, cs.buf, cs.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_BAD);

	/* no block at a line start */
	CHECK(crypto_verify_inline(vc, "> -----BEGIN PGP SIGNED MESSAGE-----\n", 37, fpr_poc, &r,
				   &err) == 0);
	CHECK(r.status == SIG_NONE);
	CHECK(crypto_verify_inline(vc, "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nx\n",
				   50, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_NONE);
	free(opts);
	sb_release(&cs);
	sb_release(&around);
	sb_release(&err);
}

static void inline_signed_reply_parsed_by_mime_verifies(void)
{
	const char *text = "Confirmed, still the POC.\r\nR\xc3\xa9"
			   "f\xc3\xa9rence: POC-1\r\n";
	struct strbuf cs = STRBUF_INIT, msg = STRBUF_INIT, err = STRBUF_INIT;
	struct sig_result r;
	struct mime_msg m;
	char *opts = xasprintf("--clearsign -u '%s'", fpr_poc);

	CHECK(gpg_sign(home, opts, text, strlen(text), &cs) == 0);
	sb_addstr(&msg, "From: POC <poc@fra.test>\r\nTo: manager@pocgate.test\r\n"
			"Subject: Re: ping\r\nMIME-Version: 1.0\r\n"
			"Content-Type: text/plain; charset=utf-8\r\n"
			"Content-Transfer-Encoding: 8bit\r\n\r\n");
	sb_add(&msg, cs.buf, cs.len);
	mime_parse(msg.buf, msg.len, &m);
	CHECK(m.inline_signed);
	CHECK(!m.pgp_signed);
	CHECK(crypto_verify_reply(vc, &m, msg.buf, msg.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == 1);
	mime_release(&m);
	free(opts);
	sb_release(&cs);
	sb_release(&msg);
	sb_release(&err);
}

/* ---- Exchange repairs ---- */

static void repair_forms_are_distinct_and_bounded(void)
{
	struct pgpmime_form f[PGPMIME_FIX_MAX_FORMS];
	const char *in = "A: b \r\n\r\nline\t\r\nend  \r\n";
	size_t n = pgpmime_fix_forms(in, strlen(in), f);
	int seen_strip = 0, seen_cut = 0, seen_add = 0, seen_lf = 0;

	CHECK(n >= 4 && n <= PGPMIME_FIX_MAX_FORMS);
	for (size_t i = 0; i < n; i++) {
		CHECK(f[i].what != NULL);
		CHECK(!(f[i].data.len == strlen(in) &&
			memcmp(f[i].data.buf, in, f[i].data.len) == 0));
		for (size_t j = 0; j < i; j++)
			CHECK(f[i].data.len != f[j].data.len ||
			      memcmp(f[i].data.buf, f[j].data.buf, f[i].data.len) != 0);
		seen_strip |= strcmp(f[i].data.buf, "A: b\r\n\r\nline\r\nend\r\n") == 0;
		seen_cut |= strcmp(f[i].data.buf, "A: b \r\n\r\nline\t\r\nend  ") == 0;
		seen_add |= strcmp(f[i].data.buf, "A: b \r\n\r\nline\t\r\nend  \r\n\r\n") == 0;
		seen_lf |= strcmp(f[i].data.buf, "A: b \n\nline\t\nend  \n") == 0;
	}
	CHECK(seen_strip && seen_cut && seen_add && seen_lf);
	pgpmime_fix_forms_release(f, n);

	/* nothing to strip, no CRLF at the end: fewer forms, none equal to the input */
	n = pgpmime_fix_forms("abc", 3, f);
	CHECK(n == 1);
	CHECK(n == 1 && strcmp(f[0].data.buf, "abc\r\n") == 0);
	pgpmime_fix_forms_release(f, n);
	CHECK(pgpmime_fix_forms("", 0, f) == 0);
	CHECK(pgpmime_fix_forms(NULL, 0, f) == 0);
}

static void trailing_white_space_added_by_exchange_verifies_tolerantly(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT, mangled = STRBUF_INIT;
	struct sig_result r;
	const char *eol = strstr(PART, "contact.\r\n") + 8;

	CHECK(sign_detached(fpr_poc, PART, strlen(PART), &sig) == 0);
	sb_add(&mangled, PART, (size_t)(eol - PART));
	sb_addstr(&mangled, "  \t");
	sb_addstr(&mangled, eol);
	CHECK(crypto_verify_detached(vc, mangled.buf, mangled.len, sig.buf, sig.len, fpr_poc, &r,
				     &err) == 0);
	CHECK(r.status == SIG_BAD);
	CHECK(crypto_verify_tolerant(vc, mangled.buf, mangled.len, sig.buf, sig.len, NULL, 0,
				     fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == 1);
	CHECK_CONTAINS(r.reason, "good signature from");
	CHECK_CONTAINS(r.reason, "verified after undoing Exchange's line-end changes");
	CHECK_CONTAINS(r.reason, "trailing white space");

	/* a blank line added before the boundary: one CRLF too many */
	sb_reset(&mangled);
	sb_addstr(&mangled, PART);
	sb_addstr(&mangled, "\r\n");
	CHECK(crypto_verify_tolerant(vc, mangled.buf, mangled.len, sig.buf, sig.len, NULL, 0,
				     fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK_CONTAINS(r.reason, "an added final CRLF");

	/* and the exact bytes say nothing about repairs */
	CHECK(crypto_verify_tolerant(vc, PART, strlen(PART), sig.buf, sig.len, NULL, 0, fpr_poc, &r,
				     &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(strstr(r.reason, "undoing") == NULL);
	sb_release(&sig);
	sb_release(&err);
	sb_release(&mangled);
}

static void base64_lines(struct strbuf *out, const char *p, size_t n)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)(unsigned char)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)(unsigned char)p[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)p[i + 2];
		sb_addch(out, b64[(v >> 18) & 63]);
		sb_addch(out, b64[(v >> 12) & 63]);
		sb_addch(out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		sb_addch(out, i + 2 < n ? b64[v & 63] : '=');
		if ((i / 3 + 1) % 19 == 0)
			sb_addstr(out, "\r\n");
	}
	sb_addstr(out, "\r\n");
}

/* The multipart/mixed Exchange makes of a multipart/signed reply. */
static void mixed_up(struct strbuf *msg, const char *first, const char *part,
		     const struct strbuf *sig)
{
	sb_reset(msg);
	sb_addstr(msg, "From: POC <poc@fra.test>\r\nTo: manager@pocgate.test\r\n"
		       "Subject: RE: ping\r\nMIME-Version: 1.0\r\n"
		       "Content-Type: multipart/mixed;\r\n\tboundary=\"_000_AM0PR_\"\r\n\r\n");
	if (first) {
		sb_addstr(msg, "--_000_AM0PR_\r\nContent-Type: text/plain; charset=\"us-ascii\"\r\n"
			       "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		sb_addstr(msg, first);
		sb_addstr(msg, "\r\n");
	}
	sb_addstr(msg, "--_000_AM0PR_\r\n");
	sb_addstr(msg, part);
	sb_addstr(msg, "\r\n--_000_AM0PR_\r\n"
		       "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
		       "Content-Description: signature.asc\r\n"
		       "Content-Disposition: attachment; filename=\"signature.asc\"; size=228\r\n"
		       "Content-Transfer-Encoding: base64\r\n\r\n");
	base64_lines(msg, sig->buf, sig->len);
	sb_addstr(msg, "\r\n--_000_AM0PR_--\r\n");
}

static void exchange_mixed_up_message_verifies(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT, msg = STRBUF_INIT, d = STRBUF_INIT,
		      s = STRBUF_INIT;
	struct sig_result r;
	struct mime_msg m;

	CHECK(sign_detached(fpr_poc, PART, strlen(PART), &sig) == 0);

	/* the pure recogniser hands back the part and the decoded signature */
	mixed_up(&msg, "", PART, &sig);
	CHECK(pgpmime_fix_mixed_up(msg.buf, msg.len, &d, &s, &err) == 0);
	CHECK(d.len == strlen(PART) && memcmp(d.buf, PART, d.len) == 0);
	CHECK(s.len >= sig.len && memcmp(s.buf, sig.buf, sig.len) == 0);

	/* mime.c sees no multipart/signed; the reply verifier finds it anyway */
	mime_parse(msg.buf, msg.len, &m);
	CHECK(!m.pgp_signed);
	CHECK(crypto_verify_reply(vc, &m, msg.buf, msg.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == 1);
	CHECK_CONTAINS(r.reason, "multipart/mixed rewrite");
	mime_release(&m);

	/* the preamble sentence as the first part, and the plain two-part shape */
	mixed_up(&msg, "This is an OpenPGP/MIME signed message (RFC 4880 and 3156)", PART, &sig);
	CHECK(crypto_verify_tolerant(vc, NULL, 0, NULL, 0, msg.buf, msg.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_GOOD);
	mixed_up(&msg, NULL, PART, &sig);
	CHECK(crypto_verify_tolerant(vc, NULL, 0, NULL, 0, msg.buf, msg.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_GOOD);

	/* unsigned text in front would ride along with the signed part: refused */
	mixed_up(&msg, "I hereby resign as the point of contact.", PART, &sig);
	CHECK(pgpmime_fix_mixed_up(msg.buf, msg.len, &d, &s, &err) < 0);
	CHECK_CONTAINS(err.buf, "first part");
	CHECK(crypto_verify_tolerant(vc, NULL, 0, NULL, 0, msg.buf, msg.len, fpr_poc, &r, &err) ==
	      0);
	CHECK(r.status == SIG_NONE);

	/* an ordinary message is not taken for one */
	CHECK(pgpmime_fix_mixed_up(PART, strlen(PART), &d, &s, &err) < 0);
	CHECK(pgpmime_fix_mixed_up("", 0, &d, &s, &err) < 0);
	sb_release(&sig);
	sb_release(&err);
	sb_release(&msg);
	sb_release(&d);
	sb_release(&s);
}

/* ---- whole messages through mime.c ---- */

static void message_composed_by_pocgate_verifies_after_mime_parse(void)
{
	struct crypto *sc = NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT, lf = STRBUF_INIT;
	struct sig_result r;
	struct mime_msg m;
	struct compose_msg cm = {
	    .date = 1795000000,
	    .from_name = "Point de contact",
	    .from_addr = "poc@fra.test",
	    .to_name = "UNODA, POC Directory Manager",
	    .to_addr = "manager@pocgate.test",
	    .subject = "Re: Points de contact : merci de répondre [POC-2026H2-FRA-0001]",
	    .body = "Confirmé.   \nFrom the national CERT.\n.\nRéférence : POC-2026H2-FRA-0001\n",
	    .message_id = "<reply.1@fra.test>",
	    .reference = "POC-2026H2-FRA-0001",
	};

	if (crypto_open(home, fpr_poc, NULL, &sc, &err) < 0 ||
	    compose_signed(sc, &cm, &out, &err) < 0) {
		CHECK(!"compose failed");
		printf("# %s\n", err.buf);
		goto out;
	}
	mime_parse(out.buf, out.len, &m);
	CHECK(m.pgp_signed);
	CHECK(crypto_verify_detached(vc, m.signed_data.buf, m.signed_data.len, m.signature.buf,
				     m.signature.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(r.matches_poc == 1);
	CHECK(crypto_verify_reply(vc, &m, out.buf, out.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(strstr(r.reason, "undoing") == NULL);
	mime_release(&m);

	/* the same message as stored in a Unix mailbox: LF line ends */
	for (size_t i = 0; i < out.len; i++)
		if (!(out.buf[i] == '\r' && i + 1 < out.len && out.buf[i + 1] == '\n'))
			sb_addch(&lf, out.buf[i]);
	mime_parse(lf.buf, lf.len, &m);
	CHECK(m.pgp_signed);
	CHECK(crypto_verify_reply(vc, &m, lf.buf, lf.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	mime_release(&m);
out:
	crypto_close(&sc);
	sb_release(&out);
	sb_release(&lf);
	sb_release(&err);
}

/* A multipart/signed as other clients write it, around signed part `part`. */
static void signed_message(struct strbuf *msg, const char *part, const struct strbuf *sig,
			   const char *after_boundary)
{
	sb_reset(msg);
	sb_addstr(msg, "From: POC <poc@fra.test>\r\nTo: manager@pocgate.test\r\n"
		       "Subject: Re: ping\r\nMIME-Version: 1.0\r\n"
		       "Content-Type: multipart/signed; micalg=pgp-sha256;\r\n"
		       " protocol=\"application/pgp-signature\";\r\n boundary=\"outer\"\r\n\r\n"
		       "This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n");
	sb_addf(msg, "--outer%s\r\n", after_boundary);
	sb_addstr(msg, part);
	sb_addf(msg, "\r\n--outer%s\r\n", after_boundary);
	sb_addstr(msg, "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
		       "Content-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n");
	sb_add(msg, sig->buf, sig->len);
	sb_addstr(msg, "\r\n--outer--\r\n\r\nepilogue\r\n");
}

static void nested_multipart_signed_part_is_extracted_exactly(void)
{
	/* as Thunderbird signs: protected headers in a multipart/mixed */
	const char *part = "Content-Type: multipart/mixed; boundary=\"inner\";\r\n"
			   " protected-headers=\"v1\"\r\n"
			   "Subject: Re: ping\r\n"
			   "\r\n"
			   "--inner\r\n"
			   "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
			   "Content-Transfer-Encoding: 7bit\r\n"
			   "\r\n"
			   "Confirmed.\r\n"
			   "\r\n"
			   "--inner\r\n"
			   "Content-Type: application/octet-stream; name=\"a.bin\"\r\n"
			   "Content-Transfer-Encoding: base64\r\n"
			   "\r\n"
			   "AAECAwQF\r\n"
			   "--inner--\r\n";
	const char *no_final_crlf = "Content-Type: text/plain\r\n\r\nConfirmed.";
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT, msg = STRBUF_INIT;
	struct sig_result r;
	struct mime_msg m;

	CHECK(sign_detached(fpr_poc, part, strlen(part), &sig) == 0);
	signed_message(&msg, part, &sig, "");
	mime_parse(msg.buf, msg.len, &m);
	CHECK(m.pgp_signed);
	CHECK(m.signed_data.len == strlen(part) &&
	      memcmp(m.signed_data.buf, part, m.signed_data.len) == 0);
	CHECK(crypto_verify_reply(vc, &m, msg.buf, msg.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(strstr(r.reason, "undoing") == NULL);
	mime_release(&m);

	/* a part whose text does not end with a line end */
	CHECK(sign_detached(fpr_poc, no_final_crlf, strlen(no_final_crlf), &sig) == 0);
	signed_message(&msg, no_final_crlf, &sig, "");
	mime_parse(msg.buf, msg.len, &m);
	CHECK(m.pgp_signed);
	CHECK(m.signed_data.len == strlen(no_final_crlf));
	CHECK(crypto_verify_reply(vc, &m, msg.buf, msg.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	CHECK(strstr(r.reason, "undoing") == NULL);
	mime_release(&m);

	/* RFC 2046 allows white space after a boundary ("transport padding") */
	signed_message(&msg, no_final_crlf, &sig, "  ");
	mime_parse(msg.buf, msg.len, &m);
	CHECK(m.pgp_signed);
	CHECK(m.signed_data.len == strlen(no_final_crlf) &&
	      memcmp(m.signed_data.buf, no_final_crlf, m.signed_data.len) == 0);
	if (m.pgp_signed && m.signed_data.len != strlen(no_final_crlf))
		printf("#   mime.c with transport padding: %zu bytes, expected %zu\n",
		       m.signed_data.len, strlen(no_final_crlf));
	CHECK(crypto_verify_reply(vc, &m, msg.buf, msg.len, fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_GOOD);
	mime_release(&m);

	/* a mailing list adds a footer: the signed part is nested one level down */
	{
		struct strbuf list = STRBUF_INIT;
		const char *body = strstr(msg.buf, "\r\n\r\n") + 4;
		sb_addstr(&list,
			  "From: POC <poc@fra.test>\r\nSubject: Re: ping\r\n"
			  "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=list\r\n"
			  "\r\n--list\r\nContent-Type: multipart/signed; micalg=pgp-sha256;\r\n"
			  " protocol=\"application/pgp-signature\"; boundary=\"outer\"\r\n\r\n");
		sb_add(&list, body, strlen(body));
		sb_addstr(&list, "\r\n--list\r\nContent-Type: text/plain\r\n\r\n"
				 "_______________\r\nlist footer\r\n--list--\r\n");
		mime_parse(list.buf, list.len, &m);
		CHECK(m.pgp_signed);
		CHECK(crypto_verify_reply(vc, &m, list.buf, list.len, fpr_poc, &r, &err) == 0);
		CHECK(r.status == SIG_GOOD);
		mime_release(&m);
		sb_release(&list);
	}
	sb_release(&sig);
	sb_release(&err);
	sb_release(&msg);
}

static void unsigned_reply_is_none(void)
{
	const char *msg = "From: POC <poc@fra.test>\r\nSubject: Re: ping\r\n\r\nYes.\r\n";
	struct strbuf err = STRBUF_INIT;
	struct sig_result r;
	struct mime_msg m;

	mime_parse(msg, strlen(msg), &m);
	CHECK(crypto_verify_reply(vc, &m, msg, strlen(msg), fpr_poc, &r, &err) == 0);
	CHECK(r.status == SIG_NONE);
	CHECK_STR(sig_status_name(r.status), "none");
	CHECK(r.reason[0] != '\0');
	mime_release(&m);
	sb_release(&err);
}

static void verify_context_cannot_sign_and_names_are_stable(void)
{
	struct strbuf sig = STRBUF_INIT, err = STRBUF_INIT;
	struct crypto *c = NULL;
	char micalg[32];
	char *missing = xasprintf("%s/no-such-home", tmp);

	/* gpg would take a missing home for an empty keyring */
	CHECK(crypto_open_verify(missing, &c, &err) < 0);
	CHECK(c == NULL);
	CHECK_CONTAINS(err.buf, "no-such-home");
	free(missing);

	CHECK(crypto_sign_detached(vc, "x", 1, &sig, micalg, &err) < 0);
	CHECK_CONTAINS(err.buf, "verification only");
	CHECK_STR(sig_status_name(SIG_NONE), "none");
	CHECK_STR(sig_status_name(SIG_GOOD), "good");
	CHECK_STR(sig_status_name(SIG_BAD), "bad");
	CHECK_STR(sig_status_name(SIG_UNKNOWN_KEY), "unknown-key");
	CHECK_STR(sig_status_name(SIG_EXPIRED_KEY), "expired-key");
	CHECK_STR(sig_status_name(SIG_REVOKED_KEY), "revoked-key");
	CHECK_STR(sig_status_name(SIG_ERROR), "error");
	CHECK_STR(sig_status_name((enum sig_status)42), "error");
	sb_release(&sig);
	sb_release(&err);
}

int main(void)
{
	struct strbuf err = STRBUF_INIT;

	tmp = test_tmpdir();
	if (make_keys() < 0) {
		printf("not ok - make_test_keys: gpg --quick-gen-key failed\n");
		test_tmpdir_remove(tmp);
		return 1;
	}
	if (crypto_open_verify(home, &vc, &err) < 0) {
		printf("not ok - crypto_open_verify: %s\n", err.buf);
		test_tmpdir_remove(tmp);
		return 1;
	}
	RUN(good_signature_from_the_poc_key_matches);
	RUN(good_signature_from_another_key_does_not_match);
	RUN(expected_fingerprint_ignores_case_and_spaces);
	RUN(key_not_in_the_keyring_is_unknown_with_its_fingerprint);
	RUN(altered_data_is_bad);
	RUN(garbage_signatures_are_errors_not_crashes);
	RUN(signing_subkey_matches_the_primary_fingerprint);
	if (have_expired)
		RUN(expired_key_is_reported);
	else
		printf("skip - expired_key_is_reported: gpg could not make a key in the past\n");
	if (have_revoked)
		RUN(revoked_key_is_reported);
	else
		printf("skip - revoked_key_is_reported: no revocation certificate from gpg\n");
	RUN(several_signatures_are_good_only_if_all_are);
	RUN(inline_clearsigned_good_and_altered);
	RUN(inline_signed_reply_parsed_by_mime_verifies);
	RUN(repair_forms_are_distinct_and_bounded);
	RUN(trailing_white_space_added_by_exchange_verifies_tolerantly);
	RUN(exchange_mixed_up_message_verifies);
	RUN(message_composed_by_pocgate_verifies_after_mime_parse);
	RUN(nested_multipart_signed_part_is_extracted_exactly);
	RUN(unsigned_reply_is_none);
	RUN(verify_context_cannot_sign_and_names_are_stable);
	crypto_close(&vc);
	for (int i = 0; i < 2; i++) {
		char *cmd =
		    xasprintf("gpgconf --homedir '%s' --kill all 2>/dev/null", i ? home2 : home);
		if (system(cmd) != 0)
			printf("# could not stop gpg-agent in %s\n", i ? home2 : home);
		free(cmd);
	}
	free(home);
	free(home2);
	test_tmpdir_remove(tmp);
	sb_release(&err);
	TEST_EXIT();
}
