/*
 * NAME
 *	escalate - carry out what the ladder says is due
 * SYNOPSIS
 *	#include <pocgate/escalate.h>
 *	int escalate_run(struct store *st, const struct conf *conf,
 *			 const struct tmpl_set *tmpl, int64_t now,
 *			 const char *actor, struct escalate_result *res,
 *			 struct strbuf *err);
 * DESCRIPTION
 *	State by State in each open cycle, loads the pings and escalation
 *	history (one State's in memory at a time), asks the pure
 *	ladder_plan() for the actions due, and performs each in its own
 *	transaction: overdue (a state change), a reminder (a signed message
 *	to the POC), an escalation round (a signed message to the State's
 *	Permanent Mission listing every unresolved POC, the listed pings
 *	marked escalated), the unverified flag (on the ping and the contact).
 *	Messages are composed before the transaction and queued in it; the
 *	outbox submits them.
 *
 *	Escalation references are ESC-LABEL-STATE-ROUND; the ping references
 *	they list stay in the text, so a mission's reply quoting them is
 *	matched to those pings.
 * SECURITY
 *	Mission messages reveal no content of inquiries: only who was asked,
 *	when, and what came back (bounce, automatic reply, nothing).
 */
#include <pocgate/escalate.h>

#include <stdlib.h>
#include <string.h>

#include <pocgate/audit.h>
#include <pocgate/conf.h>
#include <pocgate/crypto.h>
#include <pocgate/cycle.h>
#include <pocgate/directory.h>
#include <pocgate/ladder.h>
#include <pocgate/log.h>
#include <pocgate/store.h>
#include <pocgate/template.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

struct run {
	struct store *st;
	const struct conf *conf;
	const struct tmpl_set *tmpl;
	struct crypto *crypto;		/* owned, opened when a message is needed */
	int64_t now;
	const char *actor;
	struct strbuf *err;
};

static int signer(struct run *r)
{
	if (r->crypto)
		return 0;
	return crypto_open(r->conf->signing_gnupghome, r->conf->signing_fingerprint,
			   r->conf->signing_passphrase_file, &r->crypto, r->err);
}

static int event(struct run *r, const char *kind, const char *subject, char *details)
{
	int rc = store_event_append(r->st, r->now, r->actor, kind, subject, details, r->err);

	free(details);
	return rc;
}

static int do_overdue(struct run *r, const struct store_ladder_ping *p)
{
	char subject[80];

	snprintf(subject, sizeof(subject), "ping %s", p->reference);
	if (store_begin(r->st, r->err) < 0)
		return -1;
	if (store_ping_set_state(r->st, p->id, "overdue", r->now, r->err) < 0 ||
	    event(r, "ping.overdue", subject, audit_json("{s:s}", "was", p->status)) < 0 ||
	    store_commit(r->st, r->err) < 0) {
		store_rollback(r->st);
		return -1;
	}
	return 0;
}

static int do_unverified(struct run *r, const struct store_ladder_ping *p)
{
	char subject[80];

	snprintf(subject, sizeof(subject), "ping %s", p->reference);
	if (store_begin(r->st, r->err) < 0)
		return -1;
	if (store_ping_set_state(r->st, p->id, "unverified", r->now, r->err) < 0 ||
	    store_contact_unverified(r->st, p->contact_id, r->now, r->err) < 0 ||
	    event(r, "ping.unverified", subject,
		  audit_json("{s:I, s:i}", "contact", (long long)p->contact_id, "after_rounds",
			     p->escalated_round)) < 0 ||
	    store_commit(r->st, r->err) < 0) {
		store_rollback(r->st);
		return -1;
	}
	return 0;
}

/* Queues a composed message and its event inside the open transaction. */
static int queue(struct run *r, int64_t ping_id, const char *kind, const char *to,
		 const struct strbuf *msg, const struct strbuf *msgid, const char *reference)
{
	char subject[400];

	snprintf(subject, sizeof(subject), "message %s", msgid->buf);
	return store_outbox_add(r->st, ping_id, kind, msgid->buf, r->conf->manager_address, to,
				msg->buf, msg->len, r->now, r->err) < 0 ||
			       event(r, "message.queued", subject,
				     audit_json("{s:s, s:s, s:s, s:I}", "kind", kind, "reference",
						reference, "to", to, "bytes", (long long)msg->len)) < 0 ?
		       -1 :
		       0;
}

static int do_remind(struct run *r, const struct store_ladder_ping *p)
{
	struct strbuf msg = STRBUF_INIT, msgid = STRBUF_INIT;
	struct contact c = { 0 };
	struct tmpl_var vars[16];
	char dl[40], sent[40], window[24], to[320];
	size_t nv;
	int rc = -1;

	if (store_contact_get(r->st, p->contact_id, &c, r->err) <= 0 || signer(r) < 0)
		goto out;
	cycle_format_deadline(p->deadline, dl, sizeof(dl));
	cycle_format_deadline(p->sent_at ? p->sent_at : p->status_at, sent, sizeof(sent));
	snprintf(window, sizeof(window), "%lld", (long long)((r->conf->response_window + 3599) / 3600));
	snprintf(to, sizeof(to), "%.*s", (int)strcspn(c.email, ";"), c.email);
	nv = cycle_ping_vars(&c, p->reference, dl, window, r->conf->manager_name, vars);
	vars[nv++] = (struct tmpl_var){ "sent", sent };
	if (cycle_compose_message(r->conf, r->tmpl, r->crypto, TMPL_REMINDER, c.languages, vars, nv,
				  c.name ? c.name : c.entity, to, p->reference, r->now, &msg, &msgid,
				  r->err) < 0)
		goto out;
	if (store_begin(r->st, r->err) < 0)
		goto out;
	if (queue(r, p->id, "reminder", to, &msg, &msgid, p->reference) < 0 ||
	    store_ping_reminded(r->st, p->id, r->err) < 0 || store_commit(r->st, r->err) < 0) {
		store_rollback(r->st);
		goto out;
	}
	rc = 0;
out:
	contact_release(&c);
	sb_release(&msg);
	sb_release(&msgid);
	return rc;
}

/* One line per unresolved POC of the State: who, where, what happened. */
static void describe(struct run *r, const struct store_ladder_ping *p, struct strbuf *out)
{
	struct contact c = { 0 };
	char sent[40] = "";

	if (store_contact_get(r->st, p->contact_id, &c, r->err) <= 0)
		return;
	if (p->sent_at)
		cycle_format_deadline(p->sent_at, sent, sizeof(sent));
	sb_addf(out, "- %s (%s), %.*s, %s:\n  ", c.entity_en ? c.entity_en : c.entity,
		contact_role_name(c.role), (int)strcspn(c.email, ";"), c.email, p->reference);
	if (!strcmp(p->status, "undeliverable") ||
	    (!strcmp(p->status, "escalated") && !p->sent_at))
		sb_addstr(out, "the address did not accept mail (bounced or refused)");
	else
		sb_addf(out, "pinged %s, no reply by the deadline", *sent ? sent : "(not sent)");
	sb_addch(out, '\n');
	contact_release(&c);
}

static int do_escalate(struct run *r, const struct store_ladder *l, int64_t cycle_id,
		       const char *code, int round)
{
	struct strbuf msg = STRBUF_INIT, msgid = STRBUF_INIT, list = STRBUF_INIT, ref = STRBUF_INIT;
	struct contact mission = { 0 };
	struct tmpl_var vars[16];
	char dl[40], window[24], rnd[8], to[320], subject[80];
	const char *label = NULL;
	size_t nv = 0, label_len = 0;
	int64_t esc_id;
	int rc = -1, found;

	for (size_t i = 0; i < l->npings; i++) {
		const struct store_ladder_ping *p = &l->pings[i];
		if (p->cycle_id != cycle_id || strcmp(p->state_code, code) ||
		    (strcmp(p->status, "overdue") && strcmp(p->status, "undeliverable") &&
		     strcmp(p->status, "escalated")))
			continue;
		describe(r, p, &list);
		if (!label) { /* the cycle's label, from POC-LABEL-STATE-NNNN */
			const char *last = strrchr(p->reference, '-');
			label = p->reference + 4;
			label_len = last && last - label >= 5 ? (size_t)(last - 4 - label) : 0;
		}
	}
	sb_addf(&ref, "ESC-%.*s-%s-%d", (int)label_len, label ? label : "", code, round);
	if ((found = store_mission_of_state(r->st, code, &mission, r->err)) <= 0) {
		if (found == 0)
			error_set(r->err, "State %s has no Permanent Mission contact to escalate to", code);
		goto out;
	}
	if (signer(r) < 0)
		goto out;
	cycle_format_deadline(r->now + r->conf->response_window, dl, sizeof(dl));
	snprintf(window, sizeof(window), "%lld", (long long)((r->conf->response_window + 3599) / 3600));
	snprintf(rnd, sizeof(rnd), "%d", round);
	snprintf(to, sizeof(to), "%.*s", (int)strcspn(mission.email, ";"), mission.email);
	vars[nv++] = (struct tmpl_var){ "reference", ref.buf };
	vars[nv++] = (struct tmpl_var){ "deadline", dl };
	vars[nv++] = (struct tmpl_var){ "window", window };
	vars[nv++] = (struct tmpl_var){ "manager", r->conf->manager_name };
	vars[nv++] = (struct tmpl_var){ "state", mission.state_name ? mission.state_name : code };
	vars[nv++] = (struct tmpl_var){ "contacts", list.buf };
	vars[nv++] = (struct tmpl_var){ "round", rnd };
	if (cycle_compose_message(r->conf, r->tmpl, r->crypto, TMPL_ESCALATION, mission.languages,
				  vars, nv, mission.name ? mission.name : mission.entity, to, ref.buf,
				  r->now, &msg, &msgid, r->err) < 0)
		goto out;
	if (store_begin(r->st, r->err) < 0)
		goto out;
	if (store_escalation_add(r->st, cycle_id, code, round, ref.buf, r->now, &esc_id, r->err) < 0 ||
	    queue(r, 0, "escalation", to, &msg, &msgid, ref.buf) < 0 ||
	    store_outbox_link_escalation(r->st, msgid.buf, esc_id, r->err) < 0)
		goto rollback;
	for (size_t i = 0; i < l->npings; i++) {
		const struct store_ladder_ping *p = &l->pings[i];
		if (p->cycle_id == cycle_id && !strcmp(p->state_code, code) &&
		    (!strcmp(p->status, "overdue") || !strcmp(p->status, "undeliverable") ||
		     !strcmp(p->status, "escalated")) &&
		    store_ping_escalated(r->st, p->id, round, r->now, r->err) < 0)
			goto rollback;
	}
	snprintf(subject, sizeof(subject), "escalation %s", ref.buf);
	if (event(r, "escalation.queued", subject,
		  audit_json("{s:s, s:i, s:s, s:s}", "state", code, "round", round, "to", to,
			     "contacts", list.buf)) < 0 ||
	    store_commit(r->st, r->err) < 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	store_rollback(r->st);
out:
	contact_release(&mission);
	sb_release(&msg);
	sb_release(&msgid);
	sb_release(&list);
	sb_release(&ref);
	return rc;
}

/* Every escalated POC of the State answered: the case is closed, and the
 * Mission told so when the configuration asks for it. */
static int do_close(struct run *r, const struct store_ladder *l, int64_t cycle_id, const char *code)
{
	struct strbuf msg = STRBUF_INIT, msgid = STRBUF_INIT, list = STRBUF_INIT, ref = STRBUF_INIT;
	struct contact mission = { 0 };
	struct tmpl_var vars[8];
	char to[320] = "", subject[80];
	int rounds = 0, rc = -1, found;

	for (size_t i = 0; i < l->nstates; i++)
		if (l->states[i].cycle_id == cycle_id && !strcmp(l->states[i].state_code, code))
			rounds = l->states[i].rounds;
	for (size_t i = 0; i < l->npings; i++) {
		const struct store_ladder_ping *p = &l->pings[i];
		struct contact c = { 0 };
		if (p->cycle_id != cycle_id || strcmp(p->state_code, code) || !p->escalated_round)
			continue;
		if (store_contact_get(r->st, p->contact_id, &c, r->err) > 0)
			sb_addf(&list, "- %s (%s), %.*s, %s: %s\n", c.entity_en ? c.entity_en : c.entity,
				contact_role_name(c.role), (int)strcspn(c.email, ";"), c.email,
				p->reference, !strcmp(p->status, "resolved") ? "closed by the manager" :
									       "confirmed");
		contact_release(&c);
	}
	/* the note's own reference: RES- and the last round's ESC- reference's rest */
	for (size_t i = 0; i < l->npings && !ref.len; i++) {
		const struct store_ladder_ping *p = &l->pings[i];
		const char *last = strrchr(p->reference, '-');
		if (p->cycle_id == cycle_id && last && last - p->reference > 9)
			sb_addf(&ref, "RES-%.*s-%s-%d", (int)(last - 4 - (p->reference + 4)),
				p->reference + 4, code, rounds);
	}
	if (r->conf->resolution_note) {
		if ((found = store_mission_of_state(r->st, code, &mission, r->err)) <= 0) {
			if (found == 0)
				error_set(r->err, "State %s has no Permanent Mission contact", code);
			goto out;
		}
		if (signer(r) < 0)
			goto out;
		snprintf(to, sizeof(to), "%.*s", (int)strcspn(mission.email, ";"), mission.email);
		vars[0] = (struct tmpl_var){ "reference", ref.buf };
		vars[1] = (struct tmpl_var){ "manager", r->conf->manager_name };
		vars[2] = (struct tmpl_var){ "state", mission.state_name ? mission.state_name : code };
		vars[3] = (struct tmpl_var){ "contacts", list.buf };
		if (cycle_compose_message(r->conf, r->tmpl, r->crypto, TMPL_RESOLVED, mission.languages,
					  vars, 4, mission.name ? mission.name : mission.entity, to,
					  ref.buf, r->now, &msg, &msgid, r->err) < 0)
			goto out;
	}
	if (store_begin(r->st, r->err) < 0)
		goto out;
	if ((r->conf->resolution_note && queue(r, 0, "escalation", to, &msg, &msgid, ref.buf) < 0) ||
	    store_escalation_close(r->st, cycle_id, code, r->now, r->err) < 0)
		goto rollback;
	snprintf(subject, sizeof(subject), "escalation %s", ref.buf);
	if (event(r, "escalation.closed", subject,
		  audit_json("{s:s, s:i, s:b, s:s}", "state", code, "rounds", rounds, "note_sent",
			     r->conf->resolution_note, "contacts", list.buf)) < 0 ||
	    store_commit(r->st, r->err) < 0)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	store_rollback(r->st);
out:
	contact_release(&mission);
	sb_release(&msg);
	sb_release(&msgid);
	sb_release(&list);
	sb_release(&ref);
	return rc;
}

/* The ladder's inputs for one group, borrowed from l. */
static void ladder_inputs(const struct store_ladder *l, struct ladder_ping *lp,
			  struct ladder_state *ls)
{
	for (size_t i = 0; i < l->npings; i++) {
		const struct store_ladder_ping *p = &l->pings[i];
		lp[i] = (struct ladder_ping){ p->id, p->state_code, p->status, p->deadline,
					      p->status_at, p->reminded, p->escalated_round };
	}
	for (size_t i = 0; i < l->nstates; i++)
		ls[i] = (struct ladder_state){ l->states[i].state_code, l->states[i].rounds,
					       l->states[i].last_at, l->states[i].closed };
}

/* Carries out what is due for one State in one cycle; then, from the
 * state as it is now, when that group next has something to do. */
static int run_group(struct run *r, const struct ladder_conf *lc, const struct store_ladder_group *g,
		     struct escalate_result *res)
{
	struct store_ladder l;
	struct ladder_ping *lp;
	struct ladder_state ls[1];
	struct ladder_action *act;
	size_t n, max;
	int64_t next;

	if (store_ladder_load(r->st, g, &l, r->err) < 0)
		return -1;
	/* at most a reminder and a state change per ping, and the State's own */
	max = 2 * l.npings + 4;
	lp = xcalloc(l.npings + 1, sizeof(*lp));
	act = xcalloc(max, sizeof(*act));
	ladder_inputs(&l, lp, ls);
	n = ladder_plan(lc, lp, l.npings, ls, l.nstates, r->now, act, max);
	for (size_t i = 0; i < n; i++) {
		const struct store_ladder_ping *p = NULL;
		for (size_t k = 0; k < l.npings && act[i].ping_id; k++)
			if (l.pings[k].id == act[i].ping_id)
				p = &l.pings[k];
		int ok = 0;
		switch (act[i].kind) {
		case LADDER_OVERDUE:
			ok = p && do_overdue(r, p) == 0;
			res->overdue += ok;
			break;
		case LADDER_REMIND:
			ok = p && do_remind(r, p) == 0;
			res->reminders += ok;
			break;
		case LADDER_ESCALATE:
			ok = do_escalate(r, &l, g->cycle_id, act[i].state_code, act[i].round) == 0;
			res->escalations += ok;
			break;
		case LADDER_UNVERIFIED:
			ok = p && do_unverified(r, p) == 0;
			res->unverified += ok;
			break;
		case LADDER_CLOSE:
			ok = do_close(r, &l, g->cycle_id, act[i].state_code) == 0;
			res->closed += ok;
			break;
		}
		if (!ok) {
			msg_error("ladder: %s", r->err->buf);
			sb_reset(r->err);
		}
	}
	if (n) { /* what is next, from the state as it is now */
		store_ladder_release(&l);
		free(lp);
		if (store_ladder_load(r->st, g, &l, r->err) < 0) {
			free(act);
			return -1;
		}
		lp = xcalloc(l.npings + 1, sizeof(*lp));
		ladder_inputs(&l, lp, ls);
	}
	next = ladder_next(lc, lp, l.npings, ls, l.nstates, r->now);
	if (next > 0 && (res->next == 0 || next < res->next))
		res->next = next;
	store_ladder_release(&l);
	free(lp);
	free(act);
	return 0;
}

int escalate_run(struct store *st, const struct conf *conf, const struct tmpl_set *tmpl,
		 int64_t now, const char *actor, struct escalate_result *res, struct strbuf *err)
{
	struct run r = { st, conf, tmpl, NULL, now, actor, err };
	struct ladder_conf lc = { conf->reminder, conf->escalation_delay, conf->escalation_repeat,
				  conf->escalation_max };
	struct store_ladder_group *groups = NULL;
	size_t ngroups = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (store_ladder_groups(st, &groups, &ngroups, err) < 0)
		return -1;
	/* State by State: rounds count per cycle and State */
	for (size_t i = 0; i < ngroups; i++)
		if (run_group(&r, &lc, &groups[i], res) < 0)
			goto out;
	rc = 0;
out:
	free(groups);
	crypto_close(&r.crypto);
	return rc;
}
