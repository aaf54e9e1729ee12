/*
 * test-compose - PGP/MIME messages that real gpg verifies, and header safety
 *
 * Makes a throw-away GnuPG home with an ed25519 key (gpg --quick-gen-key),
 * composes signed messages, cuts the signed part and the signature out the
 * way a receiving client does, and runs the real gpg --verify on them.
 */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include <pocgate/compose.h>
#include <pocgate/crypto.h>
#include <pocgate/xalloc.h>

static char *tmp, *home, fpr[41];

/* Runs "PREFIX'arg'SUFFIX" through the shell. */
static int sh(const char *prefix, const char *arg, const char *suffix)
{
	char *cmd = xasprintf("%s'%s'%s", prefix, arg, suffix);
	int rc = system(cmd);

	free(cmd);
	return rc;
}

static int make_key(void)
{
	char path[600];
	FILE *f;

	home = xasprintf("%s/gnupg", tmp);
	mkdir(home, 0700);
	if (sh("GNUPGHOME=", home,
	       " gpg --batch --quiet --passphrase '' --quick-gen-key "
	       "'Test Manager <manager@pocgate.test>' ed25519 sign never 2>/dev/null") != 0)
		return -1;
	snprintf(path, sizeof(path), "GNUPGHOME='%s' gpg --batch --with-colons --list-secret-keys 2>/dev/null", home);
	f = popen(path, "r");
	if (!f)
		return -1;
	while (fgets(path, sizeof(path), f))
		if (strncmp(path, "fpr:", 4) == 0 && !fpr[0])
			sscanf(path, "fpr:::::::::%40[0-9A-F]", fpr);
	pclose(f);
	return fpr[0] ? 0 : -1;
}

/* Splits a multipart/signed message the way a client does and runs gpg. */
static int gpg_verifies(const char *msg)
{
	const char *b = strstr(msg, "boundary=\""), *p1, *p2, *s1, *s2;
	char bnd[128], delim[140], path[600];
	FILE *f;

	if (!b || sscanf(b + 10, "%127[^\"]", bnd) != 1)
		return 0;
	snprintf(delim, sizeof(delim), "\r\n--%s", bnd);
	p1 = strstr(msg, delim + 2);
	if (!p1)
		return 0;
	p1 += strlen(delim) - 2 + 2; /* past "--B\r\n" */
	p2 = strstr(p1, delim);
	if (!p2)
		return 0;
	s1 = strstr(p2, "-----BEGIN PGP SIGNATURE-----");
	s2 = s1 ? strstr(s1, "-----END PGP SIGNATURE-----") : NULL;
	if (!s2)
		return 0;
	snprintf(path, sizeof(path), "%s/part", tmp);
	f = fopen(path, "wb");
	fwrite(p1, 1, (size_t)(p2 - p1), f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/part.asc", tmp);
	f = fopen(path, "wb");
	fwrite(s1, 1, (size_t)(s2 - s1) + 27, f);
	fclose(f);
	char *cmd = xasprintf("GNUPGHOME='%s' gpg --batch --quiet --verify '%s/part.asc' '%s/part' "
			      "2>/dev/null", home, tmp, tmp);
	int rc = system(cmd);
	free(cmd);
	return rc == 0;
}

static struct compose_msg sample(void)
{
	struct compose_msg m = {
		.date = 1795000000,
		.from_name = "UNODA, POC Directory Manager",
		.from_addr = "manager@pocgate.test",
		.to_name = "Agence nationale de la sécurité des systèmes d'information",
		.to_addr = "cert@cert.fra.test",
		.subject = "Points de contact : merci de répondre [POC-2026H2-FRA-0001]",
		.body = "Madame, Monsieur,\n\nMerci de répondre à ce message.   \n"
			"From here on, a line starting with From.\n.\nRéférence : POC-2026H2-FRA-0001\n",
		.message_id = "<POC-2026H2-FRA-0001.0011223344556677@pocgate.test>",
		.reference = "POC-2026H2-FRA-0001",
	};
	return m;
}

static void signed_message_verifies_with_gpg(void)
{
	struct crypto *c = NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct compose_msg m = sample();

	CHECK(crypto_open(home, fpr, NULL, &c, &err) == 0);
	if (!c) {
		printf("# %s\n", err.buf);
		return;
	}
	CHECK(compose_signed(c, &m, &out, &err) == 0);
	CHECK(gpg_verifies(out.buf));
	CHECK_CONTAINS(out.buf, "Content-Type: multipart/signed;");
	CHECK_CONTAINS(out.buf, "protocol=\"application/pgp-signature\"");
	CHECK_CONTAINS(out.buf, "micalg=\"pgp-sha");
	CHECK_CONTAINS(out.buf, "Auto-Submitted: auto-generated\r\n");
	CHECK_CONTAINS(out.buf, "Message-ID: <POC-2026H2-FRA-0001.0011223344556677@pocgate.test>\r\n");
	CHECK_CONTAINS(out.buf, "Content-Transfer-Encoding: quoted-printable");
	CHECK_CONTAINS(out.buf, "Date: ");
	CHECK_CONTAINS(out.buf, "=?UTF-8?B?");
	crypto_close(&c);
	sb_release(&out);
	sb_release(&err);
}

static void altered_body_no_longer_verifies(void)
{
	struct crypto *c = NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct compose_msg m = sample();
	char *p;

	if (crypto_open(home, fpr, NULL, &c, &err) < 0 || compose_signed(c, &m, &out, &err) < 0) {
		CHECK(!"compose failed");
		printf("# %s\n", err.buf);
		goto out;
	}
	p = strstr(out.buf, "Merci");
	CHECK(p != NULL);
	if (p)
		*p = 'N';
	CHECK(!gpg_verifies(out.buf));
out:
	crypto_close(&c);
	sb_release(&out);
	sb_release(&err);
}

static void message_is_seven_bit_with_crlf_and_no_trailing_space(void)
{
	struct crypto *c = NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct compose_msg m = sample();
	int bad8 = 0, bare_lf = 0, trailing = 0;

	if (crypto_open(home, fpr, NULL, &c, &err) < 0 || compose_signed(c, &m, &out, &err) < 0) {
		CHECK(!"compose failed");
		goto out;
	}
	for (size_t i = 0; i < out.len; i++) {
		unsigned char ch = (unsigned char)out.buf[i];
		bad8 |= ch >= 0x80;
		bare_lf |= ch == '\n' && (i == 0 || out.buf[i - 1] != '\r');
	}
	/* trailing white space inside the signed part would not survive relays */
	const char *part = strstr(out.buf, "Content-Type: text/plain");
	const char *end = part ? strstr(part, "-----BEGIN PGP") : NULL;
	for (const char *q = part; q && q < end; q++)
		trailing |= (*q == ' ' || *q == '\t') && q[1] == '\r';
	CHECK(!bad8);
	CHECK(!bare_lf);
	CHECK(!trailing);
	CHECK(strstr(out.buf, "\r\nFrom here") == NULL);
out:
	crypto_close(&c);
	sb_release(&out);
	sb_release(&err);
}

static void crlf_in_display_name_cannot_add_a_header(void)
{
	struct strbuf h = STRBUF_INIT;

	compose_header_addr(&h, "To", "Evil\r\nBcc: victim@evil.test", "poc@x.test");
	CHECK(strstr(h.buf, "\r\nBcc:") == NULL);
	CHECK_CONTAINS(h.buf, "<poc@x.test>\r\n");
	sb_reset(&h);
	compose_header_text(&h, "Subject", "Hello\nBcc: victim@evil.test");
	CHECK(strstr(h.buf, "\nBcc:") == NULL);
	/* the only line breaks are folds (CRLF + space) and the final CRLF */
	for (const char *p = strstr(h.buf, "\r\n"); p; p = strstr(p + 2, "\r\n"))
		CHECK(p[2] == ' ' || p[2] == '\0');
	sb_release(&h);
}

static void text_looking_like_an_encoded_word_is_encoded(void)
{
	struct strbuf h = STRBUF_INIT;

	/* quoted, it would still be decoded by many readers into "Bcc: ..." */
	compose_header_addr(&h, "To", "=?UTF-8?B?QmNjOiB4QGV2aWwudGVzdA==?=", "poc@x.test");
	CHECK(strstr(h.buf, "\"=?UTF-8?B?QmNjOiB4QGV2aWwudGVzdA==?=\"") == NULL);
	CHECK(strstr(h.buf, "=?UTF-8?B?PT9VVEYtOD9CP1FtTmpPaUI0UUdWMmFXd3VkR1Z6ZEE9PT89?=") != NULL);
	sb_reset(&h);
	compose_header_text(&h, "Subject", "=?UTF-8?B?QmNjOiB4QGV2aWwudGVzdA==?=");
	CHECK(strncmp(h.buf, "Subject: =?UTF-8?B?PT9V", 23) == 0);
	sb_release(&h);
}

static void long_and_mixed_script_headers_fold_under_78_columns(void)
{
	struct strbuf h = STRBUF_INIT, v = STRBUF_INIT;
	size_t col = 0, maxcol = 0;

	for (int i = 0; i < 40; i++)
		sb_addstr(&v, "Ministère الخارجية 外交部 Министерство ");
	compose_header_text(&h, "Subject", v.buf);
	for (const char *p = h.buf; *p; p++) {
		if (*p == '\r' || *p == '\n') {
			col = 0;
			continue;
		}
		if (++col > maxcol)
			maxcol = col;
		CHECK((unsigned char)*p < 0x80);
	}
	CHECK(maxcol <= 78);
	/* the first encoded word stays on the field's own line */
	CHECK(strncmp(h.buf, "Subject: =?UTF-8?B?", 19) == 0);
	sb_release(&h);
	sb_release(&v);
}

static void message_id_uses_the_sender_domain_and_is_unique(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	compose_message_id("POC-2026H2-FRA-0001", "manager@pocgate.test", &a);
	compose_message_id("POC-2026H2-FRA-0001", "manager@pocgate.test", &b);
	CHECK(strncmp(a.buf, "<POC-2026H2-FRA-0001.", 21) == 0);
	CHECK_CONTAINS(a.buf, "@pocgate.test>");
	CHECK(strcmp(a.buf, b.buf) != 0);
	sb_release(&a);
	sb_release(&b);
}

static void unknown_key_is_refused_when_opening(void)
{
	struct crypto *c = NULL;
	struct strbuf err = STRBUF_INIT;

	CHECK(crypto_open(home, "0000000000000000000000000000000000000000", NULL, &c, &err) < 0);
	CHECK(c == NULL);
	CHECK_CONTAINS(err.buf, "no secret key");
	sb_release(&err);
}

int main(void)
{
	tmp = test_tmpdir();
	if (make_key() < 0) {
		printf("not ok - make_test_key: gpg --quick-gen-key failed\n");
		test_tmpdir_remove(tmp);
		return 1;
	}
	RUN(signed_message_verifies_with_gpg);
	RUN(altered_body_no_longer_verifies);
	RUN(message_is_seven_bit_with_crlf_and_no_trailing_space);
	RUN(crlf_in_display_name_cannot_add_a_header);
	RUN(text_looking_like_an_encoded_word_is_encoded);
	RUN(long_and_mixed_script_headers_fold_under_78_columns);
	RUN(message_id_uses_the_sender_domain_and_is_unique);
	RUN(unknown_key_is_refused_when_opening);
	sh("gpgconf --homedir ", home, " --kill all 2>/dev/null");
	free(home);
	test_tmpdir_remove(tmp);
	TEST_EXIT();
}
