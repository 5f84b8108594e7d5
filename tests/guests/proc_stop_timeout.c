/*
 * proc_stop_timeout: timed waits that a stop (SIGSTOP) interrupts and
 * SIGCONT resumes go on as Linux's do.  nanosleep, relative
 * clock_nanosleep, poll and FUTEX_WAIT keep their deadline through
 * restart_syscall (restart_syscall(2)): the time spent stopped counts.
 * Absolute waits restart to the same deadline.  select and ppoll write
 * the time left back and restart with it: they wait what was left when
 * the stop came.  epoll_wait, and a socket call with a timeout
 * (SO_RCVTIMEO), fail with EINTR (signal(7)); such a socket call is not
 * restarted after a SA_RESTART handler either.  A restart_syscall with
 * nothing to restart is EINTR.
 *
 * One child per call waits WAIT_MS; each is stopped STOP_AT_MS after
 * the last one started and continued STOP_MS later, when every deadline
 * has passed.  A wait that kept its deadline ends soon after the
 * continue; one that started over ends WAIT_MS after it.  The margins,
 * SOON_MS and LATE_MS, are wide enough for a loaded host.  No wait ends
 * early.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define WAIT_MS		2000
#define STOP_AT_MS	400
#define STOP_MS		1600
#define SOON_MS		500	/* kept: within this; started over: WAIT_MS */
#define LATE_MS		300	/* select, ppoll: how late past the time left */
#define MS		1000000L
/* <linux/futex.h> is not in musl's tree. */
#define FUTEX_WAIT_PRIVATE		128
#define FUTEX_WAIT_BITSET_PRIVATE	(9 | 128)
#define FUTEX_BITSET_MATCH_ANY		0xffffffff

enum call {
	C_NANOSLEEP, C_CLOCK_MONO, C_CLOCK_REAL, C_CLOCK_ABS, C_POLL,
	C_SELECT, C_PPOLL, C_FUTEX, C_FUTEX_ABS, C_EPOLL, C_RECV, NCALLS
};

static const char *const names[NCALLS] = {
	"nanosleep", "clock_nanosleep(MONOTONIC)",
	"clock_nanosleep(REALTIME)", "clock_nanosleep(TIMER_ABSTIME)",
	"poll", "select", "ppoll", "futex(FUTEX_WAIT)",
	"futex(FUTEX_WAIT_BITSET)", "epoll_wait", "recvfrom(SO_RCVTIMEO)",
};

struct result {
	long start, end;	/* CLOCK_MONOTONIC ns around the call */
	long rc;
};

static uint32_t futex_word;

/* The call under test, WAIT_MS long, from start (CLOCK_MONOTONIC ns). */
static long
timed_wait(enum call c, long start)
{
	struct timespec ts = { WAIT_MS / 1000, WAIT_MS % 1000 * MS };
	struct timespec abs = { (start + WAIT_MS * MS) / 1000000000L,
	    (start + WAIT_MS * MS) % 1000000000L };
	struct timeval tv = { WAIT_MS / 1000, WAIT_MS % 1000 * 1000 };
	struct epoll_event ev;
	int ep, sv[2];
	char byte;

	switch (c) {
	case C_NANOSLEEP:
		return SYS2(SYS_nanosleep, &ts, NULL);
	case C_CLOCK_MONO:
		return SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	case C_CLOCK_REAL:
		return SYS4(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &ts, NULL);
	case C_CLOCK_ABS:
		return SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC,
		    TIMER_ABSTIME, &abs, NULL);
	case C_POLL:
		return SYS3(SYS_poll, NULL, 0, WAIT_MS);
	case C_SELECT:
		return SYS5(SYS_select, 0, NULL, NULL, NULL, &tv);
	case C_PPOLL:
		return SYS5(SYS_ppoll, NULL, 0, &ts, NULL, 8);
	case C_FUTEX:
		return SYS4(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0,
		    &ts);
	case C_FUTEX_ABS:
		return SYS6(SYS_futex, &futex_word, FUTEX_WAIT_BITSET_PRIVATE,
		    0, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
	case C_EPOLL:
		ep = epoll_create1(0);
		return SYS4(SYS_epoll_wait, ep, &ev, 1, WAIT_MS);
	case C_RECV:
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
		    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv,
		    sizeof(tv)) != 0)
			return -EINVAL;
		return SYS6(SYS_recvfrom, sv[0], &byte, 1, 0, NULL, NULL);
	default:
		return -EINVAL;
	}
}

/* A child that waits with call c and reports on fd. */
static pid_t
waiter(enum call c, int fd)
{
	pid_t pid = fork();
	struct result r;

	if (pid != 0)
		return pid;
	r.start = guest_now_ns(CLOCK_MONOTONIC);
	(void)write(fd, &r.start, sizeof(r.start));
	r.rc = timed_wait(c, r.start);
	r.end = guest_now_ns(CLOCK_MONOTONIC);
	(void)write(fd, &r, sizeof(r));
	_exit(0);
}

static void
on_alarm(int sig)
{
}

/* A SA_RESTART handler does not restart a socket call with a timeout. */
static void
test_handler_timed_recv(void)
{
	struct sigaction sa = { .sa_handler = on_alarm,
	    .sa_flags = SA_RESTART };
	struct timeval tv = { WAIT_MS / 1000, WAIT_MS % 1000 * 1000 };
	struct itimerval it = { { 0, 0 }, { 0, STOP_AT_MS * 1000 } };
	int sv[2];
	char byte;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
		return;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	expect_err("recvfrom(SO_RCVTIMEO) under a SA_RESTART handler",
	    SYS6(SYS_recvfrom, sv[0], &byte, 1, 0, NULL, NULL), EINTR);
	close(sv[0]);
	close(sv[1]);
}

static const char *
rc_name(long rc)
{
	return rc == 0 ? "0" : errname(rc);
}

/* What the stop and continue of each child found. */
struct stop {
	long kill, stopped;	/* before the SIGSTOP, after it took */
	long cont;		/* before the SIGCONT */
};

/* Calls that write the time left back and restart with it. */
static int
waits_time_left(enum call c)
{
	return c == C_SELECT || c == C_PPOLL;
}

static void
judge(enum call c, const struct result *r, const struct stop *s)
{
	long deadline = r->start + WAIT_MS * MS, after = r->end - s->cont;
	char what[96];

	out("%s: %s\n", names[c], rc_name(r->rc));
	if (c == C_EPOLL || c == C_RECV) {
		snprintf(what, sizeof(what), "%s: ends at the continue",
		    names[c]);
		check(what, after < SOON_MS * MS);
		return;
	}
	snprintf(what, sizeof(what), "%s: not before its deadline",
	    names[c]);
	check(what, r->end >= deadline);
	if (waits_time_left(c)) {
		/* What was left when the stop took, give or take the stop. */
		snprintf(what, sizeof(what), "%s: waits the time left at the "
		    "stop", names[c]);
		check(what, after >= deadline - s->stopped - MS &&
		    after < deadline - s->kill + LATE_MS * MS);
		return;
	}
	snprintf(what, sizeof(what), "%s: keeps its deadline (ends at the "
	    "continue)", names[c]);
	check(what, after < SOON_MS * MS);
}

int
main(void)
{
	int fds[NCALLS][2], st;
	pid_t pids[NCALLS];
	struct result r[NCALLS];
	struct stop s[NCALLS];
	long started = 0;

	expect_err("restart_syscall with nothing to restart",
	    SYS0(SYS_restart_syscall), EINTR);
	test_handler_timed_recv();
	for (int c = 0; c < NCALLS; c++) {
		if (pipe(fds[c]) != 0)
			return 1;
		pids[c] = waiter(c, fds[c][1]);
	}
	for (int c = 0; c < NCALLS; c++) {
		long t = 0;

		(void)read(fds[c][0], &t, sizeof(t));
		if (t > started)
			started = t;	/* the last one to start */
	}
	guest_sleep_ms(STOP_AT_MS);
	for (int c = 0; c < NCALLS; c++) {
		s[c].kill = guest_now_ns(CLOCK_MONOTONIC);
		kill(pids[c], SIGSTOP);
		waitpid(pids[c], &st, WUNTRACED);
		s[c].stopped = guest_now_ns(CLOCK_MONOTONIC);
	}
	check("every child stopped while it waited",
	    s[NCALLS - 1].stopped < started + WAIT_MS * MS);
	guest_sleep_ms(STOP_MS);
	for (int c = 0; c < NCALLS; c++) {
		s[c].cont = guest_now_ns(CLOCK_MONOTONIC);
		kill(pids[c], SIGCONT);
	}
	for (int c = 0; c < NCALLS; c++) {
		memset(&r[c], 0, sizeof(r[c]));
		(void)read(fds[c][0], &r[c], sizeof(r[c]));
		waitpid(pids[c], &st, 0);
		judge(c, &r[c], &s[c]);
	}
	return finish();
}
