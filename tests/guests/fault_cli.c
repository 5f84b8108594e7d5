/*
 * fault_cli: cli at CPL 3 with IOPL 0 raises #GP: SIGSEGV (139).  The
 * guest cannot turn interrupts (the kernel's timer) off.
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	expect_death("fault_cli", SIGSEGV);
	__asm__ volatile ("cli");
	out("cli worked\n");
	out("survived\n");
	return 0;
}
