/*
 * NAME
 *	store - the SQLite store: schema, migrations, and every SQL statement
 * SYNOPSIS
 *	#include <pocgate/store.h>
 *	store_open(), store_close(), store_begin(), store_commit(),
 *	store_rollback(), store_event_append(), store_event_foreach(),
 *	store_chain_head(), store_state_put(), store_contact_find(),
 *	store_contact_put(), store_contact_foreach(), store_mission_count()
 * DESCRIPTION
 *	One SQLite file in WAL mode with foreign keys on and a busy timeout.
 *	The schema is versioned with PRAGMA user_version: migrations[i] takes
 *	a store from version i to i+1, each in its own transaction, so a store
 *	made by an older pocgate opens in a newer one; a store from a newer
 *	pocgate is refused rather than misread.
 *
 *	Statements are prepared once, on first use, and kept (stmt_get()).
 *	Only bound parameters carry values: no SQL is ever built from data.
 *
 *	The event table is append-only: triggers refuse UPDATE and DELETE, and
 *	chain_head records the last event, so removing the newest events is
 *	noticed as well (audit.c checks it).
 * DIAGNOSTICS
 *	Errors carry sqlite3_errmsg() and what was being done.
 */
#include <pocgate/store.h>

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include <pocgate/audit.h>
#include <pocgate/directory.h>
#include <pocgate/log.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

#define BUSY_TIMEOUT_MS 10000

/* migrations[i] upgrades a store at version i to version i + 1. Never edit
 * a released migration: add a new one and raise STORE_SCHEMA_VERSION. */
static const char *const migrations[] = {
	/* 0 -> 1: directory and audit chain */
	"CREATE TABLE state ("
	"  code TEXT PRIMARY KEY CHECK (length(code) = 3),"
	"  name TEXT NOT NULL,"
	"  official_name TEXT NOT NULL);"
	"CREATE TABLE contact ("
	"  id INTEGER PRIMARY KEY,"
	"  state TEXT NOT NULL REFERENCES state(code),"
	"  role TEXT NOT NULL CHECK (role IN ('diplomatic', 'technical', 'mission')),"
	"  entity TEXT NOT NULL,"
	"  entity_en TEXT,"
	"  name TEXT,"
	"  designation TEXT,"
	"  email TEXT NOT NULL,"
	"  email_key TEXT NOT NULL,"
	"  phone TEXT,"
	"  languages TEXT NOT NULL,"
	"  entry_language TEXT NOT NULL,"
	"  fingerprint TEXT,"
	"  verified_at INTEGER,"
	"  unverified_since INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (state, role, email_key));"
	"CREATE VIEW poc AS SELECT * FROM contact WHERE role <> 'mission';"
	"CREATE VIEW mission AS SELECT * FROM contact WHERE role = 'mission';"
	"CREATE TABLE event ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  details TEXT NOT NULL,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL);"
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
	"  BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
	"CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
	"  BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
	"CREATE TABLE chain_head ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  last_id INTEGER NOT NULL,"
	"  last_hash TEXT NOT NULL);"
	"INSERT INTO chain_head VALUES (1, 0, '');",

	/* 1 -> 2: ping cycles and the durable outbound queue */
	"CREATE TABLE cycle ("
	"  id INTEGER PRIMARY KEY,"
	"  label TEXT NOT NULL UNIQUE,"
	"  started_at INTEGER NOT NULL,"
	"  deadline INTEGER NOT NULL,"
	"  window INTEGER NOT NULL,"
	"  closed_at INTEGER);"
	"CREATE TABLE ping ("
	"  id INTEGER PRIMARY KEY,"
	"  cycle_id INTEGER NOT NULL REFERENCES cycle(id),"
	"  contact_id INTEGER NOT NULL REFERENCES contact(id),"
	"  reference TEXT NOT NULL UNIQUE,"
	"  state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'confirmed', 'late-confirmed',"
	"    'auto-replied', 'undeliverable', 'overdue', 'escalated', 'resolved', 'unverified')),"
	"  deadline INTEGER NOT NULL,"
	"  state_at INTEGER NOT NULL,"
	"  UNIQUE (cycle_id, contact_id));"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  ping_id INTEGER REFERENCES ping(id),"
	"  kind TEXT NOT NULL CHECK (kind IN ('ping', 'reminder', 'escalation')),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  sender TEXT NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  data BLOB NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('queued', 'submitted', 'tempfail', 'permfail')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER NOT NULL,"
	"  last_reply TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  submitted_at INTEGER);"
	"CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state IN ('queued', 'tempfail');"
	"CREATE INDEX outbox_ping ON outbox (ping_id);",

	/* 2 -> 3: the mailbox read so far, and every message that came in */
	"CREATE TABLE folder ("
	"  name TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL);"
	"CREATE TABLE inbound ("
	"  id INTEGER PRIMARY KEY,"
	"  folder TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  uid INTEGER NOT NULL,"
	"  content_hash TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  message_id TEXT,"
	"  from_addr TEXT,"
	"  subject TEXT,"
	"  verdict TEXT NOT NULL,"
	"  rule TEXT,"
	"  reason TEXT,"
	"  signals TEXT,"
	"  ping_id INTEGER REFERENCES ping(id),"
	"  match_kind TEXT,"
	"  match_evidence TEXT,"
	"  review INTEGER NOT NULL DEFAULT 0,"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  sig_status TEXT,"
	"  sig_fingerprint TEXT,"
	"  sig_reason TEXT,"
	"  UNIQUE (folder, uidvalidity, uid));"
	"CREATE INDEX inbound_hash ON inbound (content_hash);"
	"CREATE INDEX inbound_ping ON inbound (ping_id);"
	"CREATE INDEX outbox_message_id ON outbox (message_id);"
	"CREATE INDEX contact_email ON contact (email_key);",

	/* 3 -> 4: reminders and escalations to Permanent Missions */
	"ALTER TABLE ping ADD COLUMN reminded INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE ping ADD COLUMN escalated_round INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE escalation ("
	"  id INTEGER PRIMARY KEY,"
	"  cycle_id INTEGER NOT NULL REFERENCES cycle(id),"
	"  state TEXT NOT NULL REFERENCES state(code),"
	"  round INTEGER NOT NULL,"
	"  reference TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (cycle_id, state, round));"
	"ALTER TABLE outbox ADD COLUMN escalation_id INTEGER REFERENCES escalation(id);",

	/* 4 -> 5: a State's case closed (every escalated POC answered) */
	"ALTER TABLE escalation ADD COLUMN closed_at INTEGER;",

	/* 5 -> 6: matching by sender looked at every ping without this */
	"CREATE INDEX ping_contact ON ping (contact_id);",

	/* 6 -> 7: the last UID copied or moved to imap.processed_folder; what
	 * was recorded before is taken as filed */
	"ALTER TABLE folder ADD COLUMN filed_uid INTEGER NOT NULL DEFAULT 0;"
	"UPDATE folder SET filed_uid = last_uid;",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == STORE_SCHEMA_VERSION,
	       "one migration per schema version");

enum stmt_id {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_HEAD_GET,
	S_HEAD_SET,
	S_EVENT_INSERT,
	S_EVENT_ALL,
	S_STATE_PUT,
	S_CONTACT_FIND,
	S_CONTACT_INSERT,
	S_CONTACT_UPDATE,
	S_CONTACT_ALL,
	S_CONTACT_OF_STATE,
	S_MISSION_COUNT,
	S_CONTACT_BY_ID,
	S_CYCLE_ADD,
	S_CYCLE_LATEST,
	S_CYCLE_BY_LABEL,
	S_CYCLE_OPEN,
	S_PING_ADD,
	S_PING_UNCOMPOSED,
	S_PING_STATE,
	S_PING_UNCOMPOSED_COUNT,
	S_OUTBOX_ADD,
	S_OUTBOX_DUE,
	S_OUTBOX_MARK,
	S_STATUS,
	S_OUTBOX_NEXT_DUE,
	S_FOLDER_GET,
	S_FOLDER_PUT,
	S_FOLDER_FILED_GET,
	S_FOLDER_FILED_PUT,
	S_INBOUND_SEEN,
	S_INBOUND_ADD,
	S_PING_BY_MESSAGE_ID,
	S_PING_BY_REFERENCE,
	S_PINGS_BY_EMAIL,
	S_CONTACT_VERIFIED,
	S_INBOUND_LIST,
	S_INBOUND_BY_UID,
	S_INBOUND_BY_MESSAGE_ID,
	S_INBOUND_BY_PING,
	S_INBOUND_LINK,
	S_OUTBOX_BY_PING,
	S_LADDER_GROUPS,
	S_DATA_VERSION,
	S_LADDER_PINGS,
	S_LADDER_STATES,
	S_PING_REMINDED,
	S_PING_ESCALATED,
	S_ESCALATION_ADD,
	S_MISSION_OF_STATE,
	S_OUTBOX_ESC_LINK,
	S_CONTACT_UNVERIFIED,
	S_CYCLE_SINCE,
	S_ESCALATION_CLOSE,
	S_COUNT
};

#define CONTACT_COLS                                                                      \
	"c.id, c.state, s.name, c.role, c.entity, c.entity_en, c.name, c.designation, "   \
	"c.email, c.phone, c.languages, c.entry_language, c.fingerprint, c.verified_at, " \
	"c.unverified_since"
#define CONTACT_ORDER " ORDER BY c.state, c.role = 'mission', c.role, c.id"

static const char *const stmt_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_HEAD_GET] = "SELECT last_id, last_hash FROM chain_head WHERE one = 1",
	[S_HEAD_SET] = "UPDATE chain_head SET last_id = ?1, last_hash = ?2 WHERE one = 1",
	[S_EVENT_INSERT] = "INSERT INTO event (id, at, actor, kind, subject, details, prev_hash, hash)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_EVENT_ALL] = "SELECT id, at, actor, kind, subject, details, prev_hash, hash"
			" FROM event ORDER BY id",
	[S_STATE_PUT] = "INSERT INTO state (code, name, official_name) VALUES (?1, ?2, ?3)"
			" ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
			" official_name = excluded.official_name",
	[S_CONTACT_FIND] = "SELECT " CONTACT_COLS " FROM contact c JOIN state s ON s.code = c.state"
			   " WHERE c.state = ?1 AND c.role = ?2 AND c.email_key = ?3",
	[S_CONTACT_INSERT] =
		"INSERT INTO contact (state, role, entity, entity_en, name, designation, email,"
		" email_key, phone, languages, entry_language, fingerprint, verified_at,"
		" unverified_since, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
	[S_CONTACT_UPDATE] =
		"UPDATE contact SET state = ?1, role = ?2, entity = ?3, entity_en = ?4, name = ?5,"
		" designation = ?6, email = ?7, email_key = ?8, phone = ?9, languages = ?10,"
		" entry_language = ?11, fingerprint = ?12, verified_at = ?13,"
		" unverified_since = ?14, updated_at = ?15 WHERE id = ?16",
	[S_CONTACT_ALL] = "SELECT " CONTACT_COLS " FROM contact c JOIN state s ON s.code = c.state"
			  CONTACT_ORDER,
	[S_CONTACT_OF_STATE] = "SELECT " CONTACT_COLS
			       " FROM contact c JOIN state s ON s.code = c.state"
			       " WHERE c.state = ?1" CONTACT_ORDER,
	[S_MISSION_COUNT] = "SELECT count(*) FROM contact WHERE state = ?1 AND role = 'mission'",
	[S_CONTACT_BY_ID] = "SELECT " CONTACT_COLS " FROM contact c JOIN state s ON s.code = c.state"
			    " WHERE c.id = ?1",
	[S_CYCLE_ADD] = "INSERT INTO cycle (label, started_at, deadline, window) VALUES (?1, ?2, ?3, ?4)",
	[S_CYCLE_LATEST] = "SELECT id, label, started_at, deadline, window, closed_at FROM cycle"
			   " ORDER BY id DESC LIMIT 1",
	[S_CYCLE_BY_LABEL] = "SELECT id, label, started_at, deadline, window, closed_at FROM cycle"
			     " WHERE label = ?1",
	[S_CYCLE_OPEN] = "SELECT id, label, started_at, deadline, window, closed_at FROM cycle"
			 " WHERE closed_at IS NULL AND deadline > ?1 ORDER BY id DESC LIMIT 1",
	[S_PING_ADD] = "INSERT INTO ping (cycle_id, contact_id, reference, state, deadline, state_at)"
		       " VALUES (?1, ?2, ?3, 'queued', ?4, ?5)",
	[S_PING_UNCOMPOSED] =
		"SELECT p.id, p.reference, p.deadline, " CONTACT_COLS
		" FROM ping p JOIN contact c ON c.id = p.contact_id JOIN state s ON s.code = c.state"
		" WHERE (?1 = 0 OR p.cycle_id = ?1) AND p.state = 'queued' AND NOT EXISTS"
		" (SELECT 1 FROM outbox o WHERE o.ping_id = p.id AND o.kind = 'ping')"
		" ORDER BY p.id LIMIT ?2",
	[S_PING_UNCOMPOSED_COUNT] =
		"SELECT count(*) FROM ping p WHERE p.state = 'queued' AND NOT EXISTS"
		" (SELECT 1 FROM outbox o WHERE o.ping_id = p.id AND o.kind = 'ping')",
	[S_PING_STATE] = "UPDATE ping SET state = ?2, state_at = ?3 WHERE id = ?1",
	[S_OUTBOX_ADD] = "INSERT INTO outbox (ping_id, kind, message_id, sender, recipient, data,"
			 " state, next_attempt_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
			 " 'queued', ?7, ?7)",
	[S_OUTBOX_DUE] = "SELECT id, ping_id, kind, message_id, sender, recipient, data, attempts"
			 " FROM outbox WHERE state IN ('queued', 'tempfail') AND next_attempt_at <= ?1"
			 " ORDER BY next_attempt_at, id LIMIT ?2",
	[S_OUTBOX_MARK] = "UPDATE outbox SET state = ?2, last_reply = ?3, next_attempt_at = ?4,"
			  " attempts = attempts + 1,"
			  " submitted_at = CASE WHEN ?2 = 'submitted' THEN ?5 ELSE submitted_at END"
			  " WHERE id = ?1",
	[S_OUTBOX_NEXT_DUE] = "SELECT min(next_attempt_at) FROM outbox"
			      " WHERE state IN ('queued', 'tempfail')",
	[S_FOLDER_GET] = "SELECT uidvalidity, last_uid FROM folder WHERE name = ?1",
	[S_FOLDER_PUT] = "INSERT INTO folder (name, uidvalidity, last_uid) VALUES (?1, ?2, ?3)"
			 " ON CONFLICT (name) DO UPDATE SET uidvalidity = excluded.uidvalidity,"
			 " last_uid = excluded.last_uid,"
			 " filed_uid = CASE WHEN uidvalidity = excluded.uidvalidity"
			 " THEN min(filed_uid, excluded.last_uid) ELSE 0 END",
	[S_FOLDER_FILED_GET] = "SELECT filed_uid FROM folder WHERE name = ?1",
	[S_FOLDER_FILED_PUT] = "UPDATE folder SET filed_uid = min(?2, last_uid) WHERE name = ?1",
	[S_INBOUND_SEEN] = "SELECT id FROM inbound WHERE content_hash = ?1 LIMIT 1",
	[S_INBOUND_ADD] =
		"INSERT INTO inbound (folder, uidvalidity, uid, content_hash, received_at, size,"
		" message_id, from_addr, subject, verdict, rule, reason, signals, ping_id, match_kind,"
		" match_evidence, review, late, sig_status, sig_fingerprint, sig_reason)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?18, ?19, ?20, ?21)",
	[S_PING_BY_MESSAGE_ID] = "SELECT p.id, p.reference, p.state, p.deadline, c.email, c.fingerprint,"
				 " c.id FROM outbox o JOIN ping p ON p.id = o.ping_id"
				 " JOIN contact c ON c.id = p.contact_id WHERE o.message_id = ?1",
	[S_PING_BY_REFERENCE] = "SELECT p.id, p.reference, p.state, p.deadline, c.email, c.fingerprint,"
				" c.id FROM ping p JOIN contact c ON c.id = p.contact_id"
				" WHERE p.reference = ?1",
	[S_PINGS_BY_EMAIL] = "SELECT p.id, p.reference, p.state, p.deadline, c.email, c.fingerprint,"
			     " c.id FROM ping p JOIN contact c ON c.id = p.contact_id"
			     " JOIN cycle y ON y.id = p.cycle_id"
			     " WHERE c.email_key = ?1 AND y.closed_at IS NULL"
			     " AND p.state IN ('queued', 'sent', 'auto-replied', 'overdue', 'escalated')"
			     " ORDER BY p.id DESC LIMIT 2",
	[S_CONTACT_VERIFIED] = "UPDATE contact SET verified_at = ?2, unverified_since = NULL"
			       " WHERE id = ?1",
#define INBOUND_COLS                                                                            \
	"i.id, i.folder, i.uid, i.received_at, i.message_id, i.from_addr, i.subject, i.verdict,"  \
	" i.rule, i.reason, i.signals, i.ping_id, i.match_kind, i.match_evidence, i.review,"     \
	" i.late, i.sig_status, i.sig_fingerprint, i.sig_reason, p.reference, p.state"
	[S_INBOUND_LIST] = "SELECT " INBOUND_COLS " FROM inbound i LEFT JOIN ping p ON p.id = i.ping_id"
			   " WHERE ?1 = 0 OR i.ping_id IS NULL ORDER BY i.id",
	[S_INBOUND_BY_UID] = "SELECT " INBOUND_COLS " FROM inbound i LEFT JOIN ping p ON p.id = i.ping_id"
			     " WHERE i.folder = ?1 AND i.uid = ?2 ORDER BY i.uidvalidity DESC, i.id DESC"
			     " LIMIT 1",
	[S_INBOUND_BY_MESSAGE_ID] = "SELECT " INBOUND_COLS " FROM inbound i LEFT JOIN ping p"
				    " ON p.id = i.ping_id WHERE i.message_id = ?1 ORDER BY i.id",
	[S_INBOUND_BY_PING] = "SELECT " INBOUND_COLS " FROM inbound i LEFT JOIN ping p ON p.id = i.ping_id"
			      " WHERE i.ping_id = ?1 ORDER BY i.id",
	[S_INBOUND_LINK] = "UPDATE inbound SET ping_id = ?2, match_kind = ?3, match_evidence = ?4,"
			   " review = 0 WHERE id = ?1",
	[S_OUTBOX_BY_PING] = "SELECT kind, message_id, recipient, state, attempts, last_reply, created_at,"
			     " submitted_at FROM outbox WHERE ping_id = ?1 ORDER BY id",
	[S_DATA_VERSION] = "PRAGMA data_version",
	[S_LADDER_GROUPS] = "SELECT DISTINCT p.cycle_id, c.state FROM cycle y"
			    " JOIN ping p ON p.cycle_id = y.id JOIN contact c ON c.id = p.contact_id"
			    " WHERE y.closed_at IS NULL ORDER BY 1, 2",
	/* contact (state, ...) then ping (cycle_id, contact_id): both indexed */
	[S_LADDER_PINGS] =
		"SELECT p.id, c.state, p.state, p.deadline, p.state_at, p.reminded, p.escalated_round,"
		" p.cycle_id, p.contact_id, p.reference,"
		" (SELECT max(o.submitted_at) FROM outbox o WHERE o.ping_id = p.id AND o.kind = 'ping')"
		" FROM contact c JOIN ping p ON p.contact_id = c.id"
		" WHERE c.state = ?2 AND p.cycle_id = ?1 ORDER BY p.id",
	[S_LADDER_STATES] = "SELECT e.cycle_id, e.state, count(*), max(e.created_at),"
			    " count(e.closed_at) > 0 FROM escalation e"
			    " WHERE e.cycle_id = ?1 AND e.state = ?2 GROUP BY e.cycle_id, e.state",
	[S_PING_REMINDED] = "UPDATE ping SET reminded = 1 WHERE id = ?1",
	[S_PING_ESCALATED] = "UPDATE ping SET escalated_round = ?2, state = CASE WHEN state IN"
			     " ('overdue', 'undeliverable') THEN 'escalated' ELSE state END,"
			     " state_at = CASE WHEN state IN ('overdue', 'undeliverable') THEN ?3"
			     " ELSE state_at END WHERE id = ?1",
	[S_ESCALATION_ADD] = "INSERT INTO escalation (cycle_id, state, round, reference, created_at)"
			     " VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_MISSION_OF_STATE] = "SELECT " CONTACT_COLS " FROM contact c JOIN state s ON s.code = c.state"
			       " WHERE c.state = ?1 AND c.role = 'mission' ORDER BY c.id LIMIT 1",
	[S_OUTBOX_ESC_LINK] = "UPDATE outbox SET escalation_id = ?2 WHERE message_id = ?1",
	[S_CONTACT_UNVERIFIED] = "UPDATE contact SET unverified_since = ?2 WHERE id = ?1"
				 " AND unverified_since IS NULL",
	[S_ESCALATION_CLOSE] = "UPDATE escalation SET closed_at = ?3 WHERE cycle_id = ?1 AND state = ?2"
			       " AND closed_at IS NULL",
	[S_CYCLE_SINCE] = "SELECT count(*) FROM cycle WHERE started_at >= ?1",
	[S_STATUS] = "SELECT p.id, p.reference, p.state, p.deadline, p.state_at, "
		     " (SELECT o.last_reply FROM outbox o WHERE o.ping_id = p.id ORDER BY o.id DESC"
		     "  LIMIT 1), " CONTACT_COLS ", i.verdict, i.match_kind, i.match_evidence,"
		     " i.sig_status, i.sig_reason, i.review"
		     " FROM ping p JOIN contact c ON c.id = p.contact_id"
		     " JOIN state s ON s.code = c.state"
		     " LEFT JOIN inbound i ON i.id = (SELECT max(id) FROM inbound WHERE ping_id = p.id"
		     "  AND verdict <> 'bounce-soft')"
		     " WHERE p.cycle_id = ?1" CONTACT_ORDER,
};

struct store {
	sqlite3 *db;
	char *path;			/* owned */
	int opened_version;
	sqlite3_stmt *stmt[S_COUNT];	/* owned, prepared on first use */
};

/* Makes room for row n of an array of rows read from a statement. */
static void *grow_rows(void *v, size_t n, size_t *alloc, size_t size)
{
	if (n < *alloc)
		return v;
	*alloc = *alloc ? *alloc * 2 : 64;
	return xreallocarray(v, *alloc, size);
}

static int db_error(struct store *st, struct strbuf *err, const char *what)
{
	return error_set(err, "%s in '%s': %s", what, st->path, sqlite3_errmsg(st->db));
}

static sqlite3_stmt *stmt_get(struct store *st, enum stmt_id id, struct strbuf *err)
{
	sqlite3_stmt *s = st->stmt[id];

	if (!s) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
				       &st->stmt[id], NULL) != SQLITE_OK) {
			db_error(st, err, "cannot prepare a statement");
			return NULL;
		}
		return st->stmt[id];
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* Runs a statement that returns no rows. */
static int stmt_done(struct store *st, sqlite3_stmt *s, struct strbuf *err, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_error(st, err, what);
	return 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static void bind_time(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v ? xstrdup((const char *)v) : NULL;
}

static int exec(struct store *st, const char *sql, struct strbuf *err, const char *what)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error_set(err, "%s in '%s': %s", what, st->path, msg ? msg : "unknown error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(struct store *st, int *v, struct strbuf *err)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return db_error(st, err, "cannot read the schema version");
	rc = sqlite3_step(s);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return db_error(st, err, "cannot read the schema version");
	return 0;
}

/* Brings the schema to STORE_SCHEMA_VERSION, one migration per transaction. */
static int migrate(struct store *st, struct strbuf *err)
{
	int v;

	if (user_version(st, &v, err) < 0)
		return -1;
	st->opened_version = v;
	if (v > STORE_SCHEMA_VERSION)
		return error_set(err, "store '%s' has schema version %d, newer than this pocgate's %d",
				 st->path, v, STORE_SCHEMA_VERSION);
	for (; v < NMIGRATIONS; v++) {
		char *sql = xasprintf("BEGIN IMMEDIATE; %s PRAGMA user_version = %d; COMMIT;",
				      migrations[v], v + 1);
		int rc = exec(st, sql, err, "cannot upgrade the schema");
		free(sql);
		if (rc < 0) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
		if (st->opened_version > 0)
			msg_info("store '%s' upgraded to schema version %d", st->path, v + 1);
	}
	return 0;
}

int store_open(const char *path, struct store **stp, struct strbuf *err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int rc;

	st->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		error_set(err, "cannot open database '%s': %s", path,
			  st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	/* a bounded page cache (8 MiB): large stores are read from it, not
	 * from the file, and memory stays flat whatever their size */
	if (exec(st, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
		     " PRAGMA synchronous = FULL; PRAGMA cache_size = -8192;",
		 err, "cannot set up the database") < 0)
		goto fail;
	if (migrate(st, err) < 0)
		goto fail;
	*stp = st;
	return 0;
fail:
	store_close(&st);
	return -1;
}

void store_close(struct store **stp)
{
	struct store *st;

	if (!stp || !*stp)
		return;
	st = *stp;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
	*stp = NULL;
}

int store_opened_version(const struct store *st)
{
	return st->opened_version;
}

long long store_data_version(struct store *st)
{
	struct strbuf err = STRBUF_INIT;
	sqlite3_stmt *s = stmt_get(st, S_DATA_VERSION, &err);
	long long v = -1;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);
	sb_release(&err);
	return v;
}

static int run_simple(struct store *st, enum stmt_id id, struct strbuf *err, const char *what)
{
	sqlite3_stmt *s = stmt_get(st, id, err);

	return s ? stmt_done(st, s, err, what) : -1;
}

int store_begin(struct store *st, struct strbuf *err)
{
	return run_simple(st, S_BEGIN, err, "cannot begin a transaction");
}

int store_commit(struct store *st, struct strbuf *err)
{
	return run_simple(st, S_COMMIT, err, "cannot commit");
}

void store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		run_simple(st, S_ROLLBACK, NULL, "cannot roll back");
}

int store_chain_head(struct store *st, int64_t *id, char *hash, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_HEAD_GET, err);
	int rc;

	if (!s)
		return -1;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return db_error(st, err, "cannot read the audit chain's head");
	}
	*id = sqlite3_column_int64(s, 0);
	snprintf(hash, AUDIT_HASH_HEX + 1, "%s", (const char *)sqlite3_column_text(s, 1));
	sqlite3_reset(s);
	return 0;
}

int store_event_append(struct store *st, int64_t now, const char *actor, const char *kind,
		       const char *subject, const char *details, struct strbuf *err)
{
	char prev[AUDIT_HASH_HEX + 1], hash[AUDIT_HASH_HEX + 1], at[32];
	int64_t last;
	struct store_event ev;
	sqlite3_stmt *s;

	if (sqlite3_get_autocommit(st->db))
		return error_set(err, "bug: audit event '%s' appended outside a transaction", kind);
	if (store_chain_head(st, &last, prev, err) < 0)
		return -1;
	if (!*prev)
		snprintf(prev, sizeof(prev), "%s", AUDIT_GENESIS);
	utc_format(now, at, sizeof(at));
	ev = (struct store_event){ .id = last + 1, .at = at, .actor = actor, .kind = kind,
				   .subject = subject, .details = details, .prev_hash = prev };
	audit_event_hash(&ev, hash);

	if (!(s = stmt_get(st, S_EVENT_INSERT, err)))
		return -1;
	sqlite3_bind_int64(s, 1, ev.id);
	bind_text(s, 2, at);
	bind_text(s, 3, actor);
	bind_text(s, 4, kind);
	bind_text(s, 5, subject);
	bind_text(s, 6, details);
	bind_text(s, 7, prev);
	bind_text(s, 8, hash);
	if (stmt_done(st, s, err, "cannot append an audit event") < 0)
		return -1;
	if (!(s = stmt_get(st, S_HEAD_SET, err)))
		return -1;
	sqlite3_bind_int64(s, 1, ev.id);
	bind_text(s, 2, hash);
	return stmt_done(st, s, err, "cannot advance the audit chain's head");
}

int store_event_foreach(struct store *st, int (*fn)(const struct store_event *, void *), void *ctx,
			struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_EVENT_ALL, err);
	int rc;

	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_event ev = {
			.id = sqlite3_column_int64(s, 0),
			.at = (const char *)sqlite3_column_text(s, 1),
			.actor = (const char *)sqlite3_column_text(s, 2),
			.kind = (const char *)sqlite3_column_text(s, 3),
			.subject = (const char *)sqlite3_column_text(s, 4),
			.details = (const char *)sqlite3_column_text(s, 5),
			.prev_hash = (const char *)sqlite3_column_text(s, 6),
			.hash = (const char *)sqlite3_column_text(s, 7),
		};
		/* A column emptied to NULL by tampering reads as "". */
		const char **f[] = { &ev.at, &ev.actor, &ev.kind, &ev.subject,
				     &ev.details, &ev.prev_hash, &ev.hash };
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (!*f[i])
				*f[i] = "";
		if (fn(&ev, ctx)) {
			sqlite3_reset(s);
			return 0;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot read the audit events");
	return 0;
}

int store_state_put(struct store *st, const char *code, const char *name, const char *official,
		    struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_STATE_PUT, err);

	if (!s)
		return -1;
	bind_text(s, 1, code);
	bind_text(s, 2, name);
	bind_text(s, 3, official);
	return stmt_done(st, s, err, "cannot store a State");
}

/* Reads CONTACT_COLS starting at column k. */
static void contact_from_cols(sqlite3_stmt *s, int k, struct contact *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, k + 0);
	c->state = col_dup(s, k + 1);
	c->state_name = col_dup(s, k + 2);
	if (contact_role_parse((const char *)sqlite3_column_text(s, k + 3), &c->role) < 0)
		c->role = ROLE_TECHNICAL; /* the CHECK constraint makes this unreachable */
	c->entity = col_dup(s, k + 4);
	c->entity_en = col_dup(s, k + 5);
	c->name = col_dup(s, k + 6);
	c->designation = col_dup(s, k + 7);
	c->email = col_dup(s, k + 8);
	c->phone = col_dup(s, k + 9);
	c->languages = col_dup(s, k + 10);
	c->entry_language = col_dup(s, k + 11);
	c->fingerprint = col_dup(s, k + 12);
	c->verified_at = sqlite3_column_int64(s, k + 13);
	c->unverified_since = sqlite3_column_int64(s, k + 14);
}

static void contact_from_row(sqlite3_stmt *s, struct contact *c)
{
	contact_from_cols(s, 0, c);
}

int store_contact_find(struct store *st, const char *state, const char *role,
		       const char *email_key, struct contact *c, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_CONTACT_FIND, err);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, state);
	bind_text(s, 2, role);
	bind_text(s, 3, email_key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		contact_from_row(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(st, err, "cannot look up a contact");
}

int store_contact_get(struct store *st, int64_t id, struct contact *c, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_CONTACT_BY_ID, err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		contact_from_row(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(st, err, "cannot look up a contact");
}

int store_contact_put(struct store *st, struct contact *c, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, c->id ? S_CONTACT_UPDATE : S_CONTACT_INSERT, err);
	char *key = contact_email_key(c);

	if (!s) {
		free(key);
		return -1;
	}
	bind_text(s, 1, c->state);
	bind_text(s, 2, contact_role_name(c->role));
	bind_text(s, 3, c->entity);
	bind_text(s, 4, c->entity_en);
	bind_text(s, 5, c->name);
	bind_text(s, 6, c->designation);
	bind_text(s, 7, c->email);
	bind_text(s, 8, key);
	bind_text(s, 9, c->phone);
	bind_text(s, 10, c->languages);
	bind_text(s, 11, c->entry_language);
	bind_text(s, 12, c->fingerprint);
	bind_time(s, 13, c->verified_at);
	bind_time(s, 14, c->unverified_since);
	sqlite3_bind_int64(s, 15, utc_now());
	if (c->id)
		sqlite3_bind_int64(s, 16, c->id);
	free(key);
	if (stmt_done(st, s, err, "cannot store a contact") < 0)
		return -1;
	if (!c->id)
		c->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_contact_foreach(struct store *st, const char *state,
			  int (*fn)(const struct contact *, void *), void *ctx, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, state ? S_CONTACT_OF_STATE : S_CONTACT_ALL, err);
	int rc, stop = 0;

	if (!s)
		return -1;
	if (state)
		bind_text(s, 1, state);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct contact c;
		contact_from_row(s, &c);
		stop = fn(&c, ctx);
		contact_release(&c);
	}
	sqlite3_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_error(st, err, "cannot read the directory");
	return 0;
}

int store_mission_count(struct store *st, const char *state, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_MISSION_COUNT, err);
	int rc, n = -1;

	if (!s)
		return -1;
	bind_text(s, 1, state);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return db_error(st, err, "cannot count missions");
	return n;
}

/* ---- cycles, pings and the outbound queue ---- */

static void cycle_from_row(sqlite3_stmt *s, struct store_cycle *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, 0);
	snprintf(c->label, sizeof(c->label), "%s", (const char *)sqlite3_column_text(s, 1));
	c->started_at = sqlite3_column_int64(s, 2);
	c->deadline = sqlite3_column_int64(s, 3);
	c->window = sqlite3_column_int64(s, 4);
	c->closed_at = sqlite3_column_int64(s, 5);
}

static int cycle_get(struct store *st, enum stmt_id id, const char *label, int64_t now,
		     struct store_cycle *c, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, id, err);
	int rc;

	if (!s)
		return -1;
	if (id == S_CYCLE_BY_LABEL)
		bind_text(s, 1, label);
	else if (id == S_CYCLE_OPEN)
		sqlite3_bind_int64(s, 1, now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		cycle_from_row(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(st, err, "cannot read cycles");
}

int store_cycle_find(struct store *st, const char *label, struct store_cycle *c,
		     struct strbuf *err)
{
	return cycle_get(st, label ? S_CYCLE_BY_LABEL : S_CYCLE_LATEST, label, 0, c, err);
}

int store_cycle_open(struct store *st, int64_t now, struct store_cycle *c, struct strbuf *err)
{
	return cycle_get(st, S_CYCLE_OPEN, NULL, now, c, err);
}

int store_cycle_add(struct store *st, const char *label, int64_t now, int64_t deadline,
		    int64_t window, int64_t *id, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_CYCLE_ADD, err);

	if (!s)
		return -1;
	bind_text(s, 1, label);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, deadline);
	sqlite3_bind_int64(s, 4, window);
	if (stmt_done(st, s, err, "cannot create the cycle") < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_ping_add(struct store *st, int64_t cycle_id, int64_t contact_id, const char *reference,
		   int64_t deadline, int64_t now, int64_t *id, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_PING_ADD, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, cycle_id);
	sqlite3_bind_int64(s, 2, contact_id);
	bind_text(s, 3, reference);
	sqlite3_bind_int64(s, 4, deadline);
	sqlite3_bind_int64(s, 5, now);
	if (stmt_done(st, s, err, "cannot queue a ping") < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_ping_set_state(struct store *st, int64_t ping_id, const char *state, int64_t now,
			 struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_PING_STATE, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, ping_id);
	bind_text(s, 2, state);
	sqlite3_bind_int64(s, 3, now);
	return stmt_done(st, s, err, "cannot change a ping's state");
}

int store_ping_uncomposed(struct store *st, int64_t cycle_id, int limit, struct store_ping **out,
			  size_t *n, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_PING_UNCOMPOSED, err);
	struct store_ping *v = NULL;
	size_t cnt = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, cycle_id);
	sqlite3_bind_int(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = grow_rows(v, cnt, &alloc, sizeof(*v));
		memset(&v[cnt], 0, sizeof(v[cnt]));
		v[cnt].id = sqlite3_column_int64(s, 0);
		v[cnt].reference = col_dup(s, 1);
		v[cnt].deadline = sqlite3_column_int64(s, 2);
		contact_from_cols(s, 3, &v[cnt].contact);
		cnt++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_pings_free(v, cnt);
		return db_error(st, err, "cannot read queued pings");
	}
	*out = v;
	*n = cnt;
	return 0;
}

long long store_ping_uncomposed_count(struct store *st, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_PING_UNCOMPOSED_COUNT, err);
	long long n = -1;

	if (!s)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (n < 0)
		return db_error(st, err, "cannot count queued pings");
	return n;
}

void store_pings_free(struct store_ping *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].reference);
		contact_release(&v[i].contact);
	}
	free(v);
}

int store_outbox_add(struct store *st, int64_t ping_id, const char *kind, const char *message_id,
		     const char *sender, const char *recipient, const void *data, size_t len,
		     int64_t now, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_ADD, err);

	if (!s)
		return -1;
	if (ping_id)
		sqlite3_bind_int64(s, 1, ping_id);
	else
		sqlite3_bind_null(s, 1);
	bind_text(s, 2, kind);
	bind_text(s, 3, message_id);
	bind_text(s, 4, sender);
	bind_text(s, 5, recipient);
	sqlite3_bind_blob64(s, 6, data, len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 7, now);
	return stmt_done(st, s, err, "cannot queue a message");
}

int store_outbox_due(struct store *st, int64_t now, int limit, struct store_outmsg **out,
		     size_t *n, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_DUE, err);
	struct store_outmsg *v = NULL;
	size_t cnt = 0, alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = grow_rows(v, cnt, &alloc, sizeof(*v));
		struct store_outmsg *m = &v[cnt++];
		memset(m, 0, sizeof(*m));
		m->id = sqlite3_column_int64(s, 0);
		m->ping_id = sqlite3_column_int64(s, 1);
		m->kind = col_dup(s, 2);
		m->message_id = col_dup(s, 3);
		m->sender = col_dup(s, 4);
		m->recipient = col_dup(s, 5);
		m->len = (size_t)sqlite3_column_bytes(s, 6);
		m->data = xmalloc(m->len + 1);
		if (m->len)
			memcpy(m->data, sqlite3_column_blob(s, 6), m->len);
		m->data[m->len] = '\0';
		m->attempts = sqlite3_column_int(s, 7);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_outmsgs_free(v, cnt);
		return db_error(st, err, "cannot read the outbound queue");
	}
	*out = v;
	*n = cnt;
	return 0;
}

void store_outmsgs_free(struct store_outmsg *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].message_id);
		free(v[i].sender);
		free(v[i].recipient);
		free(v[i].data);
	}
	free(v);
}

int store_outbox_mark(struct store *st, int64_t id, const char *state, const char *reply,
		      int64_t next_attempt_at, int64_t now, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_MARK, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, state);
	bind_text(s, 3, reply);
	sqlite3_bind_int64(s, 4, next_attempt_at);
	sqlite3_bind_int64(s, 5, now);
	return stmt_done(st, s, err, "cannot record a submission");
}

int store_status_foreach(struct store *st, int64_t cycle_id,
			 int (*fn)(const struct store_status *, void *), void *ctx, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_STATUS, err);
	int rc, stop = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, cycle_id);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_status r = {
			.ping_id = sqlite3_column_int64(s, 0),
			.reference = (const char *)sqlite3_column_text(s, 1),
			.state = (const char *)sqlite3_column_text(s, 2),
			.deadline = sqlite3_column_int64(s, 3),
			.state_at = sqlite3_column_int64(s, 4),
			.last_reply = (const char *)sqlite3_column_text(s, 5),
		};
		contact_from_cols(s, 6, &r.contact);
		r.verdict = (const char *)sqlite3_column_text(s, 21);
		r.match_kind = (const char *)sqlite3_column_text(s, 22);
		r.evidence = (const char *)sqlite3_column_text(s, 23);
		r.sig_status = (const char *)sqlite3_column_text(s, 24);
		r.sig_reason = (const char *)sqlite3_column_text(s, 25);
		r.review = sqlite3_column_int(s, 26);
		stop = fn(&r, ctx);
		contact_release(&r.contact);
	}
	sqlite3_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_error(st, err, "cannot read the cycle's status");
	return 0;
}

int64_t store_outbox_next_due(struct store *st, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_NEXT_DUE, err);
	int64_t t = 0;

	if (!s)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		t = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return t;
}

/* ---- the mailbox ---- */

int store_folder_get(struct store *st, const char *name, int64_t *uidvalidity, int64_t *last_uid,
		     struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_FOLDER_GET, err);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*uidvalidity = sqlite3_column_int64(s, 0);
		*last_uid = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(st, err, "cannot read the folder's state");
}

int store_folder_put(struct store *st, const char *name, int64_t uidvalidity, int64_t last_uid,
		     struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_FOLDER_PUT, err);

	if (!s)
		return -1;
	bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, uidvalidity);
	sqlite3_bind_int64(s, 3, last_uid);
	return stmt_done(st, s, err, "cannot record the folder's state");
}

int store_folder_filed(struct store *st, const char *name, int64_t *filed_uid, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_FOLDER_FILED_GET, err);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, name);
	*filed_uid = 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*filed_uid = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return 0;
	return db_error(st, err, "cannot read the folder's state");
}

int store_folder_set_filed(struct store *st, const char *name, int64_t filed_uid,
			   struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_FOLDER_FILED_PUT, err);

	if (!s)
		return -1;
	bind_text(s, 1, name);
	sqlite3_bind_int64(s, 2, filed_uid);
	return stmt_done(st, s, err, "cannot record the folder's state");
}

int store_inbound_seen(struct store *st, const char *content_hash, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_INBOUND_SEEN, err);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, content_hash);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(st, err, "cannot look up a message");
}

int store_inbound_add(struct store *st, const struct store_inbound *in, int64_t *id,
		      struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_INBOUND_ADD, err);

	if (!s)
		return -1;
	bind_text(s, 1, in->folder);
	sqlite3_bind_int64(s, 2, in->uidvalidity);
	sqlite3_bind_int64(s, 3, in->uid);
	bind_text(s, 4, in->content_hash);
	sqlite3_bind_int64(s, 5, in->received_at);
	sqlite3_bind_int64(s, 6, in->size);
	bind_text(s, 7, in->message_id);
	bind_text(s, 8, in->from_addr);
	bind_text(s, 9, in->subject);
	bind_text(s, 10, in->verdict);
	bind_text(s, 11, in->rule);
	bind_text(s, 12, in->reason);
	bind_text(s, 13, in->signals);
	if (in->ping_id)
		sqlite3_bind_int64(s, 14, in->ping_id);
	else
		sqlite3_bind_null(s, 14);
	bind_text(s, 15, in->match_kind);
	bind_text(s, 16, in->match_evidence);
	sqlite3_bind_int(s, 17, in->review);
	sqlite3_bind_int(s, 18, in->late);
	bind_text(s, 19, in->sig_status);
	bind_text(s, 20, in->sig_fingerprint);
	bind_text(s, 21, in->sig_reason);
	if (stmt_done(st, s, err, "cannot record an incoming message") < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

static int ping_lookup(struct store *st, enum stmt_id id, const char *key, struct store_ping_ref *out,
		       size_t max, size_t *n, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, id, err);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, key);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n < max) {
			struct store_ping_ref *r = &out[(*n)++];
			memset(r, 0, sizeof(*r));
			r->ping_id = sqlite3_column_int64(s, 0);
			snprintf(r->reference, sizeof(r->reference), "%s",
				 (const char *)sqlite3_column_text(s, 1));
			snprintf(r->state, sizeof(r->state), "%s", (const char *)sqlite3_column_text(s, 2));
			r->deadline = sqlite3_column_int64(s, 3);
			snprintf(r->email, sizeof(r->email), "%s", (const char *)sqlite3_column_text(s, 4));
			if (sqlite3_column_text(s, 5))
				snprintf(r->fingerprint, sizeof(r->fingerprint), "%s",
					 (const char *)sqlite3_column_text(s, 5));
			r->contact_id = sqlite3_column_int64(s, 6);
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_error(st, err, "cannot look up a ping");
	return 0;
}

int store_ping_by_message_id(struct store *st, const char *message_id, struct store_ping_ref *r,
			     struct strbuf *err)
{
	size_t n;

	if (ping_lookup(st, S_PING_BY_MESSAGE_ID, message_id, r, 1, &n, err) < 0)
		return -1;
	return n > 0;
}

int store_ping_by_reference(struct store *st, const char *reference, struct store_ping_ref *r,
			    struct strbuf *err)
{
	size_t n;

	if (ping_lookup(st, S_PING_BY_REFERENCE, reference, r, 1, &n, err) < 0)
		return -1;
	return n > 0;
}

int store_pings_open_by_email(struct store *st, const char *email_key, struct store_ping_ref *r,
			      size_t max, size_t *n, struct strbuf *err)
{
	return ping_lookup(st, S_PINGS_BY_EMAIL, email_key, r, max, n, err);
}

int store_contact_verified(struct store *st, int64_t contact_id, int64_t at, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_CONTACT_VERIFIED, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, contact_id);
	sqlite3_bind_int64(s, 2, at);
	return stmt_done(st, s, err, "cannot record a verification");
}

static void inbound_from_row(sqlite3_stmt *s, struct store_inbound_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->folder = (const char *)sqlite3_column_text(s, 1);
	r->uid = sqlite3_column_int64(s, 2);
	r->received_at = sqlite3_column_int64(s, 3);
	r->message_id = (const char *)sqlite3_column_text(s, 4);
	r->from_addr = (const char *)sqlite3_column_text(s, 5);
	r->subject = (const char *)sqlite3_column_text(s, 6);
	r->verdict = (const char *)sqlite3_column_text(s, 7);
	r->rule = (const char *)sqlite3_column_text(s, 8);
	r->reason = (const char *)sqlite3_column_text(s, 9);
	r->signals = (const char *)sqlite3_column_text(s, 10);
	r->ping_id = sqlite3_column_int64(s, 11);
	r->match_kind = (const char *)sqlite3_column_text(s, 12);
	r->match_evidence = (const char *)sqlite3_column_text(s, 13);
	r->review = sqlite3_column_int(s, 14);
	r->late = sqlite3_column_int(s, 15);
	r->sig_status = (const char *)sqlite3_column_text(s, 16);
	r->sig_fingerprint = (const char *)sqlite3_column_text(s, 17);
	r->sig_reason = (const char *)sqlite3_column_text(s, 18);
	r->reference = (const char *)sqlite3_column_text(s, 19);
	r->ping_state = (const char *)sqlite3_column_text(s, 20);
}

static int inbound_query(struct store *st, sqlite3_stmt *s, int (*fn)(const struct store_inbound_row *, void *),
			 void *ctx, struct strbuf *err)
{
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_inbound_row r;
		inbound_from_row(s, &r);
		stop = fn(&r, ctx);
	}
	sqlite3_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_error(st, err, "cannot read incoming messages");
	return 0;
}

int store_inbound_foreach(struct store *st, int unmatched_only,
			  int (*fn)(const struct store_inbound_row *, void *), void *ctx,
			  struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_INBOUND_LIST, err);

	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, unmatched_only);
	return inbound_query(st, s, fn, ctx, err);
}

int store_inbound_find(struct store *st, const char *folder, int64_t uid, const char *message_id,
		       int64_t ping_id, int (*fn)(const struct store_inbound_row *, void *), void *ctx,
		       struct strbuf *err)
{
	sqlite3_stmt *s;

	if (message_id) {
		if (!(s = stmt_get(st, S_INBOUND_BY_MESSAGE_ID, err)))
			return -1;
		bind_text(s, 1, message_id);
	} else if (ping_id) {
		if (!(s = stmt_get(st, S_INBOUND_BY_PING, err)))
			return -1;
		sqlite3_bind_int64(s, 1, ping_id);
	} else {
		if (!(s = stmt_get(st, S_INBOUND_BY_UID, err)))
			return -1;
		bind_text(s, 1, folder);
		sqlite3_bind_int64(s, 2, uid);
	}
	return inbound_query(st, s, fn, ctx, err);
}

int store_inbound_link(struct store *st, int64_t id, int64_t ping_id, const char *kind,
		       const char *evidence, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_INBOUND_LINK, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, ping_id);
	bind_text(s, 3, kind);
	bind_text(s, 4, evidence);
	return stmt_done(st, s, err, "cannot link a message to its ping");
}

int store_outbox_of_ping(struct store *st, int64_t ping_id,
			 int (*fn)(const struct store_sent *, void *), void *ctx, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_BY_PING, err);
	int rc, stop = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, ping_id);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_sent r = {
			.kind = (const char *)sqlite3_column_text(s, 0),
			.message_id = (const char *)sqlite3_column_text(s, 1),
			.recipient = (const char *)sqlite3_column_text(s, 2),
			.state = (const char *)sqlite3_column_text(s, 3),
			.attempts = sqlite3_column_int(s, 4),
			.last_reply = (const char *)sqlite3_column_text(s, 5),
			.created_at = sqlite3_column_int64(s, 6),
			.submitted_at = sqlite3_column_int64(s, 7),
		};
		stop = fn(&r, ctx);
	}
	sqlite3_reset(s);
	if (!stop && rc != SQLITE_DONE)
		return db_error(st, err, "cannot read the messages sent");
	return 0;
}

/* ---- the ladder ---- */

int store_ladder_groups(struct store *st, struct store_ladder_group **groups, size_t *n,
			struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_LADDER_GROUPS, err);
	size_t alloc = 0;
	int rc;

	*groups = NULL;
	*n = 0;
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*groups = grow_rows(*groups, *n, &alloc, sizeof(**groups));
		struct store_ladder_group *g = &(*groups)[(*n)++];
		g->cycle_id = sqlite3_column_int64(s, 0);
		snprintf(g->state_code, sizeof(g->state_code), "%s", (const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(*groups);
		*groups = NULL;
		*n = 0;
		return db_error(st, err, "cannot read the ladder");
	}
	return 0;
}

int store_ladder_load(struct store *st, const struct store_ladder_group *g, struct store_ladder *l,
		      struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_LADDER_PINGS, err);
	size_t alloc = 0;
	int rc;

	memset(l, 0, sizeof(*l));
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, g->cycle_id);
	sqlite3_bind_text(s, 2, g->state_code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		l->pings = grow_rows(l->pings, l->npings, &alloc, sizeof(*l->pings));
		struct store_ladder_ping *p = &l->pings[l->npings++];
		p->id = sqlite3_column_int64(s, 0);
		snprintf(p->state_code, sizeof(p->state_code), "%s", (const char *)sqlite3_column_text(s, 1));
		snprintf(p->status, sizeof(p->status), "%s", (const char *)sqlite3_column_text(s, 2));
		p->deadline = sqlite3_column_int64(s, 3);
		p->status_at = sqlite3_column_int64(s, 4);
		p->reminded = sqlite3_column_int(s, 5);
		p->escalated_round = sqlite3_column_int(s, 6);
		p->cycle_id = sqlite3_column_int64(s, 7);
		p->contact_id = sqlite3_column_int64(s, 8);
		snprintf(p->reference, sizeof(p->reference), "%s", (const char *)sqlite3_column_text(s, 9));
		p->sent_at = sqlite3_column_int64(s, 10);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	if (!(s = stmt_get(st, S_LADDER_STATES, err)))
		goto fail_quiet;
	sqlite3_bind_int64(s, 1, g->cycle_id);
	sqlite3_bind_text(s, 2, g->state_code, -1, SQLITE_STATIC);
	alloc = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		l->states = grow_rows(l->states, l->nstates, &alloc, sizeof(*l->states));
		struct store_ladder_state *e = &l->states[l->nstates++];
		e->cycle_id = sqlite3_column_int64(s, 0);
		snprintf(e->state_code, sizeof(e->state_code), "%s", (const char *)sqlite3_column_text(s, 1));
		e->rounds = sqlite3_column_int(s, 2);
		e->last_at = sqlite3_column_int64(s, 3);
		e->closed = sqlite3_column_int(s, 4);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	return 0;
fail:
	db_error(st, err, "cannot read the ladder");
fail_quiet:
	store_ladder_release(l);
	return -1;
}

void store_ladder_release(struct store_ladder *l)
{
	free(l->pings);
	free(l->states);
	memset(l, 0, sizeof(*l));
}

int store_ping_reminded(struct store *st, int64_t ping_id, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_PING_REMINDED, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, ping_id);
	return stmt_done(st, s, err, "cannot record a reminder");
}

int store_ping_escalated(struct store *st, int64_t ping_id, int round, int64_t now,
			 struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_PING_ESCALATED, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, ping_id);
	sqlite3_bind_int(s, 2, round);
	sqlite3_bind_int64(s, 3, now);
	return stmt_done(st, s, err, "cannot record an escalation");
}

int store_escalation_add(struct store *st, int64_t cycle_id, const char *state, int round,
			 const char *reference, int64_t now, int64_t *id, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_ESCALATION_ADD, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, cycle_id);
	bind_text(s, 2, state);
	sqlite3_bind_int(s, 3, round);
	bind_text(s, 4, reference);
	sqlite3_bind_int64(s, 5, now);
	if (stmt_done(st, s, err, "cannot record an escalation") < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int store_mission_of_state(struct store *st, const char *state, struct contact *c,
			   struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_MISSION_OF_STATE, err);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, state);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		contact_from_row(s, c);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_error(st, err, "cannot look up the Permanent Mission");
}

int store_outbox_link_escalation(struct store *st, const char *message_id, int64_t escalation_id,
				 struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_OUTBOX_ESC_LINK, err);

	if (!s)
		return -1;
	bind_text(s, 1, message_id);
	sqlite3_bind_int64(s, 2, escalation_id);
	return stmt_done(st, s, err, "cannot link the escalation's message");
}

int store_contact_unverified(struct store *st, int64_t contact_id, int64_t now, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_CONTACT_UNVERIFIED, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, contact_id);
	sqlite3_bind_int64(s, 2, now);
	return stmt_done(st, s, err, "cannot flag a contact unverified");
}

int store_cycle_since(struct store *st, int64_t t, struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_CYCLE_SINCE, err);
	int rc, n = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, t);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return db_error(st, err, "cannot read cycles");
	return n > 0;
}

int store_escalation_close(struct store *st, int64_t cycle_id, const char *state, int64_t now,
			   struct strbuf *err)
{
	sqlite3_stmt *s = stmt_get(st, S_ESCALATION_CLOSE, err);

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, cycle_id);
	bind_text(s, 2, state);
	sqlite3_bind_int64(s, 3, now);
	return stmt_done(st, s, err, "cannot close a State's case");
}
