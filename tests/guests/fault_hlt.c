/*
 * fault_hlt: hlt is privileged: #GP at CPL 3, SIGSEGV (139).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	expect_death("fault_hlt", SIGSEGV);
	__asm__ volatile ("hlt");
	out("survived\n");
	return 0;
}
