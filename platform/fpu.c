/*
 * The running thread's FPU/SSE/AVX state as bytes, for signal frames.
 * The layout is the XSAVE (or FXSAVE) standard format; what comes back
 * from the guest is checked before XRSTOR, which would otherwise #GP in
 * the kernel on reserved MXCSR bits or a malformed XSAVE header.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define FX_MXCSR		24
#define FX_MXCSR_MASK		28
#define XSAVE_HDR		512
#define MXCSR_MASK_DEFAULT	0xffbfu

static uint8_t scratch[8192] __attribute__((aligned(64)));

size_t
plat_fpu_size(void)
{
	return cpu.xsave_size;
}

int
plat_fpu_save(void *buf)
{
	if (cpu.xsave_size > sizeof(scratch))
		return -ENOMEM;
	arch_fpu_save(scratch);
	memcpy(buf, scratch, cpu.xsave_size);
	return 0;
}

static bool
fpu_state_ok(const uint8_t *s)
{
	uint32_t mxcsr, mask;
	uint64_t bv, comp;

	memcpy(&mxcsr, s + FX_MXCSR, 4);
	memcpy(&mask, s + FX_MXCSR_MASK, 4);
	if (mask == 0)
		mask = MXCSR_MASK_DEFAULT;
	if (mxcsr & ~mask)
		return false;
	if (!cpu.xsave)
		return true;
	memcpy(&bv, s + XSAVE_HDR, 8);
	memcpy(&comp, s + XSAVE_HDR + 8, 8);
	if ((bv & ~cpu.xcr0) || comp != 0)
		return false;
	for (int i = 16; i < 64; i++)
		if (s[XSAVE_HDR + i] != 0)
			return false;
	return true;
}

int
plat_fpu_restore(const void *buf)
{
	if (cpu.xsave_size > sizeof(scratch))
		return -ENOMEM;
	memcpy(scratch, buf, cpu.xsave_size);
	/* The saved MXCSR_MASK is the CPU's, not the guest's to choose. */
	if (!fpu_state_ok(scratch))
		return -EINVAL;
	arch_fpu_restore(scratch);
	return 0;
}

void
plat_fpu_reset(void)
{
	arch_fpu_init_state(scratch);
	arch_fpu_restore(scratch);
}

uint64_t
plat_fpu_features(void)
{
	return cpu.xsave ? cpu.xcr0 : 3;
}
