/*
 * timer_posix: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete through the raw calls.  SIGEV_SIGNAL
 * delivers si_code SI_TIMER with si_timerid and the sigev_value (the id
 * when no sigevent is given), SIGEV_THREAD_ID reaches the named thread,
 * SIGEV_NONE only counts down; CLOCK_REALTIME, MONOTONIC, BOOTTIME
 * (relative and TIMER_ABSTIME) and the CPU-time clocks fire; a periodic
 * timer whose signal stays blocked reports the expiries it skipped as
 * si_overrun and timer_getoverrun; the libcs' SIGEV_THREAD runs its
 * function; bad clocks, sigevents, timespecs and
 * ids give Linux's errors, bad pointers EFAULT.  No time is printed.
 */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define NS	1000000000L
#define MS	1000000L

struct kitimerspec {
	struct timespec interval, value;
};

struct ksigevent {
	long value;
	int signo, notify, tid;
	int pad[11];
};

static volatile int count[65];
static volatile siginfo_t last;

static long
arm(int id, int flags, long value_ns, long interval_ns, void *old)
{
	return guest_settime(SYS_timer_settime, id, flags, value_ns,
	    interval_ns, old);
}

static void
on_sig(int sig, siginfo_t *si, void *uc)
{
	count[sig]++;
	memcpy((void *)&last, si, sizeof(*si));
}

static void
set_handler(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(sig, &sa, NULL);
}

static sigset_t
set_of(int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

static long
create(int clock, int notify, int sig, long value, int tid, int *id)
{
	struct ksigevent ev;

	memset(&ev, 0, sizeof(ev));
	ev.notify = notify;
	ev.signo = sig;
	ev.value = value;
	ev.tid = tid;
	return SYS3(SYS_timer_create, clock, &ev, id);
}

static void
test_errors(void)
{
	struct ksigevent ev;
	struct kitimerspec its;
	int id;

	memset(&ev, 0, sizeof(ev));
	ev.notify = SIGEV_SIGNAL;
	ev.signo = SIGUSR1;
	expect_err("timer_create clock 10", SYS3(SYS_timer_create, 10, &ev,
	    &id), EINVAL);
	expect_err("timer_create clock 12", SYS3(SYS_timer_create, 12, &ev,
	    &id), EINVAL);
	expect_err("timer_create CLOCK_MONOTONIC_RAW",
	    SYS3(SYS_timer_create, CLOCK_MONOTONIC_RAW, &ev, &id),
	    EOPNOTSUPP);
	expect_err("timer_create CLOCK_REALTIME_COARSE",
	    SYS3(SYS_timer_create, CLOCK_REALTIME_COARSE, &ev, &id),
	    EOPNOTSUPP);
	expect_err("timer_create sigev_notify 3",
	    create(CLOCK_MONOTONIC, 3, SIGUSR1, 0, 0, &id), EINVAL);
	expect_err("timer_create signal 0",
	    create(CLOCK_MONOTONIC, SIGEV_SIGNAL, 0, 0, 0, &id), EINVAL);
	expect_err("timer_create signal 65",
	    create(CLOCK_MONOTONIC, SIGEV_SIGNAL, 65, 0, 0, &id), EINVAL);
	expect_err("timer_create SIGEV_THREAD_ID of no thread",
	    create(CLOCK_MONOTONIC, SIGEV_THREAD_ID, SIGUSR1, 0, 99999, &id),
	    EINVAL);
	expect_err("timer_create sigevent unmapped",
	    SYS3(SYS_timer_create, CLOCK_MONOTONIC, 8, &id), EFAULT);
	expect_err("timer_create id unmapped",
	    SYS3(SYS_timer_create, CLOCK_MONOTONIC, &ev, 8), EFAULT);
	expect_err("timer_create id read-only",
	    SYS3(SYS_timer_create, CLOCK_MONOTONIC, &ev, test_errors),
	    EFAULT);

	expect_ok("timer_create CLOCK_MONOTONIC",
	    create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &id));
	memset(&its, 0, sizeof(its));
	expect_err("timer_settime no new value",
	    SYS4(SYS_timer_settime, id, 0, NULL, NULL), EINVAL);
	expect_err("timer_settime new value unmapped",
	    SYS4(SYS_timer_settime, id, 0, 8, NULL), EFAULT);
	its.value.tv_nsec = NS;
	expect_err("timer_settime tv_nsec 1e9",
	    SYS4(SYS_timer_settime, id, 0, &its, NULL), EINVAL);
	its.value.tv_nsec = 0;
	its.interval.tv_sec = -1;
	expect_err("timer_settime interval tv_sec -1",
	    SYS4(SYS_timer_settime, id, 0, &its, NULL), EINVAL);
	its.interval.tv_sec = 0;
	expect_err("timer_settime old value unmapped",
	    SYS4(SYS_timer_settime, id, 0, &its, 8), EFAULT);
	expect_err("timer_settime id 12345",
	    SYS4(SYS_timer_settime, 12345, 0, &its, NULL), EINVAL);
	expect_err("timer_settime id -1",
	    SYS4(SYS_timer_settime, -1, 0, &its, NULL), EINVAL);
	expect_err("timer_gettime id 12345",
	    SYS2(SYS_timer_gettime, 12345, &its), EINVAL);
	expect_err("timer_gettime to an unmapped page",
	    SYS2(SYS_timer_gettime, id, 8), EFAULT);
	expect_err("timer_getoverrun id 12345",
	    SYS1(SYS_timer_getoverrun, 12345), EINVAL);
	expect_val("timer_getoverrun of a new timer",
	    SYS1(SYS_timer_getoverrun, id), 0);
	expect_ok("timer_delete", SYS1(SYS_timer_delete, id));
	expect_err("timer_delete again", SYS1(SYS_timer_delete, id), EINVAL);
	expect_err("timer_gettime after delete",
	    SYS2(SYS_timer_gettime, id, &its), EINVAL);
}

static void
test_ids(void)
{
	int a, b, c;

	create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &a);
	create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &b);
	SYS1(SYS_timer_delete, a);
	create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &c);
	check("ids count up, a deleted one is not reused at once",
	    b == a + 1 && c == b + 1);
	SYS1(SYS_timer_delete, b);
	SYS1(SYS_timer_delete, c);
}

/* One shot on clock, relative or absolute: the handler sees SI_TIMER. */
static void
test_fire(const char *name, int clock, int abs)
{
	int id;
	long t0;

	count[SIGUSR1] = 0;
	expect_ok(name, create(clock, SIGEV_SIGNAL, SIGUSR1, 0x1234, 0, &id));
	t0 = guest_now_ns(clock);
	arm(id, abs ? TIMER_ABSTIME : 0, abs ? t0 + 20 * MS : 20 * MS, 0,
	    NULL);
	while (count[SIGUSR1] == 0)
		;
	check("  fired once, not early", count[SIGUSR1] == 1 &&
	    guest_now_ns(clock) - t0 >= 20 * MS);
	check("  si_code SI_TIMER, si_timerid, si_value",
	    last.si_code == SI_TIMER && last.si_timerid == id &&
	    last.si_value.sival_int == 0x1234);
	SYS1(SYS_timer_delete, id);
}

static void
test_cpu_clocks(void)
{
	int id;
	volatile long n = 0;

	count[SIGUSR2] = 0;
	expect_ok("CLOCK_PROCESS_CPUTIME_ID timer", create(
	    CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL, SIGUSR2, 7, 0, &id));
	arm(id, 0, 30 * MS, 0, NULL);
	while (count[SIGUSR2] == 0)
		n++;
	expect_val("  fired while spinning", count[SIGUSR2], 1);
	SYS1(SYS_timer_delete, id);
	expect_ok("CLOCK_THREAD_CPUTIME_ID timer", create(
	    CLOCK_THREAD_CPUTIME_ID, SIGEV_SIGNAL, SIGUSR2, 7, 0, &id));
	arm(id, TIMER_ABSTIME,
	    guest_now_ns(CLOCK_THREAD_CPUTIME_ID) + 30 * MS, 0, NULL);
	while (count[SIGUSR2] == 1)
		n++;
	expect_val("  fired while spinning (TIMER_ABSTIME)", count[SIGUSR2],
	    2);
	SYS1(SYS_timer_delete, id);
}

static void
test_default_sigevent(void)
{
	sigset_t s = set_of(SIGALRM);
	siginfo_t si;
	int id;

	sigprocmask(SIG_BLOCK, &s, NULL);
	expect_ok("timer_create with no sigevent",
	    SYS3(SYS_timer_create, CLOCK_MONOTONIC, NULL, &id));
	arm(id, 0, 5 * MS, 0, NULL);
	expect_val("  sends SIGALRM", sigwaitinfo(&s, &si), SIGALRM);
	check("  si_value is the timer id", si.si_value.sival_int == id &&
	    si.si_code == SI_TIMER && si.si_timerid == id);
	SYS1(SYS_timer_delete, id);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void
test_overrun(void)
{
	sigset_t s = set_of(SIGUSR1);
	struct kitimerspec cur;
	siginfo_t si;
	int id;

	sigprocmask(SIG_BLOCK, &s, NULL);
	create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, 0, &id);
	arm(id, 0, 5 * MS, 5 * MS, NULL);
	guest_sleep_ms(100);
	expect_val("periodic 5 ms, blocked 100 ms: one signal",
	    sigwaitinfo(&s, &si), SIGUSR1);
	check("  si_overrun counts the skipped expiries (>= 15)",
	    si.si_overrun >= 15 && si.si_overrun < 100000);
	check("  timer_getoverrun agrees",
	    SYS1(SYS_timer_getoverrun, id) == si.si_overrun);
	expect_ok("timer_gettime", SYS2(SYS_timer_gettime, id, &cur));
	check("  interval 5 ms, 0 < value <= 5 ms",
	    guest_ts_ns(&cur.interval) == 5 * MS &&
	    guest_ts_ns(&cur.value) > 0 &&
	    guest_ts_ns(&cur.value) <= 5 * MS);
	expect_ok("timer_settime to 0 returns the old setting",
	    arm(id, 0, 0, 0, &cur));
	check("  old interval 5 ms", guest_ts_ns(&cur.interval) == 5 * MS);
	SYS2(SYS_timer_gettime, id, &cur);
	check("  now disarmed", guest_ts_ns(&cur.value) == 0 &&
	    guest_ts_ns(&cur.interval) == 0);
	SYS1(SYS_timer_delete, id);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void
test_none(void)
{
	struct kitimerspec cur;
	int id;

	create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &id);
	SYS2(SYS_timer_gettime, id, &cur);
	check("SIGEV_NONE, never set: 0 and 0", guest_ts_ns(&cur.value) == 0 &&
	    guest_ts_ns(&cur.interval) == 0);
	arm(id, 0, 10 * MS, 0, NULL);
	SYS2(SYS_timer_gettime, id, &cur);
	check("  armed: 0 < value <= 10 ms", guest_ts_ns(&cur.value) > 0 &&
	    guest_ts_ns(&cur.value) <= 10 * MS);
	guest_sleep_ms(20);
	SYS2(SYS_timer_gettime, id, &cur);
	check("  expired one shot: 0", guest_ts_ns(&cur.value) == 0);
	arm(id, 0, 10 * MS, 10 * MS, NULL);
	guest_sleep_ms(35);
	SYS2(SYS_timer_gettime, id, &cur);
	check("  periodic keeps counting down: 0 < value <= 10 ms",
	    guest_ts_ns(&cur.value) > 0 && guest_ts_ns(&cur.value) <= 10 * MS &&
	    guest_ts_ns(&cur.interval) == 10 * MS);
	SYS1(SYS_timer_delete, id);
}

/* The far future: saturated, armed, harmless. */
static void
test_far(void)
{
	struct kitimerspec its, cur;
	int id;

	create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, 0, &id);
	memset(&its, 0, sizeof(its));
	its.value.tv_sec = 0x7fffffffffffffffL;
	its.interval.tv_sec = 0x7fffffffffffffffL;
	expect_ok("timer_settime tv_sec 2^63 - 1",
	    SYS4(SYS_timer_settime, id, 0, &its, NULL));
	guest_sleep_ms(5);
	SYS2(SYS_timer_gettime, id, &cur);
	check("  value and interval over 200 years",
	    cur.value.tv_sec > 200L * 366 * 86400 &&
	    cur.interval.tv_sec > 200L * 366 * 86400);
	expect_ok("  with TIMER_ABSTIME",
	    SYS4(SYS_timer_settime, id, TIMER_ABSTIME, &its, NULL));
	expect_val("  nothing fired", count[SIGUSR1], 0);
	SYS1(SYS_timer_delete, id);
}

/* A one shot whose signal is pending when the timer is deleted. */
static void
test_delete_pending(void)
{
	sigset_t s = set_of(SIGUSR2), p;
	struct timespec zero = { 0, 0 };
	int id;

	sigprocmask(SIG_BLOCK, &s, NULL);
	create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR2, 0, 0, &id);
	arm(id, 0, 1 * MS, 0, NULL);
	guest_sleep_ms(20);
	sigpending(&p);
	check("fired one shot: its signal pending", sigismember(&p, SIGUSR2));
	SYS1(SYS_timer_delete, id);
	expect_err("deleted before it was taken: dropped",
	    sigtimedwait(&s, NULL, &zero) < 0 ? -errno : 0, EAGAIN);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static volatile int child_tid, child_ready;
static volatile int child_got;

static void *
child(void *arg)
{
	sigset_t s = set_of(SIGUSR2);
	siginfo_t si;

	child_tid = SYS0(SYS_gettid);
	child_ready = 1;
	if (sigwaitinfo(&s, &si) == SIGUSR2 && si.si_code == SI_TIMER)
		child_got = 1;
	return NULL;
}

static void
test_thread_id(void)
{
	sigset_t s = set_of(SIGUSR2), p;
	pthread_t th;
	int id;

	sigprocmask(SIG_BLOCK, &s, NULL);
	pthread_create(&th, NULL, child, NULL);
	while (!child_ready)
		sched_yield();
	expect_ok("SIGEV_THREAD_ID to the other thread",
	    create(CLOCK_MONOTONIC, SIGEV_THREAD_ID, SIGUSR2, 0, child_tid,
	    &id));
	arm(id, 0, 10 * MS, 0, NULL);
	pthread_join(th, NULL);
	expect_val("  that thread took it", child_got, 1);
	sigpending(&p);
	check("  nothing pending here", !sigismember(&p, SIGUSR2));
	SYS1(SYS_timer_delete, id);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static sem_t sev_sem;
static volatile int sev_ran, sev_val;

static void
sev_fn(union sigval v)
{
	sev_val = v.sival_int;
	sev_ran++;
	sem_post(&sev_sem);
}

/* The libc's SIGEV_THREAD: a helper thread, SIGEV_THREAD_ID underneath. */
static void
test_sigev_thread(void)
{
	struct sigevent sev;
	struct itimerspec its = { { 0, 10 * MS }, { 0, 10 * MS } };
	timer_t t;

	sem_init(&sev_sem, 0, 0);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = sev_fn;
	sev.sigev_value.sival_int = 99;
	expect_ok("libc timer_create SIGEV_THREAD",
	    timer_create(CLOCK_MONOTONIC, &sev, &t) ? -errno : 0);
	timer_settime(t, 0, &its, NULL);
	for (int i = 0; i < 3; i++)
		sem_wait(&sev_sem);
	timer_delete(t);
	check("  the function ran 3 times with the value",
	    sev_ran >= 3 && sev_val == 99);
}

int
main(void)
{
	set_handler(SIGUSR1);
	set_handler(SIGUSR2);
	test_errors();
	test_ids();
	test_far();
	test_fire("CLOCK_MONOTONIC relative", CLOCK_MONOTONIC, 0);
	test_fire("CLOCK_MONOTONIC TIMER_ABSTIME", CLOCK_MONOTONIC, 1);
	test_fire("CLOCK_REALTIME relative", CLOCK_REALTIME, 0);
	test_fire("CLOCK_REALTIME TIMER_ABSTIME", CLOCK_REALTIME, 1);
	test_fire("CLOCK_BOOTTIME relative", CLOCK_BOOTTIME, 0);
	test_cpu_clocks();
	test_default_sigevent();
	test_overrun();
	test_none();
	test_delete_pending();
	test_thread_id();
	test_sigev_thread();
	return finish();
}
