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
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pocgate/mime.h>
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

/* A lower-case copy (ASCII letters only; UTF-8 passes through). */
static char *lower(const char *s)
{
	char *l = xstrdup(s ? s : "");

	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* The first needle found in hay, or NULL. */
static const char *find_any(const char *hay, const char *const *needles)
{
	for (size_t i = 0; needles[i]; i++)
		if (strstr(hay, needles[i]))
			return needles[i];
	return NULL;
}

/* Subjects of delivery failure notices. */
static const char *const bounce_subjects[] = {
	"undelivered mail", "undeliverable", "undelivered", "delivery status notification",
	"delivery failure", "delivery failed", "delivery has failed", "failure notice",
	"returned mail", "mail delivery failed", "mail delivery failure", "delivery problem",
	"nondeliverable", "non-deliverable", "not delivered", "could not be delivered",
	"delivery notification", "message delivery", "mail system error", "warning: could not send",
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

/* Text that says the failure is temporary or the mailbox full. */
static const char *const soft_text[] = {
	"mailbox full", "mailbox is full", "over quota", "overquota", "quota exceeded",
	"exceeded storage", "exceeds the quota", "quota", "insufficient storage", "mailbox size limit",
	"delayed", "delay", "will retry", "will be retried", "still trying", "not yet been delivered",
	"has not been delivered yet", "temporar", "try again later", "retry timeout exceeded",
	"retry time", "deferred", "greylist", "too many connections", "connection timed out",
	"timed out", "could not be delivered for", "the recipient server did not accept our requests",
	"is currently unavailable", "resources temporarily", "4.2.2", "5.2.2", NULL,
};

/* Text that says the address does not exist or refuses mail for good. */
static const char *const hard_text[] = {
	"user unknown", "unknown user", "no such user", "no such mailbox", "unknown recipient",
	"recipient unknown", "does not exist", "doesn't exist", "not exist", "invalid recipient",
	"invalid mailbox", "mailbox unavailable", "mailbox not found", "address rejected",
	"recipient address rejected", "user not found", "account has been disabled",
	"account is disabled", "no mailbox here", "unrouteable address", "host or domain name not found",
	"domain not found", "name service error", "no mx", "unknown or illegal alias",
	"address not found", "not our customer", "mailbox is inactive", "user doesn't have",
	"5.1.1", "5.1.2", "5.1.10", "5.4.1", "5.4.4", "5.7.1", "550", "551", "553", "554", NULL,
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
	"we have received your", "we received your", "ticket", "request received",
	"your request", "your message has been received", "thank you for contacting",
	"thank you for your email", "thank you for your message", "acknowledg", NULL,
};

static const char *const auto_body[] = {
	"i am out of the office", "i'm out of the office", "i am currently out", "i am away",
	"i'm away", "out of office", "i will be out", "i am on leave", "i am on vacation",
	"i will return", "limited access to email", "limited access to e-mail",
	"this is an automatic", "this is an automated", "automatically generated",
	"auto-generated", "do not reply to this", "your message has been received",
	"we have received your", "your ticket", "ticket number", "case number",
	"je suis absent", "je serai absent", "actuellement absent", "réponse automatique",
	"estoy fuera", "me encuentro fuera", "respuesta automática", "ich bin",
	"abwesend", "я в отпуске", "в командировке", "нахожусь в отпуске", "автоматический ответ",
	"我目前不在", "我正在休假", "自动回复", "أنا خارج المكتب", "رد تلقائي",
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

/* Rule 2: an RFC 3464 report. */
static int rule_dsn(const struct mime_msg *m, struct classification *c)
{
	const char *action = m->dsn.action ? m->dsn.action : "";
	const char *status = m->dsn.status ? m->dsn.status : "";
	char *diag = lower(m->dsn.diagnostic);
	int cls = status_class(status);
	const char *soft;

	if (!m->has_dsn && !(m->report_type && strcasecmp(m->report_type, "delivery-status") == 0))
		goto no;
	soft = find_any(diag, soft_text);
	if (strncmp(action, "delivered", 9) == 0 || strncmp(action, "relayed", 7) == 0 ||
	    strncmp(action, "expanded", 8) == 0) {
		decide(c, VERDICT_AUTO_REPLY, "dsn-success");
		sb_addf(&c->reason, "RFC 3464 report, Action: %s (a success notice)", action);
	} else if (strncmp(action, "delayed", 7) == 0) {
		decide(c, VERDICT_BOUNCE_SOFT, "dsn");
		sb_addf(&c->reason, "RFC 3464 report, Action: delayed%s%s", *status ? ", Status: " : "",
			status);
	} else if (cls == 4 || strncmp(status, "5.2.2", 5) == 0 || (soft && cls != 5) ||
		   (soft && strstr(diag, "quota"))) {
		decide(c, VERDICT_BOUNCE_SOFT, "dsn");
		sb_addf(&c->reason, "RFC 3464 report, Action: %s, Status: %s%s%s", *action ? action : "?",
			*status ? status : "?", soft ? ", diagnostic says " : "", soft ? soft : "");
	} else if (cls == 5 || strncmp(action, "failed", 6) == 0) {
		decide(c, VERDICT_BOUNCE_HARD, "dsn");
		sb_addf(&c->reason, "RFC 3464 report, Action: %s, Status: %s", *action ? action : "?",
			*status ? status : "?");
	} else {
		decide(c, VERDICT_BOUNCE_SOFT, "dsn");
		sb_addf(&c->reason, "RFC 3464 report without a failure status");
	}
	free(diag);
	return 1;
no:
	free(diag);
	return 0;
}

/* Rule 3: delivery failures without a standard report. */
static int rule_bounce(const struct mime_msg *m, struct classification *c)
{
	char *from = lower(m->from), *name = lower(m->from_name), *subj = lower(m->subject);
	char *text = lower(m->text.buf);
	const char *why = NULL, *sender = find_any(from, bounce_senders);
	const char *subject = find_any(subj, bounce_subjects);
	int null_sender = m->return_path && !*m->return_path;
	int rc = 0;

	if (sender && (subject || null_sender || strstr(text, "delivery") || strstr(text, "deliver")))
		why = "a delivery failure notice from";
	else if (strstr(name, "mail delivery") && subject)
		why = "a delivery failure notice from";
	else if (m->x_failed_recipients)
		why = "X-Failed-Recipients";
	else if (subject && (null_sender || sender || strstr(text, "could not be delivered") ||
			     strstr(text, "following address") || strstr(text, "recipient") ||
			     strstr(text, "permanent") || strstr(text, "delivery to the following")))
		why = "subject";
	if (!why)
		goto out;

	/* the report's own words about the failure: from its text */
	const char *soft = find_any(text, soft_text);
	const char *hard = find_any(text, hard_text);
	if (hard && !soft) {
		decide(c, VERDICT_BOUNCE_HARD, "bounce");
		sb_addf(&c->reason, "non-standard bounce (%s '%s'), text says '%s'",
			why == NULL ? "" : why[0] == 's' ? "subject" : why[0] == 'X' ? "header" : "sender",
			why[0] == 's' ? m->subject : why[0] == 'X' ? m->x_failed_recipients : m->from,
			hard);
	} else {
		decide(c, VERDICT_BOUNCE_SOFT, "bounce");
		sb_addf(&c->reason, "non-standard bounce (%s '%s'), %s%s%s",
			why[0] == 's' ? "subject" : why[0] == 'X' ? "header" : "sender",
			why[0] == 's' ? m->subject : why[0] == 'X' ? m->x_failed_recipients : m->from,
			soft ? "text says '" : "no clear permanent failure", soft ? soft : "",
			soft ? "'" : "");
	}
	rc = 1;
out:
	free(from);
	free(name);
	free(subj);
	free(text);
	return rc;
}

/* Rule 4: automatic answers. Collects every signal; the first decides. */
static int rule_auto(const struct mime_msg *m, struct classification *c)
{
	char *subj = lower(m->subject), *prec = lower(m->precedence), *text;
	const char *first = NULL, *hit;
	size_t head;

	if (m->auto_submitted && strncasecmp(m->auto_submitted, "no", 2) != 0) {
		signal_add(c, "Auto-Submitted: ", m->auto_submitted, "");
		first = first ? first : "header";
	}
	if (m->x_autoreply) {
		signal_add(c, "X-Autoreply: ", m->x_autoreply, "");
		first = first ? first : "header";
	}
	if (*prec && (strstr(prec, "bulk") || strstr(prec, "junk") || strstr(prec, "list") ||
		      strstr(prec, "auto_reply"))) {
		signal_add(c, "Precedence: ", m->precedence, "");
		first = first ? first : "header";
	}
	if (m->x_auto_response_suppress) {
		signal_add(c, "X-Auto-Response-Suppress: ", m->x_auto_response_suppress, "");
		first = first ? first : "header";
	}
	if ((hit = find_any(subj, auto_subjects)) != NULL) {
		signal_add(c, "subject contains '", hit, "'");
		first = first ? first : "subject";
	}
	/* only the start of the body: a person's reply may quote an
	 * out-of-office further down */
	head = m->text.len < 600 ? m->text.len : 600;
	text = xstrndup(m->text.buf, head);
	for (char *p = text; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if ((hit = find_any(text, auto_body)) != NULL) {
		signal_add(c, "text says '", hit, "'");
		first = first ? first : "text";
	}
	free(text);
	free(subj);
	free(prec);
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
	if (m->malformed && (!m->from || !strcmp(m->malformed_reason, "empty message") ||
			     !strcmp(m->malformed_reason, "no header fields"))) {
		/* with a sender, mail that is only partly broken is still read */
		if (!m->from && m->text.len && (rule_bounce(m, c) || rule_auto(m, c)))
			return;
		decide(c, VERDICT_MALFORMED, "malformed");
		sb_addstr(&c->reason, m->malformed_reason);
		return;
	}
	if (rule_dsn(m, c) || rule_bounce(m, c) || rule_auto(m, c))
		return;
	decide(c, VERDICT_REPLY, "reply");
	sb_addstr(&c->reason, "no sign of an automatic message");
}
