/*
 * libFuzzer target for cmdline_parse (kernel/cmdline.c).  The input is
 * the command line (cut at its first NUL).  Every result is checked
 * against the contract in kernel/internal.h, and a round trip checks the
 * quoting scripts/run relies on: argv quoted word by word ("..." with
 * '"' and '\' escaped) and parsed again gives the same argv.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct kcmdline k, k2;

static void
check_ptr(const struct kcmdline *c, const char *s)
{
	PROMISE(s >= c->buf && s < c->buf + sizeof(c->buf));
	PROMISE(memchr(s, '\0', c->buf + sizeof(c->buf) - s) != NULL);
}

static void
check_result(const struct kcmdline *c, int r)
{
	int i;

	PROMISE(r == 0 || r == -E2BIG);
	PROMISE(c->argc >= 0 && c->argc <= CMDLINE_MAX_ARGS);
	PROMISE(c->envc >= 0 && c->envc <= CMDLINE_MAX_ENV);
	PROMISE(c->nunknown >= 0 && c->nunknown <= 16);
	PROMISE(c->argv[c->argc] == NULL && c->envp[c->envc] == NULL);
	for (i = 0; i < c->argc; i++)
		check_ptr(c, c->argv[i]);
	for (i = 0; i < c->envc; i++) {
		check_ptr(c, c->envp[i]);
		PROMISE(strchr(c->envp[i], '=') > c->envp[i]);
	}
	for (i = 0; i < c->nunknown; i++)
		check_ptr(c, c->unknown[i]);
}

/* Quote argv as scripts/run does; NULL if it would not fit in n bytes. */
static char *
quote_argv(const struct kcmdline *c, char *out, size_t n)
{
	size_t len = 0;
	const char *s;
	int i;

	if (n < 3)
		return NULL;
	memcpy(out, "--", 2);
	len = 2;
	for (i = 0; i < c->argc; i++) {
		if (len + 3 > n)
			return NULL;
		memcpy(out + len, " \"", 2);
		len += 2;
		for (s = c->argv[i]; *s != '\0'; s++) {
			if (len + 3 > n)
				return NULL;
			if (*s == '"' || *s == '\\')
				out[len++] = '\\';
			out[len++] = *s;
		}
		out[len++] = '"';
	}
	if (len >= n)
		return NULL;
	out[len] = '\0';
	return out;
}

static void
round_trip(void)
{
	static char line[4 * sizeof(k.buf)];
	int i;

	if (quote_argv(&k, line, sizeof(line)) == NULL)
		return;
	PROMISE(cmdline_parse(line, &k2) == 0);
	PROMISE(k2.argc == k.argc);
	for (i = 0; i < k.argc; i++)
		PROMISE(strcmp(k.argv[i], k2.argv[i]) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line;
	int r;

	line = malloc(size + 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	r = cmdline_parse(line, &k);
	free(line);
	check_result(&k, r);
	if (r == 0)
		round_trip();
	return 0;
}
