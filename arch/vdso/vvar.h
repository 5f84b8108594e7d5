/*
 * The vDSO's data page (Linux's vvar): written by platform/vclock.c,
 * read by the vDSO in user mode.  One page, mapped read-only just below
 * the vDSO image.  Both sides compute exactly what plat_now_ns() does:
 *
 *	CLOCK_MONOTONIC = ns_base + ((tsc - tsc_base) * mult) >> 32
 *	CLOCK_REALTIME  = CLOCK_MONOTONIC + wall_ns
 *
 * with a 128-bit product.  seq is a sequence lock: odd while the
 * platform rewrites the page; a reader retries when it changed.
 */
#ifndef ARCH_VDSO_VVAR_H
#define ARCH_VDSO_VVAR_H

#include <stdint.h>

#define VCLOCK_TICK_NS	4000000ull	/* the coarse clocks' tick (HZ 250) */

struct vclock_data {
	uint32_t seq;		/* odd while being written */
	uint32_t pad;
	uint64_t tsc_base;	/* TSC value where ns_base holds */
	uint64_t ns_base;	/* CLOCK_MONOTONIC at tsc_base */
	uint64_t mult;		/* nanoseconds per TSC tick, 32.32 */
	uint64_t wall_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
};
_Static_assert(sizeof(struct vclock_data) == 40, "vvar layout");
_Static_assert(__builtin_offsetof(struct vclock_data, wall_ns) == 32,
    "vvar layout");

#endif
