/*
 * fault_bus: with EFLAGS.AC set (and CR0.AM, which Linux sets), an
 * unaligned load at CPL 3 raises #AC: SIGBUS (135).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	static char buf[16] __attribute__((aligned(16)));

	expect_death("fault_bus", SIGBUS);
	__asm__ volatile (
	    "pushf\n\t"
	    "orl $0x40000, (%%rsp)\n\t"	/* EFLAGS.AC */
	    "popf\n\t"
	    "movl 1(%0), %%eax"
	    : : "r" (buf) : "eax", "memory", "cc");
	out("survived\n");
	return 0;
}
