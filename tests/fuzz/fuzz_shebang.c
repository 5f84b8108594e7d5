/*
 * libFuzzer target for exec_shebang (kernel/shebang.c): any file start
 * gives 0 or -ENOEXEC, and on 0 the contract in kernel/kernel.h holds:
 * interp and arg are NUL-terminated inside line, interp is non-empty
 * without blanks, arg has no blank at either end.
 */
#include <string.h>

#include "kernel/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void
check_str(const struct exec_shebang *sb, const char *s)
{
	PROMISE(s >= sb->line && s < sb->line + sizeof(sb->line));
	PROMISE(memchr(s, '\0', sb->line + sizeof(sb->line) - s) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exec_shebang sb;
	int rc = exec_shebang(data, size, &sb);
	size_t n;

	PROMISE(rc == 0 || rc == -ENOEXEC);
	if (rc != 0)
		return 0;
	PROMISE(size >= 2 && memcmp(data, "#!", 2) == 0);
	check_str(&sb, sb.interp);
	n = strlen(sb.interp);
	PROMISE(n > 0 && strpbrk(sb.interp, " \t\n") == NULL);
	if (sb.arg != NULL) {
		check_str(&sb, sb.arg);
		n = strlen(sb.arg);
		PROMISE(n > 0 && sb.arg[0] != ' ' && sb.arg[0] != '\t' &&
		    sb.arg[n - 1] != ' ' && sb.arg[n - 1] != '\t' &&
		    strchr(sb.arg, '\n') == NULL);
	}
	return 0;
}
