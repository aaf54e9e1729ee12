/*
 * NAME
 *	front - the pocgate program: classify here, every other command in
 *	pocgate-core
 * SYNOPSIS
 *	pocgate classify [--format tsv|json] FILE...
 *	pocgate [-c FILE] COMMAND [ARGS]	(run by pocgate-core)
 * DESCRIPTION
 *	The other commands need GnuTLS (and its ten libraries), GPGME, SQLite
 *	and libetpan's network code. Loading them, and GnuTLS's initialisation
 *	that runs as it loads, take longer before main() than classifying a
 *	hundred messages; pocgate classify, offline, uses none of them. So
 *	this small program, linked with none of them, runs classify itself,
 *	and hands any other command line, unchanged, to pocgate-core (the
 *	program of src/cli/main.c) with execv(): the same process, standard
 *	streams and exit status. git keeps libcurl out of its main program
 *	for the same reason.
 *
 *	pocgate-core is looked for beside this program (the build tree, and
 *	the sanitizer build in build/san/), then in POCGATE_LIBEXEC_DIR.
 * DIAGNOSTICS
 *	Exit status 69 when pocgate-core cannot be run; otherwise the command's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <pocgate/log.h>

#include "cli.h"

#ifndef POCGATE_LIBEXEC_DIR
#define POCGATE_LIBEXEC_DIR "/usr/local/libexec/pocgate"
#endif

#define CORE_NAME "pocgate-core"

/* The path of pocgate-core beside this program, in buf; -1 when there is
 * none. */
static int core_beside_me(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n < 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash + 1 - buf) + sizeof(CORE_NAME) > size)
		return -1;
	memcpy(slash + 1, CORE_NAME, sizeof(CORE_NAME));
	return access(buf, X_OK);
}

int main(int argc, char **argv)
{
	char core[PATH_MAX];

	if (argc >= 2 && strcmp(argv[1], "classify") == 0) {
		int rc;

		/* no setlocale(): classify reads bytes, never the locale, and
		 * loading C.UTF-8 (its LC_CTYPE and iconv's module cache) cost
		 * more than parsing ten messages */
		log_init("pocgate", LOG_LVL_INFO, 0);
		rc = cmd_classify(NULL, argc - 1, argv + 1);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			msg_error("cannot write to standard output");
			return EX_IOERR;
		}
		return rc;
	}
	if (core_beside_me(core, sizeof(core)) < 0)
		snprintf(core, sizeof(core), "%s/%s", POCGATE_LIBEXEC_DIR, CORE_NAME);
	execv(core, argv);
	log_init("pocgate", LOG_LVL_INFO, 0);
	msg_error("cannot run '%s': %s", core, strerror(errno));
	return EX_UNAVAILABLE;
}
