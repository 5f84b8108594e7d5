/*
 * io_pipe: pipes through the raw calls.  Flags, a round trip, reads that
 * take what is there, PIPE_BUF atomicity and the 64 KiB capacity with
 * O_NONBLOCK, F_GETPIPE_SZ/F_SETPIPE_SZ, FIONREAD, end of file, EPIPE
 * with SIGPIPE ignored, positional I/O and lseek (ESPIPE), readv/writev,
 * and bad buffers (EFAULT, and the data stays in the pipe).
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include "guest.h"

static int rfd, wfd;

static long
read_into(void *p)
{
	return SYS3(SYS_read, rfd, p, 16);
}

static long
write_from(void *p)
{
	return SYS3(SYS_write, wfd, p, 16);
}

static void
mkpipe(int flags)
{
	int fds[2];

	expect_ok("pipe2", SYS2(SYS_pipe2, fds, flags));
	rfd = fds[0];
	wfd = fds[1];
}

static void
basics(void)
{
	char buf[256];
	int n;

	mkpipe(0);
	expect_val("read end", rfd, 3);
	expect_val("write end", wfd, 4);
	expect_val("F_GETFL read end", SYS2(SYS_fcntl, rfd, F_GETFL), O_RDONLY);
	expect_val("F_GETFL write end", SYS2(SYS_fcntl, wfd, F_GETFL),
	    O_WRONLY);
	expect_val("write 11", SYS3(SYS_write, wfd, "hello world", 11), 11);
	expect_ok("FIONREAD", SYS3(SYS_ioctl, rfd, FIONREAD, &n));
	expect_val("FIONREAD count", n, 11);
	expect_val("read 5", SYS3(SYS_read, rfd, buf, 5), 5);
	check("first five bytes", memcmp(buf, "hello", 5) == 0);
	expect_val("read the rest", SYS3(SYS_read, rfd, buf, sizeof(buf)), 6);
	check("the rest", memcmp(buf, " world", 6) == 0);
	expect_err("read from the write end", SYS3(SYS_read, wfd, buf, 1),
	    EBADF);
	expect_err("write to the read end", SYS3(SYS_write, rfd, buf, 1),
	    EBADF);
	expect_err("pread", SYS4(SYS_pread64, rfd, buf, 1, 0), ESPIPE);
	expect_err("pwrite", SYS4(SYS_pwrite64, wfd, buf, 1, 0), ESPIPE);
	expect_err("pread negative offset", SYS4(SYS_pread64, rfd, buf, 1,
	    -1), EINVAL);
	expect_err("lseek", SYS3(SYS_lseek, rfd, 0, SEEK_SET), ESPIPE);
	expect_val("read 0 bytes", SYS3(SYS_read, rfd, buf, 0), 0);
	expect_val("write 0 bytes", SYS3(SYS_write, wfd, buf, 0), 0);
}

static void
vectors(void)
{
	char a[4], b[8];
	struct iovec iov[2] = { { "abc", 3 }, { "defgh", 5 } };

	expect_val("writev", SYS3(SYS_writev, wfd, iov, 2), 8);
	iov[0] = (struct iovec){ a, 2 };
	iov[1] = (struct iovec){ b, 8 };
	expect_val("readv", SYS3(SYS_readv, rfd, iov, 2), 8);
	check("readv data", memcmp(a, "ab", 2) == 0 &&
	    memcmp(b, "cdefgh", 6) == 0);
	expect_err("readv 1025 vectors", SYS3(SYS_readv, rfd, iov, 1025),
	    EINVAL);
	expect_val("writev no vectors", SYS3(SYS_writev, wfd, iov, 0), 0);
}

static void
bad_buffers(void)
{
	char buf[32];

	expect_efault_all("write", write_from, 16, PTR_IN);
	expect_val("write 20 for the read checks",
	    SYS3(SYS_write, wfd, "0123456789abcdefghij", 20), 20);
	expect_efault_all("read", read_into, 16, PTR_OUT);
	expect_val("all 20 bytes still there", SYS3(SYS_read, rfd, buf,
	    sizeof(buf)), 20);
	check("and intact", memcmp(buf, "0123456789abcdefghij", 20) == 0);
}

static void
capacity(void)
{
	static char big[100000];
	long n;

	expect_ok("O_NONBLOCK on", SYS3(SYS_fcntl, wfd, F_SETFL, O_NONBLOCK));
	expect_ok("O_NONBLOCK on the read end",
	    SYS3(SYS_fcntl, rfd, F_SETFL, O_NONBLOCK));
	expect_val("F_GETFL", SYS2(SYS_fcntl, rfd, F_GETFL),
	    O_RDONLY | O_NONBLOCK);
	expect_err("empty: EAGAIN", SYS3(SYS_read, rfd, big, 10), EAGAIN);
	expect_val("F_GETPIPE_SZ", SYS2(SYS_fcntl, wfd, F_GETPIPE_SZ), 65536);
	expect_val("a big write fills it", SYS3(SYS_write, wfd, big,
	    sizeof(big)), 65536);
	expect_err("full: EAGAIN", SYS3(SYS_write, wfd, big, 1), EAGAIN);
	expect_val("read 100", SYS3(SYS_read, rfd, big, 100), 100);
	expect_err("PIPE_BUF is atomic", SYS3(SYS_write, wfd, big, 200),
	    EAGAIN);
	expect_err("F_SETPIPE_SZ below the content",
	    SYS3(SYS_fcntl, wfd, F_SETPIPE_SZ, 4096), EBUSY);
	while (SYS3(SYS_read, rfd, big, sizeof(big)) > 0)
		;
	expect_val("F_SETPIPE_SZ 5000", SYS3(SYS_fcntl, wfd, F_SETPIPE_SZ,
	    5000), 8192);
	expect_val("new size", SYS2(SYS_fcntl, rfd, F_GETPIPE_SZ), 8192);
	expect_val("fills at 8192", SYS3(SYS_write, wfd, big, sizeof(big)),
	    8192);
	n = SYS3(SYS_read, rfd, big, 4096);
	expect_val("read 4096", n, 4096);
	n = SYS2(SYS_eventfd2, 0, 0);
	expect_err("F_GETPIPE_SZ of a non-pipe", SYS2(SYS_fcntl, n,
	    F_GETPIPE_SZ), EBADF);
	SYS1(SYS_close, n);
}

static void
end_of_file(void)
{
	char buf[16];

	SYS1(SYS_close, rfd);
	SYS1(SYS_close, wfd);
	mkpipe(O_CLOEXEC);
	expect_val("FD_CLOEXEC", SYS2(SYS_fcntl, rfd, F_GETFD), FD_CLOEXEC);
	SYS3(SYS_write, wfd, "xy", 2);
	expect_ok("close the write end", SYS1(SYS_close, wfd));
	expect_val("data before end of file", SYS3(SYS_read, rfd, buf, 16),
	    2);
	expect_val("end of file", SYS3(SYS_read, rfd, buf, 16), 0);
	expect_val("and again", SYS3(SYS_read, rfd, buf, 16), 0);
	SYS1(SYS_close, rfd);
	mkpipe(0);
	SYS1(SYS_close, rfd);
	signal(SIGPIPE, SIG_IGN);
	expect_err("write without a reader", SYS3(SYS_write, wfd, "z", 1),
	    EPIPE);
	SYS1(SYS_close, wfd);
	expect_err("pipe2 bad flags", SYS2(SYS_pipe2, (int[2]){ 0 }, 0x40),
	    EINVAL);
	expect_err("pipe2 bad array", SYS2(SYS_pipe2, NULL, 0), EFAULT);
	expect_val("no descriptor leaked", SYS1(SYS_dup, 0), 3);
}

int
main(void)
{
	basics();
	vectors();
	bad_buffers();
	capacity();
	end_of_file();
	return finish();
}
