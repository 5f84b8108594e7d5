/*
 * time: every clock the kernel offers a single-threaded guest, through the
 * raw calls (never the vDSO): clock_gettime, clock_getres, gettimeofday and
 * time agree with each other and move forward; CPU-time clocks advance with
 * work; nanosleep and clock_nanosleep (relative and TIMER_ABSTIME) sleep at
 * least as long as asked; invalid clocks and times give EINVAL, bad
 * pointers EFAULT.  No time value is printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#include "guest.h"

#define NS	1000000000L
#define MS	1000000L

static const struct {
	const char *name;
	int id;
} clocks[] = {
	{ "CLOCK_REALTIME", CLOCK_REALTIME },
	{ "CLOCK_MONOTONIC", CLOCK_MONOTONIC },
	{ "CLOCK_PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID },
	{ "CLOCK_THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID },
	{ "CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW },
	{ "CLOCK_REALTIME_COARSE", CLOCK_REALTIME_COARSE },
	{ "CLOCK_MONOTONIC_COARSE", CLOCK_MONOTONIC_COARSE },
	{ "CLOCK_BOOTTIME", CLOCK_BOOTTIME },
};
#define NCLOCKS	(sizeof(clocks) / sizeof(clocks[0]))

static long
ns(const struct timespec *ts)
{
	return ts->tv_sec * NS + ts->tv_nsec;
}

static long
now(int clock)
{
	struct timespec ts;

	SYS2(SYS_clock_gettime, clock, &ts);
	return ns(&ts);
}

static void
spin(void)
{
	for (volatile long i = 0; i < 5000000; i++)
		;
}

static void
test_clocks(void)
{
	struct timespec ts, res;
	char label[96];

	for (size_t i = 0; i < NCLOCKS; i++) {
		long prev, cur;
		int mono = 1;

		ts.tv_nsec = -1;
		snprintf(label, sizeof(label), "%s gettime", clocks[i].name);
		expect_val(label, SYS2(SYS_clock_gettime, clocks[i].id, &ts), 0);
		snprintf(label, sizeof(label), "%s value valid",
		    clocks[i].name);
		check(label, ts.tv_sec >= 0 && ts.tv_nsec >= 0 &&
		    ts.tv_nsec < NS);
		res.tv_sec = -1;
		snprintf(label, sizeof(label), "%s getres", clocks[i].name);
		expect_val(label, SYS2(SYS_clock_getres, clocks[i].id, &res), 0);
		snprintf(label, sizeof(label), "%s resolution in (0, 10 ms]",
		    clocks[i].name);
		check(label, res.tv_sec == 0 && res.tv_nsec > 0 &&
		    res.tv_nsec <= 10 * MS);
		snprintf(label, sizeof(label), "%s getres NULL", clocks[i].name);
		expect_val(label, SYS2(SYS_clock_getres, clocks[i].id, NULL), 0);
		if (clocks[i].id == CLOCK_REALTIME ||
		    clocks[i].id == CLOCK_REALTIME_COARSE)
			continue;
		prev = now(clocks[i].id);
		for (int n = 0; n < 10000; n++) {
			cur = now(clocks[i].id);
			mono &= cur >= prev;
			prev = cur;
		}
		snprintf(label, sizeof(label), "%s never goes back",
		    clocks[i].name);
		check(label, mono);
	}
}

static void
test_relations(void)
{
	struct timeval tv;
	long t, rt, mono, cpu, tcpu, after;

	rt = now(CLOCK_REALTIME);
	check("realtime after 2020-01-01", rt / NS > 1577836800L);
	expect_val("gettimeofday", SYS2(SYS_gettimeofday, &tv, NULL), 0);
	check("gettimeofday usec < 1e6", tv.tv_usec >= 0 &&
	    tv.tv_usec < 1000000);
	check("gettimeofday within 2 s of realtime",
	    labs(tv.tv_sec * NS + tv.tv_usec * 1000L - rt) < 2 * NS);
	expect_val("gettimeofday(NULL, NULL)", SYS2(SYS_gettimeofday, NULL,
	    NULL), 0);
	t = SYS1(SYS_time, NULL);
	check("time(NULL) within 2 s of realtime", labs(t - rt / NS) <= 2);
	after = 0;
	check("time(&t) returns and stores the same",
	    SYS1(SYS_time, &after) == after && labs(after - t) <= 2);
	check("realtime coarse within 1 s of realtime",
	    labs(now(CLOCK_REALTIME_COARSE) - now(CLOCK_REALTIME)) < NS);
	check("libc clock_gettime agrees with the system call",
	    labs((time(NULL) - t)) <= 2);

	mono = now(CLOCK_MONOTONIC);
	check("boottime >= monotonic", now(CLOCK_BOOTTIME) >= mono);
	check("monotonic coarse <= monotonic",
	    now(CLOCK_MONOTONIC_COARSE) <= now(CLOCK_MONOTONIC));
	check("monotonic raw within 1 s of monotonic",
	    labs(now(CLOCK_MONOTONIC_RAW) - now(CLOCK_MONOTONIC)) < NS);

	cpu = now(CLOCK_PROCESS_CPUTIME_ID);
	tcpu = now(CLOCK_THREAD_CPUTIME_ID);
	spin();
	check("process CPU time advances with work",
	    now(CLOCK_PROCESS_CPUTIME_ID) > cpu);
	check("thread CPU time advances with work",
	    now(CLOCK_THREAD_CPUTIME_ID) > tcpu);
	check("CPU time <= monotonic time elapsed since boot",
	    now(CLOCK_PROCESS_CPUTIME_ID) <= now(CLOCK_BOOTTIME));
}

static long
gettime_at(void *p)
{
	return SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, p);
}

static long
getres_at(void *p)
{
	return SYS2(SYS_clock_getres, CLOCK_MONOTONIC, p);
}

static long
gettimeofday_at(void *p)
{
	return SYS2(SYS_gettimeofday, p, NULL);
}

static long
time_at(void *p)
{
	return SYS1(SYS_time, p);
}

static long
nanosleep_at(void *p)
{
	return SYS2(SYS_nanosleep, p, NULL);
}

static long
clock_nanosleep_at(void *p)
{
	return SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, p, NULL);
}

static void
test_clock_errors(void)
{
	struct timespec ts;

	expect_err("clock_gettime clock 100", SYS2(SYS_clock_gettime, 100,
	    &ts), EINVAL);
	expect_err("clock_gettime clock 10", SYS2(SYS_clock_gettime, 10, &ts),
	    EINVAL);
	expect_err("clock_getres clock 100", SYS2(SYS_clock_getres, 100, &ts),
	    EINVAL);
	expect_efault_all("clock_gettime", gettime_at, sizeof(ts), PTR_OUT);
	expect_efault_all("clock_getres", getres_at, sizeof(ts),
	    PTR_OUT | PTR_NULL_OK);
	expect_efault_all("gettimeofday", gettimeofday_at,
	    sizeof(struct timeval), PTR_OUT | PTR_NULL_OK);
	expect_efault_all("time", time_at, sizeof(time_t),
	    PTR_OUT | PTR_NULL_OK);
}

/* Sleep through fn, and check it took at least want_ns. */
static void
timed(const char *what, long ret_want, long (*fn)(void), long want_ns)
{
	char label[96];
	long t0 = now(CLOCK_MONOTONIC), ret, dt;

	ret = fn();
	dt = now(CLOCK_MONOTONIC) - t0;
	snprintf(label, sizeof(label), "%s returned", what);
	expect_val(label, ret, ret_want);
	snprintf(label, sizeof(label), "%s slept long enough", what);
	check(label, dt >= want_ns);
}

static long
sleep_10ms(void)
{
	struct timespec ts = { 0, 10 * MS };

	return SYS2(SYS_nanosleep, &ts, NULL);
}

static long
sleep_1_2s(void)
{
	struct timespec ts = { 1, 200 * MS }, rem = { 7, 7 };

	return SYS2(SYS_nanosleep, &ts, &rem);
}

static long
sleep_bad_rem(void)
{
	struct timespec ts = { 0, 1 * MS };

	return SYS2(SYS_nanosleep, &ts, ADDR_KERNEL);
}

static long
clock_sleep_rel(void)
{
	struct timespec ts = { 0, 10 * MS };

	return SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
}

static long
clock_sleep_realtime(void)
{
	struct timespec ts = { 0, 10 * MS };

	return SYS4(SYS_clock_nanosleep, CLOCK_REALTIME, 0, &ts, NULL);
}

static long
clock_sleep_boottime(void)
{
	struct timespec ts = { 0, 10 * MS };

	return SYS4(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, &ts, NULL);
}

static long
clock_sleep_abs(void)
{
	long deadline = now(CLOCK_MONOTONIC) + 20 * MS;
	struct timespec ts = { deadline / NS, deadline % NS };
	long ret = SYS4(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME,
	    &ts, NULL);

	return ret == 0 && now(CLOCK_MONOTONIC) >= deadline ? 0 : -1;
}

static void
test_sleep(void)
{
	struct timespec zero = { 0, 0 }, past = { 1, 0 };
	struct timespec bad_ns = { 0, NS }, neg_ns = { 0, -1 }, neg_s = { -1, 0 };
	long t0, ret;

	timed("nanosleep 10 ms", 0, sleep_10ms, 10 * MS);
	timed("nanosleep 1.2 s", 0, sleep_1_2s, 1200 * MS);
	timed("nanosleep with bad rem, not interrupted", 0, sleep_bad_rem,
	    1 * MS);
	timed("clock_nanosleep MONOTONIC 10 ms", 0, clock_sleep_rel, 10 * MS);
	timed("clock_nanosleep REALTIME 10 ms", 0, clock_sleep_realtime,
	    10 * MS);
	timed("clock_nanosleep BOOTTIME 10 ms", 0, clock_sleep_boottime,
	    10 * MS);
	timed("clock_nanosleep TIMER_ABSTIME +20 ms", 0, clock_sleep_abs,
	    20 * MS);
	expect_val("nanosleep 0", SYS2(SYS_nanosleep, &zero, NULL), 0);
	t0 = now(CLOCK_MONOTONIC);
	expect_val("TIMER_ABSTIME in the past", SYS4(SYS_clock_nanosleep,
	    CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
	check("  returned at once", now(CLOCK_MONOTONIC) - t0 < NS);
	expect_err("nanosleep tv_nsec 1e9", SYS2(SYS_nanosleep, &bad_ns, NULL),
	    EINVAL);
	expect_err("nanosleep tv_nsec -1", SYS2(SYS_nanosleep, &neg_ns, NULL),
	    EINVAL);
	expect_err("nanosleep tv_sec -1", SYS2(SYS_nanosleep, &neg_s, NULL),
	    EINVAL);
	expect_err("clock_nanosleep tv_nsec 1e9", SYS4(SYS_clock_nanosleep,
	    CLOCK_MONOTONIC, 0, &bad_ns, NULL), EINVAL);
	expect_err("clock_nanosleep clock 100", SYS4(SYS_clock_nanosleep, 100,
	    0, &zero, NULL), EINVAL);
	ret = SYS4(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &zero,
	    NULL);
	/* EINVAL before Linux 6.x, EOPNOTSUPP since. */
	check("clock_nanosleep THREAD_CPUTIME refused",
	    ret == -EINVAL || ret == -EOPNOTSUPP);
	expect_efault_all("nanosleep", nanosleep_at, sizeof(zero), PTR_IN);
	expect_efault_all("clock_nanosleep", clock_nanosleep_at, sizeof(zero),
	    PTR_IN);
}

int
main(void)
{
	test_clocks();
	test_relations();
	test_clock_errors();
	test_sleep();
	return finish();
}
