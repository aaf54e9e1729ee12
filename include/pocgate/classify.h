/*
 * classify.h - what an incoming message is: a pure function of its parse
 */
#ifndef POCGATE_CLASSIFY_H
#define POCGATE_CLASSIFY_H

#include <pocgate/strbuf.h>

struct mime_msg;

enum verdict {
	VERDICT_BOUNCE_HARD,	/* permanent delivery failure */
	VERDICT_BOUNCE_SOFT,	/* delay, full mailbox, temporary failure */
	VERDICT_AUTO_REPLY,	/* out-of-office, vacation, ticket receipt */
	VERDICT_REPLY,		/* written by a person: confirms once matched */
	VERDICT_MALFORMED,	/* nothing can be made of it */
};

struct classification {
	enum verdict verdict;
	const char *rule;	/* static: the rule that decided, e.g. "dsn" */
	struct strbuf reason;	/* one short phrase for people */
	struct strbuf signals;	/* every auto-reply or bounce signal seen, "; "-separated */
};

const char *verdict_name(enum verdict v);
/* The verdict of a name from verdict_name(); -1 when unknown. */
int verdict_parse(const char *name, enum verdict *v);

void classification_init(struct classification *c);
void classification_release(struct classification *c);

/* Decides the verdict of a parsed message. Pure: no I/O, no clock. A
 * message is only ever a reply when nothing marks it as automatic. */
void classify(const struct mime_msg *m, struct classification *c);

#endif
