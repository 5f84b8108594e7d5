/*
 * signal_default: default actions.  Signals whose default is to ignore
 * them (SIGCHLD, SIGURG, SIGWINCH, SIGCONT) and one set to SIG_IGN
 * (SIGUSR1) change nothing; SIGTERM, blocked, stays pending; when it is
 * unblocked the process ends with status 143 (128 + SIGTERM) before
 * sigprocmask returns.
 */
#include <signal.h>

#include "guest.h"

int
main(void)
{
	sigset_t s;

	out("signal_default: expected exit status 143 (SIGTERM)\n");
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	out("SIGUSR1 with SIG_IGN: still here\n");
	raise(SIGCHLD);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGCHLD);
	out("SIGCHLD (default: ignore): still here\n");
	raise(SIGURG);
	raise(SIGWINCH);
	raise(SIGCONT);
	out("SIGURG, SIGWINCH, SIGCONT: still here\n");
	sigemptyset(&s);
	sigaddset(&s, SIGTERM);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGTERM);
	out("SIGTERM blocked: pending, still here\n");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	out("SIGTERM unblocked: survived (it must not)\n");
	return 0;
}
