/*
 * The vDSO: clock reads without a syscall, as Linux's
 * arch/x86/entry/vdso.  Built as its own position-independent shared
 * object (vdso.lds, no relocations) and embedded in the kernel, which
 * maps it into the guest with the data page (vvar.h) just below it and
 * passes its address as AT_SYSINFO_EHDR.  The clocks it cannot serve
 * (the CPU-time and alarm clocks, bad ids) go to the real syscall.
 *
 * Runs in user mode: no kernel headers beyond vvar.h, no libc.
 */
#include <stddef.h>
#include <stdint.h>
#include "arch/vdso/vvar.h"

#define NSEC_PER_SEC	1000000000ull
#define SYS_gettimeofday	96
#define SYS_time		201
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

static long
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

/* What the vDSO serves: 0 for a clock it leaves to the syscall. */
enum vclock_kind { VK_NONE, VK_MONO, VK_REAL, VK_MONO_COARSE,
	VK_REAL_COARSE };

static enum vclock_kind
clock_kind(long clk)
{
	switch (clk) {
	case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME:
		return VK_MONO;
	case CLOCK_REALTIME: case CLOCK_TAI:
		return VK_REAL;
	case CLOCK_MONOTONIC_COARSE:
		return VK_MONO_COARSE;
	case CLOCK_REALTIME_COARSE:
		return VK_REAL_COARSE;
	default:
		return VK_NONE;
	}
}

/* Read the clock into *ns; false if the platform has not published. */
static int
vclock_read(int real, uint64_t *ns)
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
		if (!d->ready)
			return 0;
		delta = rdtsc_ordered() - d->tsc_base;
		t = d->ns_base + (uint64_t)(((unsigned __int128)delta *
		    d->mult) >> 32);
		if (real)
			t += d->wall_ns;
		__asm__ volatile("" ::: "memory");
		if (d->seq == seq)
			break;
	}
	*ns = t;
	return 1;
}

static int
vclock_now(enum vclock_kind k, uint64_t *ns)
{
	if (!vclock_read(k == VK_REAL || k == VK_REAL_COARSE, ns))
		return 0;
	if (k == VK_MONO_COARSE || k == VK_REAL_COARSE)
		*ns -= *ns % VCLOCK_TICK_NS;
	return 1;
}

int
__vdso_clock_gettime(long clk, struct vdso_timespec *ts)
{
	enum vclock_kind k = clock_kind(clk);
	uint64_t ns;

	if (k == VK_NONE || !vclock_now(k, &ns))
		return (int)sys2(SYS_clock_gettime, clk, (long)ts);
	ts->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (int64_t)(ns % NSEC_PER_SEC);
	return 0;
}

int
__vdso_gettimeofday(struct vdso_timeval *tv, struct vdso_timezone *tz)
{
	uint64_t ns;

	if (tv != NULL) {
		if (!vclock_read(1, &ns))
			return (int)sys2(SYS_gettimeofday, (long)tv, (long)tz);
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
	uint64_t ns;
	long sec;

	if (!vclock_read(1, &ns))
		return sys2(SYS_time, (long)t, 0);
	sec = (long)(ns / NSEC_PER_SEC);
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
	enum vclock_kind k = clock_kind(clk);

	if (k == VK_NONE)
		return (int)sys2(SYS_clock_getres, clk, (long)res);
	if (res != NULL) {
		res->tv_sec = 0;
		res->tv_nsec = k == VK_MONO_COARSE || k == VK_REAL_COARSE ?
		    (int64_t)VCLOCK_TICK_NS : 1;
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
