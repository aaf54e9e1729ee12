/*
 * NAME
 *	classify - bounce, auto-reply, reply or malformed
 * SYNOPSIS
 *	#include <pocgate/classify.h>
 *	void classify(const struct mime_msg *m, struct classification *c);
 * DESCRIPTION
 *	The rules, in order; the first that holds decides:
 *
 *	1. malformed: no header fields at all, or an empty message.
 *	2. dsn: a delivery status notification (RFC 3464). Action failed is
 *	   hard unless its status is 4.x.x or says the mailbox is full (then
 *	   soft); delayed is soft; delivered, relayed and expanded are reports
 *	   of success, counted as automatic replies.
 *	3. bounce: the non-standard forms: a sender like MAILER-DAEMON or
 *	   postmaster, the null sender, X-Failed-Recipients, or a subject like
 *	   "Undelivered Mail Returned to Sender", in several languages. Hard
 *	   only on clear evidence (a 5xx code or "user unknown"-like text, and
 *	   nothing temporary); otherwise soft: marking a working address
 *	   undeliverable is the worst mistake pocgate can make.
 *	4. auto-reply: Auto-Submitted other than "no", X-Autoreply,
 *	   X-Autorespond, Precedence bulk/junk/list/auto_reply, Exchange's
 *	   X-Auto-Response-Suppress, a subject beginning like an out-of-office
 *	   or ticket receipt in the UN languages and other common ones, or body
 *	   text of the same kind near its start.
 *	5. reply: anything else. It confirms a ping once it is matched.
 *
 *	Text comparisons are on lower-cased UTF-8; non-ASCII letters are
 *	compared as written.
 * STANDARDS
 *	RFC 3464 (DSN), RFC 3463 (status codes), RFC 3834 (Auto-Submitted).
 */
#include <pocgate/classify.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pocgate/mime.h>
#include <pocgate/utf8.h>
#include <pocgate/xalloc.h>

static const char *const verdict_names[] = {
	[VERDICT_BOUNCE_HARD] = "bounce-hard", [VERDICT_BOUNCE_SOFT] = "bounce-soft",
	[VERDICT_AUTO_REPLY] = "auto-reply",   [VERDICT_REPLY] = "reply",
	[VERDICT_MALFORMED] = "malformed",
};

const char *verdict_name(enum verdict v)
{
	return verdict_names[v];
}

int verdict_parse(const char *name, enum verdict *v)
{
	for (size_t i = 0; name && i < sizeof(verdict_names) / sizeof(verdict_names[0]); i++)
		if (strcmp(name, verdict_names[i]) == 0) {
			*v = (enum verdict)i;
			return 0;
		}
	return -1;
}

void classification_init(struct classification *c)
{
	c->verdict = VERDICT_REPLY;
	c->rule = "";
	sb_init(&c->reason, 0);
	sb_init(&c->signals, 0);
}

void classification_release(struct classification *c)
{
	sb_release(&c->reason);
	sb_release(&c->signals);
}

static void signal_add(struct classification *c, const char *label, const char *v,
		       const char *after)
{
	if (c->signals.len)
		sb_addstr(&c->signals, "; ");
	sb_addf(&c->signals, "%s%s%s", label, v, after);
}

/* The lower-case form of a code point in the scripts the phrases use:
 * Latin, Latin-1, Latin Extended-A, Greek, Cyrillic (no locale needed). */
static unsigned lower_cp(unsigned c)
{
	if (c < 0x80)
		return (unsigned)tolower((int)c);
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 0x20;
	if (c >= 0x100 && c <= 0x17f && !(c & 1) && c != 0x130)
		return c + 1;
	if (c >= 0x391 && c <= 0x3a9)
		return c + 0x20;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	return c;
}

/* A lower-case copy of UTF-8 text (see lower_cp()) with every run of white
 * space, line breaks included, as one space: phrases are found even where a
 * line was wrapped inside them. Lower-casing never lengthens UTF-8 here. */
static char *lower(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	char *l = xmalloc(strlen((const char *)p) + 1), *w = l;
	int space = 0;

	while (*p) {
		unsigned c = *p;
		if (c > ' ' && c < 0x80) { /* most text: a run of ASCII words */
			if (space && w > l)
				*w++ = ' ';
			space = 0;
			do {
				*w++ = (char)(c - 'A' < 26u ? c + ('a' - 'A') : c);
				c = *++p;
			} while (c > ' ' && c < 0x80);
			continue;
		}
		if (c < 0x80) { /* white space and other controls */
			p++;
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				space = 1;
				continue;
			}
			if (space && w > l)
				*w++ = ' ';
			space = 0;
			*w++ = (char)c;
			continue;
		}
		size_t n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 1; /* mime.c hands valid UTF-8; stay safe anyway */
		if (n > 1)
			c = n == 2 ? (c & 0x1f) << 6 | (p[1] & 0x3f) :
			    n == 3 ? (c & 0x0f) << 12 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f) :
				     (c & 0x07) << 18 | (p[1] & 0x3f) << 12 | (p[2] & 0x3f) << 6 |
					     (p[3] & 0x3f);
		p += n;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = 1;
			continue;
		}
		if (space && w > l)
			*w++ = ' ';
		space = 0;
		unsigned lc = lower_cp(c);
		if (n == 1 || lc == c) {
			memcpy(w, p - n, n);
			w += n;
			if (n == 1) /* a stray byte, lowered as if Latin-1 */
				w[-1] = (char)lc;
		} else {
			w = utf8_put(w, lc);
		}
	}
	*w = '\0';
	return l;
}

/*
 * A text to search for phrases, with the set of byte pairs it holds
 * (hashed into 4096 bits): a phrase with a pair the text lacks is not in
 * it, and most phrases of a list are ruled out so, without a search.
 */
struct hay {
	const char *s;		/* borrowed */
	uint64_t pairs[64];
};

static unsigned pair_bit(unsigned char a, unsigned char b)
{
	return (a * 131u + b) & 4095u;
}

static void hay_init(struct hay *h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned prev = *p, c;

	h->s = s;
	memset(h->pairs, 0, sizeof(h->pairs));
	for (; prev && (c = *++p) != 0; prev = c) {
		unsigned k = pair_bit((unsigned char)prev, (unsigned char)c);
		h->pairs[k >> 6] |= (uint64_t)1 << (k & 63);
	}
}

static int hay_has(const struct hay *h, const char *needle)
{
	for (const unsigned char *p = (const unsigned char *)needle; p[0] && p[1]; p++) {
		unsigned k = pair_bit(p[0], p[1]);
		if (!(h->pairs[k >> 6] >> (k & 63) & 1))
			return 0;
	}
	return strstr(h->s, needle) != NULL;
}

/* The first needle (in the list's order) found in hay, or NULL. */
static const char *find_any(const struct hay *hay, const char *const *needles)
{
	for (size_t i = 0; needles[i]; i++)
		if (hay_has(hay, needles[i]))
			return needles[i];
	return NULL;
}

/* The message's text lower-cased into *text and h, on the first call. */
static const struct hay *text_hay(struct hay *h, char **text, const char *src)
{
	if (!*text) {
		*text = lower(src);
		hay_init(h, *text);
	}
	return h;
}

/* Subjects of delivery failure notices. */
static const char *const bounce_subjects[] = {
	"undelivered mail", "undeliverable", "undelivered", "delivery status notification",
	"delivery failure", "delivery failed", "delivery has failed", "failure notice",
	"returned mail", "mail delivery failed", "mail delivery failure", "delivery problem",
	"nondeliverable", "non-deliverable", "not delivered", "could not be delivered",
	"delivery notification", "message delivery", "mail system error", "mail error", "warning: could not send",
	"delayed mail", "delivery delayed", "delivery report", "rejected:", "bounce",
	"non remis", "non distribuable", "unzustellbar", "nicht zustellbar", "no entregado",
	"no se puede entregar", "non recapitabile", "mancata consegna", "onbestelbaar",
	"не доставлено", "недоставленное", "未送達", "退信", "退回", "无法投递", "系统退信",
	"لم يتم تسليم", NULL,
};

static const char *const bounce_senders[] = {
	"mailer-daemon", "postmaster", "mail-daemon", "maildaemon", "mailerdaemon",
	"mail-delivery", "bounce", "mdaemon", NULL,
};

/* Text that says the mailbox is full: soft, whatever the status code. */
static const char *const full_text[] = {
	"mailbox full", "mailbox is full", "mail box full", "over quota", "overquota",
	"quota exceeded", "exceeded storage", "exceeds the quota", "quota", "insufficient storage",
	"mailbox size limit", "too many messages", "disk space", "exceeded its", "storage limit",
	"user is over", "mailfolder is full", "5.2.2", "4.2.2", "enough space",
	"space not enough", "no space", "not enough space", "storage space", "not enough storage",
	"ящик переполнен", "превышен", "容量", NULL,
};

/* Text that says the failure is temporary. */
static const char *const temp_text[] = {
	"delayed", "delay", "will retry", "will be retried", "still trying",
	"not yet been delivered", "has not been delivered yet", "temporar", "try again later",
	"retry timeout exceeded", "retry time", "deferred", "greylist", "too many connections",
	"connection timed out", "timed out", "could not be delivered for",
	"the recipient server did not accept our requests", "is currently unavailable",
	"resources temporarily", "not reachable", "unreachable", "error_code :4", "4.4.7", "4.4.1", "4.7.0", "421 ", "450 ", "451 ", "452 ", NULL,
};

/* Text that says the address does not exist or refuses mail for good. */
static const char *const hard_text[] = {
	"user unknown", "unknown user", "no such user", "no such mailbox", "unknown recipient",
	"recipient unknown", "does not exist", "doesn't exist", "not exist", "invalid recipient",
	"invalid mailbox", "mailbox unavailable", "mailbox not found", "address rejected",
	"recipient address rejected", "user not found", "account has been disabled",
	"account is disabled", "no mailbox here", "unrouteable", "host or domain name not found",
	"domain not found", "name service error", "no mx", "unknown or illegal alias",
	"address not found", "not our customer", "mailbox is inactive", "not listed in",
	"does not have a final", "no smtp service", "did not exactly match", "permanent error",
	"permanent failure", "failed permanently", "permanently", "no such address",
	"not a valid", "bad destination", "unknown address", "no longer", "not found",
	"5.1.1", "5.1.2", "5.1.10", "5.4.1", "5.4.4", "5.7.1", "550", "551", "553", "554", NULL,
};

/* Phrases of delivery failure reports' own text. */
static const char *const bounce_text[] = {
	"could not be delivered", "cannot be delivered", "can't be delivered", "not be delivered",
	"was not delivered", "delivery to the following",
	"following address", "following recipient", "undeliverable", "returned to sender",
	"delivery has failed", "delivery failed", "mail delivery software", "permanent error",
	"smtp error", "failed recipient", "message not delivered", "unable to deliver",
	"delivery status notification", "this is an automatically generated delivery",
	"не может быть доставлено", "не доставлено", "配信できません", "送信できません", NULL,
};

static const char *const auto_subjects[] = {
	"out of office", "out of the office", "automatic reply", "auto reply", "auto-reply",
	"autoreply", "auto:", "auto response", "autoresponse", "automatic response",
	"away from", "vacation", "on leave", "absence", "absent", "abwesend", "abwesenheit",
	"automatische antwort", "réponse automatique", "reponse automatique", "absent du bureau",
	"respuesta automática", "respuesta automatica", "fuera de la oficina", "ausente",
	"resposta automática", "risposta automatica", "fuori sede", "afwezig",
	"automatisch antwoord", "автоматический ответ", "автоответ", "нет на месте", "в отпуске",
	"自动回复", "自動回覆", "自動回复", "不在办公室", "外出", "休假", "自動応答", "不在",
	"رد تلقائي", "الرد التلقائي", "خارج المكتب", "إجازة",
	"empfangsbest", "eingangsbest", "lesebest",
	"automatiska", "automātiska", "automatisk", "automaattinen", "automatikus", "automatyczna",
	"automatická", "otomatik", "odpowiedź automatyczna", "poza biurem", "fora do escritório",
	"we have received your", "we received your", "ticket", "request received",
	"accusé de réception", "acuse de recibo",
	"your request", "your message has been received", "thank you for contacting",
	"thank you for your email", "thank you for your message", "acknowledg", NULL,
};

/* Said only by people as well: a signal, never enough alone. */
static const char *const auto_body_weak[] = {
	"i will be out", "i will return", "limited access to email", "limited access to e-mail",
	"i am away", "i'm away", "do not reply to this", "de retour le", "je serai de retour",
	"вернусь", "estaré de vuelta", NULL,
};

static const char *const auto_body[] = {
	"i am out of the office", "i'm out of the office", "i am currently out",
	"out of office", "i am on leave", "i am on vacation", "i am currently on leave",
	"this is an automatic", "this is an automated", "automatically generated",
	"auto-generated", "do not reply to this", "your message has been received",
	"we have received your", "your ticket", "ticket number", "case number",
	"allowed list", "whitelist", "approved senders", "verify your email", "click the link below to",
	"je suis absent", "je serai absent", "actuellement absent", "réponse automatique",
	"en congé", "en congés", "absente du bureau", "absent du bureau", "accusé de réception",
	"estoy fuera", "me encuentro fuera", "respuesta automática", "de vacaciones",
	"estaré fuera", "acuse de recibo", "abwesend", "nicht im büro", "außer haus",
	"я в отпуске", "в командировке", "нахожусь в отпуске", "автоматический ответ",
	"отсутствую", "буду отсутствовать", "вне офиса", "подтверждение получения",
	"我目前不在", "我正在休假", "休假中", "不在办公室", "自动回复", "أنا خارج المكتب",
	"رد تلقائي", "في إجازة",
	"please confirm that you are human", "verify that you are human", "challenge", NULL,
};

static int status_class(const char *status)
{
	const char *p = status;

	while (p && *p && !isdigit((unsigned char)*p))
		p++;
	return p && *p ? *p - '0' : 0;
}

static void decide(struct classification *c, enum verdict v, const char *rule)
{
	c->verdict = v;
	c->rule = rule;
}

/* Finds an enhanced status code "C.x.y" (RFC 3463) of class c in text,
 * standing alone (not part of a longer number or address). */
static int text_status(const char *text, char c, char *out, size_t size)
{
	for (const char *p = text; (p = strchr(p, c)) != NULL; p++) {
		const char *q = p + 1;
		int d1 = 0, d2 = 0;
		if (p > text && (isdigit((unsigned char)p[-1]) || p[-1] == '.'))
			continue;
		if (*q++ != '.')
			continue;
		while (isdigit((unsigned char)*q) && d1 < 4)
			q++, d1++;
		if (!d1 || *q++ != '.')
			continue;
		while (isdigit((unsigned char)*q) && d2 < 4)
			q++, d2++;
		if (!d2 || isdigit((unsigned char)*q) || *q == '.')
			continue;
		snprintf(out, size, "%.*s", (int)(q - p), p);
		return 1;
	}
	return 0;
}

/* Sets a bounce verdict from the report's words: a full mailbox or a
 * temporary condition is soft; clear permanent words are hard; anything
 * else is soft, as marking a working address undeliverable is worse than
 * waiting for the deadline. */
static void bounce_severity(struct classification *c, const char *rule, const struct hay *hay,
			    int status_class_hint, const char *intro)
{
	/* each list is searched only when the ones before have not decided */
	const char *text = hay->s, *full = find_any(hay, full_text), *temp = NULL, *hard = NULL;
	char code[16];

	if (full) {
		decide(c, VERDICT_BOUNCE_SOFT, rule);
		sb_addf(&c->reason, "%s, mailbox full ('%s')", intro, full);
		return;
	}
	/* a temporary status code anywhere in the report (a transcript, qmail's
	 * "(#4.4.3)") outweighs permanent-sounding words */
	temp = find_any(hay, temp_text);
	if (!temp && text_status(text, '4', code, sizeof(code)))
		temp = code;
	if (temp && status_class_hint == 5 && text_status(text, '4', code, sizeof(code)))
		status_class_hint = 4;

	if (status_class_hint == 4 || (temp && status_class_hint != 5)) {
		decide(c, VERDICT_BOUNCE_SOFT, rule);
		sb_addf(&c->reason, "%s, temporary%s%s%s", intro, temp ? " ('" : "", temp ? temp : "",
			temp ? "')" : "");
	} else if (status_class_hint == 5 || (hard = find_any(hay, hard_text)) != NULL) {
		decide(c, VERDICT_BOUNCE_HARD, rule);
		sb_addf(&c->reason, "%s%s%s%s", intro, hard && status_class_hint != 5 ? ", says '" : "",
			hard && status_class_hint != 5 ? hard : "",
			hard && status_class_hint != 5 ? "'" : "");
	} else {
		decide(c, VERDICT_BOUNCE_SOFT, rule);
		sb_addf(&c->reason, "%s, no clear permanent failure", intro);
	}
}

/* Rule 2: an RFC 3464 report. */
static int rule_dsn(const struct mime_msg *m, struct classification *c)
{
	const char *action = m->dsn.action ? m->dsn.action : "";
	const char *status = m->dsn.status ? m->dsn.status : "";
	struct strbuf words = STRBUF_INIT, intro = STRBUF_INIT;
	struct hay hay;
	char *text;

	if (!m->has_dsn && !(m->report_type && strcasecmp(m->report_type, "delivery-status") == 0))
		return 0;
	if (strncmp(action, "delivered", 9) == 0 || strncmp(action, "relayed", 7) == 0 ||
	    strncmp(action, "expanded", 8) == 0) {
		decide(c, VERDICT_AUTO_REPLY, "dsn-success");
		sb_addf(&c->reason, "RFC 3464 report, Action: %s (a success notice)", action);
		return 1;
	}
	sb_addstr(&words, m->dsn.diagnostic ? m->dsn.diagnostic : "");
	sb_addch(&words, '\n');
	sb_add(&words, m->text.buf, m->text.len);
	text = lower(words.buf);
	hay_init(&hay, text);
	sb_addf(&intro, "RFC 3464 report, Action: %s, Status: %s", *action ? action : "?",
		*status ? status : "?");
	if (strncmp(action, "delayed", 7) == 0) {
		decide(c, VERDICT_BOUNCE_SOFT, "dsn");
		sb_addstr(&c->reason, intro.buf);
	} else {
		bounce_severity(c, "dsn", &hay, status_class(status), intro.buf);
	}
	free(text);
	sb_release(&words);
	sb_release(&intro);
	return 1;
}

/* Amazon SES and similar JSON notifications: "notificationType":"Bounce". */
static int rule_json_bounce(const struct mime_msg *m, struct classification *c)
{
	const char *t = m->text.buf, *bt;

	/* the notification may itself be a string inside JSON: quotes escaped */
	if (!strstr(t, "notificationType") || !strstr(t, "Bounce") ||
	    !(bt = strstr(t, "bounceType")))
		return 0;
	bt += strlen("bounceType");
	if (strncmp(bt + strcspn(bt, "PT"), "Permanent", 9) == 0 && !strstr(t, "MailboxFull")) {
		decide(c, VERDICT_BOUNCE_HARD, "bounce");
		sb_addstr(&c->reason, "bounce notification, bounceType Permanent");
	} else {
		decide(c, VERDICT_BOUNCE_SOFT, "bounce");
		sb_addstr(&c->reason, "bounce notification, not permanent");
	}
	return 1;
}

/* Rule 3: delivery failures without a standard report. */
static int rule_bounce(const struct mime_msg *m, struct classification *c)
{
	char *from = lower(m->from), *name = lower(m->from_name), *subj = lower(m->subject);
	char *text = NULL; /* the text, lower-cased only when a rule reads it */
	struct hay hfrom, hsubj, htext;
	const char *sender, *subject;
	const char *words = NULL;
	int null_sender = (m->return_path && !*m->return_path) || (m->from && !*m->from);
	struct strbuf intro = STRBUF_INIT;
	int rc = 0;

	hay_init(&hfrom, from);
	hay_init(&hsubj, subj);
	sender = find_any(&hfrom, bounce_senders);
	subject = find_any(&hsubj, bounce_subjects);
	if (rule_json_bounce(m, c)) {
		rc = 1;
		goto out;
	}
	if (sender || strstr(name, "mail delivery") || strstr(name, "mailer-daemon"))
		sb_addf(&intro, "non-standard bounce from '%s'", m->from_name && !sender ? m->from_name : m->from);
	else if (m->x_failed_recipients)
		sb_addf(&intro, "non-standard bounce, X-Failed-Recipients: %s", m->x_failed_recipients);
	else if (subject && (null_sender || (words = find_any(text_hay(&htext, &text, m->text.buf), bounce_text))))
		sb_addf(&intro, "non-standard bounce, subject '%s'", m->subject);
	else if (null_sender && (words = find_any(text_hay(&htext, &text, m->text.buf), bounce_text)))
		sb_addf(&intro, "non-standard bounce from the null sender, text says '%s'", words);
	else
		goto out;
	bounce_severity(c, "bounce", text_hay(&htext, &text, m->text.buf), 0, intro.buf);
	rc = 1;
out:
	sb_release(&intro);
	free(from);
	free(name);
	free(subj);
	free(text);
	return rc;
}

/* The first max bytes of text written in this message, lower-cased: quoted
 * lines ("> ...") are left out, and text stops at the usual markers of a
 * quoted message ("-----Original Message-----", "On ... wrote:"). */
static char *own_text(const char *text, size_t max)
{
	static const char *const markers[] = {
		"-----original message-----", "----- original message -----", "________________",
		" wrote:", " a écrit :", " a écrit:", " escribió:", " написал", "写道", "كتب",
		"-----ursprüngliche nachricht-----", "de :", "from:", "von:", "от:", "发件人",
		"من:", "de:", "da:", NULL,
	};
	struct strbuf out = STRBUF_INIT, line = STRBUF_INIT; /* each line in turn */
	struct hay hline;
	const char *p = text;

	while (*p && out.len < max) {
		size_t n = strcspn(p, "\n");
		sb_reset(&line);
		sb_add(&line, p, n);
		for (char *q = line.buf; *q; q++) /* ASCII, as lower() */
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q + ('a' - 'A'));
		const char *t = line.buf;
		while (*t == ' ' || *t == '\t')
			t++;
		size_t tl = strlen(t);
		while (tl && (t[tl - 1] == '\r' || t[tl - 1] == ' ' || t[tl - 1] == '\t'))
			tl--;
		/* any language's "-----Original Message-----" line: it starts and
		 * ends with five dashes */
		int dashes = tl >= 10 && strncmp(t, "-----", 5) == 0 &&
			     strncmp(t + tl - 5, "-----", 5) == 0;
		if (out.len > 0 && !dashes)
			hay_init(&hline, line.buf);
		if (out.len > 0 && (dashes || find_any(&hline, markers) != NULL))
			break;
		if (*t != '>') {
			sb_add(&out, line.buf, line.len);
			sb_addch(&out, '\n');
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (out.len > max)
		sb_setlen(&out, max);
	char *flat = lower(out.buf);
	sb_release(&line);
	sb_release(&out);
	return flat;
}

/* Rule 4: automatic answers. Collects every signal; the first decides. */
static int rule_auto(const struct mime_msg *m, struct classification *c)
{
	char *subj = lower(m->subject), *prec = lower(m->precedence), *text;
	struct hay hay;
	const char *first = NULL, *hit;
	int weak = 0;

	if (m->auto_submitted && strncasecmp(m->auto_submitted, "no", 2) != 0) {
		signal_add(c, "Auto-Submitted: ", m->auto_submitted, "");
		first = first ? first : "header";
	}
	if (m->x_autoreply) {
		signal_add(c, "X-Autoreply: ", m->x_autoreply, "");
		first = first ? first : "header";
	}
	if (*prec && (strstr(prec, "junk") || strstr(prec, "auto_reply"))) {
		signal_add(c, "Precedence: ", m->precedence, "");
		first = first ? first : "header";
	} else if (*prec && (strstr(prec, "bulk") || strstr(prec, "list"))) {
		/* mailing lists and shared mailboxes set these on people's mail too:
		 * recorded, but not enough alone */
		signal_add(c, "Precedence: ", m->precedence, " (weak)");
		weak++;
	}
	if (m->from && (strncmp(m->from, "noreply", 7) == 0 || strncmp(m->from, "no-reply", 8) == 0 ||
			strncmp(m->from, "no_reply", 8) == 0 || strncmp(m->from, "donotreply", 10) == 0 ||
			strncmp(m->from, "do-not-reply", 12) == 0)) {
		signal_add(c, "sender ", m->from, "");
		first = first ? first : "sender";
	}
	if (m->x_auto_response_suppress) {
		signal_add(c, "X-Auto-Response-Suppress: ", m->x_auto_response_suppress, "");
		first = first ? first : "header";
	}
	hay_init(&hay, subj);
	if ((hit = find_any(&hay, auto_subjects)) != NULL) {
		signal_add(c, "subject contains '", hit, "'");
		first = first ? first : "subject";
	}
	/* only the start of the message's own words: a person's reply quotes
	 * the ping, whose text speaks of automatic replies */
	text = own_text(m->text.buf, 600);
	hay_init(&hay, text);
	if ((hit = find_any(&hay, auto_body)) != NULL) {
		signal_add(c, "text says '", hit, "'");
		first = first ? first : "text";
	}
	if ((hit = find_any(&hay, auto_body_weak)) != NULL) {
		signal_add(c, "text says '", hit, "' (weak)");
		weak++;
	}
	free(text);
	free(subj);
	free(prec);
	if (!first && weak >= 2)
		first = "weak signals together";
	if (!first)
		return 0;
	decide(c, VERDICT_AUTO_REPLY, "auto-reply");
	{
		size_t n = strcspn(c->signals.buf, ";");
		sb_add(&c->reason, c->signals.buf, n);
	}
	return 1;
}

void classify(const struct mime_msg *m, struct classification *c)
{
	sb_reset(&c->reason);
	sb_reset(&c->signals);
	if (m->malformed) {
		if (m->text.len && (rule_bounce(m, c) || rule_auto(m, c)))
			return;
		decide(c, VERDICT_MALFORMED, "malformed");
		sb_addstr(&c->reason, m->malformed_reason);
		return;
	}
	if (m->report_type && strcasecmp(m->report_type, "disposition-notification") == 0) {
		decide(c, VERDICT_AUTO_REPLY, "mdn");
		sb_addstr(&c->reason, "a read receipt (RFC 8098 disposition notification)");
		return;
	}
	if (rule_dsn(m, c) || rule_bounce(m, c) || rule_auto(m, c))
		return;
	decide(c, VERDICT_REPLY, "reply");
	sb_addstr(&c->reason, "no sign of an automatic message");
}
