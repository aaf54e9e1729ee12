/*
 * test-mime.c - unit tests of mime.c: incoming mail into plain data
 *
 * Small inline messages through mime_parse(): header decoding, charsets,
 * HTML, delivery reports, returned messages, PGP/MIME bytes, limits, and
 * hostile input (which must never crash and must always give valid UTF-8).
 */
#include <iconv.h>

#include <pocgate/mime.h>

#include <strings.h>

#include "test.h"

/* 1 when s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned c = *p;
		size_t n = c < 0x80		    ? 1
			   : c >= 0xc2 && c <= 0xdf ? 2
			   : c >= 0xe0 && c <= 0xef ? 3
			   : c >= 0xf0 && c <= 0xf4 ? 4
						    : 0;
		if (!n)
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		if ((n == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))) ||
		    (n == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))))
			return 0;
		p += n;
	}
	return 1;
}

/* Every string of a parse is valid UTF-8. */
static int all_utf8(const struct mime_msg *m)
{
	const char *s[] = {m->malformed_reason,	   m->from,
			   m->from_name,	   m->subject,
			   m->message_id,	   m->in_reply_to,
			   m->references,	   m->return_path,
			   m->auto_submitted,	   m->precedence,
			   m->x_autoreply,	   m->x_auto_response_suppress,
			   m->x_failed_recipients, m->content_type,
			   m->report_type,	   m->reference,
			   m->dsn.reporting_mta,   m->dsn.final_recipient,
			   m->dsn.action,	   m->dsn.status,
			   m->dsn.diagnostic,	   m->original_message_id,
			   m->original_reference,  m->text.buf,
			   m->charsets.buf};

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (!valid_utf8(s[i]))
			return 0;
	return strlen(m->text.buf) == m->text.len;
}

static void parse(const char *raw, struct mime_msg *m)
{
	mime_parse(raw, strlen(raw), m);
}

/* ---- header fields ---- */

/* Parses a message whose Subject is encoded and checks its decoded form. */
static void check_subject(const char *encoded, const char *want)
{
	struct strbuf raw = STRBUF_INIT;
	struct mime_msg m;

	sb_addf(&raw, "From: a@b.example\nSubject: %s\n\nx\n", encoded);
	parse(raw.buf, &m);
	if (!m.subject || strcmp(m.subject, want) != 0) {
		printf("#   %s: subject is \"%s\", expected \"%s\"\n", encoded,
		       m.subject ? m.subject : "(null)", want);
		test_failed_now = 1;
	}
	mime_release(&m);
	sb_release(&raw);
}

static void rfc2047_subjects_are_decoded_to_utf8(void)
{
	static const struct {
		const char *encoded, *want;
	} t[] = {
	    {"=?UTF-8?B?0J/QvtC70YPRh9C10L3Qvg==?=", "Получено"},
	    {"=?ISO-8859-1?Q?Re=E7u?=", "Reçu"},
	    {"=?ISO-8859-1?B?UmXndQ==?=", "Reçu"},
	    {"=?windows-1252?B?Uulwb25zZSCWIHJl53U=?=", "Réponse – reçu"},
	    {"=?windows-1251?B?zvLi5fI6IM/u6/P35e3u?=", "Ответ: Получено"},
	    {"=?KOI8-R?B?8M/M1d7Fzs8=?=", "Получено"},
	    {"=?GB2312?B?u9i4tDogytW1vQ==?=", "回复: 收到"},
	    {"=?GBK?B?ytW1vaOs0LvQuw==?=", "收到，谢谢"},
	    {"=?Big5?B?pl7C0DogpHemrKjs?=", "回覆: 已收到"},
	    {"=?Shift_JIS?B?jvOQTYK1gtyCtYK9?=", "受信しました"},
	    {"=?ISO-2022-JP?B?GyRCPHVOTiQ3JF4kNyQ/GyhC?=", "受領しました"},
	    {"=?windows-1256?B?0c86IMrjIMfhx9PK4cfj?=", "رد: تم الاستلام"},
	    {"=?EUC-KR?B?wN8gud6+0r3AtM+02Q==?=", "잘 받았습니다"},
	    /* plain text around an encoded word, and two words folded apart */
	    {"Re: =?utf-8?q?Re=C3=A7u?= [POC-2026H2-FRA-0042]", "Re: Reçu [POC-2026H2-FRA-0042]"},
	    {"=?UTF-8?B?0J/QvtC7?=\n =?UTF-8?B?0YPRh9C10L3Qvg==?=", "Получено"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_subject(t[i].encoded, t[i].want);
}

/* libetpan's rules for encoded words, whoever converts: a byte the charset
 * lacks is '?', plain 8-bit words beside encoded ones are Latin-1, and a
 * converter used before starts afresh (no shift state carried over). */
static void encoded_words_keep_libetpans_conversion_rules(void)
{
	static const struct {
		const char *encoded, *want;
	} t[] = {
	    {"=?UTF-8?Q?a=FFb?=", "a?b"},
	    {"=?us-ascii?q?a=E9b?=", "a?b"},
	    {"=?iso-8859-1?q?=80=A0=FF?= \xc0", "\xc2\x80\xc2\xa0\xc3\xbf \xc3\x80"},
	    {"=?Shift_JIS?B?gqCC?=", "あ"},
	    {"=?utf-8?q?x?= caf\xe9", "x café"},
	    {"=?ISO-2022-JP?B?GyRCJCIbKEI=?= =?ISO-2022-JP?B?GyRCJCQ=?= =?ISO-2022-JP?B?YQ==?=",
	     "あいa"},
	};

	for (int round = 0; round < 2; round++) /* the second with converters open */
		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			check_subject(t[i].encoded, t[i].want);
}

static void from_address_is_lower_cased_and_its_name_decoded(void)
{
	struct mime_msg m;

	parse("From: =?KOI8-R?B?8M/M1d7Fzs8=?= <I.Petrov@NCC.rus.example>\nSubject: x\n\nx\n", &m);
	CHECK_STR(m.from, "i.petrov@ncc.rus.example");
	CHECK_STR(m.from_name, "Получено");
	mime_release(&m);
	parse("From: \"UNODA, POC Directory Manager\" <poc-directory@pocgate.test>\n\nx\n", &m);
	CHECK_STR(m.from, "poc-directory@pocgate.test");
	CHECK_STR(m.from_name, "UNODA, POC Directory Manager");
	mime_release(&m);
	/* not a mailbox libetpan accepts: the address part is kept */
	parse("From: broken <<x@y.example>\n\nx\n", &m);
	CHECK(m.from != NULL && valid_utf8(m.from));
	mime_release(&m);
}

/* A message without a sender is still read (its text may carry a
 * reference); it just cannot be matched by its sender. */
static void missing_from_is_read_without_a_sender(void)
{
	struct mime_msg m;

	parse("Subject: no sender\n\nhello\n", &m);
	CHECK(!m.malformed);
	CHECK(m.from == NULL);
	CHECK_CONTAINS(m.text.buf, "hello");
	mime_release(&m);
}

static void folded_header_fields_are_unfolded(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nSubject: POC directory ping test:\n\tplease reply\n  "
	      "[POC-2026H2-FRA-0042]\n"
	      "References: <a@x.example>\n <b@x.example>\n\nx\n",
	      &m);
	CHECK_STR(m.subject, "POC directory ping test: please reply [POC-2026H2-FRA-0042]");
	CHECK_STR(m.references, "<a@x.example> <b@x.example>");
	mime_release(&m);
}

static void automatic_reply_and_matching_fields_are_read(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nAuto-Submitted: auto-replied\nPrecedence: bulk\nX-Autorespond: "
	      "yes\n"
	      "X-Auto-Response-Suppress: All\nX-Failed-Recipients: x@y.example\n"
	      "X-Pocgate-Reference: POC-2026H2-FRA-0042\nMessage-ID: junk <id1@b.example> more\n"
	      "In-Reply-To: <POC-2026H2-FRA-0042.0011223344556677@pocgate.test>\n"
	      "Content-Type: Text/Plain; charset=us-ascii\n\nx\n",
	      &m);
	CHECK_STR(m.auto_submitted, "auto-replied");
	CHECK_STR(m.precedence, "bulk");
	CHECK_STR(m.x_autoreply, "yes");
	CHECK_STR(m.x_auto_response_suppress, "All");
	CHECK_STR(m.x_failed_recipients, "x@y.example");
	CHECK_STR(m.reference, "POC-2026H2-FRA-0042");
	CHECK_STR(m.message_id, "<id1@b.example>");
	CHECK_STR(m.in_reply_to, "<POC-2026H2-FRA-0042.0011223344556677@pocgate.test>");
	CHECK_STR(m.content_type, "text/plain");
	CHECK(!m.malformed);
	mime_release(&m);
}

static void null_return_path_is_an_empty_string(void)
{
	struct mime_msg m;

	parse("Return-Path: <>\nFrom: MAILER-DAEMON@mx.example\n\nx\n", &m);
	CHECK_STR(m.return_path, "");
	CHECK_STR(m.from, "mailer-daemon@mx.example");
	mime_release(&m);
	parse("Return-Path: <a@b.example>\nFrom: a@b.example\n\nx\n", &m);
	CHECK_STR(m.return_path, "a@b.example");
	mime_release(&m);
}

static void undecodable_header_text_stays_valid_utf8(void)
{
	struct strbuf out = STRBUF_INIT;

	mime_decode_header("Re\xe7u \xff", &out); /* raw Latin-1 bytes */
	CHECK(valid_utf8(out.buf));
	CHECK_CONTAINS(out.buf, "\xef\xbf\xbd");
	sb_reset(&out);
	mime_decode_header("=?utf-8?B?###?= =?x-unknown?Q?=FF?= =?utf-8?q?=C3?=", &out);
	CHECK(valid_utf8(out.buf));
	sb_reset(&out);
	mime_decode_header("plain ascii", &out);
	CHECK_STR(out.buf, "plain ascii");
	sb_release(&out);
}

/* ---- body text ---- */

static void body_charsets_are_converted_to_utf8(void)
{
	static const struct {
		const char *charset, *bytes, *want;
	} t[] = {
	    {"UTF-8", "\xd0\x9f\xd0\xbe\xd0\xbb\xd1\x83\xd1\x87\xd0\xb5\xd0\xbd\xd0\xbe",
	     "Получено"},
	    {"ISO-8859-1", "Re\xe7u", "Reçu"},
	    /* each byte is its code point: the C1 controls stay, as iconv gives them */
	    {"iso-8859-1", "\x80\x9f\xa0\xbf\xc0\xff", "\xc2\x80\xc2\x9f\xc2\xa0\xc2\xbf\xc3\x80\xc3\xbf"},
	    {"windows-1252", "R\xe9ponse \x96 re\xe7u", "Réponse – reçu"},
	    {"windows-1251", "\xce\xf2\xe2\xe5\xf2: \xcf\xee\xeb\xf3\xf7\xe5\xed\xee",
	     "Ответ: Получено"},
	    {"KOI8-R", "\xf0\xcf\xcc\xd5\xde\xc5\xce\xcf", "Получено"},
	    {"GB2312", "\xbb\xd8\xb8\xb4: \xca\xd5\xb5\xbd", "回复: 收到"},
	    {"GBK", "\xca\xd5\xb5\xbd\xa3\xac\xd0\xbb\xd0\xbb", "收到，谢谢"},
	    {"Big5", "\xa6^\xc2\xd0: \xa4w\xa6\xac\xa8\xec", "回覆: 已收到"},
	    {"Shift_JIS", "\x8e\xf3\x90M\x82\xb5\x82\xdc\x82\xb5\x82\xbd", "受信しました"},
	    {"ISO-2022-JP", "\x1b$B<uNN$7$^$7$?\x1b(B", "受領しました"},
	    {"windows-1256", "\xd1\xcf: \xca\xe3 \xc7\xe1\xc7\xd3\xca\xe1\xc7\xe3",
	     "رد: تم الاستلام"},
	    {"EUC-KR", "\xc0\xdf \xb9\xde\xbe\xd2\xbd\xc0\xb4\xcf\xb4\xd9", "잘 받았습니다"},
	    /* labelled GB2312, written in GBK (a character GB2312 lacks) */
	    {"gb2312", "\xd6\xec\xe9\x46\xbb\xf9", "朱镕基"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct strbuf raw = STRBUF_INIT;
		struct mime_msg m;
		sb_addf(&raw,
			"From: a@b.example\nContent-Type: text/plain; charset=\"%s\"\n"
			"Content-Transfer-Encoding: 8bit\n\n%s\n",
			t[i].charset, t[i].bytes);
		parse(raw.buf, &m);
		if (!strstr(m.text.buf, t[i].want)) {
			printf("#   %s: text is \"%s\", expected \"%s\"\n", t[i].charset,
			       m.text.buf, t[i].want);
			test_failed_now = 1;
		}
		CHECK(valid_utf8(m.text.buf));
		if (strcasecmp(t[i].charset, "utf-8") != 0 && !strstr(m.charsets.buf, "gb") &&
		    strcasestr(m.charsets.buf, t[i].charset) == NULL) {
			printf("#   %s: charsets is \"%s\"\n", t[i].charset, m.charsets.buf);
			test_failed_now = 1;
		}
		mime_release(&m);
		sb_release(&raw);
	}
}

static void transfer_encodings_are_undone(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nContent-Type: text/plain; charset=utf-8\n"
	      "Content-Transfer-Encoding: quoted-printable\n\nBien re=C3=A7u, une ligne "
	      "=\ncoup=C3=A9e.\n",
	      &m);
	CHECK_CONTAINS(m.text.buf, "Bien reçu, une ligne coupée.");
	mime_release(&m);
	parse("From: a@b.example\nContent-Type: text/plain; charset=utf-8\n"
	      "Content-Transfer-Encoding: base64\n\n0J/QvtC70YPRh9C10L3Qvgo=\n",
	      &m);
	CHECK_CONTAINS(m.text.buf, "Получено");
	mime_release(&m);
	parse("From: a@b.example\nContent-Type: text/plain; charset=windows-1251\n"
	      "Content-Transfer-Encoding: BASE64\n\nz+7r8/fl7e4=\n",
	      &m);
	CHECK_CONTAINS(m.text.buf, "Получено");
	mime_release(&m);
}

/* The single-byte charsets converted by the tables made at build time give
 * what iconv gives: each charset is named once as the tables know it and
 * once by an alias only iconv knows, in a body and in an encoded word,
 * with every byte from 0x20 to 0xff; undefined bytes included. */
static void single_byte_tables_agree_with_iconv(void)
{
	static const char *const pairs[][2] = {
		{ "iso-8859-2", "ISO-IR-101" }, { "ISO-8859-5", "ISO-IR-144" },
		{ "iso-8859-15", "ISO-IR-203" }, { "windows-1251", "MS-CYRL" },
		{ "cp1252", "MS-ANSI" }, { "Windows-1256", "MS-ARAB" }, { "koi8-r", "CSKOI8R" },
	};
	char bytes[224 + 1];

	for (int i = 0; i < 224; i++)
		bytes[i] = (char)(0x20 + i);
	bytes[224] = '\0';
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct mime_msg m[2];
		struct strbuf word[2] = { STRBUF_INIT, STRBUF_INIT };
		for (int k = 0; k < 2; k++) {
			struct strbuf raw = STRBUF_INIT, hdr = STRBUF_INIT;
			sb_addf(&hdr, "=?%s?Q?", pairs[i][k]);
			for (int b = 0x80; b < 0x100; b++)
				sb_addf(&hdr, "=%02X", b);
			sb_addstr(&hdr, "?=");
			mime_decode_header(hdr.buf, &word[k]);
			sb_addf(&raw, "From: a@b.example\nContent-Type: text/plain; charset=\"%s\"\n\n%s\n",
				pairs[i][k], bytes);
			parse(raw.buf, &m[k]);
			sb_release(&raw);
			sb_release(&hdr);
		}
		CHECK(m[0].text.len > 224);
		CHECK_STR(m[0].text.buf, m[1].text.buf);
		CHECK(word[0].len > 128);
		CHECK_STR(word[0].buf, word[1].buf);
		for (int k = 0; k < 2; k++) {
			mime_release(&m[k]);
			sb_release(&word[k]);
		}
	}
}

/* The same for the double-byte charsets' tables (and ISO-2022-JP read
 * through EUC-JP's): several thousand characters, each made by iconv, give
 * the text they were made from by either name; text the tables cannot
 * read (8-bit bytes in ISO-2022-JP, a Shift_JIS byte without its pair)
 * comes out as iconv gives it. */
static void double_byte_tables_agree_with_iconv(void)
{
	static const char *const pairs[][2] = {
		{ "GB18030", "CP936" }, { "gb2312", "CP936" }, { "Big5", "CN-BIG5" },
		{ "Shift_JIS", "MS_KANJI" }, { "EUC-KR", "CSEUCKR" }, { "EUC-JP", "UJIS" },
		{ "ISO-2022-JP", "CSISO2022JP" },
	};
	static const char *const odd[] = {
		"\x1b$B0!\n0!\x1b(B ok \x1b(J\\~\x1b(B \\~", "abc \xa4\xa2 \x1b$B0!\x1b(B", "ok \x82",
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		iconv_t cd = iconv_open(pairs[i][1], "UTF-8");
		struct strbuf enc = STRBUF_INIT, want = STRBUF_INIT;
		struct mime_msg m;

		CHECK(cd != (iconv_t)-1);
		if (cd == (iconv_t)-1)
			continue;
		for (unsigned c = 0x3041; c < 0xd7a4; c += c < 0x3100 ? 1 : c < 0xac00 ? 7 : 13) {
			char u[4] = { (char)(0xe0 | c >> 12), (char)(0x80 | (c >> 6 & 0x3f)),
				      (char)(0x80 | (c & 0x3f)), 0 };
			char o[16], *ip = u, *op = o;
			size_t il = 3, ol = sizeof(o);
			iconv(cd, NULL, NULL, NULL, NULL);
			if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
			    iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1)
				continue;
			sb_add(&enc, o, sizeof(o) - ol);
			sb_add(&want, u, 3);
			if (want.len % 120 == 0) {
				sb_addstr(&enc, "\nreply 42\n");
				sb_addstr(&want, "\nreply 42\n");
			}
		}
		iconv_close(cd);
		CHECK(want.len > 3000);
		for (int k = 0; k < 2; k++) {
			struct strbuf raw = STRBUF_INIT;
			sb_addf(&raw, "From: a@b.example\nContent-Type: text/plain; charset=\"%s\"\n\n",
				pairs[i][k]);
			sb_add(&raw, enc.buf, enc.len);
			parse(raw.buf, &m);
			CHECK_STR(m.text.buf, want.buf);
			mime_release(&m);
			sb_release(&raw);
		}
		for (size_t j = 0; j < sizeof(odd) / sizeof(odd[0]); j++) {
			struct mime_msg two[2];
			for (int k = 0; k < 2; k++) {
				struct strbuf raw = STRBUF_INIT;
				sb_addf(&raw, "From: a@b.example\nContent-Type: text/plain; charset=\"%s\"\n\n%s",
					pairs[i][k], odd[j]);
				parse(raw.buf, &two[k]);
				sb_release(&raw);
			}
			CHECK_STR(two[0].text.buf, two[1].text.buf);
			mime_release(&two[0]);
			mime_release(&two[1]);
		}
		sb_release(&enc);
		sb_release(&want);
	}
}

static void unknown_charset_still_gives_valid_utf8(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nContent-Type: text/plain; charset=x-no-such-charset\n\nRe\xe7u "
	      "\xff\xfe ok\n",
	      &m);
	CHECK(valid_utf8(m.text.buf));
	CHECK_CONTAINS(m.text.buf, "ok");
	mime_release(&m);
}

static void invalid_utf8_becomes_replacement_characters(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nSubject: bad \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80\n"
	      "Content-Type: text/plain; charset=utf-8\n\n\xc0\xaf overlong, \xe0\x80\x80 too\n",
	      &m);
	CHECK(all_utf8(&m));
	CHECK_CONTAINS(m.text.buf, "\xef\xbf\xbd");
	CHECK_CONTAINS(m.subject, "\xef\xbf\xbd");
	mime_release(&m);
}

/* Every byte that is not printable ASCII, at each place of a run of
 * printable text (which is passed over eight bytes at a time): TAB and LF
 * are kept, other controls and DEL dropped, a lone 8-bit byte is U+FFFD. */
static void every_odd_byte_in_printable_runs(void)
{
	int bad = 0;

	for (unsigned b = 0; b < 256; b++) {
		if ((b >= 0x20 && b < 0x7f) || b == '\r')
			continue; /* printable; a bare CR is a line end */
		for (size_t pos = 0; pos < 17; pos++) {
			struct strbuf raw = STRBUF_INIT, want = STRBUF_INIT;
			struct mime_msg m;
			sb_addstr(&raw, "From: a@b.example\nContent-Type: text/plain; charset=utf-8\n\n");
			for (size_t i = 0; i < 24; i++) {
				char c = i == pos ? (char)b : (char)('a' + i);
				sb_addch(&raw, c);
				if (i != pos)
					sb_addch(&want, c);
				else if (b == '\t' || b == '\n')
					sb_addch(&want, c);
				else if (b >= 0x80)
					sb_addstr(&want, "\xef\xbf\xbd");
			}
			mime_parse(raw.buf, raw.len, &m);
			if (strcmp(m.text.buf, want.buf) != 0) {
				if (!bad++)
					printf("#   byte 0x%02x at %zu: \"%s\", expected \"%s\"\n", b, pos,
					       m.text.buf, want.buf);
			}
			mime_release(&m);
			sb_release(&raw);
			sb_release(&want);
		}
	}
	CHECK(bad == 0);
}

static void control_characters_are_dropped_from_the_text(void)
{
	static const char raw[] = "From: a@b.example\n\nRe\0ce\x01ived\x7f\tok\x1b\n";
	struct mime_msg m;

	mime_parse(raw, sizeof(raw) - 1, &m);
	CHECK_STR(m.text.buf, "Received\tok\n");
	mime_release(&m);
}

static void html_is_stripped_when_there_is_no_plain_text(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nContent-Type: text/html; charset=windows-1252\n"
	      "Content-Transfer-Encoding: quoted-printable\n\n"
	      "<html><head><style>p.MsoNormal {font-family: Calibri}</style>\n"
	      "<script>var x = 1;</script></head><body><p class=3D\"MsoNormal\">Bien "
	      "re=E7u&nbsp;!</p>"
	      "<p>A&amp;B &lt;tag&gt; &quot;q&quot;<br>next line</p></body></html>\n",
	      &m);
	CHECK_CONTAINS(m.text.buf, "Bien reçu !");
	CHECK_CONTAINS(m.text.buf, "A&B <tag> \"q\"\nnext line");
	CHECK(strstr(m.text.buf, "MsoNormal") == NULL);
	CHECK(strstr(m.text.buf, "var x") == NULL);
	CHECK(strstr(m.text.buf, "<p") == NULL);
	mime_release(&m);
}

static void html_is_left_out_when_there_is_plain_text(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nContent-Type: multipart/alternative; boundary=\"b\"\n\n"
	      "--b\nContent-Type: text/plain; charset=utf-8\n\nplain words\n"
	      "--b\nContent-Type: text/html; charset=utf-8\n\n<p>html words</p>\n--b--\n",
	      &m);
	CHECK_CONTAINS(m.text.buf, "plain words");
	CHECK(strstr(m.text.buf, "html words") == NULL);
	mime_release(&m);
}

static void attachments_are_not_text(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
	      "--b\nContent-Type: text/plain\n\nReceived.\n"
	      "--b\nContent-Type: application/pdf\nContent-Transfer-Encoding: "
	      "base64\n\nJVBERi0xLjcK\n--b--\n",
	      &m);
	CHECK_CONTAINS(m.text.buf, "Received.");
	CHECK(strstr(m.text.buf, "PDF") == NULL);
	mime_release(&m);
}

static void line_ends_lf_crlf_and_bare_cr_parse_alike(void)
{
	static const char *const raws[] = {
	    "From: a@b.example\nSubject: s\nContent-Type: text/plain\n\nline one\nline two\n",
	    "From: a@b.example\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\nline one\r\nline "
	    "two\r\n",
	    "From: a@b.example\rSubject: s\rContent-Type: text/plain\r\rline one\rline two\r",
	};

	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		struct mime_msg m;
		parse(raws[i], &m);
		CHECK_STR(m.subject, "s");
		CHECK_STR(m.from, "a@b.example");
		CHECK_CONTAINS(m.text.buf, "line one\nline two");
		mime_release(&m);
	}
}

/* Every line end is one line break, whatever mix a message has: CR CR LF is
 * two, LF CR is two, and a CR or LF at the very end is one. */
static void mixed_line_ends_are_one_break_each(void)
{
	static const struct {
		const char *body, *want;
	} t[] = {
	    {"a\r\nb\nc\rd", "a\nb\nc\nd"},
	    {"a\r\r\nb", "a\n\nb"},
	    {"a\n\rb", "a\n\nb"},
	    {"a\rb\rc\r", "a\nb\nc\n"},
	    {"a\n", "a\n"},
	    {"\r\r\ra", "\n\n\na"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct strbuf raw = STRBUF_INIT;
		struct mime_msg m;
		sb_addf(&raw, "From: a@b.example\nSubject: s\n\n%s", t[i].body);
		parse(raw.buf, &m);
		CHECK_STR(m.text.buf, t[i].want);
		mime_release(&m);
		sb_release(&raw);
	}
}

/* The MIME structure is the same whatever the other fields of the header:
 * plain ones (only the MIME fields go to libetpan) or odd ones (a space
 * before the colon, 8-bit names: the whole header goes). */
static void mime_structure_does_not_depend_on_the_other_header_fields(void)
{
	static const char *const others[] = {
	    "Received: from mx.example (mx.example [192.0.2.1])\n\tby mx2.example; Mon, 16 Nov 2026\n"
	    "DKIM-Signature: v=1; a=rsa-sha256; d=example;\n b=abc=\n",
	    "X-Odd : spaced\n",
	    "X-\xe9t\xe9: eight-bit name\n",
	    "",
	};

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		struct strbuf raw = STRBUF_INIT;
		struct mime_msg m;
		sb_addf(&raw,
			"From: a@b.example\n%sSubject: s\nMIME-Version: 1.0\nContent-Type: multipart/report;\n"
			" report-type=delivery-status;\n boundary=\"b1\"\n\n"
			"--b1\nContent-Type: text/plain; charset=iso-8859-1\n"
			"Content-Transfer-Encoding: quoted-printable\n\nNon d=E9livr=E9\n"
			"--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
			"Action: failed\nStatus: 5.1.1\n\n"
			"--b1\nContent-Type: message/rfc822\n\nMessage-ID: <ping@pocgate.test>\n"
			"Subject: ping\n\nhello\n--b1--\n",
			others[i]);
		parse(raw.buf, &m);
		CHECK(!m.malformed);
		CHECK_STR(m.text.buf, "Non délivré");
		CHECK_STR(m.report_type, "delivery-status");
		CHECK_STR(m.dsn.status, "5.1.1");
		CHECK_STR(m.original_message_id, "<ping@pocgate.test>");
		mime_release(&m);
		sb_release(&raw);
	}
}

static void mbox_from_line_is_skipped(void)
{
	struct mime_msg m;

	parse("From someone Mon Nov 16 10:00:00 2026\nFrom: a@b.example\nSubject: s\n\nbody\n", &m);
	CHECK_STR(m.from, "a@b.example");
	CHECK_STR(m.subject, "s");
	CHECK(!m.malformed);
	mime_release(&m);
}

/* ---- delivery reports and returned messages ---- */

#define DSN_HEAD                                                                                   \
	"From: MAILER-DAEMON@mx.example (Mail Delivery System)\nReturn-Path: <>\n"                 \
	"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"                        \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"

static void dsn_fields_are_read_from_the_delivery_status_part(void)
{
	struct mime_msg m;

	parse(DSN_HEAD
	      "--R\nContent-Type: text/plain\n\nThe mail system\n"
	      "--R\nContent-Type: message/delivery-status\n\n"
	      "Reporting-MTA: dns; mx.example\nArrival-Date: Mon, 16 Nov 2026 09:00:00 +0000\n\n"
	      "Final-Recipient: rfc822; x@y.example\nAction: FAILED\nStatus: 5.1.1\n"
	      "Diagnostic-Code: smtp; 550 5.1.1 <x@y.example>:\n Recipient address rejected\n"
	      "--R--\n",
	      &m);
	CHECK(m.has_dsn);
	CHECK_STR(m.report_type, "delivery-status");
	CHECK_STR(m.content_type, "multipart/report");
	CHECK_STR(m.dsn.reporting_mta, "dns; mx.example");
	CHECK_STR(m.dsn.final_recipient, "rfc822; x@y.example");
	CHECK_STR(m.dsn.action, "failed");
	CHECK_STR(m.dsn.status, "5.1.1");
	CHECK_STR(m.dsn.diagnostic, "smtp; 550 5.1.1 <x@y.example>: Recipient address rejected");
	CHECK_CONTAINS(m.text.buf, "The mail system");
	CHECK_STR(m.return_path, "");
	mime_release(&m);
}

static void first_recipient_block_of_a_dsn_decides(void)
{
	struct mime_msg m;

	parse(DSN_HEAD
	      "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
	      "Original-Recipient: rfc822; first@y.example\nAction: delayed\nStatus: 4.4.1\n\n"
	      "Final-Recipient: rfc822; second@y.example\nAction: failed\nStatus: 5.1.1\n--R--\n",
	      &m);
	CHECK_STR(m.dsn.final_recipient, "rfc822; first@y.example");
	CHECK_STR(m.dsn.action, "delayed");
	CHECK_STR(m.dsn.status, "4.4.1");
	mime_release(&m);
}

static void returned_message_id_from_text_rfc822_headers(void)
{
	struct mime_msg m;

	parse(DSN_HEAD
	      "--R\nContent-Type: text/plain\n\nx\n"
	      "--R\nContent-Type: text/rfc822-headers\n\n"
	      "From: poc-directory@pocgate.test\nMessage-ID: "
	      "<POC-2026H2-FRA-0042.0011223344556677@pocgate.test>\n"
	      "X-Pocgate-Reference: POC-2026H2-FRA-0042\nSubject: POC directory ping test\n--R--\n",
	      &m);
	CHECK_STR(m.original_message_id, "<POC-2026H2-FRA-0042.0011223344556677@pocgate.test>");
	CHECK_STR(m.original_reference, "POC-2026H2-FRA-0042");
	CHECK(m.message_id == NULL); /* the report's own has none */
	mime_release(&m);
}

static void returned_message_id_from_message_rfc822(void)
{
	struct mime_msg m;

	parse(DSN_HEAD
	      "--R\nContent-Type: text/plain\n\nThe mail system\n"
	      "--R\nContent-Description: Undelivered Message\nContent-Type: message/rfc822\n\n"
	      "From: poc-directory@pocgate.test\nMessage-ID: "
	      "<POC-2026H2-FRA-0042.0011223344556677@pocgate.test>\n"
	      "X-Pocgate-Reference: POC-2026H2-FRA-0042\nSubject: POC directory ping test\n"
	      "Content-Type: text/plain\n\nAn automatic reply does not count as a reply.\n--R--\n",
	      &m);
	CHECK_STR(m.original_message_id, "<POC-2026H2-FRA-0042.0011223344556677@pocgate.test>");
	CHECK_STR(m.original_reference, "POC-2026H2-FRA-0042");
	/* the returned message's text is not the report's */
	CHECK(strstr(m.text.buf, "automatic reply") == NULL);
	CHECK_CONTAINS(m.text.buf, "The mail system");
	mime_release(&m);
}

/* ---- signatures ---- */

#define SIGNED_PART                                                                                \
	"Content-Type: text/plain; charset=utf-8\r\n"                                              \
	"Content-Transfer-Encoding: quoted-printable\r\n"                                          \
	"\r\n"                                                                                     \
	"Re=C3=A7u.  \r\n"                                                                         \
	"-- \r\n"                                                                                  \
	"Marie"
#define SIGNATURE                                                                                  \
	"-----BEGIN PGP SIGNATURE-----\r\n\r\niHUEARYKAB0WIQTestTestTest\r\n=abcd\r\n"             \
	"-----END PGP SIGNATURE-----\r\n"

static void pgp_mime_signed_part_bytes_are_kept_exactly(void)
{
	/* RFC 3156: the signed data is the first part from after its boundary
	 * line's CRLF up to, not including, the CRLF before the next boundary;
	 * trailing white space and the quoted-printable stay as sent */
	static const char raw[] =
	    "From: Marie Dubois <marie.dubois@cert.fra.example>\r\nSubject: Re: ping\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: multipart/signed; micalg=pgp-sha256;\r\n"
	    " protocol=\"application/pgp-signature\"; boundary=\"S\"\r\n\r\n"
	    "This is an OpenPGP/MIME signed message\r\n--S\r\n" SIGNED_PART "\r\n--S\r\n"
	    "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n" SIGNATURE
	    "\r\n--S--\r\n";
	struct mime_msg m;

	mime_parse(raw, sizeof(raw) - 1, &m);
	CHECK(m.pgp_signed);
	CHECK(m.signed_data.len == strlen(SIGNED_PART));
	CHECK_STR(m.signed_data.buf, SIGNED_PART);
	CHECK_CONTAINS(m.signature.buf, "-----BEGIN PGP SIGNATURE-----");
	CHECK_CONTAINS(m.signature.buf, "-----END PGP SIGNATURE-----");
	CHECK_CONTAINS(m.text.buf, "Reçu.");
	mime_release(&m);
}

static void pgp_mime_signed_part_survives_lf_line_ends(void)
{
	/* stored with LF: the signed bytes are given back with CRLF, as signed */
	static const char raw[] =
	    "From: a@b.example\nContent-Type: multipart/signed; micalg=pgp-sha256;\n"
	    " protocol=\"application/pgp-signature\"; boundary=\"S\"\n\n--S\n"
	    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
	    "quoted-printable\n\n"
	    "Re=C3=A7u.  \n-- \nMarie\n--S\nContent-Type: "
	    "application/pgp-signature\n\nSIG\n--S--\n";
	struct mime_msg m;

	mime_parse(raw, sizeof(raw) - 1, &m);
	CHECK(m.pgp_signed);
	CHECK_STR(m.signed_data.buf, SIGNED_PART);
	mime_release(&m);
}

static void signature_of_an_enclosed_message_is_not_this_ones(void)
{
	/* a forward with the signed ping attached: the forward is not signed */
	static const char raw[] =
	    "From: Thomas <t@diplo.deu.example>\nSubject: WG: ping\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"F\"\n\n--F\nContent-Type: "
	    "text/plain\n\nplease reply\n"
	    "--F\nContent-Type: message/rfc822\n\nFrom: poc-directory@pocgate.test\n"
	    "Message-ID: <POC-2026H2-DEU-0011.0011223344556677@pocgate.test>\n"
	    "Content-Type: multipart/signed; micalg=pgp-sha256; "
	    "protocol=\"application/pgp-signature\";"
	    " boundary=\"S\"\n\n--S\nContent-Type: text/plain\n\nping text\n--S\n"
	    "Content-Type: application/pgp-signature\n\nSIG\n--S--\n--F--\n";
	struct mime_msg m;

	mime_parse(raw, sizeof(raw) - 1, &m);
	CHECK(!m.pgp_signed);
	CHECK(m.signed_data.len == 0);
	CHECK_CONTAINS(m.text.buf, "please reply");
	CHECK(strstr(m.text.buf, "ping text") == NULL);
	mime_release(&m);
}

static void inline_pgp_signature_is_noticed(void)
{
	struct mime_msg m;

	parse("From: a@b.example\n\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nReceived.\n"
	      "-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n",
	      &m);
	CHECK(m.inline_signed);
	CHECK(!m.pgp_signed);
	mime_release(&m);
}

/* ---- limits and hostile input ---- */

static void nesting_beyond_the_depth_limit_is_malformed(void)
{
	struct strbuf raw = STRBUF_INIT;
	struct mime_msg m;

	sb_addstr(&raw, "From: a@b.example\nMIME-Version: 1.0\n");
	for (int i = 0; i < 50; i++)
		sb_addf(&raw, "Content-Type: multipart/mixed; boundary=\"n%d\"\n\n--n%d\n", i, i);
	sb_addstr(&raw, "Content-Type: text/plain\n\nbottom\n");
	for (int i = 49; i >= 0; i--)
		sb_addf(&raw, "--n%d--\n", i);
	parse(raw.buf, &m);
	CHECK(m.malformed);
	CHECK_CONTAINS(m.malformed_reason, "nested");
	CHECK(m.parts <= MIME_MAX_DEPTH + 2);
	mime_release(&m);
	sb_release(&raw);
}

static void too_many_parts_is_malformed(void)
{
	struct strbuf raw = STRBUF_INIT;
	struct mime_msg m;

	sb_addstr(&raw, "From: a@b.example\nContent-Type: multipart/mixed; boundary=\"p\"\n\n");
	for (int i = 0; i < MIME_MAX_PARTS + 10; i++)
		sb_addf(&raw, "--p\nContent-Type: text/plain\n\n%d\n", i);
	sb_addstr(&raw, "--p--\n");
	parse(raw.buf, &m);
	CHECK(m.malformed);
	CHECK_CONTAINS(m.malformed_reason, "parts");
	CHECK(strstr(m.text.buf, "519") == NULL); /* parts past the limit are not read */
	mime_release(&m);
	sb_release(&raw);
}

static void text_is_bounded_in_utf8_bytes_whatever_the_charset(void)
{
	/* three parts of MIME_MAX_TEXT bytes each, in charsets whose UTF-8 is
	 * as long as, twice and one and a half times the original */
	static const struct {
		const char *charset, *unit;
	} t[] = {
	    {"utf-8", "Получено\n"},
	    {"windows-1251", "\xcf\xee\xeb\xf3\xf7\xe5\xed\xee\n"},
	    {"gbk", "\xca\xd5\xb5\xbd\n"},
	};

	for (size_t c = 0; c < sizeof(t) / sizeof(t[0]); c++) {
		struct strbuf raw = STRBUF_INIT;
		struct mime_msg m;
		sb_addstr(&raw,
			  "From: a@b.example\nContent-Type: multipart/mixed; boundary=\"p\"\n\n");
		for (int k = 0; k < 3; k++) {
			sb_addf(&raw, "--p\nContent-Type: text/plain; charset=%s\n\n",
				t[c].charset);
			while (raw.len < (size_t)(k + 1) * MIME_MAX_TEXT)
				sb_addstr(&raw, t[c].unit);
		}
		sb_addstr(&raw, "--p--\n");
		parse(raw.buf, &m);
		if (m.text.len > MIME_MAX_TEXT + 4 || m.text.len < MIME_MAX_TEXT / 2) {
			printf("#   %s: %zu bytes of text kept, the limit is %d\n", t[c].charset,
			       m.text.len, MIME_MAX_TEXT);
			test_failed_now = 1;
		}
		CHECK(all_utf8(&m));
		mime_release(&m);
		sb_release(&raw);
	}
}

static void empty_and_headerless_input_are_malformed(void)
{
	struct mime_msg m;

	mime_parse("", 0, &m);
	CHECK(m.malformed);
	CHECK_STR(m.malformed_reason, "empty message");
	mime_release(&m);
	parse("just some words\nand more\n", &m);
	CHECK(m.malformed);
	CHECK_STR(m.malformed_reason, "no header fields");
	CHECK_CONTAINS(m.text.buf, "just some words");
	mime_release(&m);
}

/* A fixed-seed generator: the same bytes on every run and machine. */
static unsigned long rnd_state = 20261116;
static unsigned rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)(rnd_state >> 33);
}

/* A delimiter is "--boundary" alone on its line (transport padding allowed)
 * or followed by "--": a longer boundary that begins with it, or the same
 * text inside a line, does not cut the part (RFC 2046 5.1.1). Without its
 * close delimiter, the last part runs to the end. */
static void multipart_parts_are_cut_at_delimiter_lines(void)
{
	static const struct {
		const char *body, *want;
	} t[] = {
	    {"preamble --b\n--b \t\nContent-Type: multipart/alternative; boundary=\"b-inner\"\n\n"
	     "--b-inner\nContent-Type: text/plain\n\none --b two\n--b-inner--\n"
	     "--b\nContent-Type: text/plain\n\nthree\n--b--\nepilogue\n",
	     "one --b two\nthree"},
	    {"--b\nContent-Type: text/plain\n\nfirst\n--b\nContent-Type: text/plain\n\nlast words\n",
	     "first\nlast words"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct strbuf raw = STRBUF_INIT;
		struct mime_msg m;
		sb_addf(&raw, "From: a@b.example\nSubject: s\nMIME-Version: 1.0\n"
			      "Content-Type: multipart/mixed; boundary=\"b\"\n\n%s", t[i].body);
		parse(raw.buf, &m);
		CHECK(!m.malformed);
		CHECK_STR(m.text.buf, t[i].want);
		mime_release(&m);
		sb_release(&raw);
	}
}

/* Enclosed messages give the returned Message-ID and reference, and their
 * text is not this message's: a part of a multipart/digest without
 * Content-Type is a message (RFC 2046 5.1.5); a message/rfc822 part sent
 * in base64 is decoded before its header is read. */
static void enclosed_messages_in_digests_and_in_base64(void)
{
	static const struct {
		const char *raw, *id, *ref, *text;
	} t[] = {
	    {"From: a@b.example\nSubject: s\nMIME-Version: 1.0\n"
	     "Content-Type: multipart/digest; boundary=\"d\"\n\n"
	     "--d\n\nMessage-ID: <in-digest@pocgate.test>\nSubject: ping\n\nquoted ping\n--d--\n",
	     "<in-digest@pocgate.test>", NULL, ""},
	    /* "Message-ID: <b64@pocgate.test>\r\nX-Pocgate-Reference: POC-2026H2-FRA-0001\r\n\r\nhi\r\n" */
	    {"From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail\nMIME-Version: 1.0\n"
	     "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n"
	     "--r\nContent-Type: text/plain\n\nno such user\n"
	     "--r\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
	     "TWVzc2FnZS1JRDogPGI2NEBwb2NnYXRlLnRlc3Q+DQpYLVBvY2dhdGUtUmVmZXJlbmNlOiBQT0Mt\n"
	     "MjAyNkgyLUZSQS0wMDAxDQoNCmhpDQo=\n--r--\n",
	     "<b64@pocgate.test>", "POC-2026H2-FRA-0001", "no such user"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mime_msg m;
		parse(t[i].raw, &m);
		CHECK(!m.malformed);
		CHECK_STR(m.original_message_id, t[i].id);
		if (t[i].ref)
			CHECK_STR(m.original_reference, t[i].ref);
		CHECK_STR(m.text.buf, t[i].text);
		mime_release(&m);
	}
}

/* A multipart without a boundary parameter has no parts to read, and a
 * charset parameter that is not a charset's name is not listed. */
static void multipart_without_boundary_and_odd_charsets(void)
{
	struct mime_msg m;

	parse("From: a@b.example\nSubject: s\nMIME-Version: 1.0\nContent-Type: multipart/mixed\n\n"
	      "--x\nContent-Type: text/plain\n\nnot read\n--x--\n",
	      &m);
	CHECK(!m.malformed);
	CHECK_STR(m.text.buf, "");
	mime_release(&m);
	parse("From: a@b.example\nSubject: s\nMIME-Version: 1.0\n"
	      "Content-Type: text/plain; charset=\"utf 8\xe9\"\n\nhello\n",
	      &m);
	CHECK_STR(m.text.buf, "hello\n");
	CHECK_STR(m.charsets.buf, "");
	mime_release(&m);
}

/* A quoted-printable body that ends in the middle of an escape ("=C"),
 * at the very end of a buffer with nothing after it: libetpan's decoder
 * read one byte past it (found by fuzzing; ASan sees it here). */
static void quoted_printable_cut_at_the_end_of_the_buffer(void)
{
	static const char raw[] = "From: a@b.example\nContent-Transfer-Encoding: quoted-printable\n"
				  "Content-Type: text/plain; charset=utf-8\n\nEstoy fuera =\nde la ofic=C";
	char *buf = malloc(sizeof(raw) - 1); /* exactly the message: no NUL after it */
	struct mime_msg m;

	memcpy(buf, raw, sizeof(raw) - 1);
	mime_parse(buf, sizeof(raw) - 1, &m);
	CHECK(!m.malformed);
	CHECK(strncmp(m.text.buf, "Estoy fuera de la ofic", 22) == 0);
	mime_release(&m);
	free(buf);
}

static const char SAMPLE[] =
    "Return-Path: <>\r\nFrom: =?utf-8?q?Mail_Delivery?= <mailer-daemon@mx.example>\r\n"
    "Subject: =?windows-1251?B?zvLi5fI6IM/u6/P35e3u?=\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\r\n\r\n"
    "--R\r\nContent-Type: multipart/alternative; boundary=\"A\"\r\n\r\n"
    "--A\r\nContent-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: "
    "quoted-printable\r\n\r\n"
    "=F0=CF=CC=D5=DE=C5=CE=CF =\r\nsoft break\r\n"
    "--A\r\nContent-Type: text/html; charset=big5\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    "PGI+pl7C0DwvYj4=\r\n--A--\r\n"
    "--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
    "Final-Recipient: rfc822; x@y\r\nAction: failed\r\nStatus: 5.1.1\r\n"
    "--R\r\nContent-Type: message/rfc822\r\n\r\nFrom: p@q\r\nMessage-ID: <m@q>\r\n"
    "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"S\"\r\n\r\n"
    "--S\r\nContent-Type: text/plain\r\n\r\nsigned\r\n--S\r\nContent-Type: "
    "application/pgp-signature\r\n\r\n"
    "SIG\r\n--S--\r\n--R--\r\n";

static void never_crashes_and_always_gives_utf8(void)
{
	size_t n = sizeof(SAMPLE) - 1;
	char *buf = malloc(n + 4096);
	int bad = 0;

	/* every prefix of a message that uses most of the parser */
	for (size_t cut = 0; cut <= n; cut++) {
		struct mime_msg m;
		memcpy(buf, SAMPLE, cut);
		mime_parse(buf, cut, &m);
		bad += !all_utf8(&m);
		mime_release(&m);
	}
	/* the same with bytes changed, and pure noise */
	for (int round = 0; round < 3000; round++) {
		struct mime_msg m;
		size_t len = n;
		memcpy(buf, SAMPLE, n);
		if (round % 3 == 2) {
			len = rnd() % 4096;
			for (size_t i = 0; i < len; i++)
				buf[i] = rnd() % 4 ? (char)rnd() : "\r\n:-=?<>\"; "[rnd() % 11];
		} else {
			for (int k = 0; k < 1 + round % 16; k++)
				buf[rnd() % n] = (char)rnd();
		}
		mime_parse(buf, len, &m);
		bad += !all_utf8(&m);
		mime_release(&m);
	}
	CHECK(bad == 0);
	free(buf);
}

int main(void)
{
	RUN(rfc2047_subjects_are_decoded_to_utf8);
	RUN(encoded_words_keep_libetpans_conversion_rules);
	RUN(from_address_is_lower_cased_and_its_name_decoded);
	RUN(missing_from_is_read_without_a_sender);
	RUN(folded_header_fields_are_unfolded);
	RUN(automatic_reply_and_matching_fields_are_read);
	RUN(null_return_path_is_an_empty_string);
	RUN(undecodable_header_text_stays_valid_utf8);
	RUN(body_charsets_are_converted_to_utf8);
	RUN(transfer_encodings_are_undone);
	RUN(single_byte_tables_agree_with_iconv);
	RUN(double_byte_tables_agree_with_iconv);
	RUN(unknown_charset_still_gives_valid_utf8);
	RUN(invalid_utf8_becomes_replacement_characters);
	RUN(control_characters_are_dropped_from_the_text);
	RUN(every_odd_byte_in_printable_runs);
	RUN(html_is_stripped_when_there_is_no_plain_text);
	RUN(html_is_left_out_when_there_is_plain_text);
	RUN(attachments_are_not_text);
	RUN(line_ends_lf_crlf_and_bare_cr_parse_alike);
	RUN(mixed_line_ends_are_one_break_each);
	RUN(mime_structure_does_not_depend_on_the_other_header_fields);
	RUN(mbox_from_line_is_skipped);
	RUN(dsn_fields_are_read_from_the_delivery_status_part);
	RUN(first_recipient_block_of_a_dsn_decides);
	RUN(returned_message_id_from_text_rfc822_headers);
	RUN(returned_message_id_from_message_rfc822);
	RUN(pgp_mime_signed_part_bytes_are_kept_exactly);
	RUN(pgp_mime_signed_part_survives_lf_line_ends);
	RUN(signature_of_an_enclosed_message_is_not_this_ones);
	RUN(inline_pgp_signature_is_noticed);
	RUN(nesting_beyond_the_depth_limit_is_malformed);
	RUN(too_many_parts_is_malformed);
	RUN(text_is_bounded_in_utf8_bytes_whatever_the_charset);
	RUN(empty_and_headerless_input_are_malformed);
	RUN(multipart_parts_are_cut_at_delimiter_lines);
	RUN(enclosed_messages_in_digests_and_in_base64);
	RUN(multipart_without_boundary_and_odd_charsets);
	RUN(quoted_printable_cut_at_the_end_of_the_buffer);
	RUN(never_crashes_and_always_gives_utf8);
	TEST_EXIT();
}
