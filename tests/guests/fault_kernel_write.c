/*
 * fault_kernel_write: a write to 0xffff800000100000, the start of the
 * upper half (the kernel's direct map, in many kernels): SIGSEGV (139).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	volatile uint64_t *p = (volatile uint64_t *)(ADDR_KERNEL + 0x100000);

	expect_death("fault_kernel_write", SIGSEGV);
	*p = 0x4141414141414141ULL;
	out("survived\n");
	return 0;
}
