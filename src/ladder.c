/*
 * NAME
 *	ladder - reminders, deadlines and escalation, as a pure function
 * SYNOPSIS
 *	#include <pocgate/ladder.h>
 *	size_t ladder_plan(const struct ladder_conf *conf,
 *			   const struct ladder_ping *pings, size_t npings,
 *			   const struct ladder_state *states, size_t nstates,
 *			   int64_t now, struct ladder_action *out, size_t max);
 * DESCRIPTION
 *	Annex A para 8: POCs reply within the response window; in the absence
 *	of a response the directory manager contacts the State's authorities
 *	(its Permanent Mission). The ladder, per cycle:
 *
 *	  waiting (sent, auto-replied) --reminder before deadline--> reminded
 *	  waiting --deadline--> overdue
 *	  overdue | undeliverable --escalation_delay--> escalation round 1 (per State)
 *	  still unresolved --escalation_repeat--> round 2 ... escalation_max
 *	  still unresolved --escalation_repeat after the last--> unverified
 *
 *	A ping leaves the ladder when it is confirmed (in time or late) or
 *	resolved by hand. The function has no I/O and no clock: the caller
 *	records each action before carrying it out, so running it again after
 *	a crash gives no duplicate.
 */
#include <pocgate/ladder.h>

#include <string.h>

static int waiting(const char *s)
{
	return !strcmp(s, "sent") || !strcmp(s, "auto-replied");
}

static int unresolved(const char *s)
{
	return !strcmp(s, "overdue") || !strcmp(s, "undeliverable") || !strcmp(s, "escalated");
}

static int answered(const char *s)
{
	return !strcmp(s, "confirmed") || !strcmp(s, "late-confirmed") || !strcmp(s, "resolved");
}

static const struct ladder_state *state_of(const struct ladder_state *v, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].state_code, code))
			return &v[i];
	return NULL;
}

static size_t push(struct ladder_action *out, size_t n, size_t max, struct ladder_action a)
{
	if (n < max)
		out[n] = a;
	return n + 1;
}

size_t ladder_plan(const struct ladder_conf *conf, const struct ladder_ping *p, size_t np,
		   const struct ladder_state *st, size_t ns, int64_t now, struct ladder_action *out,
		   size_t max)
{
	size_t n = 0;

	/* per ping: reminders and deadlines */
	for (size_t i = 0; i < np; i++) {
		if (!waiting(p[i].status))
			continue;
		if (now >= p[i].deadline) {
			n = push(out, n, max, (struct ladder_action){ LADDER_OVERDUE, p[i].id, NULL, 0 });
		} else if (conf->reminder > 0 && !p[i].reminded &&
			   now >= p[i].deadline - conf->reminder) {
			n = push(out, n, max, (struct ladder_action){ LADDER_REMIND, p[i].id, NULL, 0 });
		}
	}

	/* per State: escalation rounds, then the flag */
	for (size_t i = 0; i < np; i++) {
		const char *code = p[i].state_code;
		int first = 1;
		int64_t oldest = INT64_MAX;

		if (!unresolved(p[i].status))
			continue;
		for (size_t j = 0; j < i; j++) /* each State once, at its first unresolved ping */
			if (unresolved(p[j].status) && !strcmp(p[j].state_code, code))
				first = 0;
		if (!first)
			continue;
		for (size_t j = i; j < np; j++)
			if (unresolved(p[j].status) && !strcmp(p[j].state_code, code) &&
			    p[j].status_at < oldest)
				oldest = p[j].status_at;
		const struct ladder_state *s = state_of(st, ns, code);
		int rounds = s ? s->rounds : 0;
		int64_t last = s ? s->last_at : 0;
		/* unresolved pings no round has listed yet, and since when */
		int64_t fresh = INT64_MAX;
		for (size_t j = i; j < np; j++)
			if (unresolved(p[j].status) && !strcmp(p[j].state_code, code) &&
			    p[j].escalated_round == 0 && p[j].status_at < fresh)
				fresh = p[j].status_at;

		if (rounds == 0) {
			if (now >= oldest + conf->escalation_delay)
				n = push(out, n, max,
					 (struct ladder_action){ LADDER_ESCALATE, 0, code, 1 });
		} else if (rounds >= conf->escalation_max && fresh != INT64_MAX) {
			/* a POC fell silent after the State's rounds were used: it is
			 * reported once before it can be flagged */
			if (now >= fresh + conf->escalation_delay)
				n = push(out, n, max,
					 (struct ladder_action){ LADDER_ESCALATE, 0, code, rounds + 1 });
		} else if (now >= last + conf->escalation_repeat) {
			if (rounds < conf->escalation_max) {
				n = push(out, n, max,
					 (struct ladder_action){ LADDER_ESCALATE, 0, code, rounds + 1 });
			} else {
				for (size_t j = i; j < np; j++)
					if (unresolved(p[j].status) && !strcmp(p[j].state_code, code) &&
					    p[j].escalated_round > 0)
						n = push(out, n, max,
							 (struct ladder_action){ LADDER_UNVERIFIED,
										 p[j].id, NULL, 0 });
			}
		}
	}

	/* per escalated State: closed once every escalated ping was answered */
	for (size_t k = 0; k < ns; k++) {
		int open = 0, any = 0;
		if (st[k].rounds == 0 || st[k].closed)
			continue;
		for (size_t i = 0; i < np; i++) {
			if (strcmp(p[i].state_code, st[k].state_code) || p[i].escalated_round == 0)
				continue;
			any = 1;
			if (!answered(p[i].status))
				open = 1;
		}
		if (any && !open)
			n = push(out, n, max,
				 (struct ladder_action){ LADDER_CLOSE, 0, st[k].state_code, 0 });
	}
	return n;
}

static void earliest(int64_t *best, int64_t t, int64_t now)
{
	if (t > now && (*best == 0 || t < *best))
		*best = t;
}

int64_t ladder_next(const struct ladder_conf *conf, const struct ladder_ping *p, size_t np,
		    const struct ladder_state *st, size_t ns, int64_t now)
{
	int64_t best = 0;

	for (size_t i = 0; i < np; i++) {
		if (waiting(p[i].status)) {
			if (conf->reminder > 0 && !p[i].reminded)
				earliest(&best, p[i].deadline - conf->reminder, now);
			earliest(&best, p[i].deadline, now);
		} else if (unresolved(p[i].status)) {
			const struct ladder_state *s = state_of(st, ns, p[i].state_code);
			if (!s || s->rounds == 0 ||
			    (p[i].escalated_round == 0 && s->rounds >= conf->escalation_max))
				earliest(&best, p[i].status_at + conf->escalation_delay, now);
			else
				earliest(&best, s->last_at + conf->escalation_repeat, now);
		}
	}
	return best;
}
