/*
 * thread_tls: thread-local storage with several threads.  Each thread
 * gets its own copy of __thread variables, initialised from .tdata and
 * .tbss and kept across sleeps and preemption while others write
 * theirs; the thread pointer (%fs:0, ARCH_GET_FS) differs per thread;
 * errno is per thread; pthread_key_create destructors run at thread
 * exit with each thread's value (not for NULL values), also for a
 * thread that leaves by pthread_exit.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define NTHREADS	8
#define ARCH_GET_FS	0x1003
#define MS		1000000L

static __thread int tvar = 1234;
static __thread char tname[16] = "initial";
static __thread long tzero[256];

struct result {
	int init_ok;		/* saw the initial values */
	int kept;		/* its values survived the others' writes */
	int errno_ok;
	uintptr_t tp, fs, addr;
};

static struct result res[NTHREADS];
static pthread_barrier_t bar;

static uintptr_t
thread_pointer(void)
{
	uintptr_t tp;

	__asm__ volatile ("mov %%fs:0, %0" : "=r" (tp));
	return tp;
}

static int
zeroes(void)
{
	for (int i = 0; i < 256; i++)
		if (tzero[i] != 0)
			return 0;
	return 1;
}

static void *
tls_thread(void *arg)
{
	int me = (int)(intptr_t)arg;
	struct result *r = &res[me];
	struct timespec ts = { 0, MS };
	unsigned long fs = 0;

	r->init_ok = tvar == 1234 && strcmp(tname, "initial") == 0 &&
	    zeroes();
	r->tp = thread_pointer();
	SYS2(SYS_arch_prctl, ARCH_GET_FS, &fs);
	r->fs = fs;
	r->addr = (uintptr_t)&tvar;
	tvar = me * 100;
	tname[0] = (char)('a' + me);
	tzero[me] = me + 1;
	pthread_barrier_wait(&bar);	/* everyone has written theirs */
	for (int i = 0; i < 5; i++) {
		SYS2(SYS_nanosleep, &ts, NULL);
		for (volatile int spin = 0; spin < 200000; spin++)
			;
	}
	errno = 0;
	if (me % 2)
		(void)write(-1, "", 0);		/* EBADF in odd threads */
	pthread_barrier_wait(&bar);
	r->errno_ok = me % 2 ? errno == EBADF : errno == 0;
	r->kept = tvar == me * 100 && tname[0] == (char)('a' + me) &&
	    tzero[me] == me + 1;
	return NULL;
}

static void
per_thread_variables(void)
{
	pthread_t th[NTHREADS];
	int init = 1, kept = 1, err = 1, tp = 1, distinct = 1;

	tvar = -1;
	strcpy(tname, "main");
	pthread_barrier_init(&bar, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, tls_thread, (void *)(intptr_t)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	for (int i = 0; i < NTHREADS; i++) {
		init &= res[i].init_ok;
		kept &= res[i].kept;
		err &= res[i].errno_ok;
		tp &= res[i].tp == res[i].fs && res[i].tp != 0;
		for (int j = 0; j < i; j++)
			if (res[j].tp == res[i].tp ||
			    res[j].addr == res[i].addr)
				distinct = 0;
		if (res[i].tp == thread_pointer() ||
		    res[i].addr == (uintptr_t)&tvar)
			distinct = 0;
	}
	check("new threads see the initial TLS values", init);
	check("each thread keeps its own values", kept);
	check("errno is per thread", err);
	check("%fs:0 == ARCH_GET_FS in every thread", tp);
	check("thread pointers and variable addresses all distinct", distinct);
	check("main's values untouched", tvar == -1 &&
	    strcmp(tname, "main") == 0);
}

/* ---- Thread-specific data destructors ---- */

static pthread_key_t key;
static int dtor_calls, dtor_sum;
static pthread_mutex_t dtor_lock = PTHREAD_MUTEX_INITIALIZER;

static void
dtor(void *v)
{
	pthread_mutex_lock(&dtor_lock);
	dtor_calls++;
	dtor_sum += (int)(intptr_t)v;
	pthread_mutex_unlock(&dtor_lock);
}

static void *
key_thread(void *arg)
{
	int me = (int)(intptr_t)arg;

	if (me != 0)			/* thread 0 leaves its value NULL */
		pthread_setspecific(key, (void *)(intptr_t)me);
	if (pthread_getspecific(key) != (me ? (void *)(intptr_t)me : NULL))
		return (void *)1;
	if (me == 3)
		pthread_exit(NULL);
	return NULL;
}

static void
destructors(void)
{
	pthread_t th[NTHREADS];
	int bad = 0;

	pthread_key_create(&key, dtor);
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, key_thread, (void *)(intptr_t)i);
	for (int i = 0; i < NTHREADS; i++) {
		void *ret;

		pthread_join(th[i], &ret);
		bad |= ret != NULL;
	}
	check("pthread_getspecific per thread", !bad);
	out("destructor calls: %d (values 1..%d)\n", dtor_calls,
	    NTHREADS - 1);
	check("destructor values add up",
	    dtor_sum == (NTHREADS - 1) * NTHREADS / 2);
	check("main's value is its own", pthread_getspecific(key) == NULL);
	pthread_key_delete(key);
}

int
main(void)
{
	per_thread_variables();
	destructors();
	return finish();
}
