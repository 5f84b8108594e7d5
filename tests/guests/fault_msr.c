/*
 * fault_msr: rdmsr is privileged: #GP at CPL 3, SIGSEGV (139).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	uint32_t lo, hi;

	expect_death("fault_msr", SIGSEGV);
	__asm__ volatile ("rdmsr" : "=a" (lo), "=d" (hi) : "c" (0xc0000080));
	out("rdmsr worked\n");
	out("survived\n");
	return 0;
}
