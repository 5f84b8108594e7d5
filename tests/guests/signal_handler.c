/*
 * signal_handler: installing handlers and running them.  sigaction's
 * errors and the old action it reports; delivery by raise, kill,
 * tgkill and tkill before the call returns, with si_signo, si_code
 * (SI_USER for kill, SI_TKILL for the thread kills), si_pid and si_uid;
 * the mask while a handler runs (the signal itself and sa_mask blocked,
 * uc_sigmask the mask from before), SA_NODEFER re-entry, SA_RESETHAND,
 * a signal raised inside a handler and held by sa_mask until it
 * returns, several pending signals released at once (Linux sets up all
 * their frames before returning, so the highest-numbered runs first),
 * and a handler that starts with the default FPU control state.
 *
 * See signal_mask, signal_wait, signal_altstack, signal_thread,
 * signal_fpu, signal_fault and signal_default for the rest.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest.h"

#define SA_RESTORER	0x04000000
#define SI_USER_CODE	0
#define SI_TKILL_CODE	(-6)

/*
 * What handlers record.  Scalars are volatile; the structures are not
 * static, so the compiler cannot assume raise() leaves them alone.
 */
static volatile int count[65];
siginfo_t last_info;
sigset_t mask_inside, uc_mask;
static volatile int tid_inside;

static void
on_info(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	count[sig]++;
	last_info = *si;
	uc_mask = uc->uc_sigmask;
	sigprocmask(SIG_BLOCK, NULL, &mask_inside);
	tid_inside = (int)SYS0(SYS_gettid);
}

static void
set_action(int sig, void (*fn)(int, siginfo_t *, void *), int flags,
    const int *masked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	for (; masked != NULL && *masked != 0; masked++)
		sigaddset(&sa.sa_mask, *masked);
	sigaction(sig, &sa, NULL);
}

static const char *
code_name(int code)
{
	static char other[16];

	switch (code) {
	case SI_USER_CODE: return "SI_USER";
	case SI_TKILL_CODE: return "SI_TKILL";
	case 0x80: return "SI_KERNEL";
	default:
		snprintf(other, sizeof(other), "%d", code);
		return other;
	}
}

static void
actions(void)
{
	struct sigaction sa, old;
	uint64_t kact[4];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	expect_err("sigaction(SIGKILL)", sigaction(SIGKILL, &sa, NULL) ?
	    -errno : 0, EINVAL);
	expect_err("sigaction(SIGSTOP)", sigaction(SIGSTOP, &sa, NULL) ?
	    -errno : 0, EINVAL);
	expect_ok("sigaction(SIGKILL) query only", sigaction(SIGKILL, NULL,
	    &old) ? -errno : 0);
	expect_err("rt_sigaction(0)", SYS4(SYS_rt_sigaction, 0, NULL, NULL,
	    8), EINVAL);
	expect_err("rt_sigaction(65)", SYS4(SYS_rt_sigaction, 65, NULL, NULL,
	    8), EINVAL);
	expect_err("rt_sigaction with sigsetsize 4", SYS4(SYS_rt_sigaction,
	    SIGUSR1, NULL, kact, 4), EINVAL);
	expect_err("rt_sigaction, unmapped new action",
	    SYS4(SYS_rt_sigaction, SIGUSR1, 8, NULL, 8), EFAULT);

	set_action(SIGUSR1, on_info, 0, NULL);
	sigaction(SIGUSR1, NULL, &old);
	check("sigaction reports the handler and SA_SIGINFO",
	    old.sa_sigaction == on_info && (old.sa_flags & SA_SIGINFO));
	expect_ok("rt_sigaction query", SYS4(SYS_rt_sigaction, SIGUSR1, NULL,
	    kact, 8));
	check("  ... the kernel's copy has libc's SA_RESTORER and restorer",
	    kact[0] == (uint64_t)(uintptr_t)on_info &&
	    (kact[1] & SA_RESTORER) && kact[2] != 0);
}

static void
delivery(void)
{
	int pid = (int)SYS0(SYS_getpid), tid = (int)SYS0(SYS_gettid);
	int uid = (int)SYS0(SYS_getuid);

	set_action(SIGUSR1, on_info, 0, NULL);
	raise(SIGUSR1);
	out("raise: handled %d, si_signo %d, si_code %s\n", count[SIGUSR1],
	    last_info.si_signo, code_name(last_info.si_code));
	check("  ... si_pid, si_uid are ours", last_info.si_pid == pid &&
	    (int)last_info.si_uid == uid);
	check("  ... ran in this thread", tid_inside == tid);

	memset(&last_info, 0, sizeof(last_info));
	expect_ok("kill(getpid(), SIGUSR1)", SYS2(SYS_kill, pid, SIGUSR1));
	out("kill: handled %d, si_signo %d, si_code %s\n", count[SIGUSR1],
	    last_info.si_signo, code_name(last_info.si_code));
	check("  ... si_pid, si_uid are ours", last_info.si_pid == pid &&
	    (int)last_info.si_uid == uid);

	/* Not kill(0, sig): natively that reaches the test harness too. */
	expect_ok("tgkill(pid, tid, SIGUSR1)", SYS3(SYS_tgkill, pid, tid,
	    SIGUSR1));
	out("  handled %d, si_code %s\n", count[SIGUSR1],
	    code_name(last_info.si_code));
	expect_ok("tkill(tid, SIGUSR1)", SYS2(SYS_tkill, tid, SIGUSR1));
	out("  handled %d, si_code %s\n", count[SIGUSR1],
	    code_name(last_info.si_code));

	expect_ok("kill(getpid(), 0)", SYS2(SYS_kill, pid, 0));
	expect_ok("tgkill(pid, tid, 0)", SYS3(SYS_tgkill, pid, tid, 0));
	expect_err("kill(getpid(), 65)", SYS2(SYS_kill, pid, 65), EINVAL);
	expect_err("tgkill(pid, -1, SIGUSR1)", SYS3(SYS_tgkill, pid, -1,
	    SIGUSR1), EINVAL);
	expect_err("tgkill(pid, 0, SIGUSR1)", SYS3(SYS_tgkill, pid, 0,
	    SIGUSR1), EINVAL);
	expect_err("tgkill(pid, no such tid, SIGUSR1)", SYS3(SYS_tgkill, pid,
	    0x3ffffff0, SIGUSR1), ESRCH);
	out("handled in all: %d\n", count[SIGUSR1]);
}

/* ---- Masks while a handler runs ---- */

static volatile int inner_seen_usr2;
sigset_t pending_inside;

static void
raises_usr2(int sig, siginfo_t *si, void *ucv)
{
	on_info(sig, si, ucv);
	raise(SIGUSR2);
	inner_seen_usr2 = count[SIGUSR2];
	sigpending(&pending_inside);
}

static void
handler_masks(void)
{
	static const int usr2[] = { SIGUSR2, 0 };
	sigset_t before, after;

	count[SIGUSR1] = count[SIGUSR2] = 0;
	set_action(SIGUSR2, on_info, 0, NULL);
	set_action(SIGUSR1, raises_usr2, 0, usr2);
	sigemptyset(&before);
	sigaddset(&before, SIGWINCH);
	sigprocmask(SIG_SETMASK, &before, NULL);
	raise(SIGUSR1);
	sigprocmask(SIG_SETMASK, NULL, &after);
	/* mask_inside was overwritten by the SIGUSR2 handler: see below. */
	check("SIGUSR2 (in sa_mask) raised inside waits for the handler",
	    inner_seen_usr2 == 0 && sigismember(&pending_inside, SIGUSR2));
	out("after the handler: SIGUSR1 handled %d, SIGUSR2 handled %d\n",
	    count[SIGUSR1], count[SIGUSR2]);
	check("SIGUSR2's handler had SIGUSR2 blocked and SIGUSR1 not",
	    sigismember(&mask_inside, SIGUSR2) &&
	    !sigismember(&mask_inside, SIGUSR1));
	check("mask restored after the handlers",
	    sigismember(&after, SIGWINCH) && !sigismember(&after, SIGUSR1) &&
	    !sigismember(&after, SIGUSR2));

	count[SIGUSR1] = 0;
	set_action(SIGUSR1, on_info, 0, usr2);
	raise(SIGUSR1);
	check("inside: the signal and sa_mask blocked",
	    sigismember(&mask_inside, SIGUSR1) &&
	    sigismember(&mask_inside, SIGUSR2) &&
	    sigismember(&mask_inside, SIGWINCH));
	check("uc_sigmask is the mask from before the signal",
	    sigismember(&uc_mask, SIGWINCH) &&
	    !sigismember(&uc_mask, SIGUSR1) &&
	    !sigismember(&uc_mask, SIGUSR2));
	sigemptyset(&before);
	sigprocmask(SIG_SETMASK, &before, NULL);
}

static volatile int depth, max_depth;

static void
reenter(int sig, siginfo_t *si, void *ucv)
{
	count[sig]++;
	if (++depth > max_depth)
		max_depth = depth;
	if (count[sig] == 1)
		raise(sig);
	depth--;
}

static void
nodefer_resethand(void)
{
	struct sigaction old;

	count[SIGUSR1] = depth = max_depth = 0;
	set_action(SIGUSR1, reenter, SA_NODEFER, NULL);
	raise(SIGUSR1);
	out("SA_NODEFER: handled %d, deepest nesting %d\n", count[SIGUSR1],
	    max_depth);
	count[SIGUSR1] = depth = max_depth = 0;
	set_action(SIGUSR1, reenter, 0, NULL);
	raise(SIGUSR1);
	out("without SA_NODEFER: handled %d, deepest nesting %d\n",
	    count[SIGUSR1], max_depth);

	/* SIGWINCH's default action is to ignore it. */
	count[SIGWINCH] = 0;
	set_action(SIGWINCH, on_info, SA_RESETHAND, NULL);
	raise(SIGWINCH);
	sigaction(SIGWINCH, NULL, &old);
	check("SA_RESETHAND: action back to SIG_DFL",
	    old.sa_handler == SIG_DFL);
	check("  ... the signal was blocked inside",
	    sigismember(&mask_inside, SIGWINCH));
	raise(SIGWINCH);
	out("  SIGWINCH raised twice: handled %d\n", count[SIGWINCH]);
}

/* Three blocked, pending signals, unblocked by one call. */
static volatile int order[8], norder;

static void
record_order(int sig, siginfo_t *si, void *ucv)
{
	if (norder < 8)
		order[norder++] = sig;
}

static void
pending_order(void)
{
	sigset_t set;

	set_action(SIGUSR1, record_order, 0, NULL);
	set_action(SIGUSR2, record_order, 0, NULL);
	set_action(SIGURG, record_order, 0, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGURG);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGURG);
	raise(SIGUSR1);
	check("nothing ran while blocked", norder == 0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	out("3 pending signals unblocked: handlers entered in order");
	for (int i = 0; i < norder; i++)
		out(" %d", order[i]);
	out("\n");
}

/* Linux gives every handler a fresh FPU state (MXCSR and FCW too). */
unsigned int mxcsr_inside;
unsigned short fcw_inside;

static void
read_fpu_control(int sig, siginfo_t *si, void *ucv)
{
	__asm__ volatile ("stmxcsr %0; fnstcw %1" :
	    "=m" (mxcsr_inside), "=m" (fcw_inside));
}

static void
handler_fpu_control(void)
{
	unsigned int mxcsr = 0x7f80, mx_after;	/* round toward zero */
	unsigned short fcw = 0x0f7f, fcw_after;	/* truncate */
	unsigned int mx_saved;
	unsigned short fcw_saved;

	__asm__ volatile ("stmxcsr %0; fnstcw %1" :
	    "=m" (mx_saved), "=m" (fcw_saved));
	set_action(SIGUSR1, read_fpu_control, 0, NULL);
	__asm__ volatile ("ldmxcsr %0; fldcw %1" : : "m" (mxcsr), "m" (fcw));
	SYS3(SYS_tgkill, SYS0(SYS_getpid), SYS0(SYS_gettid), SIGUSR1);
	__asm__ volatile ("stmxcsr %0; fnstcw %1" :
	    "=m" (mx_after), "=m" (fcw_after));
	__asm__ volatile ("ldmxcsr %0; fldcw %1" : :
	    "m" (mx_saved), "m" (fcw_saved));
	out("handler's MXCSR %#x and x87 control word %#x\n", mxcsr_inside,
	    fcw_inside);
	out("interrupted code's after the handler: %#x, %#x\n", mx_after,
	    fcw_after);
}

int
main(void)
{
	actions();
	delivery();
	handler_masks();
	nodefer_resethand();
	pending_order();
	handler_fpu_control();
	return finish();
}
