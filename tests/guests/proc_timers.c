/*
 * proc_timers: timers and CPU time belong to the process.  A fork's
 * child has no interval timer, alarm or POSIX timer of its parent's,
 * and the parent's alarm fires in the parent only; the child's own
 * alarm and POSIX timer signal the child only; execve keeps the alarm
 * (the new program receives SIGALRM) and deletes the POSIX timers; the
 * child's CPU clock starts afresh; wait4 and waitid report the child's
 * CPU time in their rusage and getrusage(RUSAGE_CHILDREN) and times()
 * grow by it.
 * Signals are blocked and taken with sigtimedwait, so no timing decides
 * a result; only lower bounds of CPU time are checked.
 *
 *	proc_timers cycles N	N children that arm every kind of timer
 *				and exit without disarming (the leak
 *				check of tests/integration/proc_timers.sh)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MS	1000000L
#define WAIT_S	30		/* for a signal that must come: TCG is slow */

/* The kernel's struct sigevent for the raw timer_create. */
struct ksigevent {
	long value;
	int signo, notify;
	int tid, pad[11];
};

static sigset_t blocked;

static int
itimer_armed(int which)
{
	struct itimerval v;

	getitimer(which, &v);
	return v.it_value.tv_sec != 0 || v.it_value.tv_usec != 0;
}

static void
itimer_ms(int which, long ms)
{
	struct itimerval v = { { 0, 0 }, { ms / 1000, ms % 1000 * 1000 } };

	setitimer(which, &v, NULL);
}

/* 1 if sig arrives within WAIT_S seconds. */
static int
receive(int sig)
{
	struct timespec ts = { WAIT_S, 0 };
	sigset_t one;

	sigemptyset(&one);
	sigaddset(&one, sig);
	return sigtimedwait(&one, NULL, &ts) == sig;
}

static int
is_pending(int sig)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, sig);
}

/* A raw POSIX timer on CLOCK_MONOTONIC signalling sig: its id or -errno. */
static long
ptimer_new(int sig, long ms)
{
	struct ksigevent ev = { .signo = sig, .notify = SIGEV_SIGNAL };
	int id;
	long rc = SYS3(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id);

	if (rc != 0)
		return rc;
	if (ms > 0 && (rc = guest_settime(SYS_timer_settime, id, 0, ms * MS,
	    0, NULL)) != 0)
		return rc;
	return id;
}

static long
ptimer_get(long id)
{
	struct itimerspec cur;

	return SYS2(SYS_timer_gettime, id, &cur);
}

static int
reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The parent's alarm and interval timers are not the child's. */
static void
test_fork_clears(void)
{
	int p[2], armed, got;
	char c = 0;
	pid_t pid;

	pipe(p);
	itimer_ms(ITIMER_REAL, 200);
	itimer_ms(ITIMER_VIRTUAL, 100000);
	pid = fork();
	if (pid == 0) {
		check("child: ITIMER_REAL disarmed", !itimer_armed(ITIMER_REAL));
		check("child: ITIMER_VIRTUAL disarmed",
		    !itimer_armed(ITIMER_VIRTUAL));
		expect_val("child: alarm(0) returns", alarm(0), 0);
		/* The parent writes once its SIGALRM came. */
		check("child: waits for the parent's alarm",
		    read(p[0], &c, 1) == 1);
		check("child: no SIGALRM of the parent's",
		    !is_pending(SIGALRM));
		_exit(finish());
	}
	/* The parent prints after the child is done: one order of lines. */
	armed = itimer_armed(ITIMER_REAL);
	got = receive(SIGALRM);
	write(p[1], &c, 1);
	expect_val("fork-clears child exit status", reap(pid), 0);
	check("parent: its ITIMER_REAL was still armed", armed);
	check("parent: SIGALRM received", got);
	check("parent: ITIMER_VIRTUAL still armed",
	    itimer_armed(ITIMER_VIRTUAL));
	itimer_ms(ITIMER_VIRTUAL, 0);
	close(p[0]);
	close(p[1]);
}

/* The child's own alarm signals the child only. */
static void
test_child_alarm(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		itimer_ms(ITIMER_REAL, 100);
		check("child: its own SIGALRM received", receive(SIGALRM));
		_exit(finish());
	}
	expect_val("child-alarm child exit status", reap(pid), 0);
	check("parent: no SIGALRM from the child's alarm",
	    !is_pending(SIGALRM));
	check("parent: ITIMER_REAL disarmed", !itimer_armed(ITIMER_REAL));
}

/* The new program (child_exec) gets the alarm, not the POSIX timer. */
static void
test_exec_keeps_alarm(const char *self)
{
	char idstr[16];
	long id;
	pid_t pid = fork();

	if (pid == 0) {
		id = ptimer_new(SIGUSR1, 60000);
		check("child: timer_create before exec", id >= 0);
		snprintf(idstr, sizeof(idstr), "%ld", id);
		itimer_ms(ITIMER_REAL, 300);
		execl(self, "proc_timers", "exec", idstr, (char *)NULL);
		_exit(127);
	}
	expect_val("exec child exit status", reap(pid), 0);
}

static int
child_exec(const char *idstr)
{
	sigset_t set;

	sigprocmask(SIG_BLOCK, NULL, &set);
	check("exec: SIGALRM still blocked", sigismember(&set, SIGALRM));
	check("exec: ITIMER_REAL kept", itimer_armed(ITIMER_REAL));
	expect_err("exec: the POSIX timer is gone",
	    ptimer_get(atol(idstr)), EINVAL);
	check("exec: SIGALRM received", receive(SIGALRM));
	return finish();
}

/* POSIX timers: the parent's is not the child's, each signals its own. */
static void
test_posix_timers(void)
{
	long mine = ptimer_new(SIGUSR1, 300), theirs;
	int p[2], got;
	char c = 0;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		expect_err("child: the parent's timer", ptimer_get(mine),
		    EINVAL);
		theirs = ptimer_new(SIGUSR2, 100);
		check("child: timer_create", theirs >= 0);
		check("child: its SIGUSR2 received", receive(SIGUSR2));
		check("child: waits for the parent's timer",
		    read(p[0], &c, 1) == 1);
		check("child: no SIGUSR1 of the parent's", !is_pending(SIGUSR1));
		_exit(finish());
	}
	got = receive(SIGUSR1);
	write(p[1], &c, 1);
	expect_val("posix child exit status", reap(pid), 0);
	check("parent: timer_create", mine >= 0);
	check("parent: its SIGUSR1 received", got);
	check("parent: no SIGUSR2 of the child's", !is_pending(SIGUSR2));
	expect_ok("parent: its timer still there", ptimer_get(mine));
	expect_ok("parent: timer_delete", SYS1(SYS_timer_delete, mine));
	close(p[0]);
	close(p[1]);
}

static long
cpu_ns(void)
{
	return guest_now_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static void
spin_cpu(long ms)
{
	long t0 = cpu_ns();

	while (cpu_ns() - t0 < ms * MS)
		;
}

static long
ru_ms(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000 +
	    (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1000;
}

/* A child that spins 200 ms of CPU, waited for by wait4 or waitid. */
static void
test_rusage(int use_waitid)
{
	struct rusage before, after, ru;
	siginfo_t si;
	long spent;
	int st = 0;
	pid_t pid;

	getrusage(RUSAGE_CHILDREN, &before);
	spin_cpu(100);
	spent = cpu_ns();
	pid = fork();
	if (pid == 0) {
		check("child: its CPU clock starts afresh", cpu_ns() < spent);
		spin_cpu(200);
		_exit(0);
	}
	memset(&ru, 0, sizeof(ru));
	if (use_waitid) {
		expect_ok("waitid with rusage", SYS5(SYS_waitid, P_PID, pid,
		    &si, WEXITED, &ru));
	} else {
		check("wait4 with rusage", wait4(pid, &st, 0, &ru) == pid &&
		    WIFEXITED(st));
	}
	check(use_waitid ? "waitid rusage: the child's 200 ms CPU" :
	    "wait4 rusage: the child's 200 ms CPU", ru_ms(&ru) >= 100);
	check("wait rusage: ru_maxrss set or zero", ru.ru_maxrss >= 0);
	getrusage(RUSAGE_CHILDREN, &after);
	check("RUSAGE_CHILDREN grew by it",
	    ru_ms(&after) - ru_ms(&before) >= 100);
}

/* N children that leave every kind of timer armed at their exit. */
static int
cycles(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			itimer_ms(ITIMER_REAL, 60000);
			itimer_ms(ITIMER_VIRTUAL, 60000);
			itimer_ms(ITIMER_PROF, 60000);
			for (int k = 0; k < 3; k++)
				if (ptimer_new(SIGUSR1, 60000) < 0)
					_exit(1);
			_exit(0);
		}
		if (pid < 0 || reap(pid) != 0) {
			out("cycle %ld failed\n", i);
			return 1;
		}
	}
	out("%ld cycles\n", n);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tms tms;

	sigemptyset(&blocked);
	sigaddset(&blocked, SIGALRM);
	sigaddset(&blocked, SIGUSR1);
	sigaddset(&blocked, SIGUSR2);
	sigprocmask(SIG_BLOCK, &blocked, NULL);
	if (argc == 3 && strcmp(argv[1], "exec") == 0)
		return child_exec(argv[2]);
	if (argc == 3 && strcmp(argv[1], "cycles") == 0)
		return cycles(atol(argv[2]));
	test_fork_clears();
	test_child_alarm();
	test_exec_keeps_alarm("/proc/self/exe");
	test_posix_timers();
	test_rusage(0);
	test_rusage(1);
	/* The two children spun 400 ms: at least 200 ms of it counted. */
	times(&tms);
	check("times: the children's CPU time", tms.tms_cutime +
	    tms.tms_cstime >= sysconf(_SC_CLK_TCK) / 5);
	return finish();
}
