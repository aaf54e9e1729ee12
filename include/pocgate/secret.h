/*
 * secret.h - passwords and passphrases, read from files only
 */
#ifndef POCGATE_SECRET_H
#define POCGATE_SECRET_H

#include <pocgate/strbuf.h>

/* Reads the secret in path: the first line, without its line end. A
 * relative name is looked up in $CREDENTIALS_DIRECTORY (systemd's
 * LoadCredential=) when that is set. Refuses files others can read. */
int secret_read(const char *path, struct strbuf *secret, struct strbuf *err);
/* Overwrites and releases a secret. */
void secret_release(struct strbuf *secret);

#endif
