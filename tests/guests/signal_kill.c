/*
 * signal_kill: kill(getpid(), SIGKILL) ends the process with status
 * 137 (128 + SIGKILL); no handler, mask or SIG_IGN can stop it.
 */
#include <signal.h>

#include "guest.h"

int
main(void)
{
	sigset_t all;

	out("signal_kill: expected exit status 137 (SIGKILL)\n");
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	signal(SIGKILL, SIG_IGN);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGKILL);
	out("survived SIGKILL\n");
	return 0;
}
