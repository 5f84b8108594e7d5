/*
 * fault_kernel_jump: a jump to kernel text at 0xffffffff80100000 faults
 * on the instruction fetch: SIGSEGV (139).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	void (*fn)(void) = (void (*)(void))ADDR_KTEXT;

	expect_death("fault_kernel_jump", SIGSEGV);
	fn();
	out("survived\n");
	return 0;
}
