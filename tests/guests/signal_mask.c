/*
 * signal_mask: rt_sigprocmask and rt_sigpending.  A blocked signal stays
 * pending (thread-directed from raise, process-directed from kill) and
 * is delivered before the unblocking call returns; SIGKILL and SIGSTOP
 * cannot be blocked; SIG_BLOCK/SIG_UNBLOCK/SIG_SETMASK and the old mask;
 * EINVAL for a bad "how" or set size, EFAULT for bad pointers.  A
 * blocked signal is kept even when its action is to ignore it, and
 * setting SIG_IGN (or SIG_DFL for a signal ignored by default) throws
 * away what is pending, whether sent to the thread or the process.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static volatile int count[65];

static void
on_sig(int sig)
{
	count[sig]++;
}

static void
set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigaction(sig, &sa, NULL);
}

static int
is_pending(int sig)
{
	sigset_t p;

	sigpending(&p);
	return sigismember(&p, sig);
}

static int
is_blocked(int sig)
{
	sigset_t m;

	sigprocmask(SIG_BLOCK, NULL, &m);
	return sigismember(&m, sig);
}

static void
block(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

/* Take a pending sig away, so one failed check does not spoil the next. */
static void
drain(int sig)
{
	sigset_t s;
	struct timespec zero = { 0, 0 };

	sigemptyset(&s);
	sigaddset(&s, sig);
	while (sigtimedwait(&s, NULL, &zero) == sig)
		;
}

static void
blocked_then_released(void)
{
	int pid = (int)SYS0(SYS_getpid);

	set_handler(SIGUSR1, on_sig);
	block(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);
	check("raised while blocked: not handled, pending",
	    count[SIGUSR1] == 0 && is_pending(SIGUSR1));
	block(SIG_UNBLOCK, SIGUSR1);
	check("unblocked: handled before sigprocmask returned, not pending",
	    count[SIGUSR1] == 1 && !is_pending(SIGUSR1));

	block(SIG_BLOCK, SIGUSR1);
	SYS2(SYS_kill, pid, SIGUSR1);
	SYS2(SYS_kill, pid, SIGUSR1);	/* standard signals do not queue */
	check("kill while blocked: pending", count[SIGUSR1] == 1 &&
	    is_pending(SIGUSR1));
	block(SIG_UNBLOCK, SIGUSR1);
	out("kill twice while blocked, then unblocked: handled %d more\n",
	    count[SIGUSR1] - 1);
}

static void
mask_calls(void)
{
	sigset_t all, got, old;
	uint64_t raw = 0, raw_old = 0;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	sigprocmask(SIG_SETMASK, &old, &got);
	check("SIG_SETMASK everything: SIGKILL, SIGSTOP left out",
	    !sigismember(&got, SIGKILL) && !sigismember(&got, SIGSTOP) &&
	    sigismember(&got, SIGUSR1) && sigismember(&got, SIGTERM));
	raw = ~0ull;
	SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &raw, NULL, 8);
	SYS4(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &raw_old, 8);
	out("raw mask after setting all 64 bits: %#llx\n",
	    (unsigned long long)raw_old);
	raw = 0;
	SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &raw, NULL, 8);

	block(SIG_BLOCK, SIGUSR2);
	block(SIG_BLOCK, SIGHUP);
	block(SIG_UNBLOCK, SIGUSR2);
	check("SIG_BLOCK adds, SIG_UNBLOCK removes", is_blocked(SIGHUP) &&
	    !is_blocked(SIGUSR2));
	raw = 1ull << (SIGUSR2 - 1);
	SYS4(SYS_rt_sigprocmask, SIG_BLOCK, &raw, &raw_old, 8);
	out("old mask given back: %#llx\n", (unsigned long long)raw_old);
	raw = 0;
	SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &raw, NULL, 8);
	check("SIG_SETMASK empty", !is_blocked(SIGHUP) &&
	    !is_blocked(SIGUSR2));

	expect_err("rt_sigprocmask how 3", SYS4(SYS_rt_sigprocmask, 3, &raw,
	    NULL, 8), EINVAL);
	expect_ok("rt_sigprocmask how 3, no set (query)",
	    SYS4(SYS_rt_sigprocmask, 3, NULL, &raw_old, 8));
	expect_err("rt_sigprocmask sigsetsize 4", SYS4(SYS_rt_sigprocmask,
	    SIG_BLOCK, &raw, NULL, 4), EINVAL);
	expect_err("rt_sigprocmask unmapped set", SYS4(SYS_rt_sigprocmask,
	    SIG_BLOCK, 8, NULL, 8), EFAULT);
	expect_err("rt_sigprocmask unmapped old set",
	    SYS4(SYS_rt_sigprocmask, SIG_BLOCK, &raw, 8, 8), EFAULT);
	expect_err("rt_sigpending sigsetsize 16", SYS2(SYS_rt_sigpending,
	    &raw, 16), EINVAL);
	expect_err("rt_sigpending unmapped", SYS2(SYS_rt_sigpending, 8, 8),
	    EFAULT);
	raw_old = 0;
	expect_ok("rt_sigpending", SYS2(SYS_rt_sigpending, &raw_old, 8));
	out("  pending: %#llx\n", (unsigned long long)raw_old);
}

static void
ignored_and_pending(void)
{
	int pid = (int)SYS0(SYS_getpid);

	count[SIGUSR2] = 0;
	set_handler(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	check("ignored, unblocked: dropped", !is_pending(SIGUSR2));
	block(SIG_BLOCK, SIGUSR2);
	raise(SIGUSR2);
	check("ignored but blocked: kept pending", is_pending(SIGUSR2));
	set_handler(SIGUSR2, SIG_IGN);
	check("  ... setting SIG_IGN again throws it away",
	    !is_pending(SIGUSR2));

	drain(SIGUSR2);
	set_handler(SIGUSR2, on_sig);
	raise(SIGUSR2);
	set_handler(SIGUSR2, SIG_IGN);
	check("pending for a handler, then SIG_IGN: thrown away (raise)",
	    !is_pending(SIGUSR2));
	drain(SIGUSR2);
	set_handler(SIGUSR2, on_sig);
	SYS2(SYS_kill, pid, SIGUSR2);
	set_handler(SIGUSR2, SIG_IGN);
	check("pending for a handler, then SIG_IGN: thrown away (kill)",
	    !is_pending(SIGUSR2));
	drain(SIGUSR2);
	set_handler(SIGUSR2, on_sig);
	block(SIG_UNBLOCK, SIGUSR2);
	out("SIGUSR2 handled after all that: %d\n", count[SIGUSR2]);

	/* SIGURG is ignored by default. */
	set_handler(SIGURG, on_sig);
	block(SIG_BLOCK, SIGURG);
	raise(SIGURG);
	set_handler(SIGURG, SIG_DFL);
	check("pending, then SIG_DFL for a default-ignored signal: thrown "
	    "away", !is_pending(SIGURG));
	block(SIG_UNBLOCK, SIGURG);
	out("SIGURG handled: %d\n", count[SIGURG]);
}

int
main(void)
{
	blocked_then_released();
	mask_calls();
	ignored_and_pending();
	return finish();
}
