/*
 * thread_sleep: sleeps with threads around.  nanosleep and
 * clock_nanosleep (relative, TIMER_ABSTIME on CLOCK_MONOTONIC and
 * CLOCK_REALTIME, a deadline in the past) last at least as long as
 * asked and less than 2 s more; a sleeping thread leaves the CPU to the
 * others; eight threads sleeping at once take about one sleep, not
 * eight; a signal handler interrupts a sleep with EINTR and the time
 * left in rem (SA_RESTART or not: Linux never restarts sleeps once a
 * handler ran), and an absolute sleep without touching rem.
 * Only "ok" is printed for anything timed.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "guest.h"

#define NS		1000000000L
#define MS		1000000L
#define SLACK		(2 * NS)
#define NSLEEPERS	8
#define GROUP_SLEEP	(250 * MS)

static long
now_ns(int clock)
{
	struct timespec ts;

	SYS2(SYS_clock_gettime, clock, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static struct timespec
ts_of(long ns)
{
	struct timespec ts = { ns / NS, ns % NS };

	return ts;
}

static int
within(long elapsed, long want)
{
	return elapsed >= want && elapsed < want + SLACK;
}

static void
plain_sleeps(void)
{
	static const long ms[] = { 10, 20, 50 };
	char label[96];

	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		struct timespec ts = ts_of(ms[i] * MS);
		long t0 = now_ns(CLOCK_MONOTONIC), ret;

		ret = SYS2(SYS_nanosleep, &ts, NULL);
		snprintf(label, sizeof(label), "nanosleep %ld ms", ms[i]);
		check(label, ret == 0 &&
		    within(now_ns(CLOCK_MONOTONIC) - t0, ms[i] * MS));
	}
}

static void
clock_sleeps(void)
{
	struct timespec ts;
	long t0, deadline, ret;

	ts = ts_of(20 * MS);
	t0 = now_ns(CLOCK_MONOTONIC);
	ret = SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	check("clock_nanosleep CLOCK_MONOTONIC relative 20 ms", ret == 0 &&
	    within(now_ns(CLOCK_MONOTONIC) - t0, 20 * MS));

	t0 = now_ns(CLOCK_MONOTONIC);
	deadline = t0 + 30 * MS;
	ts = ts_of(deadline);
	ret = SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL);
	check("clock_nanosleep CLOCK_MONOTONIC TIMER_ABSTIME +30 ms",
	    ret == 0 && now_ns(CLOCK_MONOTONIC) >= deadline &&
	    now_ns(CLOCK_MONOTONIC) < deadline + SLACK);

	t0 = now_ns(CLOCK_MONOTONIC);
	deadline = now_ns(CLOCK_REALTIME) + 30 * MS;
	ts = ts_of(deadline);
	ret = SYS4(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &ts,
	    NULL);
	check("clock_nanosleep CLOCK_REALTIME TIMER_ABSTIME +30 ms",
	    ret == 0 && now_ns(CLOCK_REALTIME) >= deadline &&
	    now_ns(CLOCK_MONOTONIC) - t0 < 30 * MS + SLACK);

	t0 = now_ns(CLOCK_MONOTONIC);
	ts = ts_of(t0 > NS ? t0 - NS : 0);
	ret = SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
	    NULL);
	check("clock_nanosleep TIMER_ABSTIME in the past returns at once",
	    ret == 0 && now_ns(CLOCK_MONOTONIC) - t0 < SLACK);
}

/* While one thread sleeps 500 ms, main gets its work done. */
static volatile int sleeper_started;
static volatile long sleeper_woke;

static void *
long_sleeper(void *arg)
{
	struct timespec ts = ts_of(500 * MS);

	sleeper_started = 1;
	SYS2(SYS_nanosleep, &ts, NULL);
	sleeper_woke = now_ns(CLOCK_MONOTONIC);
	return NULL;
}

static void
sleeper_does_not_block(void)
{
	pthread_t th;
	long done;

	pthread_create(&th, NULL, long_sleeper, NULL);
	while (!sleeper_started)
		SYS0(SYS_sched_yield);
	for (int i = 0; i < 200; i++)
		SYS0(SYS_getppid);
	done = now_ns(CLOCK_MONOTONIC);
	pthread_join(th, NULL);
	check("main ran while a thread slept", done < sleeper_woke);
}

static void *
group_sleeper(void *arg)
{
	struct timespec ts = ts_of(GROUP_SLEEP);

	return (void *)SYS2(SYS_nanosleep, &ts, NULL);
}

static void
sleepers_overlap(void)
{
	pthread_t th[NSLEEPERS];
	long t0 = now_ns(CLOCK_MONOTONIC), elapsed;
	int ok = 1;

	for (int i = 0; i < NSLEEPERS; i++)
		pthread_create(&th[i], NULL, group_sleeper, NULL);
	for (int i = 0; i < NSLEEPERS; i++) {
		void *ret;

		pthread_join(th[i], &ret);
		if (ret != NULL)
			ok = 0;
	}
	elapsed = now_ns(CLOCK_MONOTONIC) - t0;
	check("8 threads sleep 250 ms at once: all return 0", ok);
	check("  ... in less than 7 sleeps' time",
	    elapsed >= GROUP_SLEEP && elapsed < 7 * GROUP_SLEEP);
}

/* ---- Sleeps interrupted by a handler ---- */

enum { NANOSLEEP, CLOCK_REL, CLOCK_ABS };

struct intr {
	int kind;
	long ret;
	long elapsed;
	struct timespec rem;
	volatile int done;
};

static void
on_usr1(int sig)
{
}

static void *
intr_sleeper(void *arg)
{
	struct intr *x = arg;
	struct timespec ts = ts_of(5 * NS);
	long t0 = now_ns(CLOCK_MONOTONIC);

	x->rem = ts_of(777);		/* a sentinel the kernel overwrites */
	if (x->kind == NANOSLEEP)
		x->ret = SYS2(SYS_nanosleep, &ts, &x->rem);
	else if (x->kind == CLOCK_REL)
		x->ret = SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts,
		    &x->rem);
	else {
		ts = ts_of(t0 + 5 * NS);
		x->ret = SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC,
		    TIMER_ABSTIME, &ts, &x->rem);
	}
	x->elapsed = now_ns(CLOCK_MONOTONIC) - t0;
	x->done = 1;
	return NULL;
}

static void
interrupt_sleep(const char *what, int kind, int flags)
{
	struct sigaction sa;
	struct intr x = { .kind = kind };
	pthread_t th;
	long rem;
	char label[128];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&th, NULL, intr_sleeper, &x);
	/* Until it returns: a signal that comes before the sleep is lost. */
	while (!x.done) {
		struct timespec ts = ts_of(20 * MS);

		pthread_kill(th, SIGUSR1);
		SYS2(SYS_nanosleep, &ts, NULL);
	}
	pthread_join(th, NULL);
	rem = x.rem.tv_sec * NS + x.rem.tv_nsec;
	snprintf(label, sizeof(label), "%s: %s", what,
	    x.ret == -EINTR ? "EINTR" : errname(x.ret));
	check(label, x.ret == -EINTR);
	if (kind == CLOCK_ABS) {
		check("  ... rem untouched (TIMER_ABSTIME)", rem == 777);
		return;
	}
	/* Linux's rem counts from the timer's expiry, slack included. */
	check("  ... rem > 0 and not above 5 s", rem > 0 &&
	    rem <= 5 * NS + MS);
	check("  ... rem + time slept >= 5 s",
	    rem + x.elapsed >= 5 * NS - 10 * MS);
}

int
main(void)
{
	plain_sleeps();
	clock_sleeps();
	sleeper_does_not_block();
	sleepers_overlap();
	interrupt_sleep("nanosleep interrupted (handler)", NANOSLEEP, 0);
	interrupt_sleep("nanosleep interrupted (SA_RESTART handler)", NANOSLEEP,
	    SA_RESTART);
	interrupt_sleep("clock_nanosleep interrupted", CLOCK_REL, SA_RESTART);
	interrupt_sleep("clock_nanosleep TIMER_ABSTIME interrupted", CLOCK_ABS,
	    0);
	return finish();
}
