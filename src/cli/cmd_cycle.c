/*
 * NAME
 *	cmd_cycle - pocgate cycle start
 * DESCRIPTION
 *	Checks the templates and the signing key first, so that a cycle is
 *	only created when its pings can be composed; then creates the cycle
 *	(one queued ping per POC) and composes and signs every ping into the
 *	outbound queue, with a progress bar at a terminal. pocgated submits
 *	them (pocgated --once for one pass).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <unistd.h>

#include <pocgate/audit.h>
#include <pocgate/conf.h>
#include <pocgate/crypto.h>
#include <pocgate/cycle.h>
#include <pocgate/log.h>
#include <pocgate/outbox.h>
#include <pocgate/store.h>
#include <pocgate/template.h>
#include <pocgate/timeutil.h>

#include "cli.h"

int cli_default_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

static int cycle_start_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "label", required_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'f' },
		{ "workers", required_argument, NULL, 'w' },
		{ "send", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct cycle_start_opts o = { .actor = audit_actor() };
	struct cycle_start_result res;
	struct strbuf err = STRBUF_INIT;
	struct tmpl_set *tmpl = NULL;
	struct crypto *probe = NULL;
	struct outbox_sender *sender = NULL;
	struct outbox_result sent = { 0 };
	int c, rc = 0, send = 0, workers = cli_default_workers();
	size_t composed = 0;
	char dl[40];

	optind = 1;
	while ((c = getopt_long(argc, argv, "l:fw:s", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			send = 1;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'f':
			o.force = 1;
			break;
		case 'w':
			workers = atoi(optarg);
			if (workers < 1 || workers > 16) {
				msg_error("--workers takes a number from 1 to 16");
				return EX_USAGE;
			}
			break;
		default:
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		return EX_USAGE;
	}
	if (tmpl_load(cli->conf->templates, &tmpl, &err) < 0) {
		fputs(err.buf, stderr);
		msg_error("the templates in '%s' have problems; no cycle was started",
			  cli->conf->templates);
		rc = EX_CONFIG;
		goto out;
	}
	if (crypto_open(cli->conf->signing_gnupghome, cli->conf->signing_fingerprint,
			cli->conf->signing_passphrase_file, &probe, &err) < 0) {
		msg_error("%s; no cycle was started", err.buf);
		rc = EX_CONFIG;
		goto out;
	}
	crypto_close(&probe);
	switch (cycle_start(cli->store, cli->conf, &o, utc_now(), &res, &err)) {
	case 0:
		break;
	case -2:
		msg_error("%s", err.buf);
		rc = EX_TEMPFAIL;
		goto out;
	default:
		msg_error("%s", err.buf);
		rc = EX_DATAERR;
		goto out;
	}
	cycle_format_deadline(res.deadline, dl, sizeof(dl));
	printf("cycle %s started: %u pings, replies due by %s\n", res.label, res.pings, dl);
	if (send)
		sender = outbox_sender_start(cli->conf, o.actor);
	if (cycle_compose(cli->store, cli->conf, tmpl, workers, o.actor, &composed, &err) < 0) {
		msg_error("%s; run 'pocgated --once' to finish composing", err.buf);
		rc = EX_SOFTWARE;
	} else {
		printf("%zu pings signed and queued%s\n", composed,
		       send ? "" : "; pocgated submits them");
	}
	if (sender) {
		if (outbox_sender_finish(&sender, &sent, &err) < 0) {
			msg_error("%s; the rest stays queued for pocgated", err.buf);
			rc = rc ? rc : EX_TEMPFAIL;
		}
		printf("%u submitted, %u deferred, %u refused\n", sent.submitted, sent.tempfail,
		       sent.permfail);
	}
out:
	tmpl_free(&tmpl);
	sb_release(&err);
	return rc;
}

static const struct subcmd subs[] = {
	{ "start", cycle_start_cmd, "[--label LABEL] [--force] [--workers N] [--send]",
	  "start a ping cycle: queue, compose and sign one ping per POC (default label:\n"
	  "  YYYYH1 or YYYYH2; --force: even while another cycle is open; --send: submit\n"
	  "  them too, while signing, instead of leaving that to pocgated)" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_cycle(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "cycle", subs, argc, argv);
}
