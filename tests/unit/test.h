/*
 * test.h - the little that unit tests need
 *
 * Each test is a function; RUN() calls it and prints "ok - NAME" or
 * "not ok - NAME" (tests/run.sh counts those lines). CHECK() records a
 * failure with file, line and expression and lets the test go on, so one
 * run shows every broken expectation.
 */
#ifndef POCGATE_TEST_H
#define POCGATE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failed_now, test_failures;

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			test_failed_now = 1;                                              \
		}                                                                         \
	} while (0)

#define CHECK_STR(got, want)                                                              \
	do {                                                                              \
		const char *g_ = (got), *w_ = (want);                                     \
		if (!g_ || !w_ || strcmp(g_, w_) != 0) {                                  \
			printf("#   %s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__,        \
			       __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");   \
			test_failed_now = 1;                                              \
		}                                                                         \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                                       \
	do {                                                                              \
		const char *h_ = (hay), *n_ = (needle);                                   \
		if (!h_ || !strstr(h_, n_)) {                                             \
			printf("#   %s:%d: %s does not contain \"%s\": \"%s\"\n", __FILE__,   \
			       __LINE__, #hay, n_, h_ ? h_ : "(null)");                   \
			test_failed_now = 1;                                              \
		}                                                                         \
	} while (0)

#define RUN(fn)                                                                           \
	do {                                                                              \
		test_failed_now = 0;                                                      \
		fn();                                                                     \
		printf("%s - %s\n", test_failed_now ? "not ok" : "ok", #fn);              \
		fflush(stdout);                                                           \
		test_failures += test_failed_now;                                         \
	} while (0)

#define TEST_EXIT() return test_failures ? 1 : 0

/* A fresh directory under $TMPDIR, removed by test_tmpdir_remove(). */
static inline char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *t = malloc(256);

	snprintf(t, 256, "%s/pocgate-test.XXXXXX", base && *base ? base : "/tmp");
	if (!t || !mkdtemp(t)) {
		perror("mkdtemp");
		exit(2);
	}
	return t;
}

static inline void test_tmpdir_remove(char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	free(dir);
}

static inline void test_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
}

#endif
