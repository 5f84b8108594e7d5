/*
 * signal_fault_ignored: SIG_IGN does not hold for a fault: executing
 * ud2 with SIGILL ignored kills the process with SIGILL (132).
 */
#include <signal.h>

#include "guest.h"

int
main(void)
{
	expect_death("signal_fault_ignored", SIGILL);
	signal(SIGILL, SIG_IGN);
	out("SIGILL ignored; ud2\n");
	__asm__ volatile ("ud2");
	out("survived\n");
	return 0;
}
