/*
 * thread_preempt: threads that never yield (no system call, no lock,
 * just a loop on memory) must not starve the others.  On one CPU only
 * a preempting scheduler lets this guest finish: without preemption
 * the first spinner keeps the CPU forever and the harness's timeout
 * ends the run.
 *
 *   - main and two workers make progress (system calls, mutexes, sleeps)
 *     while two spinners run;
 *   - a spinner waits, without yielding, for a counter that only
 *     another CPU-bound thread advances, and vice versa (ping-pong);
 *   - main, sleeping, is woken on time though spinners hold the CPU.
 * Nothing timed is printed; only that each step finished.
 */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "guest.h"

#define NSPIN		2
#define NWORK		2
#define WORK_ITERS	200
#define PINGS		20
#define MS		1000000L
#define NS		1000000000L

static volatile int stop;
static volatile unsigned long spins[NSPIN];

static void *
spinner(void *arg)
{
	int me = (int)(intptr_t)arg;

	while (!stop)
		spins[me]++;
	return NULL;
}

static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static long work_done;

static void *
worker(void *arg)
{
	struct timespec ts = { 0, MS };

	for (int i = 0; i < WORK_ITERS; i++) {
		SYS0(SYS_getpid);
		pthread_mutex_lock(&work_lock);
		work_done++;
		pthread_mutex_unlock(&work_lock);
		if (i % 50 == 0)
			SYS2(SYS_nanosleep, &ts, NULL);
	}
	return NULL;
}

/* Ping-pong between two CPU-bound threads: each waits by spinning. */
static volatile int ball;

static void *
player(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int i = 0; i < PINGS; i++) {
		while (ball % 2 != me)
			;
		ball++;
	}
	return NULL;
}

static long
now_ns(void)
{
	struct timespec ts;

	SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

int
main(void)
{
	pthread_t spin[NSPIN], work[NWORK], play[2];
	struct timespec ts = { 0, 20 * MS };
	long t0;
	int ok = 1;

	for (int i = 0; i < NSPIN; i++)
		if (pthread_create(&spin[i], NULL, spinner,
		    (void *)(intptr_t)i))
			ok = 0;
	check("spinners started", ok);

	/* Main itself: system calls and a sleep while the spinners run. */
	for (int i = 0; i < 100; i++)
		SYS0(SYS_getppid);
	t0 = now_ns();
	SYS2(SYS_nanosleep, &ts, NULL);
	check("main slept 20 ms beside two spinners",
	    now_ns() - t0 >= 20 * MS);

	for (int i = 0; i < NWORK; i++)
		pthread_create(&work[i], NULL, worker, NULL);
	for (int i = 0; i < NWORK; i++)
		pthread_join(work[i], NULL);
	out("workers beside spinners: %ld steps\n", work_done);

	for (int i = 0; i < 2; i++)
		pthread_create(&play[i], NULL, player, (void *)(intptr_t)i);
	for (int i = 0; i < 2; i++)
		pthread_join(play[i], NULL);
	out("ping-pong between spinning threads: %d passes\n", ball);

	/* The spinners ran too, not just the threads that made calls. */
	while (spins[0] == 0 || spins[1] == 0)
		;
	check("both spinners ran", spins[0] > 0 && spins[1] > 0);
	stop = 1;
	for (int i = 0; i < NSPIN; i++)
		pthread_join(spin[i], NULL);
	check("spinners stopped and joined", 1);
	return finish();
}
