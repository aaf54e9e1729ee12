/*
 * csv.h - RFC 4180 records from a buffer, and quoting for output
 */
#ifndef POCGATE_CSV_H
#define POCGATE_CSV_H

#include <stddef.h>

#include <pocgate/strbuf.h>

struct csv_reader {
	const char *buf;	/* borrowed */
	size_t len;
	size_t pos;
	unsigned line;		/* line of the next byte, from 1 */
};

struct csv_record {
	unsigned line;		/* line the record starts on */
	size_t n;		/* fields in use */
	size_t alloc;
	struct strbuf *fields;	/* owned */
};

/* Starts reading buf (a UTF-8 byte order mark is skipped). */
void csv_reader_init(struct csv_reader *r, const char *buf, size_t len);
/* Reads the next non-empty record into rec. Returns 1 for a record, 0 at
 * the end, -1 for a malformed record: *why says what, rec->line where, and
 * the reader has moved past it so reading can go on. */
int csv_read(struct csv_reader *r, struct csv_record *rec, struct strbuf *why);
void csv_record_release(struct csv_record *rec);

/* Appends v as one field, quoted when it holds ',', '"', CR or LF. */
void csv_add_field(struct strbuf *out, const char *v);

#endif
