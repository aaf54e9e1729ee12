/*
 * NAME
 *	smtp - submission through libetpan, with verified TLS
 * SYNOPSIS
 *	#include <pocgate/smtp.h>
 *	smtp_open(), smtp_close(), smtp_send()
 * DESCRIPTION
 *	The only module that speaks libetpan's SMTP API. One struct smtp is
 *	one connection that carries many messages: a refusal of one message is
 *	followed by RSET, a broken connection is reported as SMTP_CONNFAIL so
 *	the caller reconnects. Every network operation has the configured
 *	timeout.
 *
 *	TLS: libetpan does not verify certificates, so after the handshake
 *	(implicit TLS or STARTTLS) the peer's chain is taken from the stream
 *	and checked by tls_check_peer() before EHLO is repeated and before any
 *	credential is sent. security = none is allowed only to a loopback
 *	address, with a warning.
 * STANDARDS
 *	RFC 5321 (SMTP), RFC 6409 (submission), RFC 3207 (STARTTLS), RFC 8314
 *	(implicit TLS), RFC 4954 (AUTH), RFC 4616 (PLAIN).
 * SECURITY
 *	The password is read from its file just before AUTH and wiped after.
 */
#include <pocgate/smtp.h>

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>

#include <pocgate/conf.h>
#include <pocgate/log.h>
#include <pocgate/secret.h>
#include <pocgate/tlscheck.h>
#include <pocgate/xalloc.h>

#include "etpan_tls.h"

struct smtp {
	mailsmtp *session;
	char *host;	/* owned */
};


/* Checks the certificate chain of the session's TLS stream. */

static int reply_error(struct smtp *s, struct strbuf *err, const char *what, int r)
{
	const char *resp = s->session && s->session->response ? s->session->response : NULL;

	return error_set(err, "%s on '%s': %s%s%s", what, s->host, mailsmtp_strerror(r),
			 resp ? ": " : "", resp ? resp : "");
}

static int authenticate(struct smtp *s, const struct conf_server *srv, struct strbuf *err)
{
	struct strbuf pw = STRBUF_INIT;
	const char *mech;
	int r;

	if (!srv->user)
		return 0;
	if (!srv->password_file)
		return error_set(err, "smtp.user is set but smtp.password_file is not");
	if (secret_read(srv->password_file, &pw, err) < 0)
		return -1;
	mech = (s->session->auth & MAILSMTP_AUTH_PLAIN) ? "PLAIN" :
	       (s->session->auth & MAILSMTP_AUTH_LOGIN) ? "LOGIN" : NULL;
	if (!mech) {
		secret_release(&pw);
		return error_set(err, "'%s' offers neither AUTH PLAIN nor LOGIN", srv->host);
	}
	r = mailesmtp_auth_sasl(s->session, mech, srv->host, NULL, NULL, srv->user, srv->user,
				pw.buf, NULL);
	secret_release(&pw);
	if (r != MAILSMTP_NO_ERROR)
		return reply_error(s, err, "authentication failed", r);
	return 0;
}

int smtp_open(const struct conf_server *srv, struct smtp **sp, struct strbuf *err)
{
	struct smtp *s = xcalloc(1, sizeof(*s));
	int r;

	s->host = xstrdup(srv->host);
	s->session = mailsmtp_new(0, NULL);
	if (!s->session)
		msg_fatal(71, "cannot create an SMTP session");
	mailsmtp_set_timeout(s->session, (time_t)srv->timeout);

	switch (srv->security) {
	case SECURITY_TLS:
		r = mailsmtp_ssl_connect_with_callback(s->session, srv->host, (uint16_t)srv->port,
						       etpan_tls_set_sni, s->host);
		if (r != MAILSMTP_NO_ERROR) {
			reply_error(s, err, "cannot connect with TLS", r);
			goto fail;
		}
		if (etpan_tls_verify(s->session->stream, srv, err) < 0)
			goto fail;
		break;
	case SECURITY_STARTTLS:
	case SECURITY_NONE:
		if (srv->security == SECURITY_NONE) {
			if (!tls_host_is_loopback(srv->host)) {
				error_set(err, "smtp.security = none is allowed only for a loopback "
					       "host, not '%s'", srv->host);
				goto fail;
			}
			msg_warn("submitting to '%s' without TLS (smtp.security = none)", srv->host);
		}
		r = mailsmtp_socket_connect(s->session, srv->host, (uint16_t)srv->port);
		if (r != MAILSMTP_NO_ERROR) {
			reply_error(s, err, "cannot connect", r);
			goto fail;
		}
		break;
	}
	if ((r = mailesmtp_ehlo(s->session)) != MAILSMTP_NO_ERROR) {
		reply_error(s, err, "EHLO refused", r);
		goto fail;
	}
	if (srv->security == SECURITY_STARTTLS) {
		if (!(s->session->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
			error_set(err, "'%s:%d' does not offer STARTTLS", srv->host, srv->port);
			goto fail;
		}
		r = mailsmtp_socket_starttls_with_callback(s->session, etpan_tls_set_sni, s->host);
		if (r != MAILSMTP_NO_ERROR) {
			reply_error(s, err, "STARTTLS failed", r);
			goto fail;
		}
		if (etpan_tls_verify(s->session->stream, srv, err) < 0)
			goto fail;
		if ((r = mailesmtp_ehlo(s->session)) != MAILSMTP_NO_ERROR) {
			reply_error(s, err, "EHLO after STARTTLS refused", r);
			goto fail;
		}
	}
	if (authenticate(s, srv, err) < 0)
		goto fail;
	*sp = s;
	return 0;
fail:
	/* no QUIT: after a failed verification, say nothing more to the peer */
	mailsmtp_free(s->session);
	free(s->host);
	free(s);
	return -1;
}

void smtp_close(struct smtp **sp)
{
	struct smtp *s;

	if (!sp || !*sp)
		return;
	s = *sp;
	mailsmtp_quit(s->session);
	mailsmtp_free(s->session);
	free(s->host);
	free(s);
	*sp = NULL;
}

static enum smtp_status classify(struct smtp *s, int r, struct strbuf *reply)
{
	int code = s->session->response_code;

	sb_reset(reply);
	if (s->session->response)
		sb_addf(reply, "%d %s", code, s->session->response);
	else
		sb_addstr(reply, mailsmtp_strerror(r));
	if (r == MAILSMTP_ERROR_STREAM || r == MAILSMTP_ERROR_CONNECTION_REFUSED ||
	    r == MAILSMTP_ERROR_SERVICE_NOT_AVAILABLE || code == 421)
		return SMTP_CONNFAIL;
	if (code >= 500 && code < 600)
		return SMTP_PERMFAIL;
	if (code >= 400 && code < 500)
		return SMTP_TEMPFAIL;
	return SMTP_CONNFAIL;
}

enum smtp_status smtp_send(struct smtp *s, const char *sender, const char *recipient,
			   const char *data, size_t len, struct strbuf *reply)
{
	enum smtp_status st;
	int r;

	if ((r = mailsmtp_mail(s->session, sender)) != MAILSMTP_NO_ERROR)
		goto refused;
	if ((r = mailsmtp_rcpt(s->session, recipient)) != MAILSMTP_NO_ERROR)
		goto refused;
	if ((r = mailsmtp_data(s->session)) != MAILSMTP_NO_ERROR)
		goto refused;
	if ((r = mailsmtp_data_message(s->session, data, len)) != MAILSMTP_NO_ERROR)
		goto refused;
	sb_reset(reply);
	sb_addf(reply, "%d %s", s->session->response_code,
		s->session->response ? s->session->response : "");
	while (reply->len && (reply->buf[reply->len - 1] == '\n' || reply->buf[reply->len - 1] == '\r'))
		sb_setlen(reply, reply->len - 1);
	return SMTP_SENT;
refused:
	st = classify(s, r, reply);
	while (reply->len && (reply->buf[reply->len - 1] == '\n' || reply->buf[reply->len - 1] == '\r'))
		sb_setlen(reply, reply->len - 1);
	if (st != SMTP_CONNFAIL && mailsmtp_reset(s->session) != MAILSMTP_NO_ERROR)
		return st == SMTP_PERMFAIL ? SMTP_PERMFAIL : SMTP_CONNFAIL;
	return st;
}
