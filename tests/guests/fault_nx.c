/*
 * fault_nx: a call into a page mapped PROT_READ|PROT_WRITE (holding a
 * valid ret) faults on the fetch because the page is not executable (NX):
 * SIGSEGV (139).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	unsigned char *code = map_anon(NULL, PAGE, PROT_READ | PROT_WRITE, 0);

	expect_death("fault_nx", SIGSEGV);
	if (code == NULL)
		return 1;
	code[0] = 0xc3;		/* ret */
	((void (*)(void))(void *)code)();
	out("survived\n");
	return 0;
}
