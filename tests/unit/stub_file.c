/*
 * Stand-ins for kernel/file.c's references, for the tests that link
 * kernel/vm.c without open files (no region there maps a file).
 */
#include "kernel/internal.h"

struct file *
file_get(struct file *f)
{
	return f;
}

void
file_put(struct file *f)
{
	(void)f;
}

long
file_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
	(void)f;
	(void)buf;
	(void)len;
	(void)off;
	return 0;
}
