/*
 * The program tests/integration/gdbstub.sh debugs with the in-kernel gdb
 * stub.  Run without arguments (as guests.sh does, natively and in
 * Cloister) it computes and exits; the other modes give the debugger
 * something to stop: "spin" loops until a debugger clears `spinning`,
 * "threads" has a second thread call `in_thread`, "segv" faults, "abort"
 * raises SIGABRT.
 */
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

volatile int counter;
volatile int watched;
volatile int spinning = 1;
int *volatile bad_pointer = (int *)8;

__attribute__((noinline)) int
add(int a, int b)
{
	return a + b;
}

__attribute__((noinline)) void
in_thread(int n)
{
	watched += n;
}

static void *
worker(void *arg)
{
	in_thread(2);
	return arg;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "plain";
	pthread_t t;

	if (strcmp(mode, "spin") == 0) {
		while (spinning)
			counter++;
		printf("spun\n");
		return 3;
	}
	if (strcmp(mode, "threads") == 0) {
		pthread_create(&t, NULL, worker, NULL);
		pthread_join(t, NULL);
		printf("watched=%d\n", watched);
		return 0;
	}
	if (strcmp(mode, "abort") == 0)
		abort();
	if (strcmp(mode, "segv") == 0)
		*bad_pointer = 1;
	counter = add(2, 3);
	watched = counter * 2;
	printf("counter=%d watched=%d\n", counter, watched);
	return counter == 5 ? 0 : counter;
}
