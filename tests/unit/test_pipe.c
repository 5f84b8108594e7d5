/*
 * test_pipe.c: pipes and eventfd (kernel/pipe.c, kernel/eventfd.c) and
 * the descriptor syscalls over them (shim/io.c, shim/pipe.c): full,
 * empty, end of file, EPIPE and SIGPIPE, O_NONBLOCK, PIPE_BUF atomicity,
 * F_SETPIPE_SZ, FIONREAD, bad buffers (EFAULT without losing data),
 * readv/writev, dup2 onto itself, close_range, fcntl flags and locks.
 */
#include "tests/unit/io_env.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_GETLK		5
#define F_SETLK		6
#define F_OFD_GETLK	36
#define F_DUPFD_CLOEXEC	1030
#define F_SETPIPE_SZ	1031
#define F_GETPIPE_SZ	1032
#define FIONREAD	0x541b
#define FIONBIO		0x5421
#define FIOCLEX		0x5451
#define SIGPIPE_NR	13

static int pfd[2];

/* pipe2 into user memory, descriptors into pfd. */
static int
mkpipe(uint64_t flags)
{
	long rc = SYS(sys_pipe2, U_RW, flags);
	int *u = io_uptr(U_RW);

	if (rc == 0) {
		pfd[0] = u[0];
		pfd[1] = u[1];
	}
	return (int)rc;
}

static void
test_kernel_pipe(void)
{
	struct file *rd, *wr;
	char buf[PIPE_BUF * 2];
	size_t heap0;

	io_setup();
	heap0 = kheap_in_use();
	CHECK(pipe_create(O_APPEND, &rd, &wr) == -EINVAL);
	CHECK(pipe_create(O_NONBLOCK, &rd, &wr) == 0);
	CHECK((rd->flags & O_ACCMODE) == O_RDONLY);
	CHECK((wr->flags & O_ACCMODE) == O_WRONLY);
	CHECK(file_poll(rd) == 0);
	CHECK(file_poll(wr) == (POLLOUT | POLLWRNORM));
	CHECK(file_read(rd, buf, 10, 0) == -EAGAIN);		/* empty */
	CHECK(file_write(wr, "hello", 5, 0) == 5);
	CHECK(file_poll(rd) == (POLLIN | POLLRDNORM));
	CHECK(file_nread(rd) == 5);
	CHECK(file_read(rd, buf, 3, 0) == 3 && memcmp(buf, "hel", 3) == 0);
	CHECK(file_read(rd, buf, 10, 0) == 2 && memcmp(buf, "lo", 2) == 0);
	/* Fill it: 64 KiB, then EAGAIN; PIPE_BUF writes are atomic. */
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 16; i++)
		CHECK(file_write(wr, buf, PIPE_BUF, 0) == PIPE_BUF);
	CHECK(pipe_get_size(wr) == 65536);
	CHECK(file_write(wr, buf, 1, 0) == -EAGAIN);
	CHECK(!(file_poll(wr) & POLLOUT));
	CHECK(file_read(rd, buf, 100, 0) == 100);
	CHECK(file_write(wr, buf, 200, 0) == -EAGAIN);	/* atomic: no */
	CHECK(file_write(wr, buf, PIPE_BUF + 1, 0) == 100);	/* partial */
	CHECK(!(file_poll(wr) & POLLOUT));
	/* Writer gone: the data, then end of file and POLLHUP. */
	file_put(wr);
	CHECK(file_poll(rd) & POLLHUP);
	CHECK(file_read(rd, buf, sizeof(buf), 0) == (long)sizeof(buf));
	while (file_read(rd, buf, sizeof(buf), 0) > 0)
		;
	CHECK(file_read(rd, buf, sizeof(buf), 0) == 0);
	file_put(rd);
	CHECK(kheap_in_use() == heap0);
}

static void
test_epipe(void)
{
	struct file *rd, *wr;

	io_setup();
	CHECK(pipe_create(0, &rd, &wr) == 0);
	file_put(rd);
	CHECK(file_poll(wr) & POLLERR);
	CHECK(file_write(wr, "x", 1, 0) == -EPIPE);
	file_put(wr);
	/* Through the shim: EPIPE and SIGPIPE. */
	CHECK(mkpipe(0) == 0);
	CHECK(SYS(sys_close, pfd[0]) == 0);
	memcpy(io_uptr(U_RW + 64), "data", 4);
	CHECK(SYS(sys_write, pfd[1], U_RW + 64, 4) == -EPIPE);
	CHECK(io_last_signal == SIGPIPE_NR && io_signals == 1);
}

/* A blocking read on an empty pipe waits; data arrives meanwhile. */
static struct file *hook_wr;

static void
writer_hook(const uint32_t *word)
{
	file_write(hook_wr, "late", 4, 0);
	mock_block_hook = NULL;
}

static void
test_blocking(void)
{
	struct file *rd, *wr;
	char buf[16];

	io_setup();
	CHECK(pipe_create(0, &rd, &wr) == 0);
	CHECK(EXPECT_PANIC(file_read(rd, buf, 16, 0)));	/* waits forever */
	hook_wr = wr;
	mock_block_hook = writer_hook;
	CHECK(file_read(rd, buf, 16, 0) == 4 && memcmp(buf, "late", 4) == 0);
	mock_block_intr = 1;
	CHECK(file_read(rd, buf, 16, 0) == -EINTR);
	file_put(rd);
	file_put(wr);
}

static void
test_shim_rw(void)
{
	char *u;
	struct iovec_u { uint64_t base, len; } *iov;

	io_setup();
	u = io_uptr(U_RW);
	iov = io_uptr(U_RW + 2048);
	CHECK(mkpipe(0) == 0);
	CHECK(pfd[0] == 0 && pfd[1] == 1);
	memcpy(u + 100, "abcdefgh", 8);
	CHECK(SYS(sys_write, pfd[1], U_RW + 100, 8) == 8);
	CHECK(SYS(sys_write, pfd[0], U_RW + 100, 1) == -EBADF);
	CHECK(SYS(sys_read, pfd[1], U_RW, 1) == -EBADF);
	CHECK(SYS(sys_read, 99, U_RW, 1) == -EBADF);
	/* Bad buffers: EFAULT, and the data stays. */
	CHECK(SYS(sys_read, pfd[0], 0, 4) == -EFAULT);
	CHECK(SYS(sys_read, pfd[0], U_RO, 4) == -EFAULT);
	CHECK(SYS(sys_read, pfd[0], U_KERNEL, 4) == -EFAULT);
	CHECK(SYS(sys_read, pfd[0], U_HOLE - 2, 4) == -EFAULT);	/* 8 > 2 */
	CHECK(SYS(sys_write, pfd[1], U_HOLE, 4) == -EFAULT);
	CHECK(SYS(sys_write, pfd[1], U_RW, ~0ull) == -EFAULT);
	/* readv across two buffers. */
	iov[0] = (struct iovec_u){ U_RW + 200, 3 };
	iov[1] = (struct iovec_u){ U_RW + 300, 10 };
	CHECK(SYS(sys_readv, pfd[0], U_RW + 2048, 2) == 8);
	CHECK(memcmp(u + 200, "abc", 3) == 0 && memcmp(u + 300, "defgh", 5)
	    == 0);
	CHECK(SYS(sys_readv, pfd[0], U_RW + 2048, 1025) == -EINVAL);
	iov[0].len = ~0ull;
	CHECK(SYS(sys_readv, pfd[0], U_RW + 2048, 2) == -EINVAL);
	/* writev: gathered into one atomic write. */
	iov[0] = (struct iovec_u){ U_RW + 100, 2 };
	iov[1] = (struct iovec_u){ U_RW + 104, 2 };
	CHECK(SYS(sys_writev, pfd[1], U_RW + 2048, 2) == 4);
	CHECK(SYS(sys_read, pfd[0], U_RW + 400, 100) == 4);
	CHECK(memcmp(u + 400, "abef", 4) == 0);
	/* A pipe takes nothing from a chunk with a bad byte (pipe_write). */
	iov[1] = (struct iovec_u){ U_HOLE, 2 };
	CHECK(SYS(sys_writev, pfd[1], U_RW + 2048, 2) == -EFAULT);
	CHECK(SYS(sys_ioctl, pfd[0], FIONREAD, U_RW + 3000) == 0);
	CHECK(*(int *)io_uptr(U_RW + 3000) == 0);
	iov[0] = (struct iovec_u){ U_HOLE, 2 };
	CHECK(SYS(sys_writev, pfd[1], U_RW + 2048, 2) == -EFAULT);
	iov[0] = (struct iovec_u){ U_KERNEL, 2 };
	CHECK(SYS(sys_writev, pfd[1], U_RW + 2048, 1) == -EFAULT);
	CHECK(SYS(sys_writev, pfd[1], U_RW + 2048, 0) == 0);
	/* Positional I/O on a pipe. */
	CHECK(SYS(sys_pread64, pfd[0], U_RW, 1, 0) == -ESPIPE);
	CHECK(SYS(sys_pwrite64, pfd[1], U_RW, 1, 0) == -ESPIPE);
	CHECK(SYS(sys_pread64, pfd[0], U_RW, 1, -1) == -EINVAL);
	CHECK(SYS(sys_pread64, 77, U_RW, 1, 0) == -EBADF);
	CHECK(SYS(sys_lseek, pfd[0], 0, 0) == -ESPIPE);
	CHECK(SYS(sys_lseek, 77, 0, 0) == -EBADF);
	CHECK(SYS(sys_lseek, pfd[0], 0, 9) == -EINVAL);
	CHECK(SYS(sys_read, pfd[0], U_RW, 0) == 0);
}

static void
test_nonblock_and_fcntl(void)
{
	int *n;

	io_setup();
	n = io_uptr(U_RW + 512);
	CHECK(mkpipe(O_NONBLOCK | O_CLOEXEC) == 0);
	CHECK(SYS(sys_read, pfd[0], U_RW, 8) == -EAGAIN);
	CHECK(SYS(sys_fcntl, pfd[0], F_GETFL) == (O_RDONLY | O_NONBLOCK));
	CHECK(SYS(sys_fcntl, pfd[1], F_GETFL) == (O_WRONLY | O_NONBLOCK));
	CHECK(SYS(sys_fcntl, pfd[0], F_GETFD) == 1);
	CHECK(SYS(sys_fcntl, pfd[0], F_SETFD, 0) == 0);
	CHECK(SYS(sys_fcntl, pfd[0], F_GETFD) == 0);
	CHECK(SYS(sys_fcntl, pfd[0], F_SETFL, O_APPEND | O_RDWR) == 0);
	CHECK(SYS(sys_fcntl, pfd[0], F_GETFL) == (O_RDONLY | O_APPEND));
	*n = 1;
	CHECK(SYS(sys_ioctl, pfd[0], FIONBIO, U_RW + 512) == 0);
	CHECK(SYS(sys_read, pfd[0], U_RW, 8) == -EAGAIN);
	CHECK(SYS(sys_ioctl, pfd[0], FIOCLEX) == 0);
	CHECK(SYS(sys_fcntl, pfd[0], F_GETFD) == 1);
	CHECK(SYS(sys_fcntl, pfd[0], 9999) == -EINVAL);
	CHECK(SYS(sys_fcntl, 500, F_GETFD) == -EBADF);
	/* F_DUPFD: lowest free >= arg; the limit is EINVAL. */
	CHECK(SYS(sys_fcntl, pfd[0], F_DUPFD, 10) == 10);
	CHECK(SYS(sys_fcntl, pfd[0], F_DUPFD_CLOEXEC, 10) == 11);
	CHECK(SYS(sys_fcntl, 11, F_GETFD) == 1 && SYS(sys_fcntl, 10, F_GETFD)
	    == 0);
	CHECK(SYS(sys_fcntl, pfd[0], F_DUPFD, FD_LIMIT) == -EINVAL);
	/* Pipe size and FIONREAD. */
	CHECK(SYS(sys_fcntl, pfd[0], F_GETPIPE_SZ) == 65536);
	CHECK(SYS(sys_fcntl, pfd[1], F_SETPIPE_SZ, 5000) == 8192);
	CHECK(SYS(sys_fcntl, pfd[1], F_SETPIPE_SZ, 2 << 20) == -EPERM);
	memcpy(io_uptr(U_RW), "0123456789", 10);
	CHECK(SYS(sys_write, pfd[1], U_RW, 10) == 10);
	CHECK(SYS(sys_ioctl, pfd[0], FIONREAD, U_RW + 512) == 0 && *n == 10);
	CHECK(SYS(sys_fcntl, pfd[1], F_SETPIPE_SZ, 1) == 4096);
	CHECK(SYS(sys_ioctl, pfd[0], 0x5401, U_RW) == -ENOTTY);	/* TCGETS */
}

static void
test_locks(void)
{
	struct flock_u {
		int16_t type, whence;
		int32_t pad;
		int64_t start, len;
		int32_t pid, pad1;
	} *fl;

	io_setup();
	fl = io_uptr(U_RW + 1024);
	CHECK(mkpipe(0) == 0);
	*fl = (struct flock_u){ .type = 1, .whence = 0, .len = 10 };
	CHECK(SYS(sys_fcntl, pfd[1], F_SETLK, U_RW + 1024) == 0);
	CHECK(SYS(sys_fcntl, pfd[0], F_SETLK, U_RW + 1024) == -EBADF);
	CHECK(SYS(sys_fcntl, pfd[1], F_GETLK, U_RW + 1024) == 0);
	CHECK(fl->type == 2 && fl->len == 10);		/* F_UNLCK */
	CHECK(SYS(sys_fcntl, pfd[1], F_GETLK, U_RW + 1024) == -EINVAL);
	fl->type = 0;
	fl->pid = 5;
	CHECK(SYS(sys_fcntl, pfd[0], F_OFD_GETLK, U_RW + 1024) == -EINVAL);
	fl->whence = 7;
	CHECK(SYS(sys_fcntl, pfd[0], F_SETLK, U_RW + 1024) == -EINVAL);
	CHECK(SYS(sys_fcntl, pfd[0], F_SETLK, U_HOLE) == -EFAULT);
}

static void
test_dup_calls(void)
{
	io_setup();
	CHECK(mkpipe(0) == 0);
	CHECK(SYS(sys_dup2, pfd[0], pfd[0]) == pfd[0]);	/* onto itself */
	CHECK(SYS(sys_dup2, 50, 50) == -EBADF);
	CHECK(SYS(sys_dup3, pfd[0], pfd[0], 0) == -EINVAL);
	CHECK(SYS(sys_dup3, pfd[0], 5, 1) == -EINVAL);
	CHECK(SYS(sys_dup3, pfd[0], FD_LIMIT, 0) == -EBADF);
	CHECK(SYS(sys_dup3, pfd[0], 5, O_CLOEXEC) == 5);
	CHECK(SYS(sys_fcntl, 5, F_GETFD) == 1);
	CHECK(SYS(sys_dup, pfd[1]) == 2);
	CHECK(SYS(sys_dup2, pfd[1], 5) == 5);		/* replaces */
	CHECK(SYS(sys_fcntl, 5, F_GETFL) == O_WRONLY);
	CHECK(SYS(sys_close_range, 3, 2, 0) == -EINVAL);
	CHECK(SYS(sys_close_range, 0, ~0u, 8) == -EINVAL);
	CHECK(SYS(sys_close_range, 1, 2, 4) == 0);	/* CLOEXEC */
	CHECK(SYS(sys_fcntl, 2, F_GETFD) == 1);
	CHECK(SYS(sys_close_range, 1, ~0u, 0) == 0);
	CHECK(fd_next(0) == 0 && fd_next(1) == -1);
	CHECK(SYS(sys_close, 0) == 0 && SYS(sys_close, 0) == -EBADF);
}

static void
test_emfile(void)
{
	io_setup();
	for (int i = 0; i < FD_LIMIT - 1; i++)
		CHECK(SYS(sys_eventfd2, 0, 0) == i);
	CHECK(SYS(sys_pipe2, U_RW, 0) == -EMFILE);	/* only one free */
	CHECK(fd_next(FD_LIMIT - 1) == -1);
	CHECK(SYS(sys_eventfd2, 0, 0) == FD_LIMIT - 1);
	CHECK(SYS(sys_eventfd2, 0, 0) == -EMFILE);
	CHECK(SYS(sys_dup, 0) == -EMFILE);
	fd_reset();
	CHECK(SYS(sys_pipe2, U_HOLE, 0) == -EFAULT);
	CHECK(fd_next(0) == -1);			/* nothing left open */
	CHECK(SYS(sys_pipe2, U_RW, 0x40) == -EINVAL);
}

static void
test_eventfd(void)
{
	uint64_t *v;
	int fd;

	io_setup();
	v = io_uptr(U_RW + 8);
	CHECK(SYS(sys_eventfd2, 0, 0x10) == -EINVAL);
	fd = (int)SYS(sys_eventfd2, 3, O_NONBLOCK);
	CHECK(fd == 0);
	CHECK(SYS(sys_read, fd, U_RW + 8, 4) == -EINVAL);
	CHECK(SYS(sys_read, fd, U_RW + 8, 8) == 8 && *v == 3);
	CHECK(SYS(sys_read, fd, U_RW + 8, 8) == -EAGAIN);
	*v = 5;
	CHECK(SYS(sys_write, fd, U_RW + 8, 16) == -EINVAL);	/* Linux 6 */
	CHECK(SYS(sys_write, fd, U_RW + 8, 8) == 8);
	*v = ~0ull;
	CHECK(SYS(sys_write, fd, U_RW + 8, 8) == -EINVAL);
	*v = ~0ull - 5;		/* 5 + this > 2^64 - 2 */
	CHECK(SYS(sys_write, fd, U_RW + 8, 8) == -EAGAIN);	/* overflow */
	*v = 0;
	CHECK(SYS(sys_read, fd, U_RW + 8, 8) == 8 && *v == 5);
	CHECK(SYS(sys_close, fd) == 0);
	/* Semaphore mode: one at a time. */
	fd = (int)SYS(sys_eventfd2, 2, 1 | O_NONBLOCK);
	CHECK(SYS(sys_read, fd, U_RW + 8, 8) == 8 && *v == 1);
	CHECK(SYS(sys_read, fd, U_RW + 8, 8) == 8 && *v == 1);
	CHECK(SYS(sys_read, fd, U_RW + 8, 8) == -EAGAIN);
	CHECK(SYS(sys_eventfd, 7) == 1);
}

int
main(void)
{
	harness_begin("pipe");
	RUN(test_kernel_pipe);
	RUN(test_epipe);
	RUN(test_blocking);
	RUN(test_shim_rw);
	RUN(test_nonblock_and_fcntl);
	RUN(test_locks);
	RUN(test_dup_calls);
	RUN(test_emfile);
	RUN(test_eventfd);
	return harness_done();
}
