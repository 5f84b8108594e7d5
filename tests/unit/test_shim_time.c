/*
 * test_shim_time.c: shim/time.c against the host's clocks (the mock
 * platform reads CLOCK_MONOTONIC and CLOCK_REALTIME): every clock id,
 * resolutions, the order of clock_nanosleep's checks, sleep lengths, and
 * bad pointers.
 */
#include "shim/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/shim_env.h"

#include <time.h>

#define NS		1000000000ll


static void
setup(void)
{
	CHECK(shim_env_map());
	proc_init();
}

static void *
uptr(uint64_t u)
{
	return (char *)plat_user_page(u & ~(PAGE_SIZE - 1)) +
	    (u & (PAGE_SIZE - 1));
}

static int64_t
host_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

/* Places a 16-byte result can never be written. */
static const uint64_t bad_out[] = {
	0, U_KERNEL, 0x0000800000000000ull, U_HOLE, U_HOLE - 8, U_RO,
	~0ull - 7,
};

#define NBAD	(sizeof(bad_out) / sizeof(bad_out[0]))

static void
test_gettime_ids(void)
{
	static const int valid[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11 };
	static const int64_t invalid[] = {
		10, 12, 15, 16, 1000, -1, -2, -6, -10, 0x7fffffff,
	};
	int64_t *ts;
	size_t i;

	setup();
	ts = uptr(U_RW);
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		ts[0] = ts[1] = -1;
		CHECK(SYS(sys_clock_gettime, valid[i], U_RW) == 0);
		CHECK(ts[0] >= 0 && ts[1] >= 0 && ts[1] < NS);
	}
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		CHECK(SYS(sys_clock_gettime, invalid[i], U_RW) == -EINVAL);
		CHECK(SYS(sys_clock_getres, invalid[i], U_RW) == -EINVAL);
		CHECK(SYS(sys_clock_getres, invalid[i], 0) == -EINVAL);
	}
	/* clockid_t is an int: the upper half of the register is ignored. */
	CHECK(SYS(sys_clock_gettime, 0x100000001ull, U_RW) == 0);
	for (i = 0; i < NBAD; i++)
		CHECK(SYS(sys_clock_gettime, 1, bad_out[i]) == -EFAULT);
}

static void
test_gettime_values(void)
{
	int64_t *ts, t, before, after;

	setup();
	ts = uptr(U_RW);
	before = host_ns(CLOCK_REALTIME);
	CHECK(SYS(sys_clock_gettime, 0, U_RW) == 0);
	after = host_ns(CLOCK_REALTIME);
	t = ts[0] * NS + ts[1];
	CHECK(t >= before && t <= after);
	before = host_ns(CLOCK_MONOTONIC);
	CHECK(SYS(sys_clock_gettime, 1, U_RW) == 0);
	t = ts[0] * NS + ts[1];
	CHECK(t >= before && t <= host_ns(CLOCK_MONOTONIC));
	CHECK(SYS(sys_clock_gettime, 6, U_RW) == 0);	/* coarse: a jiffy */
	CHECK(ts[1] % 4000000 == 0 && ts[0] * NS + ts[1] > t - 4000000 &&
	    ts[0] * NS + ts[1] <= host_ns(CLOCK_MONOTONIC));
	CHECK(SYS(sys_clock_gettime, 5, U_RW) == 0 && ts[1] % 4000000 == 0);
	mock_thread_cpu_ns = 3 * NS + 5;		/* CPU time: 3 s */
	CHECK(SYS(sys_clock_gettime, 2, U_RW) == 0 && ts[0] == 3);
	CHECK(SYS(sys_clock_gettime, 3, U_RW) == 0 && ts[0] == 3);
	CHECK(SYS(sys_clock_gettime, 11, U_RW) == 0);	/* TAI, offset 0 */
	t = ts[0] * NS + ts[1] - host_ns(CLOCK_REALTIME);
	CHECK(t <= 0 && t > -NS);
}

static void
test_getres(void)
{
	static const int fine[] = { 0, 1, 2, 3, 4, 7, 8, 9, 11 };
	int64_t *ts;
	size_t i;

	setup();
	ts = uptr(U_RW);
	for (i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		ts[0] = ts[1] = -1;
		CHECK(SYS(sys_clock_getres, fine[i], U_RW) == 0);
		CHECK(ts[0] == 0 && ts[1] == 1);
	}
	CHECK(SYS(sys_clock_getres, 5, U_RW) == 0 && ts[1] == 4000000);
	CHECK(SYS(sys_clock_getres, 6, U_RW) == 0 && ts[1] == 4000000);
	CHECK(SYS(sys_clock_getres, 1, 0) == 0);	/* NULL: fine */
	for (i = 1; i < NBAD; i++)
		CHECK(SYS(sys_clock_getres, 1, bad_out[i]) == -EFAULT);
}

static void
test_gettimeofday(void)
{
	int64_t *tv;
	int32_t *tz;
	int64_t before;

	setup();
	tv = uptr(U_RW);
	tz = uptr(U_RW + 64);
	CHECK(SYS(sys_gettimeofday, 0, 0) == 0);
	tz[0] = tz[1] = 77;
	before = host_ns(CLOCK_REALTIME) / 1000;
	CHECK(SYS(sys_gettimeofday, U_RW, U_RW + 64) == 0);
	CHECK(tv[1] >= 0 && tv[1] < 1000000);
	CHECK(tv[0] * 1000000 + tv[1] >= before);
	CHECK(tz[0] == 0 && tz[1] == 0);
	CHECK(SYS(sys_gettimeofday, U_RO, 0) == -EFAULT);
	CHECK(SYS(sys_gettimeofday, 0, U_RO) == -EFAULT);
	CHECK(SYS(sys_gettimeofday, U_HOLE - 8, 0) == -EFAULT);
	CHECK(SYS(sys_gettimeofday, U_RW, U_HOLE - 4) == -EFAULT);
}

static void
test_time_and_times(void)
{
	int64_t *w;
	long t, ticks;

	setup();
	w = uptr(U_RW);
	t = SYS(sys_time, 0);
	CHECK(t >= host_ns(CLOCK_REALTIME) / NS - 1);
	CHECK(SYS(sys_time, U_RW) >= t && w[0] >= t);
	CHECK(SYS(sys_time, U_RO) == -EFAULT);
	CHECK(SYS(sys_time, U_HOLE - 4) == -EFAULT);
	mock_thread_cpu_ns = 2 * NS + 500;
	ticks = SYS(sys_times, 0);
	CHECK(ticks == (long)(plat_now_ns() / 10000000) || ticks ==
	    (long)(plat_now_ns() / 10000000) - 1);
	memset(w, 0x55, 32);
	CHECK(SYS(sys_times, U_RW) >= ticks);
	CHECK(w[0] >= 200 && w[0] < 300 && w[1] == 0 && w[2] == 0 &&
	    w[3] == 0);
	CHECK(SYS(sys_times, U_RO) == -EFAULT);
	CHECK(SYS(sys_times, U_HOLE - 16) == -EFAULT);
}

/* Put a request {sec, nsec} at user address u. */
static void
put_req(uint64_t u, int64_t sec, int64_t nsec)
{
	int64_t *ts = uptr(u);

	ts[0] = sec;
	ts[1] = nsec;
}

static void
test_nanosleep(void)
{
	int64_t *rem, t0;

	setup();
	rem = uptr(U_RW + 64);
	rem[0] = rem[1] = 0x5555;
	put_req(U_RW, 0, 2000000);
	t0 = host_ns(CLOCK_MONOTONIC);
	CHECK(SYS(sys_nanosleep, U_RW, U_RW + 64) == 0);
	CHECK(host_ns(CLOCK_MONOTONIC) - t0 >= 2000000);
	CHECK(rem[0] == 0x5555 && rem[1] == 0x5555);	/* not written */
	put_req(U_RW, 0, 0);
	CHECK(SYS(sys_nanosleep, U_RW, 0) == 0);
	CHECK(SYS(sys_nanosleep, U_RW, U_RO) == 0);	/* rem unused */
	put_req(U_RW, 0, NS);
	CHECK(SYS(sys_nanosleep, U_RW, 0) == -EINVAL);
	put_req(U_RW, 0, -1);
	CHECK(SYS(sys_nanosleep, U_RW, 0) == -EINVAL);
	put_req(U_RW, -1, 0);
	CHECK(SYS(sys_nanosleep, U_RW, 0) == -EINVAL);
	CHECK(SYS(sys_nanosleep, 0, 0) == -EFAULT);
	CHECK(SYS(sys_nanosleep, U_HOLE, 0) == -EFAULT);
	CHECK(SYS(sys_nanosleep, U_HOLE - 8, 0) == -EFAULT);
	CHECK(SYS(sys_nanosleep, U_KERNEL, 0) == -EFAULT);
	CHECK(SYS(sys_nanosleep, U_RO, 0) == 0);	/* reading is fine */
}

extern struct shim_restart stub_restart;	/* tests/unit/stub_timer.c */

/*
 * A relative sleep a signal interrupts writes the time left and leaves
 * a restart block with its first deadline; an absolute one leaves none
 * (it restarts with its own arguments).
 */
static void
test_sleep_restart(void)
{
	int64_t *rem, t0, t1;
	struct shim_restart b;

	setup();
	rem = uptr(U_RW + 64);
	put_req(U_RW, 60, 0);
	memset(&stub_restart, 0, sizeof(stub_restart));
	t0 = plat_now_ns();
	mock_block_intr = 1;
	CHECK(SYS(sys_nanosleep, U_RW, U_RW + 64) == -EINTR);
	t1 = plat_now_ns();
	CHECK(rem[0] == 59 || rem[0] == 60);
	b = stub_restart;
	CHECK(b.fn != NULL && b.arg[0] == U_RW + 64);
	CHECK(b.deadline >= (uint64_t)t0 + 60 * NS &&
	    b.deadline <= (uint64_t)t1 + 60 * NS);
	/* Continued after its deadline: done, no sleep. */
	b.deadline = plat_now_ns();
	CHECK(b.fn(&b) == 0);
	/* Interrupted again: the same deadline, the time left to rem. */
	b.deadline = t1 + 60 * NS;
	memset(&stub_restart, 0, sizeof(stub_restart));
	mock_block_intr = 1;
	CHECK(b.fn(&b) == -EINTR);
	CHECK(stub_restart.fn == b.fn && stub_restart.deadline == b.deadline);
	CHECK(rem[0] == 59 || rem[0] == 60);
	/* clock_nanosleep: relative like nanosleep, absolute without one. */
	memset(&stub_restart, 0, sizeof(stub_restart));
	mock_block_intr = 1;
	CHECK(SYS(sys_clock_nanosleep, 0, 0, U_RW, U_RW + 64) == -EINTR);
	CHECK(stub_restart.fn == b.fn &&
	    stub_restart.deadline >= (uint64_t)t1 + 60 * NS);
	memset(&stub_restart, 0, sizeof(stub_restart));
	t0 = host_ns(CLOCK_MONOTONIC) + 60 * NS;
	put_req(U_RW, t0 / NS, t0 % NS);
	mock_block_intr = 1;
	CHECK(SYS(sys_clock_nanosleep, 1, 1, U_RW, U_RW + 64) == -EINTR);
	CHECK(stub_restart.fn == NULL);
}

/* Linux's order: clock id, nsleep support, request, clock's flags. */
static void
test_clock_nanosleep_checks(void)
{
	setup();
	put_req(U_RW, 0, 0);
	CHECK(SYS(sys_clock_nanosleep, 10, 0, U_RW) == -EINVAL);
	CHECK(SYS(sys_clock_nanosleep, -6, 0, U_RW) == -EINVAL);
	CHECK(SYS(sys_clock_nanosleep, 12, 0, 0) == -EINVAL);
	CHECK(SYS(sys_clock_nanosleep, 3, 0, U_RW) == -EOPNOTSUPP);
	CHECK(SYS(sys_clock_nanosleep, 4, 0, U_RW) == -EOPNOTSUPP);
	CHECK(SYS(sys_clock_nanosleep, 5, 0, U_RW) == -EOPNOTSUPP);
	CHECK(SYS(sys_clock_nanosleep, 6, 0, 0) == -EOPNOTSUPP);
	CHECK(SYS(sys_clock_nanosleep, 1, 0, 0) == -EFAULT);
	CHECK(SYS(sys_clock_nanosleep, 1, 0, U_HOLE - 8) == -EFAULT);
	put_req(U_RW, 0, NS);
	CHECK(SYS(sys_clock_nanosleep, 1, 0, U_RW) == -EINVAL);
	CHECK(SYS(sys_clock_nanosleep, 8, 6, U_RW) == -EINVAL);
	put_req(U_RW, -5, 0);
	CHECK(SYS(sys_clock_nanosleep, 0, 1, U_RW) == -EINVAL);
	put_req(U_RW, 0, 0);
	/* Unknown flag bits: ignored by common clocks, refused by alarms. */
	CHECK(SYS(sys_clock_nanosleep, 1, 6, U_RW) == 0);
	CHECK(SYS(sys_clock_nanosleep, 8, 2, U_RW) == -EINVAL);
	CHECK(SYS(sys_clock_nanosleep, 9, 1, U_RW) == 0);
	CHECK(SYS(sys_clock_nanosleep, 2, 0, U_RW) == 0);
	CHECK(SYS(sys_clock_nanosleep, 11, 0, U_RW) == 0);
	CHECK(SYS(sys_clock_nanosleep, 7, 0, U_RW, U_RO) == 0);
}

static void
test_clock_nanosleep_lengths(void)
{
	int64_t t0, now, target;

	setup();
	/* Relative. */
	put_req(U_RW, 0, 3000000);
	t0 = host_ns(CLOCK_MONOTONIC);
	CHECK(SYS(sys_clock_nanosleep, 1, 0, U_RW) == 0);
	CHECK(host_ns(CLOCK_MONOTONIC) - t0 >= 3000000);
	/* Absolute, on the monotonic clock and on the wall clock. */
	target = host_ns(CLOCK_MONOTONIC) + 3000000;
	put_req(U_RW, target / NS, target % NS);
	CHECK(SYS(sys_clock_nanosleep, 1, 1, U_RW) == 0);
	CHECK(host_ns(CLOCK_MONOTONIC) >= target);
	target = host_ns(CLOCK_REALTIME) + 3000000;
	put_req(U_RW, target / NS, target % NS);
	CHECK(SYS(sys_clock_nanosleep, 0, 1, U_RW) == 0);
	CHECK(host_ns(CLOCK_REALTIME) >= target);
	/* Absolute in the past: at once. */
	put_req(U_RW, 1, 0);
	t0 = host_ns(CLOCK_MONOTONIC);
	CHECK(SYS(sys_clock_nanosleep, 0, 1, U_RW) == 0);
	CHECK(host_ns(CLOCK_MONOTONIC) - t0 < NS / 10);
	/* Process CPU time, absolute: until it reads the target. */
	mock_thread_cpu_ns = 0;
	t0 = plat_now_ns();
	put_req(U_RW, 0, 3000000);
	CHECK(SYS(sys_clock_nanosleep, 2, 1, U_RW) == 0);
	now = plat_now_ns() - t0;
	CHECK(now >= 3000000);
}

int
main(void)
{
	harness_begin("shim_time");
	RUN(test_gettime_ids);
	RUN(test_gettime_values);
	RUN(test_getres);
	RUN(test_gettimeofday);
	RUN(test_time_and_times);
	RUN(test_nanosleep);
	RUN(test_sleep_restart);
	RUN(test_clock_nanosleep_checks);
	RUN(test_clock_nanosleep_lengths);
	mock_user_reset();
	return harness_done();
}
