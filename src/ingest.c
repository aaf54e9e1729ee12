/*
 * NAME
 *	ingest - read the mailbox, classify and match each message, record it
 * SYNOPSIS
 *	#include <pocgate/ingest.h>
 *	int ingest_run(struct store *st, const struct conf *conf,
 *		       struct imap *im, int64_t now, const char *actor,
 *		       struct ingest_result *res, struct strbuf *err);
 * DESCRIPTION
 *	Exactly once: a message's record and the folder's last UID are written
 *	in the same transaction, so after a crash the message is either
 *	recorded and not read again, or not recorded and read again. A change
 *	of UIDVALIDITY makes the folder be read from the start; messages are
 *	then recognised by a hash of their content and skipped.
 *
 *	One message is in memory at a time. Messages larger than
 *	INGEST_MAX_SIZE are recorded as malformed ("too large"), never read.
 *	Transactions hold up to BATCH messages, so the store's fsyncs are not
 *	paid per message.
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
#include <pocgate/store.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

#define BATCH 100
#define META_CHUNK 500 /* UIDs whose sizes are fetched in one round trip */

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
static int process(struct store *st, struct crypto *verify, const char *folder,
		   int64_t uidvalidity, int64_t uid, const char *raw, size_t len, size_t size,
		   int64_t received, int64_t now, const char *actor, struct ingest_result *res,
		   struct strbuf *err)
{
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
		sb_addf(&cl.reason, "%zu bytes, larger than the limit of %u: not read", size,
			INGEST_MAX_SIZE);
	} else {
		mime_parse(raw, len, &m);
		classify(&m, &cl);
		if (find_ping(st, &m, cl.verdict, &f, err) < 0)
			goto out;
	}
	if (!too_large && verify && (m.pgp_signed || m.inline_signed)) {
		if (crypto_verify_reply(verify, &m, raw, len,
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

int ingest_run(struct store *st, const struct conf *conf, struct imap *im, struct crypto *verify,
	       int64_t now, const char *actor, struct ingest_result *res, struct strbuf *err)
{
	const char *folder = conf->imap_folder;
	struct strbuf msg = STRBUF_INIT;
	uint32_t uidvalidity, *uids = NULL;
	size_t sizes[META_CHUNK];
	int64_t received[META_CHUNK];
	int64_t stored_validity = 0, last_uid = 0;
	size_t n = 0, i, in_tx = 0;
	int r, rc = -1;

	memset(res, 0, sizeof(*res));
	if (imap_select(im, folder, &uidvalidity, err) < 0)
		return -1;
	if ((r = store_folder_get(st, folder, &stored_validity, &last_uid, err)) < 0)
		return -1;
	if (r && stored_validity != (int64_t)uidvalidity) {
		msg_warn("folder '%s' has a new UIDVALIDITY (%u, was %lld): reading it again; "
			 "messages already recorded are recognised and skipped",
			 folder, uidvalidity, (long long)stored_validity);
		last_uid = 0;
	}
	if (imap_uids_after(im, (uint32_t)last_uid, &uids, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		size_t k = i % META_CHUNK;
		int fr = 0;

		/* sizes and arrival times a chunk at a time: one round trip */
		if (k == 0 && imap_meta(im, uids + i, n - i < META_CHUNK ? n - i : META_CHUNK, sizes,
					received, err) < 0)
			goto out;
		if (sizes[k] == 0)
			fr = 1; /* gone since the search */
		else if (sizes[k] <= INGEST_MAX_SIZE && (fr = imap_fetch_body(im, uids[i], &msg, err)) < 0)
			goto out;
		if (!in_tx && store_begin(st, err) < 0)
			goto out;
		in_tx++;
		if (fr == 0 && process(st, verify, folder, uidvalidity, uids[i],
				       sizes[k] > INGEST_MAX_SIZE ? NULL : msg.buf, msg.len, sizes[k],
				       received[k] ? received[k] : now, now, actor, res, err) < 0)
			goto out;
		/* the folder's last UID goes into the same transaction as the
		 * batch's messages: recorded together, or read again together */
		if (in_tx >= BATCH || i + 1 == n) {
			if (store_folder_put(st, folder, uidvalidity, uids[i], err) < 0 ||
			    store_commit(st, err) < 0)
				goto out;
			in_tx = 0;
		}
	}
	if (n == 0 && (!r || stored_validity != (int64_t)uidvalidity)) {
		/* remember the folder (and a new UIDVALIDITY) even when it is empty */
		if (store_begin(st, err) < 0)
			goto out;
		in_tx = 1;
		if (store_folder_put(st, folder, uidvalidity, last_uid, err) < 0)
			goto out;
	}
	if (in_tx && store_commit(st, err) < 0)
		goto out;
	in_tx = 0;
	rc = 0;
out:
	if (in_tx)
		store_rollback(st);
	free(uids);
	sb_release(&msg);
	return rc;
}
