/*
 * NAME
 *	pocgate - the directory manager's command-line tool
 * SYNOPSIS
 *	pocgate [-c FILE] COMMAND [ARGS]
 * DESCRIPTION
 *	Parses the global options, finds the command in commands[], prepares
 *	what the command's flags ask for (configuration, store) and runs it.
 *	Each command family lives in its own file, src/cli/cmd_FAMILY.c.
 * DIAGNOSTICS
 *	Exit codes from sysexits.h: 64 for usage, 65 for bad data, 66 for a
 *	missing input, 74 for store errors, 78 for configuration errors.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <pocgate/conf.h>
#include <pocgate/crypto.h>
#include <pocgate/log.h>
#include <pocgate/store.h>

#include "cli.h"

#ifndef POCGATE_VERSION
#define POCGATE_VERSION "0.0"
#endif

/*
 * How to add a command: write cmd_NAME(struct cli *, int argc, char **argv)
 * in src/cli/cmd_NAME.c (argv[0] is the command's name; use cli_dispatch()
 * for subcommands), declare it in cli.h, add a row here with the flags it
 * needs, and document it in the README and in pocgate(1).
 */
static const struct command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	unsigned flags;
	const char *summary;
} commands[] = {
	{ "config", cmd_config, HAS_SUBCMDS, "check the configuration, list its settings" },
	{ "directory", cmd_directory, NEED_CONFIG | NEED_STORE | HAS_SUBCMDS,
	  "import, list, show and export the POC directory" },
	{ "template", cmd_template, NEED_CONFIG | NEED_STORE | HAS_SUBCMDS,
	  "check the message templates, preview a message" },
	{ "cycle", cmd_cycle, NEED_CONFIG | NEED_STORE | HAS_SUBCMDS,
	  "start a ping cycle (queue, compose and sign the pings)" },
	{ "status", cmd_status, NEED_CONFIG | NEED_STORE, "each POC's state in a cycle" },
	{ "inbox", cmd_inbox, NEED_CONFIG | NEED_STORE, "messages read that answer no ping" },
	{ "match", cmd_match, NEED_CONFIG | NEED_STORE, "link a message to its ping by hand" },
	{ "resolve", cmd_resolve, NEED_CONFIG | NEED_STORE,
	  "close a POC's case by hand, with a reason (audited)" },
	{ "explain", cmd_explain, NEED_CONFIG | NEED_STORE,
	  "what pocgate made of a message or a ping, in plain words" },
	{ "classify", cmd_classify, 0, "say what message files are (offline): bounce, auto-reply..." },
	{ "audit", cmd_audit, NEED_CONFIG | NEED_STORE | HAS_SUBCMDS, "verify the audit chain" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: pocgate [-c FILE] COMMAND [ARGS]\n\n"
		     "The directory manager's tool for the POC directory's mail gateway.\n\n"
		     "Options:\n"
		     "  -c, --config FILE  configuration file (default: $POCGATE_CONFIG, else %s)\n"
		     "  -h, --help         show this help\n"
		     "  -V, --version      show the version\n\n"
		     "Commands:\n",
		CONF_DEFAULT_PATH);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'pocgate COMMAND --help' tells more about each.\n");
}

static int prepare(struct cli *cli, unsigned flags)
{
	struct strbuf problems = STRBUF_INIT, err = STRBUF_INIT;
	const char *path = conf_path(cli->config_arg);

	if (flags & (NEED_CONFIG | NEED_STORE)) {
		cli->conf = conf_load(path, &problems);
		if (!cli->conf) {
			fputs(problems.buf, stderr);
			fprintf(stderr, "pocgate: configuration '%s' has problems; see 'pocgate config check'\n",
				path);
			sb_release(&problems);
			return EX_CONFIG;
		}
		log_set_level((enum log_level)cli->conf->log_level);
	}
	if (flags & NEED_STORE) {
		if (store_open(cli->conf->database, &cli->store, &err) < 0) {
			msg_error("%s", err.buf);
			sb_release(&err);
			return EX_IOERR;
		}
	}
	sb_release(&problems);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	int c, rc;

	if (argc > 1 && strcmp(argv[1], "--signer") == 0) /* crypto_open_helper() */
		return crypto_signer_main(argc, argv);
	setlocale(LC_CTYPE, "C.UTF-8");
	log_init("pocgate", LOG_LVL_INFO, 0);
	while ((c = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli.config_arg = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("pocgate %s\n", POCGATE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *cmd = &commands[i];
		if (strcmp(argv[0], cmd->name) != 0)
			continue;
		/* help needs neither configuration nor store */
		if ((argc < 2 && (cmd->flags & HAS_SUBCMDS)) || cli_wants_help(argc, argv))
			rc = cmd->fn(&cli, argc, argv);
		else if ((rc = prepare(&cli, cmd->flags)) == 0)
			rc = cmd->fn(&cli, argc, argv);
		store_close(&cli.store);
		conf_free(&cli.conf);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			msg_error("cannot write to standard output");
			return EX_IOERR;
		}
		return rc;
	}
	msg_error("'%s' is not a command; see 'pocgate --help'", argv[0]);
	return EX_USAGE;
}

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return 1;
	}
	return 0;
}

void cli_subcmd_usage(FILE *out, const char *family, const struct subcmd *sub)
{
	fprintf(out, "usage: pocgate %s %s%s%s\n  %s\n", family, sub->name, *sub->usage ? " " : "",
		sub->usage, sub->summary);
}

int cli_dispatch(struct cli *cli, const char *family, const struct subcmd *subs, int argc,
		 char **argv)
{
	const struct subcmd *s;

	if (argc >= 2) {
		for (s = subs; s->name; s++) {
			if (strcmp(argv[1], s->name) != 0)
				continue;
			if (cli_wants_help(argc - 1, argv + 1)) {
				cli_subcmd_usage(stdout, family, s);
				return 0;
			}
			return s->fn(cli, argc - 1, argv + 1);
		}
	}
	int asked = argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
	FILE *out = asked ? stdout : stderr;
	if (argc >= 2 && !asked)
		fprintf(out, "pocgate: '%s %s' is not a command\n", family, argv[1]);
	for (s = subs; s->name; s++)
		cli_subcmd_usage(out, family, s);
	return asked ? 0 : EX_USAGE;
}
