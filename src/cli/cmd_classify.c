/*
 * NAME
 *	cmd_classify - pocgate classify [--format tsv|json] FILE...
 * DESCRIPTION
 *	Offline: no configuration, no store. Each file (or "-" for standard
 *	input) gets one verdict, whatever it holds; only a file that cannot be
 *	read is an error (reported, the others still classified, exit 66).
 *	TSV: FILE, VERDICT, REASON. JSON (one object per line): the verdict,
 *	the rule, the reason, every signal seen, the DSN fields, the returned
 *	message's ids, the charsets decoded and whether it is signed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pocgate/classify.h>
#include <pocgate/log.h>
#include <pocgate/mime.h>

#include "cli.h"

#define FILE_MAX (32u << 20) /* larger input is not read: a verdict says so */
#define READ_CHUNK 65536	    /* input of unknown size is read by this much */

/*
 * Reads a whole file ("-": standard input) into buf, emptied first, kept
 * from one file to the next. At most FILE_MAX bytes: *too_large when there
 * is more. A regular file's size is known, so it is read in one read(),
 * without another to find its end. -1 with errno when it cannot be read.
 */
static int read_input(const char *path, struct strbuf *buf, int *too_large)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int rc = 0, saved;

	*too_large = 0;
	sb_reset(buf);
	if (fd < 0)
		return -1;
	int sized = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < (off_t)FILE_MAX;

	sb_grow(buf, sized ? (size_t)st.st_size + 1 : READ_CHUNK);
	for (;;) {
		size_t room = buf->alloc - buf->len - 1;
		ssize_t n = read(fd, buf->buf + buf->len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		if (buf->len + (size_t)n > FILE_MAX) {
			*too_large = 1;
			break;
		}
		buf->len += (size_t)n;
		buf->buf[buf->len] = '\0';
		if (sized && buf->len == (size_t)st.st_size)
			break; /* what fstat() said: a file that grows meanwhile is cut */
		if ((size_t)n == room)
			sb_grow(buf, READ_CHUNK);
	}
	saved = errno;
	if (fd != STDIN_FILENO)
		close(fd);
	errno = saved;
	return rc;
}

/* TSV fields must stay on one line and in their column. */
static void tsv_field(const char *s)
{
	for (; s && *s; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void print_json(const char *path, const struct mime_msg *m, const struct classification *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "file", path, "verdict",
			      verdict_name(c->verdict), "rule", c->rule, "reason", c->reason.buf);
	json_t *sig = json_array();
	char *save = NULL, *copy = strdup(c->signals.buf);

	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save))
		json_array_append_new(sig, json_string(t + (*t == ' ')));
	free(copy);
	json_object_set_new(o, "signals", sig);
	json_object_set_new(o, "from", jstr(m->from));
	json_object_set_new(o, "subject", jstr(m->subject));
	json_object_set_new(o, "message_id", jstr(m->message_id));
	if (m->has_dsn)
		json_object_set_new(o, "dsn",
				    json_pack("{s:o, s:o, s:o, s:o, s:o}", "reporting_mta",
					      jstr(m->dsn.reporting_mta), "final_recipient",
					      jstr(m->dsn.final_recipient), "action", jstr(m->dsn.action),
					      "status", jstr(m->dsn.status), "diagnostic_code",
					      jstr(m->dsn.diagnostic)));
	json_object_set_new(o, "original_message_id", jstr(m->original_message_id));
	json_object_set_new(o, "original_reference", jstr(m->original_reference));
	json_object_set_new(o, "charsets", json_string(m->charsets.buf));
	json_object_set_new(o, "signed", json_string(m->pgp_signed ? "pgp/mime" :
						     m->inline_signed ? "inline" : "no"));
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
}

int cmd_classify(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf buf = STRBUF_INIT; /* each file's bytes in turn */
	int c, json = 0, rc = 0;

	(void)cli;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (c == 'f' && (strcmp(optarg, "tsv") == 0 || strcmp(optarg, "json") == 0)) {
			json = strcmp(optarg, "json") == 0;
		} else if (c == 'h') {
			printf("usage: pocgate classify [--format tsv|json] FILE...\n"
			       "  the verdict of each message file ('-': standard input), offline:\n"
			       "  bounce-hard, bounce-soft, auto-reply, reply or malformed, and why\n");
			return 0;
		} else {
			msg_error("usage: pocgate classify [--format tsv|json] FILE...");
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		msg_error("usage: pocgate classify [--format tsv|json] FILE...");
		return EX_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		struct mime_msg m;
		struct classification cl;
		int too_large;

		if (read_input(argv[i], &buf, &too_large) < 0) {
			msg_error("cannot read '%s': %s", argv[i], strerror(errno));
			rc = EX_NOINPUT;
			continue;
		}
		classification_init(&cl);
		if (too_large) {
			memset(&m, 0, sizeof(m));
			cl.verdict = VERDICT_MALFORMED;
			cl.rule = "size";
			sb_addf(&cl.reason, "larger than %u MiB; not parsed", FILE_MAX >> 20);
		} else {
			mime_parse(buf.buf, buf.len, &m);
			classify(&m, &cl);
		}
		if (json) {
			print_json(argv[i], &m, &cl);
		} else {
			tsv_field(argv[i]);
			printf("\t%s\t", verdict_name(cl.verdict));
			tsv_field(cl.reason.buf);
			putchar('\n');
		}
		if (!too_large)
			mime_release(&m);
		classification_release(&cl);
	}
	sb_release(&buf);
	return rc;
}
