/*
 * kernel/cmdline.c: the kernel command line, "[options] -- guest argv".
 *
 * The line comes from the boot loader (and so from whoever built the
 * image); it is parsed as untrusted input and fuzzed.  Words are unpacked
 * into out->buf, which the argv/envp/unknown pointers point into, so the
 * result needs no allocation and outlives the boot loader's memory.
 */
#include "kernel/internal.h"

/* Parser state: the result and how much of out->buf is used. */
struct cl {
	struct kcmdline *out;
	size_t used;
	bool guest;		/* past "--": words are guest argv */
};

static bool
cl_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Unpack the word starting at *s into out->buf, NUL-terminated: '"'
 * toggles quoting (spaces inside are part of the word, an unterminated
 * quote runs to the end of the line), '\' takes the next character as it
 * is (a '\' at the very end stays a '\').  Advances *s past the word.
 * Returns the word, or NULL when out->buf is full.
 */
static char *
cl_word(struct cl *c, const char **s)
{
	char *buf = c->out->buf;
	size_t cap = sizeof(c->out->buf);
	char *word = buf + c->used;
	const char *p = *s;
	bool quoted = false;

	while (*p != '\0' && (quoted || !cl_space(*p))) {
		if (*p == '"') {
			quoted = !quoted;
			p++;
			continue;
		}
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (c->used + 1 >= cap)
			return NULL;
		buf[c->used++] = *p++;
	}
	*s = p;
	if (c->used >= cap)
		return NULL;
	buf[c->used++] = '\0';
	return word;
}

/* "loglevel=N": N is 1 to 9 decimal digits. */
static bool
cl_number(const char *s, int *v)
{
	int n = 0, i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 9)
			return false;
		n = n * 10 + (s[i] - '0');
	}
	if (i == 0 || s[i] != '\0')
		return false;
	*v = n;
	return true;
}

/* "ROWSxCOLS", each 1..65535. */
static bool
cl_winsize(const char *s, struct kcmdline *out)
{
	char num[10];
	const char *x = strchr(s, 'x');
	int rows, cols;

	if (x == NULL || x == s || (size_t)(x - s) >= sizeof(num))
		return false;
	memcpy(num, s, (size_t)(x - s));
	num[x - s] = '\0';
	if (!cl_number(num, &rows) || !cl_number(x + 1, &cols) ||
	    rows < 1 || rows > 65535 || cols < 1 || cols > 65535)
		return false;
	out->rows = (uint16_t)rows;
	out->cols = (uint16_t)cols;
	return true;
}

/* An unknown option: kept for the report, or dropped past 16 of them. */
static void
cl_unknown(struct cl *c, char *w, size_t start)
{
	struct kcmdline *out = c->out;

	if (out->nunknown < (int)(sizeof(out->unknown) /
	    sizeof(out->unknown[0])))
		out->unknown[out->nunknown++] = w;
	else
		c->used = start;
}

/*
 * A kernel option.  "env=NAME=VALUE" keeps its storage (envp points at
 * NAME); flags give theirs back.  A malformed env= or loglevel= is an
 * unknown option.
 */
static int
cl_option(struct cl *c, char *w, size_t start)
{
	struct kcmdline *out = c->out;
	const char *eq;

	if (strcmp(w, "selftest=cow") == 0) {
		/* The platform's (platform/selftest.c), done at boot. */
		c->used = start;
		return 0;
	}
	if (strncmp(w, "env=", 4) == 0 &&
	    (eq = strchr(w + 4, '=')) != NULL && eq != w + 4) {
		if (out->envc == CMDLINE_MAX_ENV)
			return -E2BIG;
		out->envp[out->envc++] = w + 4;
		return 0;
	}
	if (strcmp(w, "strace") == 0)
		out->strace = true;
	else if (strcmp(w, "quiet") == 0)
		out->quiet = true;
	else if (strcmp(w, "noenv") == 0)
		out->noenv = true;
	else if (strcmp(w, "norandmaps") == 0)
		out->norandmaps = true;
	else if (strcmp(w, "console=tty") == 0)
		out->console_tty = true;
	else if (strcmp(w, "console=raw") == 0)
		out->console_tty = false;
	else if (strcmp(w, "gdb") == 0)
		out->gdb = KGDB_ON;
	else if (strcmp(w, "gdb=wait") == 0)
		out->gdb = KGDB_WAIT;
	else if (strcmp(w, "stdin=empty") == 0)
		;	/* the platform's (platform/uart.c) */
	else if (strncmp(w, "winsize=", 8) == 0 &&
	    cl_winsize(w + 8, out))
		;
	else if (strncmp(w, "loglevel=", 9) != 0 ||
	    !cl_number(w + 9, &out->loglevel)) {
		cl_unknown(c, w, start);
		return 0;
	}
	c->used = start;
	return 0;
}

int
cmdline_parse(const char *line, struct kcmdline *out)
{
	struct cl c = { .out = out, .used = 0, .guest = false };
	size_t start;
	char *w;
	int error;

	memset(out, 0, sizeof(*out));
	out->loglevel = -1;
	if (line == NULL)
		return 0;
	for (;;) {
		while (cl_space(*line))
			line++;
		if (*line == '\0')
			return 0;
		start = c.used;
		w = cl_word(&c, &line);
		if (w == NULL)
			return -E2BIG;
		if (c.guest) {
			if (out->argc == CMDLINE_MAX_ARGS)
				return -E2BIG;
			out->argv[out->argc++] = w;
		} else if (strcmp(w, "--") == 0) {
			c.guest = true;
			c.used = start;
		} else {
			error = cl_option(&c, w, start);
			if (error != 0)
				return error;
		}
	}
}
