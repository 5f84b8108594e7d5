/*
 * io_tty: the standard descriptors when they are not a terminal (the
 * differential runs feed a pipe, and Cloister's console is then not a
 * tty either): isatty is false, the tty ioctls give ENOTTY, FIONREAD
 * works, positional I/O is ESPIPE.  tests/integration/tty.sh covers the
 * console as a terminal.
 */
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "guest.h"

int
main(void)
{
	struct termios t;
	struct winsize ws;
	int n = -1, pg;

	check("stdin is not a tty", !isatty(0));
	check("stdout is not a tty", !isatty(1));
	expect_err("TCGETS stdin", SYS3(SYS_ioctl, 0, TCGETS, &t), ENOTTY);
	expect_err("TCSETS stdin", SYS3(SYS_ioctl, 0, TCSETS, &t), ENOTTY);
	expect_err("TIOCGWINSZ stdout", SYS3(SYS_ioctl, 1, TIOCGWINSZ, &ws),
	    ENOTTY);
	expect_err("TIOCGPGRP stdin", SYS3(SYS_ioctl, 0, TIOCGPGRP, &pg),
	    ENOTTY);
	expect_ok("FIONREAD stdin", SYS3(SYS_ioctl, 0, FIONREAD, &n));
	expect_val("nothing to read", n, 0);
	expect_err("pread stdin", SYS4(SYS_pread64, 0, &n, 1, 0), ESPIPE);
	expect_err("ioctl on a closed fd", SYS3(SYS_ioctl, 42, TCGETS, &t),
	    EBADF);
	return finish();
}
