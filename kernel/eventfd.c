/*
 * eventfd: a 64-bit counter as a file (Linux's fs/eventfd.c).  A read
 * takes the whole count (or 1 in semaphore mode) and waits while it is
 * 0; a write adds and waits while the sum would pass 2^64 - 2.  Both
 * move exactly 8 bytes.
 */
#include "kernel/internal.h"

#define EVENTFD_MAX	(UINT64_MAX - 1)

struct eventfd {
	uint64_t count;
	bool semaphore;
};

static long
eventfd_read(struct file *f, void *buf, size_t len)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	if (len < sizeof(v))
		return -EINVAL;
	if (e->count == 0)
		return -EAGAIN;
	v = e->semaphore ? 1 : e->count;
	e->count -= v;
	memcpy(buf, &v, sizeof(v));
	file_changed(f, POLLOUT);
	return sizeof(v);
}

/* Exactly 8 bytes (Linux 6.x refuses more, as it refuses less). */
static long
eventfd_write(struct file *f, const void *buf, size_t len)
{
	struct eventfd *e = f->priv;
	uint64_t v;

	if (len != sizeof(v))
		return -EINVAL;
	memcpy(&v, buf, sizeof(v));
	if (v == UINT64_MAX)
		return -EINVAL;
	if (v > EVENTFD_MAX - e->count)
		return -EAGAIN;
	e->count += v;
	if (v != 0)
		file_changed(f, POLLIN);
	return sizeof(v);
}

static unsigned
eventfd_poll(struct file *f)
{
	struct eventfd *e = f->priv;
	unsigned mask = 0;

	if (e->count > 0)
		mask |= POLLIN | POLLRDNORM;
	if (e->count < EVENTFD_MAX)
		mask |= POLLOUT | POLLWRNORM;
	return mask;
}

/* noop_llseek: the position never moves. */
static long
eventfd_lseek(struct file *f, int64_t off, int whence)
{
	return (long)f->pos;
}

static void
eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.lseek = eventfd_lseek,
	.release = eventfd_release,
};

int
eventfd_create(uint64_t initval, bool semaphore, uint32_t flags,
    struct file **out)
{
	struct eventfd *e;

	if (initval > UINT32_MAX)
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = semaphore;
	*out = file_alloc(&eventfd_ops, O_RDWR | (flags & O_NONBLOCK), e);
	if (*out == NULL) {
		kfree(e);
		return -ENOMEM;
	}
	return 0;
}
