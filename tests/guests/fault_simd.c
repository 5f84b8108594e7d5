/*
 * fault_simd: an SSE division by zero with the divide-by-zero exception
 * unmasked in MXCSR raises #XM, which Linux turns into SIGFPE (136).  A
 * kernel that leaves CR4.OSXMMEXCPT clear would give #UD (SIGILL) instead.
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	volatile double a = 1.0, b = 0.0;
	uint32_t mxcsr = 0x1f80 & ~0x200;	/* unmask ZE (bit 9) */

	expect_death("fault_simd", SIGFPE);
	__asm__ volatile ("ldmxcsr %0" : : "m" (mxcsr));
	out("quotient: %g\n", a / b);
	out("survived\n");
	return 0;
}
