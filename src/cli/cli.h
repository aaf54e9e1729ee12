/*
 * cli.h - what the command families of pocgate(1) share
 */
#ifndef POCGATE_CLI_H
#define POCGATE_CLI_H

#include <stdio.h>

struct conf;
struct store;

#define NEED_CONFIG 0x1	/* load and check the configuration first */
#define NEED_STORE 0x2	/* open the store (implies NEED_CONFIG) */
#define HAS_SUBCMDS 0x4	/* "pocgate FAMILY" alone prints the family's help */

struct cli {
	const char *config_arg;		/* borrowed: -c FILE, or NULL */
	struct conf *conf;		/* owned, with NEED_CONFIG */
	struct store *store;		/* owned, with NEED_STORE */
};

/* A subcommand of a family: "directory import". */
struct subcmd {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *usage;	/* arguments, e.g. "[--dry-run] FILE" */
	const char *summary;
};

/* Runs the subcommand named by argv[1] of a family, or prints the family's
 * help. argv[0] is the family's name. */
int cli_dispatch(struct cli *cli, const char *family, const struct subcmd *subs, int argc,
		 char **argv);
/* Prints "usage: pocgate FAMILY SUB ARGS" and the summary to out. */
void cli_subcmd_usage(FILE *out, const char *family, const struct subcmd *sub);
/* Handles -h/--help for a subcommand: returns 1 when argv asked for it. */
int cli_wants_help(int argc, char **argv);

int cmd_config(struct cli *cli, int argc, char **argv);
int cmd_directory(struct cli *cli, int argc, char **argv);
int cmd_audit(struct cli *cli, int argc, char **argv);
int cmd_cycle(struct cli *cli, int argc, char **argv);
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_template(struct cli *cli, int argc, char **argv);
int cmd_classify(struct cli *cli, int argc, char **argv);
int cmd_inbox(struct cli *cli, int argc, char **argv);
int cmd_match(struct cli *cli, int argc, char **argv);
int cmd_explain(struct cli *cli, int argc, char **argv);
int cmd_resolve(struct cli *cli, int argc, char **argv);

/* Parallel signing contexts by default: the number of processors, 1-16. */
int cli_default_workers(void);

#endif
