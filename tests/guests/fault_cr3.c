/*
 * fault_cr3: reading CR3 is privileged: #GP at CPL 3, SIGSEGV (139).
 * The guest must never learn where its page tables are.
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	uint64_t cr3;

	expect_death("fault_cr3", SIGSEGV);
	__asm__ volatile ("mov %%cr3, %0" : "=r" (cr3));
	out("cr3 was readable\n");
	out("survived\n");
	return 0;
}
