/*
 * io_eventfd: the counter's rules.  Reads take the count (or 1 in
 * semaphore mode) and need 8 bytes; writes add exactly 8 bytes, refuse
 * 2^64 - 1, and would block past 2^64 - 2; O_NONBLOCK gives EAGAIN; poll
 * follows.  Bad buffers: a user address meets the counter first (EAGAIN
 * when empty), and a full counter is lost with EFAULT, as on Linux.
 */
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>

#include "guest.h"

static int efd;

static short
revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };

	SYS3(SYS_poll, &p, 1, 0);
	return p.revents;
}

int
main(void)
{
	uint64_t v;
	char small[4];

	efd = (int)SYS2(SYS_eventfd2, 5, EFD_NONBLOCK | EFD_CLOEXEC);
	expect_val("eventfd2", efd, 3);
	expect_val("close-on-exec", SYS2(SYS_fcntl, efd, 1), 1);
	expect_val("F_GETFL", SYS2(SYS_fcntl, efd, 3), 02 | 04000);
	expect_val("poll: readable and writable", revents(efd),
	    POLLIN | POLLOUT);
	expect_err("read 4 bytes", SYS3(SYS_read, efd, small, 4), EINVAL);
	expect_val("read", SYS3(SYS_read, efd, &v, 8), 8);
	expect_val("the count", (long)v, 5);
	expect_err("empty: EAGAIN", SYS3(SYS_read, efd, &v, 8), EAGAIN);
	expect_val("poll: writable only", revents(efd), POLLOUT);
	/* Linux asks the counter before it copies: EAGAIN wins. */
	expect_err("read, empty, NULL buffer", SYS3(SYS_read, efd, NULL, 8),
	    EAGAIN);
	expect_err("read, empty, kernel buffer", SYS3(SYS_read, efd,
	    ADDR_KERNEL, 8), EFAULT);
	v = 3;
	expect_val("write", SYS3(SYS_write, efd, &v, 8), 8);
	expect_err("write 4 bytes", SYS3(SYS_write, efd, small, 4), EINVAL);
	v = UINT64_MAX;
	expect_err("write 2^64 - 1", SYS3(SYS_write, efd, &v, 8), EINVAL);
	v = UINT64_MAX - 4;
	expect_val("write up to the limit", SYS3(SYS_write, efd, &v, 8), 8);
	v = 1;
	expect_err("past the limit: EAGAIN", SYS3(SYS_write, efd, &v, 8),
	    EAGAIN);
	expect_val("poll: readable only", revents(efd), POLLIN);
	expect_val("read the lot", SYS3(SYS_read, efd, &v, 8), 8);
	check("2^64 - 2", v == UINT64_MAX - 1);
	v = 9;
	SYS3(SYS_write, efd, &v, 8);
	expect_err("read, full, NULL buffer", SYS3(SYS_read, efd, NULL, 8),
	    EFAULT);
	expect_err("the count went with it", SYS3(SYS_read, efd, &v, 8),
	    EAGAIN);
	SYS1(SYS_close, efd);

	efd = (int)SYS2(SYS_eventfd2, 2, EFD_SEMAPHORE | EFD_NONBLOCK);
	expect_val("semaphore read", SYS3(SYS_read, efd, &v, 8), 8);
	expect_val("gives 1", (long)v, 1);
	expect_val("again", SYS3(SYS_read, efd, &v, 8), 8);
	expect_err("then EAGAIN", SYS3(SYS_read, efd, &v, 8), EAGAIN);
	expect_err("bad flags", SYS2(SYS_eventfd2, 0, 0x10), EINVAL);
	expect_val("eventfd", SYS1(SYS_eventfd, 1), 4);
	expect_err("positional read", SYS4(SYS_pread64, efd, &v, 8, 0),
	    ESPIPE);
	expect_val("lseek does nothing", SYS3(SYS_lseek, efd, 5, 0), 0);
	return finish();
}
