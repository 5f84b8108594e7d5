/*
 * thread_stress: 2000 thread create/exit cycles in batches of 50 (40
 * joined, 10 detached per batch), every one accounted for.  Each kernel
 * thread's memory (stacks, FPU area, bookkeeping) must come back:
 * tests/integration/threads.sh runs this in Cloister with the kernel
 * log and compares the free pages at entry and exit with those of a
 * short run (the argument sets the number of threads, a multiple of 50).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "guest.h"

#define BATCH		50
#define DETACHED	10		/* of each batch */

static long started, detached_done;

static void *
joinable(void *arg)
{
	__atomic_fetch_add(&started, 1, __ATOMIC_RELAXED);
	return (void *)((intptr_t)arg + 1);
}

static void *
detached(void *arg)
{
	__atomic_fetch_add(&started, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&detached_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int
main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 2000;
	long created = 0, joined = 0, failed = 0, ndetached = 0;
	long sum = 0, want = 0;
	pthread_attr_t det;
	pthread_t th[BATCH];

	pthread_attr_init(&det);
	pthread_attr_setdetachstate(&det, PTHREAD_CREATE_DETACHED);
	for (long base = 0; base < total; base += BATCH) {
		int n = 0;

		for (int i = 0; i < BATCH; i++) {
			intptr_t idx = base + i;

			if (i < DETACHED) {
				if (pthread_create(&th[0], &det, detached,
				    NULL) == 0)
					ndetached++;
				else
					failed++;
				continue;
			}
			if (pthread_create(&th[n], NULL, joinable,
			    (void *)idx) == 0) {
				n++;
				want += idx + 1;
			} else {
				failed++;
			}
		}
		for (int i = 0; i < n; i++) {
			void *ret;

			if (pthread_join(th[i], &ret) == 0) {
				joined++;
				sum += (intptr_t)ret;
			}
		}
		created += n;
		while (__atomic_load_n(&detached_done, __ATOMIC_ACQUIRE) <
		    ndetached)
			SYS0(SYS_sched_yield);
	}
	pthread_attr_destroy(&det);
	out("joinable threads created: %ld, joined: %ld\n", created, joined);
	out("detached threads created: %ld, finished: %ld\n", ndetached,
	    detached_done);
	out("threads that ran: %ld\n", started);
	out("pthread_create failures: %ld\n", failed);
	check("return values add up", sum == want);
	return finish();
}
