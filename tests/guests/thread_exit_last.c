/*
 * thread_exit_last: every thread leaves with the raw exit(2), the main
 * thread first with 3, the last thread with 9.  No thread calls
 * exit_group; Linux reports the code of the thread that left last: 9.
 */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "guest.h"

#define MS	1000000L

static void *
last(void *arg)
{
	struct timespec ts = { 0, 50 * MS };

	SYS2(SYS_nanosleep, &ts, NULL);
	out("last thread: exit(9)\n");
	SYS1(SYS_exit, 9);
	return NULL;
}

int
main(void)
{
	pthread_t t;

	out("thread_exit_last: expected exit status 9 (the last thread's "
	    "exit code)\n");
	if (pthread_create(&t, NULL, last, NULL) != 0) {
		out("pthread_create failed\n");
		return 1;
	}
	out("main thread: exit(3)\n");
	SYS1(SYS_exit, 3);
	return 1;
}
