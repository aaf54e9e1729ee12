/*
 * fuzz-classify.c - libFuzzer target: parse and classify any bytes
 *
 * Every input must be parsed, classified and released without a crash, a
 * leak or undefined behaviour, and the verdict must be one of the five; the
 * strings handed on must be valid UTF-8 (mime.h promises it). Built and run
 * by tests/fuzz/run.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pocgate/classify.h>
#include <pocgate/mime.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		unsigned c = *p;
		size_t n = c < 0x80		    ? 1
			   : c >= 0xc2 && c <= 0xdf ? 2
			   : c >= 0xe0 && c <= 0xef ? 3
			   : c >= 0xf0 && c <= 0xf4 ? 4
						    : 0;
		if (!n)
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_msg m;
	struct classification c;

	mime_parse((const char *)data, size, &m);
	classification_init(&c);
	classify(&m, &c);
	if (c.verdict > VERDICT_MALFORMED || !c.rule || !valid_utf8(c.reason.buf))
		abort();
	if (!valid_utf8(m.text.buf) || !valid_utf8(m.subject) || !valid_utf8(m.from) ||
	    !valid_utf8(m.from_name) || !valid_utf8(m.dsn.diagnostic))
		abort();
	if (m.malformed && !m.malformed_reason)
		abort();
	classification_release(&c);
	mime_release(&m);
	return 0;
}
