/*
 * NAME
 *	audit - the hash chain of events: hashing and verification
 * SYNOPSIS
 *	#include <pocgate/audit.h>
 *	void audit_event_hash(const struct store_event *ev, char hex[65]);
 *	char *audit_json(const char *fmt, ...)
{
	va_list ap;
	json_error_t jerr;
	json_t *o;
	char *s;

	va_start(ap, fmt);
	o = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	if (!o)
		msg_fatal(70, "bug: audit details '%s': %s", fmt, jerr.text);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!s)
		msg_fatal(71, "cannot encode audit details");
	return s;
}

const char *audit_actor(void);
 *	int audit_verify(struct store *st, struct audit_report *rep,
 *			 struct strbuf *why, struct strbuf *err);
 * DESCRIPTION
 *	An event's hash is the lower-case hex SHA-256 of
 *
 *	    "pocgate-audit-v1\n" then, for each of id (decimal), at, actor,
 *	    kind, subject, details, prev_hash: its length in bytes (decimal),
 *	    ':', its bytes, '\n'
 *
 *	Lengths make the form unambiguous whatever the fields contain; the
 *	first event's prev_hash is 64 zeros. Because each hash covers the
 *	previous one, altering, removing or reordering any event breaks every
 *	link after it; audit_verify() names the first break. The recorded head
 *	(the last id and hash, written with each event) catches removal of the
 *	newest events, which leaves no broken link behind.
 * STANDARDS
 *	FIPS 180-4 (SHA-256), through GnuTLS.
 */
#include <pocgate/audit.h>

#include <gnutls/crypto.h>
#include <jansson.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pocgate/log.h>
#include <pocgate/store.h>
#include <pocgate/xalloc.h>

static void field(struct strbuf *sb, const char *v)
{
	size_t n = strlen(v);

	sb_addf(sb, "%zu:", n);
	sb_add(sb, v, n);
	sb_addch(sb, '\n');
}

void audit_hash_hex(const void *data, size_t len, char hex[AUDIT_HASH_HEX + 1])
{
	unsigned char digest[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, digest) < 0)
		msg_fatal(70, "SHA-256 is not available from GnuTLS");
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

void audit_event_hash(const struct store_event *ev, char hex[AUDIT_HASH_HEX + 1])
{
	struct strbuf sb = STRBUF_INIT;
	unsigned char digest[32];
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)ev->id);
	sb_addstr(&sb, "pocgate-audit-v1\n");
	field(&sb, id);
	field(&sb, ev->at);
	field(&sb, ev->actor);
	field(&sb, ev->kind);
	field(&sb, ev->subject);
	field(&sb, ev->details);
	field(&sb, ev->prev_hash);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, sb.buf, sb.len, digest) < 0)
		msg_fatal(70, "SHA-256 is not available from GnuTLS");
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	sb_release(&sb);
}

char *audit_json(const char *fmt, ...)
{
	va_list ap;
	json_error_t jerr;
	json_t *o;
	char *s;

	va_start(ap, fmt);
	o = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	if (!o)
		msg_fatal(70, "bug: audit details '%s': %s", fmt, jerr.text);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	if (!s)
		msg_fatal(71, "cannot encode audit details");
	return s;
}

const char *audit_actor(void)
{
	static char name[64];
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	if (*name)
		return name;
	if (sudo && *sudo && getuid() == 0) {
		snprintf(name, sizeof(name), "%s", sudo);
	} else if ((pw = getpwuid(getuid())) != NULL) {
		snprintf(name, sizeof(name), "%s", pw->pw_name);
	} else {
		snprintf(name, sizeof(name), "uid %u", (unsigned)getuid());
	}
	return name;
}

struct walk {
	int64_t n;
	int64_t last_id;
	char last_hash[AUDIT_HASH_HEX + 1];
	int64_t bad;
	struct strbuf *why;
};

static void short_hash(const char *h, char out[8])
{
	snprintf(out, 8, "%.7s", h);
}

static int check_event(const struct store_event *ev, void *ctx)
{
	struct walk *w = ctx;
	char computed[AUDIT_HASH_HEX + 1], a[8], b[8];
	const char *expect_prev = w->n ? w->last_hash : AUDIT_GENESIS;

	w->n++;
	audit_event_hash(ev, computed);
	short_hash(ev->hash, a);
	short_hash(computed, b);
	if (ev->id != w->last_id + 1) {
		w->bad = ev->id;
		if (ev->id > w->last_id + 1)
			sb_addf(w->why, "event %lld (hash %s): event %lld before it is missing",
				    (long long)ev->id, a, (long long)w->last_id + 1);
		else
			sb_addf(w->why, "event %lld (hash %s): out of order after event %lld",
				    (long long)ev->id, a, (long long)w->last_id);
		return 1;
	}
	if (strcmp(computed, ev->hash) != 0) {
		w->bad = ev->id;
		sb_addf(w->why,
			    "event %lld (hash %s, %s %s '%s'): altered: its content hashes to %s",
			    (long long)ev->id, a, ev->at, ev->kind, ev->subject, b);
		return 1;
	}
	if (strcmp(ev->prev_hash, expect_prev) != 0) {
		w->bad = ev->id;
		sb_addf(w->why,
			    "event %lld (hash %s): its link to event %lld is broken: the events were "
			    "reordered, replaced or removed",
			    (long long)ev->id, a, (long long)w->last_id);
		return 1;
	}
	w->last_id = ev->id;
	snprintf(w->last_hash, sizeof(w->last_hash), "%s", ev->hash);
	return 0;
}

int audit_verify(struct store *st, struct audit_report *rep, struct strbuf *why,
		 struct strbuf *err)
{
	struct walk w = { .why = why };
	int64_t head_id;
	char head_hash[AUDIT_HASH_HEX + 1];

	memset(rep, 0, sizeof(*rep));
	if (store_event_foreach(st, check_event, &w, err) < 0)
		return -1;
	rep->events = w.n;
	if (w.bad) {
		rep->first_bad = w.bad;
		return 1;
	}
	if (store_chain_head(st, &head_id, head_hash, err) < 0)
		return -1;
	if (head_id != w.last_id || (w.n && strcmp(head_hash, w.last_hash) != 0)) {
		rep->first_bad = w.last_id + 1;
		sb_addf(why,
			    "the chain ends at event %lld but its head records event %lld: "
			    "the newest events were removed or the head was altered",
			    (long long)w.last_id, (long long)head_id);
		return 1;
	}
	return 0;
}
