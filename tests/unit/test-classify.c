/*
 * test-classify.c - unit tests of classify.c: what an incoming message is
 *
 * Most tests build a struct mime_msg by hand (only the fields the case is
 * about), so each shows one rule; a few pass small whole messages through
 * mime_parse() where the text layout matters (quotes). Tables hold the
 * variants of one behaviour; a failing row prints its own line.
 */
#include <pocgate/classify.h>
#include <pocgate/mime.h>

#include "test.h"

/* The fields a case sets; everything else stays NULL/0. */
struct fields {
	const char *from, *from_name, *subject, *return_path;
	const char *auto_submitted, *precedence, *x_autoreply, *x_auto_response_suppress;
	const char *x_failed_recipients, *content_type, *report_type;
	const char *text;
	int has_dsn;
	const char *action, *status, *diagnostic;
	const char *malformed_reason;
};

/* Classifies a hand-built message; the strings are borrowed (classify()
 * only reads), the text is copied into the strbuf. */
static void classify_fields(const struct fields *f, struct classification *c)
{
	struct mime_msg m;

	memset(&m, 0, sizeof(m));
	sb_init(&m.text, 0);
	sb_init(&m.charsets, 0);
	sb_init(&m.signed_data, 0);
	sb_init(&m.signature, 0);
	m.from = (char *)f->from;
	m.from_name = (char *)f->from_name;
	m.subject = (char *)f->subject;
	m.return_path = (char *)f->return_path;
	m.auto_submitted = (char *)f->auto_submitted;
	m.precedence = (char *)f->precedence;
	m.x_autoreply = (char *)f->x_autoreply;
	m.x_auto_response_suppress = (char *)f->x_auto_response_suppress;
	m.x_failed_recipients = (char *)f->x_failed_recipients;
	m.content_type = (char *)f->content_type;
	m.report_type = (char *)f->report_type;
	m.has_dsn = f->has_dsn;
	m.dsn.action = (char *)f->action;
	m.dsn.status = (char *)f->status;
	m.dsn.diagnostic = (char *)f->diagnostic;
	m.malformed = f->malformed_reason != NULL;
	m.malformed_reason = (char *)f->malformed_reason;
	if (f->text)
		sb_addstr(&m.text, f->text);
	classify(&m, c);
	sb_release(&m.text);
	sb_release(&m.charsets);
	sb_release(&m.signed_data);
	sb_release(&m.signature);
}

/* Parses a whole message and classifies it. */
static void classify_raw(const char *raw, struct classification *c)
{
	struct mime_msg m;

	mime_parse(raw, strlen(raw), &m);
	classify(&m, c);
	mime_release(&m);
}

static int expect_at(int line, const char *what, enum verdict want, struct classification *c)
{
	if (c->verdict == want)
		return 1;
	printf("#   %s:%d: ", __FILE__, line);
	for (const char *p = what; *p; p++) /* the case on one line */
		fputs(*p == '\n' ? "\\n" : (char[]){*p, 0}, stdout);
	printf(": got %s (rule '%s': %s), expected %s\n", verdict_name(c->verdict), c->rule,
	       c->reason.buf, verdict_name(want));
	test_failed_now = 1;
	return 0;
}

/* EXPECT(verdict, .field = value, ...): one hand-built case. */
#define EXPECT(want, ...)                                                                          \
	do {                                                                                       \
		struct classification c_;                                                          \
		classification_init(&c_);                                                          \
		classify_fields(&(struct fields){__VA_ARGS__}, &c_);                               \
		expect_at(__LINE__, #__VA_ARGS__, want, &c_);                                      \
		classification_release(&c_);                                                       \
	} while (0)

static const char PERSON[] = "marie.dubois@cert.fra.example";

/* The English ping as pocgate sends it (templates/ping.en.txt). */
#define PING_EN                                                                                    \
	"Dear Marie Dubois,\n\n"                                                                   \
	"This is the six-monthly communication check (\"ping test\") of the global,\n"             \
	"intergovernmental points of contact directory on ICT security,\n"                         \
	"established under United Nations General Assembly decision 78/541.\n\n"                   \
	"Please simply reply to this message, with any content and in any\n"                       \
	"language (for example \"Received\"), within 48 hours, that is by\n"                       \
	"2026-11-18 09:00 UTC.\n\n"                                                                \
	"No other action is needed: there is no form to fill in, no link to\n"                     \
	"follow and no attachment to open (a file named \"signature.asc\", if\n"                   \
	"shown, is only the electronic signature of this message). An automatic\n"                 \
	"reply, such as an out-of-office message, does not count as a reply.\n\n"                  \
	"State: France\nReference: POC-2026H2-FRA-0042\n\nThank you for your cooperation.\n\n"     \
	"UNODA, POC Directory Manager\n"

#define REPLY_HEAD                                                                                 \
	"From: Marie Dubois <marie.dubois@cert.fra.example>\n"                                     \
	"To: \"UNODA, POC Directory Manager\" <poc-directory@pocgate.test>\n"                      \
	"Subject: Re: POC directory ping test: please reply [POC-2026H2-FRA-0042]\n"               \
	"Message-ID: <r1@cert.fra.example>\n"                                                      \
	"In-Reply-To: <POC-2026H2-FRA-0042.0011223344556677@pocgate.test>\n"                       \
	"MIME-Version: 1.0\n"                                                                      \
	"Content-Type: text/plain; charset=utf-8\n"                                                \
	"Content-Transfer-Encoding: 8bit\n\n"

/* ---- malformed ---- */

static void empty_message_is_malformed(void)
{
	struct classification c;

	classification_init(&c);
	classify_raw("", &c);
	expect_at(__LINE__, "empty", VERDICT_MALFORMED, &c);
	CHECK_STR(c.rule, "malformed");
	CHECK_CONTAINS(c.reason.buf, "empty");
	classification_release(&c);
}

static void text_without_header_fields_is_malformed(void)
{
	struct classification c;

	classification_init(&c);
	classify_raw("Received, thank you\n\nno header above this\n", &c);
	expect_at(__LINE__, "no headers", VERDICT_MALFORMED, &c);
	CHECK_CONTAINS(c.reason.buf, "no header");
	classification_release(&c);
}

static void headerless_text_that_reads_as_an_auto_reply_is_an_auto_reply(void)
{
	EXPECT(VERDICT_AUTO_REPLY, .malformed_reason = "no header fields",
	       .text = "I am out of the office until 30 November.\n");
}

static void garbage_with_a_colon_on_its_first_line_is_malformed(void)
{
	static const char raw[] = "\x8f\x02:\x91\xfe\xc4"
				  "binary\n\xff\xfe\x01\x02\n\n\x9a\x9b\x9c";
	struct classification c;

	classification_init(&c);
	classify_raw(raw, &c);
	/* no From, no Date, no structure: nothing can be made of it */
	expect_at(__LINE__, "garbage", VERDICT_MALFORMED, &c);
	classification_release(&c);
}

static void message_nested_beyond_the_depth_limit_is_malformed(void)
{
	struct strbuf raw = STRBUF_INIT;
	struct classification c;

	sb_addstr(&raw, "From: someone@nested.example\nSubject: nested\nMIME-Version: 1.0\n");
	for (int i = 0; i < 50; i++)
		sb_addf(&raw, "Content-Type: multipart/mixed; boundary=\"n%d\"\n\n--n%d\n", i, i);
	sb_addstr(&raw, "Content-Type: text/plain\n\nbottom\n");
	for (int i = 49; i >= 0; i--)
		sb_addf(&raw, "--n%d--\n", i);
	classification_init(&c);
	classify_raw(raw.buf, &c);
	expect_at(__LINE__, "50 deep", VERDICT_MALFORMED, &c);
	classification_release(&c);
	sb_release(&raw);
}

/* ---- RFC 3464 reports ---- */

static void dsn_failed_with_5_1_1_is_hard(void)
{
	struct classification c;

	classification_init(&c);
	classify_fields(
	    &(struct fields){.from = "mailer-daemon@mx.example",
			     .has_dsn = 1,
			     .action = "failed",
			     .status = "5.1.1",
			     .diagnostic = "smtp; 550 5.1.1 <x@y.example>: User unknown"},
	    &c);
	expect_at(__LINE__, "5.1.1", VERDICT_BOUNCE_HARD, &c);
	CHECK_STR(c.rule, "dsn");
	CHECK_CONTAINS(c.reason.buf, "5.1.1");
	classification_release(&c);
}

static void dsn_mailbox_full_is_soft_even_with_5xx_status(void)
{
	EXPECT(VERDICT_BOUNCE_SOFT, .has_dsn = 1, .action = "failed", .status = "5.2.2",
	       .diagnostic = "smtp; 552 5.2.2 Mailbox full");
	EXPECT(VERDICT_BOUNCE_SOFT, .has_dsn = 1, .action = "failed", .status = "5.0.0",
	       .diagnostic = "smtp; 554 user is over quota");
	EXPECT(
	    VERDICT_BOUNCE_SOFT, .has_dsn = 1, .action = "failed", .status = "5.2.2",
	    .diagnostic =
		"smtp;554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException");
}

static void dsn_delayed_is_soft_whatever_its_words(void)
{
	EXPECT(VERDICT_BOUNCE_SOFT, .has_dsn = 1, .action = "delayed", .status = "4.4.1",
	       .diagnostic = "connect to mx.example: Connection timed out");
	EXPECT(VERDICT_BOUNCE_SOFT, .has_dsn = 1, .action = "delayed", .status = "5.1.1",
	       .text = "user unknown");
}

static void dsn_failed_with_4xx_status_is_soft(void)
{
	EXPECT(VERDICT_BOUNCE_SOFT, .has_dsn = 1, .action = "failed", .status = "4.4.1",
	       .diagnostic = "X-Postfix; connect to mx.example[192.0.2.1]:25: Connection refused");
	EXPECT(VERDICT_BOUNCE_SOFT, .has_dsn = 1, .action = "failed", .status = "4.4.7",
	       .text = "The message was not delivered: retry timeout exceeded");
}

static void dsn_failed_without_any_clear_word_is_soft(void)
{
	EXPECT(VERDICT_BOUNCE_SOFT, .has_dsn = 1, .action = "failed",
	       .text = "Something went wrong with your message.");
}

static void dsn_success_notices_are_automatic_not_replies(void)
{
	static const char *const actions[] = {"delivered", "relayed", "expanded"};

	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		struct classification c;
		classification_init(&c);
		classify_fields(
		    &(struct fields){.has_dsn = 1, .action = actions[i], .status = "2.0.0"}, &c);
		expect_at(__LINE__, actions[i], VERDICT_AUTO_REPLY, &c);
		CHECK_STR(c.rule, "dsn-success");
		classification_release(&c);
	}
}

static void report_type_delivery_status_alone_makes_a_report(void)
{
	/* a multipart/report whose status part was lost: its text decides */
	EXPECT(VERDICT_BOUNCE_HARD, .report_type = "delivery-status",
	       .text = "550 5.1.1 user unknown");
	EXPECT(VERDICT_BOUNCE_SOFT, .report_type = "Delivery-Status", .text = "mailbox full");
}

/* ---- non-standard bounces ---- */

static void mailer_daemon_with_user_unknown_is_hard(void)
{
	EXPECT(VERDICT_BOUNCE_HARD, .from = "mailer-daemon@mx.example",
	       .subject = "Mail delivery failed: returning message to sender",
	       .text = "This is a permanent error. The following address(es) failed:\n"
		       "  x@y.example\n    550 5.1.1 User unknown\n");
	EXPECT(VERDICT_BOUNCE_HARD, .from = "mailer-daemon@mx.example", .subject = "failure notice",
	       .text = "<x@y.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n");
}

/* The reason names the permanent words only when they decided: a 5.x.x
 * status decides alone; a non-standard bounce needs the words. */
static void reason_names_the_permanent_words_only_when_they_decided(void)
{
	struct classification c;

	classification_init(&c);
	classify_fields(&(struct fields){.from = "mailer-daemon@mx.example", .has_dsn = 1,
					 .action = "failed", .status = "5.1.1",
					 .diagnostic = "smtp; 550 User unknown"},
			&c);
	expect_at(__LINE__, "dsn 5.1.1", VERDICT_BOUNCE_HARD, &c);
	CHECK_STR(c.reason.buf, "RFC 3464 report, Action: failed, Status: 5.1.1");
	classification_release(&c);
	classification_init(&c);
	classify_fields(&(struct fields){.from = "mailer-daemon@mx.example", .subject = "failure notice",
					 .text = "x@y.example: user unknown\n"},
			&c);
	expect_at(__LINE__, "user unknown", VERDICT_BOUNCE_HARD, &c);
	CHECK_CONTAINS(c.reason.buf, ", says 'user unknown'");
	classification_release(&c);
}

static void mailer_daemon_without_clear_permanent_words_is_soft(void)
{
	EXPECT(VERDICT_BOUNCE_SOFT, .from = "postmaster@mx.example", .subject = "Returned mail",
	       .text = "Your message could not be processed.\n");
}

static void temporary_words_outweigh_permanent_ones_in_a_non_standard_bounce(void)
{
	EXPECT(VERDICT_BOUNCE_SOFT, .from = "mailer-daemon@mx.example",
	       .subject = "Warning: message delayed 24 hours",
	       .text = "has not yet been delivered ... 451 4.3.0 Temporary lookup failure\n");
	EXPECT(VERDICT_BOUNCE_SOFT, .from = "mailer-daemon@mx.example", .subject = "failure notice",
	       .text = "Sorry, I couldn't find any host named y.example. (#4.1.2)\n");
}

static void x_failed_recipients_alone_marks_a_bounce(void)
{
	struct classification c;

	classification_init(&c);
	classify_fields(&(struct fields){.from = "robot@mx.example",
					 .x_failed_recipients = "x@y.example",
					 .subject = "Message",
					 .text = "550 No such user"},
			&c);
	expect_at(__LINE__, "X-Failed-Recipients", VERDICT_BOUNCE_HARD, &c);
	CHECK_STR(c.rule, "bounce");
	CHECK_CONTAINS(c.reason.buf, "X-Failed-Recipients");
	classification_release(&c);
}

static void null_sender_with_a_bounce_subject_is_a_bounce(void)
{
	EXPECT(VERDICT_BOUNCE_HARD, .from = "returns@mx.example", .return_path = "",
	       .subject = "Returned mail: see transcript for details",
	       .text = "550 5.1.1 <x@y.example>... User unknown\n");
}

static void bounce_words_in_a_persons_subject_do_not_make_a_bounce(void)
{
	EXPECT(VERDICT_REPLY, .from = PERSON, .return_path = PERSON,
	       .subject = "Re: undeliverable mail last week?", .text = "Received, thanks.\n");
}

/* A bounce's own words are found in any case and across a wrapped line,
 * Cyrillic capitals included, once the subject or the null sender hints at
 * a report. */
static void bounce_words_are_found_in_capitals_and_across_lines(void)
{
	EXPECT(VERDICT_BOUNCE_HARD, .from = "relay@mx.example", .return_path = "relay@mx.example",
	       .subject = "Undeliverable: ping", .text = "Your message COULD NOT\n  BE DELIVERED:\n550 User unknown\n");
	EXPECT(VERDICT_BOUNCE_HARD, .from = "relay@mx.example", .return_path = "",
	       .subject = "Notice", .text = "Message\tCould Not Be\r\nDelivered.\n550 5.1.1 USER UNKNOWN\n");
	EXPECT(VERDICT_BOUNCE_SOFT, .from = "relay@mx.example", .return_path = "",
	       .subject = "Уведомление", .text = "Сообщение НЕ ДОСТАВЛЕНО адресату.\n");
	EXPECT(VERDICT_REPLY, .from = PERSON, .return_path = "",
	       .subject = "Re: ping", .text = "Received, thanks.\n");
}

static void json_bounce_notification_uses_its_bounce_type(void)
{
	EXPECT(
	    VERDICT_BOUNCE_HARD, .from = "robot@notify.example", .subject = "Bounce notification",
	    .text = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\"}}");
	EXPECT(
	    VERDICT_BOUNCE_SOFT, .from = "robot@notify.example", .subject = "Bounce notification",
	    .text = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Transient\"}}");
	EXPECT(VERDICT_BOUNCE_SOFT, .from = "robot@notify.example",
	       .subject = "Bounce notification",
	       .text = "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
		       "\"bounceSubType\":\"MailboxFull\"}}");
}

/* ---- automatic replies: headers ---- */

static void auto_submitted_other_than_no_is_an_auto_reply(void)
{
	static const char *const values[] = {"auto-replied", "auto-generated", "auto-notified",
					     "Auto-Replied", "auto-generated (warning-timeout)"};

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct classification c;
		classification_init(&c);
		classify_fields(&(struct fields){.from = PERSON,
						 .subject = "Re: ping",
						 .auto_submitted = values[i],
						 .text = "Received"},
				&c);
		expect_at(__LINE__, values[i], VERDICT_AUTO_REPLY, &c);
		CHECK_CONTAINS(c.reason.buf, "Auto-Submitted");
		classification_release(&c);
	}
}

static void auto_submitted_no_is_not_an_auto_reply(void)
{
	EXPECT(VERDICT_REPLY, .from = PERSON, .subject = "Re: ping", .auto_submitted = "no",
	       .text = "Received");
	EXPECT(VERDICT_REPLY, .from = PERSON, .subject = "Re: ping", .auto_submitted = "No",
	       .text = "Received");
}

static void x_autoreply_alone_is_an_auto_reply(void)
{
	EXPECT(VERDICT_AUTO_REPLY, .from = PERSON, .subject = "Re: ping", .x_autoreply = "yes",
	       .text = "Thanks");
}

static void x_auto_response_suppress_alone_is_an_auto_reply(void)
{
	EXPECT(VERDICT_AUTO_REPLY, .from = PERSON, .subject = "Re: ping",
	       .x_auto_response_suppress = "All", .text = "Thanks");
}

static void precedence_bulk_alone_is_not_an_auto_reply(void)
{
	struct classification c;

	classification_init(&c);
	classify_fields(&(struct fields){.from = PERSON,
					 .subject = "Re: ping",
					 .precedence = "bulk",
					 .text = "Received, thanks."},
			&c);
	expect_at(__LINE__, "bulk", VERDICT_REPLY, &c);
	/* seen, and recorded as weak, for the person who reviews */
	CHECK_CONTAINS(c.signals.buf, "Precedence: bulk (weak)");
	classification_release(&c);
}

static void precedence_list_alone_is_not_an_auto_reply(void)
{
	EXPECT(VERDICT_REPLY, .from = PERSON, .subject = "Re: ping", .precedence = "list",
	       .text = "Received");
}

static void precedence_junk_or_auto_reply_is_an_auto_reply(void)
{
	EXPECT(VERDICT_AUTO_REPLY, .from = PERSON, .subject = "Re: ping", .precedence = "junk",
	       .text = "x");
	EXPECT(VERDICT_AUTO_REPLY, .from = PERSON, .subject = "Re: ping",
	       .precedence = "auto_reply", .text = "x");
}

static void precedence_bulk_adds_to_other_signals(void)
{
	struct classification c;

	classification_init(&c);
	classify_fields(&(struct fields){.from = PERSON,
					 .subject = "[CERT #4821] AutoReply: ping",
					 .precedence = "bulk",
					 .text = "Your ticket has been created."},
			&c);
	expect_at(__LINE__, "bulk + ticket", VERDICT_AUTO_REPLY, &c);
	CHECK_CONTAINS(c.signals.buf, "Precedence: bulk");
	CHECK_CONTAINS(c.signals.buf, "subject");
	classification_release(&c);
}

static void noreply_senders_are_auto_replies(void)
{
	static const char *const senders[] = {"noreply@gov.example", "no-reply@gov.example",
					      "no_reply@gov.example", "donotreply@gov.example",
					      "do-not-reply@gov.example"};

	for (size_t i = 0; i < sizeof(senders) / sizeof(senders[0]); i++) {
		struct classification c;
		classification_init(&c);
		classify_fields(&(struct fields){.from = senders[i],
						 .subject = "Re: ping",
						 .text = "Thank you"},
				&c);
		expect_at(__LINE__, senders[i], VERDICT_AUTO_REPLY, &c);
		classification_release(&c);
	}
}

static void every_signal_is_recorded_and_the_first_gives_the_reason(void)
{
	struct classification c;

	classification_init(&c);
	classify_fields(&(struct fields){.from = PERSON,
					 .subject = "Automatic reply: ping",
					 .auto_submitted = "auto-replied",
					 .x_auto_response_suppress = "All",
					 .text = "I am out of the office until Monday."},
			&c);
	expect_at(__LINE__, "all signals", VERDICT_AUTO_REPLY, &c);
	CHECK_STR(c.rule, "auto-reply");
	CHECK_STR(c.reason.buf, "Auto-Submitted: auto-replied");
	CHECK_CONTAINS(c.signals.buf, "X-Auto-Response-Suppress: All");
	CHECK_CONTAINS(c.signals.buf, "subject contains");
	CHECK_CONTAINS(c.signals.buf, "text says");
	classification_release(&c);
}

/* ---- automatic replies: words ---- */

static void out_of_office_subjects_as_mail_clients_write_them_are_auto_replies(void)
{
	/* Exchange's and other clients' prefixes, capitalised as they write them */
	static const char *const subjects[] = {
	    "Automatic reply: POC directory ping test",
	    "Out of Office: POC directory ping test",
	    "Réponse automatique : Test « ping » semestriel",
	    "Respuesta automática: Prueba «ping» semestral",
	    "Автоматический ответ: Проверка связи",
	    "自动回复: 联络点名录“ping”测试",
	    "رد تلقائي: اختبار الاتصال",
	    "Automatische Antwort: POC directory ping test",
	    "Abwesenheitsnotiz: POC directory ping test",
	    "Resposta automática: POC directory ping test",
	    "Risposta automatica: POC directory ping test",
	    "自動応答: POC directory ping test",
	    "Sarah Thompson is out of the office.",
	};

	for (size_t i = 0; i < sizeof(subjects) / sizeof(subjects[0]); i++) {
		struct classification c;
		classification_init(&c);
		classify_fields(
		    &(struct fields){.from = PERSON, .subject = subjects[i], .text = "."}, &c);
		expect_at(__LINE__, subjects[i], VERDICT_AUTO_REPLY, &c);
		classification_release(&c);
	}
}

static void out_of_office_text_without_headers_is_an_auto_reply(void)
{
	/* the opening lines of out-of-office notices, as people set them */
	static const char *const texts[] = {
	    "Thank you for your message. I am currently out of the office with limited access to "
	    "email.",
	    "Bonjour,\nJe suis absent du bureau jusqu'au 30 novembre.",
	    "Estoy fuera de la oficina hasta el 30 de noviembre.",
	    "Здравствуйте!\nЯ в отпуске до 30 ноября.",
	    "您好，我目前不在办公室，11月23日返回。",
	    "شكرا لرسالتكم. أنا خارج المكتب حتى 25 نوفمبر.",
	    "Vielen Dank für Ihre Nachricht. Ich bin bis zum 27.11. nicht im Büro.",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct classification c;
		classification_init(&c);
		classify_fields(
		    &(struct fields){.from = PERSON, .subject = "Re: ping", .text = texts[i]}, &c);
		expect_at(__LINE__, texts[i], VERDICT_AUTO_REPLY, &c);
		classification_release(&c);
	}
}

static void ticket_system_receipts_are_auto_replies(void)
{
	EXPECT(VERDICT_AUTO_REPLY, .from = "cert@cert.example",
	       .subject = "[CERT-KE #48211] AutoReply: ping",
	       .text = "This message has been automatically generated in response to the creation "
		       "of a ticket.");
	EXPECT(VERDICT_AUTO_REPLY, .from = "support@cert.example",
	       .subject = "Request received: ping",
	       .text = "Your request (4821) has been received and is being reviewed by our support "
		       "staff.");
	EXPECT(VERDICT_AUTO_REPLY, .from = "servicedesk@cert.example",
	       .subject = "[Ticket#2026111610000042] ping",
	       .text = "Your request has been received. Ticket number 2026111610000042.");
}

static void challenge_response_notices_are_auto_replies(void)
{
	EXPECT(
	    VERDICT_AUTO_REPLY, .from = "verify@filter.example",
	    .subject = "Please verify your email",
	    .text =
		"Only messages from approved senders are delivered. Please click the link below to "
		"confirm that you are a person.");
	EXPECT(VERDICT_AUTO_REPLY, .from = PERSON, .subject = "Re: ping",
	       .text = "To control spam, I now allow messages only from senders on my whitelist.");
}

/* ---- people's replies ---- */

static void one_word_replies_in_the_six_languages_are_replies(void)
{
	static const char *const words[] = {
	    "Received", "Reçu", "Recibido", "Получено", "收到", "تم الاستلام", "Bien reçu, merci."};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		struct classification c;
		classification_init(&c);
		classify_fields(
		    &(struct fields){.from = PERSON,
				     .return_path = PERSON,
				     .subject = "Re: POC directory ping test [POC-2026H2-FRA-0042]",
				     .text = words[i]},
		    &c);
		expect_at(__LINE__, words[i], VERDICT_REPLY, &c);
		CHECK_STR(c.rule, "reply");
		classification_release(&c);
	}
}

static void reply_with_an_empty_body_is_a_reply(void)
{
	EXPECT(VERDICT_REPLY, .from = PERSON,
	       .subject = "RE: POC directory ping test [POC-2026H2-FRA-0042]");
}

static void quoted_ping_does_not_make_a_reply_automatic(void)
{
	struct classification c;

	classification_init(&c);
	/* top-posted, the ping quoted with '>' */
	classify_raw(REPLY_HEAD
		     "Received, thank you.\n\nOn Mon, 16 Nov 2026 at 09:00, UNODA wrote:\n"
		     "> An automatic reply, such as an out-of-office message, does not count.\n"
		     "> I am out of the office is what automatic replies say.\n",
		     &c);
	expect_at(__LINE__, "top-posted", VERDICT_REPLY, &c);
	/* bottom-posted: the quote first, the answer below it */
	classify_raw(REPLY_HEAD
		     "On Mon, 16 Nov 2026 at 09:00, UNODA wrote:\n"
		     "> This is an automatic message; out of office replies do not count.\n"
		     "\nReceived.\n",
		     &c);
	expect_at(__LINE__, "bottom-posted", VERDICT_REPLY, &c);
	classification_release(&c);
}

static void whole_ping_below_the_reply_does_not_make_it_automatic(void)
{
	struct classification c;

	classification_init(&c);
	classify_raw(REPLY_HEAD
		     "Received.\n\n-----Original Message-----\nFrom: UNODA, POC Directory Manager\n"
		     "Sent: Monday, November 16, 2026 10:00 AM\nSubject: POC directory ping "
		     "test\n\n" PING_EN,
		     &c);
	expect_at(__LINE__, "Outlook original message", VERDICT_REPLY, &c);
	classify_raw(
	    REPLY_HEAD "Bien reçu.\n\nLe lun. 16 nov. 2026 à 10:00, UNODA a écrit :\n" PING_EN, &c);
	expect_at(__LINE__, "French attribution, unquoted", VERDICT_REPLY, &c);
	classification_release(&c);
}

static void text_below_a_localised_quote_header_is_not_the_reply(void)
{
	/* What each language's Outlook writes above the message it quotes,
	 * followed at once by a line that, in a reply's own words, would mark
	 * it as automatic. */
	static const char *const heads[] = {
	    "-----Original Message-----\nFrom: UNODA <poc-directory@pocgate.test>\n",
	    "-----Message d'origine-----\nDe : UNODA <poc-directory@pocgate.test>\n",
	    "-----Ursprüngliche Nachricht-----\nVon: UNODA <poc-directory@pocgate.test>\n",
	    "-----Mensaje original-----\nDe: UNODA <poc-directory@pocgate.test>\n",
	    "-----Исходное сообщение-----\nОт: UNODA <poc-directory@pocgate.test>\n",
	    "-----邮件原件-----\n发件人: UNODA <poc-directory@pocgate.test>\n",
	    "-----الرسالة الأصلية-----\nمن: UNODA <poc-directory@pocgate.test>\n",
	};

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		struct strbuf raw = STRBUF_INIT;
		struct classification c;
		sb_addf(&raw,
			"%sReceived.\n\n%s\nI am out of the office until Monday (this is an "
			"automatic reply).\n",
			REPLY_HEAD, heads[i]);
		classification_init(&c);
		classify_raw(raw.buf, &c);
		expect_at(__LINE__, heads[i], VERDICT_REPLY, &c);
		classification_release(&c);
		sb_release(&raw);
	}
}

static void a_line_framed_by_dashes_only_at_its_start_does_not_end_the_own_text(void)
{
	/* "-----Original Message-----" ends the reply's own words; a signature
	 * line that merely starts with dashes (and has more inside) does not,
	 * or what follows it would be taken for quoted text */
	struct classification c;

	classification_init(&c);
	classify_raw(REPLY_HEAD "Hello,\n-----CERT team----- duty officers\n"
				"I am out of the office until 30 November.\n",
		     &c);
	expect_at(__LINE__, "dashes inside a line", VERDICT_AUTO_REPLY, &c);
	classify_raw(REPLY_HEAD "Hello,\n-----Original Message-----\n"
				"I am out of the office until 30 November.\n",
		     &c);
	expect_at(__LINE__, "a real quote header, CRLF or not", VERDICT_REPLY, &c);
	classification_release(&c);
}

static void words_that_only_start_auto_replies_elsewhere_do_not_decide(void)
{
	/* "on leave" and "thank you for your message" open people's replies too */
	EXPECT(VERDICT_REPLY, .from = PERSON, .subject = "RE: ping",
	       .text = "Received. Ms Dubois is on leave this week, so I am answering for her.");
	EXPECT(VERDICT_REPLY, .from = PERSON, .subject = "RE: ping",
	       .text = "Merci pour votre message. Bien reçu ; l'adresse reste valable.");
}

static void classification_is_reset_between_messages(void)
{
	struct classification c;

	classification_init(&c);
	classify_fields(&(struct fields){.from = PERSON,
					 .subject = "Automatic reply: x",
					 .auto_submitted = "auto-replied"},
			&c);
	CHECK(c.verdict == VERDICT_AUTO_REPLY);
	classify_fields(&(struct fields){.from = PERSON, .subject = "Re: ping", .text = "Received"},
			&c);
	CHECK(c.verdict == VERDICT_REPLY);
	CHECK_STR(c.reason.buf, "no sign of an automatic message");
	CHECK_STR(c.signals.buf, "");
	classification_release(&c);
}

static void verdict_names_are_the_labels_of_the_corpus(void)
{
	CHECK_STR(verdict_name(VERDICT_BOUNCE_HARD), "bounce-hard");
	CHECK_STR(verdict_name(VERDICT_BOUNCE_SOFT), "bounce-soft");
	CHECK_STR(verdict_name(VERDICT_AUTO_REPLY), "auto-reply");
	CHECK_STR(verdict_name(VERDICT_REPLY), "reply");
	CHECK_STR(verdict_name(VERDICT_MALFORMED), "malformed");
}

int main(void)
{
	RUN(empty_message_is_malformed);
	RUN(text_without_header_fields_is_malformed);
	RUN(headerless_text_that_reads_as_an_auto_reply_is_an_auto_reply);
	RUN(garbage_with_a_colon_on_its_first_line_is_malformed);
	RUN(message_nested_beyond_the_depth_limit_is_malformed);
	RUN(dsn_failed_with_5_1_1_is_hard);
	RUN(dsn_mailbox_full_is_soft_even_with_5xx_status);
	RUN(dsn_delayed_is_soft_whatever_its_words);
	RUN(dsn_failed_with_4xx_status_is_soft);
	RUN(dsn_failed_without_any_clear_word_is_soft);
	RUN(dsn_success_notices_are_automatic_not_replies);
	RUN(report_type_delivery_status_alone_makes_a_report);
	RUN(mailer_daemon_with_user_unknown_is_hard);
	RUN(reason_names_the_permanent_words_only_when_they_decided);
	RUN(mailer_daemon_without_clear_permanent_words_is_soft);
	RUN(temporary_words_outweigh_permanent_ones_in_a_non_standard_bounce);
	RUN(x_failed_recipients_alone_marks_a_bounce);
	RUN(null_sender_with_a_bounce_subject_is_a_bounce);
	RUN(bounce_words_in_a_persons_subject_do_not_make_a_bounce);
	RUN(bounce_words_are_found_in_capitals_and_across_lines);
	RUN(json_bounce_notification_uses_its_bounce_type);
	RUN(auto_submitted_other_than_no_is_an_auto_reply);
	RUN(auto_submitted_no_is_not_an_auto_reply);
	RUN(x_autoreply_alone_is_an_auto_reply);
	RUN(x_auto_response_suppress_alone_is_an_auto_reply);
	RUN(precedence_bulk_alone_is_not_an_auto_reply);
	RUN(precedence_list_alone_is_not_an_auto_reply);
	RUN(precedence_junk_or_auto_reply_is_an_auto_reply);
	RUN(precedence_bulk_adds_to_other_signals);
	RUN(noreply_senders_are_auto_replies);
	RUN(every_signal_is_recorded_and_the_first_gives_the_reason);
	RUN(out_of_office_subjects_as_mail_clients_write_them_are_auto_replies);
	RUN(out_of_office_text_without_headers_is_an_auto_reply);
	RUN(ticket_system_receipts_are_auto_replies);
	RUN(challenge_response_notices_are_auto_replies);
	RUN(one_word_replies_in_the_six_languages_are_replies);
	RUN(reply_with_an_empty_body_is_a_reply);
	RUN(quoted_ping_does_not_make_a_reply_automatic);
	RUN(whole_ping_below_the_reply_does_not_make_it_automatic);
	RUN(text_below_a_localised_quote_header_is_not_the_reply);
	RUN(a_line_framed_by_dashes_only_at_its_start_does_not_end_the_own_text);
	RUN(words_that_only_start_auto_replies_elsewhere_do_not_decide);
	RUN(classification_is_reset_between_messages);
	RUN(verdict_names_are_the_labels_of_the_corpus);
	TEST_EXIT();
}
