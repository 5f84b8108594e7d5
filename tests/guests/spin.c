/*
 * spin: never exits (for the --timeout test); or, with an argument N,
 * exits with status N (for the exit-status tests).
 */
#include <stdlib.h>

int
main(int argc, char **argv)
{
	if (argc > 1)
		return atoi(argv[1]);
	for (;;)
		__asm__ volatile("pause");
}
