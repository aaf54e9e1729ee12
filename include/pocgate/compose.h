/*
 * compose.h - whole outgoing messages, signed as PGP/MIME
 */
#ifndef POCGATE_COMPOSE_H
#define POCGATE_COMPOSE_H

#include <stdint.h>

#include <pocgate/strbuf.h>

struct crypto;

struct compose_msg {
	int64_t date;			/* seconds since the epoch */
	const char *from_name;		/* borrowed: display name, any UTF-8 */
	const char *from_addr;		/* borrowed: checked address */
	const char *to_name;		/* borrowed, may be NULL */
	const char *to_addr;		/* borrowed: checked address */
	const char *reply_to;		/* borrowed, may be NULL */
	const char *subject;		/* borrowed: one line of UTF-8 */
	const char *body;		/* borrowed: UTF-8 text, LF line ends */
	const char *message_id;		/* borrowed: "<...@...>" */
	const char *reference;		/* borrowed: [A-Za-z0-9-], or NULL */
	const char *in_reply_to;	/* borrowed: "<...>", or NULL */
};

/*
 * Builds the message and signs it: RFC 5322 headers (Date, From, To,
 * Reply-To, Subject, Message-ID, Auto-Submitted: auto-generated), and a
 * multipart/signed body (RFC 3156) whose first part is text/plain UTF-8
 * quoted-printable and whose second is the detached signature; micalg is
 * the hash gpg used. *out gets the message with CRLF line ends.
 */
int compose_signed(struct crypto *c, const struct compose_msg *m, struct strbuf *out,
		   struct strbuf *err);

/* Writes "<REFERENCE.RANDOM@DOMAIN>" for the domain of from_addr. */
void compose_message_id(const char *reference, const char *from_addr, struct strbuf *out);

/* Appends an unstructured header field ("Subject: ...") folded at 78
 * columns, RFC 2047-encoded (UTF-8, B) when the value is not plain ASCII,
 * ending in CRLF. Control characters in value become spaces. */
void compose_header_text(struct strbuf *out, const char *name, const char *value);
/* Appends an address header field ("From: Name <addr>") the same way. */
void compose_header_addr(struct strbuf *out, const char *name, const char *display,
			 const char *addr);

#endif
