/*
 * fault_io: port I/O from ring 3 (an inb from the first serial port):
 * IOPL is 0 and there is no I/O bitmap, so #GP and SIGSEGV (139).  The
 * guest must not reach devices behind the kernel's back.
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	uint8_t v;

	expect_death("fault_io", SIGSEGV);
	__asm__ volatile ("inb %%dx, %0" : "=a" (v) : "d" ((uint16_t)0x3f8));
	out("inb worked\n");
	out("survived\n");
	return 0;
}
