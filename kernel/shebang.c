/*
 * The #! line of a script, as Linux's fs/binfmt_script.c reads it: from
 * the first EXEC_SHEBANG_MAX - 1 bytes, the interpreter (the first word
 * after "#!" and blanks) and at most one argument (the rest of the
 * line, blanks trimmed at both ends, inner blanks kept).  A parser of
 * guest-written files: fuzzed (tests/fuzz/fuzz_shebang.c).
 */
#include "kernel/internal.h"

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

int
exec_shebang(const void *img, size_t len, struct exec_shebang *sb)
{
	size_t n = len < EXEC_SHEBANG_MAX - 1 ? len : EXEC_SHEBANG_MAX - 1;
	char *p, *end;

	sb->interp = sb->arg = NULL;
	if (len < 2 || memcmp(img, "#!", 2) != 0)
		return -ENOEXEC;
	memcpy(sb->line, img, n);
	sb->line[n] = '\0';
	end = memchr(sb->line, '\n', n);
	if (end != NULL)
		*end = '\0';
	end = sb->line + strlen(sb->line);	/* a NUL ends the line too */
	for (p = sb->line + 2; blank(*p); p++)
		;
	sb->interp = p;
	while (*p != '\0' && !blank(*p))
		p++;
	/* Linux: an interpreter name cut by the buffer's end is refused. */
	if (p == sb->line + n && len > n)
		return -ENOEXEC;
	if (*p != '\0') {
		*p++ = '\0';
		while (blank(*p))
			p++;
		while (end > p && blank(end[-1]))
			*--end = '\0';
		if (*p != '\0')
			sb->arg = p;
	}
	if (*sb->interp == '\0') {
		sb->interp = NULL;
		return -ENOEXEC;
	}
	return 0;
}
