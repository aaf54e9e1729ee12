/*
 * NAME
 *	template - load, check and render the message templates
 * SYNOPSIS
 *	#include <pocgate/template.h>
 *	tmpl_load(), tmpl_free(), tmpl_render(), tmpl_kind_name(),
 *	tmpl_kind_parse()
 * DESCRIPTION
 *	A small subset of mustache: {{name}}, {{#name}}...{{/name}} (kept when
 *	the value is non-empty), {{^name}}...{{/name}} (kept when empty).
 *	allowed[] says which names each kind may use; required[] which it must.
 *	Loading checks every file completely (unknown names, unbalanced
 *	sections, the reference in subject and body, UTF-8) and reports every
 *	problem with its line, so a broken template stops start-up, not a send.
 *
 *	Rendering is a pure function of the loaded texts and the values.
 * SECURITY
 *	Values come from the directory. Control characters, CR and LF in values
 *	become spaces, so a value can neither add a header line nor split the
 *	subject; only "contacts" (text pocgate itself builds) keeps line
 *	breaks. Header encoding is the composer's job (RFC 2047).
 */
#include <pocgate/template.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pocgate/addr.h>
#include <pocgate/log.h>
#include <pocgate/xalloc.h>

static const char *const langs[] = { "ar", "zh", "en", "fr", "ru", "es" };
#define NLANGS (sizeof(langs) / sizeof(langs[0]))
#define LANG_EN 2

static const char *const kind_names[TMPL_NKINDS] = { "ping", "reminder", "escalation",
						     "resolved" };

/* The names each kind may use; the first ones of each list are required
 * in the body ("reference" also in the subject). */
static const char *const allowed[TMPL_NKINDS][12] = {
	[TMPL_PING] = { "reference", "deadline", "manager", "state", "window", "entity", "name",
			"designation", "role", NULL },
	[TMPL_REMINDER] = { "reference", "deadline", "manager", "state", "window", "entity",
			    "name", "designation", "role", "sent", NULL },
	[TMPL_ESCALATION] = { "reference", "deadline", "manager", "contacts", "state", "window",
			      "round", NULL },
	[TMPL_RESOLVED] = { "reference", "manager", "contacts", "state", NULL },
};
static const int nrequired[TMPL_NKINDS] = { 3, 3, 4, 3 };

struct tmpl {
	char *path;	/* owned */
	char *subject;	/* owned: the text after "Subject: " */
	char *body;	/* owned */
	unsigned body_line; /* line the body starts on */
};

struct tmpl_set {
	struct tmpl t[TMPL_NKINDS][NLANGS];
};

const char *tmpl_kind_name(enum tmpl_kind kind)
{
	return kind_names[kind];
}

int tmpl_kind_parse(const char *s, enum tmpl_kind *kind)
{
	for (int i = 0; i < TMPL_NKINDS; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*kind = (enum tmpl_kind)i;
			return 0;
		}
	return -1;
}

static int is_allowed(enum tmpl_kind kind, const char *name, size_t len)
{
	for (int i = 0; allowed[kind][i]; i++)
		if (strlen(allowed[kind][i]) == len && memcmp(allowed[kind][i], name, len) == 0)
			return 1;
	return 0;
}

/* A tag between "{{" and "}}": its sigil ('#', '^', '/' or 0) and name. */
struct tag {
	char sigil;
	const char *name;
	size_t len;
	const char *end;	/* just past "}}" */
};

static int next_tag(const char *p, const char **start, struct tag *tag)
{
	const char *open = strstr(p, "{{"), *close;

	if (!open)
		return 0;
	*start = open;
	open += 2;
	tag->sigil = strchr("#^/", *open) && *open ? *open : 0;
	if (tag->sigil)
		open++;
	close = strstr(open, "}}");
	if (!close) {
		tag->name = open;
		tag->len = 0;
		tag->end = NULL;
		return 1;
	}
	tag->name = open;
	tag->len = (size_t)(close - open);
	tag->end = close + 2;
	return 1;
}

static unsigned line_of(const char *text, const char *at, unsigned first)
{
	unsigned l = first;

	for (const char *p = text; p < at; p++)
		l += *p == '\n';
	return l;
}

/* Checks one text (subject or body); counts the uses of each required name. */
static void check_text(const char *path, const char *text, unsigned first_line,
		       enum tmpl_kind kind, int *uses, struct strbuf *problems)
{
	const char *p = text, *start;
	struct tag tag, stack[8];
	int depth = 0;

	while (next_tag(p, &start, &tag)) {
		unsigned line = line_of(text, start, first_line);
		if (!tag.end) {
			sb_addf(problems, "%s:%u: '{{' without '}}'\n", path, line);
			return;
		}
		if (!is_allowed(kind, tag.name, tag.len)) {
			sb_addf(problems, "%s:%u: unknown placeholder '%.*s' for a %s\n", path, line,
				(int)tag.len, tag.name, kind_names[kind]);
		} else {
			for (int i = 0; i < nrequired[kind]; i++)
				if (strlen(allowed[kind][i]) == tag.len &&
				    memcmp(allowed[kind][i], tag.name, tag.len) == 0 && !tag.sigil)
					uses[i]++;
		}
		if (tag.sigil == '#' || tag.sigil == '^') {
			if (depth == 8) {
				sb_addf(problems, "%s:%u: sections nested too deep\n", path, line);
				return;
			}
			for (int i = 0; i < depth; i++)
				if (stack[i].len == tag.len && memcmp(stack[i].name, tag.name, tag.len) == 0)
					sb_addf(problems, "%s:%u: section '%.*s' inside itself\n", path,
						line, (int)tag.len, tag.name);
			stack[depth++] = tag;
		} else if (tag.sigil == '/') {
			if (!depth || stack[depth - 1].len != tag.len ||
			    memcmp(stack[depth - 1].name, tag.name, tag.len) != 0) {
				sb_addf(problems, "%s:%u: '{{/%.*s}}' closes no open section\n", path,
					line, (int)tag.len, tag.name);
				return;
			}
			depth--;
		}
		p = tag.end;
	}
	if (depth)
		sb_addf(problems, "%s:%u: section '%.*s' is never closed\n", path,
			line_of(text, stack[depth - 1].name, first_line), (int)stack[depth - 1].len,
			stack[depth - 1].name);
}

static int load_one(const char *dir, enum tmpl_kind kind, size_t lang, struct tmpl *t,
		    struct strbuf *problems)
{
	struct strbuf buf = STRBUF_INIT;
	size_t before = problems->len;
	int subj_uses[8] = { 0 }, body_uses[8] = { 0 };
	const char *why;
	char *nl;

	t->path = xasprintf("%s/%s.%s.txt", dir, kind_names[kind], langs[lang]);
	if (sb_read_file(&buf, t->path) < 0) {
		sb_addf(problems, "%s:0: cannot read: %s\n", t->path, strerror(errno));
		goto out;
	}
	if (strlen(buf.buf) != buf.len || (why = utf8_check(buf.buf, "\n")) != NULL) {
		sb_addf(problems, "%s:0: %s\n", t->path,
			strlen(buf.buf) != buf.len ? "contains a NUL byte" : why);
		goto out;
	}
	if (strncmp(buf.buf, "Subject: ", 9) != 0 || !(nl = strchr(buf.buf, '\n')) ||
	    nl[1] != '\n') {
		sb_addf(problems, "%s:1: must start with a 'Subject: ' line and an empty line\n",
			t->path);
		goto out;
	}
	t->subject = xstrndup(buf.buf + 9, (size_t)(nl - buf.buf - 9));
	t->body = xstrdup(nl + 2);
	t->body_line = 3;
	check_text(t->path, t->subject, 1, kind, subj_uses, problems);
	check_text(t->path, t->body, 3, kind, body_uses, problems);
	if (!subj_uses[0])
		sb_addf(problems, "%s:1: the subject must contain {{reference}}\n", t->path);
	for (int i = 0; i < nrequired[kind]; i++)
		if (!body_uses[i])
			sb_addf(problems, "%s:3: the body must contain {{%s}}\n", t->path,
				allowed[kind][i]);
out:
	sb_release(&buf);
	return problems->len == before ? 0 : -1;
}

int tmpl_load(const char *dir, struct tmpl_set **setp, struct strbuf *problems)
{
	struct tmpl_set *set = xcalloc(1, sizeof(*set));
	int bad = 0;

	for (int k = 0; k < TMPL_NKINDS; k++)
		for (size_t l = 0; l < NLANGS; l++)
			bad |= load_one(dir, (enum tmpl_kind)k, l, &set->t[k][l], problems) < 0;
	if (bad) {
		tmpl_free(&set);
		return -1;
	}
	*setp = set;
	return 0;
}

void tmpl_free(struct tmpl_set **setp)
{
	if (!setp || !*setp)
		return;
	for (int k = 0; k < TMPL_NKINDS; k++)
		for (size_t l = 0; l < NLANGS; l++) {
			free((*setp)->t[k][l].path);
			free((*setp)->t[k][l].subject);
			free((*setp)->t[k][l].body);
		}
	free(*setp);
	*setp = NULL;
}

static const struct tmpl_var *find_var(const struct tmpl_var *vars, size_t n, const char *name,
				       size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0)
			return &vars[i];
	return NULL;
}

/* Appends a value; control characters become spaces (keep_lines: but LF). */
static void add_value(struct strbuf *out, const char *v, int keep_lines)
{
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;
		if (c == '\n' && keep_lines)
			sb_addch(out, '\n');
		else if (c < 0x20 || c == 0x7f)
			sb_addch(out, ' ');
		else
			sb_addch(out, (char)c);
	}
}

static int render_text(const char *text, const struct tmpl_var *vars, size_t n, int one_line,
		       struct strbuf *out, struct strbuf *err)
{
	const char *p = text, *start;
	struct tag tag;
	int skip = 0, depth = 0;
	int skipped_at = -1;

	while (next_tag(p, &start, &tag)) {
		const struct tmpl_var *v;
		if (!skip)
			sb_add(out, p, (size_t)(start - p));
		p = tag.end;
		if (tag.sigil == '/') {
			depth--;
			if (skip && depth == skipped_at) {
				skip = 0;
				skipped_at = -1;
			}
			continue;
		}
		v = find_var(vars, n, tag.name, tag.len);
		if (!v)
			return error_set(err, "no value for placeholder '%.*s'", (int)tag.len, tag.name);
		int empty = !v->value || !*v->value;
		if (tag.sigil == '#' || tag.sigil == '^') {
			if (!skip && ((tag.sigil == '#') == empty)) {
				skip = 1;
				skipped_at = depth;
			}
			depth++;
			continue;
		}
		if (!skip && !empty)
			add_value(out, v->value, !one_line && strcmp(v->name, "contacts") == 0);
	}
	sb_addstr(out, p);
	return 0;
}

static int lang_index(const char *code, size_t len)
{
	for (size_t i = 0; i < NLANGS; i++)
		if (strlen(langs[i]) == len && memcmp(langs[i], code, len) == 0)
			return (int)i;
	return -1;
}

int tmpl_render(const struct tmpl_set *set, enum tmpl_kind kind, const char *languages,
		const struct tmpl_var *vars, size_t nvars, struct strbuf *subject,
		struct strbuf *body, const char **lang_used, struct strbuf *err)
{
	size_t n = languages ? strcspn(languages, ";") : 0;
	int first = lang_index(languages ? languages : "", n);
	const struct tmpl *t;

	if (first < 0)
		first = LANG_EN;
	t = &set->t[kind][first];
	sb_reset(subject);
	sb_reset(body);
	if (render_text(t->subject, vars, nvars, 1, subject, err) < 0 ||
	    render_text(t->body, vars, nvars, 0, body, err) < 0)
		return -1;
	if (first != LANG_EN) {
		sb_addstr(body, "\n----------------------------------------\n\n");
		if (render_text(set->t[kind][LANG_EN].body, vars, nvars, 0, body, err) < 0)
			return -1;
	}
	if (lang_used)
		*lang_used = langs[first];
	return 0;
}
