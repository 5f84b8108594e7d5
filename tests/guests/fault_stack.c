/*
 * fault_stack: unbounded recursion runs off the end of the stack into
 * its guard: SIGSEGV (139), not a silent overwrite of other memory.
 */
#include <signal.h>
#include <sys/mman.h>

#include "guest.h"

/* Each frame holds and touches 4 KiB; the result is never reached. */
static long __attribute__((noinline))
recurse(long depth)
{
	volatile char frame[4096];

	frame[0] = (char)depth;
	frame[4095] = (char)depth;
	if (depth == -1)	/* never: keeps the compiler from objecting */
		return 0;
	return recurse(depth + 1) + frame[0] + frame[4095];
}

int
main(void)
{
	expect_death("fault_stack", SIGSEGV);
	out("depth: %ld\n", recurse(0));
	out("survived\n");
	return 0;
}
