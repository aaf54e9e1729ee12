/*
 * escalate.h - carrying out the ladder: reminders, overdue, escalations
 */
#ifndef POCGATE_ESCALATE_H
#define POCGATE_ESCALATE_H

#include <stdint.h>

#include <pocgate/strbuf.h>

struct conf;
struct store;
struct tmpl_set;

struct escalate_result {
	unsigned reminders, overdue, escalations, unverified, closed;
	int64_t next;	/* when something is next due, 0: nothing pending */
};

/*
 * Asks ladder_plan() what is due at now in the open cycles and does it:
 * each action's messages are composed and signed first, then the state
 * change, the queued message and the audit event are committed together,
 * so a crash repeats nothing and loses nothing. Escalations go to the
 * State's Permanent Mission, one per State per round, in the mission's
 * language and English, listing each silent or undeliverable POC and what
 * was tried.
 */
int escalate_run(struct store *st, const struct conf *conf, const struct tmpl_set *tmpl,
		 int64_t now, const char *actor, struct escalate_result *res, struct strbuf *err);

#endif
