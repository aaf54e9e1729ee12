/*
 * tlscheck.h - verification of a server's certificate chain with GnuTLS
 *
 * libetpan does not verify server certificates; the SMTP and IMAP clients
 * hand the peer's chain (DER) to tls_check_peer() after every handshake
 * and before anything else is said on the connection.
 */
#ifndef POCGATE_TLSCHECK_H
#define POCGATE_TLSCHECK_H

#include <stddef.h>

#include <pocgate/strbuf.h>

struct tls_der {
	const unsigned char *data;	/* borrowed */
	size_t len;
};

/* Verifies the chain (leaf first) against ca_file (PEM; NULL: the system's
 * trusted CAs) and checks that the leaf names host (a DNS name or an IP
 * address). Returns 0, or -1 with *err saying why, in words. */
int tls_check_peer(const struct tls_der *chain, size_t n, const char *host, const char *ca_file,
		   struct strbuf *err);

/* 1 when host is a loopback name or address (localhost, 127.0.0.0/8, ::1). */
int tls_host_is_loopback(const char *host);

#endif
