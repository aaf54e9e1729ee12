/*
 * NAME
 *	gen-charsets - charset tables asked of iconv, at build time
 * SYNOPSIS
 *	gen-charsets > build/gen/charsets.h
 * DESCRIPTION
 *	Opening an iconv converter loads the charset's glibc module: 0.4 to
 *	1.5 ms a charset, in every process, more than pocgate classify takes
 *	for twenty messages. For the single-byte charsets mail uses, the
 *	conversion is a table of 128 code points, and this program asks this
 *	machine's iconv for it, byte by byte, when pocgate is built; mime.c
 *	converts with the table. A charset whose lower half is not ASCII, or
 *	that iconv does not know, is left out (mime.c then uses iconv).
 *	A byte the charset does not define is 0 in its table.
 *
 *	The East Asian charsets of one- and two-byte characters (GB18030's
 *	two-byte part, Big5, Shift_JIS, EUC-KR, EUC-JP, whose table also
 *	reads ISO-2022-JP) get a table of every two-byte sequence, asked of
 *	iconv the same way: the bytes that are characters alone (Shift_JIS
 *	reads 0x5c as the yen sign), and, for the lead bytes, each pair's code point (0: not one
 *	character of the Basic Multilingual Plane; mime.c hands a text with
 *	such a sequence to iconv).
 * DIAGNOSTICS
 *	Exit 0, or 1 when not even one table could be made.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

/* iconv's name, then the names mail uses for it, written as mime.c looks
 * them up: lower case, letters and digits only ("ISO-8859-2": iso88592) */
static const char *const charsets[][4] = {
	{ "ISO-8859-2", "iso88592", "latin2", NULL },
	{ "ISO-8859-3", "iso88593", NULL },
	{ "ISO-8859-4", "iso88594", NULL },
	{ "ISO-8859-5", "iso88595", NULL },
	{ "ISO-8859-6", "iso88596", NULL },
	{ "ISO-8859-7", "iso88597", NULL },
	{ "ISO-8859-8", "iso88598", "iso88598i", NULL },
	{ "ISO-8859-9", "iso88599", "latin5", NULL },
	{ "ISO-8859-10", "iso885910", NULL },
	{ "ISO-8859-13", "iso885913", NULL },
	{ "ISO-8859-14", "iso885914", NULL },
	{ "ISO-8859-15", "iso885915", "latin9", NULL },
	{ "ISO-8859-16", "iso885916", NULL },
	{ "WINDOWS-1250", "windows1250", "cp1250", NULL },
	{ "WINDOWS-1251", "windows1251", "cp1251", NULL },
	{ "WINDOWS-1252", "windows1252", "cp1252", NULL },
	{ "WINDOWS-1253", "windows1253", "cp1253", NULL },
	{ "WINDOWS-1254", "windows1254", "cp1254", NULL },
	{ "WINDOWS-1255", "windows1255", "cp1255", NULL },
	{ "WINDOWS-1256", "windows1256", "cp1256", NULL },
	{ "WINDOWS-1257", "windows1257", "cp1257", NULL },
	{ "WINDOWS-1258", "windows1258", "cp1258", NULL },
	{ "KOI8-R", "koi8r", NULL },
	{ "KOI8-U", "koi8u", NULL },
	{ "CP866", "cp866", "ibm866", NULL },
	{ "CP850", "cp850", "ibm850", NULL },
	{ "CP437", "cp437", "ibm437", NULL },
	{ "MACINTOSH", "macintosh", "macroman", NULL },
	{ "TIS-620", "tis620", NULL },
};

/* The code point of byte b in cd's charset, 0 when it has none; -1 when
 * the byte becomes more than one character. */
static long code_point(iconv_t cd, unsigned char b)
{
	char in[1] = { (char)b }, out[8], *ip = in, *op = out;
	size_t il = 1, ol = sizeof(out);

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
		return errno == EILSEQ || errno == EINVAL ? 0 : -1;
	if (ol != sizeof(out) - 4) /* UTF-32BE: exactly one character */
		return ol == sizeof(out) ? 0 : -1;
	return (long)((unsigned char)out[0] << 24 | (unsigned char)out[1] << 16 |
		      (unsigned char)out[2] << 8 | (unsigned char)out[3]);
}

/* iconv's name, then the names mail uses for it (see charsets[]) */
static const char *const double_byte[][5] = {
	{ "GB18030", "gb18030", "gbk", "gb2312", NULL },
	{ "BIG5", "big5", NULL },
	{ "SHIFT_JIS", "shiftjis", "sjis", "xsjis", NULL },
	{ "EUC-KR", "euckr", NULL },
	{ "EUC-JP", "eucjp", "xeucjp", NULL },
};

/* What iconv makes of the n bytes in: 1 and *cp for one character of
 * the Basic Multilingual Plane, 0 for bytes that begin a longer sequence,
 * -1 for anything else. */
static int decode(iconv_t cd, const unsigned char *in, size_t n, unsigned *cp)
{
	char buf[4], out[16], *ip = buf, *op = out;
	size_t il = n, ol = sizeof(out);

	memcpy(buf, in, n);
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
		return errno == EINVAL ? 0 : -1;
	if (il != 0 || ol != sizeof(out) - 4 || out[0] || out[1])
		return -1; /* not one character, or beyond U+FFFF */
	*cp = (unsigned char)out[2] << 8 | (unsigned char)out[3];
	return 1;
}

/* One double-byte charset's tables, printed as dbcs_N; 0 when iconv does
 * not know it or its lower half is not ASCII. */
static int double_byte_table(size_t n, const char *const *names)
{
	iconv_t cd = iconv_open("UTF-32BE", names[0]);
	static unsigned short pairs[128][256];
	unsigned short single[256] = { 0 };
	unsigned lead_lo = 256, lead_hi = 0, trail_lo = 256, trail_hi = 0, cp;
	unsigned char in[2];

	if (cd == (iconv_t)-1)
		return 0;
	memset(pairs, 0, sizeof(pairs));
	for (unsigned b = 1; b < 0x80; b++) { /* Shift_JIS: 0x5c is the yen sign */
		in[0] = (unsigned char)b;
		if (decode(cd, in, 1, &cp) != 1 || (b < 0x20 && cp != b)) {
			iconv_close(cd);
			return 0;
		}
		single[b] = (unsigned short)cp;
	}
	for (unsigned l = 0x80; l < 0x100; l++) {
		in[0] = (unsigned char)l;
		int r = decode(cd, in, 1, &cp);
		if (r == 1)
			single[l] = (unsigned short)cp;
		if (r != 0)
			continue;
		for (unsigned t = 0x21; t < 0x100; t++) {
			in[1] = (unsigned char)t;
			if (decode(cd, in, 2, &cp) != 1 || cp == 0)
				continue;
			pairs[l - 0x80][t] = (unsigned short)cp;
			lead_lo = l < lead_lo ? l : lead_lo;
			lead_hi = l > lead_hi ? l : lead_hi;
			trail_lo = t < trail_lo ? t : trail_lo;
			trail_hi = t > trail_hi ? t : trail_hi;
		}
	}
	iconv_close(cd);
	if (lead_lo > lead_hi)
		return 0;
	printf("static const unsigned short dbcs_%zu[] = {", n);
	size_t k = 0;
	for (unsigned l = lead_lo; l <= lead_hi; l++)
		for (unsigned t = trail_lo; t <= trail_hi; t++, k++)
			printf("%s%u,", k % 12 == 0 ? "\n\t" : " ", pairs[l - 0x80][t]);
	puts("\n};");
	printf("static const unsigned short dbcs_single_%zu[256] = {", n);
	for (unsigned b = 0; b < 256; b++)
		printf("%s%u,", b % 12 == 0 ? "\n\t" : " ", single[b]);
	puts("\n};");
	printf("#define DBCS_%zu { ", n);
	for (size_t j = 1; j < 5 && names[j]; j++)
		printf("\"%s\", ", names[j]);
	printf("}, dbcs_single_%zu, 0x%x, 0x%x, 0x%x, 0x%x, dbcs_%zu\n", n, lead_lo, lead_hi,
	       trail_lo, trail_hi, n);
	return 1;
}

int main(void)
{
	size_t made = 0;
	int dbcs[sizeof(double_byte) / sizeof(double_byte[0])];

	puts("/* Generated by src/gen-charsets.c from the iconv of the machine that built\n"
	     " * pocgate: do not edit. */\n"
	     "static const struct byte_charset {\n"
	     "\tconst char *names[3];\n"
	     "\tunsigned short cp[128];\n"
	     "} byte_charsets[] = {");
	for (size_t i = 0; i < sizeof(charsets) / sizeof(charsets[0]); i++) {
		iconv_t cd = iconv_open("UTF-32BE", charsets[i][0]);
		unsigned short cp[128];
		int ok = cd != (iconv_t)-1;

		for (unsigned b = 0; ok && b < 256; b++) {
			long c = code_point(cd, (unsigned char)b);
			if (b < 0x80)
				ok = c == (long)b || (b == 0 && c == 0);
			else if (c < 0 || c > 0xffff)
				ok = 0;
			else
				cp[b - 0x80] = (unsigned short)c;
		}
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		if (!ok) {
			fprintf(stderr, "gen-charsets: %s left to iconv\n", charsets[i][0]);
			continue;
		}
		printf("\t{ { \"%s\", %s%s%s },\n\t  {", charsets[i][1],
		       charsets[i][2] ? "\"" : "", charsets[i][2] ? charsets[i][2] : "NULL",
		       charsets[i][2] ? "\"" : "");
		for (unsigned b = 0; b < 128; b++)
			printf("%s%u%s", b % 12 == 0 ? "\n\t    " : " ", cp[b], b < 127 ? "," : "");
		puts(" } },");
		made++;
	}
	puts("};");

	for (size_t i = 0; i < sizeof(double_byte) / sizeof(double_byte[0]); i++)
		if (!(dbcs[i] = double_byte_table(i, double_byte[i])))
			fprintf(stderr, "gen-charsets: %s left to iconv\n", double_byte[i][0]);
	puts("static const struct dbcs_charset {\n"
	     "\tconst char *names[5];\n"
	     "\tconst unsigned short *single; /* each byte alone; 0: not a character */\n"
	     "\tunsigned char lead_lo, lead_hi, trail_lo, trail_hi;\n"
	     "\tconst unsigned short *pairs; /* [lead - lead_lo][trail - trail_lo] */\n"
	     "} dbcs_charsets[] = {");
	for (size_t i = 0; i < sizeof(double_byte) / sizeof(double_byte[0]); i++)
		if (dbcs[i])
			printf("\t{ DBCS_%zu },\n", i);
	puts("\t{ { NULL }, NULL, 0, 0, 0, 0, NULL },\n};");
	return made ? 0 : 1;
}
