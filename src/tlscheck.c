/*
 * NAME
 *	tlscheck - verify a server's certificate chain and name with GnuTLS
 * SYNOPSIS
 *	#include <pocgate/tlscheck.h>
 *	int tls_check_peer(const struct tls_der *chain, size_t n,
 *			   const char *host, const char *ca_file,
 *			   struct strbuf *err);
 *	int tls_host_is_loopback(const char *host);
 * DESCRIPTION
 *	Builds a GnuTLS trust list from the configured CA file or the system's
 *	trust store, verifies the chain with gnutls_x509_trust_list_verify_crt2()
 *	(the host name given as DNS name data, so GnuTLS checks it too), or,
 *	when host is an IP address, verifies the chain and then the leaf's IP
 *	address entries. Failures are explained with GnuTLS's own wording.
 * STANDARDS
 *	RFC 5280 (path validation), RFC 6125 (service identity).
 * SECURITY
 *	This is the only thing standing between pocgate's passwords and a
 *	man in the middle: callers must not send anything before it passes.
 */
#include <pocgate/tlscheck.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pocgate/log.h>
#include <pocgate/xalloc.h>

#define CHAIN_MAX 16

int tls_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

int tls_check_peer(const struct tls_der *chain, size_t n, const char *host, const char *ca_file,
		   struct strbuf *err)
{
	gnutls_x509_trust_list_t list = NULL;
	gnutls_x509_crt_t crts[CHAIN_MAX] = { 0 };
	gnutls_typed_vdata_st vdata = { 0 };
	unsigned char ip[16];
	size_t iplen = 0, i, ncrt = 0;
	unsigned status = 0;
	int r, rc = -1;

	if (n == 0)
		return error_set(err, "the server '%s' presented no certificate", host);
	if (inet_pton(AF_INET, host, ip) == 1)
		iplen = 4;
	else if (inet_pton(AF_INET6, host, ip) == 1)
		iplen = 16;
	for (i = 0; i < n && i < CHAIN_MAX; i++) {
		gnutls_datum_t d = { (unsigned char *)chain[i].data, (unsigned)chain[i].len };
		if (gnutls_x509_crt_init(&crts[i]) < 0 ||
		    gnutls_x509_crt_import(crts[i], &d, GNUTLS_X509_FMT_DER) < 0) {
			error_set(err, "the server '%s' sent a certificate GnuTLS cannot read", host);
			ncrt = i + 1;
			goto out;
		}
	}
	ncrt = i;
	if (gnutls_x509_trust_list_init(&list, 0) < 0) {
		error_set(err, "cannot set up certificate verification");
		goto out;
	}
	if (ca_file) {
		r = gnutls_x509_trust_list_add_trust_file(list, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
		if (r <= 0) {
			error_set(err, "no CA certificate could be read from '%s'%s%s", ca_file,
				  r < 0 ? ": " : "", r < 0 ? gnutls_strerror(r) : "");
			goto out;
		}
	} else if ((r = gnutls_x509_trust_list_add_system_trust(list, 0, 0)) <= 0) {
		error_set(err, "no system CA certificates are available (install ca-certificates, or "
			       "set ca_file)");
		goto out;
	}
	vdata.type = GNUTLS_DT_DNS_HOSTNAME;
	vdata.data = (unsigned char *)host;
	vdata.size = 0;
	r = gnutls_x509_trust_list_verify_crt2(list, crts, (unsigned)ncrt, iplen ? NULL : &vdata,
					       iplen ? 0 : 1, 0, &status, NULL);
	if (r < 0) {
		error_set(err, "cannot verify the certificate of '%s': %s", host, gnutls_strerror(r));
		goto out;
	}
	if (status) {
		gnutls_datum_t why = { 0 };
		gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &why, 0);
		error_set(err, "the certificate of '%s' is not trusted: %s", host,
			  why.data ? (const char *)why.data : "verification failed");
		gnutls_free(why.data);
		goto out;
	}
	if (iplen && !gnutls_x509_crt_check_ip(crts[0], ip, (unsigned)iplen, 0)) {
		error_set(err, "the certificate of '%s' does not name that address", host);
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < ncrt; i++)
		gnutls_x509_crt_deinit(crts[i]);
	if (list)
		gnutls_x509_trust_list_deinit(list, 1);
	return rc;
}
