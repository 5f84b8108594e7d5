/*
 * console: read, write, readv, writev, pread64 and pwrite64 on fds 0, 1
 * and 2.  The integration test gives the guest pipes natively (stderr merged
 * into stdout) and Cloister's console inside, and both are streams: pread64
 * and pwrite64 give ESPIPE.  Bad buffers give EFAULT, bad counts EINVAL, bad
 * descriptors EBADF.  Lengths that reach past user space fail before any
 * byte is written; a valid buffer with a huge length is not tried, as Linux
 * writes whatever it can read of it.  Stdin is never read here (see stdin.c).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "guest.h"

static long
write_at(void *p)
{
	return SYS3(SYS_write, 1, p, 16);
}

static long
writev_array_at(void *p)
{
	return SYS3(SYS_writev, 1, p, 1);
}

static long
writev_base_at(void *p)
{
	struct iovec iov = { .iov_base = p, .iov_len = 16 };

	return SYS3(SYS_writev, 1, &iov, 1);
}

static long
readv_array_at(void *p)
{
	return SYS3(SYS_readv, 0, p, 1);
}

static void
test_write(void)
{
	static const char msg1[] = "write to fd 1\n";
	static const char msg2[] = "write to fd 2\n";

	expect_val("write fd 1 returned", SYS3(SYS_write, 1, msg1,
	    strlen(msg1)), strlen(msg1));
	expect_val("write fd 2 returned", SYS3(SYS_write, 2, msg2,
	    strlen(msg2)), strlen(msg2));
	expect_val("write len 0", SYS3(SYS_write, 1, msg1, 0), 0);
	expect_val("write NULL len 0", SYS3(SYS_write, 1, NULL, 0), 0);
	expect_err("write fd 99", SYS3(SYS_write, 99, msg1, 1), EBADF);
	expect_err("write fd -1", SYS3(SYS_write, -1, msg1, 1), EBADF);
	expect_err("write len SIZE_MAX", SYS3(SYS_write, 1, msg1, SIZE_MAX),
	    EFAULT);
	expect_err("write wrapping range", SYS3(SYS_write, 1, ADDR_LAST_PAGE,
	    2 * PAGE), EFAULT);
	expect_err("write range past user space", SYS3(SYS_write, 1,
	    ADDR_NONCANON - PAGE, 2 * PAGE), EFAULT);
	expect_efault_all("write", write_at, 1, PTR_IN);
}

static void
test_writev(void)
{
	struct iovec iov[3] = {
		{ .iov_base = "writev ", .iov_len = 7 },
		{ .iov_base = "in three ", .iov_len = 9 },
		{ .iov_base = "parts\n", .iov_len = 6 },
	};
	struct iovec big[2] = {
		{ .iov_base = "x", .iov_len = LONG_MAX },
		{ .iov_base = "y", .iov_len = LONG_MAX },
	};
	struct iovec neg = { .iov_base = "z", .iov_len = (size_t)-1 };
	static struct iovec many[1025];

	expect_val("writev returned", SYS3(SYS_writev, 1, iov, 3), 22);
	expect_val("writev to fd 2", SYS3(SYS_writev, 2, iov + 2, 1), 6);
	expect_val("writev iovcnt 0", SYS3(SYS_writev, 1, iov, 0), 0);
	expect_err("writev iovcnt -1", SYS3(SYS_writev, 1, iov, -1), EINVAL);
	expect_err("writev iovcnt 1025", SYS3(SYS_writev, 1, many, 1025),
	    EINVAL);
	expect_err("writev iov_len negative", SYS3(SYS_writev, 1, &neg, 1),
	    EINVAL);
	expect_err("writev iov_len LONG_MAX", SYS3(SYS_writev, 1, big, 2),
	    EFAULT);
	expect_err("writev fd 99", SYS3(SYS_writev, 99, iov, 1), EBADF);
	expect_efault_all("writev array", writev_array_at, sizeof(iov[0]),
	    PTR_IN);
	expect_efault_all("writev base", writev_base_at, 1, PTR_IN);
}

static void
test_read(void)
{
	char buf[16];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };

	expect_val("read len 0", SYS3(SYS_read, 0, buf, 0), 0);
	expect_err("read fd 99", SYS3(SYS_read, 99, buf, 1), EBADF);
	expect_err("read fd -1", SYS3(SYS_read, -1, buf, 1), EBADF);
	expect_val("readv iovcnt 0", SYS3(SYS_readv, 0, &iov, 0), 0);
	expect_err("readv iovcnt -1", SYS3(SYS_readv, 0, &iov, -1), EINVAL);
	expect_err("readv fd 99", SYS3(SYS_readv, 99, &iov, 1), EBADF);
	expect_efault_all("readv array", readv_array_at, sizeof(iov), PTR_IN);
}

static void
test_positional(void)
{
	char buf[16];
	char label[64];
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		snprintf(label, sizeof(label), "pread64 fd %d", fd);
		expect_err(label, SYS4(SYS_pread64, fd, buf, 1, 0), ESPIPE);
		snprintf(label, sizeof(label), "pwrite64 fd %d", fd);
		expect_err(label, SYS4(SYS_pwrite64, fd, "x", 1, 0), ESPIPE);
	}
	expect_err("pread64 offset -1", SYS4(SYS_pread64, 1, buf, 1, -1),
	    EINVAL);
	expect_err("pwrite64 offset -1", SYS4(SYS_pwrite64, 1, "x", 1, -1),
	    EINVAL);
	expect_err("pread64 fd 99", SYS4(SYS_pread64, 99, buf, 1, 0), EBADF);
	expect_err("pwrite64 fd 99", SYS4(SYS_pwrite64, 99, "x", 1, 0), EBADF);
}

int
main(void)
{
	test_write();
	test_writev();
	test_read();
	test_positional();
	return finish();
}
