/*
 * fault_ill: ud2 raises #UD, which ends the guest with SIGILL (132).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	expect_death("fault_ill", SIGILL);
	__asm__ volatile ("ud2");
	out("survived\n");
	return 0;
}
