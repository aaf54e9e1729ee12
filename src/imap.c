/*
 * NAME
 *	imap - the manager's mailbox through libetpan, with verified TLS
 * SYNOPSIS
 *	#include <pocgate/imap.h>
 *	imap_open(), imap_close(), imap_select(), imap_uids_between(),
 *	imap_meta(), imap_fetch_bodies(), imap_body(), imap_bodies_free(),
 *	imap_file(), imap_has_idle(), imap_idle()
 * DESCRIPTION
 *	The only module that speaks libetpan's IMAP API. It never changes the
 *	mailbox: messages are read with BODY.PEEK[] so their \Seen flag stays
 *	as it was, and nothing is deleted or expunged. imap_file() copies or
 *	moves (UID MOVE, never a delete) messages into another folder, as the
 *	configuration asks.
 *
 *	TLS as in smtp.c: libetpan does not verify certificates, so after the
 *	handshake (implicit TLS or STARTTLS) the peer's chain goes through
 *	tls_check_peer() before the password is sent. security = none is for
 *	loopback only.
 * STANDARDS
 *	RFC 9051/3501 (IMAP), RFC 2177 (IDLE), RFC 8314 (implicit TLS).
 * SECURITY
 *	The password is read from its file just before LOGIN and wiped after.
 *	Message sizes are checked before fetching: a message larger than the
 *	limit is never read into memory.
 */
#include <pocgate/imap.h>

#include <errno.h>
#include <libetpan/libetpan.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pocgate/conf.h>
#include <pocgate/log.h>
#include <pocgate/secret.h>
#include <pocgate/tlscheck.h>
#include <pocgate/xalloc.h>

#include "etpan_tls.h"

struct imap {
	mailimap *session;
	char *host;	/* owned */
	int can_move;	/* MOVE offered: 0 not asked yet, 1 yes, -1 no */
	uint32_t looked;	/* EXISTS as it was when the last search began */
};

/* The number of messages the server last announced (EXISTS), which
 * libetpan keeps up to date from every answer, also unsolicited ones. */
static uint32_t exists_now(const struct imap *im)
{
	const struct mailimap_selection_info *sel = im->session->imap_selection_info;

	return sel ? sel->sel_exists : 0;
}



static int imap_error(struct imap *im, struct strbuf *err, const char *what, int r)
{
	const char *resp = im->session && im->session->imap_response ? im->session->imap_response : "";

	return error_set(err, "%s on '%s' (libetpan error %d)%s%s", what, im->host, r,
			 *resp ? ": " : "", resp);
}

static int has_capability(mailimap *s, const char *name)
{
	struct mailimap_capability_data *cap = NULL;
	int found = 0;

	if (mailimap_capability(s, &cap) != MAILIMAP_NO_ERROR || !cap)
		return 0;
	for (clistiter *it = clist_begin(cap->cap_list); it; it = clist_next(it)) {
		struct mailimap_capability *c = clist_content(it);
		if (c->cap_type == MAILIMAP_CAPABILITY_NAME && c->cap_data.cap_name &&
		    strcasecmp(c->cap_data.cap_name, name) == 0)
			found = 1;
	}
	mailimap_capability_data_free(cap);
	return found;
}

int imap_open(const struct conf_server *srv, struct imap **imp, struct strbuf *err)
{
	struct imap *im = xcalloc(1, sizeof(*im));
	struct strbuf pw = STRBUF_INIT;
	int r;

	im->host = xstrdup(srv->host);
	im->session = mailimap_new(0, NULL);
	if (!im->session)
		msg_fatal(71, "cannot create an IMAP session");
	mailimap_set_timeout(im->session, (time_t)srv->timeout);
	if (srv->security == SECURITY_TLS) {
		r = mailimap_ssl_connect_with_callback(im->session, srv->host, (uint16_t)srv->port,
						       etpan_tls_set_sni, im->host);
		if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
			imap_error(im, err, "cannot connect with TLS", r);
			goto fail;
		}
		if (etpan_tls_verify(im->session->imap_stream, srv, err) < 0)
			goto fail;
	} else {
		if (srv->security == SECURITY_NONE) {
			if (!tls_host_is_loopback(srv->host)) {
				error_set(err, "imap.security = none is allowed only for a loopback "
					       "host, not '%s'", srv->host);
				goto fail;
			}
			msg_warn("reading '%s' without TLS (imap.security = none)", srv->host);
		}
		r = mailimap_socket_connect(im->session, srv->host, (uint16_t)srv->port);
		if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
			imap_error(im, err, "cannot connect", r);
			goto fail;
		}
		if (srv->security == SECURITY_STARTTLS) {
			if (!has_capability(im->session, "STARTTLS")) {
				error_set(err, "'%s:%d' does not offer STARTTLS", srv->host, srv->port);
				goto fail;
			}
			r = mailimap_socket_starttls_with_callback(im->session, etpan_tls_set_sni, im->host);
			if (r != MAILIMAP_NO_ERROR) {
				imap_error(im, err, "STARTTLS failed", r);
				goto fail;
			}
			if (etpan_tls_verify(im->session->imap_stream, srv, err) < 0)
				goto fail;
		}
	}
	if (!srv->user || !srv->password_file) {
		error_set(err, "imap.user and imap.password_file are needed to log in");
		goto fail;
	}
	if (secret_read(srv->password_file, &pw, err) < 0)
		goto fail;
	r = mailimap_login(im->session, srv->user, pw.buf);
	secret_release(&pw);
	if (r != MAILIMAP_NO_ERROR) {
		imap_error(im, err, "login refused", r);
		goto fail;
	}
	*imp = im;
	return 0;
fail:
	mailimap_free(im->session);
	free(im->host);
	free(im);
	return -1;
}

void imap_close(struct imap **imp)
{
	struct imap *im;

	if (!imp || !*imp)
		return;
	im = *imp;
	mailimap_logout(im->session);
	mailimap_free(im->session);
	free(im->host);
	free(im);
	*imp = NULL;
}

int imap_select(struct imap *im, const char *folder, int writable, uint32_t *uidvalidity,
		uint32_t *uidnext, struct strbuf *err)
{
	/* EXAMINE: read-only, so not even \Recent is changed */
	int r = writable ? mailimap_select(im->session, folder) : mailimap_examine(im->session, folder);

	if (r != MAILIMAP_NO_ERROR)
		return imap_error(im, err, "cannot select the folder", r);
	if (!im->session->imap_selection_info)
		return error_set(err, "'%s' gave no information on folder '%s'", im->host, folder);
	im->looked = exists_now(im);
	*uidvalidity = im->session->imap_selection_info->sel_uidvalidity;
	*uidnext = im->session->imap_selection_info->sel_uidnext;
	return 0;
}

static int uint_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int imap_uids_between(struct imap *im, uint32_t first, uint32_t last, uint32_t **uidsp,
		      size_t *np, struct strbuf *err)
{
	struct mailimap_search_key *key;
	clist *result = NULL;
	uint32_t *uids;
	size_t n = 0;
	int r;

	*uidsp = NULL;
	*np = 0;
	/* an EXISTS that comes with the answer may be for a message the search
	 * did not see: what was known before it is what was looked at */
	im->looked = exists_now(im);
	key = mailimap_search_key_new_uid(mailimap_set_new_interval(first, last));
	r = mailimap_uid_search(im->session, NULL, key, &result);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(im, err, "UID SEARCH failed", r);
	uids = xcalloc((size_t)clist_count(result) + 1, sizeof(*uids));
	for (clistiter *it = clist_begin(result); it; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);
		/* "UID n:*" also matches the last message when n is past it */
		if (uid >= first && (!last || uid <= last))
			uids[n++] = uid;
	}
	mailimap_search_result_free(result);
	qsort(uids, n, sizeof(*uids), uint_cmp);
	*uidsp = uids;
	*np = n;
	return 0;
}

static int64_t internaldate(const struct mailimap_date_time *d)
{
	struct tm tm = { 0 };
	int zone = d->dt_zone, sign = zone < 0 ? -1 : 1;

	tm.tm_year = d->dt_year - 1900;
	tm.tm_mon = d->dt_month - 1;
	tm.tm_mday = d->dt_day;
	tm.tm_hour = d->dt_hour;
	tm.tm_min = d->dt_min;
	tm.tm_sec = d->dt_sec;
	zone *= sign; /* +hhmm */
	return (int64_t)timegm(&tm) - sign * ((zone / 100) * 3600 + (zone % 100) * 60);
}

/* What one message's FETCH response says, of what pocgate asks for. */
struct att {
	uint32_t uid;
	size_t size;
	int64_t received;
	const struct mailimap_msg_att_body_section *body;
};

static void read_att(const struct mailimap_msg_att *ma, struct att *a)
{
	memset(a, 0, sizeof(*a));
	for (clistiter *jt = clist_begin(ma->att_list); jt; jt = clist_next(jt)) {
		struct mailimap_msg_att_item *item = clist_content(jt);
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		struct mailimap_msg_att_static *st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			a->uid = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
			a->size = st->att_data.att_rfc822_size;
		else if (st->att_type == MAILIMAP_MSG_ATT_INTERNALDATE && st->att_data.att_internal_date)
			a->received = internaldate(st->att_data.att_internal_date);
		else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION)
			a->body = st->att_data.att_body_section;
	}
}

static int uid_index(const uint32_t *uids, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && uids[lo] == uid ? (int)lo : -1;
}

int imap_meta(struct imap *im, const uint32_t *uids, size_t n, size_t *sizes, int64_t *received,
	      struct strbuf *err)
{
	struct mailimap_set *set;
	struct mailimap_fetch_type *ft;
	clist *result = NULL;
	int r;

	for (size_t i = 0; i < n; i++) {
		sizes[i] = 0;
		received[i] = 0;
	}
	if (!n)
		return 0;
	set = mailimap_set_new_interval(uids[0], uids[n - 1]);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_internaldate());
	r = mailimap_uid_fetch(im->session, set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(im, err, "UID FETCH of sizes failed", r);
	for (clistiter *it = clist_begin(result); it; it = clist_next(it)) {
		struct att a;
		read_att(clist_content(it), &a);
		int k = uid_index(uids, n, a.uid);
		if (k >= 0) {
			sizes[k] = a.size;
			received[k] = a.received;
		}
	}
	mailimap_fetch_list_free(result);
	return 0;
}

struct imap_bodies {
	clist *result;		/* libetpan's answer: owns the bytes */
	struct imap_body {
		const char *data;
		size_t len;
	} *body;		/* one per UID asked about */
};

int imap_fetch_bodies(struct imap *im, const uint32_t *uids, const unsigned char *want, size_t n,
		      struct imap_bodies **bp, struct strbuf *err)
{
	struct imap_bodies *b = xcalloc(1, sizeof(*b));
	struct mailimap_set *set = mailimap_set_new_empty();
	struct mailimap_fetch_type *ft;
	size_t asked = 0;
	int r;

	b->body = xcalloc(n + 1, sizeof(*b->body));
	*bp = b;
	for (size_t i = 0; i < n; i++)
		if (want[i]) {
			if (mailimap_set_add_single(set, uids[i]) != MAILIMAP_NO_ERROR)
				msg_fatal(71, "out of memory");
			asked++;
		}
	if (!asked) {
		mailimap_set_free(set);
		return 0;
	}
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(
		ft, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	r = mailimap_uid_fetch(im->session, set, ft, &b->result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(im, err, "UID FETCH of messages failed", r);
	for (clistiter *it = clist_begin(b->result); it; it = clist_next(it)) {
		struct att a;
		read_att(clist_content(it), &a);
		int k = uid_index(uids, n, a.uid);
		/* unsolicited FETCH responses (flag changes) carry no body */
		if (k >= 0 && want[k] && a.body && a.body->sec_body_part) {
			b->body[k].data = a.body->sec_body_part;
			b->body[k].len = a.body->sec_length;
		}
	}
	return 0;
}

const char *imap_body(const struct imap_bodies *b, size_t i, size_t *len)
{
	*len = b->body[i].len;
	return b->body[i].data;
}

void imap_bodies_free(struct imap_bodies **bp)
{
	if (!bp || !*bp)
		return;
	if ((*bp)->result)
		mailimap_fetch_list_free((*bp)->result);
	free((*bp)->body);
	free(*bp);
	*bp = NULL;
}

static int file_set(struct imap *im, struct mailimap_set *set, const char *folder, int move)
{
	return move ? mailimap_uid_move(im->session, set, folder) :
		      mailimap_uid_copy(im->session, set, folder);
}

int imap_file(struct imap *im, const uint32_t *uids, size_t n, const char *folder, int move,
	      struct strbuf *err)
{
	struct mailimap_set *set;
	int r;

	if (!n)
		return 0;
	if (move) {
		if (!im->can_move)
			im->can_move = has_capability(im->session, "MOVE") ? 1 : -1;
		if (im->can_move < 0)
			return error_set(err, "'%s' does not offer MOVE (RFC 6851): set "
					      "imap.processed_move = false to copy instead", im->host);
	}
	set = mailimap_set_new_empty();
	for (size_t i = 0; i < n; i++)
		if (mailimap_set_add_single(set, uids[i]) != MAILIMAP_NO_ERROR)
			msg_fatal(71, "out of memory");
	r = file_set(im, set, folder, move);
	if (r == MAILIMAP_ERROR_UID_COPY || r == MAILIMAP_ERROR_UID_MOVE) {
		/* most likely missing ([TRYCREATE]): create it once and retry;
		 * a CREATE refused because it exists meanwhile changes nothing */
		mailimap_create(im->session, folder);
		r = file_set(im, set, folder, move);
	}
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(im, err, move ? "UID MOVE failed" : "UID COPY failed", r);
	return 0;
}

int imap_has_idle(struct imap *im)
{
	return mailimap_has_idle(im->session);
}

int imap_idle(struct imap *im, int timeout, const int *stop_fds, int nstop, struct strbuf *err)
{
	struct pollfd pfd[1 + IMAP_IDLE_STOP_MAX];
	int r, n = 1, changed = 0;

	/* new mail announced in the answer to a command since the last search
	 * (the server will not announce it again in IDLE) */
	if (exists_now(im) != im->looked)
		return 1;
	if ((r = mailimap_idle(im->session)) != MAILIMAP_NO_ERROR)
		return imap_error(im, err, "IDLE refused", r);
	/* mail that came between the last search and IDLE is announced with
	 * the "+ idling" line, in the same read: libetpan has it buffered
	 * already, and the socket will stay quiet */
	if (im->session->imap_stream && im->session->imap_stream->read_buffer_len > 0) {
		if ((r = mailimap_idle_done(im->session)) != MAILIMAP_NO_ERROR)
			return imap_error(im, err, "IDLE did not end cleanly", r);
		return 1;
	}
	pfd[0].fd = mailimap_idle_get_fd(im->session);
	pfd[0].events = POLLIN;
	for (int i = 0; i < nstop && i < IMAP_IDLE_STOP_MAX; i++) {
		pfd[n].fd = stop_fds[i];
		pfd[n++].events = POLLIN;
	}
	for (;;) {
		r = poll(pfd, (nfds_t)n, timeout * 1000);
		if (r < 0 && errno == EINTR)
			continue;
		break;
	}
	if (r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
		changed = 1;
	if ((r = mailimap_idle_done(im->session)) != MAILIMAP_NO_ERROR)
		return imap_error(im, err, "IDLE did not end cleanly", r);
	/* an EXISTS that came with DONE's answer, when something else ended
	 * the wait: libetpan counted it, and the server will not say it again */
	if (exists_now(im) != im->looked)
		changed = 1;
	return changed;
}
