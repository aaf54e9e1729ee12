/*
 * NAME
 *	cmd_inbox - pocgate inbox | match UID REFERENCE | explain WHAT
 * DESCRIPTION
 *	inbox lists the messages read from the mailbox that answer no ping (or
 *	all of them), for a person to look at. match links one to a ping by
 *	hand: the ping's state changes as if the message had been matched, and
 *	the audit trail records who did it. explain tells, in plain words, what
 *	pocgate made of a message (by UID or Message-ID) or of a ping (by its
 *	reference): the verdict and why, the match and its evidence, the
 *	signature, and the state it led to.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <pocgate/audit.h>
#include <pocgate/classify.h>
#include <pocgate/conf.h>
#include <pocgate/csv.h>
#include <pocgate/cycle.h>
#include <pocgate/directory.h>
#include <pocgate/log.h>
#include <pocgate/match.h>
#include <pocgate/store.h>
#include <pocgate/timeutil.h>

#include "cli.h"

/* ---- inbox ---- */

struct inbox_ctx {
	enum export_format fmt;
	json_t *array;
	unsigned n;
};

static int inbox_row(const struct store_inbound_row *r, void *vctx)
{
	struct inbox_ctx *x = vctx;
	char at[32];

	x->n++;
	utc_format(r->received_at, at, sizeof(at));
	if (x->fmt == EXPORT_JSON) {
		json_array_append_new(
			x->array,
			json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s, s:s?, s:s?, s:s?}", "uid",
				  (json_int_t)r->uid, "received", at, "from", r->from_addr, "subject",
				  r->subject, "message_id", r->message_id, "verdict", r->verdict,
				  "reason", r->reason, "reference", r->reference, "evidence",
				  r->match_evidence));
	} else if (x->fmt == EXPORT_CSV) {
		struct strbuf l = STRBUF_INIT;
		char uid[24];
		const char *v[] = { uid, at, r->from_addr, r->subject, r->verdict, r->reason,
				    r->reference, r->match_evidence };
		snprintf(uid, sizeof(uid), "%lld", (long long)r->uid);
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			if (i)
				sb_addch(&l, ',');
			csv_add_field(&l, v[i] ? v[i] : "");
		}
		sb_addstr(&l, "\r\n");
		fwrite(l.buf, 1, l.len, stdout);
		sb_release(&l);
	} else {
		printf("%-6lld %.16s  %-30.30s %-11s %.60s\n", (long long)r->uid, at,
		       r->from_addr ? r->from_addr : "-", r->verdict, r->subject ? r->subject : "");
	}
	return 0;
}

int cmd_inbox(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct inbox_ctx x = { .fmt = EXPORT_TABLE };
	struct strbuf err = STRBUF_INIT;
	int c, all = 0, rc = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: pocgate inbox [--all] [--format table|csv|json]\n"
		       "  messages read from the mailbox that answer no ping (--all: every one)\n");
		return 0;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "af:", opts, NULL)) != -1) {
		if (c == 'a') {
			all = 1;
		} else if (c != 'f' || export_format_parse(optarg, &x.fmt) < 0) {
			if (c == 'f')
				msg_error("'%s' is not a format: table, csv or json", optarg);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		return EX_USAGE;
	}
	if (x.fmt == EXPORT_TABLE)
		printf("%-6s %-16s  %-30s %-11s %s\n", "UID", "RECEIVED", "FROM", "VERDICT", "SUBJECT");
	else if (x.fmt == EXPORT_CSV)
		printf("uid,received,from,subject,verdict,reason,reference,evidence\r\n");
	else
		x.array = json_array();
	if (store_inbound_foreach(cli->store, !all, inbox_row, &x, &err) < 0) {
		msg_error("%s", err.buf);
		rc = EX_IOERR;
	} else if (x.fmt == EXPORT_JSON) {
		json_dumpf(x.array, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (x.fmt == EXPORT_TABLE) {
		printf("\n%u message%s%s; link one to its ping with 'pocgate match UID REFERENCE'\n",
		       x.n, x.n == 1 ? "" : "s", all ? "" : " not matched");
	}
	json_decref(x.array);
	sb_release(&err);
	return rc;
}

/* ---- match ---- */

static int copy_row(const struct store_inbound_row *r, void *vctx)
{
	struct store_inbound_row *out = vctx;

	*out = *r;
	/* the strings die with the statement: keep what is needed */
	out->verdict = r->verdict ? strdup(r->verdict) : NULL;
	out->reference = r->reference ? strdup(r->reference) : NULL;
	return 1;
}

int cmd_match(struct cli *cli, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT, ev = STRBUF_INIT;
	struct store_inbound_row row = { 0 };
	struct store_ping_ref ping;
	enum verdict v;
	const char *new_state;
	char *end, *details, subject[64];
	long long uid;
	int r, rc = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: pocgate match UID REFERENCE\n"
		       "  link the message with that UID (see 'pocgate inbox') to the ping with that\n"
		       "  reference, by hand: the ping's state changes as the message says\n");
		return 0;
	}
	if (argc != 3 || (uid = strtoll(argv[1], &end, 10)) <= 0 || *end) {
		msg_error("usage: pocgate match UID REFERENCE");
		return EX_USAGE;
	}
	if (store_begin(cli->store, &err) < 0)
		goto fail;
	row.id = 0;
	if (store_inbound_find(cli->store, cli->conf->imap_folder, uid, NULL, 0, copy_row, &row,
			       &err) < 0)
		goto fail;
	if (!row.id) {
		msg_error("no message with UID %lld in '%s' has been read", uid, cli->conf->imap_folder);
		rc = EX_NOINPUT;
		goto out;
	}
	if ((r = store_ping_by_reference(cli->store, argv[2], &ping, &err)) < 0)
		goto fail;
	if (!r) {
		msg_error("no ping has the reference '%s'", argv[2]);
		rc = EX_NOINPUT;
		goto out;
	}
	if (verdict_parse(row.verdict, &v) < 0)
		v = VERDICT_MALFORMED;
	new_state = match_transition(v, ping.state, row.received_at > ping.deadline);
	sb_addf(&ev, "linked by hand by %s", audit_actor());
	if (store_inbound_link(cli->store, row.id, ping.ping_id, "manual", ev.buf, &err) < 0 ||
	    (new_state && store_ping_set_state(cli->store, ping.ping_id, new_state, utc_now(), &err) < 0) ||
	    (v == VERDICT_REPLY && store_contact_verified(cli->store, ping.contact_id, row.received_at,
							  &err) < 0))
		goto fail;
	snprintf(subject, sizeof(subject), "inbound %lld", (long long)row.id);
	details = audit_json("{s:I, s:s, s:s?, s:s, s:s?}", "uid", (long long)uid, "reference",
			     ping.reference, "was", row.reference, "verdict", row.verdict, "state",
			     new_state);
	r = store_event_append(cli->store, utc_now(), audit_actor(), "message.matched", subject,
			       details, &err);
	free(details);
	if (r < 0 || store_commit(cli->store, &err) < 0)
		goto fail;
	printf("message %lld (%s) linked to %s%s%s\n", uid, row.verdict, ping.reference,
	       new_state ? ": the POC is now " : "", new_state ? new_state : "");
	goto done;
fail:
	msg_error("%s", err.buf);
	rc = EX_IOERR;
out:
	store_rollback(cli->store);
done:
	free((char *)row.verdict);
	free((char *)row.reference);
	sb_release(&err);
	sb_release(&ev);
	return rc;
}

/* ---- explain ---- */

static const char *verdict_words(const char *v)
{
	if (!v)
		return "?";
	if (!strcmp(v, "bounce-hard"))
		return "a permanent delivery failure (a bounce)";
	if (!strcmp(v, "bounce-soft"))
		return "a temporary delivery problem (a bounce that is only noted)";
	if (!strcmp(v, "auto-reply"))
		return "an automatic reply: it never counts as a confirmation";
	if (!strcmp(v, "reply"))
		return "a reply written by a person";
	return "a message that could not be read";
}

static const char *state_words(const char *s)
{
	static const struct {
		const char *state, *words;
	} w[] = {
		{ "queued", "waiting to be sent" },
		{ "sent", "sent, waiting for a reply" },
		{ "confirmed", "confirmed: the POC answered in time" },
		{ "late-confirmed", "confirmed, after the deadline" },
		{ "auto-replied", "still waiting: only an automatic reply came back" },
		{ "undeliverable", "undeliverable: the address does not accept mail" },
		{ "overdue", "overdue: no reply by the deadline" },
		{ "escalated", "escalated to the State's Permanent Mission" },
		{ "resolved", "resolved by hand" },
		{ "unverified", "flagged unverified in the directory" },
	};
	for (size_t i = 0; s && i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(s, w[i].state))
			return w[i].words;
	return s ? s : "?";
}

static int explain_row(const struct store_inbound_row *r, void *vctx)
{
	char at[32];
	unsigned *n = vctx;

	(*n)++;
	utc_format(r->received_at, at, sizeof(at));
	printf("Message UID %lld in %s, received %.10s %.5s UTC\n", (long long)r->uid, r->folder, at,
	       at + 11);
	printf("  From:     %s\n  Subject:  %s\n", r->from_addr ? r->from_addr : "(none)",
	       r->subject ? r->subject : "(none)");
	printf("  Verdict:  %s.\n  Why:      %s.\n", verdict_words(r->verdict), r->reason ? r->reason : "");
	if (r->signals && *r->signals)
		printf("  Signals:  %s\n", r->signals);
	if (r->ping_id) {
		printf("  Answers:  ping %s", r->reference);
		if (r->match_evidence)
			printf(": %s", r->match_evidence);
		printf(".\n");
		if (r->match_kind && !strcmp(r->match_kind, "sender"))
			printf("            Only the sender's address links it to the ping: weaker evidence,\n"
			       "            accepted because exactly one ping to that address was open.\n");
		if (r->review)
			printf("            Flagged for review: check that the sender may speak for the POC.\n");
		if (r->late)
			printf("            It arrived after the deadline.\n");
		printf("  The POC:  %s.\n", state_words(r->ping_state));
	} else {
		printf("  Answers:  no ping could be found%s%s%s; see 'pocgate inbox' and "
		       "'pocgate match'.\n",
		       r->match_evidence ? " (" : "", r->match_evidence ? r->match_evidence : "",
		       r->match_evidence ? ")" : "");
	}
	if (r->sig_status)
		printf("  Signed:   %s\n", r->sig_reason ? r->sig_reason : r->sig_status);
	else
		printf("  Signed:   no\n");
	printf("\n");
	return 0;
}

static int explain_sent(const struct store_sent *s, void *vctx)
{
	char at[32] = "";

	(void)vctx;
	if (s->submitted_at)
		utc_format(s->submitted_at, at, sizeof(at));
	printf("  Sent:     %s %s to %s: %s%s%s\n", s->kind, s->message_id, s->recipient, s->state,
	       *at ? " at " : "", at);
	if (s->last_reply)
		printf("            server said: %s\n", s->last_reply);
	return 0;
}

int cmd_explain(struct cli *cli, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct store_ping_ref ping;
	unsigned n = 0;
	char *end, dl[40];
	int r, rc = 0;

	if (cli_wants_help(argc, argv) || argc != 2) {
		printf("usage: pocgate explain UID|MESSAGE-ID|REFERENCE\n"
		       "  what pocgate made of a message, or of a ping and every message about it\n");
		return argc == 2 ? 0 : EX_USAGE;
	}
	const char *what = argv[1];
	if (what[0] == '<') {
		r = store_inbound_find(cli->store, NULL, 0, what, 0, explain_row, &n, &err);
	} else if (strtoll(what, &end, 10) > 0 && !*end) {
		r = store_inbound_find(cli->store, cli->conf->imap_folder, strtoll(what, NULL, 10), NULL,
				       0, explain_row, &n, &err);
	} else {
		r = store_ping_by_reference(cli->store, what, &ping, &err);
		if (r > 0) {
			cycle_format_deadline(ping.deadline, dl, sizeof(dl));
			printf("Ping %s to %s, reply due by %s\n  The POC:  %s.\n", ping.reference,
			       ping.email, dl, state_words(ping.state));
			r = store_outbox_of_ping(cli->store, ping.ping_id, explain_sent, NULL, &err);
			printf("\n");
			n = 1;
			if (r == 0)
				r = store_inbound_find(cli->store, NULL, 0, NULL, ping.ping_id, explain_row,
						       &n, &err);
			if (r == 0 && n == 1)
				printf("No message has answered it yet.\n");
		}
	}
	if (r < 0) {
		msg_error("%s", err.buf);
		rc = EX_IOERR;
	} else if (n == 0) {
		msg_error("nothing known as '%s': give a UID, a Message-ID in <> or a reference", what);
		rc = EX_NOINPUT;
	}
	sb_release(&err);
	return rc;
}

/* ---- resolve ---- */

int cmd_resolve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf err = STRBUF_INIT;
	struct store_ping_ref ping;
	const char *reason = NULL;
	char subject[80], *details;
	int c, r, rc = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: pocgate resolve REFERENCE --reason TEXT\n"
		       "  close a POC's case by hand (e.g. confirmed by telephone); the audit trail\n"
		       "  records who did it and why\n");
		return 0;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:", opts, NULL)) != -1) {
		if (c != 'r')
			return EX_USAGE;
		reason = optarg;
	}
	if (optind != argc - 1 || !reason || !*reason) {
		msg_error("usage: pocgate resolve REFERENCE --reason TEXT");
		return EX_USAGE;
	}
	if (store_begin(cli->store, &err) < 0)
		goto fail;
	if ((r = store_ping_by_reference(cli->store, argv[optind], &ping, &err)) < 0)
		goto fail;
	if (!r) {
		msg_error("no ping has the reference '%s'", argv[optind]);
		rc = EX_NOINPUT;
		goto out;
	}
	if (!strcmp(ping.state, "resolved")) {
		printf("%s is resolved already\n", ping.reference);
		goto out;
	}
	snprintf(subject, sizeof(subject), "ping %s", ping.reference);
	details = audit_json("{s:s, s:s}", "was", ping.state, "reason", reason);
	r = store_ping_set_state(cli->store, ping.ping_id, "resolved", utc_now(), &err) < 0 ||
	    store_contact_verified(cli->store, ping.contact_id, utc_now(), &err) < 0 ||
	    store_event_append(cli->store, utc_now(), audit_actor(), "ping.resolved", subject, details,
			       &err) < 0;
	free(details);
	if (r || store_commit(cli->store, &err) < 0)
		goto fail;
	printf("%s resolved (was %s): %s\n", ping.reference, ping.state, reason);
	goto done;
fail:
	msg_error("%s", err.buf);
	rc = EX_IOERR;
out:
	store_rollback(cli->store);
done:
	sb_release(&err);
	return rc;
}
