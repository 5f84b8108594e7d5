/*
 * signal_fault_blocked: a fault whose signal is blocked cannot wait
 * (the instruction would fault again): with a handler installed but
 * SIGSEGV blocked, a write to a read-only page kills the process with
 * SIGSEGV (139), as Linux's force_sig does.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

static void
handler(int sig)
{
	out("handler ran (it must not)\n");
}

int
main(void)
{
	volatile char *p = map_anon(NULL, PAGE, PROT_READ, 0);
	struct sigaction sa;
	sigset_t s;

	expect_death("signal_fault_blocked", SIGSEGV);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigaction(SIGSEGV, &sa, NULL);
	sigemptyset(&s);
	sigaddset(&s, SIGSEGV);
	sigprocmask(SIG_BLOCK, &s, NULL);
	if (p == NULL)
		return 1;
	out("SIGSEGV blocked, handler installed; writing\n");
	p[0] = 1;
	out("survived\n");
	return 0;
}
