/*
 * log.h - messages for operators, and errors handed to callers
 *
 * Three levels of failure, as Postfix: msg_warn() logs and carries on,
 * msg_fatal() ends the program with a sysexits.h code, a bug is an assert().
 * Log lines are one line each; control characters from outside are escaped.
 *
 * Functions that can fail return 0 or -1 and describe the failure in a
 * caller-provided struct strbuf *err with error_set(): lower case, no full
 * stop, the thing in quotes.
 */
#ifndef POCGATE_LOG_H
#define POCGATE_LOG_H

#include <pocgate/strbuf.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* progname prefixes every line; sd_prefix writes "<N>" sd-daemon priorities
 * instead (for journald under systemd). */
void log_init(const char *progname, enum log_level level, int sd_prefix);
void log_set_level(enum log_level level);
/* Parses "error", "warning", "info", "debug"; -1 when unknown. */
int log_level_parse(const char *name);

void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void msg_fatal(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Replaces *err's content with the formatted message; returns -1 so that
 * "return error_set(err, ...)" reads naturally. err may be NULL. */
int error_set(struct strbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
