/*
 * fault_x87: an x87 division by zero with ZE unmasked in the control
 * word: the pending exception is raised as #MF at the next x87
 * instruction (CR0.NE), and Linux sends SIGFPE (136).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	volatile long double a = 1.0L, b = 0.0L, q;
	uint16_t fcw = 0x037f & ~0x4;	/* unmask ZE (bit 2) */

	expect_death("fault_x87", SIGFPE);
	__asm__ volatile ("fldcw %0" : : "m" (fcw));
	q = a / b;
	__asm__ volatile ("fwait");
	out("quotient: %Lg\n", q);
	out("survived\n");
	return 0;
}
