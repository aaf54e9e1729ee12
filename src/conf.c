/*
 * NAME
 *	conf - load and check pocgate.conf (libconfig syntax)
 * SYNOPSIS
 *	#include <pocgate/conf.h>
 *	const char *conf_path(const char *arg);
 *	struct conf *conf_load(const char *path, struct strbuf *problems);
 *	void conf_free(struct conf **conf);
 *	void conf_describe(struct strbuf *out);
 * DESCRIPTION
 *	params[] is the single list of settings: its entries say each setting's
 *	dotted name, type, default, limits and where it lands in struct conf.
 *	conf_load() reads the file with libconfig, walks every setting in it
 *	(so a misspelt name is reported, with a suggestion), then walks params[]
 *	to convert, range-check and fill in defaults. Relative paths are taken
 *	relative to the configuration file's directory.
 * DIAGNOSTICS
 *	One line per problem: "FILE:LINE: setting: what is wrong".
 * SECURITY
 *	Password files must be regular files not readable by others; their
 *	contents are never read here, only checked, and never logged.
 */
#include <pocgate/conf.h>

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pocgate/addr.h>
#include <pocgate/log.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

enum ptype {
	P_GROUP,	/* a group that may hold settings */
	P_STRING,	/* any non-empty UTF-8 text */
	P_PATH,		/* a file or directory name */
	P_SECRET,	/* a file holding a secret: must not be readable by others */
	P_ADDRESS,	/* an e-mail address */
	P_FINGERPRINT,	/* 40 hex digits */
	P_INT,
	P_DURATION,	/* a string with units: "48h" */
	P_SIZE,		/* bytes, as a string with a unit: "25M" */
	P_SECURITY,	/* starttls | tls | none */
	P_LOGLEVEL,
	P_DATETIME,	/* UTC date and time */
	P_DATES,	/* list of UTC dates and times */
	P_BOOL,		/* true or false */
};

struct param {
	const char *name;
	enum ptype type;
	const char *def;	/* default, in the file's own syntax; NULL: none */
	long long min, max;	/* for P_INT, P_DURATION (seconds) and P_SIZE (bytes) */
	int required;
	size_t off;		/* offset of the field in struct conf */
	const char *doc;
};

#ifndef POCGATE_TEMPLATES_DIR /* set by the Makefile from PREFIX */
#define POCGATE_TEMPLATES_DIR "/usr/local/share/pocgate/templates"
#endif

#define F(field) offsetof(struct conf, field)
#define NOFIELD ((size_t)-1)
#define DAY (86400LL)

/* The settings of pocgate.conf. To add one: add a row here and a field in
 * struct conf, document it in conf/pocgate.conf and the README. */
static const struct param params[] = {
	{ "database", P_PATH, NULL, 0, 0, 1, F(database), "the SQLite store" },
	{ "templates", P_PATH, "\"" POCGATE_TEMPLATES_DIR "\"", 0, 0, 0, F(templates),
	  "directory of message templates" },
	{ "log_level", P_LOGLEVEL, "\"info\"", 0, 0, 0, F(log_level),
	  "error, warning, info or debug" },

	{ "manager", P_GROUP, NULL, 0, 0, 1, NOFIELD, "the directory manager" },
	{ "manager.name", P_STRING, NULL, 0, 0, 1, F(manager_name),
	  "name shown in From: and signatures" },
	{ "manager.address", P_ADDRESS, NULL, 0, 0, 1, F(manager_address),
	  "the manager's mailbox: From:, and where replies arrive" },
	{ "manager.reply_to", P_ADDRESS, NULL, 0, 0, 0, F(manager_reply_to),
	  "Reply-To: when replies should go elsewhere (default: address)" },

	{ "signing", P_GROUP, NULL, 0, 0, 1, NOFIELD, "the OpenPGP signing key" },
	{ "signing.fingerprint", P_FINGERPRINT, NULL, 0, 0, 1, F(signing_fingerprint),
	  "fingerprint of the key (or signing subkey) that signs every message" },
	{ "signing.gnupghome", P_PATH, NULL, 0, 0, 0, F(signing_gnupghome),
	  "dedicated GnuPG home directory (default: $GNUPGHOME)" },
	{ "signing.passphrase_file", P_SECRET, NULL, 0, 0, 0, F(signing_passphrase_file),
	  "file with the key's passphrase, if it has one" },

	{ "smtp", P_GROUP, NULL, 0, 0, 1, NOFIELD, "the submission server" },
	{ "smtp.host", P_STRING, NULL, 0, 0, 1, F(smtp.host), "host name (checked against its certificate)" },
	{ "smtp.port", P_INT, "0", 0, 65535, 0, F(smtp.port), "port (0: 587 for starttls, 465 for tls)" },
	{ "smtp.security", P_SECURITY, "\"starttls\"", 0, 0, 0, F(smtp.security),
	  "starttls, tls or none (none: loopback only)" },
	{ "smtp.user", P_STRING, NULL, 0, 0, 0, F(smtp.user), "AUTH user name" },
	{ "smtp.password_file", P_SECRET, NULL, 0, 0, 0, F(smtp.password_file),
	  "file holding the AUTH password" },
	{ "smtp.ca_file", P_PATH, NULL, 0, 0, 0, F(smtp.ca_file),
	  "CA certificates to trust (default: the system's)" },
	{ "smtp.timeout", P_DURATION, "\"60s\"", 1, DAY, 0, F(smtp.timeout), "network timeout" },

	{ "imap", P_GROUP, NULL, 0, 0, 1, NOFIELD, "the manager's mailbox" },
	{ "imap.host", P_STRING, NULL, 0, 0, 1, F(imap.host), "host name (checked against its certificate)" },
	{ "imap.port", P_INT, "0", 0, 65535, 0, F(imap.port), "port (0: 143 for starttls, 993 for tls)" },
	{ "imap.security", P_SECURITY, "\"starttls\"", 0, 0, 0, F(imap.security),
	  "starttls, tls or none (none: loopback only)" },
	{ "imap.user", P_STRING, NULL, 0, 0, 0, F(imap.user), "login name" },
	{ "imap.password_file", P_SECRET, NULL, 0, 0, 0, F(imap.password_file),
	  "file holding the password" },
	{ "imap.ca_file", P_PATH, NULL, 0, 0, 0, F(imap.ca_file),
	  "CA certificates to trust (default: the system's)" },
	{ "imap.timeout", P_DURATION, "\"60s\"", 1, DAY, 0, F(imap.timeout), "network timeout" },
	{ "imap.folder", P_STRING, "\"INBOX\"", 0, 0, 0, F(imap_folder), "folder read for replies" },
	{ "imap.max_size", P_SIZE, "\"25M\"", 1024, 1LL << 30, 0, F(imap_max_size),
	  "a larger message is recorded as too large, never fetched or parsed" },
	{ "imap.processed_folder", P_STRING, NULL, 0, 0, 0, F(imap_processed_folder),
	  "folder each message is copied into once its verdict is recorded (created if "
	  "missing; default: none, the mailbox is left as it is)" },
	{ "imap.processed_move", P_BOOL, "false", 0, 0, 0, F(imap_processed_move),
	  "move into processed_folder instead of copying (the server must offer MOVE)" },

	{ "cycle", P_GROUP, NULL, 0, 0, 0, NOFIELD, "ping cycles and escalation" },
	{ "cycle.start", P_DATETIME, NULL, 0, 0, 0, F(cycle_start),
	  "UTC date and time of the first scheduled cycle" },
	{ "cycle.every_months", P_INT, "6", 1, 120, 0, F(cycle_every_months),
	  "months between scheduled cycles, counted from start" },
	{ "cycle.dates", P_DATES, NULL, 0, 0, 0, F(cycle_dates),
	  "explicit list of cycle dates instead of start/every_months" },
	{ "cycle.response_window", P_DURATION, "\"48h\"", 1, 365 * DAY, 0, F(response_window),
	  "time a POC has to reply to a ping" },
	{ "cycle.reminder", P_DURATION, "\"24h\"", 0, 365 * DAY, 0, F(reminder),
	  "send a reminder this long before the deadline (0s: none)" },
	{ "cycle.escalation_delay", P_DURATION, "\"5m\"", 0, 7 * DAY, 0, F(escalation_delay),
	  "wait this long after a POC becomes overdue or bounces before escalating, so that "
	  "one State gets one message" },
	{ "cycle.escalation_repeat", P_DURATION, "\"7d\"", 1, 365 * DAY, 0, F(escalation_repeat),
	  "interval between escalations to a Permanent Mission" },
	{ "cycle.escalation_max", P_INT, "3", 1, 100, 0, F(escalation_max),
	  "escalations before an entry is flagged unverified" },
	{ "cycle.resolution_note", P_BOOL, "true", 0, 0, 0, F(resolution_note),
	  "tell a Permanent Mission when every POC it was asked about has answered" },
};

#define NPARAMS (sizeof(params) / sizeof(params[0]))

static const char *type_names[] = {
	[P_GROUP] = "group",	     [P_STRING] = "string",   [P_PATH] = "path",
	[P_SECRET] = "secret file",  [P_ADDRESS] = "address", [P_FINGERPRINT] = "fingerprint",
	[P_INT] = "integer",	     [P_DURATION] = "duration", [P_SIZE] = "size", [P_SECURITY] = "security",
	[P_LOGLEVEL] = "log level",  [P_DATETIME] = "UTC time", [P_DATES] = "list of UTC times",
	[P_BOOL] = "true or false",
};

const char *conf_path(const char *arg)
{
	const char *env = getenv("POCGATE_CONFIG");

	if (arg && *arg)
		return arg;
	if (env && *env)
		return env;
	return CONF_DEFAULT_PATH;
}

static const struct param *param_find(const char *name)
{
	for (size_t i = 0; i < NPARAMS; i++)
		if (strcmp(params[i].name, name) == 0)
			return &params[i];
	return NULL;
}

/* Edit distance, for "did you mean" on misspelt settings. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), *row, best;

	row = xcalloc(lb + 1, sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t v = diag + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

struct loader {
	const char *path;
	const char *dir;	/* the file's directory, for relative paths */
	struct strbuf *problems;
	int nproblems;
	struct conf *conf;
};

static void problem(struct loader *ld, const config_setting_t *s, const char *name,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct loader *ld, const config_setting_t *s, const char *name,
		    const char *fmt, ...)
{
	va_list ap;
	const char *file = s ? config_setting_source_file(s) : NULL;
	unsigned line = s ? config_setting_source_line(s) : 0;

	sb_addf(ld->problems, "%s:%u: %s: ", file ? file : ld->path, line, name);
	va_start(ap, fmt);
	sb_vaddf(ld->problems, fmt, ap);
	va_end(ap);
	sb_addch(ld->problems, '\n');
	ld->nproblems++;
}

/* Reports every setting of the file that params[] does not know. */
static void check_unknown(struct loader *ld, const config_setting_t *group, const char *prefix)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned)i);
		const char *nm = config_setting_name(s);
		char *full;
		const struct param *p;

		if (!nm)
			continue;
		full = *prefix ? xasprintf("%s.%s", prefix, nm) : xstrdup(nm);
		p = param_find(full);
		if (!p) {
			const char *best = NULL;
			size_t bestd = 3;
			for (size_t k = 0; k < NPARAMS; k++) {
				size_t d = distance(full, params[k].name);
				if (d < bestd) {
					bestd = d;
					best = params[k].name;
				}
			}
			if (best)
				problem(ld, s, full, "unknown setting (did you mean '%s'?)", best);
			else
				problem(ld, s, full, "unknown setting");
		} else if (p->type == P_GROUP) {
			if (config_setting_type(s) != CONFIG_TYPE_GROUP)
				problem(ld, s, full, "must be a group { ... }");
			else
				check_unknown(ld, s, full);
		}
		free(full);
	}
}

static char *resolve_path(struct loader *ld, const char *v)
{
	if (v[0] == '/' || !ld->dir)
		return xstrdup(v);
	return xasprintf("%s/%s", ld->dir, v);
}

static void *field(struct loader *ld, const struct param *p)
{
	return (char *)ld->conf + p->off;
}

/* A size as P_SIZE takes it: "25M", or bytes when no unit fits. */
static void size_format(long long n, char *buf, size_t len)
{
	const char *units = "GMK";

	for (int shift = 30; shift; shift -= 10, units++)
		if (n >= (1LL << shift) && n % (1LL << shift) == 0) {
			snprintf(buf, len, "%lld%c", n >> shift, *units);
			return;
		}
	snprintf(buf, len, "%lld", n);
}

/* Converts one value (from the file or the default) into its field. */
static void convert(struct loader *ld, const struct param *p, const config_setting_t *s)
{
	const char *str = NULL;
	int64_t d;
	long long num;

	switch (p->type) {
	case P_GROUP:
		return;
	case P_INT:
		if (config_setting_type(s) != CONFIG_TYPE_INT) {
			problem(ld, s, p->name, "must be an integer");
			return;
		}
		num = config_setting_get_int(s);
		if (num < p->min || num > p->max) {
			problem(ld, s, p->name, "%lld is out of range %lld..%lld", num, p->min, p->max);
			return;
		}
		*(int *)field(ld, p) = (int)num;
		return;
	case P_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
			problem(ld, s, p->name, "must be true or false");
			return;
		}
		*(int *)field(ld, p) = config_setting_get_bool(s);
		return;
	case P_DATES: {
		int n;
		int64_t *dates;
		if (config_setting_type(s) != CONFIG_TYPE_LIST &&
		    config_setting_type(s) != CONFIG_TYPE_ARRAY) {
			problem(ld, s, p->name, "must be a list of dates, e.g. [\"2027-01-15\", \"2027-07-15\"]");
			return;
		}
		n = config_setting_length(s);
		dates = xcalloc((size_t)n + 1, sizeof(*dates));
		for (int i = 0; i < n; i++) {
			const char *v = config_setting_get_string_elem(s, i);
			if (!v || utc_parse(v, &dates[i]) < 0) {
				problem(ld, s, p->name, "element %d is not a UTC date like \"2027-01-15 09:00\"", i + 1);
				free(dates);
				return;
			}
			if (i && dates[i] <= dates[i - 1]) {
				problem(ld, s, p->name, "dates must be in increasing order");
				free(dates);
				return;
			}
		}
		ld->conf->cycle_dates = dates;
		ld->conf->cycle_ndates = n;
		return;
	}
	default:
		break;
	}

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		problem(ld, s, p->name, "must be a string in double quotes");
		return;
	}
	str = config_setting_get_string(s);
	if (utf8_check(str, NULL)) {
		problem(ld, s, p->name, "invalid UTF-8 or a control character");
		return;
	}
	if (!*str) {
		problem(ld, s, p->name, "must not be empty");
		return;
	}
	switch (p->type) {
	case P_STRING:
		*(char **)field(ld, p) = xstrdup(str);
		break;
	case P_ADDRESS: {
		const char *why = addr_check(str);
		if (why) {
			problem(ld, s, p->name, "'%s' is not an e-mail address: %s", str, why);
			return;
		}
		*(char **)field(ld, p) = xstrdup(str);
		break;
	}
	case P_PATH:
		*(char **)field(ld, p) = resolve_path(ld, str);
		break;
	case P_SECRET: {
		struct stat st;
		const char *creds = getenv("CREDENTIALS_DIRECTORY");
		/* under systemd, a bare name is a credential (LoadCredential=) */
		char *path = str[0] != '/' && creds && *creds ? xasprintf("%s/%s", creds, str) :
								resolve_path(ld, str);
		if (stat(path, &st) < 0) {
			problem(ld, s, p->name, "cannot read '%s': %s", path, strerror(errno));
		} else if (!S_ISREG(st.st_mode)) {
			problem(ld, s, p->name, "'%s' is not a regular file", path);
		} else if (st.st_mode & (S_IROTH | S_IWOTH)) {
			problem(ld, s, p->name, "'%s' is accessible by others (mode %04o): run chmod o-rw",
				path, (unsigned)(st.st_mode & 07777));
		}
		*(char **)field(ld, p) = path;
		break;
	}
	case P_FINGERPRINT: {
		char *fpr = xmalloc(strlen(str) + 1);
		size_t n = 0;
		for (const char *c = str; *c; c++) {
			if (*c == ' ')
				continue;
			if (!strchr("0123456789abcdefABCDEF", *c)) {
				n = 0;
				break;
			}
			fpr[n++] = (char)(*c >= 'a' ? *c - 32 : *c);
		}
		fpr[n] = '\0';
		if (n != 40) {
			problem(ld, s, p->name, "must be a fingerprint of 40 hex digits");
			free(fpr);
			return;
		}
		*(char **)field(ld, p) = fpr;
		break;
	}
	case P_DURATION:
		if (duration_parse(str, &d) < 0) {
			problem(ld, s, p->name, "'%s' is not a duration with a unit, like \"48h\", \"30m\" or \"5s\"", str);
			return;
		}
		if (d < p->min || d > p->max) {
			char lo[32], hi[32];
			duration_format(p->min, lo, sizeof(lo));
			duration_format(p->max, hi, sizeof(hi));
			problem(ld, s, p->name, "'%s' is out of range %s..%s", str, lo, hi);
			return;
		}
		*(int64_t *)field(ld, p) = d;
		break;
	case P_SIZE: {
		char *end;
		long long n;
		errno = 0;
		n = strtoll(str, &end, 10);
		if (!isdigit((unsigned char)*str) || errno ||
		    (*end && (!strchr("KMG", *end) || end[1]))) {
			problem(ld, s, p->name, "'%s' is not a size in bytes, or with a unit, like \"25M\", \"512K\" or \"1G\"", str);
			return;
		}
		int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
		if (n > (p->max >> shift) || (n << shift) < p->min) {
			char lo[32], hi[32];
			size_format(p->min, lo, sizeof(lo));
			size_format(p->max, hi, sizeof(hi));
			problem(ld, s, p->name, "'%s' is out of range %s..%s", str, lo, hi);
			return;
		}
		n <<= shift;
		*(int64_t *)field(ld, p) = n;
		break;
	}
	case P_SECURITY: {
		enum conf_security sec;
		if (strcmp(str, "starttls") == 0)
			sec = SECURITY_STARTTLS;
		else if (strcmp(str, "tls") == 0)
			sec = SECURITY_TLS;
		else if (strcmp(str, "none") == 0)
			sec = SECURITY_NONE;
		else {
			problem(ld, s, p->name, "'%s' is not one of starttls, tls, none", str);
			return;
		}
		*(enum conf_security *)field(ld, p) = sec;
		break;
	}
	case P_LOGLEVEL: {
		int lvl = log_level_parse(str);
		if (lvl < 0) {
			problem(ld, s, p->name, "'%s' is not one of error, warning, info, debug", str);
			return;
		}
		*(int *)field(ld, p) = lvl;
		break;
	}
	case P_DATETIME:
		if (utc_parse(str, &d) < 0) {
			problem(ld, s, p->name, "'%s' is not a UTC date like \"2027-01-15 09:00\"", str);
			return;
		}
		*(int64_t *)field(ld, p) = d;
		break;
	default:
		break;
	}
}

/* Applies a default written in libconfig syntax by parsing it as a file of
 * its own: defaults go through the same conversion as the user's values. */
static void apply_default(struct loader *ld, const struct param *p)
{
	config_t c;
	char *text = xasprintf("v = %s;", p->def);

	config_init(&c);
	if (config_read_string(&c, text) == CONFIG_TRUE)
		convert(ld, p, config_lookup(&c, "v"));
	else
		problem(ld, NULL, p->name, "built-in default '%s' does not parse", p->def);
	config_destroy(&c);
	free(text);
}

static void check_semantics(struct loader *ld, config_t *cf)
{
	struct conf *c = ld->conf;
	struct conf_server *srv[] = { &c->smtp, &c->imap };
	const char *names[] = { "smtp", "imap" };
	static const int ports[2][3] = { { 587, 465, 25 }, { 143, 993, 143 } };

	for (int i = 0; i < 2; i++) {
		char *key = xasprintf("%s.password_file", names[i]);
		if (srv[i]->password_file && !srv[i]->user)
			problem(ld, config_lookup(cf, key), key, "needs %s.user as well", names[i]);
		if (!srv[i]->port)
			srv[i]->port = ports[i][srv[i]->security];
		free(key);
	}
	if (c->cycle_ndates && config_lookup(cf, "cycle.start"))
		problem(ld, config_lookup(cf, "cycle.dates"), "cycle.dates",
			"give either cycle.start or cycle.dates, not both");
	if (c->reminder && c->response_window && c->reminder >= c->response_window)
		problem(ld, config_lookup(cf, "cycle.reminder"), "cycle.reminder",
			"must be shorter than cycle.response_window");
}

struct conf *conf_load(const char *path, struct strbuf *problems)
{
	config_t cf;
	struct loader ld = { .path = path, .problems = problems };
	struct stat st;
	const char *slash;

	ld.conf = xcalloc(1, sizeof(*ld.conf));
	ld.conf->path = xstrdup(path);
	slash = strrchr(path, '/');
	ld.dir = slash ? xstrndup(path, (size_t)(slash - path) + (slash == path)) : xstrdup(".");
	config_init(&cf);

	if (stat(path, &st) < 0) {
		sb_addf(problems, "%s:0: cannot read configuration: %s\n", path, strerror(errno));
		ld.nproblems++;
		goto out;
	}
	if (config_read_file(&cf, path) != CONFIG_TRUE) {
		sb_addf(problems, "%s:%d: syntax: %s\n",
			    config_error_file(&cf) ? config_error_file(&cf) : path,
			    config_error_line(&cf), config_error_text(&cf));
		ld.nproblems++;
		goto out;
	}
	check_unknown(&ld, config_root_setting(&cf), "");
	for (size_t i = 0; i < NPARAMS; i++) {
		const struct param *p = &params[i];
		const config_setting_t *s = config_lookup(&cf, p->name);

		if (s)
			convert(&ld, p, s);
		else if (p->required && (!strchr(p->name, '.') || p->type != P_GROUP))
			problem(&ld, NULL, p->name, "required setting is missing");
		else if (p->def)
			apply_default(&ld, p);
	}
	check_semantics(&ld, &cf);
out:
	config_destroy(&cf);
	free((char *)ld.dir);
	if (ld.nproblems) {
		conf_free(&ld.conf);
		return NULL;
	}
	return ld.conf;
}

static void server_release(struct conf_server *s)
{
	free(s->host);
	free(s->user);
	free(s->password_file);
	free(s->ca_file);
}

void conf_free(struct conf **confp)
{
	struct conf *c;

	if (!confp || !*confp)
		return;
	c = *confp;
	free(c->path);
	free(c->database);
	free(c->templates);
	free(c->manager_name);
	free(c->manager_address);
	free(c->manager_reply_to);
	free(c->signing_fingerprint);
	free(c->signing_gnupghome);
	free(c->signing_passphrase_file);
	server_release(&c->smtp);
	server_release(&c->imap);
	free(c->imap_folder);
	free(c->imap_processed_folder);
	free(c->cycle_dates);
	free(c);
	*confp = NULL;
}

void conf_describe(struct strbuf *out)
{
	for (size_t i = 0; i < NPARAMS; i++) {
		const struct param *p = &params[i];
		sb_addf(out, "%s\t%s\t%s\t%s%s\n", p->name, type_names[p->type],
			    p->def ? p->def : "-", p->required ? "required; " : "", p->doc);
	}
}
