/*
 * Host tests for kernel/cmdline.c: options, "--", quoting and escapes,
 * env=, overflow of each array and of the storage, unknown options.
 */
#include <stdlib.h>

#include "kernel/internal.h"
#include "tests/unit/harness.h"

static struct kcmdline k;

/* Every pointer the parser hands out lies inside k.buf. */
static int
in_buf(const char *s)
{
	return s >= k.buf && s < k.buf + sizeof(k.buf) &&
	    memchr(s, '\0', k.buf + sizeof(k.buf) - s) != NULL;
}

static int
consistent(void)
{
	int i;

	if (k.argv[k.argc] != NULL || k.envp[k.envc] != NULL)
		return 0;
	for (i = 0; i < k.argc; i++)
		if (!in_buf(k.argv[i]))
			return 0;
	for (i = 0; i < k.envc; i++)
		if (!in_buf(k.envp[i]))
			return 0;
	for (i = 0; i < k.nunknown; i++)
		if (!in_buf(k.unknown[i]))
			return 0;
	return 1;
}

static void
test_empty(void)
{
	CHECK(cmdline_parse("", &k) == 0);
	CHECK(k.argc == 0 && k.envc == 0 && k.nunknown == 0);
	CHECK(!k.strace && !k.quiet && k.loglevel == -1);
	CHECK(k.argv[0] == NULL && k.envp[0] == NULL);
	CHECK(cmdline_parse("  \t \n ", &k) == 0 && k.argc == 0);
	CHECK(cmdline_parse(NULL, &k) == 0 && k.argc == 0);
	CHECK(consistent());
}

static void
test_options(void)
{
	CHECK(cmdline_parse("selftest=cow", &k) == 0 && k.nunknown == 0);
	CHECK(cmdline_parse("strace quiet loglevel=7 env=HOME=/ "
	    "env=PATH=/bin:/usr/bin -- /bin/sh -c 'echo hi'", &k) == 0);
	CHECK(k.strace && k.quiet && k.loglevel == 7);
	CHECK(k.envc == 2);
	CHECK(strcmp(k.envp[0], "HOME=/") == 0);
	CHECK(strcmp(k.envp[1], "PATH=/bin:/usr/bin") == 0);
	CHECK(k.argc == 4);
	CHECK(strcmp(k.argv[0], "/bin/sh") == 0);
	CHECK(strcmp(k.argv[2], "'echo") == 0);	/* only "..." quotes */
	CHECK(strcmp(k.argv[3], "hi'") == 0);
	CHECK(k.nunknown == 0);
	CHECK(consistent());
	/* env values may hold '=' and be empty. */
	CHECK(cmdline_parse("env=A=b=c env=E=", &k) == 0);
	CHECK(k.envc == 2 && strcmp(k.envp[0], "A=b=c") == 0);
	CHECK(strcmp(k.envp[1], "E=") == 0);
	CHECK(k.argc == 0);
	/* The terminal's size, no default environment, no ASLR. */
	CHECK(cmdline_parse("winsize=40x100 noenv norandmaps stdin=empty -- a",
	    &k) == 0);
	CHECK(k.rows == 40 && k.cols == 100 && k.noenv && k.norandmaps);
	CHECK(k.nunknown == 0 && k.argc == 1);
	CHECK(cmdline_parse("winsize=0x5 winsize=70000x1 winsize=x3 "
	    "winsize=12345678901x2 winsize=3x", &k) == 0);
	CHECK(k.rows == 0 && k.cols == 0 && k.nunknown == 5);
	CHECK(consistent());
}

static void
test_separator(void)
{
	/* Without "--" every word is an option. */
	CHECK(cmdline_parse("/bin/true quiet", &k) == 0);
	CHECK(k.argc == 0 && k.quiet && k.nunknown == 1);
	CHECK(strcmp(k.unknown[0], "/bin/true") == 0);
	/* After "--" everything is argv, options and "--" included. */
	CHECK(cmdline_parse("-- prog -- quiet strace", &k) == 0);
	CHECK(!k.quiet && !k.strace);
	CHECK(k.argc == 4 && strcmp(k.argv[1], "--") == 0);
	CHECK(strcmp(k.argv[3], "strace") == 0);
	CHECK(cmdline_parse("quiet --", &k) == 0);
	CHECK(k.quiet && k.argc == 0 && k.argv[0] == NULL);
	CHECK(consistent());
}

static void
test_quoting(void)
{
	CHECK(cmdline_parse("-- \"hello world\" a\"b c\"d \"\" x\\ y "
	    "\"q\\\"q\" \\\\ \"tab\there\"", &k) == 0);
	CHECK(k.argc == 7);
	CHECK(strcmp(k.argv[0], "hello world") == 0);
	CHECK(strcmp(k.argv[1], "ab cd") == 0);
	CHECK(strcmp(k.argv[2], "") == 0);
	CHECK(strcmp(k.argv[3], "x y") == 0);
	CHECK(strcmp(k.argv[4], "q\"q") == 0);
	CHECK(strcmp(k.argv[5], "\\") == 0);
	CHECK(strcmp(k.argv[6], "tab\there") == 0);
	CHECK(consistent());
	/* Options may be quoted too; the quotes are not part of the value. */
	CHECK(cmdline_parse("\"env=MSG=a b\" -- x", &k) == 0);
	CHECK(k.envc == 1 && strcmp(k.envp[0], "MSG=a b") == 0);
	/* A quoted "--" is still the separator (it is the word's value). */
	CHECK(cmdline_parse("\"--\" y", &k) == 0 && k.argc == 1);
}

static void
test_unterminated(void)
{
	CHECK(cmdline_parse("-- a \"b c  d", &k) == 0);
	CHECK(k.argc == 2 && strcmp(k.argv[1], "b c  d") == 0);
	/* A backslash at the very end stays a backslash. */
	CHECK(cmdline_parse("-- a\\", &k) == 0);
	CHECK(k.argc == 1 && strcmp(k.argv[0], "a\\") == 0);
	CHECK(cmdline_parse("-- \"", &k) == 0);
	CHECK(k.argc == 1 && strcmp(k.argv[0], "") == 0);
	CHECK(consistent());
}

static void
test_unknown(void)
{
	char line[512];
	int i, n = 0;

	CHECK(cmdline_parse("foo loglevel=x loglevel= loglevel=1234567890 "
	    "env=NOEQ env==v env= bar=1", &k) == 0);
	CHECK(k.nunknown == 8 && k.envc == 0 && k.loglevel == -1);
	CHECK(strcmp(k.unknown[0], "foo") == 0);
	CHECK(strcmp(k.unknown[4], "env=NOEQ") == 0);
	CHECK(strcmp(k.unknown[7], "bar=1") == 0);
	CHECK(consistent());
	/* Past 16 unknown options the rest are dropped, not an error. */
	for (i = 0; i < 20; i++)
		n += snprintf(line + n, sizeof(line) - n, "u%d ", i);
	snprintf(line + n, sizeof(line) - n, "quiet -- z");
	CHECK(cmdline_parse(line, &k) == 0);
	CHECK(k.nunknown == 16 && strcmp(k.unknown[15], "u15") == 0);
	CHECK(k.quiet && k.argc == 1 && strcmp(k.argv[0], "z") == 0);
	CHECK(consistent());
}

static char line[3 * sizeof(k.buf)];

static void
test_too_many_words(void)
{
	int i, n;

	n = sprintf(line, "--");
	for (i = 0; i < CMDLINE_MAX_ARGS + 5; i++)
		n += sprintf(line + n, " %d", i % 10);
	CHECK(cmdline_parse(line, &k) == -E2BIG);
	CHECK(k.argc == CMDLINE_MAX_ARGS && k.argv[CMDLINE_MAX_ARGS] == NULL);
	CHECK(strcmp(k.argv[CMDLINE_MAX_ARGS - 1], "5") == 0);
	CHECK(consistent());
	n = 0;
	for (i = 0; i < CMDLINE_MAX_ENV + 5; i++)
		n += sprintf(line + n, "env=A=%d ", i % 10);
	CHECK(cmdline_parse(line, &k) == -E2BIG);
	CHECK(k.envc == CMDLINE_MAX_ENV && k.envp[CMDLINE_MAX_ENV] == NULL);
	CHECK(consistent());
}

/* "-- " then one word of n bytes of c. */
static void
one_word(size_t n, char c)
{
	memcpy(line, "-- ", 3);
	memset(line + 3, c, n);
	line[3 + n] = '\0';
}

static void
test_storage_overflow(void)
{
	int i, n;

	/* A word that exactly fills the storage fits; one byte more not. */
	one_word(sizeof(k.buf) - 1, 'y');
	CHECK(cmdline_parse(line, &k) == 0);
	CHECK(k.argc == 1 && strlen(k.argv[0]) == sizeof(k.buf) - 1);
	one_word(sizeof(k.buf), 'y');
	CHECK(cmdline_parse(line, &k) == -E2BIG);
	CHECK(k.argc == 0 && k.argv[0] == NULL);
	/* What fit before the overflowing word is kept. */
	n = sprintf(line, "quiet env=A=1 -- a ");
	memset(line + n, 'x', sizeof(k.buf));
	line[n + sizeof(k.buf)] = '\0';
	CHECK(cmdline_parse(line, &k) == -E2BIG);
	CHECK(k.quiet && k.envc == 1 && k.argc == 1);
	CHECK(strcmp(k.argv[0], "a") == 0 && k.argv[1] == NULL);
	CHECK(consistent());
	/* Many 19-byte words: storage runs out before argv does. */
	n = sprintf(line, "--");
	for (i = 0; i < 250; i++)
		n += sprintf(line + n, " abcdefghijklmnopq%02d", i % 100);
	CHECK(cmdline_parse(line, &k) == -E2BIG);
	CHECK(k.argc == (int)(sizeof(k.buf) / 20));
	CHECK(consistent());
	/* An empty word needs its NUL too. */
	one_word(sizeof(k.buf) - 1, 'z');
	strcat(line, " \"\"");
	CHECK(cmdline_parse(line, &k) == -E2BIG && k.argc == 1);
}

int
main(void)
{
	harness_begin("cmdline");
	RUN(test_empty);
	RUN(test_options);
	RUN(test_separator);
	RUN(test_quoting);
	RUN(test_unterminated);
	RUN(test_unknown);
	RUN(test_too_many_words);
	RUN(test_storage_overflow);
	return harness_done();
}
