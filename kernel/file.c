/*
 * Open files: reference counting, the readiness epoch, and the generic
 * callers of struct file_ops.  The callers check the access mode, turn a
 * missing operation into Linux's error, and do the blocking: an
 * operation that has nothing to give returns -EAGAIN, and the caller
 * sleeps on the epoch until file_notify() says something changed.
 */
#include "kernel/internal.h"

/*
 * One word for every readiness change in the system.  With one guest
 * thread and few files, a global epoch is simpler than per-file wait
 * queues and costs only spurious wake-ups.
 */
static uint32_t epoch;

struct file *
file_alloc(const struct file_ops *ops, uint32_t flags, void *priv)
{
	struct file *f = kzalloc(sizeof(*f));

	if (f == NULL)
		return NULL;
	f->ops = ops;
	f->flags = flags;
	f->refs = 1;
	f->priv = priv;
	return f;
}

struct file *
file_get(struct file *f)
{
	if (f->refs == 0 || f->refs == UINT32_MAX)
		panic("file_get: bad reference count %u", f->refs);
	f->refs++;
	return f;
}

void
file_put(struct file *f)
{
	if (f == NULL)
		return;
	if (f->refs == 0)
		panic("file_put: file %p already released", (void *)f);
	if (--f->refs > 0)
		return;
	epoll_file_released(f);
	flock_file_released(f);		/* its OFD locks */
	if (f->ops->release != NULL)
		f->ops->release(f);
	kfree(f);
}

void
file_changed(struct file *f, unsigned events)
{
	epoll_file_changed(f, events);
	file_notify();
}

uint32_t
file_epoch(void)
{
	return __atomic_load_n(&epoch, __ATOMIC_ACQUIRE);
}

void
file_notify(void)
{
	__atomic_add_fetch(&epoch, 1, __ATOMIC_RELEASE);
	plat_wake(&epoch, INT32_MAX);
}

/*
 * Console input also bumps the epoch; it is moved into the line
 * discipline here, so that a ^C typed while the guest waits for
 * something else interrupts the wait (the signal is sent to this very
 * thread, which is not asleep then to be woken by it).
 */
int
file_wait(uint32_t seen, uint64_t deadline_ns)
{
	unsigned sigs = tty_signals();
	int rc = plat_block(&epoch, seen, deadline_ns);

	if (rc == -EAGAIN)
		rc = 0;		/* changed before we slept */
	tty_service();
	if (tty_signals() != sigs)
		return -EINTR;
	return rc;
}

/* Does this call have to return rather than sleep? */
static bool
nowait(const struct file *f, int ioflags)
{
	return (f->flags & O_NONBLOCK) || (ioflags & FILE_IO_NOWAIT);
}

static bool
readable(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool
writable(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

long
file_read(struct file *f, void *buf, size_t len, int ioflags)
{
	uint32_t seen;
	long n;
	int rc;

	if (!readable(f))
		return -EBADF;
	if (f->ops->read == NULL)
		return -EINVAL;
	for (;;) {
		seen = file_epoch();
		n = f->ops->read(f, buf, len);
		if (n != -EAGAIN || nowait(f, ioflags))
			return n;
		rc = file_wait(seen, 0);
		if (rc < 0)
			return rc;
	}
}

/*
 * Write all of buf unless the file is non-blocking.  A short write is
 * continued (after waiting for room) only when the file then says it is
 * full, as a pipe or a socket does; a short write for another reason (a
 * full disk, an eventfd's 8 bytes) is the result.  Returns the bytes
 * written, or -errno if none were.
 */
long
file_write(struct file *f, const void *buf, size_t len, int ioflags)
{
	const uint8_t *p = buf;
	size_t done = 0;
	uint32_t seen;
	long n;
	int rc;

	if (!writable(f))
		return -EBADF;
	if (f->ops->write == NULL)
		return -EINVAL;
	for (;;) {
		seen = file_epoch();
		n = f->ops->write(f, p + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			if (done >= len || nowait(f, ioflags) ||
			    (file_poll(f) & POLLOUT))
				return (long)done;
			continue;
		}
		if (n == 0)
			return (long)done;
		if (n != -EAGAIN || nowait(f, ioflags))
			return done > 0 ? (long)done : n;
		rc = file_wait(seen, 0);
		if (rc < 0)
			return done > 0 ? (long)done : rc;
	}
}

long
file_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
	if (!readable(f))
		return -EBADF;
	if (f->ops->pread == NULL)
		return -ESPIPE;
	return f->ops->pread(f, buf, len, off);
}

long
file_pwrite(struct file *f, const void *buf, size_t len, uint64_t off)
{
	if (!writable(f))
		return -EBADF;
	if (f->ops->pwrite == NULL)
		return -ESPIPE;
	return f->ops->pwrite(f, buf, len, off);
}

long
file_lseek(struct file *f, int64_t off, int whence)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->ops->lseek == NULL)
		return -ESPIPE;
	return f->ops->lseek(f, off, whence);
}

/* Files that cannot say are always ready, as Linux's DEFAULT_POLLMASK. */
unsigned
file_poll(struct file *f)
{
	if (f->flags & O_PATH)
		return POLLNVAL;
	if (f->ops->poll == NULL)
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	return f->ops->poll(f);
}

long
file_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->ops->ioctl == NULL)
		return -ENOTTY;
	return f->ops->ioctl(f, cmd, arg);
}

/* Files without a stat are anonymous inodes: mode 0600, no type bits. */
int
file_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	if (f->ops->stat != NULL)
		return f->ops->stat(f, st);
	st->mode = 0600;
	st->nlink = 1;
	st->blksize = PAGE_SIZE;
	return 0;
}

long
file_nread(struct file *f)
{
	if (file_is_pipe(f))
		return pipe_nread(f);
	if (file_is_console(f))
		return tty_nread(f);
	return -ENOTTY;
}

long
file_getdents(struct file *f, void *buf, size_t len)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->ops->getdents == NULL)
		return -ENOTDIR;
	return f->ops->getdents(f, buf, len);
}

int
file_truncate(struct file *f, uint64_t len)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (!writable(f) || f->ops->truncate == NULL)
		return -EINVAL;
	return f->ops->truncate(f, len);
}
