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

#include <stddef.h>

#include <pocgate/directory.h>
#include <pocgate/strbuf.h>

struct store;

#define STORE_SCHEMA_VERSION 7

/* Opens (creating when needed) and migrates the store at path. */
int store_open(const char *path, struct store **st, struct strbuf *err);
void store_close(struct store **st);
/* The schema version the file had when opened (0 for a new file). */
int store_opened_version(const struct store *st);
/* A number that changes whenever another connection (another pocgate
 * process) has committed a change to the store; -1 on error. */
long long store_data_version(struct store *st);

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
/* The contact with that id: 1 found, 0 not, -1 error. */
int store_contact_get(struct store *st, int64_t id, struct contact *c, struct strbuf *err);
/* Inserts (c->id == 0, sets c->id) or updates (by c->id) a contact. */
int store_contact_put(struct store *st, struct contact *c, struct strbuf *err);
/* Calls fn for each contact (of one State when state is not NULL), ordered
 * by State, role (mission last) and id, until fn returns non-zero. */
int store_contact_foreach(struct store *st, const char *state,
			  int (*fn)(const struct contact *, void *), void *ctx, struct strbuf *err);
/* Number of Permanent Mission contacts of a State. */
int store_mission_count(struct store *st, const char *state, struct strbuf *err);

/* Ping cycles. */
struct store_cycle {
	int64_t id;
	char label[64];
	int64_t started_at;
	int64_t deadline;	/* of the pings composed at the start */
	int64_t window;		/* seconds */
	int64_t closed_at;	/* 0: open */
};
/* The cycle with that label, or the latest when label is NULL: 1 found,
 * 0 none, -1 error. */
int store_cycle_find(struct store *st, const char *label, struct store_cycle *c,
		     struct strbuf *err);
/* The newest cycle that is not closed and whose deadline is after now. */
int store_cycle_open(struct store *st, int64_t now, struct store_cycle *c, struct strbuf *err);
/* 1 when a cycle was started at or after t, 0 when not, -1. */
int store_cycle_since(struct store *st, int64_t t, struct strbuf *err);
int store_cycle_add(struct store *st, const char *label, int64_t now, int64_t deadline,
		    int64_t window, int64_t *id, struct strbuf *err);

/* Pings: one per POC and cycle. */
struct store_ping {
	int64_t id;
	char *reference;	/* owned */
	int64_t deadline;
	struct contact contact;	/* owned */
};
int store_ping_add(struct store *st, int64_t cycle_id, int64_t contact_id, const char *reference,
		   int64_t deadline, int64_t now, int64_t *id, struct strbuf *err);
int store_ping_set_state(struct store *st, int64_t ping_id, const char *state, int64_t now,
			 struct strbuf *err);
/* Up to limit queued pings of a cycle (0: of any cycle) that have no
 * composed message yet. */
int store_ping_uncomposed(struct store *st, int64_t cycle_id, int limit, struct store_ping **v,
			  size_t *n, struct strbuf *err);
void store_pings_free(struct store_ping *v, size_t n);
/* How many queued pings (of any cycle) have no message yet; -1 on error. */
long long store_ping_uncomposed_count(struct store *st, struct strbuf *err);

/* The durable outbound queue: a message is stored complete (its final
 * signed bytes) before it is submitted. */
struct store_outmsg {
	int64_t id;
	int64_t ping_id;	/* 0: none */
	char *kind;		/* owned */
	char *message_id;	/* owned */
	char *sender;		/* owned */
	char *recipient;	/* owned */
	char *data;		/* owned, NUL-terminated */
	size_t len;
	int attempts;
};
int store_outbox_add(struct store *st, int64_t ping_id, const char *kind, const char *message_id,
		     const char *sender, const char *recipient, const void *data, size_t len,
		     int64_t now, struct strbuf *err);
/* Up to limit messages due at now (queued, or temporarily failed and due
 * again), oldest first. */
int store_outbox_due(struct store *st, int64_t now, int limit, struct store_outmsg **v, size_t *n,
		     struct strbuf *err);
void store_outmsgs_free(struct store_outmsg *v, size_t n);
/* When the next queued message is due (epoch seconds); 0 when none. */
int64_t store_outbox_next_due(struct store *st, struct strbuf *err);
/* Records a submission attempt: state is submitted, tempfail or permfail. */
int store_outbox_mark(struct store *st, int64_t id, const char *state, const char *reply,
		      int64_t next_attempt_at, int64_t now, struct strbuf *err);

/* One POC's line in a cycle's status. */
struct store_status {
	int64_t ping_id;
	const char *reference;	/* borrowed */
	const char *state;	/* borrowed */
	int64_t deadline;
	int64_t state_at;
	const char *last_reply;	/* borrowed, may be NULL: the last SMTP reply */
	struct contact contact;	/* borrowed */
	/* the latest message that answered it (NULL when none) */
	const char *verdict, *match_kind, *evidence, *sig_status, *sig_reason;
	int review;
};
int store_status_foreach(struct store *st, int64_t cycle_id,
			 int (*fn)(const struct store_status *, void *), void *ctx, struct strbuf *err);

/* The mailbox: per folder, the UIDVALIDITY and last UID recorded. */
int store_folder_get(struct store *st, const char *name, int64_t *uidvalidity, int64_t *last_uid,
		     struct strbuf *err);
int store_folder_put(struct store *st, const char *name, int64_t uidvalidity, int64_t last_uid,
		     struct strbuf *err);
/* The last UID copied or moved to imap.processed_folder (0: none, or a new
 * UIDVALIDITY), never beyond the last UID recorded. */
int store_folder_filed(struct store *st, const char *name, int64_t *filed_uid, struct strbuf *err);
int store_folder_set_filed(struct store *st, const char *name, int64_t filed_uid,
			   struct strbuf *err);

/* An incoming message as recorded. */
struct store_inbound {
	const char *folder;
	int64_t uidvalidity, uid;
	const char *content_hash;	/* SHA-256 of the raw message, hex */
	int64_t received_at;
	int64_t size;
	const char *message_id, *from_addr, *subject;
	const char *verdict, *rule, *reason, *signals;
	int64_t ping_id;		/* 0: unmatched */
	const char *match_kind, *match_evidence;
	int review, late;
	const char *sig_status, *sig_fingerprint, *sig_reason;
};
/* 1 when a message with this content hash was recorded already. */
int store_inbound_seen(struct store *st, const char *content_hash, struct strbuf *err);
int store_inbound_add(struct store *st, const struct store_inbound *in, int64_t *id,
		      struct strbuf *err);

/* A ping as matching sees it. */
struct store_ping_ref {
	int64_t ping_id;
	int64_t contact_id;
	char reference[64];
	char state[24];
	int64_t deadline;
	char email[512];	/* the contact's addresses, ';'-joined */
	char fingerprint[48];	/* the contact's OpenPGP key, "" when none */
};
/* The ping sent with this Message-ID / with this reference: 1, 0, -1. */
int store_ping_by_message_id(struct store *st, const char *message_id, struct store_ping_ref *r,
			     struct strbuf *err);
int store_ping_by_reference(struct store *st, const char *reference, struct store_ping_ref *r,
			    struct strbuf *err);
/* Open pings (still waiting) of the contact whose first address is
 * email_key, newest first, at most max. */
int store_pings_open_by_email(struct store *st, const char *email_key, struct store_ping_ref *r,
			      size_t max, size_t *n, struct strbuf *err);
/* An incoming message as read back (all borrowed, valid during the call). */
struct store_inbound_row {
	int64_t id, uid, received_at, ping_id;
	const char *folder, *message_id, *from_addr, *subject;
	const char *verdict, *rule, *reason, *signals;
	const char *match_kind, *match_evidence;
	int review, late;
	const char *sig_status, *sig_fingerprint, *sig_reason;
	const char *reference, *ping_state;	/* of the matched ping, or NULL */
};
/* Every recorded message (only the unmatched ones when unmatched_only). */
int store_inbound_foreach(struct store *st, int unmatched_only,
			  int (*fn)(const struct store_inbound_row *, void *), void *ctx,
			  struct strbuf *err);
/* The messages with that Message-ID, or answering that ping, or (both
 * NULL/0) the one with that UID in folder. */
int store_inbound_find(struct store *st, const char *folder, int64_t uid, const char *message_id,
		       int64_t ping_id, int (*fn)(const struct store_inbound_row *, void *), void *ctx,
		       struct strbuf *err);
/* Links a message to a ping by hand. */
int store_inbound_link(struct store *st, int64_t id, int64_t ping_id, const char *kind,
		       const char *evidence, struct strbuf *err);
/* A message sent for a ping (borrowed, valid during the call). */
struct store_sent {
	const char *kind, *message_id, *recipient, *state, *last_reply;
	int attempts;
	int64_t created_at, submitted_at;
};
int store_outbox_of_ping(struct store *st, int64_t ping_id,
			 int (*fn)(const struct store_sent *, void *), void *ctx, struct strbuf *err);
/* The ladder's view of the open cycles, one State of one cycle at a time
 * (escalations go per cycle and State): memory stays the same whatever
 * the number of POCs. */
struct store_ladder_ping {
	int64_t id, cycle_id, contact_id;
	char state_code[4];
	char status[24];
	char reference[64];
	int64_t deadline, status_at, sent_at;
	int reminded, escalated_round;
};
struct store_ladder_state {
	int64_t cycle_id;
	char state_code[4];
	int rounds;
	int64_t last_at;
	int closed;
};
struct store_ladder {
	struct store_ladder_ping *pings;	/* owned, ordered by id */
	size_t npings;
	struct store_ladder_state *states;	/* owned: none or one */
	size_t nstates;
};
struct store_ladder_group {
	int64_t cycle_id;
	char state_code[4];
};
/* The (cycle, State) pairs with pings in the open cycles, ordered; *groups
 * is malloc'ed. */
int store_ladder_groups(struct store *st, struct store_ladder_group **groups, size_t *n,
			struct strbuf *err);
/* The pings of one State in one cycle, and that State's escalations. */
int store_ladder_load(struct store *st, const struct store_ladder_group *g, struct store_ladder *l,
		      struct strbuf *err);
void store_ladder_release(struct store_ladder *l);
int store_ping_reminded(struct store *st, int64_t ping_id, struct strbuf *err);
/* Records that round listed the ping; overdue and undeliverable pings
 * become escalated. */
int store_ping_escalated(struct store *st, int64_t ping_id, int round, int64_t now,
			 struct strbuf *err);
int store_escalation_add(struct store *st, int64_t cycle_id, const char *state, int round,
			 const char *reference, int64_t now, int64_t *id, struct strbuf *err);
/* Marks a State's escalations in a cycle closed (the note was queued). */
int store_escalation_close(struct store *st, int64_t cycle_id, const char *state, int64_t now,
			   struct strbuf *err);
/* The State's (first) Permanent Mission contact: 1, 0 none, -1. */
int store_mission_of_state(struct store *st, const char *state, struct contact *c,
			   struct strbuf *err);
int store_outbox_link_escalation(struct store *st, const char *message_id, int64_t escalation_id,
				 struct strbuf *err);
/* Flags a contact unverified (kept when it was flagged already). */
int store_contact_unverified(struct store *st, int64_t contact_id, int64_t now, struct strbuf *err);
/* Marks a contact verified at a time (and no longer flagged unverified). */
int store_contact_verified(struct store *st, int64_t contact_id, int64_t at, struct strbuf *err);

#endif
