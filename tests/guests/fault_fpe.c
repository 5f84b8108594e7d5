/*
 * fault_fpe: integer division by zero raises #DE: SIGFPE (136).
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

int
main(void)
{
	volatile int a = 7, b = 0;

	expect_death("fault_fpe", SIGFPE);
	out("quotient: %d\n", a / b);
	out("survived\n");
	return 0;
}
