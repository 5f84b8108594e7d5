/*
 * fault_munmap: a read of a page after munmap dies with SIGSEGV (139):
 * the unmapping reached the page tables (and the TLB).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	volatile char *p = map_anon(NULL, PAGE, PROT_READ | PROT_WRITE, 0);

	expect_death("fault_munmap", SIGSEGV);
	if (p == NULL)
		return 1;
	p[0] = 5;
	out("before munmap: %d\n", p[0]);
	SYS2(SYS_munmap, p, PAGE);
	out("after munmap: %d\n", p[0]);
	out("survived\n");
	return 0;
}
