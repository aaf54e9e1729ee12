/*
 * NAME
 *	ingest - read the mailbox, classify and match each message, record it
 * SYNOPSIS
 *	#include <pocgate/ingest.h>
 *	int ingest_run(struct store *st, const struct conf *conf,
 *		       struct imap *im, struct crypto *verify, int64_t now,
 *		       const char *actor,
 *		       struct ingest_result *res, struct strbuf *err);
 * DESCRIPTION
 *	Exactly once: a message's record and the folder's last UID are written
 *	in the same transaction, so after a crash the message is either
 *	recorded and not read again, or not recorded and read again. A change
 *	of UIDVALIDITY makes the folder be read from the start; messages are
 *	then recognised by a hash of their content and skipped.
 *
 *	Memory does not grow with the mailbox: new UIDs are searched for
 *	UID_WINDOW at a time, and bodies are fetched BATCH messages or
 *	BODY_BUDGET bytes at a time (a larger message alone), so one round
 *	trip brings many replies while at most about a megabyte of them is in
 *	memory. Messages larger than imap.max_size are recorded as malformed
 *	("too large"), never read. A transaction holds one such batch, so the
 *	store's fsyncs are not paid per message. After a batch is committed,
 *	its messages are copied or moved into imap.processed_folder when one
 *	is set, and the folder's filing mark (the last UID filed) follows. A
 *	failure there is logged and leaves them in place; so does a crash
 *	between the commit and the filing. Each pass first files what lies
 *	between the filing mark and the last UID recorded.
 *
 *	Matching, in the order of match_candidates(): Message-IDs, references,
 *	then the sender (a bounce: its failed recipient) when exactly one ping
 *	to it is open, shown as weaker evidence. A reply whose evidence is
 *	strong but whose sender is from an unrelated domain is accepted and
 *	flagged for review; one from the POC's own organisation is accepted
 *	and said to be from a colleague.
 * SECURITY
 *	Everything read here is untrusted; see mime.c. Verdicts never depend
 *	on anything but the message and the store.
 */
#include <pocgate/ingest.h>

#include <stdlib.h>
#include <string.h>

#include <pocgate/audit.h>
#include <pocgate/classify.h>
#include <pocgate/conf.h>
#include <pocgate/crypto.h>
#include <pocgate/imap.h>
#include <pocgate/log.h>
#include <pocgate/match.h>
#include <pocgate/mime.h>
#include <pocgate/progress.h>
#include <pocgate/store.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

#define BATCH 100		/* messages per transaction and per fetch of bodies */
#define META_CHUNK 500		/* UIDs whose sizes are fetched in one round trip */
#define UID_WINDOW 5000		/* UIDs searched for at a time */
#define BODY_BUDGET (1u << 20)	/* bytes of bodies fetched in one round trip */

/* What every message of one pass shares. */
struct pass {
	struct store *st;
	struct crypto *verify;
	const char *folder;
	const char *file_into;	/* NULL: messages stay in folder */
	int file_move;
	size_t max_size;	/* larger messages are recorded, never read */
	uint32_t uidvalidity;
	int64_t now;
	const char *actor;
	struct ingest_result *res;
	int file_failed;	/* a filing failed in this pass: the mark stays */
};

struct found {
	int have;
	struct store_ping_ref ping;
	const char *kind;		/* "in-reply-to", "reference", "sender" */
	struct strbuf evidence;
	int review;
};

/* Looks the candidates up in the store, strongest first. */
static int find_ping(struct store *st, const struct mime_msg *m, enum verdict v,
		     struct found *f, struct strbuf *err)
{
	struct match_candidates c;
	struct store_ping_ref refs[2];
	size_t n;
	int r = 0;

	match_candidates(m, v, &c);
	for (size_t i = 0; i < c.nmsgids && !f->have; i++) {
		if ((r = store_ping_by_message_id(st, c.msgids[i], &f->ping, err)) < 0)
			goto out;
		if (r) {
			f->have = 1;
			f->kind = "message-id";
			sb_addf(&f->evidence, "refers to the ping's Message-ID %s", c.msgids[i]);
		}
	}
	for (size_t i = 0; i < c.nrefs && !f->have; i++) {
		if ((r = store_ping_by_reference(st, c.refs[i], &f->ping, err)) < 0)
			goto out;
		if (r) {
			f->have = 1;
			f->kind = "reference";
			sb_addf(&f->evidence, "reference %s in %s", c.refs[i], c.ref_where[i]);
		}
	}
	if (!f->have && c.address) {
		if (store_pings_open_by_email(st, c.address, refs, 2, &n, err) < 0) {
			r = -1;
			goto out;
		}
		if (n == 1) {
			f->have = 1;
			f->ping = refs[0];
			f->kind = "sender";
			sb_addf(&f->evidence, "%s %s, the only open ping to it (weaker evidence)",
				v == VERDICT_BOUNCE_HARD || v == VERDICT_BOUNCE_SOFT ? "failed recipient" :
										       "sender",
				c.address);
		} else if (n > 1) {
			sb_addf(&f->evidence, "sender %s has several open pings: not matched", c.address);
		}
	}
	if (f->have && v == VERDICT_REPLY && m->from && strcmp(f->kind, "sender") != 0) {
		int rel = match_relation(m->from, f->ping.email);
		if (rel == 1)
			sb_addf(&f->evidence, "; from a colleague at the same organisation (%s)", m->from);
		else if (rel == 0) {
			sb_addf(&f->evidence, "; from an unrelated domain (%s): flagged for review", m->from);
			f->review = 1;
		}
	}
	r = 0;
out:
	match_candidates_release(&c);
	return r;
}

/* Records one message inside the open transaction. */
static int process(const struct pass *p, int64_t uid, const char *raw, size_t len, size_t size,
		   int64_t received, struct strbuf *err)
{
	struct store *st = p->st;
	const char *folder = p->folder, *actor = p->actor;
	int64_t uidvalidity = p->uidvalidity, now = p->now;
	struct ingest_result *res = p->res;
	char hash[AUDIT_HASH_HEX + 1], subject[80], *details;
	struct mime_msg m;
	struct classification cl;
	struct found f = { 0 };
	struct sig_result sig;
	int has_sig = 0;
	const char *new_state = NULL;
	int too_large = raw == NULL, late = 0, r, rc = -1;
	int64_t id;

	if (too_large) {
		char tmp[64];
		snprintf(tmp, sizeof(tmp), "%s/%lld/%lld/%zu", folder, (long long)uidvalidity,
			 (long long)uid, size);
		audit_hash_hex(tmp, strlen(tmp), hash);
	} else {
		audit_hash_hex(raw, len, hash);
	}
	if ((r = store_inbound_seen(st, hash, err)) != 0) {
		if (r > 0)
			res->duplicates++;
		return r < 0 ? -1 : 0;
	}
	memset(&m, 0, sizeof(m));
	sb_init(&m.text, 0);
	classification_init(&cl);
	sb_init(&f.evidence, 0);
	if (too_large) {
		cl.verdict = VERDICT_MALFORMED;
		cl.rule = "size";
		sb_addf(&cl.reason, "%zu bytes, larger than the limit of %zu (imap.max_size): not read",
			size, p->max_size);
	} else {
		mime_parse(raw, len, &m);
		classify(&m, &cl);
		if (find_ping(st, &m, cl.verdict, &f, err) < 0)
			goto out;
	}
	if (!too_large && p->verify && (m.pgp_signed || m.inline_signed)) {
		if (crypto_verify_reply(p->verify, &m, raw, len,
					f.have && *f.ping.fingerprint ? f.ping.fingerprint : NULL, &sig,
					err) < 0)
			goto out;
		has_sig = sig.status != SIG_NONE;
	}
	if (f.have) {
		late = received > f.ping.deadline;
		new_state = match_transition(cl.verdict, f.ping.state, late);
		if (new_state && store_ping_set_state(st, f.ping.ping_id, new_state, now, err) < 0)
			goto out;
		if (cl.verdict == VERDICT_REPLY &&
		    store_contact_verified(st, f.ping.contact_id, received, err) < 0)
			goto out;
	}
	struct store_inbound in = {
		.folder = folder,
		.uidvalidity = uidvalidity,
		.uid = uid,
		.content_hash = hash,
		.received_at = received,
		.size = (int64_t)size,
		.message_id = m.message_id,
		.from_addr = m.from,
		.subject = m.subject,
		.verdict = verdict_name(cl.verdict),
		.rule = cl.rule,
		.reason = cl.reason.buf,
		.signals = cl.signals.buf,
		.ping_id = f.have ? f.ping.ping_id : 0,
		.match_kind = f.have ? f.kind : NULL,
		.match_evidence = f.evidence.len ? f.evidence.buf : NULL,
		.review = f.review,
		.late = late,
		.sig_status = has_sig ? sig_status_name(sig.status) : NULL,
		.sig_fingerprint = has_sig && *sig.fingerprint ? sig.fingerprint : NULL,
		.sig_reason = has_sig ? sig.reason : NULL,
	};
	if (store_inbound_add(st, &in, &id, err) < 0)
		goto out;
	snprintf(subject, sizeof(subject), "inbound %lld", (long long)id);
	details = audit_json("{s:s, s:I, s:s?, s:s?, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:b, s:s?}",
			     "folder", folder, "uid", (long long)uid, "message_id", m.message_id,
			     "from", m.from, "verdict", verdict_name(cl.verdict), "reason",
			     cl.reason.buf, "reference", f.have ? f.ping.reference : NULL, "match",
			     f.have ? f.kind : NULL, "evidence", f.evidence.len ? f.evidence.buf : NULL,
			     "state", new_state, "review", f.review, "signature",
			     has_sig ? sig.reason : NULL);
	r = store_event_append(st, now, actor, "message.received", subject, details, err);
	free(details);
	if (r < 0)
		goto out;
	res->read++;
	if (!f.have)
		res->unmatched++;
	else if (cl.verdict == VERDICT_REPLY)
		res->confirmed++;
	else if (cl.verdict == VERDICT_AUTO_REPLY)
		res->auto_replies++;
	else if (cl.verdict == VERDICT_BOUNCE_HARD || cl.verdict == VERDICT_BOUNCE_SOFT)
		res->bounces++;
	rc = 0;
out:
	if (!too_large)
		mime_release(&m);
	classification_release(&cl);
	sb_release(&f.evidence);
	return rc;
}

/*
 * Copies or moves messages whose verdicts are committed to the configured
 * folder, then records the folder's filing mark at upto: every message up
 * to that UID is filed. A failure leaves them where they are, recorded: it
 * is logged, the mark stays for the rest of the pass, and the next pass
 * files them (see file_backlog()). -1 only when the store fails.
 */
static int file(struct pass *p, struct imap *im, const uint32_t *uids, size_t n, uint32_t upto,
		struct strbuf *err)
{
	if (n && imap_file(im, uids, n, p->file_into, p->file_move, err) < 0) {
		msg_warn("%s: %zu message%s recorded but left in '%s' until the next pass", err->buf,
			 n, n == 1 ? "" : "s", p->folder);
		sb_reset(err);
		p->res->unfiled += (unsigned)n;
		p->file_failed = 1;
		return 0;
	}
	p->res->filed += (unsigned)n;
	if (p->file_failed)
		return 0;
	return store_folder_set_filed(p->st, p->folder, upto, err);
}

/*
 * Files the messages recorded but not filed: those of a batch whose
 * filing failed, or that a crash stopped between the batch's commit and
 * its filing. They are the folder's messages between the filing mark and
 * the last UID recorded (moved ones are gone from it; a copied batch may
 * be copied twice after a crash, never lost).
 */
static int file_backlog(struct pass *p, struct imap *im, int64_t last_uid, struct strbuf *err)
{
	uint32_t *uids = NULL;
	int64_t filed;
	size_t n = 0;
	int rc = -1;

	if (store_folder_filed(p->st, p->folder, &filed, err) < 0)
		return -1;
	if (filed >= last_uid)
		return 0;
	if (imap_uids_between(im, (uint32_t)filed + 1, (uint32_t)last_uid, &uids, &n, err) < 0)
		return -1;
	if (n)
		msg_info("%zu message%s recorded earlier but not yet filed: filing %s now", n,
			 n == 1 ? "" : "s", n == 1 ? "it" : "them");
	for (size_t i = 0; i < n && !p->file_failed; i += BATCH) {
		size_t m = n - i < BATCH ? n - i : BATCH;
		uint32_t upto = i + m < n ? uids[i + m - 1] : (uint32_t)last_uid;
		if (file(p, im, uids + i, m, upto, err) < 0)
			goto out;
	}
	if (!n && store_folder_set_filed(p->st, p->folder, last_uid, err) < 0)
		goto out;
	rc = 0;
out:
	free(uids);
	return rc;
}

/* Reads and records uids[0..n), increasing: sizes and dates META_CHUNK at
 * a time, then bodies in one round trip per BATCH messages or BODY_BUDGET
 * bytes (a larger message alone), each batch committed in one transaction
 * with the folder's last UID: recorded together, or read again together. */
static int read_uids(struct pass *p, struct imap *im, const uint32_t *uids, size_t n,
		     struct strbuf *err)
{
	size_t sizes[META_CHUNK];
	int64_t received[META_CHUNK];
	unsigned char want[BATCH];
	uint32_t done[BATCH];

	for (size_t c = 0; c < n; c += META_CHUNK) {
		size_t m = n - c < META_CHUNK ? n - c : META_CHUNK;

		if (imap_meta(im, uids + c, m, sizes, received, err) < 0)
			return -1;
		for (size_t j = 0, e; j < m; j = e) {
			struct imap_bodies *b = NULL;
			size_t bytes = 0, ndone = 0;

			/* a size of 0: gone since the search */
			for (e = j; e < m && e - j < BATCH; e++) {
				want[e - j] = sizes[e] > 0 && sizes[e] <= p->max_size;
				if (!want[e - j])
					continue;
				if (e > j && bytes + sizes[e] > BODY_BUDGET)
					break;
				bytes += sizes[e];
			}
			if (imap_fetch_bodies(im, uids + c + j, want, e - j, &b, err) < 0 ||
			    store_begin(p->st, err) < 0) {
				imap_bodies_free(&b);
				return -1;
			}
			for (size_t k = j; k < e; k++) {
				size_t len = 0;
				const char *raw = imap_body(b, k - j, &len);
				int64_t when = received[k] ? received[k] : p->now;
				int r = 0;

				if (sizes[k] > p->max_size) /* recorded, never read */
					r = process(p, uids[c + k], NULL, 0, sizes[k], when, err);
				else if (raw)
					r = process(p, uids[c + k], raw, len, sizes[k], when, err);
				else
					continue; /* gone */
				if (r < 0)
					goto fail;
				done[ndone++] = uids[c + k];
			}
			imap_bodies_free(&b);
			/* with nothing to file, the filing mark follows the last UID */
			if (store_folder_put(p->st, p->folder, p->uidvalidity, uids[c + e - 1],
					     err) < 0 ||
			    (!p->file_into &&
			     store_folder_set_filed(p->st, p->folder, uids[c + e - 1], err) < 0) ||
			    store_commit(p->st, err) < 0)
				goto fail;
			if (p->file_into && file(p, im, done, ndone, uids[c + e - 1], err) < 0)
				return -1;
			progress_beat();
			continue;
fail:
			imap_bodies_free(&b);
			store_rollback(p->st);
			return -1;
		}
	}
	return 0;
}

int ingest_run(struct store *st, const struct conf *conf, struct imap *im, struct crypto *verify,
	       int64_t now, const char *actor, struct ingest_result *res, struct strbuf *err)
{
	struct pass p = { .st = st, .verify = verify, .folder = conf->imap_folder,
			  .file_into = conf->imap_processed_folder,
			  .file_move = conf->imap_processed_move,
			  .max_size = (size_t)conf->imap_max_size, .now = now, .actor = actor,
			  .res = res };
	uint32_t uidnext = 0, *uids = NULL;
	int64_t stored_validity = 0, last_uid = 0;
	size_t n = 0;
	int r, rc = -1;

	memset(res, 0, sizeof(*res));
	if (imap_select(im, p.folder, p.file_into && p.file_move, &p.uidvalidity, &uidnext, err) < 0)
		return -1;
	if ((r = store_folder_get(st, p.folder, &stored_validity, &last_uid, err)) < 0)
		return -1;
	if (r && stored_validity != (int64_t)p.uidvalidity) {
		msg_warn("folder '%s' has a new UIDVALIDITY (%u, was %lld): reading it again; "
			 "messages already recorded are recognised and skipped",
			 p.folder, p.uidvalidity, (long long)stored_validity);
		last_uid = 0;
	}
	if (!r || stored_validity != (int64_t)p.uidvalidity) {
		/* remember the folder (and a new UIDVALIDITY) even when it is empty */
		if (store_begin(st, err) < 0)
			return -1;
		if (store_folder_put(st, p.folder, p.uidvalidity, last_uid, err) < 0) {
			store_rollback(st);
			return -1;
		}
		if (store_commit(st, err) < 0)
			return -1;
	}
	if (p.file_into && file_backlog(&p, im, last_uid, err) < 0)
		return -1;
	/* The new UIDs a window at a time up to UIDNEXT as EXAMINE gave it,
	 * so that memory does not grow with their number (servers give UIDs in
	 * sequence: only expunged messages leave gaps, each UID_WINDOW of them
	 * one more round trip). Then a search to the end, again until it finds
	 * nothing, for what arrived meanwhile. */
	for (uint32_t first = (uint32_t)last_uid + 1; first != 0;) {
		uint32_t last = 0;

		if (uidnext && first < uidnext)
			last = uidnext - first > UID_WINDOW ? first + UID_WINDOW - 1 : uidnext - 1;
		if (imap_uids_between(im, first, last, &uids, &n, err) < 0)
			goto out;
		if (!last && n == 0)
			break;
		if (read_uids(&p, im, uids, n, err) < 0)
			goto out;
		first = last ? last + 1 : uids[n - 1] + 1;
		free(uids);
		uids = NULL;
	}
	rc = 0;
out:
	free(uids);
	return rc;
}
