/*
 * thread_mutex: the libc synchronisation objects under contention, all
 * built on futexes: a mutex guarding a counter (exact total), trylock,
 * error-checking and recursive mutexes, a bounded producer/consumer
 * queue on condition variables, a timed condition wait that times out,
 * a barrier reused for several rounds, and a reader/writer lock whose
 * readers never see a half-done write.  Only the main thread prints.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "guest.h"

#define NINC		8		/* threads incrementing */
#define MINC		20000		/* increments each */
#define NPROD		2
#define NCONS		2
#define NITEMS		5000		/* per producer */
#define QSIZE		4
#define NBAR		6
#define ROUNDS		10
#define NREADERS	4
#define NWRITERS	2
#define WRITES		2000
#define READS		4000
#define MS		1000000L

/* expect_err for the errnos guest.c's table lacks: "WHAT: ENAME: ok". */
static void
expect_e(const char *what, long ret, int want)
{
	char label[160];
	const char *name;

	switch (-ret) {
	case ETIMEDOUT: name = "ETIMEDOUT"; break;
	case EDEADLK: name = "EDEADLK"; break;
	default: name = IS_ERR(ret) ? errname(ret) : "success"; break;
	}
	snprintf(label, sizeof(label), "%s: %s", what, name);
	check(label, ret == -want);
}

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *
incrementer(void *arg)
{
	for (int i = 0; i < MINC; i++) {
		pthread_mutex_lock(&count_lock);
		counter++;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

static void
run_threads(int n, void *(*fn)(void *), const char *what)
{
	pthread_t th[16];
	int created = 0;

	for (int i = 0; i < n; i++)
		if (pthread_create(&th[created], NULL, fn,
		    (void *)(intptr_t)i) == 0)
			created++;
	for (int i = 0; i < created; i++)
		pthread_join(th[i], NULL);
	if (created != n)
		out("%s: only %d of %d threads created\n", what, created, n);
}

static void
mutex_counter(void)
{
	run_threads(NINC, incrementer, "mutex counter");
	out("mutex counter: %ld (want %d)\n", counter, NINC * MINC);
	check("mutex counter exact", counter == NINC * MINC);
}

static void *
try_other(void *arg)
{
	return (void *)(intptr_t)pthread_mutex_trylock(arg);
}

static void
mutex_kinds(void)
{
	pthread_mutexattr_t attr;
	pthread_mutex_t m;
	pthread_t th;
	void *ret;

	pthread_mutex_lock(&count_lock);
	pthread_create(&th, NULL, try_other, &count_lock);
	pthread_join(th, &ret);
	expect_err("trylock of a mutex held by another thread",
	    -(intptr_t)ret, EBUSY);
	pthread_mutex_unlock(&count_lock);

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &attr);
	pthread_mutex_lock(&m);
	expect_e("errorcheck mutex relocked by its owner",
	    -pthread_mutex_lock(&m), EDEADLK);
	pthread_mutex_unlock(&m);
	expect_err("errorcheck mutex unlocked when not held",
	    -pthread_mutex_unlock(&m), EPERM);
	pthread_mutex_destroy(&m);

	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m, &attr);
	pthread_mutex_lock(&m);
	expect_ok("recursive mutex locked twice", -pthread_mutex_lock(&m));
	pthread_mutex_unlock(&m);
	pthread_create(&th, NULL, try_other, &m);
	pthread_join(th, &ret);
	expect_err("recursive mutex still held after one unlock",
	    -(intptr_t)ret, EBUSY);
	pthread_mutex_unlock(&m);
	pthread_create(&th, NULL, try_other, &m);
	pthread_join(th, &ret);
	expect_ok("recursive mutex free after two unlocks", -(intptr_t)ret);
	pthread_mutex_unlock(&m);	/* the other thread took it */
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&attr);
}

/* A bounded queue: producers wait while full, consumers while empty. */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_notfull = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_notempty = PTHREAD_COND_INITIALIZER;
static long queue[QSIZE];
static int q_head, q_len, q_producers_left = NPROD;
static long consumed_sum[NCONS], consumed_n[NCONS];

static void *
producer(void *arg)
{
	long base = (long)(intptr_t)arg * NITEMS;

	for (long i = 1; i <= NITEMS; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == QSIZE)
			pthread_cond_wait(&q_notfull, &q_lock);
		queue[(q_head + q_len++) % QSIZE] = base + i;
		pthread_cond_signal(&q_notempty);
		pthread_mutex_unlock(&q_lock);
	}
	pthread_mutex_lock(&q_lock);
	q_producers_left--;
	pthread_cond_broadcast(&q_notempty);
	pthread_mutex_unlock(&q_lock);
	return NULL;
}

static void *
consumer(void *arg)
{
	int me = (int)(intptr_t)arg - NPROD;

	for (;;) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 0 && q_producers_left > 0)
			pthread_cond_wait(&q_notempty, &q_lock);
		if (q_len == 0) {
			pthread_mutex_unlock(&q_lock);
			return NULL;
		}
		consumed_sum[me] += queue[q_head];
		consumed_n[me]++;
		q_head = (q_head + 1) % QSIZE;
		q_len--;
		pthread_cond_signal(&q_notfull);
		pthread_mutex_unlock(&q_lock);
	}
}

static void *
prod_or_cons(void *arg)
{
	return (intptr_t)arg < NPROD ? producer(arg) : consumer(arg);
}

static void
producer_consumer(void)
{
	long n = 0, sum = 0, total = (long)NPROD * NITEMS;

	run_threads(NPROD + NCONS, prod_or_cons, "producer/consumer");
	for (int i = 0; i < NCONS; i++) {
		n += consumed_n[i];
		sum += consumed_sum[i];
	}
	out("producer/consumer: %ld items consumed\n", n);
	check("producer/consumer: every item once (sum)",
	    sum == total * (total + 1) / 2);
}

static void
cond_timeout(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c;
	pthread_condattr_t ca;
	struct timespec ts;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c, &ca);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 20 * MS;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&m);
	do
		rc = pthread_cond_timedwait(&c, &m, &ts);
	while (rc == 0);		/* spurious wake-ups are allowed */
	pthread_mutex_unlock(&m);
	expect_e("cond_timedwait (CLOCK_MONOTONIC) with nobody signalling",
	    -rc, ETIMEDOUT);
	pthread_cond_destroy(&c);

	pthread_cond_init(&c, NULL);	/* CLOCK_REALTIME */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * MS;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&m);
	do
		rc = pthread_cond_timedwait(&c, &m, &ts);
	while (rc == 0);
	pthread_mutex_unlock(&m);
	expect_e("cond_timedwait (CLOCK_REALTIME) with nobody signalling",
	    -rc, ETIMEDOUT);
	pthread_cond_destroy(&c);
	pthread_condattr_destroy(&ca);
}

/* A barrier reused ROUNDS times: nobody passes before all arrived. */
static pthread_barrier_t bar;
static int phase[NBAR];
static int bar_bad, bar_serial;

static void *
barrier_thread(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int r = 1; r <= ROUNDS; r++) {
		phase[me] = r;
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_fetch_add(&bar_serial, 1, __ATOMIC_RELAXED);
		for (int i = 0; i < NBAR; i++)
			if (__atomic_load_n(&phase[i], __ATOMIC_RELAXED) < r)
				__atomic_store_n(&bar_bad, 1, __ATOMIC_RELAXED);
		pthread_barrier_wait(&bar);	/* nobody races ahead */
	}
	return NULL;
}

static void
barrier(void)
{
	pthread_barrier_init(&bar, NULL, NBAR);
	run_threads(NBAR, barrier_thread, "barrier");
	pthread_barrier_destroy(&bar);
	check("barrier: nobody passed early", !bar_bad);
	out("barrier: serial thread once per round: %d rounds\n", bar_serial);
}

/* Writers keep a == b under the write lock; readers check it. */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile long rw_a, rw_b;
static long rw_torn, rw_reads;

static void *
rw_thread(void *arg)
{
	int me = (int)(intptr_t)arg;
	long torn = 0, reads = 0;

	if (me < NWRITERS) {
		for (int i = 0; i < WRITES; i++) {
			pthread_rwlock_wrlock(&rw);
			rw_a++;
			for (volatile int d = 0; d < 20; d++)
				;
			rw_b++;
			pthread_rwlock_unlock(&rw);
		}
		return NULL;
	}
	/*
	 * A bounded number of reads: glibc's default rwlock prefers
	 * readers, so readers looping until the writers are done could
	 * starve them for good on one CPU.
	 */
	for (int i = 0; i < READS; i++) {
		pthread_rwlock_rdlock(&rw);
		if (rw_a != rw_b)
			torn++;
		reads++;
		pthread_rwlock_unlock(&rw);
	}
	__atomic_fetch_add(&rw_torn, torn, __ATOMIC_RELAXED);
	__atomic_fetch_add(&rw_reads, reads, __ATOMIC_RELAXED);
	return NULL;
}

static void *
rw_try(void *arg)
{
	int rd = pthread_rwlock_tryrdlock(&rw);
	int wr;

	if (rd == 0)
		pthread_rwlock_unlock(&rw);
	wr = pthread_rwlock_trywrlock(&rw);
	if (wr == 0)
		pthread_rwlock_unlock(&rw);
	return (void *)(intptr_t)(rd * 1000 + wr);
}

static void
rwlock(void)
{
	pthread_t th;
	void *ret;

	run_threads(NWRITERS + NREADERS, rw_thread, "rwlock");
	out("rwlock: writes %ld+%ld (want %d each), reads %ld\n", rw_a, rw_b,
	    NWRITERS * WRITES, rw_reads);
	check("rwlock: no reader saw a torn write", rw_torn == 0);
	pthread_rwlock_rdlock(&rw);
	pthread_create(&th, NULL, rw_try, NULL);
	pthread_join(th, &ret);
	pthread_rwlock_unlock(&rw);
	check("rwlock read-held: tryrdlock ok, trywrlock EBUSY",
	    (intptr_t)ret == EBUSY);
	pthread_rwlock_wrlock(&rw);
	pthread_create(&th, NULL, rw_try, NULL);
	pthread_join(th, &ret);
	pthread_rwlock_unlock(&rw);
	check("rwlock write-held: both trylocks EBUSY",
	    (intptr_t)ret == EBUSY * 1000 + EBUSY);
}

int
main(void)
{
	mutex_counter();
	mutex_kinds();
	producer_consumer();
	cond_timeout();
	barrier();
	rwlock();
	return finish();
}
