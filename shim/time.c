/*
 * shim/time.c: clocks and sleeping.  Realtime clocks read the platform's
 * wall clock, the monotonic family its monotonic clock, and the CPU-time
 * clocks the time the process's threads (or the calling one) held the
 * CPU (shim/timer.c).  A signal cuts a sleep short with EINTR and the
 * time left in rem; a relative sleep that a stop interrupted goes on to
 * its first deadline once continued (restart_syscall), as Linux's
 * hrtimer_nanosleep_restart does.
 */
#include "shim/internal.h"

#define NSEC_PER_SEC	1000000000ull
#define TICK_NS		4000000ull	/* a jiffy at HZ=250: coarse clocks */
#define USER_HZ		100		/* times(), AT_CLKTCK */
#define TIMER_ABSTIME	1

#define CLOCK_NIDS	12	/* ids 0-11; 10 is unused */

struct linux_timezone {
	int32_t tz_minuteswest, tz_dsttime;
};

struct linux_tms {
	int64_t utime, stime, cutime, cstime;
};

_Static_assert(sizeof(struct linux_timespec) == 16, "struct timespec");
_Static_assert(sizeof(struct linux_timeval) == 16, "struct timeval");
_Static_assert(sizeof(struct linux_timezone) == 8, "struct timezone");
_Static_assert(sizeof(struct linux_tms) == 32, "struct tms");

enum clock_base {
	CB_NONE = 0,	/* not a clock */
	CB_REAL,	/* plat_wallclock_ns; TAI too (Linux's offset is 0) */
	CB_MONO,	/* plat_now_ns; boot time too (no suspend) */
	CB_CPU,		/* the process's CPU time (timer_cpu_ns) */
	CB_TCPU,	/* the calling thread's CPU time */
};

/* How clock_nanosleep treats a clock (Linux's k_clock.nsleep). */
enum clock_sleep {
	CS_NONE = 0,	/* no nsleep: EOPNOTSUPP */
	CS_ANY,		/* common_nsleep: flags other than ABSTIME ignored */
	CS_STRICT,	/* alarm_timer_nsleep: other flags are EINVAL */
};

struct clock_desc {
	uint8_t base;		/* enum clock_base */
	uint8_t sleep;		/* enum clock_sleep */
	bool coarse;		/* tick granularity */
};

static const struct clock_desc clocks[CLOCK_NIDS] = {
	[CLOCK_REALTIME] = { CB_REAL, CS_ANY, false },
	[CLOCK_MONOTONIC] = { CB_MONO, CS_ANY, false },
	[CLOCK_PROCESS_CPUTIME_ID] = { CB_CPU, CS_ANY, false },
	[CLOCK_THREAD_CPUTIME_ID] = { CB_TCPU, CS_NONE, false },
	[CLOCK_MONOTONIC_RAW] = { CB_MONO, CS_NONE, false },
	[CLOCK_REALTIME_COARSE] = { CB_REAL, CS_NONE, true },
	[CLOCK_MONOTONIC_COARSE] = { CB_MONO, CS_NONE, true },
	[CLOCK_BOOTTIME] = { CB_MONO, CS_ANY, false },
	[CLOCK_REALTIME_ALARM] = { CB_REAL, CS_STRICT, false },
	[CLOCK_BOOTTIME_ALARM] = { CB_MONO, CS_STRICT, false },
	[CLOCK_TAI] = { CB_REAL, CS_ANY, false },
};

/*
 * Negative ids name other tasks' CPU clocks (Linux's CPUCLOCK encoding);
 * they are refused rather than decoded.
 */
static const struct clock_desc *
clock_lookup(uint64_t arg)
{
	int id = (int)arg;

	if (id < 0 || id >= CLOCK_NIDS || clocks[id].base == CB_NONE)
		return NULL;
	return &clocks[id];
}

static uint64_t
clock_now(const struct clock_desc *c)
{
	uint64_t t;

	switch (c->base) {
	case CB_REAL:
		t = plat_wallclock_ns();
		break;
	case CB_CPU:
		t = timer_cpu_ns(NULL);
		break;
	case CB_TCPU:
		t = timer_cpu_ns(shim_thread_current());
		break;
	default:
		t = plat_now_ns();
		break;
	}
	return c->coarse ? t - t % TICK_NS : t;
}

static int
put_timespec(uint64_t uaddr, uint64_t ns)
{
	struct linux_timespec ts;

	ts.tv_sec = ns / NSEC_PER_SEC;
	ts.tv_nsec = ns % NSEC_PER_SEC;
	return plat_copy_to_user(uaddr, &ts, sizeof(ts)) < 0 ? -EFAULT : 0;
}

/*
 * Read a sleep request: -EFAULT, -EINVAL for a negative tv_sec or a
 * tv_nsec outside [0, 1e9) (timespec64_valid), else 0 and *ns, saturated
 * at UINT64_MAX (forever).
 */
static int
get_timespec(uint64_t uaddr, uint64_t *ns)
{
	struct linux_timespec ts;

	if (plat_copy_from_user(&ts, uaddr, sizeof(ts)) < 0)
		return -EFAULT;
	if (ts.tv_sec < 0 || (uint64_t)ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec > (UINT64_MAX - ts.tv_nsec) / NSEC_PER_SEC)
		*ns = UINT64_MAX;
	else
		*ns = ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
	return 0;
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * Wait until plat_now_ns() reaches deadline_ns: the thread sleeps on a
 * word nobody wakes, so only the deadline or a signal ends it; other
 * threads run meanwhile.  Returns 0, or -EINTR when a signal interrupted.
 */
static int
shim_sleep_until(uint64_t deadline_ns)
{
	static const uint32_t never;

	while (plat_now_ns() < deadline_ns) {
		if (plat_block(&never, 0, deadline_ns) == -EINTR)
			return -EINTR;
	}
	return 0;
}

/* Interrupted: Linux writes the remaining time when rem is given. */
static long
sleep_interrupted(uint64_t urem, uint64_t left)
{
	if (urem != 0 && put_timespec(urem, left) < 0)
		return -EFAULT;
	return -EINTR;
}

static long sleep_restart(const struct shim_restart *b);

/*
 * A relative sleep until end (monotonic): 0, or -EINTR with the time
 * left written to urem (0: none) and a restart block that keeps end.
 */
static long
sleep_rel(uint64_t end, uint64_t urem)
{
	uint64_t now;
	long rc;

	if (shim_sleep_until(end) == 0)
		return 0;
	now = plat_now_ns();
	rc = sleep_interrupted(urem, end > now ? end - now : 0);
	if (rc == -EINTR)	/* every -EINTR return decides on its block */
		sig_restart_block(sleep_restart, end, urem, 0);
	return rc;
}

/* restart_syscall: the rest of a relative sleep (arg[0]: rem). */
static long
sleep_restart(const struct shim_restart *b)
{
	return sleep_rel(b->deadline, b->arg[0]);
}

/*
 * Sleep for t ns of clock c (writing the time left to urem when a
 * signal interrupts), or until c reads t (TIMER_ABSTIME).
 */
static long
clock_sleep(const struct clock_desc *c, bool abs, uint64_t t, uint64_t urem)
{
	uint64_t mono = plat_now_ns(), now;

	if (!abs)
		return sleep_rel(add_sat(mono, t), urem);
	now = clock_now(c);
	return t > now ? shim_sleep_until(add_sat(mono, t - now)) : 0;
}

long
sys_clock_gettime(SYSCALL_ARGS)
{
	const struct clock_desc *c = clock_lookup(a0);

	if (c == NULL)
		return -EINVAL;
	return put_timespec(a1, clock_now(c));
}

/* A NULL result pointer is allowed: it only checks the clock id. */
long
sys_clock_getres(SYSCALL_ARGS)
{
	const struct clock_desc *c = clock_lookup(a0);

	if (c == NULL)
		return -EINVAL;
	if (a1 == 0)
		return 0;
	return put_timespec(a1, c->coarse ? TICK_NS : 1);
}

/* Either pointer may be NULL; the time zone is always UTC (zeros). */
long
sys_gettimeofday(SYSCALL_ARGS)
{
	struct linux_timeval tv;
	struct linux_timezone tz;
	int32_t zone[2];
	uint64_t ns;

	if (a0 != 0) {
		ns = plat_wallclock_ns();
		tv.tv_sec = ns / NSEC_PER_SEC;
		tv.tv_usec = ns % NSEC_PER_SEC / 1000;
		if (plat_copy_to_user(a0, &tv, sizeof(tv)) < 0)
			return -EFAULT;
	}
	timer_get_tz(zone);
	tz.tz_minuteswest = zone[0];
	tz.tz_dsttime = zone[1];
	if (a1 != 0 && plat_copy_to_user(a1, &tz, sizeof(tz)) < 0)
		return -EFAULT;
	return 0;
}

long
sys_time(SYSCALL_ARGS)
{
	int64_t sec = plat_wallclock_ns() / NSEC_PER_SEC;

	if (a0 != 0 && plat_copy_to_user(a0, &sec, sizeof(sec)) < 0)
		return -EFAULT;
	return sec;
}

/* Returns clock ticks since boot; all CPU time is user time. */
long
sys_times(SYSCALL_ARGS)
{
	struct linux_tms tms;

	if (a0 != 0) {
		memset(&tms, 0, sizeof(tms));
		tms.utime = timer_cpu_ns(NULL) / (NSEC_PER_SEC / USER_HZ);
		tms.cutime = shim_proc_cur()->cpu_children_ns /
		    (NSEC_PER_SEC / USER_HZ);
		if (plat_copy_to_user(a0, &tms, sizeof(tms)) < 0)
			return -EFAULT;
	}
	return plat_now_ns() / (NSEC_PER_SEC / USER_HZ);
}

/* Relative, on CLOCK_MONOTONIC. */
long
sys_nanosleep(SYSCALL_ARGS)
{
	uint64_t t;
	int err;

	err = get_timespec(a0, &t);
	if (err < 0)
		return err;
	return clock_sleep(&clocks[CLOCK_MONOTONIC], false, t, a1);
}

/*
 * Linux's order: the clock id (EINVAL), whether it can sleep at all
 * (EOPNOTSUPP), the request (EFAULT, EINVAL), then the clock's own flag
 * check.  The raw call returns -errno like any other.
 */
long
sys_clock_nanosleep(SYSCALL_ARGS)
{
	const struct clock_desc *c = clock_lookup(a0);
	int flags = (int)a1, err;
	uint64_t t;

	if (c == NULL)
		return -EINVAL;
	if (c->sleep == CS_NONE)
		return -EOPNOTSUPP;
	err = get_timespec(a2, &t);
	if (err < 0)
		return err;
	if (c->sleep == CS_STRICT && (flags & ~TIMER_ABSTIME) != 0)
		return -EINVAL;
	return clock_sleep(c, (flags & TIMER_ABSTIME) != 0, t, a3);
}
