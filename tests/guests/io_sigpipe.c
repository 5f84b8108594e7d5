/*
 * io_sigpipe: writing to a pipe whose read end is closed raises
 * SIGPIPE, whose default action ends the guest (exit status 141).
 */
#include <signal.h>

#include "guest.h"

int
main(void)
{
	int fds[2];

	expect_ok("pipe", SYS1(SYS_pipe, fds));
	expect_ok("close the read end", SYS1(SYS_close, fds[0]));
	expect_death("write without a reader", SIGPIPE);
	SYS3(SYS_write, fds[1], "x", 1);
	out("survived\n");
	return 0;
}
