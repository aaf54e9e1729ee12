/*
 * smtp.h - message submission over one verified connection
 */
#ifndef POCGATE_SMTP_H
#define POCGATE_SMTP_H

#include <stddef.h>

#include <pocgate/strbuf.h>

struct conf_server;
struct smtp;

enum smtp_status {
	SMTP_SENT,		/* accepted: the reply is in *reply */
	SMTP_TEMPFAIL,		/* 4xx for this message: try again later */
	SMTP_PERMFAIL,		/* 5xx for this message: do not try again */
	SMTP_CONNFAIL,		/* the connection failed: reconnect, try again */
};

/* Connects as srv says (starttls, tls or none), verifies the server's
 * certificate and name before anything else, says EHLO (again after
 * STARTTLS) and authenticates when srv->user is set. */
int smtp_open(const struct conf_server *srv, struct smtp **s, struct strbuf *err);
/* Says QUIT and frees; accepts NULL. */
void smtp_close(struct smtp **s);

/* Submits one message (CRLF text) from sender to one recipient. The
 * server's last reply goes to *reply. After a refusal the session is reset
 * (RSET), so the connection can carry the next message. */
enum smtp_status smtp_send(struct smtp *s, const char *sender, const char *recipient,
			   const char *data, size_t len, struct strbuf *reply);

#endif
