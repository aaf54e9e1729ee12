/*
 * match.h - which ping a message answers, and what that changes
 *
 * Pure functions over plain data: the ingest module does the lookups in
 * the store in the order match_candidates() gives and applies the rules.
 */
#ifndef POCGATE_MATCH_H
#define POCGATE_MATCH_H

#include <stddef.h>

#include <pocgate/classify.h>

struct mime_msg;

#define MATCH_MAX 16

/* Evidence a message carries, strongest first. */
struct match_candidates {
	char *msgids[MATCH_MAX];	/* owned: In-Reply-To, References, returned Message-ID */
	size_t nmsgids;
	char *refs[MATCH_MAX];		/* owned: POC-... references seen */
	const char *ref_where[MATCH_MAX]; /* static: where each was seen */
	size_t nrefs;
	char *address;			/* owned: the sender, or a DSN's failed recipient */
};

/* Collects the evidence of m for a message of verdict v. Pure. */
void match_candidates(const struct mime_msg *m, enum verdict v, struct match_candidates *c);
void match_candidates_release(struct match_candidates *c);

/* How a sender relates to a contact's addresses (';'-joined): 2 one of
 * them, 1 the same organisation (the same domain, or sharing its last two
 * labels), 0 unrelated. Pure. */
int match_relation(const char *sender, const char *contact_emails);

/* The ping state a verdict leads to from state (late: after the
 * deadline), or NULL when the state does not change. Pure. */
const char *match_transition(enum verdict v, const char *state, int late);

#endif
