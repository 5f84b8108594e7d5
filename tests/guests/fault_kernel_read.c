/*
 * fault_kernel_read: a read of 0xffffffff80100000, where kernels link
 * their text: supervisor-only or unmapped, either way SIGSEGV (139).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	volatile uint64_t *p = (volatile uint64_t *)ADDR_KTEXT;

	expect_death("fault_kernel_read", SIGSEGV);
	out("read: %d\n", (int)(*p != 0));
	out("survived\n");
	return 0;
}
