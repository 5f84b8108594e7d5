/*
 * arch/usercheck.c on the host: the frame check every return to ring 3
 * makes, and the FPU-state check rt_sigreturn makes before XRSTOR.
 */
#include "arch/arch.h"
#include "tests/unit/harness.h"

static struct trap_frame
good_frame(void)
{
	struct trap_frame f = { 0 };

	f.rip = 0x401000;
	f.cs = GDT_UCODE | SEL_USER;
	f.ss = GDT_UDATA | SEL_USER;
	f.rflags = 0x202;
	f.rsp = 0x7ffc0000;
	return f;
}

static void
test_frame_rip(void)
{
	struct trap_frame f = good_frame();

	CHECK(arch_user_frame_ok(&f));
	f.rip = 0x00007fffffffffffull;		/* last canonical user byte */
	CHECK(arch_user_frame_ok(&f));
	f.rip = 0x0000800000000000ull;		/* first non-canonical */
	CHECK(!arch_user_frame_ok(&f));
	f.rip = 0xdead000000000000ull;
	CHECK(!arch_user_frame_ok(&f));
	f.rip = 0xffff7fffffffffffull;		/* last non-canonical */
	CHECK(!arch_user_frame_ok(&f));
	f.rip = 0xffff800000000000ull;		/* canonical: #PF in ring 3 */
	CHECK(arch_user_frame_ok(&f));
	CHECK(arch_canonical(0) && arch_canonical(~0ull));
}

static void
test_frame_segments(void)
{
	struct trap_frame f = good_frame();

	f.cs = GDT_KCODE;
	CHECK(!arch_user_frame_ok(&f));
	f.cs = GDT_UCODE32 | SEL_USER;
	CHECK(!arch_user_frame_ok(&f));
	f.cs = 0x33;				/* Linux's __USER_CS, not ours */
	CHECK(!arch_user_frame_ok(&f));
	f = good_frame();
	f.ss = 0;
	CHECK(!arch_user_frame_ok(&f));
	f.ss = GDT_KDATA;
	CHECK(!arch_user_frame_ok(&f));
}

static void
test_frame_rflags(void)
{
	struct trap_frame f = good_frame();

	f.rflags = 0x202 | (1 << 8) | (1 << 16) | (1 << 18) | (1 << 21);
	CHECK(arch_user_frame_ok(&f));		/* TF, RF, AC, ID: fine */
	f.rflags = 0x002;			/* IF clear */
	CHECK(!arch_user_frame_ok(&f));
	f.rflags = 0x200;			/* bit 1 clear */
	CHECK(!arch_user_frame_ok(&f));
	f.rflags = 0x202 | (3 << 12);		/* IOPL 3 */
	CHECK(!arch_user_frame_ok(&f));
	f.rflags = 0x202 | (1 << 14);		/* NT */
	CHECK(!arch_user_frame_ok(&f));
	f.rflags = 0x202 | (1 << 17);		/* VM */
	CHECK(!arch_user_frame_ok(&f));
	f.rflags = 0x202 | (1ull << 40);	/* reserved */
	CHECK(!arch_user_frame_ok(&f));
}

static uint8_t area[4096] __attribute__((aligned(64)));

static void
put32(int off, uint32_t v)
{
	memcpy(area + off, &v, 4);
}

static void
test_fpu_mxcsr(void)
{
	struct arch_fpu_limits l = { .mxcsr_mask = 0xffbf, .xcr0 = 7,
	    .xsave = true };

	memset(area, 0, sizeof(area));
	put32(24, 0x1f80);
	CHECK(arch_fpu_state_ok(area, &l));
	put32(24, 0x1f80 | 0x40);		/* DAZ: not in this CPU's mask */
	CHECK(!arch_fpu_state_ok(area, &l));
	l.mxcsr_mask = 0xffff;
	CHECK(arch_fpu_state_ok(area, &l));
	/* The frame: MXCSR = MXCSR_MASK = 0xffffffff in the area. */
	l.mxcsr_mask = 0xffff;
	put32(24, 0xffffffff);
	put32(28, 0xffffffff);
	CHECK(!arch_fpu_state_ok(area, &l));
	put32(24, 0x10000);			/* bit 16: reserved everywhere */
	put32(28, 0x1ffff);
	CHECK(!arch_fpu_state_ok(area, &l));
	l.xsave = false;			/* FXSAVE only: same rule */
	CHECK(!arch_fpu_state_ok(area, &l));
}

static void
test_fpu_xsave_header(void)
{
	struct arch_fpu_limits l = { .mxcsr_mask = 0xffff, .xcr0 = 7,
	    .xsave = true };
	uint64_t bv;

	memset(area, 0, sizeof(area));
	put32(24, 0x1f80);
	bv = 7;
	memcpy(area + 512, &bv, 8);
	CHECK(arch_fpu_state_ok(area, &l));
	bv = 0xe7;				/* AVX-512 not enabled */
	memcpy(area + 512, &bv, 8);
	CHECK(!arch_fpu_state_ok(area, &l));
	bv = 3;
	memcpy(area + 512, &bv, 8);
	area[512 + 15] = 0x80;			/* XCOMP_BV: compacted */
	CHECK(!arch_fpu_state_ok(area, &l));
	area[512 + 15] = 0;
	area[512 + 40] = 1;			/* reserved header bytes */
	CHECK(!arch_fpu_state_ok(area, &l));
}

static void
test_mxcsr_mask_from(void)
{
	memset(area, 0, sizeof(area));
	CHECK(arch_mxcsr_mask_from(area) == ARCH_MXCSR_MASK_DEFAULT);
	put32(28, 0x2ffff);
	CHECK(arch_mxcsr_mask_from(area) == 0x2ffff);
}

int
main(void)
{
	harness_begin("usercheck");
	RUN(test_frame_rip);
	RUN(test_frame_segments);
	RUN(test_frame_rflags);
	RUN(test_fpu_mxcsr);
	RUN(test_fpu_xsave_header);
	RUN(test_mxcsr_mask_from);
	return harness_done();
}
