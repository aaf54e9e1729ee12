/*
 * store.h - pocgate's SQLite store, behind verbs that say what callers want
 *
 * Only store.c speaks SQL. Every state change is made inside a transaction
 * (store_begin()/store_commit()) together with the audit event that records
 * it (store_event_append()), so the change and its record land together or
 * not at all.
 */
#ifndef POCGATE_STORE_H
#define POCGATE_STORE_H

#include <stdint.h>

#include <pocgate/strbuf.h>

struct store;
struct contact;

#define STORE_SCHEMA_VERSION 1

/* Opens (creating when needed) and migrates the store at path. */
int store_open(const char *path, struct store **st, struct strbuf *err);
void store_close(struct store **st);
/* The schema version the file had when opened (0 for a new file). */
int store_opened_version(const struct store *st);

int store_begin(struct store *st, struct strbuf *err);
int store_commit(struct store *st, struct strbuf *err);
void store_rollback(struct store *st);

/* Audit events. */
struct store_event {
	int64_t id;
	const char *at;		/* borrowed: ISO 8601 UTC */
	const char *actor;	/* borrowed */
	const char *kind;	/* borrowed, e.g. "directory.add" */
	const char *subject;	/* borrowed, e.g. "contact 12" */
	const char *details;	/* borrowed: JSON text */
	const char *prev_hash;	/* borrowed: hex */
	const char *hash;	/* borrowed: hex */
};
/* Appends an event to the chain inside the current transaction. */
int store_event_append(struct store *st, int64_t now, const char *actor, const char *kind,
		       const char *subject, const char *details, struct strbuf *err);
/* Calls fn for each event in id order until fn returns non-zero. */
int store_event_foreach(struct store *st, int (*fn)(const struct store_event *, void *),
			void *ctx, struct strbuf *err);
/* The chain's recorded head: the last event's id and hash (0 and "" when
 * empty); hash must hold 65 bytes. */
int store_chain_head(struct store *st, int64_t *id, char *hash, struct strbuf *err);

/* Directory. */
int store_state_put(struct store *st, const char *code, const char *name, const char *official,
		    struct strbuf *err);
/* Finds the contact with the identity (state, role, first e-mail). Returns
 * 1 and fills *c when found, 0 when not, -1 on error. */
int store_contact_find(struct store *st, const char *state, const char *role,
		       const char *email_key, struct contact *c, struct strbuf *err);
/* Inserts (c->id == 0, sets c->id) or updates (by c->id) a contact. */
int store_contact_put(struct store *st, struct contact *c, struct strbuf *err);
/* Calls fn for each contact (of one State when state is not NULL), ordered
 * by State, role (mission last) and id, until fn returns non-zero. */
int store_contact_foreach(struct store *st, const char *state,
			  int (*fn)(const struct contact *, void *), void *ctx, struct strbuf *err);
/* Number of Permanent Mission contacts of a State. */
int store_mission_count(struct store *st, const char *state, struct strbuf *err);

#endif
