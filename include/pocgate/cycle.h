/*
 * cycle.h - ping cycles: planning, composing and signing the pings
 */
#ifndef POCGATE_CYCLE_H
#define POCGATE_CYCLE_H

#include <stddef.h>
#include <stdint.h>

#include <pocgate/strbuf.h>

struct conf;
struct store;
struct tmpl_set;
struct contact;
struct tmpl_var;
struct crypto;
#include <pocgate/template.h>

struct cycle_start_opts {
	const char *label;	/* NULL: "YYYYH1" or "YYYYH2" from now */
	int force;		/* start even when another cycle is open */
	const char *actor;	/* for the audit trail */
};

struct cycle_start_result {
	int64_t cycle_id;
	char label[64];
	int64_t deadline;
	unsigned pings;
};

/* Creates a cycle and queues one ping for every POC (diplomatic and
 * technical contacts), all in one transaction with their audit events.
 * Returns 0, -1 on error, -2 when another cycle is still open (and force
 * is not set); *err says why. */
int cycle_start(struct store *st, const struct conf *conf, const struct cycle_start_opts *o,
		int64_t now, struct cycle_start_result *res, struct strbuf *err);

/* "2026H2" for a time in the second half of 2026. */
void cycle_default_label(int64_t now, char *buf, size_t size);
/* 0 when label is 1-32 characters of [A-Za-z0-9-]. */
int cycle_label_check(const char *label);

/* The placeholders of a ping or reminder for a POC: fills vars (at least
 * 10 entries) from the contact and the given strings; returns how many.
 * Pure. */
size_t cycle_ping_vars(const struct contact *c, const char *reference, const char *deadline,
		       const char *window, const char *manager, struct tmpl_var *vars);
/* "2026-11-25 14:00 UTC" */
void cycle_format_deadline(int64_t t, char *buf, size_t size);

/* Renders a template for a recipient (languages: ISO 639-1, ';'-joined)
 * and composes the signed message with a new Message-ID for reference. */
int cycle_compose_message(const struct conf *conf, const struct tmpl_set *tmpl, struct crypto *cr,
			  enum tmpl_kind kind, const char *languages, const struct tmpl_var *vars,
			  size_t nvars, const char *to_name, const char *to_addr,
			  const char *reference, int64_t now, struct strbuf *msg, struct strbuf *msgid,
			  struct strbuf *err);

/* Composes and signs every queued ping that has no message yet (of any
 * cycle), with workers GPGME contexts in parallel, and stores each message
 * complete in the outbound queue, in batches. A progress bar is shown at a
 * terminal. *composed gets the count. */
int cycle_compose(struct store *st, const struct conf *conf, const struct tmpl_set *tmpl,
		  int workers, const char *actor, size_t *composed, struct strbuf *err);

#endif
