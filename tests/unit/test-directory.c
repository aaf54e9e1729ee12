/*
 * test-directory.c - unit tests of directory.c: import of the interchange
 * format (CSV and JSON), the report of bad rows, re-import and updates
 * with their audit events, export and show
 *
 * The sample directory is read from conf/ under $POCGATE_TOP (tests/run.sh
 * sets it), else under the current directory. Every test uses a fresh store
 * in a temporary directory of its own.
 */
#include <pocgate/directory.h>

#include <jansson.h>

#include <pocgate/iso.h>
#include <pocgate/store.h>
#include <pocgate/xalloc.h>

#include "test.h"

#define SAMPLE_ROWS 68 /* contacts in conf/directory.csv and .json */
#define HEADER "state,role,entity,email,languages\n"
#define FRA_MISSION "FRA,mission,Mission permanente,mission@fra.test,fr;en\n"

static struct iso *iso;

struct fixture {
	char *dir;
	struct store *st;
	struct strbuf problems;
	struct import_result res;
};

static void fixture_open(struct fixture *f)
{
	struct strbuf err = STRBUF_INIT;
	char *path;

	memset(f, 0, sizeof(*f));
	f->dir = test_tmpdir();
	sb_init(&f->problems, 0);
	path = xasprintf("%s/pocgate.db", f->dir);
	if (store_open(path, &f->st, &err) < 0) {
		printf("#   store_open: %s\n", err.buf);
		exit(2);
	}
	free(path);
	sb_release(&err);
}

static void fixture_close(struct fixture *f)
{
	store_close(&f->st);
	sb_release(&f->problems);
	test_tmpdir_remove(f->dir);
}

/* The path of a file of the source tree. Owned by the caller. */
static char *top_path(const char *rel)
{
	const char *top = getenv("POCGATE_TOP");

	return xasprintf("%s/%s", top && *top ? top : ".", rel);
}

/* Writes text to NAME in the fixture's directory; returns the path (owned). */
static char *write_input(struct fixture *f, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", f->dir, name);

	test_write_file(path, text);
	return path;
}

static int import_file(struct fixture *f, const char *path, int dry_run)
{
	struct import_opts opts = { .dry_run = dry_run, .actor = "tester" };

	sb_reset(&f->problems);
	return directory_import(f->st, iso, path, &opts, &f->res, &f->problems);
}

/* Imports text given inline, as the file NAME. */
static int import_text(struct fixture *f, const char *name, const char *text)
{
	char *path = write_input(f, name, text);
	int rc = import_file(f, path, 0);

	free(path);
	return rc;
}

static int count_contact(const struct contact *c, void *ctx)
{
	(void)c;
	++*(int *)ctx;
	return 0;
}

static int contacts_in(struct fixture *f)
{
	struct strbuf err = STRBUF_INIT;
	int n = 0;

	CHECK(store_contact_foreach(f->st, NULL, count_contact, &n, &err) == 0);
	sb_release(&err);
	return n;
}

struct kinds {
	const char *prefix;
	int n;
	char last_details[4096];
	char last_subject[64];
};

static int count_kind(const struct store_event *ev, void *ctx)
{
	struct kinds *k = ctx;

	if (strncmp(ev->kind, k->prefix, strlen(k->prefix)) == 0) {
		k->n++;
		snprintf(k->last_details, sizeof(k->last_details), "%s", ev->details);
		snprintf(k->last_subject, sizeof(k->last_subject), "%s", ev->subject);
	}
	return 0;
}

/* Events whose kind starts with prefix ("" for all). */
static int events_in(struct fixture *f, const char *prefix, struct kinds *out)
{
	struct strbuf err = STRBUF_INIT;
	struct kinds k = { .prefix = prefix };

	CHECK(store_event_foreach(f->st, count_kind, &k, &err) == 0);
	sb_release(&err);
	if (out)
		*out = k;
	return k.n;
}

/* Looks a contact up by identity; 1 when found. */
static int find(struct fixture *f, const char *state, const char *role, const char *key,
		struct contact *c)
{
	struct strbuf err = STRBUF_INIT;
	int rc = store_contact_find(f->st, state, role, key, c, &err);

	sb_release(&err);
	return rc;
}

/* Checks that the problems name exactly the lines and fields in want[]
 * (pairs "LINE field", e.g. "4 state"), each as "PATH:LINE: field: ...". */
static void check_problems(const char *problems, const char *path, const char *const *want,
			   size_t nwant)
{
	size_t plen = strlen(path), lines = 0;

	for (size_t i = 0; i < nwant; i++) {
		unsigned line;
		char field[32], needle[512];
		if (sscanf(want[i], "%u %31s", &line, field) != 2)
			continue;
		snprintf(needle, sizeof(needle), "%s:%u: %s: ", path, line, field);
		CHECK_CONTAINS(problems, needle);
	}
	for (const char *p = problems; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : "") {
		unsigned line;
		int known = 0;
		lines++;
		CHECK(strncmp(p, path, plen) == 0 && p[plen] == ':');
		if (strncmp(p, path, plen) != 0 || sscanf(p + plen, ":%u:", &line) != 1)
			continue;
		for (size_t i = 0; i < nwant; i++)
			known |= (unsigned)atoi(want[i]) == line;
		if (!known)
			printf("#   line %u reported but not bad: %.*s\n", line,
			       (int)strcspn(p, "\n"), p);
		CHECK(known);
	}
	CHECK(lines == nwant);
}

static void csv_sample_imports_with_the_right_counts(void)
{
	struct fixture f;
	char *path = top_path("conf/directory.csv");
	struct strbuf err = STRBUF_INIT;

	fixture_open(&f);
	CHECK(import_file(&f, path, 0) == 0);
	CHECK_STR(f.problems.buf, "");
	CHECK(f.res.rows == SAMPLE_ROWS);
	CHECK(f.res.added == SAMPLE_ROWS);
	CHECK(f.res.updated == 0 && f.res.unchanged == 0);
	CHECK(contacts_in(&f) == SAMPLE_ROWS);
	CHECK(events_in(&f, "directory.add", NULL) == SAMPLE_ROWS);
	CHECK(events_in(&f, "directory.import", NULL) == 1);
	CHECK(store_mission_count(f.st, "EGY", &err) == 1);
	sb_release(&err);
	free(path);
	fixture_close(&f);
}

static void json_sample_imports_with_the_right_counts(void)
{
	struct fixture f;
	char *path = top_path("conf/directory.json");

	fixture_open(&f);
	CHECK(import_file(&f, path, 0) == 0);
	CHECK_STR(f.problems.buf, "");
	CHECK(f.res.rows == SAMPLE_ROWS && f.res.added == SAMPLE_ROWS);
	CHECK(contacts_in(&f) == SAMPLE_ROWS);
	CHECK(events_in(&f, "directory.add", NULL) == SAMPLE_ROWS);
	free(path);
	fixture_close(&f);
}

static void reimport_is_all_unchanged_and_writes_no_contact_events(void)
{
	struct fixture f;
	char *csv = top_path("conf/directory.csv"), *json = top_path("conf/directory.json");
	int events;

	fixture_open(&f);
	CHECK(import_file(&f, csv, 0) == 0);
	events = events_in(&f, "", NULL);
	CHECK(import_file(&f, csv, 0) == 0);
	CHECK(f.res.rows == SAMPLE_ROWS && f.res.unchanged == SAMPLE_ROWS);
	CHECK(f.res.added == 0 && f.res.updated == 0);
	/* the same directory as JSON is the same directory */
	CHECK(import_file(&f, json, 0) == 0);
	CHECK(f.res.unchanged == SAMPLE_ROWS);
	CHECK(contacts_in(&f) == SAMPLE_ROWS);
	CHECK(events_in(&f, "directory.add", NULL) == SAMPLE_ROWS);
	CHECK(events_in(&f, "directory.update", NULL) == 0);
	/* only the two imports themselves are recorded */
	CHECK(events_in(&f, "", NULL) == events + 2);
	free(csv);
	free(json);
	fixture_close(&f);
}

static void changed_field_updates_the_contact_in_place_with_before_and_after(void)
{
	struct fixture f;
	struct contact before = { 0 }, after = { 0 };
	struct kinds k;
	json_t *d;
	char subject[64];

	fixture_open(&f);
	CHECK(import_text(&f, "v1.csv",
			  HEADER FRA_MISSION "FRA,technical,CERT-FR,cert@ssi.fra.test,fr\n") == 0);
	CHECK(find(&f, "FRA", "technical", "cert@ssi.fra.test", &before) == 1);
	CHECK(import_text(&f, "v2.csv",
			  HEADER FRA_MISSION
			  "FRA,technical,ANSSI CERT-FR,Cert@ssi.fra.test,fr;en\n") == 0);
	CHECK(f.res.updated == 1 && f.res.unchanged == 1 && f.res.added == 0);
	CHECK(find(&f, "FRA", "technical", "cert@ssi.fra.test", &after) == 1);
	CHECK(after.id == before.id);
	CHECK_STR(after.entity, "ANSSI CERT-FR");
	CHECK_STR(after.languages, "fr;en");
	CHECK(contacts_in(&f) == 2);

	CHECK(events_in(&f, "directory.update", &k) == 1);
	snprintf(subject, sizeof(subject), "contact %lld", (long long)before.id);
	CHECK_STR(k.last_subject, subject);
	d = json_loads(k.last_details, 0, NULL);
	CHECK(d != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(d, "before"), "entity")),
		  "CERT-FR");
	CHECK_STR(json_string_value(json_object_get(json_object_get(d, "after"), "entity")),
		  "ANSSI CERT-FR");
	CHECK(json_array_size(json_object_get(json_object_get(d, "before"), "languages")) == 1);
	CHECK(json_array_size(json_object_get(json_object_get(d, "after"), "languages")) == 2);
	CHECK(json_integer_value(json_object_get(d, "line")) == 3);
	json_decref(d);
	contact_release(&before);
	contact_release(&after);
	fixture_close(&f);
}

static void bad_rows_are_each_reported_by_line_and_nothing_is_imported(void)
{
	static const char bad[] =
		"state,role,entity,email,languages,fingerprint\n"		/* 1 */
		"FRA,mission,\"Mission permanente de la France\n"		/* 2 */
		"aupr\xc3\xa8s des Nations Unies\",mission@fra.test,fr;en,\n"	/* 3 */
		"XYZ,technical,Nowhere CERT,cert@nowhere.test,en,\n"		/* 4 */
		"FRA,chef,ANSSI,chef@fra.test,fr,\n"				/* 5 */
		"FRA,technical,CERT-FR,not-an-address,fr,\n"			/* 6 */
		"FRA,technical,CERT-FR,\"a@b.test\r\n"				/* 7 */
		"Bcc: x@y.test\",fr,\n"						/* 8 */
		"FRA,technical,CERT-FR,lang@fra.test,xx,\n"			/* 9 */
		"FRA,technical,CERT-FR,fpr@fra.test,fr,NOTAFINGERPRINT\n"	/* 10 */
		"FRA,technical,,empty@fra.test,fr,\n"				/* 11 */
		"DEU,technical,BSI,poc@bsi.test,de;en,\n"			/* 12 */
		"FRA,diplomatic,MEAE,dup@fra.test,fr,\n"			/* 13 */
		"FRA,diplomatic,MEAE bis,DUP@fra.test,fr,\n";			/* 14 */
	static const char *const want[] = { "4 state",	   "5 role",	   "6 email",
					    "7 email",	   "9 languages",  "10 fingerprint",
					    "11 entity",   "12 state",	   "14 email" };
	struct fixture f;
	char *path;
	int contacts, events;

	fixture_open(&f);
	CHECK(import_text(&f, "good.csv", HEADER "GBR,mission,UK Mission,m@gbr.test,en\n") == 0);
	contacts = contacts_in(&f);
	events = events_in(&f, "", NULL);
	CHECK(contacts == 1);
	path = write_input(&f, "bad.csv", bad);
	CHECK(import_file(&f, path, 0) == -1);
	check_problems(f.problems.buf, path, want, sizeof(want) / sizeof(want[0]));
	CHECK_CONTAINS(f.problems.buf, "'XYZ'");
	CHECK_CONTAINS(f.problems.buf, "DEU has no Permanent Mission");
	CHECK_CONTAINS(f.problems.buf, "already given on line 13");
	CHECK(contacts_in(&f) == contacts);
	CHECK(events_in(&f, "", NULL) == events);
	CHECK(f.res.added == 0 && f.res.updated == 0);
	free(path);
	fixture_close(&f);
}

static void blank_required_field_is_reported_as_empty(void)
{
	static const char text[] = HEADER FRA_MISSION		      /* 1, 2 */
		"FRA,technical,\"  \n  \",blank@fra.test,fr\n"	      /* 3, 4 */
		"FRA,technical,CERT-FR,nolang@fra.test, ; \n"	      /* 5 */
		"XYZ,technical,CERT,\" \",fr\n";			      /* 6 */
	static const char *const want[] = { "3 entity", "5 languages", "6 state", "6 email" };
	struct fixture f;
	char *path;

	/* white space only is as empty as nothing: the row is bad, and the
	 * store is never asked to hold a contact without an entity */
	fixture_open(&f);
	path = write_input(&f, "blank.csv", text);
	CHECK(import_file(&f, path, 0) == -1);
	check_problems(f.problems.buf, path, want, sizeof(want) / sizeof(want[0]));
	CHECK(contacts_in(&f) == 0);
	CHECK(events_in(&f, "", NULL) == 0);
	free(path);
	fixture_close(&f);
}

static void unknown_column_in_the_header_is_an_error(void)
{
	struct fixture f;
	char *path;

	fixture_open(&f);
	path = write_input(&f, "colour.csv",
			   "state,role,entity,email,languages,colour\n"
			   "FRA,mission,Mission permanente,mission@fra.test,fr,blue\n");
	CHECK(import_file(&f, path, 0) == -1);
	CHECK_CONTAINS(f.problems.buf, "colour.csv:1: header: unknown column 'colour'");
	CHECK(contacts_in(&f) == 0);
	free(path);
	fixture_close(&f);
}

static void missing_required_column_in_the_header_is_an_error(void)
{
	struct fixture f;

	fixture_open(&f);
	CHECK(import_text(&f, "nolang.csv",
			  "state,role,entity,email\n"
			  "FRA,mission,Mission permanente,mission@fra.test\n") == -1);
	CHECK_CONTAINS(f.problems.buf, ":1: header: required column 'languages' is missing");
	CHECK(contacts_in(&f) == 0);
	fixture_close(&f);
}

static void bom_and_crlf_are_accepted(void)
{
	struct fixture f;
	struct contact c = { 0 };

	fixture_open(&f);
	CHECK(import_text(&f, "bom.csv",
			  "\xef\xbb\xbfstate,role,entity,email,languages\r\n"
			  "FRA,mission,Mission permanente,mission@fra.test,fr;en\r\n"
			  "FRA,technical,\"CERT-FR,\r\nANSSI\",cert@fra.test,fr\r\n") == 0);
	CHECK_STR(f.problems.buf, "");
	CHECK(f.res.added == 2);
	CHECK(find(&f, "FRA", "mission", "mission@fra.test", &c) == 1);
	CHECK_STR(c.languages, "fr;en"); /* no '\r' left at the end of the line */
	contact_release(&c);
	CHECK(find(&f, "FRA", "technical", "cert@fra.test", &c) == 1);
	CHECK_STR(c.entity, "CERT-FR, ANSSI");
	CHECK_STR(c.languages, "fr");
	contact_release(&c);
	fixture_close(&f);
}

static void json_arrays_are_joined_like_csv_lists(void)
{
	struct fixture f;
	struct contact c = { 0 };

	fixture_open(&f);
	CHECK(import_text(&f, "arrays.json",
			  "[{\"state\": \"FRA\", \"role\": \"mission\", \"entity\": \"Mission\","
			  "  \"email\": [\"mission@fra.test\", \"backup@fra.test\"],"
			  "  \"phone\": [\"+1 212 555 0100\", \"+1 212 555 0101\"],"
			  "  \"languages\": [\"fr\", \"en\"],"
			  "  \"id\": 12, \"state_name\": \"France\"},"
			  " {\"state\": \"FRA\", \"role\": \"technical\", \"entity\": \"CERT-FR\","
			  "  \"email\": \"cert@fra.test;cert2@fra.test\", \"languages\": \"fr\","
			  "  \"fingerprint\": null}]") == 0);
	CHECK_STR(f.problems.buf, "");
	CHECK(find(&f, "FRA", "mission", "mission@fra.test", &c) == 1);
	CHECK_STR(c.email, "mission@fra.test;backup@fra.test");
	CHECK_STR(c.phone, "+1 212 555 0100;+1 212 555 0101");
	CHECK_STR(c.languages, "fr;en");
	CHECK_STR(c.entry_language, "fr");
	CHECK(c.id != 12); /* a read-only column is ignored */
	contact_release(&c);
	CHECK(find(&f, "FRA", "technical", "cert@fra.test", &c) == 1);
	CHECK_STR(c.email, "cert@fra.test;cert2@fra.test");
	CHECK(c.fingerprint == NULL);
	contact_release(&c);
	fixture_close(&f);
}

static void json_bad_objects_are_named_by_line(void)
{
	static const char text[] =
		"[\n"									/* 1 */
		"  {\"state\": \"FRA\", \"role\": \"mission\", \"entity\": \"M\",\n"	/* 2 */
		"   \"email\": [\"m@fra.test\"], \"languages\": [\"fr\"]},\n"		/* 3 */
		"  {\"state\": \"FRA\", \"role\": \"technical\",\n"			/* 4 */
		"   \"entity\": \"CERT {\\\"FR\\\"} [x]\",\n"				/* 5 */
		"   \"email\": \"bad address\", \"languages\": [\"fr\"]},\n"		/* 6 */
		"  {\"state\": \"FRA\", \"role\": \"technical\", \"entity\": \"X\",\n"	/* 7 */
		"   \"email\": \"x@fra.test\", \"languages\": [\"fr\", 7]},\n"		/* 8 */
		"  {\"state\": \"FRA\", \"role\": \"technical\", \"entity\": \"Y\",\n"	/* 9 */
		"   \"email\": \"y@fra.test\", \"languages\": \"fr\", \"colour\": 1},\n" /* 10 */
		"  \"not an object\",\n"						/* 11 */
		"  {\"state\": \"FRA\", \"role\": \"chef\", \"entity\": \"Z\",\n"	/* 12 */
		"   \"email\": \"z@fra.test\", \"languages\": \"fr\"}\n"		/* 13 */
		"]\n";
	static const char *const want[] = { "4 email", "7 languages", "9 colour", "11 json",
					    "12 role" };
	struct fixture f;
	char *path;

	fixture_open(&f);
	path = write_input(&f, "bad.json", text);
	CHECK(import_file(&f, path, 0) == -1);
	check_problems(f.problems.buf, path, want, sizeof(want) / sizeof(want[0]));
	CHECK(contacts_in(&f) == 0);
	CHECK(events_in(&f, "", NULL) == 0);
	free(path);
	fixture_close(&f);
}

static void malformed_json_is_reported_with_its_line(void)
{
	struct fixture f;

	fixture_open(&f);
	CHECK(import_text(&f, "broken.json", "[\n  {\"state\": \"FRA\",\n  \"role\": }\n]\n") ==
	      -1);
	CHECK_CONTAINS(f.problems.buf, "broken.json:3: json: ");
	CHECK(contacts_in(&f) == 0);
	fixture_close(&f);
}

static void dry_run_writes_nothing(void)
{
	struct fixture f;
	char *path = top_path("conf/directory.csv");

	fixture_open(&f);
	CHECK(import_file(&f, path, 1) == 0);
	CHECK_STR(f.problems.buf, "");
	CHECK(f.res.rows == SAMPLE_ROWS);
	CHECK(contacts_in(&f) == 0);
	CHECK(events_in(&f, "", NULL) == 0);
	free(path);
	fixture_close(&f);
}

static void entity_with_embedded_newline_is_folded_to_one_line(void)
{
	struct fixture f;
	struct contact c = { 0 };

	fixture_open(&f);
	CHECK(import_text(&f, "nl.csv",
			  HEADER "FRA,mission,\"  Mission permanente\n\tde la France  \r\n"
				 "aupr\xc3\xa8s de l'ONU\",mission@fra.test,fr\n") == 0);
	CHECK(find(&f, "FRA", "mission", "mission@fra.test", &c) == 1);
	CHECK_STR(c.entity, "Mission permanente de la France aupr\xc3\xa8s de l'ONU");
	contact_release(&c);
	fixture_close(&f);
}

static void pocs_of_a_state_whose_mission_is_stored_need_no_mission_row(void)
{
	struct fixture f;

	fixture_open(&f);
	CHECK(import_text(&f, "m.csv", HEADER FRA_MISSION) == 0);
	CHECK(import_text(&f, "p.csv", HEADER "FRA,technical,CERT-FR,cert@fra.test,fr\n") == 0);
	CHECK_STR(f.problems.buf, "");
	CHECK(f.res.added == 1);
	CHECK(contacts_in(&f) == 2);
	fixture_close(&f);
}

/* The export as a string (owned). */
static char *export_text(struct store *st, const char *state, enum export_format fmt, int *rc)
{
	struct strbuf err = STRBUF_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	*rc = directory_export(st, state, fmt, out, &err);
	fclose(out);
	sb_release(&err);
	return buf;
}

/* Each line of a CSV export without its first column (the store's ids). */
static char *without_ids(const char *csv)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = csv; *p;) {
		const char *comma = strchr(p, ','), *nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (comma && comma < nl)
			p = comma + 1;
		sb_add(&sb, p, (size_t)(nl - p) + (*nl ? 1 : 0));
		p = *nl ? nl + 1 : nl;
	}
	return sb_detach(&sb, NULL);
}

static void csv_export_round_trips(void)
{
	struct fixture a, b;
	char *sample = top_path("conf/directory.csv"), *path, *first, *second, *third;
	char *f1, *f2;
	int rc = -1;

	fixture_open(&a);
	fixture_open(&b);
	CHECK(import_file(&a, sample, 0) == 0);
	first = export_text(a.st, NULL, EXPORT_CSV, &rc);
	CHECK(rc == 0);
	path = write_input(&b, "export.csv", first);
	CHECK(import_file(&b, path, 0) == 0);
	CHECK_STR(b.problems.buf, "");
	CHECK(b.res.added == SAMPLE_ROWS);
	second = export_text(b.st, NULL, EXPORT_CSV, &rc);
	/* a fresh store numbers its contacts in the order it meets them, so
	 * only the id column may differ from the first export */
	f1 = without_ids(first);
	f2 = without_ids(second);
	CHECK_STR(f2, f1);
	/* importing the export again changes nothing, ids included */
	CHECK(import_file(&b, path, 0) == 0);
	CHECK(b.res.unchanged == SAMPLE_ROWS);
	third = export_text(b.st, NULL, EXPORT_CSV, &rc);
	CHECK_STR(third, second);
	CHECK(strncmp(first, "id,state,role,entity,", 21) == 0);
	free(sample);
	free(path);
	free(first);
	free(second);
	free(third);
	free(f1);
	free(f2);
	fixture_close(&a);
	fixture_close(&b);
}

static void csv_export_of_the_import_of_an_export_is_identical(void)
{
	struct fixture a, b, c;
	char *sample = top_path("conf/directory.csv"), *pb, *pc, *first, *second, *third;
	int rc = -1;

	/* once the rows are in export order, a fresh store gives every
	 * contact the same id, and the export is byte for byte the same */
	fixture_open(&a);
	fixture_open(&b);
	fixture_open(&c);
	CHECK(import_file(&a, sample, 0) == 0);
	first = export_text(a.st, NULL, EXPORT_CSV, &rc);
	pb = write_input(&b, "first.csv", first);
	CHECK(import_file(&b, pb, 0) == 0);
	second = export_text(b.st, NULL, EXPORT_CSV, &rc);
	pc = write_input(&c, "second.csv", second);
	CHECK(import_file(&c, pc, 0) == 0);
	third = export_text(c.st, NULL, EXPORT_CSV, &rc);
	CHECK(rc == 0);
	CHECK(third && second && strcmp(third, second) == 0);
	free(sample);
	free(pb);
	free(pc);
	free(first);
	free(second);
	free(third);
	fixture_close(&a);
	fixture_close(&b);
	fixture_close(&c);
}

static void json_export_parses_with_every_contact(void)
{
	struct fixture f;
	char *sample = top_path("conf/directory.csv"), *text;
	json_error_t jerr;
	json_t *root, *first;
	int rc = -1;

	fixture_open(&f);
	CHECK(import_file(&f, sample, 0) == 0);
	text = export_text(f.st, NULL, EXPORT_JSON, &rc);
	CHECK(rc == 0);
	root = json_loads(text, 0, &jerr);
	CHECK(root != NULL);
	CHECK(json_is_array(root) && json_array_size(root) == SAMPLE_ROWS);
	first = json_array_get(root, 0);
	CHECK(json_integer_value(json_object_get(first, "id")) > 0);
	CHECK(json_is_string(json_object_get(first, "state_name")));
	CHECK(json_is_array(json_object_get(first, "email")));
	CHECK(json_is_array(json_object_get(first, "languages")));
	json_decref(root);
	free(text);
	free(sample);
	fixture_close(&f);
}

static void json_export_imports_back_unchanged(void)
{
	struct fixture f;
	char *sample = top_path("conf/directory.csv"), *text, *path;
	int rc = -1;

	fixture_open(&f);
	CHECK(import_file(&f, sample, 0) == 0);
	text = export_text(f.st, NULL, EXPORT_JSON, &rc);
	path = write_input(&f, "export.json", text);
	CHECK(import_file(&f, path, 0) == 0);
	CHECK_STR(f.problems.buf, "");
	CHECK(f.res.unchanged == SAMPLE_ROWS);
	free(path);
	free(text);
	free(sample);
	fixture_close(&f);
}

static void export_of_one_state_holds_only_its_contacts(void)
{
	struct fixture f;
	char *sample = top_path("conf/directory.csv"), *text;
	int rc = -1, lines = 0;

	fixture_open(&f);
	CHECK(import_file(&f, sample, 0) == 0);
	text = export_text(f.st, "FRA", EXPORT_CSV, &rc);
	CHECK(rc == 0);
	for (const char *p = text; p && (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	CHECK(lines == 1 + 3); /* header, diplomatic, technical, mission */
	CHECK_CONTAINS(text, ",FRA,diplomatic,");
	CHECK_CONTAINS(text, ",FRA,mission,");
	CHECK(strstr(text, ",EGY,") == NULL);
	free(text);
	text = export_text(f.st, "ZZZ", EXPORT_CSV, &rc);
	CHECK(rc == -1);
	free(text);
	free(sample);
	fixture_close(&f);
}

static void show_lists_a_state_with_its_contacts(void)
{
	struct fixture f;
	struct strbuf err = STRBUF_INIT;
	char *sample = top_path("conf/directory.csv"), *buf = NULL;
	size_t len = 0;
	FILE *out;

	fixture_open(&f);
	CHECK(import_file(&f, sample, 0) == 0);
	out = open_memstream(&buf, &len);
	CHECK(directory_show(f.st, "fra", out, &err) == 0);
	fclose(out);
	CHECK(strncmp(buf, "FRA  France\n", 12) == 0);
	CHECK_CONTAINS(buf, "Diplomatic contact ");
	CHECK_CONTAINS(buf, "Technical contact ");
	CHECK_CONTAINS(buf, "Permanent Mission contact ");
	free(buf);
	sb_release(&err);
	free(sample);
	fixture_close(&f);
}

static void show_of_a_missing_state_is_an_error(void)
{
	struct fixture f;
	struct strbuf err = STRBUF_INIT;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	fixture_open(&f);
	CHECK(import_text(&f, "m.csv", HEADER FRA_MISSION) == 0);
	out = open_memstream(&buf, &len);
	CHECK(directory_show(f.st, "DEU", out, &err) == -1);
	CHECK_CONTAINS(err.buf, "no contacts for State 'DEU'");
	CHECK(directory_show(f.st, "FRANCE", out, &err) == -1);
	CHECK_CONTAINS(err.buf, "'FRANCE' is not an ISO 3166-1 alpha-3 code");
	fclose(out);
	CHECK(len == 0);
	free(buf);
	sb_release(&err);
	fixture_close(&f);
}

static void missing_file_is_reported_as_unreadable(void)
{
	struct fixture f;
	char *path;

	fixture_open(&f);
	path = xasprintf("%s/nothing-here.csv", f.dir);
	CHECK(import_file(&f, path, 0) == -1);
	CHECK_CONTAINS(f.problems.buf, "nothing-here.csv:0: file: cannot read");
	free(path);
	fixture_close(&f);
}

static void unclosed_quote_is_reported_at_its_line(void)
{
	struct fixture f;

	fixture_open(&f);
	CHECK(import_text(&f, "open.csv",
			  HEADER FRA_MISSION "FRA,technical,\"CERT-FR,cert@fra.test,fr\n") == -1);
	CHECK_CONTAINS(f.problems.buf, "open.csv:3: row: quoted field opened on line 3");
	CHECK(contacts_in(&f) == 0);
	fixture_close(&f);
}

int main(void)
{
	struct strbuf err = STRBUF_INIT;

	if (iso_load(NULL, &iso, &err) < 0) {
		printf("not ok - iso_load: %s\n", err.buf);
		sb_release(&err);
		return 1;
	}
	RUN(csv_sample_imports_with_the_right_counts);
	RUN(json_sample_imports_with_the_right_counts);
	RUN(reimport_is_all_unchanged_and_writes_no_contact_events);
	RUN(changed_field_updates_the_contact_in_place_with_before_and_after);
	RUN(bad_rows_are_each_reported_by_line_and_nothing_is_imported);
	RUN(blank_required_field_is_reported_as_empty);
	RUN(unknown_column_in_the_header_is_an_error);
	RUN(missing_required_column_in_the_header_is_an_error);
	RUN(bom_and_crlf_are_accepted);
	RUN(json_arrays_are_joined_like_csv_lists);
	RUN(json_bad_objects_are_named_by_line);
	RUN(malformed_json_is_reported_with_its_line);
	RUN(dry_run_writes_nothing);
	RUN(entity_with_embedded_newline_is_folded_to_one_line);
	RUN(pocs_of_a_state_whose_mission_is_stored_need_no_mission_row);
	RUN(csv_export_round_trips);
	RUN(csv_export_of_the_import_of_an_export_is_identical);
	RUN(json_export_parses_with_every_contact);
	RUN(json_export_imports_back_unchanged);
	RUN(export_of_one_state_holds_only_its_contacts);
	RUN(show_lists_a_state_with_its_contacts);
	RUN(show_of_a_missing_state_is_an_error);
	RUN(missing_file_is_reported_as_unreadable);
	RUN(unclosed_quote_is_reported_at_its_line);
	iso_free(&iso);
	sb_release(&err);
	TEST_EXIT();
}
