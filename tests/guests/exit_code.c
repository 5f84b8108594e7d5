/*
 * exit_code: the exit status reaches the host.  Output first, then the
 * single-thread exit(2) (not exit_group) with status 300, of which only the
 * low 8 bits survive: the expected status is 44.
 */
#include "guest.h"

int
main(void)
{
	out("exiting with SYS_exit(300)\n");
	SYS1(SYS_exit, 300);
	out("still alive after SYS_exit\n");
	return 1;
}
