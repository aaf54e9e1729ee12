/*
 * NAME
 *	etpan_tls - verify the server certificate of a libetpan TLS stream
 * SYNOPSIS
 *	#include "etpan_tls.h"
 *	void etpan_tls_set_sni(struct mailstream_ssl_context *ctx, void *host);
 *	int etpan_tls_verify(mailstream *stream, const struct conf_server *srv,
 *			     struct strbuf *err);
 * DESCRIPTION
 *	libetpan does not verify certificates. After every handshake the SMTP
 *	and IMAP clients take the peer's chain (DER) from the stream and hand
 *	it to tls_check_peer() before anything else is said.
 * SECURITY
 *	Callers must not send credentials before this returns 0.
 */
#include "etpan_tls.h"

#include <pocgate/conf.h>
#include <pocgate/log.h>
#include <pocgate/tlscheck.h>

#define CHAIN_MAX 16

void etpan_tls_set_sni(struct mailstream_ssl_context *ctx, void *host)
{
	mailstream_ssl_set_server_name(ctx, host);
}

int etpan_tls_verify(mailstream *stream, const struct conf_server *srv, struct strbuf *err)
{
	carray *chain = mailstream_get_certificate_chain(stream);
	struct tls_der der[CHAIN_MAX];
	size_t n = 0;
	int rc;

	if (!chain)
		return error_set(err, "no certificate from '%s:%d'", srv->host, srv->port);
	for (unsigned i = 0; i < carray_count(chain) && n < CHAIN_MAX; i++) {
		MMAPString *s = carray_get(chain, i);
		der[n].data = (const unsigned char *)s->str;
		der[n].len = s->len;
		n++;
	}
	rc = tls_check_peer(der, n, srv->host, srv->ca_file, err);
	mailstream_certificate_chain_free(chain);
	return rc;
}
