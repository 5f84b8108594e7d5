/*
 * fault_int3: int3 raises #BP: with no debugger and no handler the
 * guest ends with SIGTRAP (133).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	expect_death("fault_int3", SIGTRAP);
	__asm__ volatile ("int3");
	out("survived\n");
	return 0;
}
