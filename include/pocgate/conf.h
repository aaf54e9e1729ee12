/*
 * conf.h - pocgate's configuration, loaded once into a read-only struct
 *
 * Every setting comes from one table (conf.c: params[]) of name, type,
 * default and limits, so checking, defaults and documentation cannot drift
 * apart. conf_load() collects every problem, not just the first.
 */
#ifndef POCGATE_CONF_H
#define POCGATE_CONF_H

#include <stdint.h>

#include <pocgate/strbuf.h>

#define CONF_DEFAULT_PATH "/etc/pocgate/pocgate.conf"

enum conf_security { SECURITY_STARTTLS, SECURITY_TLS, SECURITY_NONE };

struct conf_server {
	char *host;			/* owned */
	int port;
	enum conf_security security;
	char *user;			/* owned, may be NULL */
	char *password_file;		/* owned, may be NULL */
	char *ca_file;			/* owned, NULL: system CAs */
	int64_t timeout;		/* seconds */
};

struct conf {
	char *path;			/* owned: the file this came from */
	char *database;			/* owned */
	char *templates;		/* owned: directory */
	int log_level;			/* enum log_level */

	char *manager_name;		/* owned */
	char *manager_address;		/* owned */
	char *manager_reply_to;		/* owned, may be NULL */

	char *signing_fingerprint;	/* owned */
	char *signing_gnupghome;	/* owned, may be NULL */
	char *signing_passphrase_file;	/* owned, may be NULL */

	struct conf_server smtp;
	struct conf_server imap;
	char *imap_folder;		/* owned */
	int64_t imap_max_size;		/* bytes */
	char *imap_processed_folder;	/* owned, NULL: messages stay where they are */
	int imap_processed_move;	/* bool: move there rather than copy */

	int64_t cycle_start;		/* epoch seconds, 0: none */
	int cycle_every_months;
	int64_t *cycle_dates;		/* owned, sorted; cycle_ndates entries */
	int cycle_ndates;
	int64_t response_window;	/* seconds */
	int64_t reminder;		/* seconds before the deadline, 0: none */
	int64_t escalation_delay;	/* seconds */
	int64_t escalation_repeat;	/* seconds */
	int escalation_max;
	int resolution_note;		/* bool */
};

/* Finds the configuration path: the -c argument when given, else
 * $POCGATE_CONFIG, else CONF_DEFAULT_PATH. */
const char *conf_path(const char *arg);

/* Loads and checks the file. Every problem is appended to *problems as one
 * line "FILE:LINE: setting: what is wrong" (LINE 0 when no line applies).
 * Returns a new struct conf, or NULL when there was any problem. */
struct conf *conf_load(const char *path, struct strbuf *problems);
void conf_free(struct conf **conf);

/* Writes the parameter table as "name\ttype\tdefault\tdescription" lines,
 * for the documentation. */
void conf_describe(struct strbuf *out);

#endif
