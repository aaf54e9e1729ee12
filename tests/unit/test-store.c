/*
 * test-store.c - unit tests of store.c: schema versions, pragmas, the
 * append-only event table and contacts by identity
 *
 * Each test works on a fresh file in its own temporary directory. The
 * tests open that file with sqlite3 directly to look at it or tamper with
 * it, as anyone with access to the file could; pocgate's own code outside
 * store.c never speaks SQL.
 */
#include <pocgate/store.h>

#include <sqlite3.h>

#include <pocgate/directory.h>
#include <pocgate/xalloc.h>

#include "test.h"

#define NOW 1795000000 /* 2026-11-18T11:06:40Z */

struct fixture {
	char *dir;
	char *path; /* the store's file */
	struct store *st;
	struct strbuf err;
};

static void fixture_open(struct fixture *f)
{
	f->dir = test_tmpdir();
	f->path = xasprintf("%s/pocgate.db", f->dir);
	f->st = NULL;
	sb_init(&f->err, 0);
	if (store_open(f->path, &f->st, &f->err) < 0) {
		printf("#   store_open: %s\n", f->err.buf);
		exit(2);
	}
}

static void fixture_close(struct fixture *f)
{
	store_close(&f->st);
	sb_release(&f->err);
	free(f->path);
	test_tmpdir_remove(f->dir);
}

/* Runs one SQL statement on the file with a connection of its own and
 * returns the first column of the first row as an integer (or -1). */
static long long sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	long long v = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* Runs SQL on the file; returns the SQLite error message (owned) or NULL. */
static char *sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL, *ret = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		ret = xstrdup("cannot open");
	else if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		ret = xstrdup(msg ? msg : "error");
	sqlite3_free(msg);
	sqlite3_close(db);
	return ret;
}

static int count_events(const struct store_event *ev, void *ctx)
{
	(void)ev;
	++*(int *)ctx;
	return 0;
}

static int events_in(struct fixture *f)
{
	int n = 0;

	CHECK(store_event_foreach(f->st, count_events, &n, &f->err) == 0);
	return n;
}

static void append_events(struct fixture *f, int n)
{
	CHECK(store_begin(f->st, &f->err) == 0);
	for (int i = 0; i < n; i++) {
		char kind[32];
		snprintf(kind, sizeof(kind), "test.%d", i + 1);
		CHECK(store_event_append(f->st, NOW + i, "tester", kind, "subject", "{}",
					 &f->err) == 0);
	}
	CHECK(store_commit(f->st, &f->err) == 0);
}

static void new_file_gets_current_schema_and_opened_version_0(void)
{
	struct fixture f;

	fixture_open(&f);
	CHECK(store_opened_version(f.st) == 0);
	CHECK(sql_int(f.path, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
	fixture_close(&f);
}

static void reopened_file_reports_its_schema_version(void)
{
	struct fixture f;

	fixture_open(&f);
	store_close(&f.st);
	CHECK(f.st == NULL);
	CHECK(store_open(f.path, &f.st, &f.err) == 0);
	CHECK(f.st && store_opened_version(f.st) == STORE_SCHEMA_VERSION);
	CHECK(sql_int(f.path, "PRAGMA user_version") == STORE_SCHEMA_VERSION);
	fixture_close(&f);
}

static void newer_schema_version_is_refused_with_a_clear_error(void)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/future.db", dir), *sql;
	struct strbuf err = STRBUF_INIT;
	struct store *st = NULL;
	char want[64];

	sql = xasprintf("CREATE TABLE future (x); PRAGMA user_version = %d;",
			STORE_SCHEMA_VERSION + 1);
	char *msg = sql_exec(path, sql);
	CHECK(msg == NULL);
	CHECK(store_open(path, &st, &err) == -1);
	CHECK(st == NULL);
	CHECK_CONTAINS(err.buf, path);
	snprintf(want, sizeof(want), "schema version %d, newer", STORE_SCHEMA_VERSION + 1);
	CHECK_CONTAINS(err.buf, want);
	/* refused, not migrated or otherwise touched */
	CHECK(sql_int(path, "PRAGMA user_version") == STORE_SCHEMA_VERSION + 1);
	CHECK(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'event'") == 0);
	free(msg);
	free(sql);
	free(path);
	sb_release(&err);
	test_tmpdir_remove(dir);
}

static void store_is_in_wal_mode(void)
{
	struct fixture f;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;

	fixture_open(&f);
	/* journal_mode=WAL is recorded in the file, so a second connection sees it */
	CHECK(sqlite3_open(f.path, &db) == SQLITE_OK);
	CHECK(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(s) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	sqlite3_close(db);
	fixture_close(&f);
}

static void foreign_keys_are_enforced(void)
{
	struct fixture f;
	struct contact c = {
		.state = xstrdup("FRA"),
		.role = ROLE_TECHNICAL,
		.entity = xstrdup("CERT-FR"),
		.email = xstrdup("cert@fra.test"),
		.languages = xstrdup("fr"),
		.entry_language = xstrdup("fr"),
	};

	/* foreign_keys is a property of the connection: only pocgate's own
	 * connection can show it, by refusing a contact of an unknown State */
	fixture_open(&f);
	CHECK(store_begin(f.st, &f.err) == 0);
	CHECK(store_contact_put(f.st, &c, &f.err) == -1);
	CHECK_CONTAINS(f.err.buf, "FOREIGN KEY");
	CHECK(c.id == 0);
	store_rollback(f.st);
	CHECK(sql_int(f.path, "SELECT count(*) FROM contact") == 0);
	contact_release(&c);
	fixture_close(&f);
}

static void event_append_outside_a_transaction_fails(void)
{
	struct fixture f;

	fixture_open(&f);
	CHECK(store_event_append(f.st, NOW, "tester", "test.lonely", "s", "{}", &f.err) == -1);
	CHECK_CONTAINS(f.err.buf, "outside a transaction");
	CHECK(events_in(&f) == 0);
	fixture_close(&f);
}

struct collected {
	int n;
	int64_t ids[8];
	char kinds[8][32];
	char prev[8][65], hash[8][65];
};

static int collect(const struct store_event *ev, void *ctx)
{
	struct collected *c = ctx;

	if (c->n < 8) {
		c->ids[c->n] = ev->id;
		snprintf(c->kinds[c->n], sizeof(c->kinds[0]), "%s", ev->kind);
		snprintf(c->prev[c->n], 65, "%s", ev->prev_hash);
		snprintf(c->hash[c->n], 65, "%s", ev->hash);
	}
	c->n++;
	return 0;
}

static void events_get_increasing_ids_and_read_back_in_order(void)
{
	struct fixture f;
	struct collected c = { 0 };
	int64_t head_id = -1;
	char head[65] = "x";

	fixture_open(&f);
	CHECK(store_chain_head(f.st, &head_id, head, &f.err) == 0);
	CHECK(head_id == 0);
	CHECK_STR(head, "");
	append_events(&f, 2);
	append_events(&f, 3);
	CHECK(store_event_foreach(f.st, collect, &c, &f.err) == 0);
	CHECK(c.n == 5);
	for (int i = 0; i < 5 && i < c.n; i++) {
		char kind[32];
		snprintf(kind, sizeof(kind), "test.%d", i < 2 ? i + 1 : i - 1);
		CHECK(c.ids[i] == i + 1);
		CHECK_STR(c.kinds[i], kind);
		CHECK(strlen(c.hash[i]) == 64);
		CHECK_STR(c.prev[i], i ? c.hash[i - 1] : "000000000000000000000000000000000000"
							 "0000000000000000000000000000");
	}
	CHECK(store_chain_head(f.st, &head_id, head, &f.err) == 0);
	CHECK(head_id == 5);
	CHECK_STR(head, c.hash[4]);
	fixture_close(&f);
}

static void rolled_back_event_leaves_no_trace(void)
{
	struct fixture f;
	int64_t head_id = -1;
	char head[65];

	fixture_open(&f);
	append_events(&f, 1);
	CHECK(store_begin(f.st, &f.err) == 0);
	CHECK(store_event_append(f.st, NOW, "tester", "test.undone", "s", "{}", &f.err) == 0);
	store_rollback(f.st);
	CHECK(events_in(&f) == 1);
	CHECK(store_chain_head(f.st, &head_id, head, &f.err) == 0);
	CHECK(head_id == 1);
	fixture_close(&f);
}

static void event_update_is_refused_by_a_trigger(void)
{
	struct fixture f;
	char *msg;

	fixture_open(&f);
	append_events(&f, 2);
	msg = sql_exec(f.path, "UPDATE event SET details = '{\"x\":1}' WHERE id = 1");
	CHECK(msg != NULL);
	CHECK_CONTAINS(msg, "append-only");
	CHECK(sql_int(f.path, "SELECT count(*) FROM event WHERE details = '{}'") == 2);
	free(msg);
	fixture_close(&f);
}

static void event_delete_is_refused_by_a_trigger(void)
{
	struct fixture f;
	char *msg;

	fixture_open(&f);
	append_events(&f, 2);
	msg = sql_exec(f.path, "DELETE FROM event WHERE id = 2");
	CHECK(msg != NULL);
	CHECK_CONTAINS(msg, "append-only");
	CHECK(sql_int(f.path, "SELECT count(*) FROM event") == 2);
	free(msg);
	fixture_close(&f);
}

static void contact_is_inserted_found_and_updated_by_identity(void)
{
	struct fixture f;
	struct contact c = {
		.state = xstrdup("FRA"),
		.role = ROLE_TECHNICAL,
		.entity = xstrdup("CERT-FR"),
		.email = xstrdup("Cert@CERT.fra.test;backup@fra.test"),
		.phone = xstrdup("+33 1 55 55 55 55"),
		.languages = xstrdup("fr;en"),
		.entry_language = xstrdup("fr"),
	};
	struct contact got = { 0 };
	int64_t id;

	fixture_open(&f);
	CHECK(store_begin(f.st, &f.err) == 0);
	CHECK(store_state_put(f.st, "FRA", "France", "French Republic", &f.err) == 0);
	CHECK(store_contact_put(f.st, &c, &f.err) == 0);
	CHECK(store_commit(f.st, &f.err) == 0);
	id = c.id;
	CHECK(id > 0);

	/* the identity is (state, role, first address lower-cased) */
	CHECK(store_contact_find(f.st, "FRA", "technical", "cert@cert.fra.test", &got, &f.err) ==
	      1);
	CHECK(got.id == id);
	CHECK_STR(got.state_name, "France");
	CHECK_STR(got.entity, "CERT-FR");
	CHECK_STR(got.email, "Cert@CERT.fra.test;backup@fra.test");
	CHECK_STR(got.phone, "+33 1 55 55 55 55");
	CHECK(got.role == ROLE_TECHNICAL);
	CHECK(got.name == NULL && got.fingerprint == NULL && got.verified_at == 0);
	contact_release(&got);
	CHECK(store_contact_find(f.st, "FRA", "diplomatic", "cert@cert.fra.test", &got, &f.err) ==
	      0);
	CHECK(store_contact_find(f.st, "FRA", "technical", "backup@fra.test", &got, &f.err) == 0);

	free(c.entity);
	c.entity = xstrdup("ANSSI, CERT-FR");
	CHECK(store_begin(f.st, &f.err) == 0);
	CHECK(store_contact_put(f.st, &c, &f.err) == 0);
	CHECK(store_commit(f.st, &f.err) == 0);
	CHECK(c.id == id);
	CHECK(store_contact_find(f.st, "FRA", "technical", "cert@cert.fra.test", &got, &f.err) ==
	      1);
	CHECK(got.id == id);
	CHECK_STR(got.entity, "ANSSI, CERT-FR");
	CHECK(sql_int(f.path, "SELECT count(*) FROM contact") == 1);
	contact_release(&got);
	contact_release(&c);
	fixture_close(&f);
}

static void same_identity_cannot_be_inserted_twice(void)
{
	struct fixture f;
	struct contact a = {
		.state = xstrdup("FRA"),
		.role = ROLE_MISSION,
		.entity = xstrdup("Mission"),
		.email = xstrdup("mission@fra.test"),
		.languages = xstrdup("fr"),
		.entry_language = xstrdup("fr"),
	};
	struct contact b = {
		.state = xstrdup("FRA"),
		.role = ROLE_MISSION,
		.entity = xstrdup("Mission again"),
		.email = xstrdup("MISSION@fra.test"),
		.languages = xstrdup("fr"),
		.entry_language = xstrdup("fr"),
	};

	fixture_open(&f);
	CHECK(store_begin(f.st, &f.err) == 0);
	CHECK(store_state_put(f.st, "FRA", "France", "French Republic", &f.err) == 0);
	CHECK(store_contact_put(f.st, &a, &f.err) == 0);
	CHECK(store_contact_put(f.st, &b, &f.err) == -1);
	CHECK_CONTAINS(f.err.buf, "UNIQUE");
	CHECK(store_commit(f.st, &f.err) == 0);
	CHECK(store_mission_count(f.st, "FRA", &f.err) == 1);
	contact_release(&a);
	contact_release(&b);
	fixture_close(&f);
}

/* The filing mark (the last UID copied to imap.processed_folder): 0 for a
 * new folder, never past the last UID recorded, kept while the UIDVALIDITY
 * is, 0 again with a new one; a store of version 6 counts what it had
 * recorded as filed. */
static void folder_filing_mark_follows_the_folder(void)
{
	struct fixture f;
	int64_t filed = -1;

	fixture_open(&f);
	CHECK(store_folder_put(f.st, "INBOX", 7, 10, &f.err) == 0);
	CHECK(store_folder_filed(f.st, "INBOX", &filed, &f.err) == 0 && filed == 0);
	CHECK(store_folder_set_filed(f.st, "INBOX", 5, &f.err) == 0);
	CHECK(store_folder_filed(f.st, "INBOX", &filed, &f.err) == 0 && filed == 5);
	CHECK(store_folder_set_filed(f.st, "INBOX", 20, &f.err) == 0);
	CHECK(store_folder_filed(f.st, "INBOX", &filed, &f.err) == 0 && filed == 10);
	CHECK(store_folder_put(f.st, "INBOX", 7, 15, &f.err) == 0);
	CHECK(store_folder_filed(f.st, "INBOX", &filed, &f.err) == 0 && filed == 10);
	CHECK(store_folder_put(f.st, "INBOX", 8, 3, &f.err) == 0);
	CHECK(store_folder_filed(f.st, "INBOX", &filed, &f.err) == 0 && filed == 0);
	CHECK(store_folder_filed(f.st, "Other", &filed, &f.err) == 0 && filed == 0);

	store_close(&f.st);
	char *e = sql_exec(f.path, "ALTER TABLE folder DROP COLUMN filed_uid;"
				   "UPDATE folder SET last_uid = 42; PRAGMA user_version = 6;");
	CHECK(e == NULL);
	free(e);
	CHECK(store_open(f.path, &f.st, &f.err) == 0);
	CHECK(f.st && store_opened_version(f.st) == 6);
	CHECK(store_folder_filed(f.st, "INBOX", &filed, &f.err) == 0 && filed == 42);
	fixture_close(&f);
}

int main(void)
{
	RUN(new_file_gets_current_schema_and_opened_version_0);
	RUN(reopened_file_reports_its_schema_version);
	RUN(newer_schema_version_is_refused_with_a_clear_error);
	RUN(store_is_in_wal_mode);
	RUN(foreign_keys_are_enforced);
	RUN(event_append_outside_a_transaction_fails);
	RUN(events_get_increasing_ids_and_read_back_in_order);
	RUN(rolled_back_event_leaves_no_trace);
	RUN(event_update_is_refused_by_a_trigger);
	RUN(event_delete_is_refused_by_a_trigger);
	RUN(contact_is_inserted_found_and_updated_by_identity);
	RUN(same_identity_cannot_be_inserted_twice);
	RUN(folder_filing_mark_follows_the_folder);
	TEST_EXIT();
}
