/*
 * signal_thread_default: a signal whose default action is to terminate,
 * sent with pthread_kill to a thread that is not the main one, ends the
 * whole process (status 140, 128 + SIGUSR2) while the main thread waits
 * in pthread_join.
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "guest.h"

static void *
victim(void *arg)
{
	struct timespec ts = { 30, 0 };

	SYS2(SYS_nanosleep, &ts, NULL);
	out("victim woke up (it must not)\n");
	return NULL;
}

static void *
killer(void *arg)
{
	struct timespec ts = { 0, 50000000 };

	SYS2(SYS_nanosleep, &ts, NULL);
	out("killer: SIGUSR2 to the victim\n");
	pthread_kill(*(pthread_t *)arg, SIGUSR2);
	SYS2(SYS_nanosleep, &ts, NULL);
	out("killer survived (it must not)\n");
	return NULL;
}

int
main(void)
{
	pthread_t v, k;

	out("signal_thread_default: expected exit status 140 (SIGUSR2)\n");
	pthread_create(&v, NULL, victim, NULL);
	pthread_create(&k, NULL, killer, &v);
	pthread_join(v, NULL);
	out("main: the victim ended (it must not)\n");
	return 0;
}
