/*
 * NAME
 *	cmd_config - pocgate config check | params
 * DESCRIPTION
 *	"check" loads the configuration the way every command does and prints
 *	every problem as FILE:LINE: setting: what is wrong; exit 78 (EX_CONFIG)
 *	when there is any. "params" lists every setting with its type and
 *	default, from the same table the loader uses.
 */
#include <stdio.h>
#include <sysexits.h>

#include <pocgate/conf.h>
#include <pocgate/log.h>

#include "cli.h"

static int config_check(struct cli *cli, int argc, char **argv)
{
	struct strbuf problems = STRBUF_INIT;
	const char *path = conf_path(cli->config_arg);
	struct conf *conf;
	int n = 0;

	(void)argv;
	if (argc > 1) {
		msg_error("'config check' takes no arguments");
		return EX_USAGE;
	}
	conf = conf_load(path, &problems);
	if (!conf) {
		fputs(problems.buf, stderr);
		for (size_t i = 0; i < problems.len; i++)
			n += problems.buf[i] == '\n';
		fprintf(stderr, "%s: %d problem%s\n", path, n, n == 1 ? "" : "s");
		sb_release(&problems);
		return EX_CONFIG;
	}
	printf("%s: ok\n", path);
	conf_free(&conf);
	sb_release(&problems);
	return 0;
}

static int config_params(struct cli *cli, int argc, char **argv)
{
	struct strbuf out = STRBUF_INIT;

	(void)cli;
	(void)argv;
	if (argc > 1) {
		msg_error("'config params' takes no arguments");
		return EX_USAGE;
	}
	conf_describe(&out);
	fputs(out.buf, stdout);
	sb_release(&out);
	return 0;
}

static const struct subcmd subs[] = {
	{ "check", config_check, "", "check the configuration and report every problem with its line" },
	{ "params", config_params, "", "list every setting: name, type, default, meaning" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_config(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "config", subs, argc, argv);
}
