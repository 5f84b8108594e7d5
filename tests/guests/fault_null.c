/*
 * fault_null: a read through a NULL pointer: page 0 is never mapped,
 * so the guest dies with SIGSEGV (exit status 139).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	volatile int *p = (volatile int *)(uintptr_t)0;

	expect_death("fault_null", SIGSEGV);
	out("read: %d\n", *p);
	out("survived\n");
	return 0;
}
