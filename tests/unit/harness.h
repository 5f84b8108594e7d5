/*
 * A minimal host test harness.  Each test is a void function using CHECK;
 * main() calls RUN for each and returns harness_done().  Output is one line
 * per test, "PASS unit/<prog>/<test>" or "FAIL unit/<prog>/<test>: why",
 * which scripts/test counts.
 */
#ifndef TESTS_UNIT_HARNESS_H
#define TESTS_UNIT_HARNESS_H

#include <stdio.h>
#include <string.h>

static const char *harness_prog;
static int harness_failed_now;
static int harness_failures;

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("FAIL unit/%s/%s: %s:%d: %s\n", harness_prog,	\
		    harness_test, __FILE__, __LINE__, #cond);		\
		harness_failed_now = 1;					\
		return;							\
	}								\
} while (0)

static const char *harness_test;

static inline void
harness_run(const char *name, void (*fn)(void))
{
	harness_test = name;
	harness_failed_now = 0;
	fn();
	if (harness_failed_now)
		harness_failures++;
	else
		printf("PASS unit/%s/%s\n", harness_prog, name);
	fflush(stdout);
}

#define RUN(fn) harness_run(#fn, fn)

static inline void
harness_begin(const char *prog)
{
	harness_prog = prog;
}

static inline int
harness_done(void)
{
	return harness_failures ? 1 : 0;
}

#endif
