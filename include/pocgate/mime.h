/*
 * mime.h - incoming messages parsed into plain data for classification
 *
 * mime_parse() never fails on bad mail: whatever it gets, it fills a
 * struct mime_msg, setting malformed (with a reason) when the message
 * cannot be understood. Everything in the struct is UTF-8.
 */
#ifndef POCGATE_MIME_H
#define POCGATE_MIME_H

#include <stddef.h>

#include <pocgate/strbuf.h>

#define MIME_MAX_DEPTH 16		/* nesting of multiparts and messages */
#define MIME_MAX_PARTS 512
#define MIME_MAX_TEXT (256 * 1024)	/* bytes of body text kept */

/* Fields of a delivery status notification (RFC 3464), first recipient. */
struct mime_dsn {
	char *reporting_mta;		/* owned, or NULL */
	char *final_recipient;		/* owned, or NULL */
	char *action;			/* owned, lower case: failed, delayed... */
	char *status;			/* owned: "5.1.1" */
	char *diagnostic;		/* owned: Diagnostic-Code */
};

struct mime_msg {
	int malformed;
	char *malformed_reason;		/* owned, or NULL */

	/* header fields, decoded (RFC 2047) to UTF-8; NULL when absent */
	char *from;			/* owned: the address only */
	char *from_name;		/* owned */
	char *subject;			/* owned */
	char *message_id;		/* owned: "<...>" */
	char *in_reply_to;		/* owned: the ids as written */
	char *references;		/* owned */
	char *return_path;		/* owned: "" for the null sender <> */
	char *auto_submitted;		/* owned */
	char *precedence;		/* owned */
	char *x_autoreply;		/* owned: X-Autoreply or X-Autorespond */
	char *x_auto_response_suppress;	/* owned */
	char *x_failed_recipients;	/* owned */
	char *content_type;		/* owned: "multipart/report" */
	char *report_type;		/* owned: "delivery-status" */
	char *reference;		/* owned: X-Pocgate-Reference of an echoed ping */

	struct strbuf text;		/* the readable text: text/plain parts, else
					   text/html without tags, UTF-8 */
	struct strbuf charsets;		/* charsets decoded, ' '-separated */

	int has_dsn;
	struct mime_dsn dsn;
	char *original_message_id;	/* owned: Message-ID of the returned message */
	char *original_reference;	/* owned: its X-Pocgate-Reference */

	/* PGP/MIME: the signed part's bytes (CRLF) and the signature */
	int pgp_signed;
	struct strbuf signed_data;
	struct strbuf signature;
	int inline_signed;		/* "-----BEGIN PGP SIGNED MESSAGE-----" */
	struct strbuf inline_data;	/* that text/plain part as sent: transfer
					   encoding undone, charset untouched */
	size_t parts;
};

/* Parses data (any line ends). Always fills *m; see malformed. */
void mime_parse(const char *data, size_t len, struct mime_msg *m);
void mime_release(struct mime_msg *m);

/* Decodes RFC 2047 encoded words in a header value into UTF-8 (*out);
 * undecodable text is kept as it is, made valid UTF-8. */
void mime_decode_header(const char *value, struct strbuf *out);

#endif
