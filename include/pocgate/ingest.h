/*
 * ingest.h - reading replies: mailbox -> parse -> classify -> match -> store
 */
#ifndef POCGATE_INGEST_H
#define POCGATE_INGEST_H

#include <stdint.h>

#include <pocgate/strbuf.h>

struct conf;
struct store;
struct imap;
struct crypto;


struct ingest_result {
	unsigned read;		/* messages read from the folder */
	unsigned duplicates;	/* already recorded (after a UIDVALIDITY change) */
	unsigned confirmed, auto_replies, bounces, unmatched;
	unsigned filed, unfiled;	/* copied or moved to imap.processed_folder, or not */
};

/*
 * Reads every message of the configured folder not read before, and for
 * each records, in the same transaction as the folder's last UID (so a
 * crash at any point neither loses nor double-counts a message): the
 * message's verdict and why, the ping it answers and the evidence, the
 * ping's new state, and an audit event. Transactions hold up to a batch of
 * messages. Signed messages are verified with verify (a verification
 * context; NULL: not verified) and the signer compared with the POC's key
 * from the directory. When the folder's UIDVALIDITY changed, it is read again from
 * the start and messages already recorded (same content) are skipped.
 */
int ingest_run(struct store *st, const struct conf *conf, struct imap *im, struct crypto *verify,
	       int64_t now, const char *actor, struct ingest_result *res, struct strbuf *err);

#endif
