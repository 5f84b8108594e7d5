/*
 * timer_itimer: alarm, setitimer and getitimer.  alarm returns the old
 * alarm rounded to seconds; ITIMER_REAL fires SIGALRM (si_code
 * SI_KERNEL) while the guest spins in user space and while it sleeps,
 * reloads its interval, stops while its signal is pending and never
 * fires early (20 periods take at least 20 intervals); ITIMER_VIRTUAL
 * and ITIMER_PROF fire on CPU time; getitimer reports the interval
 * exactly and a remaining value within what was set; bad arguments give
 * EINVAL and bad pointers EFAULT.  No time value is printed.
 */
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define NS	1000000000L
#define MS	1000000L

static volatile int count[65];
static volatile int last_code;

static void
on_sig(int sig, siginfo_t *si, void *uc)
{
	count[sig]++;
	last_code = si->si_code;
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

static long
set(int which, long value_us, long interval_us, struct itimerval *old)
{
	struct itimerval it = {
		.it_interval = { interval_us / 1000000, interval_us % 1000000 },
		.it_value = { value_us / 1000000, value_us % 1000000 },
	};

	return SYS3(SYS_setitimer, which, &it, old);
}

static long
us(const struct timeval *tv)
{
	return tv->tv_sec * 1000000L + tv->tv_usec;
}

static void
test_alarm(void)
{
	expect_val("alarm(0) with none set", SYS1(SYS_alarm, 0), 0);
	expect_val("alarm(5)", SYS1(SYS_alarm, 5), 0);
	expect_val("alarm(3) returns the old 5 s", SYS1(SYS_alarm, 3), 5);
	expect_val("alarm(0) returns the old 3 s", SYS1(SYS_alarm, 0), 3);
	set(ITIMER_REAL, 200000, 0, NULL);
	expect_val("alarm(0) after 0.2 s: rounds up to 1", SYS1(SYS_alarm, 0),
	    1);
	set(ITIMER_REAL, 1900000, 0, NULL);
	expect_val("alarm(0) after 1.9 s: rounds to 2", SYS1(SYS_alarm, 0), 2);
}

static void
test_get(void)
{
	struct itimerval it, old;

	set(ITIMER_REAL, 1000000, 250000, NULL);
	expect_ok("getitimer(ITIMER_REAL)", SYS2(SYS_getitimer, ITIMER_REAL,
	    &it));
	expect_val("  interval (us)", us(&it.it_interval), 250000);
	check("  0 < value <= 1 s", us(&it.it_value) > 0 &&
	    us(&it.it_value) <= 1000000);
	expect_ok("setitimer(ITIMER_REAL, 0) with the old value",
	    set(ITIMER_REAL, 0, 0, &old));
	expect_val("  old interval (us)", us(&old.it_interval), 250000);
	check("  old value <= 1 s", us(&old.it_value) > 0 &&
	    us(&old.it_value) <= 1000000);
	SYS2(SYS_getitimer, ITIMER_REAL, &it);
	check("disarmed: value 0 and interval 0", us(&it.it_value) == 0 &&
	    us(&it.it_interval) == 0);
	set(ITIMER_REAL, 0, 500000, NULL);
	SYS2(SYS_getitimer, ITIMER_REAL, &it);
	check("ITIMER_REAL value 0: the interval is dropped",
	    us(&it.it_interval) == 0);
	set(ITIMER_VIRTUAL, 0, 500000, NULL);
	SYS2(SYS_getitimer, ITIMER_VIRTUAL, &it);
	check("ITIMER_VIRTUAL value 0: the interval is kept",
	    us(&it.it_interval) == 500000 && us(&it.it_value) == 0);
	set(ITIMER_VIRTUAL, 0, 0, NULL);
	set(ITIMER_PROF, 3000000, 0, NULL);
	SYS2(SYS_getitimer, ITIMER_PROF, &it);
	check("ITIMER_PROF: value about 3 s", us(&it.it_value) > 2000000 &&
	    us(&it.it_value) < 3100000);
	set(ITIMER_PROF, 0, 0, NULL);
}

static void
test_errors(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	expect_err("setitimer(3)", SYS3(SYS_setitimer, 3, &it, NULL), EINVAL);
	expect_err("setitimer(-1)", SYS3(SYS_setitimer, -1, &it, NULL),
	    EINVAL);
	expect_err("getitimer(3)", SYS2(SYS_getitimer, 3, &it), EINVAL);
	it.it_value.tv_usec = 1000000;
	expect_err("setitimer tv_usec 1000000",
	    SYS3(SYS_setitimer, ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_usec = -1;
	expect_err("setitimer tv_usec -1",
	    SYS3(SYS_setitimer, ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_usec = 0;
	it.it_value.tv_sec = -1;
	expect_err("setitimer tv_sec -1",
	    SYS3(SYS_setitimer, ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_sec = 0;
	it.it_interval.tv_usec = 2000000;
	expect_err("setitimer interval tv_usec 2000000",
	    SYS3(SYS_setitimer, ITIMER_PROF, &it, NULL), EINVAL);
	expect_ok("setitimer(NULL) disarms",
	    SYS3(SYS_setitimer, ITIMER_REAL, NULL, NULL));
	expect_err("setitimer new value unmapped",
	    SYS3(SYS_setitimer, ITIMER_REAL, 8, NULL), EFAULT);
	expect_err("setitimer old value unmapped",
	    SYS3(SYS_setitimer, ITIMER_REAL, NULL, 8), EFAULT);
	expect_err("setitimer old value in the kernel",
	    SYS3(SYS_setitimer, ITIMER_REAL, NULL, ADDR_KERNEL), EFAULT);
	expect_err("getitimer to an unmapped page",
	    SYS2(SYS_getitimer, ITIMER_REAL, 8), EFAULT);
	expect_err("getitimer to a read-only page",
	    SYS2(SYS_getitimer, ITIMER_REAL, (long)test_errors), EFAULT);
}

/* The timer interrupts a guest that never enters the kernel. */
static void
test_spin(int which, int sig, const char *name)
{
	volatile unsigned long n = 0;

	count[sig] = 0;
	set_handler(sig);
	set(which, 30000, 0, NULL);
	while (count[sig] == 0)
		n++;
	out("%s fired while spinning: %d, si_code %s\n", name, count[sig],
	    last_code == SI_KERNEL ? "SI_KERNEL" : "other");
}

/* ITIMER_PROF reloads: 5 periods of CPU time while spinning. */
static void
test_cpu_periodic(void)
{
	volatile unsigned long n = 0;
	struct itimerval it;
	int got;

	count[SIGPROF] = 0;
	set(ITIMER_PROF, 10000, 10000, NULL);
	while (count[SIGPROF] < 5)
		n++;
	/*
	 * Taken at once: a sixth period may end before the timer is off
	 * (a busy host can stall the VM for 10 ms of its CPU clock here).
	 */
	got = count[SIGPROF];
	SYS2(SYS_getitimer, ITIMER_PROF, &it);
	set(ITIMER_PROF, 0, 0, NULL);
	expect_val("periodic ITIMER_PROF: 5 SIGPROFs while spinning", got, 5);
	expect_val("  interval (us)", us(&it.it_interval), 10000);
}

/* Periodic: 20 periods of 10 ms, each taken with sigwaitinfo. */
static void
test_periodic(void)
{
	sigset_t s;
	long t0, dt;
	int n;

	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_BLOCK, &s, NULL);
	t0 = guest_now_ns(CLOCK_MONOTONIC);
	set(ITIMER_REAL, 10000, 10000, NULL);
	for (n = 0; n < 20; n++) {
		if (sigwaitinfo(&s, NULL) != SIGALRM)
			break;
	}
	dt = guest_now_ns(CLOCK_MONOTONIC) - t0;
	set(ITIMER_REAL, 0, 0, NULL);
	expect_val("20 periodic SIGALRMs taken", n, 20);
	check("  not early: at least 200 ms", dt >= 200 * MS);

	/* Pending and blocked: the timer waits, the signals merge. */
	set(ITIMER_REAL, 5000, 300000, NULL);
	guest_sleep_ms(100);
	{
		struct itimerval it;

		SYS2(SYS_getitimer, ITIMER_REAL, &it);
		check("while SIGALRM is pending the timer is stopped",
		    us(&it.it_value) == 0 && us(&it.it_interval) == 300000);
	}
	sigpending(&s);
	check("SIGALRM pending", sigismember(&s, SIGALRM));
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	expect_val("sigwaitinfo takes it", sigwaitinfo(&s, NULL), SIGALRM);
	{
		struct timespec zero = { 0, 0 };

		expect_err("only one was pending",
		    sigtimedwait(&s, NULL, &zero) < 0 ? -errno : 0, EAGAIN);
	}
	expect_val("taking it restarted the timer: another comes",
	    sigwaitinfo(&s, NULL), SIGALRM);
	set(ITIMER_REAL, 0, 0, NULL);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

/* A handler while the guest sleeps in nanosleep (restarted by hand). */
static void
test_sleeping(void)
{
	count[SIGALRM] = 0;
	set_handler(SIGALRM);
	set(ITIMER_REAL, 20000, 20000, NULL);
	while (count[SIGALRM] < 5)
		pause();
	set(ITIMER_REAL, 0, 0, NULL);
	expect_val("5 SIGALRMs woke pause()", count[SIGALRM], 5);
	count[SIGALRM] = 0;
	expect_val("alarm(1) then pause", SYS1(SYS_alarm, 1), 0);
	pause();
	expect_val("  SIGALRM from alarm", count[SIGALRM], 1);
}

int
main(void)
{
	test_alarm();
	test_get();
	test_errors();
	test_spin(ITIMER_REAL, SIGALRM, "ITIMER_REAL");
	test_spin(ITIMER_VIRTUAL, SIGVTALRM, "ITIMER_VIRTUAL");
	test_spin(ITIMER_PROF, SIGPROF, "ITIMER_PROF");
	test_cpu_periodic();
	test_periodic();
	test_sleeping();
	return finish();
}
