/*
 * libFuzzer target for the tar reader (kernel/tar.c).  The input is the
 * archive.  Every entry is checked against the contract in
 * kernel/internal.h: clean names (no "..", no empty or "." component, no
 * leading '/'), data inside the input, and an end within len / 512 + 1
 * calls.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct tar_iter it;

static void
check_clean(const char *name)
{
	const char *p = name;

	PROMISE(strlen(name) < TAR_PATH_MAX);
	if (*name == '\0')
		return;
	PROMISE(*name != '/');
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash != NULL ? (size_t)(slash - p) : strlen(p);

		PROMISE(n > 0 && n <= TAR_NAME_MAX);
		PROMISE(!(n == 1 && p[0] == '.'));
		PROMISE(!(n == 2 && p[0] == '.' && p[1] == '.'));
		if (slash == NULL)
			break;
		p = slash + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct tar_entry e;
	size_t calls = 0;
	int r;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);	/* exact bounds for ASan */
	tar_begin(&it, copy, size);
	while ((r = tar_next(&it, &e)) > 0) {
		PROMISE(++calls <= size / 512 + 1);
		if (r == TAR_REFUSED) {
			PROMISE(it.why != NULL && e.name != NULL);
			continue;
		}
		PROMISE(r == TAR_ENTRY);
		check_clean(e.name);
		PROMISE(e.type >= TAR_REG && e.type <= TAR_FIFO);
		PROMISE(e.mode <= 07777);
		PROMISE(strlen(e.linkname) < TAR_PATH_MAX);
		if (e.type == TAR_HARDLINK)
			check_clean(e.linkname);
		if (e.type == TAR_REG) {
			PROMISE(e.data >= copy && e.size <= size);
			PROMISE((size_t)(e.data - copy) <= size - e.size);
		} else {
			PROMISE(e.data == NULL && e.size == 0);
		}
	}
	PROMISE(r == 0 || (r == -EINVAL && it.why != NULL));
	PROMISE(tar_next(&it, &e) == r);
	free(copy);
	return 0;
}
