/*
 * io_fcntl: descriptors.  dup, dup2 (onto itself too), dup3, F_DUPFD
 * and F_DUPFD_CLOEXEC (lowest free at or above), close-on-exec through
 * F_SETFD, FIOCLEX and FIONCLEX, F_GETFL/F_SETFL (only O_APPEND and
 * O_NONBLOCK change; FIONBIO too), record locks that never conflict,
 * close and close_range with its flags.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest.h"

#define CLOSE_RANGE_CLOEXEC	(1u << 2)

int
main(void)
{
	struct flock fl;
	int fds[2], on = 1;

	expect_ok("pipe", SYS1(SYS_pipe, fds));			/* 3, 4 */
	expect_val("dup", SYS1(SYS_dup, fds[0]), 5);
	expect_val("dup2 onto itself", SYS2(SYS_dup2, 5, 5), 5);
	expect_err("dup2 of a closed one onto itself", SYS2(SYS_dup2, 60,
	    60), EBADF);
	expect_val("dup2 to 10", SYS2(SYS_dup2, fds[1], 10), 10);
	expect_val("dup2 replaces 10", SYS2(SYS_dup2, fds[0], 10), 10);
	expect_val("10 is the read end now", SYS2(SYS_fcntl, 10, F_GETFL),
	    O_RDONLY);
	expect_err("dup3 onto itself", SYS3(SYS_dup3, 5, 5, 0), EINVAL);
	expect_err("dup3 bad flags", SYS3(SYS_dup3, 5, 6, 1), EINVAL);
	expect_val("dup3 O_CLOEXEC", SYS3(SYS_dup3, 5, 6, O_CLOEXEC), 6);
	expect_val("6 close-on-exec", SYS2(SYS_fcntl, 6, F_GETFD), 1);
	expect_val("5 not", SYS2(SYS_fcntl, 5, F_GETFD), 0);
	expect_err("dup of a closed descriptor", SYS1(SYS_dup, 77), EBADF);
	expect_val("F_DUPFD 7", SYS3(SYS_fcntl, 3, F_DUPFD, 7), 7);
	expect_val("F_DUPFD 7 again", SYS3(SYS_fcntl, 3, F_DUPFD, 7), 8);
	expect_val("F_DUPFD_CLOEXEC", SYS3(SYS_fcntl, 3, F_DUPFD_CLOEXEC, 0),
	    9);
	expect_val("its flag", SYS2(SYS_fcntl, 9, F_GETFD), 1);
	expect_err("F_DUPFD negative", SYS3(SYS_fcntl, 3, F_DUPFD, -1),
	    EINVAL);
	expect_ok("F_SETFD", SYS3(SYS_fcntl, 5, F_SETFD, FD_CLOEXEC));
	expect_val("F_GETFD", SYS2(SYS_fcntl, 5, F_GETFD), 1);
	expect_ok("FIONCLEX", SYS2(SYS_ioctl, 5, FIONCLEX));
	expect_val("cleared", SYS2(SYS_fcntl, 5, F_GETFD), 0);
	expect_ok("FIOCLEX", SYS2(SYS_ioctl, 5, FIOCLEX));
	expect_val("set", SYS2(SYS_fcntl, 5, F_GETFD), 1);

	expect_ok("F_SETFL O_APPEND|O_NONBLOCK|O_RDWR", SYS3(SYS_fcntl, 4,
	    F_SETFL, O_APPEND | O_NONBLOCK | O_RDWR));
	expect_val("F_GETFL", SYS2(SYS_fcntl, 4, F_GETFL),
	    O_WRONLY | O_APPEND | O_NONBLOCK);
	expect_ok("F_SETFL 0", SYS3(SYS_fcntl, 4, F_SETFL, 0));
	expect_ok("FIONBIO", SYS3(SYS_ioctl, 3, FIONBIO, &on));
	expect_val("O_NONBLOCK through FIONBIO", SYS2(SYS_fcntl, 3, F_GETFL),
	    O_RDONLY | O_NONBLOCK);
	expect_val("shared with its dups", SYS2(SYS_fcntl, 5, F_GETFL),
	    O_RDONLY | O_NONBLOCK);
	expect_err("unknown command", SYS3(SYS_fcntl, 3, 9999, 0), EINVAL);
	expect_err("closed descriptor", SYS2(SYS_fcntl, 77, F_GETFD), EBADF);

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_len = 100;
	expect_ok("F_SETLK write lock", SYS3(SYS_fcntl, 4, F_SETLK, &fl));
	expect_err("write lock on the read end", SYS3(SYS_fcntl, 3, F_SETLK,
	    &fl), EBADF);
	expect_ok("F_GETLK", SYS3(SYS_fcntl, 4, F_GETLK, &fl));
	expect_val("nothing in the way", fl.l_type, F_UNLCK);
	expect_err("F_GETLK of F_UNLCK", SYS3(SYS_fcntl, 4, F_GETLK, &fl),
	    EINVAL);
	fl.l_type = F_RDLCK;
	fl.l_whence = 5;
	expect_err("bad whence", SYS3(SYS_fcntl, 3, F_SETLK, &fl), EINVAL);
	fl.l_whence = SEEK_SET;
	expect_ok("F_SETLKW read lock", SYS3(SYS_fcntl, 3, F_SETLKW, &fl));
	fl.l_type = F_UNLCK;
	expect_ok("unlock", SYS3(SYS_fcntl, 3, F_SETLK, &fl));
	fl.l_type = F_RDLCK;
	fl.l_pid = 0;
	expect_ok("F_OFD_SETLK", SYS3(SYS_fcntl, 3, F_OFD_SETLK, &fl));
	fl.l_pid = 1;
	expect_err("F_OFD_GETLK with a pid", SYS3(SYS_fcntl, 3, F_OFD_GETLK,
	    &fl), EINVAL);
	expect_err("F_SETLK bad pointer", SYS3(SYS_fcntl, 3, F_SETLK, NULL),
	    EFAULT);

	expect_ok("close", SYS1(SYS_close, 10));
	expect_err("close again", SYS1(SYS_close, 10), EBADF);
	expect_err("close_range backwards", SYS3(SYS_close_range, 9, 8, 0),
	    EINVAL);
	expect_err("close_range bad flags", SYS3(SYS_close_range, 3, 9, 1),
	    EINVAL);
	expect_ok("close_range CLOEXEC", SYS3(SYS_close_range, 7, 8,
	    CLOSE_RANGE_CLOEXEC));
	expect_val("7 close-on-exec", SYS2(SYS_fcntl, 7, F_GETFD), 1);
	expect_ok("close_range 4..~0", SYS3(SYS_close_range, 4, ~0u, 0));
	expect_err("5 closed", SYS2(SYS_fcntl, 5, F_GETFD), EBADF);
	expect_val("3 still open", SYS2(SYS_fcntl, 3, F_GETFD), 0);
	expect_val("lowest free", SYS1(SYS_dup, 3), 4);
	return finish();
}
