/*
 * NAME
 *	pocgated - the pocgate daemon
 * SYNOPSIS
 *	pocgated [-c FILE] [--once]
 * DESCRIPTION
 *	Start-up as Postfix's single_server: load and check all configuration
 *	into one read-only struct, open the store (which migrates it), then
 *	run. The loop: start the scheduled cycle when its time has come;
 *	compose queued pings and submit what is due (after a failed connection
 *	not again before a growing backoff); read the mailbox; run the ladder
 *	(reminders, overdue, escalations, the unverified flag); then sleep in
 *	IMAP IDLE, or until the next queued message, ladder event or scheduled
 *	cycle is due, or a signal comes. --once does one pass and exits (75,
 *	EX_TEMPFAIL, when a server could not be reached: nothing is lost).
 *	SIGTERM and SIGINT stop it; SIGHUP re-reads the configuration and
 *	keeps the running one when the new one is broken.
 * DIAGNOSTICS
 *	Exit codes from sysexits.h: 64 usage, 74 store, 78 configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <systemd/sd-daemon.h>

#include <pocgate/conf.h>
#include <pocgate/crypto.h>
#include <pocgate/cycle.h>
#include <pocgate/escalate.h>
#include <pocgate/imap.h>
#include <pocgate/ingest.h>
#include <pocgate/log.h>
#include <pocgate/outbox.h>
#include <pocgate/progress.h>
#include <pocgate/schedule.h>
#include <pocgate/store.h>
#include <pocgate/template.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

#ifndef POCGATE_VERSION
#define POCGATE_VERSION "0.0"
#endif

#define IDLE_MAX (5 * 60)	/* IDLE is renewed well before servers drop it (RFC 2177: 29 min);
				   a cycle started by hand waits at most this long */
#define POLL_WITHOUT_IDLE 60	/* seconds between mailbox checks without IDLE */

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: pocgated [-c FILE] [--once]\n\n"
		     "The pocgate daemon: sends what is due and reads replies.\n\n"
		     "  -c, --config FILE  configuration file (default: $POCGATE_CONFIG, else %s)\n"
		     "      --once         do what is due now, then exit\n"
		     "  -h, --help         show this help\n"
		     "  -V, --version      show the version\n",
		CONF_DEFAULT_PATH);
}

static struct conf *load(const char *path)
{
	struct strbuf problems = STRBUF_INIT;
	struct conf *conf = conf_load(path, &problems);

	if (!conf) {
		/* one log line per problem, as operators read logs line by line */
		char *save = NULL;
		for (char *l = strtok_r(problems.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			msg_error("%s", l);
	}
	sb_release(&problems);
	return conf;
}

/* Composes what is queued and submits what is due; a sysexits.h code. */
static int send_due(const struct conf *conf, struct store *store)
{
	struct strbuf err = STRBUF_INIT;
	struct tmpl_set *tmpl = NULL;
	struct outbox_result res = { 0 };
	struct outbox_sender *sender = NULL;
	size_t composed = 0;
	int rc = 0;
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (store_ping_uncomposed_count(store, &err) > 0) {
		if (tmpl_load(conf->templates, &tmpl, &err) < 0) {
			msg_error("templates in '%s' have problems:\n%s", conf->templates, err.buf);
			rc = EX_CONFIG;
			goto out;
		}
		/* submit while signing: the queue fills as batches are stored */
		sender = outbox_sender_start(conf, "pocgated");
		if (cycle_compose(store, conf, tmpl, n < 1 ? 1 : n > 16 ? 16 : (int)n, "pocgated",
				  &composed, &err) < 0) {
			msg_error("%s", err.buf);
			rc = EX_SOFTWARE;
		} else {
			msg_info("composed and signed %zu queued ping%s", composed,
				 composed == 1 ? "" : "s");
		}
		if (outbox_sender_finish(&sender, &res, &err) < 0) {
			msg_error("%s; the rest stays queued", err.buf);
			rc = rc ? rc : EX_TEMPFAIL;
		}
	} else if (outbox_flush(store, conf, utc_now(), "pocgated", &res, &err) < 0) {
		msg_error("%s; %u message%s stay queued", err.buf, res.left, res.left == 1 ? "" : "s");
		rc = EX_TEMPFAIL;
	}
	if (res.submitted || res.tempfail || res.permfail)
		msg_info("submitted %u, deferred %u, refused %u", res.submitted, res.tempfail,
			 res.permfail);
out:
	tmpl_free(&tmpl);
	sb_release(&err);
	return rc;
}

/* Reads new mail in the manager's mailbox, connecting when needed; on a
 * failure the connection is dropped, to be made again next time. */
static int read_mailbox(const struct conf *conf, struct store *store, struct imap **im)
{
	static struct crypto *verify; /* one for the process: opening one spawns gpg */
	struct strbuf err = STRBUF_INIT;
	struct ingest_result r;
	int rc = 0;

	if (!conf->imap.user)
		return 0; /* no mailbox configured: sending only */
	if (!verify && crypto_open_verify(conf->signing_gnupghome, &verify, &err) < 0) {
		msg_warn("%s; signed replies are recorded unverified", err.buf);
		sb_reset(&err);
	}
	if (!*im && imap_open(&conf->imap, im, &err) < 0) {
		msg_error("%s; replies are not read until it works", err.buf);
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (ingest_run(store, conf, *im, verify, utc_now(), "pocgated", &r, &err) < 0) {
		msg_error("%s; the mailbox will be read again", err.buf);
		imap_close(im);
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (r.read || r.duplicates)
		msg_info("read %u message%s: %u confirmation%s, %u auto-repl%s, %u bounce%s, "
			 "%u unmatched%s",
			 r.read, r.read == 1 ? "" : "s", r.confirmed, r.confirmed == 1 ? "" : "s",
			 r.auto_replies, r.auto_replies == 1 ? "y" : "ies", r.bounces,
			 r.bounces == 1 ? "" : "s", r.unmatched,
			 r.duplicates ? " (and messages recorded before, skipped)" : "");
	if (r.filed)
		msg_info("%s %u message%s to '%s'", conf->imap_processed_move ? "moved" : "copied",
			 r.filed, r.filed == 1 ? "" : "s", conf->imap_processed_folder);
out:
	sb_release(&err);
	return rc;
}

static int sigpipe[2] = { -1, -1 };

static void wake(int sig)
{
	int saved = errno;
	char c = (char)sig;

	on_signal(sig);
	if (write(sigpipe[1], &c, 1) < 0) {
		/* the pipe is full: a wake-up is pending anyway */
	}
	errno = saved;
}

/* Sleeps until something may be due: new mail (IDLE), the next queued
 * message's time, at most IDLE_MAX seconds, or a signal. */
static int64_t ladder_next_due; /* from the last run of the ladder */
static int64_t smtp_retry_at;   /* after a failed connection: not before then */
static int64_t smtp_backoff;    /* seconds, doubled after each failure */

#define SMTP_BACKOFF_MIN 30
#define SMTP_BACKOFF_MAX (15 * 60)

/* send_due(), but not again before the backoff after the server could not
 * be reached: a dead server gets a connection attempt now and then, not
 * every second. */
static int send_due_paced(const struct conf *conf, struct store *store)
{
	int64_t now = utc_now();
	int rc;

	if (now < smtp_retry_at)
		return EX_TEMPFAIL;
	rc = send_due(conf, store);
	if (rc == EX_TEMPFAIL) {
		smtp_backoff = smtp_backoff ? smtp_backoff * 2 : SMTP_BACKOFF_MIN;
		if (smtp_backoff > SMTP_BACKOFF_MAX)
			smtp_backoff = SMTP_BACKOFF_MAX;
		smtp_retry_at = now + smtp_backoff;
		msg_info("next submission attempt in %llds", (long long)smtp_backoff);
	} else {
		smtp_backoff = 0;
		smtp_retry_at = 0;
	}
	return rc;
}
static uint64_t watchdog_usec;  /* systemd's WatchdogSec, 0: none */

/* Tells systemd's watchdog that pocgated is alive: between the loop's
 * steps, and from long work through progress_beat() (any thread), at most
 * four times per watchdog interval. */
static void watchdog_beat(void)
{
	static _Atomic int64_t last_ms;
	struct timespec ts;
	int64_t now;

	if (!watchdog_usec)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now - last_ms < (int64_t)(watchdog_usec / 4000))
		return;
	last_ms = now;
	sd_notify(0, "WATCHDOG=1");
}

/* Reminders, deadlines and escalations due now; the messages they queue
 * go out with the next send_due(). Returns how many actions were taken. */
static unsigned run_ladder(const struct conf *conf, struct store *store)
{
	struct strbuf err = STRBUF_INIT;
	struct tmpl_set *tmpl = NULL;
	struct escalate_result r;
	unsigned n = 0;

	if (tmpl_load(conf->templates, &tmpl, &err) < 0) {
		msg_error("templates in '%s' have problems; no reminder or escalation is sent:\n%s",
			  conf->templates, err.buf);
		goto out;
	}
	if (escalate_run(store, conf, tmpl, utc_now(), "pocgated", &r, &err) < 0) {
		msg_error("%s", err.buf);
		goto out;
	}
	ladder_next_due = r.next;
	n = r.reminders + r.overdue + r.escalations + r.unverified + r.closed;
	if (n)
		msg_info("ladder: %u reminder%s, %u overdue, %u escalation%s, %u flagged unverified, "
			 "%u State%s closed",
			 r.reminders, r.reminders == 1 ? "" : "s", r.overdue, r.escalations,
			 r.escalations == 1 ? "" : "s", r.unverified, r.closed, r.closed == 1 ? "" : "s");
out:
	tmpl_free(&tmpl);
	sb_release(&err);
	return n;
}

static int64_t schedule_next; /* the next scheduled cycle, 0: none */

/* Starts the scheduled cycle when its time has come and no cycle was
 * started since: after downtime, the latest missed one only. */
static void run_schedule(const struct conf *conf, struct store *store)
{
	struct strbuf err = STRBUF_INIT;
	struct cycle_start_result res;
	int64_t now = utc_now();
	int64_t slot = schedule_latest(conf->cycle_start, conf->cycle_every_months, conf->cycle_dates,
				       conf->cycle_ndates, now, &schedule_next);
	char label[64];
	int r;

	if (!slot || (r = store_cycle_since(store, slot, &err)) != 0) {
		if (slot && r < 0)
			msg_error("%s", err.buf);
		goto out;
	}
	cycle_default_label(slot, label, sizeof(label));
	struct store_cycle existing;
	if (store_cycle_find(store, label, &existing, &err) > 0) {
		/* the half-year's label is taken (a cycle started by hand): date it */
		time_t tt = (time_t)slot;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(label, sizeof(label), "%Y-%m-%d", &tm);
	}
	struct cycle_start_opts o = { .label = label, .actor = "pocgated (schedule)" };
	r = cycle_start(store, conf, &o, now, &res, &err);
	if (r == 0)
		msg_info("scheduled cycle %s started: %u pings", res.label, res.pings);
	else if (r == -2)
		msg_info("scheduled cycle waits: %s", err.buf);
	else
		msg_error("cannot start the scheduled cycle: %s", err.buf);
out:
	sb_release(&err);
}

/* The directory of the store, watched so that a change made with the
 * pocgate command wakes the daemon at once; -1 when it cannot be. */
static int store_watch = -1;
static char *store_file; /* the database's name in that directory */

static void watch_store(const char *database)
{
	char *dir = xstrdup(database), *slash = strrchr(dir, '/');

	free(store_file);
	store_file = xstrdup(slash ? slash + 1 : dir);
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if (store_watch < 0)
		store_watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (store_watch < 0 ||
	    inotify_add_watch(store_watch, dir, IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		msg_warn("cannot watch '%s' for changes (%s): what the pocgate command changes is "
			 "seen at the next wake, within %d minutes", dir, strerror(errno), IDLE_MAX / 60);
		if (store_watch >= 0)
			close(store_watch);
		store_watch = -1;
	}
	free(dir);
}

/* Reads the pending events: 1 when one was about the database or its
 * write-ahead log (readers touch only the shared-memory index, -shm). */
static int store_touched(void)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	size_t n = strlen(store_file);
	ssize_t len;
	int hit = 0;

	while ((len = read(store_watch, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (ev->len && !strncmp(ev->name, store_file, n) &&
			    (!ev->name[n] || !strcmp(ev->name + n, "-wal")))
				hit = 1;
			p += sizeof(*ev) + ev->len;
		}
	return hit;
}

static void wait_for_work(const struct conf *conf, struct store *store, struct imap **im)
{
	struct strbuf err = STRBUF_INIT;
	int64_t next = store_outbox_next_due(store, &err), now = utc_now();

	if (next > 0 && next < smtp_retry_at)
		next = smtp_retry_at;
	if (ladder_next_due > 0 && (next <= 0 || ladder_next_due < next))
		next = ladder_next_due;
	if (schedule_next > 0 && (next <= 0 || schedule_next < next))
		next = schedule_next;
	if (watchdog_usec) { /* wake in time to tell systemd we are alive */
		int64_t half = (int64_t)(watchdog_usec / 2000000);
		if (half < 1)
			half = 1;
		if (next <= 0 || next > now + half)
			next = now + half;
	}
	int timeout = IDLE_MAX;
	long long version = store_data_version(store);
	int64_t until;
	char buf[16];

	if (next > 0)
		timeout = next <= now ? 1 : next - now < IDLE_MAX ? (int)(next - now) : IDLE_MAX;
	if (!(*im && imap_has_idle(*im)) && timeout > POLL_WITHOUT_IDLE)
		timeout = POLL_WITHOUT_IDLE;
	until = now + timeout;
	if (store_watch >= 0)
		store_touched(); /* our own writes, until now */
	for (;;) {
		int fds[2] = { sigpipe[0], store_watch }, nfds = store_watch >= 0 ? 2 : 1;
		struct pollfd p[2] = { { .fd = fds[0], .events = POLLIN },
				       { .fd = fds[1], .events = POLLIN } };

		if (*im && imap_has_idle(*im)) {
			int r = imap_idle(*im, timeout, fds, nfds, &err);
			if (r < 0) {
				msg_warn("%s; reconnecting", err.buf);
				imap_close(im);
			}
			if (r != 0)
				break; /* new mail, or an error */
		}
		/* which one woke us, or wait here without IDLE */
		if (poll(p, (nfds_t)nfds, *im && imap_has_idle(*im) ? 0 : timeout * 1000) <= 0 ||
		    p[0].revents)
			break; /* the time is up, or a signal */
		/* the pocgate command changed the store: a cycle started, a case
		 * resolved. The daemon's own writes do not count. */
		if (store_touched() && store_data_version(store) != version) {
			msg_debug("the store was changed by another process: waking up");
			break;
		}
		if ((timeout = (int)(until - utc_now())) <= 0)
			break;
	}
	while (read(sigpipe[0], buf, sizeof(buf)) > 0)
		;
	sb_release(&err);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_arg = NULL, *path;
	struct strbuf err = STRBUF_INIT;
	struct store *store = NULL;
	struct conf *conf;
	struct sigaction sa;
	int c, once = 0, rc = 0;

	if (argc > 1 && strcmp(argv[1], "--signer") == 0) /* crypto_open_helper() */
		return crypto_signer_main(argc, argv);
	setlocale(LC_CTYPE, "C.UTF-8");
	log_init("pocgated", LOG_LVL_INFO, getenv("JOURNAL_STREAM") != NULL);
	while ((c = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_arg = optarg;
			break;
		case 'o':
			once = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("pocgated %s\n", POCGATE_VERSION);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	path = conf_path(config_arg);
	if (!(conf = load(path)))
		msg_fatal(EX_CONFIG, "configuration '%s' has problems; not starting", path);
	log_set_level((enum log_level)conf->log_level);
	if (store_open(conf->database, &store, &err) < 0)
		msg_fatal(EX_IOERR, "%s", err.buf);
	if (once) {
		struct imap *im = NULL;
		run_schedule(conf, store);
		rc = send_due(conf, store);
		int r2 = read_mailbox(conf, store, &im);
		if (run_ladder(conf, store))
			rc = rc ? rc : send_due(conf, store);
		imap_close(&im);
		rc = rc ? rc : r2;
		goto out;
	}

	if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		msg_fatal(EX_OSERR, "cannot make a pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wake;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	msg_info("started with configuration '%s'", path);
	watch_store(conf->database);
	if (sd_watchdog_enabled(0, &watchdog_usec) <= 0)
		watchdog_usec = 0;
	progress_on_beat(watchdog_beat);
	sd_notifyf(0, "READY=1\nSTATUS=running with %s", path);
	struct imap *im = NULL;
	while (!got_term) {
		watchdog_beat();
		run_schedule(conf, store);
		send_due_paced(conf, store);
		if (got_term)
			break;
		read_mailbox(conf, store, &im);
		if (got_term)
			break;
		if (run_ladder(conf, store))
			continue; /* send what it queued before sleeping */
		wait_for_work(conf, store, &im);
		if (got_hup) {
			struct conf *fresh;
			got_hup = 0;
			sd_notify(0, "RELOADING=1");
			if ((fresh = load(path)) != NULL) {
				conf_free(&conf);
				conf = fresh;
				log_set_level((enum log_level)conf->log_level);
				msg_info("configuration '%s' reloaded", path);
			} else {
				msg_warn("configuration '%s' is broken; keeping the running one", path);
			}
			sd_notify(0, "READY=1");
		}
	}
	imap_close(&im);
	sd_notify(0, "STOPPING=1");
	msg_info("stopping on signal");
out:
	if (store_watch >= 0)
		close(store_watch);
	free(store_file);
	store_close(&store);
	conf_free(&conf);
	sb_release(&err);
	return rc;
}
