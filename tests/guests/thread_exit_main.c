/*
 * thread_exit_main: the main thread leaves with pthread_exit while
 * another thread runs; the process goes on.  That thread joins the
 * main thread (woken by the main thread's exit), then calls exit(5):
 * atexit handlers run in it and the process ends with status 5.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "guest.h"

#define MS	1000000L

static pthread_t main_thread;

static void
at_exit(void)
{
	out("atexit handler ran\n");
}

static void *
survivor(void *arg)
{
	struct timespec ts = { 0, 20 * MS };
	void *ret = (void *)1;
	int rc;

	SYS2(SYS_nanosleep, &ts, NULL);
	rc = pthread_join(main_thread, &ret);
	out("survivor: joined the main thread: %s, value %s\n",
	    rc == 0 ? "ok" : errname(rc), ret == (void *)42 ? "42" : "other");
	SYS2(SYS_nanosleep, &ts, NULL);
	out("survivor: still running alone; exit(5)\n");
	exit(5);
}

int
main(void)
{
	pthread_t t;

	out("thread_exit_main: expected exit status 5 (exit in the last "
	    "thread)\n");
	atexit(at_exit);
	main_thread = pthread_self();
	if (pthread_create(&t, NULL, survivor, NULL) != 0) {
		out("pthread_create failed\n");
		return 1;
	}
	out("main: pthread_exit\n");
	pthread_exit((void *)42);
}
