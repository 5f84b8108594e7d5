/*
 * The running thread's FPU/SSE/AVX state as bytes, for signal frames.
 * The layout is the XSAVE (or FXSAVE) standard format; what comes back
 * from the guest is checked before XRSTOR, which would otherwise #GP in
 * the kernel on reserved MXCSR bits or a malformed XSAVE header.
 */
#include "platform/internal.h"
#include "arch/arch.h"

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

int
plat_fpu_restore(const void *buf)
{
	struct arch_fpu_limits limits = {
		.mxcsr_mask = cpu.mxcsr_mask, .xcr0 = cpu.xcr0,
		.xsave = cpu.xsave,
	};

	if (cpu.xsave_size > sizeof(scratch))
		return -ENOMEM;
	memcpy(scratch, buf, cpu.xsave_size);
	if (!arch_fpu_state_ok(scratch, &limits))
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
