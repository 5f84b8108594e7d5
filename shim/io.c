/*
 * read/write and their vector and positional forms.  Until the fd table
 * arrives, descriptors 0, 1 and 2 are the console (a tty: pread/pwrite
 * give ESPIPE) and every other descriptor is EBADF.
 */
#include "shim/internal.h"

#define MAX_RW_COUNT	(0x7fffffffull & ~(PAGE_SIZE - 1))
#define UIO_MAXIOV	1024
#define CHUNK		512

struct iovec_user {
	uint64_t base;
	uint64_t len;
};

static bool
is_console(uint64_t fd)
{
	return fd <= 2;
}

/* Write up to len bytes from user memory to the console. */
static long
console_write(uint64_t ubuf, uint64_t len)
{
	char chunk[CHUNK];
	uint64_t done = 0;

	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	while (done < len) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;

		if (plat_copy_from_user(chunk, ubuf + done, n) != 0)
			return done ? (long)done : -EFAULT;
		plat_console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

/* Block until the console has input, then return what is there. */
static long
console_read(uint64_t ubuf, uint64_t len)
{
	char chunk[CHUNK];
	long n;

	if (len == 0)
		return 0;
	if (len > CHUNK)
		len = CHUNK;
	while ((n = plat_console_read(chunk, len)) == -EAGAIN)
		__asm__ volatile("pause");
	if (n < 0)
		return n;
	if (plat_copy_to_user(ubuf, chunk, (size_t)n) != 0)
		return -EFAULT;
	return n;
}

long
sys_write(SYSCALL_ARGS)
{
	if (!is_console(a0))
		return -EBADF;
	return console_write(a1, a2);
}

long
sys_read(SYSCALL_ARGS)
{
	if (!is_console(a0))
		return -EBADF;
	return console_read(a1, a2);
}

/*
 * Copy in and check an iovec array: at most UIO_MAXIOV entries, and a
 * total that fits in ssize_t (Linux's rw_copy_check_uvector).
 */
static long
iov_fetch(uint64_t uiov, uint64_t cnt, struct iovec_user *iov)
{
	uint64_t total = 0;

	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	if (plat_copy_from_user(iov, uiov, cnt * sizeof(*iov)) != 0)
		return -EFAULT;
	for (uint64_t i = 0; i < cnt; i++) {
		if (iov[i].len > (uint64_t)INT64_MAX - total)
			return -EINVAL;
		total += iov[i].len;
	}
	return 0;
}

static long
vector_io(uint64_t fd, uint64_t uiov, uint64_t cnt, bool write)
{
	static struct iovec_user iov[UIO_MAXIOV];
	long rc, done = 0;

	if (!is_console(fd))
		return -EBADF;
	rc = iov_fetch(uiov, cnt, iov);
	if (rc != 0)
		return rc;
	for (uint64_t i = 0; i < cnt; i++) {
		if (iov[i].len == 0)
			continue;
		rc = write ? console_write(iov[i].base, iov[i].len) :
		    console_read(iov[i].base, iov[i].len);
		if (rc < 0)
			return done ? done : rc;
		done += rc;
		if ((uint64_t)rc < iov[i].len || !write)
			break;		/* short transfer: stop, like Linux */
	}
	return done;
}

long
sys_writev(SYSCALL_ARGS)
{
	return vector_io(a0, a1, a2, true);
}

long
sys_readv(SYSCALL_ARGS)
{
	return vector_io(a0, a1, a2, false);
}

/* Positional I/O: EINVAL for a negative offset, then EBADF, then ESPIPE. */
static long
positional(uint64_t fd, uint64_t off)
{
	if ((int64_t)off < 0)
		return -EINVAL;
	if (!is_console(fd))
		return -EBADF;
	return -ESPIPE;
}

long
sys_pread64(SYSCALL_ARGS)
{
	return positional(a0, a3);
}

long
sys_pwrite64(SYSCALL_ARGS)
{
	return positional(a0, a3);
}
