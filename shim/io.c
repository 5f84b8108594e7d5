/*
 * read/write, their vector and positional forms, and lseek, over the
 * descriptor table.  Data moves through a kernel bounce buffer of at
 * most IO_CHUNK bytes at a time; only the first chunk of a read may
 * wait, as a native read returns what is there once it has something.
 *
 * Linux's checks, in its order: EBADF for the descriptor and for the
 * access mode, EFAULT when the first buffer is unusable, counts clamped
 * to MAX_RW_COUNT, at most UIO_MAXIOV vectors.  A buffer that goes bad
 * part way gives a short transfer; a read never takes input it cannot
 * store (the usable part of the buffers is measured first, from the
 * guest's mappings).
 */
#include "shim/internal.h"

#define MAX_RW_COUNT	(0x7fffffffull & ~(PAGE_SIZE - 1))
#define UIO_MAXIOV	1024
#define IO_CHUNK	(64 * 1024)
#define SEEK_MAX	4	/* SEEK_HOLE */
#define RWF_SUPPORTED	0x1f	/* RWF_HIPRI ... RWF_APPEND: hints here */

struct iovec_user {
	uint64_t base;
	uint64_t len;
};

/*
 * How many bytes from u on are mapped with the access a read (write
 * true: the guest's buffer is written) or a write needs, up to n.
 */
static size_t
user_usable(uint64_t u, size_t n, bool write)
{
	size_t ok = 0;

	while (ok < n) {
		const struct vm_region *r = vm_find(u + ok);

		if (r == NULL || u + ok < USER_MIN || r->start > u + ok ||
		    (write ? !(r->prot & PROT_WRITE) : r->prot == PROT_NONE))
			break;
		if (r->end - (u + ok) >= n - ok)
			return n;
		ok += r->end - (u + ok);
	}
	return ok;
}

/*
 * The guest's buffers for one call, trimmed to what can be used.  Up to
 * UIO_FASTIOV live in the structure itself (it sits on the stack: read
 * and write allocate nothing); longer vectors get a heap array.
 */
#define UIO_FASTIOV	8

struct useg {
	struct iovec_user *v;	/* small[], or cnt entries from kmalloc */
	struct iovec_user small[UIO_FASTIOV];
	int n;
	size_t total;		/* usable bytes */
	size_t wanted;		/* bytes asked for (clamped) */
	bool truncated;		/* a buffer is unusable from some point */
};

/* Add a buffer; false once one is unusable (the rest are dropped). */
static bool
useg_add(struct useg *s, uint64_t base, uint64_t len, bool write)
{
	size_t ok;

	if (len > MAX_RW_COUNT - s->wanted)
		len = MAX_RW_COUNT - s->wanted;
	if (len == 0)
		return true;
	s->wanted += len;
	ok = user_usable(base, len, write);
	if (ok < len)
		s->truncated = true;
	if (ok > 0) {
		s->v[s->n].base = base;
		s->v[s->n].len = ok;
		s->n++;
		s->total += ok;
	}
	return ok == len;
}

/* Copy between the bounce buffer and the segments, from offset off. */
static int
useg_copy(const struct useg *s, size_t off, void *kbuf, size_t n, bool out)
{
	uint8_t *k = kbuf;

	for (int i = 0; i < s->n && n > 0; i++) {
		size_t len = s->v[i].len, m;
		int rc;

		if (off >= len) {
			off -= len;
			continue;
		}
		m = len - off < n ? len - off : n;
		rc = out ? plat_copy_to_user(s->v[i].base + off, k, m) :
		    plat_copy_from_user(k, s->v[i].base + off, m);
		if (rc != 0)
			return rc;
		k += m;
		n -= m;
		off = 0;
	}
	return 0;
}

static bool
can_read(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool
can_write(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

/*
 * Buffers the guest cannot (wholly) take.  Linux copies after the file
 * produced the data, so the file speaks first: an empty stream still
 * says EAGAIN or end of file.  A pipe whose data does not fit the usable
 * part fails the copy and keeps the data (pipe_read); other files lose
 * what they produced (eventfd).  Returns 1 to go on with the usable
 * part, else the result.
 */
/*
 * A pipe or the console, with no usable buffer: wait for data as a read
 * would, then fail with EFAULT and leave the data for the next read, as
 * Linux's pipe_read does.  End of file gives 0.
 */
static long
stream_wait_unusable(struct file *f)
{
	for (;;) {
		uint32_t seen = file_epoch();

		if (file_nread(f) > 0)
			return -EFAULT;
		if (file_poll(f) & POLLHUP)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (file_wait(seen, 0) == -EINTR)
			return -EINTR;
	}
}

static long
read_unusable(struct file *f, const struct useg *s)
{
	size_t len = s->wanted < IO_CHUNK ? s->wanted : IO_CHUNK;
	uint8_t *kbuf;
	long n;

	if (file_nread(f) > (long)s->total)
		return -EFAULT;
	if (s->total > 0)
		return 1;
	if (file_nread(f) >= 0)
		return stream_wait_unusable(f);
	kbuf = kmalloc(len);
	if (kbuf == NULL)
		return -ENOMEM;
	n = file_read(f, kbuf, len, 0);
	kfree(kbuf);
	return n > 0 ? -EFAULT : n;
}

/*
 * Read into the segments: chunk by chunk, only the first one waiting;
 * pos < 0 reads at the file position, else at pos (pread).
 */
static long
read_segs(struct file *f, const struct useg *s, int64_t pos)
{
	size_t done = 0, want;
	uint8_t *kbuf;
	long n;

	if (s->truncated && pos < 0) {
		n = read_unusable(f, s);
		if (n != 1)
			return n;
	} else if (s->truncated && s->total == 0) {
		return -EFAULT;
	}
	if (s->total == 0)
		return pos < 0 ? file_read(f, NULL, 0, 0) : 0;
	kbuf = kmalloc(s->total < IO_CHUNK ? s->total : IO_CHUNK);
	if (kbuf == NULL)
		return -ENOMEM;
	while (done < s->total) {
		want = s->total - done < IO_CHUNK ? s->total - done : IO_CHUNK;
		if (pos < 0)
			n = file_read(f, kbuf, want, done ? FILE_IO_NOWAIT : 0);
		else
			n = file_pread(f, kbuf, want, (uint64_t)pos + done);
		if (n <= 0) {
			if (done == 0)
				done = (size_t)n;	/* the error, or 0 */
			break;
		}
		if (useg_copy(s, done, kbuf, (size_t)n, true) != 0) {
			if (done == 0)
				done = (size_t)-EFAULT;
			break;
		}
		done += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	kfree(kbuf);
	return (long)done;
}

/* Write from the segments, chunk by chunk; stop at a short write. */
static long
write_segs(struct file *f, const struct useg *s, int64_t pos)
{
	size_t done = 0, want;
	uint8_t *kbuf;
	long n;

	/*
	 * A pipe or the console copies a chunk in before writing any of it:
	 * a bad byte in the first chunk is EFAULT (other files write the
	 * good part, and so do streams for a later chunk).
	 */
	if (s->truncated && (s->total == 0 || (s->total < IO_CHUNK &&
	    file_nread(f) >= 0)))
		return -EFAULT;
	if (s->total == 0)
		return pos < 0 ? file_write(f, NULL, 0, 0) : 0;
	kbuf = kmalloc(s->total < IO_CHUNK ? s->total : IO_CHUNK);
	if (kbuf == NULL)
		return -ENOMEM;
	while (done < s->total) {
		want = s->total - done < IO_CHUNK ? s->total - done : IO_CHUNK;
		if (useg_copy(s, done, kbuf, want, false) != 0) {
			if (done == 0)
				done = (size_t)-EFAULT;
			break;
		}
		if (pos < 0)
			n = file_write(f, kbuf, want, 0);
		else
			n = file_pwrite(f, kbuf, want, (uint64_t)pos + done);
		if (n <= 0) {
			if (done == 0)
				done = (size_t)n;
			break;
		}
		done += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	kfree(kbuf);
	if ((long)done == -EPIPE)
		shim_raise_sigpipe();
	return (long)done;
}

/*
 * Copy in and check an iovec array: at most UIO_MAXIOV entries, each
 * length non-negative as an ssize_t (Linux's import_iovec).  Lengths
 * past MAX_RW_COUNT in total are trimmed by useg_add.
 */
static long
iov_fetch(uint64_t uiov, uint64_t cnt, struct iovec_user *iov)
{
	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	if (cnt == 0)
		return 0;
	if (plat_copy_from_user(iov, uiov, cnt * sizeof(*iov)) != 0)
		return -EFAULT;
	for (uint64_t i = 0; i < cnt; i++) {
		if ((int64_t)iov[i].len < 0)
			return -EINVAL;
	}
	return 0;
}

/*
 * The segments of an iovec array.  A buffer outside the user address
 * space fails the whole call (access_ok); an unmapped one ends it.
 */
static long
iov_segs(uint64_t uiov, uint64_t cnt, bool write, struct useg *s)
{
	struct iovec_user small[UIO_FASTIOV], *iov = small;
	long rc;

	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	if (cnt > UIO_FASTIOV) {
		iov = kmalloc(cnt * sizeof(*iov));
		s->v = kmalloc(cnt * sizeof(*iov));
		if (iov == NULL || s->v == NULL) {
			kfree(iov);
			return -ENOMEM;	/* rw() frees s->v */
		}
	}
	rc = iov_fetch(uiov, cnt, iov);
	for (uint64_t i = 0; rc == 0 && i < cnt; i++) {
		if (iov[i].len != 0 && (iov[i].base >= USER_MAX ||
		    iov[i].len > USER_MAX - iov[i].base))
			rc = -EFAULT;
	}
	for (uint64_t i = 0; rc == 0 && i < cnt; i++) {
		if (!useg_add(s, iov[i].base, iov[i].len, write))
			break;
	}
	if (iov != small)
		kfree(iov);
	return rc;
}

/* One buffer as segments: -EFAULT if it leaves user space (access_ok). */
static long
buf_segs(uint64_t buf, uint64_t len, bool write, struct useg *s)
{
	if (len != 0 && (buf >= USER_MAX || len > USER_MAX - buf))
		return -EFAULT;
	useg_add(s, buf, len, write);
	return 0;
}

/* The whole of read(2)...pwritev2(2), given the file and segments. */
static long
rw(int fd, bool write, bool vector, uint64_t ubuf, uint64_t len,
    int64_t pos)
{
	struct useg seg = { .v = seg.small }, *s = &seg;
	struct file *f = fd_get(fd);
	long rc;

	if (f == NULL)
		return -EBADF;
	if (pos >= 0 && (write ? f->ops->pwrite == NULL :
	    f->ops->pread == NULL) && !(f->flags & O_PATH)) {
		file_put(f);
		return -ESPIPE;
	}
	if (write ? !can_write(f) : !can_read(f)) {
		file_put(f);
		return -EBADF;
	}
	rc = vector ? iov_segs(ubuf, len, !write, s) :
	    buf_segs(ubuf, len, !write, s);
	if (rc == 0 && vector && s->wanted == 0)
		rc = 0;		/* nothing to move: 0, no call */
	else if (rc == 0)
		rc = write ? write_segs(f, s, pos) : read_segs(f, s, pos);
	if (s->v != s->small)
		kfree(s->v);
	file_put(f);
	return rc;
}

long
sys_read(SYSCALL_ARGS)
{
	return rw((int)a0, false, false, a1, a2, -1);
}

long
sys_write(SYSCALL_ARGS)
{
	return rw((int)a0, true, false, a1, a2, -1);
}

long
sys_readv(SYSCALL_ARGS)
{
	return rw((int)a0, false, true, a1, a2, -1);
}

long
sys_writev(SYSCALL_ARGS)
{
	return rw((int)a0, true, true, a1, a2, -1);
}

long
sys_pread64(SYSCALL_ARGS)
{
	if ((int64_t)a3 < 0)
		return -EINVAL;
	return rw((int)a0, false, false, a1, a2, (int64_t)a3);
}

long
sys_pwrite64(SYSCALL_ARGS)
{
	if ((int64_t)a3 < 0)
		return -EINVAL;
	return rw((int)a0, true, false, a1, a2, (int64_t)a3);
}

/* preadv/pwritev: the offset comes split in two registers (lo, hi). */
long
sys_preadv(SYSCALL_ARGS)
{
	if ((int64_t)a3 < 0)
		return -EINVAL;
	return rw((int)a0, false, true, a1, a2, (int64_t)a3);
}

long
sys_pwritev(SYSCALL_ARGS)
{
	if ((int64_t)a3 < 0)
		return -EINVAL;
	return rw((int)a0, true, true, a1, a2, (int64_t)a3);
}

/* The v2 forms: offset -1 means the file position; flags are hints. */
long
sys_preadv2(SYSCALL_ARGS)
{
	if (a5 & ~(uint64_t)RWF_SUPPORTED)
		return -EOPNOTSUPP;
	if ((int64_t)a3 < -1)
		return -EINVAL;
	return rw((int)a0, false, true, a1, a2, (int64_t)a3);
}

long
sys_pwritev2(SYSCALL_ARGS)
{
	if (a5 & ~(uint64_t)RWF_SUPPORTED)
		return -EOPNOTSUPP;
	if ((int64_t)a3 < -1)
		return -EINVAL;
	return rw((int)a0, true, true, a1, a2, (int64_t)a3);
}

long
sys_lseek(SYSCALL_ARGS)
{
	struct file *f = fd_get((int)a0);
	long rc;

	if (f == NULL)
		return -EBADF;
	rc = a2 > SEEK_MAX ? -EINVAL : file_lseek(f, (int64_t)a1, (int)a2);
	file_put(f);
	return rc;
}

/* ---- Signals the I/O paths raise ---- */

/*
 * A write found no reader: SIGPIPE to the process (Linux sends it to the
 * writing thread), whose default action ends the guest with 141.
 */
void
shim_raise_sigpipe(void)
{
	sig_send_process(SIGPIPE, SI_USER);
}

/*
 * A signal character typed on the console (ISIG): ^C, ^\, ^Z; or a new
 * window size (SIGWINCH).  False if the signal was dropped (ignored).
 */
bool
shim_tty_signal(int sig)
{
	return sig_send_group(tty_console_pgrp(), sig, SI_KERNEL);
}
