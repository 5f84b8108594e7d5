/*
 * sigreturn_bad_cs: rt_sigreturn to a frame whose CS (or, with
 * UC_STRICT_RESTORE_SS, SS) is not a user selector.  Linux loads it and
 * its iretq faults: SIGSEGV.  A first round with a SIGSEGV handler shows
 * that the fault is an ordinary one; the second has none (139).
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "guest.h"

static sigjmp_buf env;
static volatile int segv;
static volatile int which;

static void
on_usr1(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	unsigned long csgsfs = uc->uc_mcontext.gregs[REG_CSGSFS];

	if (which == 0)		/* CS: bits 15:0 */
		csgsfs = (csgsfs & ~0xffffUL) | 0x1234;
	else			/* SS: bits 63:48 */
		csgsfs = (csgsfs & ~(0xffffUL << 48)) | (0x1234UL << 48);
	uc->uc_mcontext.gregs[REG_CSGSFS] = (greg_t)csgsfs;
}

static void
on_segv(int sig)
{
	segv = 1;
	siglongjmp(env, 1);
}

int
main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGSEGV, on_segv);
	which = 1;
	if (sigsetjmp(env, 1) == 0) {
		SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR1);
		out("bad SS accepted\n");
	}
	check("bad SS: SIGSEGV", segv);
	segv = 0;
	which = 0;
	if (sigsetjmp(env, 1) == 0) {
		SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR1);
		out("bad CS accepted\n");
	}
	check("bad CS: SIGSEGV", segv);
	signal(SIGSEGV, SIG_DFL);
	expect_death("bad CS without a handler", SIGSEGV);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR1);
	out("survived\n");
	return finish();
}
