/*
 * outbox.h - submitting the durable outbound queue
 */
#ifndef POCGATE_OUTBOX_H
#define POCGATE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include <pocgate/strbuf.h>

struct conf;
struct store;

struct outbox_result {
	unsigned submitted, tempfail, permfail;
	unsigned left;		/* still due when the run ended */
};

/* The delay before attempt number attempts + 1 after a temporary failure:
 * 1m, 5m, 15m, 1h, then every 4h. Pure. */
int64_t outbox_backoff(int attempts);

/*
 * Submits every message due at now over one SMTP connection, recording each
 * result (and the ping's new state, and an audit event) in the store
 * before going on; results are committed in small batches. A 5xx refusal
 * marks the message failed for good and its POC undeliverable; a 4xx, or
 * a broken connection, leaves it for a later attempt. Returns 0 when the
 * queue was worked through, -1 when the server could not be reached or the
 * store failed (*err says which; nothing is lost: the messages stay due).
 */
int outbox_flush(struct store *st, const struct conf *conf, int64_t now, const char *actor,
		 struct outbox_result *res, struct strbuf *err);

/*
 * A submission thread with its own store connection and SMTP session, for
 * submitting while pings are still being composed and signed: signing is
 * the slow part, so submission then costs almost no extra time. It flushes
 * the queue again and again until outbox_sender_finish(), which lets it
 * submit what is left, joins it, and returns its totals (and -1 with *err
 * when the server could not be reached or the store failed).
 */
struct outbox_sender;
struct outbox_sender *outbox_sender_start(const struct conf *conf, const char *actor);
int outbox_sender_finish(struct outbox_sender **s, struct outbox_result *res, struct strbuf *err);

#endif
