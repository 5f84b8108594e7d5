/*
 * Pipes: a ring buffer shared by a read end and a write end, each an
 * open file.  Linux's rules: reading an empty pipe waits while a writer
 * exists and gives end-of-file after; writing with no reader is EPIPE
 * (the shim turns it into SIGPIPE); a write of at most PIPE_BUF bytes
 * goes in whole or not at all; the capacity is 64 KiB and F_SETPIPE_SZ
 * changes it.
 */
#include "kernel/internal.h"

#define PIPE_DEF_SIZE	(16 * PAGE_SIZE)	/* Linux's default */
#define PIPE_MAX_SIZE	(1024 * 1024)		/* /proc/sys/fs/pipe-max-size */
#define FIONREAD	0x541b
#define PIPEFS_DEV	12		/* an anonymous device, 0:12 */

struct pipe {
	uint8_t *buf;
	size_t size;		/* capacity, a power of two */
	size_t head;		/* index of the oldest byte */
	size_t len;		/* bytes in the pipe */
	int readers, writers;	/* open ends */
	uint64_t ino;
	struct file *rd, *wr;	/* the ends, for readiness changes */
};

static uint64_t pipe_ino = 0x10000;

static size_t
pipe_space(const struct pipe *p)
{
	return p->size - p->len;
}

/*
 * Wake the waiters and the epoll items of one end, as Linux wakes
 * rd_wait on a write and wr_wait on a read (events 0: both, any event).
 */
static void
pipe_changed(struct pipe *p, unsigned events)
{
	if (p->rd != NULL && (events == 0 || (events & POLLIN)))
		file_changed(p->rd, events);
	if (p->wr != NULL && (events == 0 || (events & POLLOUT)))
		file_changed(p->wr, events);
	file_notify();
}

static long
pipe_read(struct file *f, void *buf, size_t len)
{
	struct pipe *p = f->priv;
	uint8_t *out = buf;
	size_t n, first;

	if (len == 0)
		return 0;
	if (p->len == 0)
		return p->writers == 0 ? 0 : -EAGAIN;
	n = len < p->len ? len : p->len;
	first = p->size - p->head < n ? p->size - p->head : n;
	memcpy(out, p->buf + p->head, first);
	memcpy(out + first, p->buf, n - first);
	p->head = (p->head + n) & (p->size - 1);
	p->len -= n;
	if (p->len == 0)
		p->head = 0;
	pipe_changed(p, POLLOUT | POLLWRNORM);
	return (long)n;
}

static long
pipe_write(struct file *f, const void *buf, size_t len)
{
	struct pipe *p = f->priv;
	const uint8_t *in = buf;
	size_t n, tail, first;

	if (p->readers == 0)
		return -EPIPE;
	if (len == 0)
		return 0;
	/* Up to PIPE_BUF bytes are atomic: all of them or wait. */
	if ((len <= PIPE_BUF && pipe_space(p) < len) || pipe_space(p) == 0)
		return -EAGAIN;
	n = len < pipe_space(p) ? len : pipe_space(p);
	tail = (p->head + p->len) & (p->size - 1);
	first = p->size - tail < n ? p->size - tail : n;
	memcpy(p->buf + tail, in, first);
	memcpy(p->buf, in + first, n - first);
	p->len += n;
	pipe_changed(p, POLLIN | POLLRDNORM);
	return (long)n;
}

/*
 * Readiness as Linux's pipe_poll: the read end is readable with data and
 * hung up without writers; the write end is writable with room for an
 * atomic write and in error without readers.
 */
static unsigned
pipe_poll(struct file *f)
{
	struct pipe *p = f->priv;
	unsigned mask = 0;

	if (f == p->rd) {
		if (p->len > 0)
			mask |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			mask |= POLLHUP;
	} else {
		if (pipe_space(p) >= PIPE_BUF ||
		    (p->size < PIPE_BUF && pipe_space(p) == p->size))
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	return mask;
}

static long
pipe_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	struct pipe *p = f->priv;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	n = (int)p->len;
	return plat_copy_to_user(arg, &n, sizeof(n));
}

static int
pipe_stat(struct file *f, struct kstat *st)
{
	struct pipe *p = f->priv;

	st->dev = PIPEFS_DEV;
	st->ino = p->ino;
	st->mode = S_IFIFO | 0600;
	st->nlink = 1;
	st->blksize = PAGE_SIZE;
	return 0;
}

static void
pipe_release(struct file *f)
{
	struct pipe *p = f->priv;

	if (f == p->rd) {
		p->readers--;
		p->rd = NULL;
	} else {
		p->writers--;
		p->wr = NULL;
	}
	if (p->readers == 0 && p->writers == 0) {
		kfree(p->buf);
		kfree(p);
		return;
	}
	pipe_changed(p, 0);
}

static const struct file_ops pipe_ops = {
	.read = pipe_read,
	.write = pipe_write,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.stat = pipe_stat,
	.release = pipe_release,
};

bool
file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_ops;
}

int
pipe_create(uint32_t flags, struct file **rd, struct file **wr)
{
	struct pipe *p;

	if (flags & ~O_NONBLOCK)
		return -EINVAL;
	p = kzalloc(sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->size = PIPE_DEF_SIZE;
	p->buf = kmalloc(p->size);
	p->rd = file_alloc(&pipe_ops, O_RDONLY | flags, p);
	p->wr = file_alloc(&pipe_ops, O_WRONLY | flags, p);
	if (p->buf == NULL || p->rd == NULL || p->wr == NULL) {
		kfree(p->buf);
		kfree(p->rd);
		kfree(p->wr);
		kfree(p);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	p->ino = pipe_ino++;
	*rd = p->rd;
	*wr = p->wr;
	return 0;
}

long
pipe_nread(struct file *f)
{
	return (long)((struct pipe *)f->priv)->len;
}

long
pipe_get_size(struct file *f)
{
	if (!file_is_pipe(f))
		return -EBADF;
	return (long)((struct pipe *)f->priv)->size;
}

/*
 * F_SETPIPE_SZ: at least a page, rounded up to a power of two, at most
 * pipe-max-size (-EPERM above, as for an unprivileged process); -EBUSY
 * if the data would not fit.  Returns the new size.
 */
long
pipe_set_size(struct file *f, uint64_t want)
{
	struct pipe *p;
	size_t size = PAGE_SIZE, first;
	uint8_t *nbuf;

	if (!file_is_pipe(f))
		return -EBADF;
	p = f->priv;
	if (want > PIPE_MAX_SIZE)
		return -EPERM;
	while (size < want)
		size <<= 1;
	if (size < p->len)
		return -EBUSY;
	if (size == p->size)
		return (long)size;
	nbuf = kmalloc(size);
	if (nbuf == NULL)
		return -ENOMEM;
	first = p->size - p->head < p->len ? p->size - p->head : p->len;
	memcpy(nbuf, p->buf + p->head, first);
	memcpy(nbuf + first, p->buf, p->len - first);
	kfree(p->buf);
	p->buf = nbuf;
	p->size = size;
	p->head = 0;
	pipe_changed(p, 0);
	return (long)size;
}
