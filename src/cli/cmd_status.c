/*
 * NAME
 *	cmd_status - pocgate status: each POC's state in a cycle
 * DESCRIPTION
 *	A table for people (with a count per state at the end), or CSV or
 *	JSON for programs. The cycle is the latest unless --cycle names one.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <pocgate/csv.h>
#include <pocgate/cycle.h>
#include <pocgate/directory.h>
#include <pocgate/log.h>
#include <pocgate/store.h>
#include <pocgate/timeutil.h>

#include "cli.h"

#define NSTATES 10
static const char *const states[NSTATES] = { "queued", "sent", "confirmed", "late-confirmed",
					     "auto-replied", "undeliverable", "overdue",
					     "escalated", "resolved", "unverified" };

struct status_ctx {
	enum export_format fmt;
	json_t *array;
	unsigned count[NSTATES];
	unsigned n;
};

static int status_row(const struct store_status *r, void *vctx)
{
	struct status_ctx *x = vctx;
	const struct contact *c = &r->contact;
	char since[32], mail[320];
	struct strbuf line = STRBUF_INIT;

	x->n++;
	for (int i = 0; i < NSTATES; i++)
		if (strcmp(states[i], r->state) == 0)
			x->count[i]++;
	utc_format(r->state_at, since, sizeof(since));
	snprintf(mail, sizeof(mail), "%.*s", (int)strcspn(c->email, ";"), c->email);
	switch (x->fmt) {
	case EXPORT_JSON:
		json_array_append_new(
			x->array,
			json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, "
				  "s:s?, s:s?, s:b}",
				  "contact", (json_int_t)c->id, "state", c->state, "role",
				  contact_role_name(c->role), "entity", c->entity, "email", mail,
				  "reference", r->reference, "status", r->state, "since", since,
				  "last_reply", r->last_reply, "answer", r->verdict, "match",
				  r->match_kind, "evidence", r->evidence, "signature", r->sig_status,
				  "signature_detail", r->sig_reason, "review", r->review));
		break;
	case EXPORT_CSV: {
		char id[24];
		const char *v[] = { id, c->state, contact_role_name(c->role), c->entity, mail,
				    r->reference, r->state, since, r->last_reply ? r->last_reply : "",
				    r->match_kind ? r->match_kind : "", r->evidence ? r->evidence : "",
				    r->sig_status ? r->sig_status : "", r->review ? "yes" : "" };
		snprintf(id, sizeof(id), "%lld", (long long)c->id);
		for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
			if (i)
				sb_addch(&line, ',');
			csv_add_field(&line, v[i]);
		}
		sb_addstr(&line, "\r\n");
		fwrite(line.buf, 1, line.len, stdout);
		break;
	}
	case EXPORT_TABLE:
		printf("%-5lld %-5s %-10s %-34.34s %-24s %-14s %.16s%s%s%s%s\n", (long long)c->id,
		       c->state, contact_role_name(c->role), mail, r->reference, r->state, since,
		       r->match_kind && !strcmp(r->match_kind, "sender") ? "  by sender (weaker)" : "",
		       r->sig_status ? "  signature " : "", r->sig_status ? r->sig_status : "",
		       r->review ? "  REVIEW" : "");
		break;
	}
	sb_release(&line);
	return 0;
}

static int status_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cycle", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct status_ctx x = { .fmt = EXPORT_TABLE };
	struct strbuf err = STRBUF_INIT;
	struct store_cycle cy;
	const char *label = NULL;
	char dl[40];
	int c, r, rc = 0;

	if (cli_wants_help(argc, argv)) {
		printf("usage: pocgate status [--cycle LABEL] [--format table|csv|json]\n"
		       "  each POC's state in the latest cycle (or the one labelled LABEL)\n");
		return 0;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:f:", opts, NULL)) != -1) {
		if (c == 'c') {
			label = optarg;
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
	r = store_cycle_find(cli->store, label, &cy, &err);
	if (r <= 0) {
		if (r < 0)
			msg_error("%s", err.buf);
		else if (label)
			msg_error("no cycle labelled '%s'", label);
		else
			msg_error("no cycle yet: start one with 'pocgate cycle start'");
		sb_release(&err);
		return r < 0 ? EX_IOERR : EX_NOINPUT;
	}
	cycle_format_deadline(cy.deadline, dl, sizeof(dl));
	if (x.fmt == EXPORT_TABLE) {
		printf("cycle %s, replies due by %s\n\n", cy.label, dl);
		printf("%-5s %-5s %-10s %-34s %-24s %-14s %s\n", "ID", "STATE", "ROLE", "E-MAIL",
		       "REFERENCE", "STATUS", "SINCE");
	} else if (x.fmt == EXPORT_CSV) {
		printf("id,state,role,entity,email,reference,status,since,last_reply,match,evidence,"
		       "signature,review\r\n");
	} else {
		x.array = json_array();
	}
	if (store_status_foreach(cli->store, cy.id, status_row, &x, &err) < 0) {
		msg_error("%s", err.buf);
		rc = EX_IOERR;
	} else if (x.fmt == EXPORT_JSON) {
		json_t *o = json_pack("{s:s, s:s, s:o}", "cycle", cy.label, "deadline", dl, "pocs",
				      json_incref(x.array));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else if (x.fmt == EXPORT_TABLE) {
		printf("\n%u POC%s:", x.n, x.n == 1 ? "" : "s");
		for (int i = 0; i < NSTATES; i++)
			if (x.count[i])
				printf(" %u %s", x.count[i], states[i]);
		putchar('\n');
	}
	json_decref(x.array);
	sb_release(&err);
	return rc;
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	return status_cmd(cli, argc, argv);
}
