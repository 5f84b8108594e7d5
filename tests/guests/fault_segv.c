/*
 * fault_segv: a write to a page mapped PROT_READ ends the guest with
 * SIGSEGV (exit status 139), after the read of the same page succeeds.
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	volatile char *p = map_anon(NULL, PAGE, PROT_READ, 0);

	expect_death("fault_segv", SIGSEGV);
	if (p == NULL)
		return 1;
	out("read: %d\n", p[10]);
	p[10] = 1;
	out("survived\n");
	return 0;
}
