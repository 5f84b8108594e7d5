/*
 * thread_exit_group: exit_group(7) from a thread that is not the main
 * one ends the whole process with status 7 while the main thread waits
 * in pthread_join, another thread in FUTEX_WAIT and a third in a long
 * nanosleep.  exit_group runs no atexit handler.  See thread_exit_main
 * for the main thread leaving first.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "guest.h"

#define MS	1000000L

static uint32_t never;

static void
at_exit(void)
{
	out("atexit handler ran (it must not)\n");
}

static void *
futex_waiter(void *arg)
{
	for (;;)
		SYS4(SYS_futex, &never, 128 /* FUTEX_WAIT_PRIVATE */, 0, NULL);
	return NULL;
}

static void *
sleeper(void *arg)
{
	struct timespec ts = { 60, 0 };

	SYS2(SYS_nanosleep, &ts, NULL);
	out("sleeper woke up (it must not)\n");
	return NULL;
}

static void *
ender(void *arg)
{
	struct timespec ts = { 0, 50 * MS };

	SYS2(SYS_nanosleep, &ts, NULL);	/* the others block first */
	out("thread: exit_group(7)\n");
	SYS1(SYS_exit_group, 7);
	out("thread: exit_group returned\n");
	return NULL;
}

int
main(void)
{
	pthread_t a, b, c;

	out("thread_exit_group: expected exit status 7 (exit_group in a "
	    "thread)\n");
	atexit(at_exit);
	if (pthread_create(&a, NULL, futex_waiter, NULL) != 0 ||
	    pthread_create(&b, NULL, sleeper, NULL) != 0 ||
	    pthread_create(&c, NULL, ender, NULL) != 0) {
		out("pthread_create failed\n");
		return 1;
	}
	out("main: joining the thread that ends the process\n");
	pthread_join(c, NULL);
	out("main: pthread_join returned (it must not)\n");
	return 0;
}
