/*
 * NAME
 *	cmd_template - pocgate template check | render
 * DESCRIPTION
 *	"check" loads every template as a cycle would and reports every
 *	problem with its file and line. "render" previews the message a POC
 *	would receive (subject and body, unsigned), from the directory's data.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <pocgate/conf.h>
#include <pocgate/cycle.h>
#include <pocgate/directory.h>
#include <pocgate/log.h>
#include <pocgate/store.h>
#include <pocgate/template.h>
#include <pocgate/timeutil.h>

#include "cli.h"

static int template_check(struct cli *cli, int argc, char **argv)
{
	struct strbuf problems = STRBUF_INIT;
	struct tmpl_set *set = NULL;

	(void)argv;
	if (argc > 1) {
		msg_error("'template check' takes no arguments");
		return EX_USAGE;
	}
	if (tmpl_load(cli->conf->templates, &set, &problems) < 0) {
		fputs(problems.buf, stderr);
		sb_release(&problems);
		return EX_CONFIG;
	}
	printf("%s: ok (ping, reminder, escalation, resolved in ar, zh, en, fr, ru, es)\n",
	       cli->conf->templates);
	tmpl_free(&set);
	return 0;
}

struct list_ctx {
	struct strbuf *out;
};

static int list_poc(const struct contact *c, void *vctx)
{
	struct list_ctx *x = vctx;

	if (c->role == ROLE_MISSION)
		return 0;
	sb_addf(x->out, "- %s (%s), %.*s: no reply to the ping sent 2026-01-15 09:00 UTC\n",
		c->entity_en ? c->entity_en : c->entity, contact_role_name(c->role),
		(int)strcspn(c->email, ";"), c->email);
	return 0;
}

static int template_render(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "poc", required_argument, NULL, 'p' },
		{ "kind", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf err = STRBUF_INIT, subject = STRBUF_INIT, body = STRBUF_INIT,
		      contacts = STRBUF_INIT;
	struct tmpl_set *set = NULL;
	struct contact c = { 0 };
	enum tmpl_kind kind = TMPL_PING;
	struct tmpl_var vars[16];
	long long id = 0;
	char dl[40], sent[40], window[24], ref[64];
	const char *lang = NULL;
	size_t nv;
	int ch, rc = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:k:", opts, NULL)) != -1) {
		if (ch == 'p')
			id = atoll(optarg);
		else if (ch != 'k' || tmpl_kind_parse(optarg, &kind) < 0) {
			msg_error("--kind takes ping, reminder, escalation or resolved");
			return EX_USAGE;
		}
	}
	if (id <= 0 || optind != argc) {
		msg_error("usage: pocgate template render --poc ID [--kind ping|reminder|escalation]");
		return EX_USAGE;
	}
	if (tmpl_load(cli->conf->templates, &set, &err) < 0) {
		fputs(err.buf, stderr);
		rc = EX_CONFIG;
		goto out;
	}
	if (store_contact_get(cli->store, id, &c, &err) <= 0) {
		msg_error("no contact %lld%s%s", id, err.len ? ": " : "", err.buf);
		rc = EX_NOINPUT;
		goto out;
	}
	int64_t now = utc_now();
	cycle_format_deadline((now + cli->conf->response_window + 59) / 60 * 60, dl, sizeof(dl));
	cycle_format_deadline(now, sent, sizeof(sent));
	snprintf(window, sizeof(window), "%lld",
		 (long long)((cli->conf->response_window + 3599) / 3600));
	snprintf(ref, sizeof(ref), "POC-PREVIEW-%s-%04lld", c.state, id);
	nv = cycle_ping_vars(&c, ref, dl, window, cli->conf->manager_name, vars);
	vars[nv++] = (struct tmpl_var){ "sent", sent };
	vars[nv++] = (struct tmpl_var){ "round", "1" };
	struct list_ctx lx = { &contacts };
	if ((kind == TMPL_ESCALATION || kind == TMPL_RESOLVED) &&
	    store_contact_foreach(cli->store, c.state, list_poc, &lx, &err) < 0) {
		msg_error("%s", err.buf);
		rc = EX_IOERR;
		goto out;
	}
	vars[nv++] = (struct tmpl_var){ "contacts", contacts.buf };
	if (tmpl_render(set, kind, c.languages, vars, nv, &subject, &body, &lang, &err) < 0) {
		msg_error("%s", err.buf);
		rc = EX_DATAERR;
		goto out;
	}
	printf("To: %.*s\nSubject: %s\nLanguage: %s%s\n\n%s", (int)strcspn(c.email, ";"), c.email,
	       subject.buf, lang, strcmp(lang, "en") ? " + en" : "", body.buf);
out:
	contact_release(&c);
	tmpl_free(&set);
	sb_release(&err);
	sb_release(&subject);
	sb_release(&body);
	sb_release(&contacts);
	return rc;
}

static const struct subcmd subs[] = {
	{ "check", template_check, "", "load every template and report every problem" },
	{ "render", template_render, "--poc ID [--kind ping|reminder|escalation|resolved]",
	  "preview the message a contact would receive (unsigned)" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_template(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "template", subs, argc, argv);
}
