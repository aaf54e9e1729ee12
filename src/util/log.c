/*
 * NAME
 *	log - operator messages and caller errors
 * SYNOPSIS
 *	#include <pocgate/log.h>
 * DESCRIPTION
 *	Writes one line per message to stderr, as "progname: level: text" at a
 *	terminal or in a pipe, or "<N>text" with sd-daemon priorities when
 *	running under systemd. Control characters in a message (which may carry
 *	directory or mail data) are written as \xNN so a line stays a line.
 * SECURITY
 *	Callers never pass secrets; this module cannot know one when it sees it.
 */
#include <pocgate/log.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *log_progname = "pocgate";
static enum log_level log_level = LOG_LVL_INFO;
static int log_sd;

static const struct {
	const char *name;
	const char *sd;
} levels[] = {
	[LOG_LVL_ERROR] = { "error", "<3>" },
	[LOG_LVL_WARN] = { "warning", "<4>" },
	[LOG_LVL_INFO] = { "info", "<6>" },
	[LOG_LVL_DEBUG] = { "debug", "<7>" },
};

void log_init(const char *progname, enum log_level level, int sd_prefix)
{
	log_progname = progname;
	log_level = level;
	log_sd = sd_prefix;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

int log_level_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcasecmp(name, levels[i].name) == 0)
			return (int)i;
	if (strcasecmp(name, "warn") == 0)
		return LOG_LVL_WARN;
	return -1;
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
	struct strbuf line = STRBUF_INIT, text = STRBUF_INIT;

	if (level > log_level)
		return;
	sb_vaddf(&text, fmt, ap);
	if (log_sd)
		sb_addstr(&line, levels[level].sd);
	else if (level == LOG_LVL_INFO)
		sb_addf(&line, "%s: ", log_progname);
	else
		sb_addf(&line, "%s: %s: ", log_progname, levels[level].name);
	for (size_t i = 0; i < text.len; i++) {
		unsigned char c = (unsigned char)text.buf[i];
		if (c < 0x20 || c == 0x7f)
			sb_addf(&line, "\\x%02x", c);
		else
			sb_addch(&line, c);
	}
	sb_addch(&line, '\n');
	fwrite(line.buf, 1, line.len, stderr);
	fflush(stderr);
	sb_release(&line);
	sb_release(&text);
}

#define DEFINE_MSG(fn, lvl)                        \
	void fn(const char *fmt, ...)              \
	{                                          \
		va_list ap;                        \
		va_start(ap, fmt);                 \
		vlog(lvl, fmt, ap);                \
		va_end(ap);                        \
	}

DEFINE_MSG(msg_debug, LOG_LVL_DEBUG)
DEFINE_MSG(msg_info, LOG_LVL_INFO)
DEFINE_MSG(msg_warn, LOG_LVL_WARN)
DEFINE_MSG(msg_error, LOG_LVL_ERROR)

void msg_fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, fmt, ap);
	va_end(ap);
	exit(code);
}

int error_set(struct strbuf *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	sb_reset(err);
	va_start(ap, fmt);
	sb_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}
