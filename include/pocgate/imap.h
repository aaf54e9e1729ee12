/*
 * imap.h - reading the manager's mailbox over one verified IMAP connection
 */
#ifndef POCGATE_IMAP_H
#define POCGATE_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include <pocgate/strbuf.h>

struct conf_server;
struct imap;

/* Connects as srv says (starttls, tls or none), verifies the server's
 * certificate and name before anything else, and logs in. */
int imap_open(const struct conf_server *srv, struct imap **im, struct strbuf *err);
/* Says LOGOUT and frees; accepts NULL. */
void imap_close(struct imap **im);

/* Opens folder read-only (EXAMINE): the mailbox is never changed, not even
 * its \Recent flags; messages are fetched with BODY.PEEK. */
int imap_select(struct imap *im, const char *folder, uint32_t *uidvalidity, struct strbuf *err);

/* The UIDs greater than after, in increasing order; *uids is malloc'ed. */
int imap_uids_after(struct imap *im, uint32_t after, uint32_t **uids, size_t *n,
		    struct strbuf *err);

/* The size and INTERNALDATE of each of uids[0..n) (increasing, from one
 * folder) in one round trip; a UID that no longer exists gets size 0 and
 * time 0. */
int imap_meta(struct imap *im, const uint32_t *uids, size_t n, size_t *sizes, int64_t *received,
	      struct strbuf *err);
/* The message's bytes (BODY.PEEK[]): 0, 1 when the UID no longer exists, -1. */
int imap_fetch_body(struct imap *im, uint32_t uid, struct strbuf *msg, struct strbuf *err);

/* 1 when the server offers IDLE. */
int imap_has_idle(struct imap *im);
/* Waits in IDLE until the server reports a change or timeout seconds pass
 * (or stop_fd, when >= 0, becomes readable). Returns 1 when something
 * changed, 0 on timeout, -1 on error. */
int imap_idle(struct imap *im, int timeout, int stop_fd, struct strbuf *err);

#endif
