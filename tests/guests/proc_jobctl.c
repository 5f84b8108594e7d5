/*
 * proc_jobctl: job control's signals between processes.  SIGSTOP and
 * SIGCONT reach wait4 (WUNTRACED once per stop, WCONTINUED) and waitid
 * (WSTOPPED, WCONTINUED, WNOWAIT, WNOHANG) with Linux's statuses and
 * siginfo; SIGCHLD says CLD_STOPPED and CLD_CONTINUED unless
 * SA_NOCLDSTOP; a SIGCONT handler runs after the continue; a handled
 * SIGTSTP does not stop; SIGKILL ends a stopped child; a stopped child
 * with two threads runs neither; a stop discards a pending SIGCONT and
 * SIGCONT a pending stop; a stop and continue do not end sigsuspend
 * or poll; SIGTSTP to an orphaned group is discarded.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define WAIT_S		30	/* sigtimedwait's limit: never reached */
#define STOP_MS		400	/* how long the threaded child stays stopped */

/*
 * A fork in its own process group, which is not orphaned (its parent is
 * in another group of the session): stops other than SIGSTOP reach it.
 */
static pid_t
fork_job(void)
{
	pid_t pid = fork();

	if (pid >= 0)
		setpgid(pid == 0 ? 0 : pid, 0);
	return pid;
}

/* A child that waits for signals until killed; its pid. */
static pid_t
idle_child(void)
{
	pid_t pid = fork_job();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* Stop pid (once it is blocked) and continue it, waiting for each. */
static void
stop_and_continue(pid_t pid)
{
	int st;

	guest_sleep_ms(50);
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	kill(pid, SIGCONT);
	waitpid(pid, &st, WCONTINUED);
	guest_sleep_ms(50);
}

static void
end_child(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* The state letter of /proc/<pid>/stat, or '?'. */
static char
proc_state(pid_t pid)
{
	static char stat[1024];
	char path[64];
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (guest_read_file(path, stat, sizeof(stat)) <= 0 ||
	    (p = strrchr(stat, ')')) == NULL || p[1] != ' ')
		return '?';
	return p[2];
}

static void
test_wait4(void)
{
	pid_t pid = idle_child();
	int st = 0;

	expect_val("kill SIGSTOP", kill(pid, SIGSTOP), 0);
	check("wait4 WUNTRACED: the child",
	    waitpid(pid, &st, WUNTRACED) == pid);
	out("status %#x stopped %d by %d\n", st, WIFSTOPPED(st),
	    WSTOPSIG(st));
	check("/proc/<pid>/stat: state T while stopped",
	    proc_state(pid) == 'T');
	expect_val("a stop is reported once (WNOHANG)",
	    waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
	expect_val("a stopped child counts for WNOHANG",
	    waitpid(pid, &st, WNOHANG), 0);
	expect_val("kill SIGCONT", kill(pid, SIGCONT), 0);
	check("wait4 WCONTINUED: the child",
	    waitpid(pid, &st, WCONTINUED) == pid);
	out("status %#x continued %d\n", st, WIFCONTINUED(st));
	expect_val("a continue is reported once (WNOHANG)",
	    waitpid(pid, &st, WCONTINUED | WNOHANG), 0);
	expect_val("kill SIGTSTP", kill(pid, SIGTSTP), 0);
	waitpid(pid, &st, WUNTRACED);
	out("SIGTSTP: stopped %d by %d\n", WIFSTOPPED(st), WSTOPSIG(st));
	expect_val("kill SIGKILL to the stopped child", kill(pid, SIGKILL), 0);
	check("wait4: the killed child",
	    waitpid(pid, &st, WUNTRACED) == pid);
	out("status %#x killed by %d\n", st, WTERMSIG(st));
}

static void
test_waitid(void)
{
	pid_t pid = idle_child();
	siginfo_t si;

	kill(pid, SIGSTOP);
	memset(&si, 0, sizeof(si));
	expect_val("waitid WSTOPPED|WNOWAIT", waitid(P_PID, pid, &si,
	    WSTOPPED | WNOWAIT), 0);
	out("signo %d code %d status %d pid ok %d\n", si.si_signo,
	    si.si_code, si.si_status, si.si_pid == pid);
	memset(&si, 0, sizeof(si));
	expect_val("waitid WSTOPPED again (WNOWAIT kept it)",
	    waitid(P_ALL, 0, &si, WSTOPPED), 0);
	out("code %d status %d pid ok %d\n", si.si_code, si.si_status,
	    si.si_pid == pid);
	memset(&si, 0, sizeof(si));
	expect_val("waitid WSTOPPED|WNOHANG: nothing", waitid(P_PID, pid,
	    &si, WSTOPPED | WNOHANG), 0);
	out("pid %d\n", si.si_pid);
	memset(&si, 0, sizeof(si));
	expect_val("waitid WEXITED|WNOHANG on a stopped child",
	    waitid(P_PID, pid, &si, WEXITED | WNOHANG), 0);
	out("pid %d\n", si.si_pid);
	kill(pid, SIGCONT);
	memset(&si, 0, sizeof(si));
	expect_val("waitid WCONTINUED", waitid(P_PGID, pid, &si,
	    WCONTINUED), 0);
	out("code %d status %d pid ok %d\n", si.si_code, si.si_status,
	    si.si_pid == pid);
	kill(pid, SIGKILL);
	memset(&si, 0, sizeof(si));
	expect_val("waitid WEXITED", waitid(P_PID, pid, &si, WEXITED), 0);
	out("code %d status %d\n", si.si_code, si.si_status);
}

static void
on_chld(int sig, siginfo_t *si, void *uc)
{
}

/* The next SIGCHLD's siginfo (SIGCHLD is blocked), or code -1. */
static void
next_chld(siginfo_t *si)
{
	sigset_t set;
	struct timespec ts = { WAIT_S, 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	memset(si, 0, sizeof(*si));
	if (sigtimedwait(&set, si, &ts) != SIGCHLD)
		si->si_code = -1;
}

static int
chld_pending(void)
{
	sigset_t set;

	sigpending(&set);
	return sigismember(&set, SIGCHLD);
}

static void
test_sigchld(int nocldstop)
{
	struct sigaction sa = { .sa_sigaction = on_chld,
	    .sa_flags = SA_SIGINFO | (nocldstop ? SA_NOCLDSTOP : 0) };
	sigset_t set, old;
	siginfo_t si;
	pid_t pid;
	int st;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigaction(SIGCHLD, &sa, NULL);
	pid = idle_child();
	out("SIGCHLD%s:\n", nocldstop ? " with SA_NOCLDSTOP" : "");
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	if (nocldstop) {
		check("no SIGCHLD for the stop", !chld_pending());
	} else {
		next_chld(&si);
		out("stop: code %d status %d pid ok %d\n", si.si_code,
		    si.si_status, si.si_pid == pid);
	}
	kill(pid, SIGCONT);
	waitpid(pid, &st, WCONTINUED);
	if (nocldstop) {
		check("no SIGCHLD for the continue", !chld_pending());
	} else {
		next_chld(&si);
		out("continue: code %d status %d pid ok %d\n", si.si_code,
		    si.si_status, si.si_pid == pid);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	next_chld(&si);
	out("kill: code %d status %d\n", si.si_code, si.si_status);
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = 0;
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static int handler_pipe;

static void
on_signal(int sig)
{
	char c = sig == SIGCONT ? 'c' : 't';

	(void)write(handler_pipe, &c, 1);
}

/* A SIGCONT handler runs once continued; a handled SIGTSTP stops not. */
static void
test_handlers(void)
{
	int p[2], st;
	char c = 0;
	pid_t pid;

	if (pipe(p) != 0)
		return;
	pid = fork_job();
	if (pid == 0) {
		handler_pipe = p[1];
		signal(SIGCONT, on_signal);
		signal(SIGTSTP, on_signal);
		(void)write(p[1], "r", 1);
		for (;;)
			pause();
	}
	expect_val("child ready", read(p[0], &c, 1), 1);
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	check("stopped by SIGSTOP despite handlers", WIFSTOPPED(st));
	kill(pid, SIGCONT);
	expect_val("the SIGCONT handler ran", read(p[0], &c, 1), 1);
	out("handler wrote %c\n", c);
	kill(pid, SIGTSTP);
	expect_val("the SIGTSTP handler ran", read(p[0], &c, 1), 1);
	out("handler wrote %c\n", c);
	expect_val("a handled SIGTSTP does not stop",
	    waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
	end_child(pid);
	close(p[0]);
	close(p[1]);
}

static volatile sig_atomic_t got_usr1;

static void
on_usr1_flag(int sig)
{
	got_usr1 = 1;
}

/* A stop and continue do not end sigsuspend: only the handler's signal. */
static void
test_sigsuspend(void)
{
	int p[2];
	char c = 0;
	pid_t pid;
	sigset_t none;

	if (pipe(p) != 0)
		return;
	pid = fork_job();
	if (pid == 0) {
		signal(SIGUSR1, on_usr1_flag);
		sigemptyset(&none);
		(void)write(p[1], "r", 1);
		for (;;) {
			sigsuspend(&none);
			(void)write(p[1], got_usr1 ? "u" : "x", 1);
		}
	}
	read(p[0], &c, 1);
	stop_and_continue(pid);
	kill(pid, SIGUSR1);
	expect_val("sigsuspend returned", read(p[0], &c, 1), 1);
	out("sigsuspend ended by: %c\n", c);
	end_child(pid);
	close(p[0]);
	close(p[1]);
}

/*
 * A group with no parent in another group of its session is orphaned:
 * SIGTSTP (default action) is discarded there, SIGSTOP still stops.
 */
static void
test_orphaned(void)
{
	int p[2], st;
	char c = 0;
	pid_t pid;

	if (pipe(p) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		setsid();		/* a new session: its group is orphaned */
		kill(getpid(), SIGTSTP);
		(void)write(p[1], "a", 1);
		for (;;)
			pause();
	}
	expect_val("the orphaned child went on after SIGTSTP",
	    read(p[0], &c, 1), 1);
	expect_val("not stopped", waitpid(pid, &st, WUNTRACED | WNOHANG), 0);
	kill(pid, SIGTSTP);
	guest_sleep_ms(100);
	expect_val("still not stopped", waitpid(pid, &st,
	    WUNTRACED | WNOHANG), 0);
	kill(pid, SIGSTOP);
	check("SIGSTOP stops it", waitpid(pid, &st, WUNTRACED) == pid &&
	    WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	end_child(pid);
	close(p[0]);
	close(p[1]);
}

/* A blocking call interrupted by a stop goes on once continued. */
static void
test_restart(void)
{
	int p[2], q[2], st;
	char c = 0;
	pid_t pid;

	if (pipe(p) != 0 || pipe(q) != 0)
		return;
	pid = fork_job();
	if (pid == 0) {
		struct pollfd pf = { .fd = q[0], .events = POLLIN };
		int n;

		(void)write(p[1], "r", 1);
		n = poll(&pf, 1, -1);
		(void)write(p[1], n == 1 ? "p" : "e", 1);
		_exit(0);
	}
	read(p[0], &c, 1);
	stop_and_continue(pid);
	(void)write(q[1], "x", 1);
	expect_val("poll returned", read(p[0], &c, 1), 1);
	out("poll after a stop: %s\n", c == 'p' ? "went on" : "EINTR");
	waitpid(pid, &st, 0);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

/* The child's pending SIGCONT and SIGTSTP, as two characters. */
static void
report_pending(int wfd)
{
	sigset_t set;
	char r[2];

	sigpending(&set);
	r[0] = sigismember(&set, SIGCONT) ? 'C' : '-';
	r[1] = sigismember(&set, SIGTSTP) ? 'T' : '-';
	(void)write(wfd, r, 2);
}

/*
 * A stop signal discards a pending SIGCONT, and SIGCONT a pending stop
 * signal, blocked or not: a child with both blocked looks at its
 * pending set after each.
 */
static void
test_discard(void)
{
	int up[2], down[2], st;
	char c = 0, r[3] = { 0 };
	pid_t pid;
	sigset_t set;

	if (pipe(up) != 0 || pipe(down) != 0)
		return;
	pid = fork_job();
	if (pid == 0) {
		sigemptyset(&set);
		sigaddset(&set, SIGCONT);
		sigaddset(&set, SIGTSTP);
		sigprocmask(SIG_BLOCK, &set, NULL);
		close(down[1]);
		(void)write(up[1], "r", 1);
		while (read(down[0], &c, 1) == 1)
			report_pending(up[1]);
		_exit(0);
	}
	read(up[0], &c, 1);
	kill(pid, SIGCONT);
	kill(pid, SIGTSTP);
	(void)write(down[1], "g", 1);
	read(up[0], r, 2);
	out("SIGCONT then SIGTSTP pending: %s\n", r);
	kill(pid, SIGCONT);
	(void)write(down[1], "g", 1);
	read(up[0], r, 2);
	out("then SIGCONT pending: %s\n", r);
	close(down[1]);
	check("it exits", waitpid(pid, &st, WUNTRACED) == pid);
	out("exit status %d\n", WEXITSTATUS(st));
	close(down[0]);
	close(up[0]);
	close(up[1]);
}

/* ---- A stopped child with two threads: neither runs ---- */

static volatile int spinning = 1;
static long max_gap[2];

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Spin, keeping the longest time between two turns of the loop. */
static void *
spin(void *arg)
{
	long *gap = arg, last = now_ms();

	while (spinning) {
		long t = now_ms();

		if (t - last > *gap)
			*gap = t - last;
		last = t;
	}
	return NULL;
}

static void
on_usr1(int sig)
{
	spinning = 0;
}

static void
threaded_child(int wfd)
{
	pthread_t th;
	char r[64];
	int n;

	signal(SIGUSR1, on_usr1);
	if (pthread_create(&th, NULL, spin, &max_gap[1]) != 0)
		_exit(2);
	(void)write(wfd, "r", 1);
	spin(&max_gap[0]);
	pthread_join(th, NULL);
	n = snprintf(r, sizeof(r), "%d %d", max_gap[0] >= STOP_MS / 2,
	    max_gap[1] >= STOP_MS / 2);
	(void)write(wfd, r, (size_t)n);
	_exit(0);
}

static void
test_threads(void)
{
	char buf[64] = { 0 };
	int p[2], st;
	pid_t pid;

	if (pipe(p) != 0)
		return;
	pid = fork_job();
	if (pid == 0) {
		close(p[0]);
		threaded_child(p[1]);
	}
	close(p[1]);
	expect_val("threaded child ready", read(p[0], buf, 1), 1);
	guest_sleep_ms(50);
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	check("threaded child stopped", WIFSTOPPED(st));
	guest_sleep_ms(STOP_MS);
	kill(pid, SIGCONT);
	waitpid(pid, &st, WCONTINUED);
	guest_sleep_ms(50);
	kill(pid, SIGUSR1);
	check("its report", read(p[0], buf, sizeof(buf) - 1) > 0);
	out("each thread paused for the stop: %s\n", buf);
	check("it exits", waitpid(pid, &st, 0) == pid);
	out("exit status %d\n", WEXITSTATUS(st));
	close(p[0]);
}

int
main(void)
{
	test_wait4();
	test_waitid();
	test_sigchld(0);
	test_sigchld(1);
	test_handlers();
	test_discard();
	test_sigsuspend();
	test_restart();
	test_orphaned();
	test_threads();
	return finish();
}
