/*
 * NAME
 *	match - evidence linking a message to a ping, and the state it leads to
 * SYNOPSIS
 *	#include <pocgate/match.h>
 *	match_candidates(), match_candidates_release(), match_relation(),
 *	match_transition()
 * DESCRIPTION
 *	Evidence, strongest first: the Message-IDs of In-Reply-To and
 *	References (and, in a bounce, of the returned message); the reference
 *	(POC-LABEL-STATE-NNNN) in the X-Pocgate-Reference field of a returned
 *	ping, in the subject, or anywhere in the text, quoted text included;
 *	last, the sender's address (a bounce: its failed recipient), weaker
 *	evidence used only when exactly one ping to that address is open.
 *
 *	Transitions: a reply confirms (late-confirmed after the deadline),
 *	even a ping that had bounced or been escalated; an auto-reply marks a
 *	waiting ping auto-replied and never confirms; a hard bounce makes a
 *	waiting ping undeliverable; a soft bounce changes nothing.
 */
#include <pocgate/match.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pocgate/mime.h>
#include <pocgate/xalloc.h>

static void add_msgid(struct match_candidates *c, const char *id, size_t n)
{
	if (c->nmsgids >= MATCH_MAX || n < 3 || n > 998)
		return;
	for (size_t i = 0; i < c->nmsgids; i++)
		if (strlen(c->msgids[i]) == n && strncmp(c->msgids[i], id, n) == 0)
			return;
	c->msgids[c->nmsgids++] = xstrndup(id, n);
}

/* Every "<...>" in a header value. */
static void add_msgids(struct match_candidates *c, const char *v)
{
	while (v && (v = strchr(v, '<')) != NULL) {
		const char *e = strchr(v, '>');
		if (!e)
			break;
		add_msgid(c, v, (size_t)(e - v + 1));
		v = e + 1;
	}
}

static int ref_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '-';
}

/* References look like POC-<label>-<AAA>-<digits>; the label may hold '-'. */
static void add_refs(struct match_candidates *c, const char *text, const char *where)
{
	const char *p = text;

	while (p && (p = strcasestr(p, "POC-")) != NULL) {
		const char *e = p + 4;
		if (p > text && ref_char(p[-1])) {
			p += 4;
			continue;
		}
		while (*e && ref_char(*e) && e - p < 60)
			e++;
		/* trim to the last "-AAA-NNNN" */
		const char *d = e;
		while (d > p && isdigit((unsigned char)d[-1]))
			d--;
		if (d < e && d - p >= 9 && d[-1] == '-' && isalpha((unsigned char)d[-2]) &&
		    isalpha((unsigned char)d[-3]) && isalpha((unsigned char)d[-4]) && d[-5] == '-' &&
		    c->nrefs < MATCH_MAX) {
			char *r = xstrndup(p, (size_t)(e - p));
			for (char *q = r; *q; q++) /* "poc-" and lower-cased state codes */
				if (q < r + 4 || (q >= r + (d - p) - 4 && q < r + (d - p) - 1))
					*q = (char)toupper((unsigned char)*q);
			int dup = 0;
			for (size_t i = 0; i < c->nrefs; i++)
				dup |= strcmp(c->refs[i], r) == 0;
			if (dup) {
				free(r);
			} else {
				c->ref_where[c->nrefs] = where;
				c->refs[c->nrefs++] = r;
			}
		}
		p = e;
	}
}

/* The address in a DSN field like "rfc822; user@example.org". */
static char *dsn_address(const char *v)
{
	const char *semi = v ? strchr(v, ';') : NULL, *a = semi ? semi + 1 : v;
	char *r;

	if (!a)
		return NULL;
	while (*a == ' ' || *a == '<')
		a++;
	r = xstrndup(a, strcspn(a, " >\t"));
	for (char *q = r; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return r;
}

void match_candidates(const struct mime_msg *m, enum verdict v, struct match_candidates *c)
{
	int bounce = v == VERDICT_BOUNCE_HARD || v == VERDICT_BOUNCE_SOFT;

	memset(c, 0, sizeof(*c));
	if (m->original_message_id)
		add_msgid(c, m->original_message_id, strlen(m->original_message_id));
	add_msgids(c, m->in_reply_to);
	add_msgids(c, m->references);
	if (m->original_reference)
		add_refs(c, m->original_reference, "the returned ping");
	if (m->reference)
		add_refs(c, m->reference, "X-Pocgate-Reference");
	if (m->subject)
		add_refs(c, m->subject, "the subject");
	add_refs(c, m->text.buf, "the text");
	if (bounce && m->dsn.final_recipient)
		c->address = dsn_address(m->dsn.final_recipient);
	else if (bounce && m->x_failed_recipients)
		c->address = dsn_address(m->x_failed_recipients);
	else if (!bounce && m->from && *m->from)
		c->address = xstrdup(m->from);
}

void match_candidates_release(struct match_candidates *c)
{
	for (size_t i = 0; i < c->nmsgids; i++)
		free(c->msgids[i]);
	for (size_t i = 0; i < c->nrefs; i++)
		free(c->refs[i]);
	free(c->address);
	memset(c, 0, sizeof(*c));
}

/* The last two labels of a domain ("fra.test" of "cert.fra.test"). */
static const char *org_of(const char *domain)
{
	const char *last = strrchr(domain, '.'), *p;

	if (!last)
		return domain;
	for (p = last - 1; p > domain && *p != '.'; p--)
		;
	return *p == '.' ? p + 1 : domain;
}

int match_relation(const char *sender, const char *emails)
{
	const char *sat = sender ? strrchr(sender, '@') : NULL;
	char *copy, *save = NULL;
	int best = 0;

	if (!sat || !emails)
		return 0;
	copy = xstrdup(emails);
	for (char *e = strtok_r(copy, ";", &save); e; e = strtok_r(NULL, ";", &save)) {
		const char *eat = strrchr(e, '@');
		if (strcasecmp(e, sender) == 0) {
			best = 2;
			break;
		}
		if (eat && (strcasecmp(eat + 1, sat + 1) == 0 ||
			    strcasecmp(org_of(eat + 1), org_of(sat + 1)) == 0))
			best = 1;
	}
	free(copy);
	return best;
}

static int waiting(const char *state)
{
	return !strcmp(state, "queued") || !strcmp(state, "sent") || !strcmp(state, "auto-replied") ||
	       !strcmp(state, "overdue") || !strcmp(state, "escalated");
}

const char *match_transition(enum verdict v, const char *state, int late)
{
	switch (v) {
	case VERDICT_REPLY:
		if (!strcmp(state, "confirmed") || !strcmp(state, "late-confirmed") ||
		    !strcmp(state, "resolved"))
			return NULL;
		return late ? "late-confirmed" : "confirmed";
	case VERDICT_AUTO_REPLY:
		return !strcmp(state, "sent") || !strcmp(state, "queued") ? "auto-replied" : NULL;
	case VERDICT_BOUNCE_HARD:
		return waiting(state) ? "undeliverable" : NULL;
	default:
		return NULL;
	}
}
