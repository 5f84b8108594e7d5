/*
 * signal_bad_handler: a handler at a non-canonical address, reached on
 * the exception return path (a ud2 raises SIGILL, whose handler is
 * 0x0000800000000000).  The CPU cannot iretq there: Linux turns the
 * return into SIGSEGV (si_code SI_KERNEL, trap 13) with the bad address
 * as the context's RIP, which a SIGSEGV handler can catch.  Then the
 * SIGSEGV handler itself is made non-canonical: a second round is fatal
 * (139), never a fault in the kernel.
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "guest.h"

static sigjmp_buf env;
static volatile int code, signo;
static volatile long trapno;
static volatile uintptr_t rip;

static void
on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	signo = si->si_signo;
	code = si->si_code;
	trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(env, 1);
}

/* sigaction through the raw call, so libc cannot refuse the address. */
static long
set_handler(int sig, uintptr_t handler, unsigned long flags)
{
	struct {
		uintptr_t handler;
		unsigned long flags;
		uintptr_t restorer;
		unsigned long mask;
	} act = { handler, flags | 0x04000000 /* SA_RESTORER */, 0, 0 };
	struct sigaction probe;

	/* Borrow libc's restorer from a sigaction it made itself. */
	sigaction(SIGURG, NULL, &probe);
	memset(&probe, 0, sizeof(probe));
	probe.sa_handler = SIG_DFL;
	sigaction(SIGURG, &probe, NULL);
	{
		uintptr_t k[4];

		SYS4(SYS_rt_sigaction, SIGURG, 0, k, 8);
		act.restorer = k[2];
	}
	return SYS4(SYS_rt_sigaction, sig, &act, 0, 8);
}

int
main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	expect_ok("SIGILL handler at a non-canonical address",
	    set_handler(SIGILL, ADDR_NONCANON, SA_SIGINFO));
	if (sigsetjmp(env, 1) == 0) {
		__asm__ volatile("ud2");
		out("ud2 returned\n");
	}
	check("SIGSEGV after the bad return", signo == SIGSEGV);
	check("si_code SI_KERNEL", code == SI_KERNEL);
	check("trap 13 (#GP)", trapno == 13);
	check("context RIP is the handler's address", rip == ADDR_NONCANON);

	expect_death("non-canonical SIGSEGV handler", SIGSEGV);
	set_handler(SIGSEGV, ADDR_NONCANON, SA_SIGINFO);
	__asm__ volatile("ud2");
	out("survived\n");
	return finish();
}
