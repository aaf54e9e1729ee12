/*
 * NAME
 *	directory - contacts, the interchange format, import and export
 * SYNOPSIS
 *	#include <pocgate/directory.h>
 *	directory_import(), directory_export(), directory_show(),
 *	contact_role_name(), contact_role_parse(), contact_release(),
 *	contact_email_key(), contact_to_json(), export_format_parse()
 * DESCRIPTION
 *	Import runs in three steps, so that a bad file changes nothing:
 *	parse (CSV or JSON) into raw rows that remember their line; check each
 *	row into a struct contact (dir_check_row(), no I/O), then the rows
 *	together (duplicates, a Permanent Mission for every State); and only
 *	when nothing is wrong, write all rows in one transaction, each change
 *	with an audit event holding the contact before and after.
 *
 *	Single-line text fields have their white space (tabs, line breaks)
 *	folded into single spaces: an entity name spread over two lines of a
 *	spreadsheet cell is one name.
 * DIAGNOSTICS
 *	"FILE:LINE: field: problem", one line per problem, every problem.
 * SECURITY
 *	Directory files come from States and other tools. Every field is
 *	checked for UTF-8 and control characters and bounded in length before
 *	it is stored; addresses are checked (addr_check()) so that nothing that
 *	can break a mail header reaches the store.
 */
#include <pocgate/directory.h>

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <pocgate/addr.h>
#include <pocgate/csv.h>
#include <pocgate/iso.h>
#include <pocgate/log.h>
#include <pocgate/store.h>
#include <pocgate/timeutil.h>
#include <pocgate/xalloc.h>

#define FIELD_MAX 1024		/* bytes of one text field */
#define LIST_MAX 16		/* entries of a ';' list */

static const char *const role_names[] = {
	[ROLE_DIPLOMATIC] = "diplomatic",
	[ROLE_TECHNICAL] = "technical",
	[ROLE_MISSION] = "mission",
};

const char *contact_role_name(enum contact_role role)
{
	return role_names[role];
}

int contact_role_parse(const char *s, enum contact_role *role)
{
	for (size_t i = 0; s && i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(s, role_names[i]) == 0) {
			*role = (enum contact_role)i;
			return 0;
		}
	return -1;
}

void contact_release(struct contact *c)
{
	free(c->state);
	free(c->state_name);
	free(c->entity);
	free(c->entity_en);
	free(c->name);
	free(c->designation);
	free(c->email);
	free(c->phone);
	free(c->languages);
	free(c->entry_language);
	free(c->fingerprint);
	memset(c, 0, sizeof(*c));
}

char *contact_email_key(const struct contact *c)
{
	size_t n = strcspn(c->email, ";");
	char *k = xstrndup(c->email, n);

	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

/* The columns of the interchange format, in export order. */
enum col {
	C_ID, C_STATE, C_ROLE, C_ENTITY, C_ENTITY_EN, C_NAME, C_DESIGNATION, C_EMAIL, C_PHONE,
	C_LANGUAGES, C_ENTRY_LANGUAGE, C_FINGERPRINT, C_STATE_NAME, C_VERIFIED_AT,
	C_UNVERIFIED_SINCE, NCOLS
};

static const struct column {
	const char *name;
	int required;
	int readonly;	/* written by export; accepted and ignored by import */
	int list;	/* ';'-separated; a JSON array is accepted too */
} columns[NCOLS] = {
	[C_ID] = { "id", 0, 1, 0 },
	[C_STATE] = { "state", 1, 0, 0 },
	[C_ROLE] = { "role", 1, 0, 0 },
	[C_ENTITY] = { "entity", 1, 0, 0 },
	[C_ENTITY_EN] = { "entity_en", 0, 0, 0 },
	[C_NAME] = { "name", 0, 0, 0 },
	[C_DESIGNATION] = { "designation", 0, 0, 0 },
	[C_EMAIL] = { "email", 1, 0, 1 },
	[C_PHONE] = { "phone", 0, 0, 1 },
	[C_LANGUAGES] = { "languages", 1, 0, 1 },
	[C_ENTRY_LANGUAGE] = { "entry_language", 0, 0, 0 },
	[C_FINGERPRINT] = { "fingerprint", 0, 0, 0 },
	[C_STATE_NAME] = { "state_name", 0, 1, 0 },
	[C_VERIFIED_AT] = { "verified_at", 0, 1, 0 },
	[C_UNVERIFIED_SINCE] = { "unverified_since", 0, 1, 0 },
};

static int column_find(const char *name)
{
	for (int i = 0; i < NCOLS; i++)
		if (strcmp(columns[i].name, name) == 0)
			return i;
	return -1;
}

/* One row as read, before checking. */
struct raw_row {
	unsigned line;
	char *v[NCOLS];	/* owned; NULL when absent or empty */
};

struct rows {
	struct raw_row *v;	/* owned */
	size_t n, alloc;
};

static struct raw_row *rows_add(struct rows *rows, unsigned line)
{
	if (rows->n == rows->alloc) {
		rows->alloc = rows->alloc ? rows->alloc * 2 : 256;
		rows->v = xreallocarray(rows->v, rows->alloc, sizeof(*rows->v));
	}
	memset(&rows->v[rows->n], 0, sizeof(rows->v[0]));
	rows->v[rows->n].line = line;
	return &rows->v[rows->n++];
}

static void rows_release(struct rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		for (int c = 0; c < NCOLS; c++)
			free(rows->v[i].v[c]);
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

struct report {
	const char *path;
	struct strbuf *out;
	unsigned n;
};

static void report(struct report *rp, unsigned line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct report *rp, unsigned line, const char *field, const char *fmt, ...)
{
	va_list ap;

	sb_addf(rp->out, "%s:%u: %s: ", rp->path, line, field);
	va_start(ap, fmt);
	sb_vaddf(rp->out, fmt, ap);
	va_end(ap);
	sb_addch(rp->out, '\n');
	rp->n++;
}

/* ---- parsing ---- */

static int parse_csv(const char *buf, size_t len, struct rows *rows, struct report *rp)
{
	struct csv_reader r;
	struct csv_record rec = { 0 };
	struct strbuf why = STRBUF_INIT;
	int map[64], ncol, rc;

	csv_reader_init(&r, buf, len);
	rc = csv_read(&r, &rec, &why);
	if (rc <= 0) {
		report(rp, rc < 0 ? rec.line : 1, "header", "%s",
		       rc < 0 ? why.buf : "the file is empty: a header line is required");
		goto out;
	}
	ncol = (int)rec.n;
	if (ncol > 64) {
		report(rp, rec.line, "header", "%d columns; the format has %d", ncol, NCOLS);
		goto out;
	}
	for (int i = 0; i < ncol; i++) {
		sb_trim(&rec.fields[i]);
		const char *nm = rec.fields[i].buf;
		map[i] = column_find(nm);
		if (map[i] < 0) {
			report(rp, rec.line, "header", "unknown column '%s'", nm);
			continue;
		}
		for (int j = 0; j < i; j++)
			if (map[j] == map[i])
				report(rp, rec.line, "header", "column '%s' appears twice", nm);
	}
	for (int c = 0; c < NCOLS; c++) {
		int found = 0;
		for (int i = 0; i < ncol; i++)
			found |= map[i] == c;
		if (columns[c].required && !found)
			report(rp, rec.line, "header", "required column '%s' is missing", columns[c].name);
	}
	if (rp->n)
		goto out;
	for (;;) {
		sb_reset(&why);
		rc = csv_read(&r, &rec, &why);
		if (rc == 0)
			break;
		if (rc < 0) {
			report(rp, rec.line, "row", "%s", why.buf);
			continue;
		}
		if ((int)rec.n != ncol) {
			report(rp, rec.line, "row", "%zu fields, the header has %d", rec.n, ncol);
			continue;
		}
		struct raw_row *row = rows_add(rows, rec.line);
		for (int i = 0; i < ncol; i++)
			if (rec.fields[i].len)
				row->v[map[i]] = xstrdup(rec.fields[i].buf);
		/* an embedded NUL would hide the rest of a field */
		for (int i = 0; i < ncol; i++)
			if (strlen(rec.fields[i].buf) != rec.fields[i].len)
				report(rp, rec.line, columns[map[i]].name, "contains a NUL byte");
	}
out:
	csv_record_release(&rec);
	sb_release(&why);
	return rp->n ? -1 : 0;
}

/* Finds the line on which each element of the top-level array starts, by
 * scanning the text (jansson keeps no positions). lines[] gets at most max
 * entries; returns how many elements were seen. */
static size_t json_element_lines(const char *b, size_t len, unsigned *lines, size_t max)
{
	unsigned line = 1;
	int depth = 0, in_str = 0;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = b[i];
		if (c == '\n')
			line++;
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			/* a string element: counted, or every later line is off by one */
			if (depth == 1 && n < max)
				lines[n++] = line;
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (depth == 1 && n < max)
				lines[n++] = line;
			depth++;
		} else if (c == ']' || c == '}') {
			depth--;
		} else if (depth == 1 && !isspace((unsigned char)c) && c != ',') {
			/* a scalar element: count it once, at its first byte */
			if (n < max && (i == 0 || b[i - 1] == ',' || b[i - 1] == '[' ||
					isspace((unsigned char)b[i - 1])))
				lines[n++] = line;
			while (i + 1 < len && !strchr(",]} \t\r\n", b[i + 1]))
				i++;
		}
	}
	return n;
}

static int parse_json(const char *buf, size_t len, struct rows *rows, struct report *rp)
{
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr), *obj;
	unsigned *lines = NULL;
	size_t i;

	if (!root) {
		report(rp, (unsigned)(jerr.line > 0 ? jerr.line : 1), "json", "%s", jerr.text);
		return -1;
	}
	if (!json_is_array(root)) {
		report(rp, 1, "json", "the file must hold an array of objects");
		goto out;
	}
	lines = xcalloc(json_array_size(root) + 1, sizeof(*lines));
	json_element_lines(buf, len, lines, json_array_size(root));
	json_array_foreach(root, i, obj) {
		unsigned line = lines[i] ? lines[i] : 1;
		const char *key;
		json_t *val;

		if (!json_is_object(obj)) {
			report(rp, line, "json", "element %zu is not an object", i + 1);
			continue;
		}
		struct raw_row *row = rows_add(rows, line);
		json_object_foreach(obj, key, val) {
			int c = column_find(key);
			struct strbuf v = STRBUF_INIT;
			if (c < 0) {
				report(rp, line, key, "unknown field");
				continue;
			}
			if (json_is_null(val))
				continue;
			if (json_is_array(val) && columns[c].list) {
				size_t k;
				json_t *e;
				json_array_foreach(val, k, e) {
					if (!json_is_string(e)) {
						report(rp, line, key, "element %zu is not a string", k + 1);
						break;
					}
					if (v.len)
						sb_addch(&v, ';');
					sb_add(&v, json_string_value(e), json_string_length(e));
				}
			} else if (json_is_string(val)) {
				sb_add(&v, json_string_value(val), json_string_length(val));
			} else if (json_is_integer(val) && columns[c].readonly) {
				sb_addf(&v, "%lld", (long long)json_integer_value(val));
			} else {
				report(rp, line, key, "must be a string%s",
				       columns[c].list ? " or an array of strings" : "");
			}
			if (strlen(v.buf) != v.len)
				report(rp, line, key, "contains a NUL character");
			if (v.len)
				row->v[c] = sb_detach(&v, NULL);
			sb_release(&v);
		}
	}
out:
	free(lines);
	json_decref(root);
	return rp->n ? -1 : 0;
}

/* ---- checking ---- */

/* Folds white space runs into one space and trims; refuses control
 * characters and bad UTF-8. Returns a new string or NULL (reported). */
static char *clean_text(struct report *rp, unsigned line, const char *field, const char *v)
{
	struct strbuf sb = STRBUF_INIT;
	const char *why = utf8_check(v, "\t\r\n");
	int space = 0;

	if (why) {
		report(rp, line, field, "%s", why);
		return NULL;
	}
	for (const char *p = v; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			space = sb.len > 0;
			continue;
		}
		if (space)
			sb_addch(&sb, ' ');
		space = 0;
		sb_addch(&sb, *p);
	}
	if (sb.len > FIELD_MAX) {
		report(rp, line, field, "longer than %d bytes", FIELD_MAX);
		sb_release(&sb);
		return NULL;
	}
	if (!sb.len) {
		sb_release(&sb);
		return NULL;
	}
	return sb_detach(&sb, NULL);
}

/* Splits a ';' list, checks each item with check() (which may rewrite it
 * in place and returns NULL or a reason) and joins the items again. */
static char *clean_list(struct report *rp, unsigned line, const char *field, const char *v,
			const char *(*check)(char *item, const void *ctx), const void *ctx)
{
	char *copy = clean_text(rp, line, field, v), *save = NULL, *item;
	struct strbuf out = STRBUF_INIT;
	int n = 0, bad = 0;

	if (!copy)
		return NULL;
	for (item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		while (*item == ' ')
			item++;
		size_t l = strlen(item);
		while (l && item[l - 1] == ' ')
			item[--l] = '\0';
		if (!l)
			continue;
		const char *why = check(item, ctx);
		if (why) {
			report(rp, line, field, "'%s': %s", item, why);
			bad = 1;
			continue;
		}
		if (++n > LIST_MAX) {
			report(rp, line, field, "more than %d entries", LIST_MAX);
			bad = 1;
			break;
		}
		if (out.len)
			sb_addch(&out, ';');
		sb_addstr(&out, item);
	}
	free(copy);
	if (bad || !out.len) {
		sb_release(&out);
		return NULL;
	}
	return sb_detach(&out, NULL);
}

static const char *check_email(char *item, const void *ctx)
{
	(void)ctx;
	return addr_check(item);
}

static const char *check_phone(char *item, const void *ctx)
{
	int digits = 0;

	(void)ctx;
	for (const char *p = item; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (strncmp(p, "ext", 3) == 0)
			p += 2;
		else if (!strchr(" +-()./", *p))
			return "not a telephone number (digits, spaces, + - ( ) . / and ext)";
	}
	return digits >= 3 ? NULL : "not a telephone number (too few digits)";
}

static const char *check_language(char *item, const void *ctx)
{
	for (char *p = item; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strlen(item) != 2 || !iso_language_name(ctx, item))
		return "not an ISO 639-1 language code";
	return NULL;
}

/*
 * Checks one raw row into *c. Every problem is reported; returns 0 when
 * the row is good. Pure: reads only the row and the iso-codes data.
 */
static int dir_check_row(const struct raw_row *row, const struct iso *iso, struct contact *c,
			 struct report *rp)
{
	unsigned before = rp->n, line = row->line;
	const char *const *v = (const char *const *)row->v;

	memset(c, 0, sizeof(*c));
	c->line = line;
	for (int i = 0; i < NCOLS; i++)
		if (columns[i].required && !v[i])
			report(rp, line, columns[i].name, "required, but empty");

	if (v[C_STATE]) {
		char code[4] = "";
		size_t l = strlen(v[C_STATE]);
		for (size_t i = 0; i < 3 && i < l; i++)
			code[i] = (char)toupper((unsigned char)v[C_STATE][i]);
		const char *nm = l == 3 ? iso_country_name(iso, code) : NULL;
		if (!nm) {
			report(rp, line, "state", "'%s' is not an ISO 3166-1 alpha-3 code", v[C_STATE]);
		} else {
			c->state = xstrdup(code);
			c->state_name = xstrdup(nm);
		}
	}
	if (v[C_ROLE] && contact_role_parse(v[C_ROLE], &c->role) < 0)
		report(rp, line, "role", "'%s' is not diplomatic, technical or mission", v[C_ROLE]);

	if (v[C_ENTITY]) {
		unsigned n = rp->n;
		c->entity = clean_text(rp, line, "entity", v[C_ENTITY]);
		if (!c->entity && rp->n == n) /* white space only */
			report(rp, line, "entity", "required, but empty");
	}
	if (v[C_ENTITY_EN])
		c->entity_en = clean_text(rp, line, "entity_en", v[C_ENTITY_EN]);
	if (v[C_NAME])
		c->name = clean_text(rp, line, "name", v[C_NAME]);
	if (v[C_DESIGNATION])
		c->designation = clean_text(rp, line, "designation", v[C_DESIGNATION]);
	if (v[C_EMAIL]) {
		unsigned n = rp->n;
		c->email = clean_list(rp, line, "email", v[C_EMAIL], check_email, NULL);
		if (!c->email && rp->n == n)
			report(rp, line, "email", "no address");
	}
	if (v[C_PHONE])
		c->phone = clean_list(rp, line, "phone", v[C_PHONE], check_phone, NULL);
	if (v[C_LANGUAGES]) {
		unsigned n = rp->n;
		c->languages = clean_list(rp, line, "languages", v[C_LANGUAGES], check_language, iso);
		if (!c->languages && rp->n == n)
			report(rp, line, "languages", "no language");
	}

	if (v[C_ENTRY_LANGUAGE]) {
		char lang[3] = "";
		if (strlen(v[C_ENTRY_LANGUAGE]) == 2) {
			lang[0] = (char)tolower((unsigned char)v[C_ENTRY_LANGUAGE][0]);
			lang[1] = (char)tolower((unsigned char)v[C_ENTRY_LANGUAGE][1]);
		}
		if (!iso_un_language(lang))
			report(rp, line, "entry_language",
			       "'%s' is not a UN official language (ar, zh, en, fr, ru, es)",
			       v[C_ENTRY_LANGUAGE]);
		else
			c->entry_language = xstrdup(lang);
	} else if (c->languages) {
		/* the first operational language that is a UN official one */
		char *copy = xstrdup(c->languages), *save = NULL;
		for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save))
			if (iso_un_language(t)) {
				c->entry_language = xstrdup(t);
				break;
			}
		free(copy);
		if (!c->entry_language)
			report(rp, line, "entry_language",
			       "missing, and no UN official language among the languages");
	}

	if (v[C_FINGERPRINT]) {
		struct strbuf fpr = STRBUF_INIT;
		int ok = 1;
		for (const char *p = v[C_FINGERPRINT]; *p; p++) {
			if (*p == ' ')
				continue;
			if (!isxdigit((unsigned char)*p))
				ok = 0;
			sb_addch(&fpr, (char)toupper((unsigned char)*p));
		}
		if (!ok || fpr.len != 40)
			report(rp, line, "fingerprint", "'%s' is not an OpenPGP fingerprint of 40 hex digits",
			       v[C_FINGERPRINT]);
		else
			c->fingerprint = sb_detach(&fpr, NULL);
		sb_release(&fpr);
	}
	if (rp->n != before) {
		contact_release(c);
		return -1;
	}
	return 0;
}

/* ---- JSON of a contact ---- */

static json_t *list_json(const char *v)
{
	json_t *a = json_array();
	char *copy, *save = NULL;

	if (!v)
		return a;
	copy = xstrdup(v);
	for (char *t = strtok_r(copy, ";", &save); t; t = strtok_r(NULL, ";", &save))
		json_array_append_new(a, json_string(t));
	free(copy);
	return a;
}

static void set_opt(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static json_t *contact_json(const struct contact *c, int with_readonly)
{
	json_t *o = json_object();
	char t[32];

	if (with_readonly)
		json_object_set_new(o, "id", json_integer(c->id));
	set_opt(o, "state", c->state);
	if (with_readonly)
		set_opt(o, "state_name", c->state_name);
	set_opt(o, "role", contact_role_name(c->role));
	set_opt(o, "entity", c->entity);
	set_opt(o, "entity_en", c->entity_en);
	set_opt(o, "name", c->name);
	set_opt(o, "designation", c->designation);
	json_object_set_new(o, "email", list_json(c->email));
	if (c->phone)
		json_object_set_new(o, "phone", list_json(c->phone));
	json_object_set_new(o, "languages", list_json(c->languages));
	set_opt(o, "entry_language", c->entry_language);
	set_opt(o, "fingerprint", c->fingerprint);
	if (with_readonly && c->verified_at) {
		utc_format(c->verified_at, t, sizeof(t));
		set_opt(o, "verified_at", t);
	}
	if (with_readonly && c->unverified_since) {
		utc_format(c->unverified_since, t, sizeof(t));
		set_opt(o, "unverified_since", t);
	}
	return o;
}

void contact_to_json(const struct contact *c, struct strbuf *out, int with_readonly)
{
	json_t *o = contact_json(c, with_readonly);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);

	sb_addstr(out, s);
	free(s);
	json_decref(o);
}

/* ---- import ---- */

static int same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int contact_same(const struct contact *a, const struct contact *b)
{
	return a->role == b->role && same_text(a->state, b->state) &&
	       same_text(a->entity, b->entity) && same_text(a->entity_en, b->entity_en) &&
	       same_text(a->name, b->name) && same_text(a->designation, b->designation) &&
	       same_text(a->email, b->email) && same_text(a->phone, b->phone) &&
	       same_text(a->languages, b->languages) &&
	       same_text(a->entry_language, b->entry_language) &&
	       same_text(a->fingerprint, b->fingerprint);
}

static int identity_cmp(const void *x, const void *y)
{
	const struct contact *a = *(const struct contact *const *)x;
	const struct contact *b = *(const struct contact *const *)y;
	int r = strcmp(a->state, b->state);
	char *ka, *kb;

	if (r)
		return r;
	if (a->role != b->role)
		return (int)a->role - (int)b->role;
	ka = contact_email_key(a);
	kb = contact_email_key(b);
	r = strcmp(ka, kb);
	free(ka);
	free(kb);
	return r ? r : (a->line > b->line) - (a->line < b->line);
}

/* Checks the good rows together: no identity twice, and every State with a
 * Permanent Mission contact (in the file or already in the store). */
static int check_together(struct store *st, struct contact *cs, size_t n, struct report *rp,
			  struct strbuf *err)
{
	struct contact **sorted = xcalloc(n + 1, sizeof(*sorted));
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		sorted[i] = &cs[i];
	qsort(sorted, n, sizeof(*sorted), identity_cmp);
	for (size_t i = 1; i < n; i++) {
		if (identity_cmp(&sorted[i - 1], &sorted[i]) != 0 &&
		    strcmp(sorted[i - 1]->state, sorted[i]->state) == 0 &&
		    sorted[i - 1]->role == sorted[i]->role) {
			char *a = contact_email_key(sorted[i - 1]), *b = contact_email_key(sorted[i]);
			if (strcmp(a, b) == 0)
				report(rp, sorted[i]->line, "email",
				       "%s %s contact '%s' already given on line %u", sorted[i]->state,
				       contact_role_name(sorted[i]->role), a, sorted[i - 1]->line);
			free(a);
			free(b);
		}
	}
	for (size_t i = 0; i < n; i++) {
		int has_mission = 0;
		size_t j = i;
		if (i && strcmp(sorted[i - 1]->state, sorted[i]->state) == 0)
			continue;
		for (; j < n && strcmp(sorted[j]->state, sorted[i]->state) == 0; j++)
			has_mission |= sorted[j]->role == ROLE_MISSION;
		if (has_mission)
			continue;
		int stored = store_mission_count(st, sorted[i]->state, err);
		if (stored < 0) {
			rc = -2;
			break;
		}
		if (!stored) {
			unsigned first = sorted[i]->line;
			for (size_t k = i; k < j; k++)
				if (sorted[k]->line < first)
					first = sorted[k]->line;
			report(rp, first, "state",
			       "%s has no Permanent Mission contact (a row with role 'mission')",
			       sorted[i]->state);
		}
	}
	free(sorted);
	return rc;
}

static int audit_change(struct store *st, const char *actor, const char *kind,
			const struct contact *before, const struct contact *after,
			const char *path, struct strbuf *err)
{
	struct strbuf d = STRBUF_INIT;
	char subject[48];
	int rc;

	snprintf(subject, sizeof(subject), "contact %lld", (long long)after->id);
	json_t *file = json_string(path);
	char *fs = json_dumps(file, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	sb_addf(&d, "{\"source\":%s,\"line\":%u,\"before\":", fs, after->line);
	free(fs);
	json_decref(file);
	if (before)
		contact_to_json(before, &d, 0);
	else
		sb_addstr(&d, "null");
	sb_addstr(&d, ",\"after\":");
	contact_to_json(after, &d, 0);
	sb_addch(&d, '}');
	rc = store_event_append(st, utc_now(), actor, kind, subject, d.buf, err);
	sb_release(&d);
	return rc;
}

static int write_all(struct store *st, const struct iso *iso, struct contact *cs, size_t n,
		     const char *path, const struct import_opts *opts, struct import_result *res,
		     struct strbuf *err)
{
	for (size_t i = 0; i < n; i++) {
		struct contact *c = &cs[i], old;
		char *key = contact_email_key(c);
		int found = store_contact_find(st, c->state, contact_role_name(c->role), key, &old, err);

		free(key);
		if (found < 0)
			return -1;
		if (store_state_put(st, c->state, c->state_name,
				    iso_country_official_name(iso, c->state), err) < 0)
			goto fail;
		if (found && contact_same(&old, c)) {
			res->unchanged++;
			contact_release(&old);
			continue;
		}
		if (found) {
			c->id = old.id;
			c->verified_at = old.verified_at;
			c->unverified_since = old.unverified_since;
		}
		if (store_contact_put(st, c, err) < 0 ||
		    audit_change(st, opts->actor, found ? "directory.update" : "directory.add",
				 found ? &old : NULL, c, path, err) < 0)
			goto fail;
		if (found) {
			res->updated++;
			contact_release(&old);
		} else {
			res->added++;
		}
		continue;
fail:
		if (found)
			contact_release(&old);
		return -1;
	}
	return 0;
}

int directory_import(struct store *st, const struct iso *iso, const char *path,
		     const struct import_opts *opts, struct import_result *res,
		     struct strbuf *problems)
{
	struct strbuf buf = STRBUF_INIT, err = STRBUF_INIT;
	struct rows rows = { 0 };
	struct report rp = { .path = path, .out = problems };
	struct contact *cs = NULL;
	size_t ngood = 0, i;
	int rc = -1, is_json;
	const char *p;

	memset(res, 0, sizeof(*res));
	if (sb_read_file(&buf, path) < 0) {
		sb_addf(problems, "%s:0: file: cannot read: %s\n", path, strerror(errno));
		goto out;
	}
	for (p = buf.buf; p < buf.buf + buf.len && isspace((unsigned char)*p); p++)
		;
	is_json = p < buf.buf + buf.len && (*p == '[' || *p == '{');
	if ((is_json ? parse_json : parse_csv)(buf.buf, buf.len, &rows, &rp) < 0 && !rows.n)
		goto out;
	cs = xcalloc(rows.n + 1, sizeof(*cs));
	for (i = 0; i < rows.n; i++)
		if (dir_check_row(&rows.v[i], iso, &cs[ngood], &rp) == 0)
			ngood++;
	res->rows = (unsigned)rows.n;
	if (check_together(st, cs, ngood, &rp, &err) < 0) {
		sb_addf(problems, "%s:0: store: %s\n", path, err.buf);
		rc = -2;
		goto out;
	}
	if (rp.n || opts->dry_run) {
		rc = rp.n ? -1 : 0;
		goto out;
	}
	if (store_begin(st, &err) < 0)
		goto store_fail;
	if (write_all(st, iso, cs, ngood, path, opts, res, &err) < 0)
		goto store_fail;
	{
		struct strbuf d = STRBUF_INIT;
		json_t *o = json_pack("{s:s, s:i, s:i, s:i, s:i}", "source", path, "rows",
				      (json_int_t)res->rows, "added", (json_int_t)res->added,
				      "updated", (json_int_t)res->updated, "unchanged",
				      (json_int_t)res->unchanged);
		char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		sb_addstr(&d, s);
		free(s);
		json_decref(o);
		int erc = store_event_append(st, utc_now(), opts->actor, "directory.import", path,
					     d.buf, &err);
		sb_release(&d);
		if (erc < 0 || store_commit(st, &err) < 0)
			goto store_fail;
	}
	rc = 0;
	goto out;
store_fail:
	store_rollback(st);
	memset(res, 0, sizeof(*res));
	sb_addf(problems, "%s:0: store: %s\n", path, err.buf);
	rc = -2;
out:
	for (i = 0; cs && i < ngood; i++)
		contact_release(&cs[i]);
	free(cs);
	rows_release(&rows);
	sb_release(&buf);
	sb_release(&err);
	return rc;
}

/* ---- export ---- */

int export_format_parse(const char *s, enum export_format *f)
{
	if (strcmp(s, "table") == 0)
		*f = EXPORT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*f = EXPORT_CSV;
	else if (strcmp(s, "json") == 0)
		*f = EXPORT_JSON;
	else
		return -1;
	return 0;
}

/* Display width of UTF-8 text in terminal columns. */
static size_t text_width(const char *s, size_t max_bytes, size_t *fit_bytes, size_t limit)
{
	mbstate_t ps = { 0 };
	size_t w = 0, off = 0;

	while (off < max_bytes && s[off]) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + off, max_bytes - off, &ps);
		int cw;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			cw = 1;
			memset(&ps, 0, sizeof(ps));
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (fit_bytes && w + (size_t)cw > limit)
			break;
		w += (size_t)cw;
		off += n;
	}
	if (fit_bytes)
		*fit_bytes = off;
	return w;
}

/* Appends v padded or cut (with '…') to exactly width columns. */
static void cell(struct strbuf *out, const char *v, size_t width)
{
	size_t w = text_width(v, strlen(v), NULL, 0), fit;

	if (w <= width) {
		sb_addstr(out, v);
		for (; w < width; w++)
			sb_addch(out, ' ');
		return;
	}
	w = text_width(v, strlen(v), &fit, width - 1);
	sb_add(out, v, fit);
	sb_addstr(out, "\xe2\x80\xa6");
	for (w++; w < width; w++)
		sb_addch(out, ' ');
}

struct export_ctx {
	enum export_format fmt;
	FILE *out;
	json_t *array;
	unsigned n;
};

static void first_item(const char *list, char *buf, size_t size)
{
	size_t n = list ? strcspn(list, ";") : 0;

	snprintf(buf, size, "%.*s", (int)n, list ? list : "");
}

static int export_one(const struct contact *c, void *vctx)
{
	struct export_ctx *x = vctx;
	struct strbuf line = STRBUF_INIT;
	char t[32], id[24];

	x->n++;
	switch (x->fmt) {
	case EXPORT_JSON:
		json_array_append_new(x->array, contact_json(c, 1));
		break;
	case EXPORT_CSV: {
		const char *v[NCOLS] = { 0 };
		char va[32] = "", us[32] = "";
		snprintf(id, sizeof(id), "%lld", (long long)c->id);
		if (c->verified_at)
			utc_format(c->verified_at, va, sizeof(va));
		if (c->unverified_since)
			utc_format(c->unverified_since, us, sizeof(us));
		v[C_ID] = id;
		v[C_STATE] = c->state;
		v[C_ROLE] = contact_role_name(c->role);
		v[C_ENTITY] = c->entity;
		v[C_ENTITY_EN] = c->entity_en;
		v[C_NAME] = c->name;
		v[C_DESIGNATION] = c->designation;
		v[C_EMAIL] = c->email;
		v[C_PHONE] = c->phone;
		v[C_LANGUAGES] = c->languages;
		v[C_ENTRY_LANGUAGE] = c->entry_language;
		v[C_FINGERPRINT] = c->fingerprint;
		v[C_STATE_NAME] = c->state_name;
		v[C_VERIFIED_AT] = va;
		v[C_UNVERIFIED_SINCE] = us;
		for (int i = 0; i < NCOLS; i++) {
			if (i)
				sb_addch(&line, ',');
			csv_add_field(&line, v[i]);
		}
		sb_addstr(&line, "\r\n");
		break;
	}
	case EXPORT_TABLE: {
		char mail[256];
		first_item(c->email, mail, sizeof(mail));
		snprintf(id, sizeof(id), "%lld", (long long)c->id);
		cell(&line, id, 5);
		sb_addch(&line, ' ');
		cell(&line, c->state, 6);
		cell(&line, contact_role_name(c->role), 11);
		cell(&line, c->entity_en ? c->entity_en : c->entity, 40);
		sb_addch(&line, ' ');
		cell(&line, mail, 34);
		sb_addch(&line, ' ');
		cell(&line, c->languages, 9);
		sb_addch(&line, ' ');
		if (c->unverified_since)
			sb_addstr(&line, "unverified");
		else if (c->verified_at) {
			utc_format(c->verified_at, t, sizeof(t));
			sb_addf(&line, "verified %.10s", t);
		} else
			sb_addstr(&line, "-");
		while (line.len && line.buf[line.len - 1] == ' ')
			sb_setlen(&line, line.len - 1);
		sb_addch(&line, '\n');
		break;
	}
	}
	fwrite(line.buf, 1, line.len, x->out);
	sb_release(&line);
	return 0;
}

int directory_export(struct store *st, const char *state, enum export_format fmt, FILE *out,
		     struct strbuf *err)
{
	struct export_ctx x = { .fmt = fmt, .out = out };
	int rc;

	if (fmt == EXPORT_CSV) {
		for (int i = 0; i < NCOLS; i++)
			fprintf(out, "%s%s", i ? "," : "", columns[i].name);
		fputs("\r\n", out);
	} else if (fmt == EXPORT_TABLE) {
		struct strbuf h = STRBUF_INIT;
		cell(&h, "ID", 5);
		sb_addch(&h, ' ');
		cell(&h, "STATE", 6);
		cell(&h, "ROLE", 11);
		cell(&h, "ENTITY", 40);
		sb_addch(&h, ' ');
		cell(&h, "E-MAIL", 34);
		sb_addch(&h, ' ');
		cell(&h, "LANGUAGES", 9);
		sb_addstr(&h, " VERIFIED\n");
		fwrite(h.buf, 1, h.len, out);
		sb_release(&h);
	} else {
		x.array = json_array();
	}
	rc = store_contact_foreach(st, state, export_one, &x, err);
	if (rc == 0 && fmt == EXPORT_JSON) {
		json_dumpf(x.array, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
	}
	json_decref(x.array);
	if (rc == 0 && fmt == EXPORT_TABLE)
		fprintf(out, "%u contact%s\n", x.n, x.n == 1 ? "" : "s");
	if (rc == 0 && state && x.n == 0)
		return error_set(err, "no contacts for State '%s'", state);
	if (rc == 0 && (fflush(out) != 0 || ferror(out)))
		return error_set(err, "cannot write the export: %s", strerror(errno));
	return rc;
}

struct show_ctx {
	FILE *out;
	unsigned n;
};

static void show_field(FILE *out, const char *label, const char *v)
{
	if (v && *v)
		fprintf(out, "  %-16s %s\n", label, v);
}

static int show_one(const struct contact *c, void *vctx)
{
	struct show_ctx *x = vctx;
	FILE *out = x->out;
	char t[32];

	if (!x->n++)
		fprintf(out, "%s  %s\n", c->state, c->state_name);
	fprintf(out, "\n%s contact %lld\n",
		c->role == ROLE_MISSION	     ? "Permanent Mission" :
		c->role == ROLE_DIPLOMATIC ? "Diplomatic" :
					     "Technical",
		(long long)c->id);
	show_field(out, "entity", c->entity);
	show_field(out, "entity (en)", c->entity_en);
	show_field(out, "name", c->name);
	show_field(out, "designation", c->designation);
	show_field(out, "e-mail", c->email);
	show_field(out, "telephone", c->phone);
	show_field(out, "languages", c->languages);
	show_field(out, "entry language", c->entry_language);
	show_field(out, "fingerprint", c->fingerprint);
	if (c->verified_at) {
		utc_format(c->verified_at, t, sizeof(t));
		show_field(out, "verified at", t);
	}
	if (c->unverified_since) {
		utc_format(c->unverified_since, t, sizeof(t));
		show_field(out, "unverified since", t);
	}
	return 0;
}

int directory_show(struct store *st, const char *state, FILE *out, struct strbuf *err)
{
	struct show_ctx x = { .out = out };
	char code[4] = "";

	if (strlen(state) != 3)
		return error_set(err, "'%s' is not an ISO 3166-1 alpha-3 code", state);
	for (size_t i = 0; i < 3; i++)
		code[i] = (char)toupper((unsigned char)state[i]);
	if (store_contact_foreach(st, code, show_one, &x, err) < 0)
		return -1;
	if (!x.n)
		return error_set(err, "no contacts for State '%s'", code);
	return 0;
}
