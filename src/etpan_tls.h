/*
 * etpan_tls.h - certificate checks for libetpan's TLS streams
 *
 * Shared by smtp.c and imap.c only: it speaks libetpan's stream API, so it
 * stays out of include/.
 */
#ifndef POCGATE_ETPAN_TLS_H
#define POCGATE_ETPAN_TLS_H

#include <libetpan/libetpan.h>

#include <pocgate/strbuf.h>

struct conf_server;

/* libetpan's TLS set-up callback: sends the host name (SNI), data. */
void etpan_tls_set_sni(struct mailstream_ssl_context *ctx, void *host);

/* Checks the certificate chain of a TLS stream against srv's CA file and
 * host name (tls_check_peer()). */
int etpan_tls_verify(mailstream *stream, const struct conf_server *srv, struct strbuf *err);

#endif
