/*
 * NAME
 *	csv - RFC 4180 reader and field quoting
 * SYNOPSIS
 *	#include <pocgate/csv.h>
 *	csv_reader_init(), csv_read(), csv_record_release(), csv_add_field()
 * DESCRIPTION
 *	Reads records from a whole buffer: fields separated by ',', records by
 *	CRLF or LF, fields optionally in double quotes, where '""' is a quote
 *	and commas, CR and LF are data. Lines are counted so that every
 *	problem can be named FILE:LINE, the line being where the record starts.
 *	Empty lines are skipped. A quote inside an unquoted field, text after
 *	a closing quote and a quote left open at the end are errors; after an
 *	error the reader resumes at the next line, so every bad record is
 *	reported, not only the first.
 * STANDARDS
 *	RFC 4180.
 * SECURITY
 *	Reads untrusted input; bounded by len, never by a NUL.
 */
#include <pocgate/csv.h>

#include <stdlib.h>
#include <string.h>

#include <pocgate/xalloc.h>

void csv_reader_init(struct csv_reader *r, const char *buf, size_t len)
{
	r->buf = buf;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		r->pos = 3;
}

static struct strbuf *next_field(struct csv_record *rec)
{
	if (rec->n == rec->alloc) {
		size_t na = rec->alloc ? rec->alloc * 2 : 16;
		rec->fields = xreallocarray(rec->fields, na, sizeof(*rec->fields));
		for (size_t i = rec->alloc; i < na; i++)
			sb_init(&rec->fields[i], 0);
		rec->alloc = na;
	}
	sb_reset(&rec->fields[rec->n]);
	return &rec->fields[rec->n++];
}

/* Moves past the end of the current line after an error. */
static void skip_line(struct csv_reader *r)
{
	while (r->pos < r->len && r->buf[r->pos] != '\n')
		r->pos++;
	if (r->pos < r->len) {
		r->pos++;
		r->line++;
	}
}

int csv_read(struct csv_reader *r, struct csv_record *rec, struct strbuf *why)
{
	const char *b = r->buf;

	rec->n = 0;
	/* skip empty lines */
	while (r->pos < r->len && (b[r->pos] == '\n' || b[r->pos] == '\r')) {
		if (b[r->pos] == '\n')
			r->line++;
		r->pos++;
	}
	if (r->pos >= r->len)
		return 0;
	rec->line = r->line;
	for (;;) {
		struct strbuf *f = next_field(rec);

		if (r->pos < r->len && b[r->pos] == '"') {
			unsigned open_line = r->line;
			r->pos++;
			for (;;) {
				if (r->pos >= r->len) {
					sb_addf(why, "quoted field opened on line %u is never closed",
						    open_line);
					return -1;
				}
				char c = b[r->pos++];
				if (c == '"') {
					if (r->pos < r->len && b[r->pos] == '"') {
						sb_addch(f, '"');
						r->pos++;
						continue;
					}
					break;
				}
				if (c == '\n')
					r->line++;
				sb_addch(f, c);
			}
			if (r->pos < r->len && b[r->pos] != ',' && b[r->pos] != '\n' &&
			    !(b[r->pos] == '\r' && (r->pos + 1 >= r->len || b[r->pos + 1] == '\n'))) {
				sb_addf(why, "text after the closing quote of field %zu", rec->n);
				skip_line(r);
				return -1;
			}
		} else {
			while (r->pos < r->len && b[r->pos] != ',' && b[r->pos] != '\n') {
				char c = b[r->pos];
				if (c == '\r' && (r->pos + 1 >= r->len || b[r->pos + 1] == '\n')) {
					r->pos++;
					continue;
				}
				if (c == '"') {
					sb_addf(why, "stray '\"' in unquoted field %zu", rec->n);
					skip_line(r);
					return -1;
				}
				sb_addch(f, c);
				r->pos++;
			}
		}
		if (r->pos < r->len && b[r->pos] == '\r')
			r->pos++;
		if (r->pos >= r->len)
			return 1;
		if (b[r->pos] == ',') {
			r->pos++;
			continue;
		}
		/* '\n' */
		r->pos++;
		r->line++;
		return 1;
	}
}

void csv_record_release(struct csv_record *rec)
{
	for (size_t i = 0; i < rec->alloc; i++)
		sb_release(&rec->fields[i]);
	free(rec->fields);
	memset(rec, 0, sizeof(*rec));
}

void csv_add_field(struct strbuf *out, const char *v)
{
	if (!v)
		return;
	if (!strpbrk(v, ",\"\r\n")) {
		sb_addstr(out, v);
		return;
	}
	sb_addch(out, '"');
	for (; *v; v++) {
		if (*v == '"')
			sb_addch(out, '"');
		sb_addch(out, *v);
	}
	sb_addch(out, '"');
}
