/*
 * ladder.h - what is due in a cycle: reminders, deadlines, escalations
 *
 * A pure function over plain data (the time is an argument): the daemon
 * reads the cycle's pings and escalations from the store, asks
 * ladder_plan() what is due now, and carries the actions out.
 */
#ifndef POCGATE_LADDER_H
#define POCGATE_LADDER_H

#include <stddef.h>
#include <stdint.h>

struct ladder_conf {
	int64_t reminder;		/* seconds before the deadline; 0: none */
	int64_t escalation_delay;	/* wait after the first cause, so one State gets one message */
	int64_t escalation_repeat;	/* seconds between rounds */
	int escalation_max;		/* rounds before the entry is flagged unverified */
};

/* One ping as the ladder sees it. */
struct ladder_ping {
	int64_t id;
	const char *state_code;		/* borrowed: the State (ISO alpha-3) */
	const char *status;		/* borrowed: the ping's state */
	int64_t deadline;
	int64_t status_at;		/* when it entered its state */
	int reminded;			/* a reminder was queued */
	int escalated_round;		/* the last escalation round that listed it; 0: none */
};

/* One State's escalations so far in the cycle. */
struct ladder_state {
	const char *state_code;		/* borrowed */
	int rounds;			/* escalations sent */
	int64_t last_at;		/* when the last one was queued */
	int closed;			/* the resolution note was queued */
};

enum ladder_kind {
	LADDER_REMIND,		/* queue a reminder to the POC */
	LADDER_OVERDUE,		/* the deadline passed without a confirmation */
	LADDER_ESCALATE,	/* queue round `round` to the State's Permanent Mission */
	LADDER_UNVERIFIED,	/* the last round passed: flag the entry unverified */
	LADDER_CLOSE,		/* every escalated POC of a State answered: tell the Mission */
};

struct ladder_action {
	enum ladder_kind kind;
	int64_t ping_id;		/* REMIND, OVERDUE, UNVERIFIED */
	const char *state_code;		/* ESCALATE: borrowed from the input */
	int round;			/* ESCALATE */
};

/*
 * Decides what is due at now. Pings that wait (sent, auto-replied) get a
 * reminder once when reminder is set and the deadline is that close, and
 * become overdue at the deadline. A State with overdue or undeliverable
 * pings gets escalation round 1 once its oldest such ping has waited
 * escalation_delay, then a further round every escalation_repeat while any
 * of them is still unresolved, up to escalation_max; escalation_repeat
 * after the last round, its unresolved pings are flagged unverified. When
 * every escalated ping of an escalated State has been confirmed or
 * resolved by hand, the State's case is closed (LADDER_CLOSE, once).
 * Returns how many actions were written to out (at most max).
 */
size_t ladder_plan(const struct ladder_conf *conf, const struct ladder_ping *pings, size_t npings,
		   const struct ladder_state *states, size_t nstates, int64_t now,
		   struct ladder_action *out, size_t max);

/* The earliest time after now at which ladder_plan() would have something
 * to do, or 0 when nothing is pending. Pure. */
int64_t ladder_next(const struct ladder_conf *conf, const struct ladder_ping *pings, size_t npings,
		    const struct ladder_state *states, size_t nstates, int64_t now);

#endif
