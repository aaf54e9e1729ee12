/*
 * directory.h - the POC directory: contacts, the interchange format, import
 *
 * A contact is a POC (diplomatic or technical) or a Permanent Mission
 * contact of one State. Its identity across re-imports is (state, role,
 * first e-mail address, compared without case). Multi-valued fields are
 * kept ';'-joined, as in the interchange format (README "Interchange
 * format").
 */
#ifndef POCGATE_DIRECTORY_H
#define POCGATE_DIRECTORY_H

#include <stdint.h>
#include <stdio.h>

#include <pocgate/strbuf.h>

struct store;
struct iso;

enum contact_role { ROLE_DIPLOMATIC, ROLE_TECHNICAL, ROLE_MISSION };

struct contact {
	int64_t id;		/* 0 until stored */
	char *state;		/* owned: ISO 3166-1 alpha-3 */
	char *state_name;	/* owned: from iso-codes; NULL when not looked up */
	enum contact_role role;
	char *entity;		/* owned */
	char *entity_en;	/* owned, NULL: none */
	char *name;		/* owned, NULL: none */
	char *designation;	/* owned, NULL: none */
	char *email;		/* owned: addresses, ';'-joined, first is used */
	char *phone;		/* owned, NULL: none; ';'-joined */
	char *languages;	/* owned: ISO 639-1, ';'-joined, preferred first */
	char *entry_language;	/* owned: a UN official language */
	char *fingerprint;	/* owned, NULL: none; 40 upper-case hex digits */
	int64_t verified_at;	/* 0: never */
	int64_t unverified_since; /* 0: not flagged */
	unsigned line;		/* where an imported contact came from */
};

const char *contact_role_name(enum contact_role role);
int contact_role_parse(const char *s, enum contact_role *role);
void contact_release(struct contact *c);
/* The identity key: the first address, lower-cased. Owned by the caller. */
char *contact_email_key(const struct contact *c);
/* Appends a JSON object of the contact's interchange fields (for audit
 * details and export). */
void contact_to_json(const struct contact *c, struct strbuf *out, int with_readonly);

struct import_opts {
	int dry_run;		/* check and report, write nothing */
	const char *actor;	/* who imports, for the audit trail */
};

struct import_result {
	unsigned rows, added, updated, unchanged;
};

/*
 * Reads a CSV or JSON file in the interchange format, checks every row and,
 * when all are good, writes them to the store in one transaction with one
 * audit event per change (before and after). When any row is bad, every
 * problem is appended to *problems as "FILE:LINE: field: problem" and
 * nothing is written. Returns 0, -1 for bad input (problems filled) or -2
 * for a store failure (problems filled).
 */
int directory_import(struct store *st, const struct iso *iso, const char *path,
		     const struct import_opts *opts, struct import_result *res,
		     struct strbuf *problems);

enum export_format { EXPORT_TABLE, EXPORT_CSV, EXPORT_JSON };
int export_format_parse(const char *s, enum export_format *f);

/* Writes the contacts (of one State when state is not NULL) to out. */
int directory_export(struct store *st, const char *state, enum export_format fmt, FILE *out,
		     struct strbuf *err);
/* Writes one State with all its contacts in a readable, vertical form. */
int directory_show(struct store *st, const char *state, FILE *out, struct strbuf *err);

#endif
