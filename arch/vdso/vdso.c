/*
 * The vDSO: clock reads without a syscall, as Linux's
 * arch/x86/entry/vdso.  Built as its own position-independent shared
 * object (vdso.lds, no relocations) and embedded in the kernel, which
 * maps it into the guest with the data page (vvar.h) just below it and
 * passes its address as AT_SYSINFO_EHDR.  The clocks it cannot serve
 * (the CPU-time and alarm clocks, bad ids) go to the real syscall;
 * gettimeofday and time are always served here.
 *
 * Runs in user mode: no kernel headers beyond vvar.h, no libc.
 */
#include <stddef.h>
#include <stdint.h>
#include "arch/vdso/vvar.h"

#define NSEC_PER_SEC	1000000000ull
#define SYS_clock_gettime	228
#define SYS_clock_getres	229

/* Linux's clock ids (include/uapi/linux/time.h). */
#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_MONOTONIC_RAW	4
#define CLOCK_REALTIME_COARSE	5
#define CLOCK_MONOTONIC_COARSE	6
#define CLOCK_BOOTTIME		7
#define CLOCK_TAI		11

struct vdso_timespec {
	int64_t tv_sec, tv_nsec;
};

struct vdso_timeval {
	int64_t tv_sec, tv_usec;
};

struct vdso_timezone {
	int32_t tz_minuteswest, tz_dsttime;
};

/* The data page, one page below the image (vdso.lds). */
extern const volatile struct vclock_data vvar_page
    __attribute__((visibility("hidden")));

/* The syscall, out of line: the fast paths need no saved registers. */
static __attribute__((noinline)) long
sys2(long nr, long a0, long a1)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a0), "S"(a1)
	    : "rcx", "r11", "memory");
	return ret;
}

static inline uint64_t
rdtsc_ordered(void)
{
	uint32_t lo, hi;

	/* LFENCE: the TSC is not read ahead of the sequence count. */
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}

/* The clocks the vDSO serves, as bit masks over the clock id. */
#define BIT(clk)	(1ul << (clk))
#define SERVED		(BIT(CLOCK_REALTIME) | BIT(CLOCK_MONOTONIC) | \
			    BIT(CLOCK_MONOTONIC_RAW) | \
			    BIT(CLOCK_REALTIME_COARSE) | \
			    BIT(CLOCK_MONOTONIC_COARSE) | BIT(CLOCK_BOOTTIME) | \
			    BIT(CLOCK_TAI))
#define REAL		(BIT(CLOCK_REALTIME) | BIT(CLOCK_REALTIME_COARSE) | \
			    BIT(CLOCK_TAI))
#define COARSE		(BIT(CLOCK_REALTIME_COARSE) | \
			    BIT(CLOCK_MONOTONIC_COARSE))

static inline int
served(unsigned long clk)
{
	return clk < 64 && ((SERVED >> clk) & 1);
}

/*
 * The clock: monotonic, plus the wall-clock offset when real (0 or 1).
 * Before the platform publishes, every field is 0 and so is the time,
 * as plat_now_ns() reads then too.
 */
static inline __attribute__((always_inline)) uint64_t
vclock_read(uint64_t real)
{
	const volatile struct vclock_data *d = &vvar_page;
	uint64_t t, delta;
	uint32_t seq;

	for (;;) {
		seq = d->seq;
		__asm__ volatile("" ::: "memory");
		if (seq & 1) {
			__asm__ volatile("pause");
			continue;
		}
		delta = rdtsc_ordered() - d->tsc_base;
		t = d->ns_base + (uint64_t)(((unsigned __int128)delta *
		    d->mult) >> 32);
		t += d->wall_ns & -real;
		__asm__ volatile("" ::: "memory");
		if (d->seq == seq)
			return t;
	}
}

int
__vdso_clock_gettime(long clk, struct vdso_timespec *ts)
{
	uint64_t ns;

	if ((unsigned long)clk <= CLOCK_MONOTONIC) {
		ns = vclock_read(clk == CLOCK_REALTIME);	/* the usual */
	} else {
		if (!served((unsigned long)clk))
			return (int)sys2(SYS_clock_gettime, clk, (long)ts);
		ns = vclock_read((REAL >> clk) & 1);
		if ((COARSE >> clk) & 1)
			ns -= ns % VCLOCK_TICK_NS;
	}
	ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
	return 0;
}

int
__vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
	uint64_t ns;

	if (tv != NULL) {
		ns = vclock_read(1);
		tv->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
		tv->tv_usec = (int64_t)(ns % NSEC_PER_SEC / 1000);
	}
	if (tz != NULL) {
		tz->tz_minuteswest = 0;		/* always UTC */
		tz->tz_dsttime = 0;
	}
	return 0;
}

long
__vdso_time(long *t)
{
	long sec = (long)(vclock_read(1) / NSEC_PER_SEC);

	if (t != NULL)
		*t = sec;
	return sec;
}

/* One CPU, one NUMA node. */
int
__vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	(void)unused;
	if (cpu != NULL)
		*cpu = 0;
	if (node != NULL)
		*node = 0;
	return 0;
}

int
__vdso_clock_getres(long clk, struct vdso_timespec *res)
{
	if (!served((unsigned long)clk))
		return (int)sys2(SYS_clock_getres, clk, (long)res);
	if (res != NULL) {
		res->tv_sec = 0;
		res->tv_nsec = (COARSE >> clk) & 1 ? (int64_t)VCLOCK_TICK_NS : 1;
	}
	return 0;
}

/* The unprefixed names Linux's vDSO exports too. */
int clock_gettime(long, struct vdso_timespec *)
    __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vdso_timeval *, struct vdso_timezone *)
    __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned *, unsigned *, void *)
    __attribute__((weak, alias("__vdso_getcpu")));
int clock_getres(long, struct vdso_timespec *)
    __attribute__((weak, alias("__vdso_clock_getres")));
