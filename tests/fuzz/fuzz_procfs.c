/*
 * libFuzzer target for the names a guest looks up under /proc
 * (kernel/procfs.c): the input, split at NUL bytes, is a list of paths
 * ("/proc/" is put in front of each that does not start with '/'), each
 * stat'ed, read as a link, opened, read and listed, against a stand-in
 * process table with a live child, a zombie and a threaded caller.
 * Nothing may crash and everything must be freed again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct fd_slot child_fds[FD_LIMIT];
static struct kproc child = { .fds = child_fds };
static char buf[8192];

static int
fill(int pid, int tid, struct proc_facts *f)
{
	if (pid == 0)
		pid = tid = 1;
	if ((pid != 1 && pid != 5 && pid != 7) || (tid != 0 && tid != pid &&
	    !(pid == 1 && tid == 3)))
		return -ESRCH;
	f->pid = pid;
	f->tid = tid;
	f->state = pid == 7 ? 'Z' : 'S';
	f->kp = pid == 1 ? kproc_current() : pid == 5 ? &child : NULL;
	snprintf(f->comm, sizeof(f->comm), "p%d", pid);
	return 0;
}

static int
next(int pid, int after)
{
	static const int pids[] = { 1, 5, 7 };

	if (pid != 0)
		return after < pid ? pid : pid == 1 && after < 3 ? 3 : -1;
	for (int i = 0; i < 3; i++)
		if (pids[i] > after)
			return pids[i];
	return -1;
}

static void
visit(const char *path)
{
	struct kstat st;
	struct file *f;
	uint8_t dents[1024];

	vfs_stat(AT_FDCWD, path, 0, &st);
	vfs_stat(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, &st);
	vfs_readlink(AT_FDCWD, path, buf, sizeof(buf));
	if (vfs_open(AT_FDCWD, path, O_RDONLY, 0, &f) != 0)
		return;
	while (file_read(f, buf, sizeof(buf), FILE_IO_NOWAIT) > 0)
		;
	while (file_getdents(f, dents, sizeof(dents)) > 0)
		;
	file_put(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *p, path[600];
	struct file *f;

	memcpy(copy, data, size);
	copy[size] = '\0';
	PROMISE(vfs_init(NULL, 0) == 0);
	vfs_set_cwd(vfs_root());
	child.cwd = vnode_get(vfs_root());
	if (vfs_open(AT_FDCWD, "/proc", O_RDONLY, 0, &f) == 0)
		child_fds[3].file = f;
	procfs_set_facts(fill, next);
	for (p = copy; p < copy + size; p += strlen(p) + 1) {
		snprintf(path, sizeof(path), "%s%s", p[0] == '/' ? "" :
		    "/proc/", p);
		visit(path);
	}
	procfs_set_facts(NULL, NULL);
	file_put(child_fds[3].file);
	child_fds[3].file = NULL;
	vnode_put(child.cwd);
	fd_reset();
	vfs_reset();
	PROMISE(vnode_count() == 0);
	free(copy);
	return 0;
}
