/*
 * signal_wait: waiting for signals.  sigsuspend returns EINTR after the
 * handler ran, at once when the signal was already pending, and puts the
 * old mask back (the handler's uc_sigmask is that old mask too); it is
 * woken by another thread's pthread_kill and by a kill(2) that only the
 * suspended thread can take.  sigtimedwait takes a blocked signal
 * without running its handler and reports si_code (SI_TKILL, SI_USER
 * with si_pid), EAGAIN on timeout (zero or 20 ms), EINTR when another
 * signal's handler runs meanwhile, EINVAL for a bad timeout or set size,
 * and is woken by a signal from another thread.  sigtimedwait is
 * called raw (see tw()).
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest.h"

#define NS	1000000000L
#define MS	1000000L

static volatile int count[65];
sigset_t uc_mask;		/* not static: see signal_handler.c */

static void
on_sig(int sig, siginfo_t *si, void *ucv)
{
	count[sig]++;
	uc_mask = ((ucontext_t *)ucv)->uc_sigmask;
}

static void
set_handler(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, NULL);
}

static sigset_t
set_of(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	if (sig != 0)
		sigaddset(&s, sig);
	return s;
}

static long
now_ns(void)
{
	struct timespec ts;

	SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * MS };

	SYS2(SYS_nanosleep, &ts, NULL);
}

/* A helper thread that sends sig to main (or to the process) later. */
struct sender {
	pthread_t target;
	int sig;
	int process;		/* kill(2) instead of pthread_kill */
	long delay_ms;
};

static void *
sender_main(void *arg)
{
	struct sender *s = arg;
	sigset_t all;

	/* Block everything here, so a process-directed signal is main's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	sleep_ms(s->delay_ms);
	if (s->process)
		SYS2(SYS_kill, SYS0(SYS_getpid), s->sig);
	else
		pthread_kill(s->target, s->sig);
	return NULL;
}

static pthread_t
send_later(struct sender *s, int sig, int process, long delay_ms)
{
	pthread_t th;

	s->target = pthread_self();
	s->sig = sig;
	s->process = process;
	s->delay_ms = delay_ms;
	pthread_create(&th, NULL, sender_main, s);
	return th;
}

static void
suspend(void)
{
	sigset_t usr1 = set_of(SIGUSR1), none = set_of(0), now;
	struct sender s;
	pthread_t th;
	int rc;

	set_handler(SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	th = send_later(&s, SIGUSR1, 0, 30);
	rc = sigsuspend(&none);
	pthread_join(th, NULL);
	expect_err("sigsuspend woken by pthread_kill", rc ? -errno : 0,
	    EINTR);
	out("  handled %d\n", count[SIGUSR1]);
	sigprocmask(SIG_BLOCK, NULL, &now);
	check("  ... the old mask is back", sigismember(&now, SIGUSR1));
	check("  ... the handler's uc_sigmask was the old mask",
	    sigismember(&uc_mask, SIGUSR1));

	th = send_later(&s, SIGUSR1, 1, 30);
	rc = sigsuspend(&none);
	pthread_join(th, NULL);
	expect_err("sigsuspend woken by kill(2) to the process",
	    rc ? -errno : 0, EINTR);
	out("  handled %d\n", count[SIGUSR1]);

	raise(SIGUSR1);
	rc = sigsuspend(&none);
	expect_err("sigsuspend with the signal already pending",
	    rc ? -errno : 0, EINTR);
	out("  handled %d\n", count[SIGUSR1]);
	expect_err("rt_sigsuspend sigsetsize 4", SYS2(SYS_rt_sigsuspend,
	    &none, 4), EINVAL);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
}

/*
 * The raw call: glibc's sigtimedwait reports SI_TKILL as SI_USER, musl's
 * retries after EINTR.  Returns the signal or -errno.
 */
static long
tw(const sigset_t *set, siginfo_t *si, const struct timespec *ts)
{
	return SYS4(SYS_rt_sigtimedwait, set, si, ts, 8);
}

static const char *
sig_or_err(long rc)
{
	return rc == SIGUSR2 ? "SIGUSR2" : errname(rc);
}

static const char *
code_name(int code)
{
	return code == 0 ? "SI_USER" : code == -6 ? "SI_TKILL" : "other";
}

static void
timedwait(void)
{
	sigset_t usr2 = set_of(SIGUSR2), both;
	struct timespec zero = { 0, 0 }, t20 = { 0, 20 * MS };
	struct timespec bad = { 0, NS }, five = { 5, 0 };
	struct sender s;
	siginfo_t si;
	pthread_t th;
	long t0, rc;

	set_handler(SIGUSR2);
	set_handler(SIGUSR1);
	count[SIGUSR2] = 0;
	sigprocmask(SIG_BLOCK, &usr2, NULL);

	raise(SIGUSR2);
	memset(&si, 0, sizeof(si));
	rc = tw(&usr2, &si, NULL);
	out("sigtimedwait, raised before: %s, si_signo %d, si_code %s\n",
	    sig_or_err(rc), si.si_signo, code_name(si.si_code));
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR2);
	memset(&si, 0, sizeof(si));
	rc = tw(&usr2, &si, NULL);
	out("sigtimedwait, kill before: %s, si_code %s\n", sig_or_err(rc),
	    code_name(si.si_code));
	check("  ... si_pid is ours", si.si_pid == (int)SYS0(SYS_getpid));
	check("handler not run, nothing left pending", count[SIGUSR2] == 0 &&
	    tw(&usr2, NULL, &zero) == -EAGAIN);

	expect_err("sigtimedwait, zero timeout", tw(&usr2, NULL, &zero),
	    EAGAIN);
	t0 = now_ns();
	expect_err("sigtimedwait, 20 ms timeout", tw(&usr2, NULL, &t20),
	    EAGAIN);
	check("  ... waited at least 20 ms", now_ns() - t0 >= 20 * MS);
	expect_err("rt_sigtimedwait, tv_nsec 1e9",
	    SYS4(SYS_rt_sigtimedwait, &usr2, NULL, &bad, 8), EINVAL);
	expect_err("rt_sigtimedwait, sigsetsize 4",
	    SYS4(SYS_rt_sigtimedwait, &usr2, NULL, &zero, 4), EINVAL);

	th = send_later(&s, SIGUSR2, 0, 30);
	rc = tw(&usr2, &si, &five);
	pthread_join(th, NULL);
	out("sigtimedwait woken by another thread: %s, si_code %s\n",
	    sig_or_err(rc), code_name(si.si_code));

	th = send_later(&s, SIGUSR2, 1, 30);
	rc = tw(&usr2, &si, &five);
	pthread_join(th, NULL);
	out("sigtimedwait woken by kill(2) from another thread: %s, "
	    "si_code %s\n", sig_or_err(rc), code_name(si.si_code));

	count[SIGUSR1] = 0;
	th = send_later(&s, SIGUSR1, 0, 30);
	rc = tw(&usr2, &si, &five);
	pthread_join(th, NULL);
	expect_err("sigtimedwait, another signal's handler ran", rc, EINTR);
	out("  SIGUSR1 handled %d\n", count[SIGUSR1]);

	sigemptyset(&both);
	sigaddset(&both, SIGUSR2);
	sigaddset(&both, SIGHUP);
	sigprocmask(SIG_BLOCK, &both, NULL);
	raise(SIGHUP);
	raise(SIGUSR2);
	rc = tw(&both, NULL, &zero);
	out("sigtimedwait with SIGHUP and SIGUSR2 pending: %d first\n",
	    (int)rc);
	rc = tw(&both, NULL, &zero);
	out("  then %d\n", (int)rc);
	sigprocmask(SIG_UNBLOCK, &both, NULL);
	out("SIGUSR2 handled in all: %d\n", count[SIGUSR2]);
}

int
main(void)
{
	suspend();
	timedwait();
	return finish();
}
