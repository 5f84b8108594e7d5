/*
 * sigreturn_bad_mxcsr: a handler writes MXCSR = MXCSR_MASK = 0xffffffff
 * into its frame's FPU state and returns.  Reserved MXCSR bits make
 * XRSTOR fault; the check must use the CPU's own mask, not the one in
 * the guest's frame.  Linux kills with SIGSEGV (139).
 */
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "guest.h"

static void
on_usr1(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	uc->uc_mcontext.fpregs->mxcsr = 0xffffffff;
	uc->uc_mcontext.fpregs->mxcr_mask = 0xffffffff;
}

int
main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	expect_death("MXCSR with reserved bits in the frame", SIGSEGV);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR1);
	out("survived\n");
	return finish();
}
