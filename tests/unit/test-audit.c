/*
 * test-audit.c - unit tests of audit.c: the canonical form and hash of an
 * event, and verification of the chain after the kinds of tampering anyone
 * with write access to the store could do
 *
 * Tampering goes through sqlite3 directly, the way shared/checks/
 * tamper_event.py does it: drop the triggers that guard the event table,
 * change it, put the triggers back.
 */
#include <pocgate/audit.h>

#include <gnutls/crypto.h>
#include <sqlite3.h>

#include <pocgate/store.h>
#include <pocgate/xalloc.h>

#include "test.h"

#define NOW 1795000000 /* 2026-11-18T11:06:40Z */
#define EVENTS 5

/* SHA-256 of the canonical form of the event below, computed outside
 * pocgate (python3 hashlib and sha256sum agree):
 *   printf 'pocgate-audit-v1\n1:1\n20:2026-11-18T11:06:40Z\n6:tester\n'\
 *          '13:directory.add\n9:contact 1\n10:{"a":"\xc3\xa9"}\n64:0...0\n' | sha256sum */
#define KNOWN_HASH "b75234b0514c71f3028a0f75b246763eb9037d41876903282a7b931ab77d5a2d"
#define KNOWN_DETAILS "{\"a\":\"\xc3\xa9\"}" /* 9 characters, 10 bytes */

struct fixture {
	char *dir;
	char *path;
	struct store *st;
	struct strbuf err, why;
	struct audit_report rep;
};

/* A store holding EVENTS events with ids 1..EVENTS. */
static void fixture_open(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->dir = test_tmpdir();
	f->path = xasprintf("%s/pocgate.db", f->dir);
	sb_init(&f->err, 0);
	sb_init(&f->why, 0);
	if (store_open(f->path, &f->st, &f->err) < 0 || store_begin(f->st, &f->err) < 0) {
		printf("#   store: %s\n", f->err.buf);
		exit(2);
	}
	for (int i = 1; i <= EVENTS; i++) {
		char subject[32], details[64];
		snprintf(subject, sizeof(subject), "contact %d", i);
		snprintf(details, sizeof(details), "{\"n\":%d,\"entity\":\"Entity %d\"}", i, i);
		if (store_event_append(f->st, NOW + i, "tester", "directory.add", subject, details,
				       &f->err) < 0) {
			printf("#   store_event_append: %s\n", f->err.buf);
			exit(2);
		}
	}
	if (store_commit(f->st, &f->err) < 0)
		exit(2);
}

static void fixture_close(struct fixture *f)
{
	store_close(&f->st);
	sb_release(&f->err);
	sb_release(&f->why);
	free(f->path);
	test_tmpdir_remove(f->dir);
}

static int verify(struct fixture *f)
{
	sb_reset(&f->why);
	return audit_verify(f->st, &f->rep, &f->why, &f->err);
}

/* Runs sql on the store's file from a connection of its own with the
 * event table's triggers dropped for the while, then reopens the store. */
static void tamper(struct fixture *f, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char *trig[8] = { 0 }, *msg = NULL;
	int n = 0;

	store_close(&f->st);
	if (sqlite3_open(f->path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT sql FROM sqlite_master WHERE type = 'trigger'"
			       " AND tbl_name = 'event'",
			       -1, &s, NULL) != SQLITE_OK) {
		printf("#   tamper: %s\n", sqlite3_errmsg(db));
		exit(2);
	}
	while (n < 8 && sqlite3_step(s) == SQLITE_ROW)
		trig[n++] = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (sqlite3_exec(db,
			 "BEGIN IMMEDIATE; DROP TRIGGER event_no_update;"
			 " DROP TRIGGER event_no_delete;",
			 NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		printf("#   tamper: %s\n", msg);
		exit(2);
	}
	for (int i = 0; i < n; i++) {
		if (sqlite3_exec(db, trig[i], NULL, NULL, &msg) != SQLITE_OK) {
			printf("#   tamper: %s\n", msg);
			exit(2);
		}
		free(trig[i]);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		exit(2);
	sqlite3_close(db);
	if (store_open(f->path, &f->st, &f->err) < 0) {
		printf("#   store_open: %s\n", f->err.buf);
		exit(2);
	}
}

static void known_event_hashes_to_an_independently_computed_sha256(void)
{
	struct store_event ev = {
		.id = 1,
		.at = "2026-11-18T11:06:40Z",
		.actor = "tester",
		.kind = "directory.add",
		.subject = "contact 1",
		.details = KNOWN_DETAILS,
		.prev_hash = AUDIT_GENESIS,
		.hash = "ignored",
	};
	char hex[AUDIT_HASH_HEX + 1];

	audit_event_hash(&ev, hex);
	CHECK_STR(hex, KNOWN_HASH);
}

static void canonical_form_written_out_by_hand_gives_the_same_hash(void)
{
	/* the form documented in src/audit.c, byte for byte; lengths in bytes */
	static const char form[] = "pocgate-audit-v1\n"
				   "1:7\n"
				   "20:2026-11-18T11:06:41Z\n"
				   "5:alice\n"
				   "16:directory.update\n"
				   "10:contact 12\n"
				   "0:\n"
				   "64:" KNOWN_HASH "\n";
	struct store_event ev = {
		.id = 7,
		.at = "2026-11-18T11:06:41Z",
		.actor = "alice",
		.kind = "directory.update",
		.subject = "contact 12",
		.details = "",
		.prev_hash = KNOWN_HASH,
	};
	unsigned char digest[32];
	char want[AUDIT_HASH_HEX + 1], hex[AUDIT_HASH_HEX + 1];

	CHECK(gnutls_hash_fast(GNUTLS_DIG_SHA256, form, sizeof(form) - 1, digest) == 0);
	for (int i = 0; i < 32; i++)
		snprintf(want + 2 * i, 3, "%02x", digest[i]);
	audit_event_hash(&ev, hex);
	CHECK_STR(hex, want);
}

static void field_boundaries_are_part_of_the_hash(void)
{
	struct store_event a = { .id = 1, .at = "t", .actor = "ab", .kind = "c", .subject = "s",
				 .details = "{}", .prev_hash = AUDIT_GENESIS };
	struct store_event b = a;
	char ha[AUDIT_HASH_HEX + 1], hb[AUDIT_HASH_HEX + 1];

	/* "ab"+"c" and "a"+"bc" concatenate alike; the length prefixes tell them apart */
	b.actor = "a";
	b.kind = "bc";
	audit_event_hash(&a, ha);
	audit_event_hash(&b, hb);
	CHECK(strcmp(ha, hb) != 0);
}

static int first_hash(const struct store_event *ev, void *ctx)
{
	snprintf(ctx, AUDIT_HASH_HEX + 1, "%s", ev->hash);
	return 1;
}

static void appended_event_is_hashed_in_the_canonical_form(void)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/pocgate.db", dir);
	struct strbuf err = STRBUF_INIT;
	struct store *st = NULL;
	char hash[AUDIT_HASH_HEX + 1] = "";

	CHECK(store_open(path, &st, &err) == 0);
	CHECK(store_begin(st, &err) == 0);
	CHECK(store_event_append(st, NOW, "tester", "directory.add", "contact 1", KNOWN_DETAILS,
				 &err) == 0);
	CHECK(store_commit(st, &err) == 0);
	CHECK(store_event_foreach(st, first_hash, hash, &err) == 0);
	CHECK_STR(hash, KNOWN_HASH);
	store_close(&st);
	sb_release(&err);
	free(path);
	test_tmpdir_remove(dir);
}

static void untouched_chain_verifies(void)
{
	struct fixture f;

	fixture_open(&f);
	CHECK(verify(&f) == 0);
	CHECK(f.rep.events == EVENTS);
	CHECK(f.rep.first_bad == 0);
	CHECK_STR(f.why.buf, "");
	fixture_close(&f);
}

static void empty_chain_verifies(void)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/pocgate.db", dir);
	struct strbuf err = STRBUF_INIT, why = STRBUF_INIT;
	struct audit_report rep = { .events = -1, .first_bad = -1 };
	struct store *st = NULL;

	CHECK(store_open(path, &st, &err) == 0);
	CHECK(audit_verify(st, &rep, &why, &err) == 0);
	CHECK(rep.events == 0 && rep.first_bad == 0);
	store_close(&st);
	sb_release(&err);
	sb_release(&why);
	free(path);
	test_tmpdir_remove(dir);
}

static void altered_details_are_named_by_id(void)
{
	struct fixture f;

	fixture_open(&f);
	tamper(&f, "UPDATE event SET details = replace(details, 'Entity', 'entity') WHERE id = 3");
	CHECK(verify(&f) == 1);
	CHECK(f.rep.first_bad == 3);
	CHECK_CONTAINS(f.why.buf, "event 3 ");
	CHECK_CONTAINS(f.why.buf, "altered");
	fixture_close(&f);
}

static void altered_first_event_is_named(void)
{
	struct fixture f;

	fixture_open(&f);
	tamper(&f, "UPDATE event SET actor = 'mallory' WHERE id = 1");
	CHECK(verify(&f) == 1);
	CHECK(f.rep.first_bad == 1);
	CHECK_CONTAINS(f.why.buf, "event 1 ");
	fixture_close(&f);
}

static void rehashed_altered_event_breaks_the_next_link(void)
{
	struct fixture f;
	struct store_event ev = { .id = 3, .at = "2026-11-18T11:06:43Z", .actor = "tester",
				  .kind = "directory.add", .subject = "contact 3",
				  .details = "{\"n\":3,\"entity\":\"forged\"}" };
	char prev[AUDIT_HASH_HEX + 1] = "", hash[AUDIT_HASH_HEX + 1];
	char *sql;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;

	/* the forger rewrites event 3 with a correct hash of its new content,
	 * but cannot fix event 4, which covers event 3's old hash */
	fixture_open(&f);
	CHECK(sqlite3_open(f.path, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "SELECT prev_hash FROM event WHERE id = 3", -1, &s, NULL) ==
	      SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	ev.prev_hash = prev;
	audit_event_hash(&ev, hash);
	sql = xasprintf("UPDATE event SET details = '%s', hash = '%s' WHERE id = 3", ev.details,
			hash);
	tamper(&f, sql);
	CHECK(verify(&f) == 1);
	CHECK(f.rep.first_bad == 4);
	CHECK_CONTAINS(f.why.buf, "link to event 3 is broken");
	free(sql);
	fixture_close(&f);
}

static void deleted_middle_event_is_named(void)
{
	struct fixture f;

	fixture_open(&f);
	tamper(&f, "DELETE FROM event WHERE id = 3");
	CHECK(verify(&f) == 1);
	CHECK(f.rep.first_bad == 4);
	CHECK_CONTAINS(f.why.buf, "event 3 before it is missing");
	fixture_close(&f);
}

static void deleted_newest_events_are_caught_by_the_head(void)
{
	struct fixture f;

	fixture_open(&f);
	tamper(&f, "DELETE FROM event WHERE id >= 4");
	CHECK(verify(&f) == 1);
	CHECK(f.rep.events == 3);
	CHECK(f.rep.first_bad == 4);
	CHECK_CONTAINS(f.why.buf, "ends at event 3");
	CHECK_CONTAINS(f.why.buf, "head records event 5");
	fixture_close(&f);
}

static void deleted_every_event_is_caught_by_the_head(void)
{
	struct fixture f;

	fixture_open(&f);
	tamper(&f, "DELETE FROM event");
	CHECK(verify(&f) == 1);
	CHECK(f.rep.events == 0);
	CHECK(f.rep.first_bad == 1);
	CHECK_CONTAINS(f.why.buf, "head records event 5");
	fixture_close(&f);
}

static void altered_head_is_caught(void)
{
	struct fixture f;

	fixture_open(&f);
	tamper(&f, "UPDATE chain_head SET last_hash = '" KNOWN_HASH "'");
	CHECK(verify(&f) == 1);
	CHECK_CONTAINS(f.why.buf, "head");
	fixture_close(&f);
}

static void swapped_events_are_caught(void)
{
	struct fixture f;

	/* every column but the id changes places between events 2 and 3 */
	fixture_open(&f);
	tamper(&f, "CREATE TEMP TABLE t AS SELECT * FROM event WHERE id IN (2, 3);"
		   "UPDATE event SET (at, actor, kind, subject, details, prev_hash, hash) ="
		   " (SELECT at, actor, kind, subject, details, prev_hash, hash FROM t"
		   "  WHERE t.id = 5 - event.id) WHERE id IN (2, 3);");
	CHECK(verify(&f) == 1);
	CHECK(f.rep.first_bad == 2);
	CHECK_CONTAINS(f.why.buf, "event 2 ");
	fixture_close(&f);
}

static void swapped_details_are_caught(void)
{
	struct fixture f;

	/* only the details change places: each event keeps its hash and link */
	fixture_open(&f);
	tamper(&f, "CREATE TEMP TABLE t AS SELECT id, details FROM event WHERE id IN (2, 3);"
		   "UPDATE event SET details = (SELECT details FROM t WHERE t.id = 5 - event.id)"
		   " WHERE id IN (2, 3);");
	CHECK(verify(&f) == 1);
	CHECK(f.rep.first_bad == 2);
	CHECK_CONTAINS(f.why.buf, "altered");
	fixture_close(&f);
}

int main(void)
{
	RUN(known_event_hashes_to_an_independently_computed_sha256);
	RUN(canonical_form_written_out_by_hand_gives_the_same_hash);
	RUN(field_boundaries_are_part_of_the_hash);
	RUN(appended_event_is_hashed_in_the_canonical_form);
	RUN(untouched_chain_verifies);
	RUN(empty_chain_verifies);
	RUN(altered_details_are_named_by_id);
	RUN(altered_first_event_is_named);
	RUN(rehashed_altered_event_breaks_the_next_link);
	RUN(deleted_middle_event_is_named);
	RUN(deleted_newest_events_are_caught_by_the_head);
	RUN(deleted_every_event_is_caught_by_the_head);
	RUN(altered_head_is_caught);
	RUN(swapped_events_are_caught);
	RUN(swapped_details_are_caught);
	TEST_EXIT();
}
