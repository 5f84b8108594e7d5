/*
 * fault_noncanonical: a jump to the non-canonical 0x0000800000000000 raises
 * #GP: SIGSEGV (139).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	void (*fn)(void) = (void (*)(void))ADDR_NONCANON;

	expect_death("fault_noncanonical", SIGSEGV);
	fn();
	out("survived\n");
	return 0;
}
