/*
 * NAME
 *	cmd_audit - pocgate audit verify
 * DESCRIPTION
 *	"verify" walks the whole hash chain and names the first event that was
 *	altered, removed or reordered. Exit 0 when the chain holds, 65
 *	(EX_DATAERR) when it does not, 74 when the store cannot be read.
 */
#include <stdio.h>
#include <sysexits.h>

#include <pocgate/audit.h>
#include <pocgate/log.h>

#include "cli.h"

static int audit_verify_cmd(struct cli *cli, int argc, char **argv)
{
	struct strbuf why = STRBUF_INIT, err = STRBUF_INIT;
	struct audit_report rep;
	int rc;

	(void)argv;
	if (argc > 1) {
		msg_error("'audit verify' takes no arguments");
		return EX_USAGE;
	}
	rc = audit_verify(cli->store, &rep, &why, &err);
	if (rc < 0) {
		msg_error("%s", err.buf);
		rc = EX_IOERR;
	} else if (rc > 0) {
		printf("audit chain BROKEN at event %lld: %s\n", (long long)rep.first_bad, why.buf);
		rc = EX_DATAERR;
	} else {
		printf("audit chain intact: %lld event%s\n", (long long)rep.events,
		       rep.events == 1 ? "" : "s");
	}
	sb_release(&why);
	sb_release(&err);
	return rc;
}

static const struct subcmd subs[] = {
	{ "verify", audit_verify_cmd, "",
	  "check every event's hash and link; name the first altered, removed or reordered" },
	{ NULL, NULL, NULL, NULL },
};

int cmd_audit(struct cli *cli, int argc, char **argv)
{
	return cli_dispatch(cli, "audit", subs, argc, argv);
}
