/*
 * NAME
 *	outbox - submit what is due from the durable outbound queue
 * SYNOPSIS
 *	#include <pocgate/outbox.h>
 *	outbox_flush(), outbox_backoff()
 * DESCRIPTION
 *	Messages are stored complete (final signed bytes, Message-ID) before
 *	this module sees them. A message is marked submitted only after the
 *	server accepted it; if pocgate dies in between, the message is still
 *	due and is submitted again with the same Message-ID, which receivers
 *	treat as one message. Each result is committed as soon as the server
 *	has answered, so a crash makes at most the message in flight go
 *	twice (with 64 results to a transaction, as before, up to 64 could;
 *	signing, not this commit, is what limits a cycle's pace).
 *
 *	States: queued -> submitted | tempfail (due again after a backoff) |
 *	permfail (5xx; the ping becomes undeliverable). Each transition is an
 *	audit event with the server's reply.
 * STANDARDS
 *	RFC 5321 section 4.2.1 (reply code classes).
 */
#include <pocgate/outbox.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pocgate/audit.h>
#include <pocgate/conf.h>
#include <pocgate/log.h>
#include <pocgate/progress.h>
#include <pocgate/smtp.h>
#include <pocgate/store.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

#define FETCH 512

int64_t outbox_backoff(int attempts)
{
	static const int64_t steps[] = { 60, 300, 900, 3600 };

	if (attempts < 0)
		attempts = 0;
	if ((size_t)attempts < sizeof(steps) / sizeof(steps[0]))
		return steps[attempts];
	return 4 * 3600;
}

/* Records one attempt's result inside the open transaction. */
static int record(struct store *st, const struct store_outmsg *m, enum smtp_status status,
		  const char *reply, int64_t now, const char *actor, struct strbuf *err)
{
	const char *state = status == SMTP_SENT ? "submitted" :
			    status == SMTP_PERMFAIL ? "permfail" : "tempfail";
	char subject[400], *details;
	int64_t next = status == SMTP_TEMPFAIL ? now + outbox_backoff(m->attempts) : now;
	int rc;

	if (store_outbox_mark(st, m->id, state, reply, next, now, err) < 0)
		return -1;
	if (m->ping_id && status != SMTP_TEMPFAIL &&
	    store_ping_set_state(st, m->ping_id, status == SMTP_SENT ? "sent" : "undeliverable",
				 now, err) < 0)
		return -1;
	snprintf(subject, sizeof(subject), "message %s", m->message_id);
	details = audit_json("{s:s, s:s, s:s, s:i}", "kind", m->kind, "to", m->recipient, "reply",
			     reply, "attempt", m->attempts + 1);
	rc = store_event_append(st, now, actor,
				status == SMTP_SENT ? "message.submitted" :
				status == SMTP_PERMFAIL ? "message.refused" : "message.deferred",
				subject, details, err);
	free(details);
	return rc;
}

int outbox_flush(struct store *st, const struct conf *conf, int64_t now, const char *actor,
		 struct outbox_result *res, struct strbuf *err)
{
	struct store_outmsg *v = NULL;
	struct strbuf reply = STRBUF_INIT;
	struct smtp *smtp = NULL;
	size_t n = 0, i = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	for (;;) {
		if (store_outbox_due(st, now, FETCH, &v, &n, err) < 0)
			goto out;
		if (n == 0)
			break;
		if (!smtp && smtp_open(&conf->smtp, &smtp, err) < 0) {
			res->left = (unsigned)n;
			goto out;
		}
		for (i = 0; i < n; i++) {
			struct store_outmsg *m = &v[i];
			enum smtp_status s = smtp_send(smtp, m->sender, m->recipient, m->data, m->len,
						       &reply);
			if (s == SMTP_CONNFAIL) {
				/* one new connection, then give up for this run */
				msg_warn("connection to '%s' lost (%s); reconnecting", conf->smtp.host,
					 reply.buf);
				smtp_close(&smtp);
				if (smtp_open(&conf->smtp, &smtp, err) == 0) {
					s = smtp_send(smtp, m->sender, m->recipient, m->data, m->len,
						      &reply);
				} else {
					sb_reset(&reply);
					sb_addstr(&reply, err->buf);
				}
			}
			if (s == SMTP_CONNFAIL) {
				/* nothing is recorded: the message stays due as it was */
				error_set(err, "connection to '%s' lost: %s", conf->smtp.host, reply.buf);
				res->left = (unsigned)(n - i);
				goto out;
			}
			progress_beat();
			if (store_begin(st, err) < 0)
				goto out;
			if (record(st, m, s, reply.buf, utc_now(), actor, err) < 0 ||
			    store_commit(st, err) < 0) {
				store_rollback(st);
				goto out;
			}
			if (s == SMTP_SENT)
				res->submitted++;
			else if (s == SMTP_PERMFAIL) {
				res->permfail++;
				msg_warn("'%s' refused %s to '%s': %s", conf->smtp.host, m->message_id,
					 m->recipient, reply.buf);
			} else {
				res->tempfail++;
				msg_info("'%s' deferred %s to '%s': %s", conf->smtp.host, m->message_id,
					 m->recipient, reply.buf);
			}
		}
		store_outmsgs_free(v, n);
		v = NULL;
		n = 0;
	}
	rc = 0;
out:
	store_outmsgs_free(v, n);
	smtp_close(&smtp);
	sb_release(&reply);
	return rc;
}

/* ---- submitting alongside composing ---- */

#define IDLE_NS 50000000L /* between flushes that found nothing due */

struct outbox_sender {
	pthread_t tid;
	const struct conf *conf;	/* borrowed */
	const char *actor;		/* borrowed */
	atomic_int finishing;
	struct outbox_result total;
	struct strbuf err;
	int failed;
};

static void *sender_main(void *arg)
{
	struct outbox_sender *s = arg;
	struct store *st = NULL;
	struct outbox_result r;

	if (store_open(s->conf->database, &st, &s->err) < 0) {
		s->failed = 1;
		return NULL;
	}
	for (;;) {
		int last = atomic_load(&s->finishing);
		if (outbox_flush(st, s->conf, utc_now(), s->actor, &r, &s->err) < 0) {
			s->failed = 1;
			break;
		}
		s->total.submitted += r.submitted;
		s->total.tempfail += r.tempfail;
		s->total.permfail += r.permfail;
		if (last)
			break;
		if (!r.submitted && !r.tempfail && !r.permfail) {
			struct timespec ts = { 0, IDLE_NS };
			nanosleep(&ts, NULL);
		}
	}
	store_close(&st);
	return NULL;
}

struct outbox_sender *outbox_sender_start(const struct conf *conf, const char *actor)
{
	struct outbox_sender *s = xcalloc(1, sizeof(*s));

	s->conf = conf;
	s->actor = actor;
	sb_init(&s->err, 0);
	if (pthread_create(&s->tid, NULL, sender_main, s) != 0)
		msg_fatal(71, "cannot start the submission thread");
	return s;
}

int outbox_sender_finish(struct outbox_sender **sp, struct outbox_result *res, struct strbuf *err)
{
	struct outbox_sender *s = *sp;
	int rc;

	atomic_store(&s->finishing, 1);
	pthread_join(s->tid, NULL);
	*res = s->total;
	rc = s->failed ? error_set(err, "%s", s->err.buf) : 0;
	sb_release(&s->err);
	free(s);
	*sp = NULL;
	return rc;
}
