/*
 * NAME
 *	cycle - start a ping cycle; compose and sign its pings
 * SYNOPSIS
 *	#include <pocgate/cycle.h>
 *	cycle_start(), cycle_compose(), cycle_ping_vars(),
 *	cycle_default_label(), cycle_label_check(), cycle_format_deadline()
 * DESCRIPTION
 *	Starting a cycle only writes rows: the cycle, one queued ping per POC,
 *	and their audit events, in one transaction. Composing is separate and
 *	resumable: cycle_compose() picks every queued ping without a message,
 *	so an interrupted start is finished by the next run (or by pocgated),
 *	and nothing is composed twice.
 *
 *	Signing is the slow part (one gpg process per signature), so messages
 *	are composed by a pool of threads, each with its own GPGME context,
 *	on batches of pings; the main thread alone talks to SQLite, one
 *	transaction per batch.
 * SECURITY
 *	Directory values reach messages only through tmpl_render() (control
 *	characters neutralised) and compose_signed() (headers encoded).
 */
#include <pocgate/cycle.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pocgate/audit.h>
#include <pocgate/compose.h>
#include <pocgate/conf.h>
#include <pocgate/crypto.h>
#include <pocgate/directory.h>
#include <pocgate/log.h>
#include <pocgate/progress.h>
#include <pocgate/store.h>
#include <pocgate/template.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

#define BATCH 64 /* pings composed and stored per transaction */
#define WORKERS_MAX 16

void cycle_default_label(int64_t now, char *buf, size_t size)
{
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, size, "%04dH%d", tm.tm_year + 1900, tm.tm_mon < 6 ? 1 : 2);
}

int cycle_label_check(const char *label)
{
	size_t n = strlen(label);

	if (n == 0 || n > 32)
		return -1;
	for (const char *p = label; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-'))
			return -1;
	return 0;
}

void cycle_format_deadline(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, size, tm.tm_sec ? "%Y-%m-%d %H:%M:%S UTC" : "%Y-%m-%d %H:%M UTC", &tm);
}

size_t cycle_ping_vars(const struct contact *c, const char *reference, const char *deadline,
		       const char *window, const char *manager, struct tmpl_var *v)
{
	size_t n = 0;

	v[n++] = (struct tmpl_var){ "reference", reference };
	v[n++] = (struct tmpl_var){ "deadline", deadline };
	v[n++] = (struct tmpl_var){ "window", window };
	v[n++] = (struct tmpl_var){ "manager", manager };
	v[n++] = (struct tmpl_var){ "state", c->state_name ? c->state_name : c->state };
	v[n++] = (struct tmpl_var){ "entity", c->entity };
	v[n++] = (struct tmpl_var){ "name", c->name };
	v[n++] = (struct tmpl_var){ "designation", c->designation };
	v[n++] = (struct tmpl_var){ "role", contact_role_name(c->role) };
	return n;
}

/* ---- starting ---- */

struct plan {
	struct store *st;
	int64_t cycle_id, deadline, now;
	const char *label, *actor;
	unsigned n;
	int failed;
	struct strbuf *err;
};

static int plan_one(const struct contact *c, void *vp)
{
	struct plan *p = vp;
	struct strbuf ref = STRBUF_INIT, subj = STRBUF_INIT;
	char *details;
	int64_t ping_id;

	if (c->role == ROLE_MISSION)
		return 0;
	sb_addf(&ref, "POC-%s-%s-%04lld", p->label, c->state, (long long)c->id);
	sb_addf(&subj, "ping %s", ref.buf);
	details = audit_json("{s:s, s:I, s:s, s:s%}", "cycle", p->label, "contact", (long long)c->id,
			     "state", c->state, "to", c->email, strcspn(c->email, ";"));
	if (store_ping_add(p->st, p->cycle_id, c->id, ref.buf, p->deadline, p->now, &ping_id,
			   p->err) < 0 ||
	    store_event_append(p->st, p->now, p->actor, "ping.queued", subj.buf, details, p->err) < 0)
		p->failed = 1;
	else
		p->n++;
	free(details);
	sb_release(&ref);
	sb_release(&subj);
	return p->failed;
}

int cycle_start(struct store *st, const struct conf *conf, const struct cycle_start_opts *o,
		int64_t now, struct cycle_start_result *res, struct strbuf *err)
{
	struct store_cycle open;
	char label[64], dl[40], subject[80], *details;
	struct plan p = { .st = st, .now = now, .actor = o->actor, .err = err };
	int r;

	memset(res, 0, sizeof(*res));
	if (o->label)
		snprintf(label, sizeof(label), "%s", o->label);
	else
		cycle_default_label(now, label, sizeof(label));
	if (cycle_label_check(label) < 0)
		return error_set(err, "cycle label '%s' must be 1-32 letters, digits or '-'", label);
	if (store_begin(st, err) < 0)
		return -1;
	r = store_cycle_find(st, label, &open, err);
	if (r < 0)
		goto fail;
	if (r > 0) {
		error_set(err, "a cycle labelled '%s' exists already; choose another with --label", label);
		goto fail;
	}
	r = store_cycle_open(st, now, &open, err);
	if (r < 0)
		goto fail;
	if (r > 0 && !o->force) {
		cycle_format_deadline(open.deadline, dl, sizeof(dl));
		error_set(err, "cycle '%s' is still open (deadline %s); use --force to start another",
			  open.label, dl);
		store_rollback(st);
		return -2;
	}
	/* deadlines on the minute, as people read them; short windows (tests,
	 * drills) keep their seconds */
	p.deadline = now + conf->response_window;
	if (conf->response_window >= 3600)
		p.deadline = (p.deadline + 59) / 60 * 60;
	p.label = label;
	if (store_cycle_add(st, label, now, p.deadline, conf->response_window, &p.cycle_id, err) < 0)
		goto fail;
	if (store_contact_foreach(st, NULL, plan_one, &p, err) < 0 || p.failed)
		goto fail;
	if (p.n == 0) {
		error_set(err, "the directory has no POCs: import one first");
		goto fail;
	}
	cycle_format_deadline(p.deadline, dl, sizeof(dl));
	snprintf(subject, sizeof(subject), "cycle %s", label);
	details = audit_json("{s:s, s:i, s:s, s:I, s:b}", "label", label, "pings", (int)p.n,
			     "deadline", dl, "window", (long long)conf->response_window, "forced",
			     o->force && r > 0);
	r = store_event_append(st, now, o->actor, "cycle.start", subject, details, err);
	free(details);
	if (r < 0 || store_commit(st, err) < 0)
		goto fail;
	res->cycle_id = p.cycle_id;
	snprintf(res->label, sizeof(res->label), "%s", label);
	res->deadline = p.deadline;
	res->pings = p.n;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* ---- composing ---- */

struct job {
	const struct store_ping *ping;	/* borrowed */
	struct strbuf msg;		/* the signed message */
	struct strbuf msgid;
	struct strbuf err;
	char to[320];
	int failed;
};

struct pool {
	const struct conf *conf;
	const struct tmpl_set *tmpl;
	struct job *jobs;
	size_t njobs;
	atomic_size_t next, done;
	char window[24];
};

struct worker {
	pthread_t tid;
	struct pool *pool;
	struct crypto *crypto;
};

int cycle_compose_message(const struct conf *conf, const struct tmpl_set *tmpl, struct crypto *cr,
			  enum tmpl_kind kind, const char *languages, const struct tmpl_var *vars,
			  size_t nvars, const char *to_name, const char *to_addr,
			  const char *reference, int64_t now, struct strbuf *msg, struct strbuf *msgid,
			  struct strbuf *err)
{
	struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
	struct compose_msg m;
	int rc = -1;

	if (tmpl_render(tmpl, kind, languages, vars, nvars, &subject, &body, NULL, err) < 0)
		goto out;
	sb_reset(msgid);
	compose_message_id(reference, conf->manager_address, msgid);
	m = (struct compose_msg){
		.date = now,
		.from_name = conf->manager_name,
		.from_addr = conf->manager_address,
		.to_name = to_name,
		.to_addr = to_addr,
		.reply_to = conf->manager_reply_to ? conf->manager_reply_to : conf->manager_address,
		.subject = subject.buf,
		.body = body.buf,
		.message_id = msgid->buf,
		.reference = reference,
	};
	rc = compose_signed(cr, &m, msg, err);
out:
	sb_release(&subject);
	sb_release(&body);
	return rc;
}

static void compose_job(struct pool *pl, struct crypto *cr, struct job *j)
{
	const struct store_ping *p = j->ping;
	const struct conf *conf = pl->conf;
	struct tmpl_var vars[16];
	char dl[40];
	size_t nv;

	cycle_format_deadline(p->deadline, dl, sizeof(dl));
	nv = cycle_ping_vars(&p->contact, p->reference, dl, pl->window, conf->manager_name, vars);
	snprintf(j->to, sizeof(j->to), "%.*s", (int)strcspn(p->contact.email, ";"), p->contact.email);
	if (cycle_compose_message(conf, pl->tmpl, cr, TMPL_PING, p->contact.languages, vars, nv,
				  p->contact.name ? p->contact.name : p->contact.entity, j->to,
				  p->reference, utc_now(), &j->msg, &j->msgid, &j->err) < 0)
		j->failed = 1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *pl = w->pool;
	size_t i;

	while ((i = atomic_fetch_add(&pl->next, 1)) < pl->njobs) {
		compose_job(pl, w->crypto, &pl->jobs[i]);
		atomic_fetch_add(&pl->done, 1);
		progress_beat(); /* a batch can take longer than a watchdog interval */
	}
	return NULL;
}

/* Writes a batch of composed messages, with their events, in one
 * transaction. */
static int store_batch(struct store *st, struct pool *pl, const char *actor, int64_t now,
		       size_t *stored, struct strbuf *err)
{
	if (store_begin(st, err) < 0)
		return -1;
	for (size_t i = 0; i < pl->njobs; i++) {
		struct job *j = &pl->jobs[i];
		char subject[400], *details;
		int r;

		if (j->failed) {
			msg_error("cannot compose the ping %s to '%s': %s", j->ping->reference, j->to,
				  j->err.buf);
			continue;
		}
		snprintf(subject, sizeof(subject), "message %s", j->msgid.buf);
		details = audit_json("{s:s, s:s, s:s, s:I}", "kind", "ping", "reference",
				     j->ping->reference, "to", j->to, "bytes", (long long)j->msg.len);
		r = store_outbox_add(st, j->ping->id, "ping", j->msgid.buf, pl->conf->manager_address,
				     j->to, j->msg.buf, j->msg.len, now, err) < 0 ||
		    store_event_append(st, now, actor, "message.queued", subject, details, err) < 0;
		free(details);
		if (r) {
			store_rollback(st);
			return -1;
		}
		(*stored)++;
	}
	return store_commit(st, err);
}

int cycle_compose(struct store *st, const struct conf *conf, const struct tmpl_set *tmpl,
		  int nworkers, const char *actor, size_t *composed, struct strbuf *err)
{
	struct worker w[WORKERS_MAX];
	struct pool pl = { .conf = conf, .tmpl = tmpl };
	struct progress *bar = NULL;
	struct store_ping *pings = NULL;
	size_t n = 0, total_done = 0, failures = 0;
	int rc = -1;

	*composed = 0;
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > WORKERS_MAX)
		nworkers = WORKERS_MAX;
	memset(w, 0, sizeof(w));
	snprintf(pl.window, sizeof(pl.window), "%lld",
		 (long long)((conf->response_window + 3599) / 3600));
	for (int i = 0; i < nworkers; i++) {
		w[i].pool = &pl;
		/* each worker's signatures in a helper process: see crypto.c */
		if (crypto_open_helper(conf->signing_gnupghome, conf->signing_fingerprint,
				       conf->signing_passphrase_file, &w[i].crypto, err) < 0)
			goto out;
	}
	pl.jobs = xcalloc(BATCH, sizeof(*pl.jobs));
	for (;;) {
		if (store_ping_uncomposed(st, 0, BATCH, &pings, &n, err) < 0)
			goto out;
		if (n == 0)
			break;
		if (total_done == 0) {
			long long total = store_ping_uncomposed_count(st, err);
			if (total < 0)
				goto out;
			bar = progress_start("signing", (size_t)total);
		}
		pl.njobs = n;
		atomic_store(&pl.next, 0);
		atomic_store(&pl.done, 0);
		for (size_t i = 0; i < n; i++) {
			pl.jobs[i].ping = &pings[i];
			sb_init(&pl.jobs[i].msg, 0);
			sb_init(&pl.jobs[i].msgid, 0);
			sb_init(&pl.jobs[i].err, 0);
			pl.jobs[i].failed = 0;
		}
		for (int i = 0; i < nworkers; i++)
			if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
				msg_fatal(71, "cannot start a signing thread");
		for (int i = 0; i < nworkers; i++)
			pthread_join(w[i].tid, NULL);
		size_t before = *composed;
		rc = store_batch(st, &pl, actor, utc_now(), composed, err);
		for (size_t i = 0; i < n; i++) {
			failures += pl.jobs[i].failed;
			sb_release(&pl.jobs[i].msg);
			sb_release(&pl.jobs[i].msgid);
			sb_release(&pl.jobs[i].err);
		}
		store_pings_free(pings, n);
		pings = NULL;
		total_done += n;
		progress_update(bar, total_done);
		if (rc < 0)
			goto out;
		rc = -1;
		if (*composed == before) {
			/* every ping of the batch failed: the same ones would come back */
			error_set(err, "no ping of the batch could be composed");
			goto out;
		}
	}
	rc = failures ? -1 : 0;
	if (failures)
		error_set(err, "%zu ping%s could not be composed", failures, failures == 1 ? "" : "s");
out:
	progress_end(&bar, total_done);
	store_pings_free(pings, n);
	free(pl.jobs);
	for (int i = 0; i < nworkers; i++)
		crypto_close(&w[i].crypto);
	return rc;
}
