/*
 * libFuzzer target for building the tree from a hostile archive
 * (kernel/rootfs.c over kernel/tar.c): duplicate names, files where
 * directories should be, hard links to anything, odd modes.  The tree
 * is then walked: every name is listed, stat'ed and opened through the
 * path walk (following symlinks), files are read, links read, and
 * everything is freed again (vfs_reset) with no vnode or page left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static char buf[8192];
static int visited;

static void
visit(const char *path, int depth)
{
	struct file *f;
	struct kstat st;
	uint8_t dents[1024];
	long n;

	if (depth > 40 || ++visited > 2000)
		return;
	if (vfs_stat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &st) != 0)
		return;
	vfs_stat(AT_FDCWD, path, 0, &st);
	vfs_readlink(AT_FDCWD, path, buf, sizeof(buf));
	if (vfs_open(AT_FDCWD, path, O_RDONLY | O_NOFOLLOW, 0, &f) != 0)
		return;
	if ((st.mode & S_IFMT) == S_IFREG) {
		while (file_read(f, buf, sizeof(buf), FILE_IO_NOWAIT) > 0)
			;
	}
	while ((n = file_getdents(f, dents, sizeof(dents))) > 0) {
		for (long o = 0; o < n; ) {
			uint16_t reclen;
			const char *name = (const char *)dents + o + 19;
			char *sub;

			memcpy(&reclen, dents + o + 16, 2);
			PROMISE(reclen >= 20 && o + reclen <= n);
			o += reclen;
			if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
			    strcmp(path, "/proc") == 0)
				continue;
			sub = malloc(strlen(path) + strlen(name) + 2);
			sprintf(sub, "%s/%s", strcmp(path, "/") ? path : "",
			    name);
			if (strlen(sub) < VFS_PATH_MAX)
				visit(sub, depth + 1);
			free(sub);
		}
	}
	file_put(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	int rc = vfs_init(copy, size);

	PROMISE(rc == 0 || rc == -EINVAL);
	visited = 0;
	visit("/", 0);
	vfs_reset();
	PROMISE(vnode_count() == 0 && fdata_pages_total() == 0);
	free(copy);
	return 0;
}
