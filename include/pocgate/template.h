/*
 * template.h - message templates: loading, checking, rendering
 *
 * Files KIND.LANG.txt (templates/README.md gives the format): a "Subject:"
 * line, an empty line, the body; {{name}} placeholders and
 * {{#name}}...{{/name}} / {{^name}}...{{/name}} sections. Every file is
 * checked when loaded, so that a bad placeholder is found at start-up,
 * never at send time.
 */
#ifndef POCGATE_TEMPLATE_H
#define POCGATE_TEMPLATE_H

#include <stddef.h>

#include <pocgate/strbuf.h>

enum tmpl_kind { TMPL_PING, TMPL_REMINDER, TMPL_ESCALATION, TMPL_RESOLVED, TMPL_NKINDS };

struct tmpl_set;

struct tmpl_var {
	const char *name;	/* borrowed */
	const char *value;	/* borrowed; NULL or "" is empty */
};

const char *tmpl_kind_name(enum tmpl_kind kind);
int tmpl_kind_parse(const char *s, enum tmpl_kind *kind);

/* Loads and checks every KIND.LANG.txt for the six UN languages from dir.
 * Problems are appended as "FILE:LINE: what is wrong" lines. */
int tmpl_load(const char *dir, struct tmpl_set **set, struct strbuf *problems);
void tmpl_free(struct tmpl_set **set);

/*
 * Renders one message for a recipient whose operational languages are
 * languages (ISO 639-1, ';'-separated, preferred first): the first
 * language's text, then English (English alone when the first language is
 * English or has no template). The subject is the first language's. Values
 * are made safe for their place: line breaks and other control characters
 * become spaces (except in "contacts", which keeps line breaks), and the
 * subject is always one line. *lang_used gets the first language used.
 * Pure: no I/O. Returns 0, or -1 with *err set (a missing variable).
 */
int tmpl_render(const struct tmpl_set *set, enum tmpl_kind kind, const char *languages,
		const struct tmpl_var *vars, size_t nvars, struct strbuf *subject,
		struct strbuf *body, const char **lang_used, struct strbuf *err);

#endif
