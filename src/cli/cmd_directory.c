/*
 * NAME
 *	cmd_directory - pocgate directory import | list | show | export
 * DESCRIPTION
 *	Thin: parses options and calls directory.c. Import reports every bad
 *	row and writes nothing unless all rows are good.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <pocgate/audit.h>
#include <pocgate/directory.h>
#include <pocgate/iso.h>
#include <pocgate/log.h>

#include "cli.h"

static int directory_import_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts io = { .actor = audit_actor() };
	struct import_result res;
	struct strbuf problems = STRBUF_INIT, err = STRBUF_INIT;
	struct iso *iso = NULL;
	int c, rc, n = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
		if (c != 'n')
			return EX_USAGE;
		io.dry_run = 1;
	}
	if (optind != argc - 1) {
		msg_error("usage: pocgate directory import [--dry-run] FILE");
		return EX_USAGE;
	}
	if (iso_load(NULL, &iso, &err) < 0) {
		msg_error("%s", err.buf);
		sb_release(&err);
		return EX_UNAVAILABLE;
	}
	rc = directory_import(cli->store, iso, argv[optind], &io, &res, &problems);
	iso_free(&iso);
	if (rc < 0) {
		fputs(problems.buf, stderr);
		for (size_t i = 0; i < problems.len; i++)
			n += problems.buf[i] == '\n';
		if (rc == -2) {
			msg_error("import of '%s' failed; nothing was imported", argv[optind]);
			rc = EX_IOERR;
		} else {
			fprintf(stderr, "%s: %d problem%s; nothing was imported\n", argv[optind], n,
				n == 1 ? "" : "s");
			rc = strstr(problems.buf, ":0: file: cannot read") ? EX_NOINPUT : EX_DATAERR;
		}
	} else if (io.dry_run) {
		printf("%s: %u rows, all good (dry run: nothing was imported)\n", argv[optind], res.rows);
	} else {
		printf("%s: %u rows: %u added, %u updated, %u unchanged\n", argv[optind], res.rows,
		       res.added, res.updated, res.unchanged);
	}
	sb_release(&problems);
	sb_release(&err);
	return rc;
}

static int parse_format(int argc, char **argv, enum export_format *fmt, const char **state,
			int state_arg)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:s:", opts, NULL)) != -1) {
		if (c == 'f' && export_format_parse(optarg, fmt) == 0)
			continue;
		if (c == 's' && state_arg) {
			*state = optarg;
			continue;
		}
		if (c == 'f')
			msg_error("'%s' is not a format: table, csv or json", optarg);
		return -1;
	}
	if (optind != argc) {
		msg_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	return 0;
}

static int run_export(struct cli *cli, int argc, char **argv, enum export_format fmt)
{
	struct strbuf err = STRBUF_INIT;
	const char *state = NULL;
	char code[4] = "";
	int rc = 0;

	if (parse_format(argc, argv, &fmt, &state, 1) < 0)
		return EX_USAGE;
	if (state) {
		for (size_t i = 0; i < 3 && state[i]; i++)
			code[i] = (char)(state[i] >= 'a' && state[i] <= 'z' ? state[i] - 32 : state[i]);
		state = code;
	}
	if (directory_export(cli->store, state, fmt, stdout, &err) < 0) {
		msg_error("%s", err.buf);
		rc = strstr(err.buf, "no contacts") ? EX_NOINPUT : EX_IOERR;
	}
	sb_release(&err);
	return rc;
}

static int directory_list_cmd(struct cli *cli, int argc, char **argv)
{
	return run_export(cli, argc, argv, EXPORT_TABLE);
}

static int directory_export_cmd(struct cli *cli, int argc, char **argv)
{
	return run_export(cli, argc, argv, EXPORT_CSV);
}

static int directory_show_cmd(struct cli *cli, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	int rc = 0;

	if (argc != 2) {
		msg_error("usage: pocgate directory show STATE");
		return EX_USAGE;
	}
	if (directory_show(cli->store, argv[1], stdout, &err) < 0) {
		msg_error("%s", err.buf);
		rc = EX_NOINPUT;
	}
	sb_release(&err);
	return rc;
}

static const struct subcmd subs[] = {
	{ "import", directory_import_cmd, "[--dry-run] FILE",
	  "import a CSV or JSON directory file; every row is checked, nothing is imported\n"
	  "  when any row is bad (--dry-run: check only)" },
	{ "list", directory_list_cmd, "[--state STATE] [--format table|csv|json]",
	  "list the contacts (a table by default)" },
	{ "show", directory_show_cmd, "STATE", "show a State's contacts in full" },
	{ "export", directory_export_cmd, "[--state STATE] [--format csv|json|table]",
	  "write the directory in the interchange format (CSV by default) to standard output" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_directory(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "directory", subs, argc, argv);
}
