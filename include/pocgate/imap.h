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
 * its \Recent flags; messages are fetched with BODY.PEEK. writable opens
 * it with SELECT, for imap_file() to move messages out. *uidnext is the
 * UID the next message will get, 0 when the server did not say. */
int imap_select(struct imap *im, const char *folder, int writable, uint32_t *uidvalidity,
		uint32_t *uidnext, struct strbuf *err);

/* Copies (or, with move, moves: the folder must be writable) the messages
 * uids[0..n) of the selected folder into folder, creating it the first
 * time it is missing. */
int imap_file(struct imap *im, const uint32_t *uids, size_t n, const char *folder, int move,
	      struct strbuf *err);

/* The UIDs from first to last (0: to the end), in increasing order; *uids
 * is malloc'ed. */
int imap_uids_between(struct imap *im, uint32_t first, uint32_t last, uint32_t **uids, size_t *n,
		      struct strbuf *err);

/* The size and INTERNALDATE of each of uids[0..n) (increasing, from one
 * folder) in one round trip; a UID that no longer exists gets size 0 and
 * time 0. */
int imap_meta(struct imap *im, const uint32_t *uids, size_t n, size_t *sizes, int64_t *received,
	      struct strbuf *err);
/* The bytes (BODY.PEEK[]) of the messages uids[i] for which want[i] is
 * set, in one round trip; the caller bounds their total size. */
struct imap_bodies;
int imap_fetch_bodies(struct imap *im, const uint32_t *uids, const unsigned char *want, size_t n,
		      struct imap_bodies **bodies, struct strbuf *err);
/* The body of uids[i] of that fetch, or NULL when it was not wanted or no
 * longer exists. Valid until imap_bodies_free(). */
const char *imap_body(const struct imap_bodies *b, size_t i, size_t *len);
/* Frees; accepts NULL. */
void imap_bodies_free(struct imap_bodies **b);

/* 1 when the server offers IDLE. */
int imap_has_idle(struct imap *im);
#define IMAP_IDLE_STOP_MAX 4
/* Waits in IDLE until the server reports a change or timeout seconds pass,
 * or one of the nstop (at most IMAP_IDLE_STOP_MAX) file descriptors
 * stop_fds becomes readable. Returns 1 when the mailbox changed, 0
 * otherwise, -1 on error. */
int imap_idle(struct imap *im, int timeout, const int *stop_fds, int nstop, struct strbuf *err);

#endif
