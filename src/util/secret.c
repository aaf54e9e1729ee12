/*
 * NAME
 *	secret - read passwords from files, and forget them
 * SYNOPSIS
 *	#include <pocgate/secret.h>
 *	int secret_read(const char *path, struct strbuf *secret,
 *			struct strbuf *err);
 *	void secret_release(struct strbuf *secret);
 * DESCRIPTION
 *	Secrets never come from the command line or the environment (both are
 *	visible to other users); only from a file the configuration names, or
 *	a systemd credential. Errors name the file, never the content.
 * SECURITY
 *	A file readable or writable by others is refused. Memory holding a
 *	secret is overwritten before it is freed.
 */
#include <pocgate/secret.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pocgate/log.h>
#include <pocgate/xalloc.h>

int secret_read(const char *path, struct strbuf *secret, struct strbuf *err)
{
	const char *creds = getenv("CREDENTIALS_DIRECTORY");
	char *full = NULL;
	struct stat st;
	size_t n;
	int rc = -1;

	if (path[0] != '/' && creds && *creds)
		path = full = xasprintf("%s/%s", creds, path);
	if (stat(path, &st) < 0) {
		error_set(err, "cannot read secret file '%s': %s", path, strerror(errno));
		goto out;
	}
	if (st.st_mode & (S_IROTH | S_IWOTH)) {
		error_set(err, "secret file '%s' is accessible by others (mode %04o)", path,
			  (unsigned)(st.st_mode & 07777));
		goto out;
	}
	sb_reset(secret);
	if (sb_read_file(secret, path) < 0) {
		error_set(err, "cannot read secret file '%s': %s", path, strerror(errno));
		goto out;
	}
	n = strcspn(secret->buf, "\r\n");
	if (n == 0) {
		secret_release(secret);
		error_set(err, "secret file '%s' is empty", path);
		goto out;
	}
	memset(secret->buf + n, 0, secret->len - n);
	sb_setlen(secret, n);
	rc = 0;
out:
	free(full);
	return rc;
}

void secret_release(struct strbuf *secret)
{
	if (secret->alloc)
		explicit_bzero(secret->buf, secret->alloc);
	sb_release(secret);
}
