/*
 * Descriptor tables: each process has FD_LIMIT slots (struct kproc),
 * each an open file (holding one reference) and the close-on-exec flag.
 * The calls below act on the current process's table.  Slots are
 * updated before any reference is dropped, so a release operation that
 * looks at the table sees it consistent.
 *
 * A table's fd_top is one past its highest filled slot, so that
 * the scans of fork, exec (close-on-exec) and exit visit the handful of
 * descriptors a process uses, not all FD_LIMIT slots (3 of 1024 for
 * most programs: the scans were most of a fork's and an exec's cost).
 */
#include "kernel/internal.h"

/* The current process's slots. */
static struct fd_slot *
table(void)
{
	return kproc_current()->fds;
}

/* One past the highest filled slot. */
static int
top(void)
{
	return kproc_current()->fd_top;
}

/* Slot fd is about to be filled. */
static void
raise_top(int fd)
{
	struct kproc *k = kproc_current();

	if (fd >= k->fd_top)
		k->fd_top = fd + 1;
}

/* After a close: the top slots that are empty now. */
static void
lower_top(void)
{
	struct kproc *k = kproc_current();

	while (k->fd_top > 0 && k->fds[k->fd_top - 1].file == NULL)
		k->fd_top--;
}

static bool
fd_valid(int fd)
{
	return fd >= 0 && fd < FD_LIMIT && table()[fd].file != NULL;
}

int
fd_install(struct file *f, int minfd, bool cloexec)
{
	if (minfd < 0)
		minfd = 0;
	for (int fd = minfd; fd < FD_LIMIT; fd++) {
		if (table()[fd].file == NULL) {
			raise_top(fd);
			table()[fd].file = f;
			table()[fd].cloexec = cloexec;
			return fd;
		}
	}
	return -EMFILE;
}

struct file *
fd_get(int fd)
{
	if (!fd_valid(fd))
		return NULL;
	return file_get(table()[fd].file);
}

int
fd_close(int fd)
{
	struct file *f;

	if (!fd_valid(fd))
		return -EBADF;
	f = table()[fd].file;
	table()[fd].file = NULL;
	table()[fd].cloexec = false;
	lower_top();
	flock_release(f, FLOCK_POSIX);	/* POSIX: any close drops them */
	file_put(f);
	return 0;
}

int
fd_dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *old;

	if (!fd_valid(oldfd) || newfd < 0 || newfd >= FD_LIMIT)
		return -EBADF;
	if (oldfd == newfd)
		return -EINVAL;
	old = table()[newfd].file;
	raise_top(newfd);
	table()[newfd].file = file_get(table()[oldfd].file);
	table()[newfd].cloexec = cloexec;
	if (old != NULL)
		flock_release(old, FLOCK_POSIX);	/* closed: as close */
	file_put(old);
	return newfd;
}

int
fd_get_cloexec(int fd)
{
	if (!fd_valid(fd))
		return -EBADF;
	return table()[fd].cloexec ? 1 : 0;
}

int
fd_set_cloexec(int fd, bool on)
{
	if (!fd_valid(fd))
		return -EBADF;
	table()[fd].cloexec = on;
	return 0;
}

int
fd_close_range(unsigned lo, unsigned hi, bool cloexec_only)
{
	if (lo > hi)
		return -EINVAL;
	if (hi >= FD_LIMIT)
		hi = FD_LIMIT - 1;
	for (unsigned fd = lo; fd <= hi && fd < (unsigned)top(); fd++) {
		if (table()[fd].file == NULL)
			continue;
		if (cloexec_only)
			table()[fd].cloexec = true;
		else
			fd_close((int)fd);
	}
	return 0;
}

void
fd_close_on_exec(void)
{
	for (int fd = 0; fd < top(); fd++) {
		if (table()[fd].file != NULL && table()[fd].cloexec)
			fd_close(fd);
	}
}

int
fd_next(int from)
{
	return fd_next_in(kproc_current(), from);
}

/* Another process's table (/proc/<pid>/fd): look, never change. */
struct file *
fd_get_in(struct kproc *k, int fd)
{
	if (fd < 0 || fd >= FD_LIMIT || k->fds[fd].file == NULL)
		return NULL;
	return file_get(k->fds[fd].file);
}

bool
fd_cloexec_in(struct kproc *k, int fd)
{
	return fd >= 0 && fd < FD_LIMIT && k->fds[fd].cloexec;
}

int
fd_next_in(struct kproc *k, int from)
{
	for (int fd = from < 0 ? 0 : from; fd < k->fd_top; fd++) {
		if (k->fds[fd].file != NULL)
			return fd;
	}
	return -1;
}

void
fd_reset(void)
{
	fd_close_range(0, FD_LIMIT - 1, false);
}

/*
 * A table is whole pages from plat_pages_alloc, which come zeroed: a
 * kmalloc of the same size took twice the pages (its header), zeroed
 * them, and still had to be cleared.
 */
#define FD_TABLE_ORDER	2
_Static_assert((PAGE_SIZE << FD_TABLE_ORDER) == FD_LIMIT *
    sizeof(struct fd_slot), "a descriptor table is 2^FD_TABLE_ORDER pages");

/* A copy of the current table for a fork: the same open files. */
struct fd_slot *
fd_table_clone(int *topp)
{
	struct fd_slot *t = plat_pages_alloc(FD_TABLE_ORDER);
	int n = top();

	if (t == NULL)
		return NULL;
	memcpy(t, table(), (size_t)n * sizeof(*t));
	for (int fd = 0; fd < n; fd++)
		if (t[fd].file != NULL)
			file_get(t[fd].file);
	*topp = n;
	return t;
}

void
fd_table_free(struct fd_slot *t)
{
	plat_pages_free(t, FD_TABLE_ORDER);
}
