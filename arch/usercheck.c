/*
 * Checks on state the guest controls, made before the CPU loads it in
 * ring 0: the frame an iretq (or sysret) returns to, and the FPU state
 * XRSTOR/FXRSTOR loads on rt_sigreturn.  On real hardware (and KVM) a bad
 * value faults in the kernel (#GP on iretq to a non-canonical RIP or a
 * reserved MXCSR bit); TCG lets some through.  Pure functions of their
 * arguments, so tests/unit/test_usercheck.c runs them on the host.
 */
#include "arch/arch.h"

#define RFLAGS_FIXED1	(1ull << 1)	/* always 1 */
#define RFLAGS_IF	(1ull << 9)
#define RFLAGS_IOPL	(3ull << 12)
#define RFLAGS_NT	(1ull << 14)
#define RFLAGS_VM	(1ull << 17)
/* Reserved: bits 3, 5, 15 and 22-63 (SDM vol. 1, 3.4.3). */
#define RFLAGS_RESERVED	(0xffffffffffc00000ull | (1ull << 15) | \
	(1ull << 5) | (1ull << 3))

#define FX_MXCSR	24
#define FX_MXCSR_MASK	28
#define XSAVE_HDR	512		/* XSTATE_BV, XCOMP_BV, then zeros */

bool
arch_canonical(uint64_t va)
{
	/* 48-bit virtual addresses: bits 63:47 all equal (SDM 3.3.7.1). */
	return ((int64_t)(va << 16) >> 16) == (int64_t)va;
}

bool
arch_user_frame_ok(const struct trap_frame *f)
{
	if (!arch_canonical(f->rip))
		return false;
	if (f->cs != (GDT_UCODE | SEL_USER) || f->ss != (GDT_UDATA | SEL_USER))
		return false;
	if ((f->rflags & (RFLAGS_RESERVED | RFLAGS_IOPL | RFLAGS_NT |
	    RFLAGS_VM)) != 0)
		return false;
	return (f->rflags & (RFLAGS_FIXED1 | RFLAGS_IF)) ==
	    (RFLAGS_FIXED1 | RFLAGS_IF);
}

uint32_t
arch_mxcsr_mask_from(const void *fxsave_area)
{
	uint32_t mask;

	__builtin_memcpy(&mask, (const uint8_t *)fxsave_area + FX_MXCSR_MASK, 4);
	/* 0 means the CPU predates the field: the SDM's default 0xffbf. */
	return mask != 0 ? mask : ARCH_MXCSR_MASK_DEFAULT;
}

bool
arch_fpu_state_ok(const void *area, const struct arch_fpu_limits *l)
{
	const uint8_t *s = area;
	uint32_t mxcsr;
	uint64_t bv, comp;

	/*
	 * MXCSR against the CPU's own mask: the MXCSR_MASK word in the
	 * area is the guest's to write and means nothing to XRSTOR.
	 */
	__builtin_memcpy(&mxcsr, s + FX_MXCSR, 4);
	if (mxcsr & ~l->mxcsr_mask)
		return false;
	if (!l->xsave)
		return true;
	__builtin_memcpy(&bv, s + XSAVE_HDR, 8);
	__builtin_memcpy(&comp, s + XSAVE_HDR + 8, 8);
	if ((bv & ~l->xcr0) || comp != 0)
		return false;
	for (int i = 16; i < 64; i++)
		if (s[XSAVE_HDR + i] != 0)
			return false;
	return true;
}
