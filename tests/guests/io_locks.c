/*
 * io_locks: record locks.  OFD locks belong to an open file description:
 * two opens of one file conflict (EAGAIN, F_OFD_GETLK reports the holder
 * with pid -1), a dup shares them, and they go when the last descriptor
 * of that open does.  POSIX locks of the one process never conflict with
 * each other, but do with another open's OFD locks.  Ranges are checked
 * as Linux does: past 2^63 is EOVERFLOW, before byte 0 EINVAL, a
 * negative length covers the bytes before l_start.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "guest.h"

static long
lk(int fd, int cmd, int type, int whence, int64_t start, int64_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = (short)type;
	fl.l_whence = (short)whence;
	fl.l_start = start;
	fl.l_len = len;
	return SYS3(SYS_fcntl, fd, cmd, &fl);
}

static void
test_getlk(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_start = 3;
	fl.l_len = 1;
	expect_ok("F_OFD_GETLK", SYS3(SYS_fcntl, fd, F_OFD_GETLK, &fl));
	check("F_OFD_GETLK: a write lock is in the way", fl.l_type == F_WRLCK);
	check("F_OFD_GETLK: at 0, 10 bytes", fl.l_start == 0 &&
	    fl.l_len == 10 && fl.l_whence == SEEK_SET);
	check("F_OFD_GETLK: holder pid -1", fl.l_pid == -1);
	fl.l_type = F_RDLCK;
	fl.l_start = 10;
	fl.l_len = 5;
	fl.l_pid = 0;
	SYS3(SYS_fcntl, fd, F_OFD_GETLK, &fl);
	check("F_OFD_GETLK: free after the lock", fl.l_type == F_UNLCK);
}

int
main(void)
{
	int a = (int)SYS3(SYS_open, "locks.txt", O_CREAT | O_RDWR | O_TRUNC,
	    0600);
	int b = (int)SYS2(SYS_open, "locks.txt", O_RDWR);
	int c = (int)SYS2(SYS_open, "locks.txt", O_RDWR);
	int d;

	SYS3(SYS_write, a, "0123456789abcdef", 16);
	expect_ok("OFD write lock, first open", lk(a, F_OFD_SETLK, F_WRLCK,
	    SEEK_SET, 0, 10));
	expect_err("OFD write lock, second open", lk(b, F_OFD_SETLK, F_WRLCK,
	    SEEK_SET, 5, 1), EAGAIN);
	expect_err("OFD read lock, second open", lk(b, F_OFD_SETLK, F_RDLCK,
	    SEEK_SET, 9, 100), EAGAIN);
	test_getlk(b);
	d = (int)SYS1(SYS_dup, a);
	expect_ok("a dup shares the OFD lock", lk(d, F_OFD_SETLK, F_WRLCK,
	    SEEK_SET, 2, 2));
	expect_ok("OFD read locks share", lk(b, F_OFD_SETLK, F_RDLCK,
	    SEEK_SET, 20, 10));
	expect_ok("OFD read locks share (2)", lk(c, F_OFD_SETLK, F_RDLCK,
	    SEEK_SET, 25, 10));
	expect_err("OFD write over a read lock", lk(c, F_OFD_SETLK, F_WRLCK,
	    SEEK_SET, 22, 1), EAGAIN);
	expect_err("POSIX lock against another open's OFD lock",
	    lk(b, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN);
	expect_ok("POSIX locks of one process, two opens (1)",
	    lk(b, F_SETLK, F_WRLCK, SEEK_SET, 100, 10));
	expect_ok("POSIX locks of one process, two opens (2)",
	    lk(c, F_SETLK, F_WRLCK, SEEK_SET, 100, 10));
	SYS1(SYS_close, a);
	expect_err("the dup still holds it", lk(b, F_OFD_SETLK, F_WRLCK,
	    SEEK_SET, 0, 1), EAGAIN);
	SYS1(SYS_close, d);
	expect_ok("gone with the last descriptor", lk(b, F_OFD_SETLK,
	    F_WRLCK, SEEK_SET, 0, 1));

	expect_err("start + len past 2^63", lk(c, F_SETLK, F_RDLCK, SEEK_SET,
	    INT64_MAX, 2), EOVERFLOW);
	expect_err("SEEK_END + start past 2^63", lk(c, F_SETLK, F_RDLCK,
	    SEEK_END, INT64_MAX, 1), EOVERFLOW);
	expect_err("start before byte 0", lk(c, F_SETLK, F_RDLCK, SEEK_SET,
	    -1, 1), EINVAL);
	expect_err("negative length before byte 0", lk(c, F_SETLK, F_RDLCK,
	    SEEK_SET, 5, -10), EINVAL);
	expect_ok("negative length", lk(c, F_SETLK, F_RDLCK, SEEK_SET, 10,
	    -5));
	expect_ok("start INT64_MAX, len 1", lk(c, F_SETLK, F_RDLCK, SEEK_SET,
	    INT64_MAX, 1));
	expect_err("F_GETLK range checked too", lk(c, F_GETLK, F_RDLCK,
	    SEEK_SET, INT64_MAX, 2), EOVERFLOW);
	expect_err("bad whence", lk(c, F_SETLK, F_RDLCK, 3, 0, 1), EINVAL);
	SYS1(SYS_close, b);
	SYS1(SYS_close, c);
	SYS1(SYS_unlink, "locks.txt");
	return finish();
}
