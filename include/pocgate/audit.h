/*
 * audit.h - the append-only hash chain of events
 *
 * Each event's hash is SHA-256 over a canonical form of the event that
 * includes the previous event's hash (README "Audit trail" gives the form
 * so that anyone can re-check an export with common tools).
 */
#ifndef POCGATE_AUDIT_H
#define POCGATE_AUDIT_H

#include <stdint.h>
#include <stdio.h>

#include <pocgate/strbuf.h>

#define AUDIT_HASH_HEX 64
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct store;
struct store_event;

/* Computes the hash of an event (its hash field is ignored) into hex[65]. */
void audit_event_hash(const struct store_event *ev, char hex[AUDIT_HASH_HEX + 1]);

/* SHA-256 of data as lower-case hex (the same hash as the chain's). */
void audit_hash_hex(const void *data, size_t len, char hex[AUDIT_HASH_HEX + 1]);

/* Builds an event's details as compact JSON from a jansson json_pack()
 * format ("{s:s, s:i}"); the caller frees the result. */
char *audit_json(const char *fmt, ...);

/* The user pocgate acts for: $SUDO_USER's login name or the real user's. */
const char *audit_actor(void);

struct audit_report {
	int64_t events;		/* events checked */
	int64_t first_bad;	/* id of the first bad event, 0 when all hold */
};

/* Walks the chain and checks every hash, link and the recorded head.
 * Returns 0 when the chain holds, 1 when it does not (the first problem is
 * described in *why and its event named), -1 on a store error. */
int audit_verify(struct store *st, struct audit_report *rep, struct strbuf *why,
		 struct strbuf *err);

#endif
