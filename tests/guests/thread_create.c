/*
 * thread_create: pthread_create and pthread_join at scale (64 threads,
 * distinct return values through return and pthread_exit), gettid in
 * every thread distinct from getpid, a thread that exits while several
 * others wait on it (one joins, the rest wait for the joiner), detached
 * threads, and a raw clone(2) thread whose CLONE_PARENT_SETTID,
 * CLONE_CHILD_SETTID and CLONE_CHILD_CLEARTID words are checked, the
 * last one waking a FUTEX_WAIT on it.  Only the main thread prints.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest.h"

#define NTHREADS	64
#define NWAITERS	4
#define NDETACHED	16
#define RAW_STACK	(64 * 1024)
#define MS		1000000L
#define FUTEX_WAIT	0	/* <linux/futex.h> is not in musl's tree */

struct worker {
	int idx;
	int tid;
	int pid;
};

static void *
worker(void *arg)
{
	struct worker *w = arg;

	w->tid = (int)SYS0(SYS_gettid);
	w->pid = (int)SYS0(SYS_getpid);
	if (w->idx % 2)
		pthread_exit((void *)(intptr_t)(w->idx * 7 + 3));
	return (void *)(intptr_t)(w->idx * 7 + 3);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * MS };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void
many_threads(void)
{
	static struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	int created = 0, joined = 0, values = 0, distinct = 1, pids = 1;
	int mypid = (int)SYS0(SYS_getpid);

	for (int i = 0; i < NTHREADS; i++) {
		w[i].idx = i;
		if (pthread_create(&th[i], NULL, worker, &w[i]) == 0)
			created++;
	}
	for (int i = 0; i < created; i++) {
		void *ret;

		if (pthread_join(th[i], &ret) != 0)
			continue;
		joined++;
		if (ret == (void *)(intptr_t)(i * 7 + 3))
			values++;
	}
	for (int i = 0; i < created; i++) {
		if (w[i].pid != mypid)
			pids = 0;
		if (w[i].tid <= 0 || w[i].tid == mypid)
			distinct = 0;
		for (int j = 0; j < i; j++)
			if (w[j].tid == w[i].tid)
				distinct = 0;
	}
	out("threads created: %d\n", created);
	out("threads joined: %d\n", joined);
	out("return values right: %d\n", values);
	check("gettid distinct in every thread and from getpid", distinct);
	check("getpid the same in every thread", pids);
}

/*
 * One thread exits while NWAITERS others wait on it: all meet it at a
 * barrier, then the first waiter joins it and the others wait on a
 * condition variable for the joiner's news.
 */
static pthread_barrier_t meet;
static pthread_mutex_t news_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t news_cond = PTHREAD_COND_INITIALIZER;
static int news_ready;
static intptr_t news_value;
static pthread_t target;
static intptr_t seen[NWAITERS];

static void *
exiting_target(void *arg)
{
	pthread_barrier_wait(&meet);
	sleep_ms(20);			/* let the waiters block first */
	return (void *)(intptr_t)4242;
}

static void *
waiter(void *arg)
{
	int idx = (int)(intptr_t)arg;
	void *ret = NULL;

	pthread_barrier_wait(&meet);
	if (idx == 0) {
		int rc = pthread_join(target, &ret);

		pthread_mutex_lock(&news_lock);
		news_value = rc == 0 ? (intptr_t)ret : -1;
		news_ready = 1;
		pthread_cond_broadcast(&news_cond);
		pthread_mutex_unlock(&news_lock);
	}
	pthread_mutex_lock(&news_lock);
	while (!news_ready)
		pthread_cond_wait(&news_cond, &news_lock);
	seen[idx] = news_value;
	pthread_mutex_unlock(&news_lock);
	return NULL;
}

static void
exit_while_waited(void)
{
	pthread_t w[NWAITERS];
	int ok = 1;

	pthread_barrier_init(&meet, NULL, NWAITERS + 1);
	if (pthread_create(&target, NULL, exiting_target, NULL) != 0) {
		check("exit while waited on: create", 0);
		return;
	}
	for (int i = 0; i < NWAITERS; i++)
		if (pthread_create(&w[i], NULL, waiter, (void *)(intptr_t)i))
			ok = 0;
	for (int i = 0; i < NWAITERS && ok; i++)
		pthread_join(w[i], NULL);
	for (int i = 0; i < NWAITERS && ok; i++)
		if (seen[i] != 4242)
			ok = 0;
	check("thread exits while 4 wait on it, all see its value", ok);
	pthread_barrier_destroy(&meet);
}

/* Detached threads: created detached, or detaching themselves. */
static pthread_mutex_t det_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t det_cond = PTHREAD_COND_INITIALIZER;
static int det_done;

static void *
detached(void *arg)
{
	if (arg != NULL)
		pthread_detach(pthread_self());
	pthread_mutex_lock(&det_lock);
	det_done++;
	pthread_cond_signal(&det_cond);
	pthread_mutex_unlock(&det_lock);
	return NULL;
}

static void
detached_threads(void)
{
	pthread_attr_t attr;
	pthread_t th;
	int created = 0, state = -1;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_getdetachstate(&attr, &state);
	check("attr detach state reads back", state == PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < NDETACHED; i++) {
		void *self_detach = (i % 2) ? (void *)1 : NULL;

		if (i % 4 == 2) {	/* joinable, detached by main */
			if (pthread_create(&th, NULL, detached, NULL) == 0 &&
			    pthread_detach(th) == 0)
				created++;
		} else if (pthread_create(&th, self_detach ? NULL : &attr,
		    detached, self_detach) == 0) {
			created++;
		}
	}
	pthread_attr_destroy(&attr);
	pthread_mutex_lock(&det_lock);
	while (det_done < created)
		pthread_cond_wait(&det_cond, &det_lock);
	pthread_mutex_unlock(&det_lock);
	out("detached threads finished: %d\n", det_done);
}

#define THREAD_FLAGS	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	CLONE_THREAD | CLONE_SYSVSEM)

static volatile int raw_child_tid;

static int
raw_child(void *arg)
{
	struct timespec ts = { 0, 50 * MS };

	raw_child_tid = (int)SYS0(SYS_gettid);
	SYS2(SYS_nanosleep, &ts, NULL);	/* the parent waits on ctid */
	return 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / MS;
}

static void
raw_clone_cleartid(void)
{
	static int ptid, ctid;
	struct timespec limit = { 10, 0 };
	char *stack = map_anon(NULL, RAW_STACK, PROT_READ | PROT_WRITE, 0);
	long tid, rc, t0;
	int v;

	if (stack == NULL) {
		check("raw clone: stack", 0);
		return;
	}
	tid = guest_raw_clone(THREAD_FLAGS | CLONE_PARENT_SETTID |
	    CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, stack + RAW_STACK,
	    &ptid, &ctid, raw_child, NULL);
	check("raw clone returns a tid", tid > 0);
	if (tid <= 0)
		return;
	check("CLONE_PARENT_SETTID wrote the tid", ptid == tid);
	/* The child writes ctid (in Linux, as it starts), then sleeps. */
	while (raw_child_tid == 0)
		sched_yield();
	check("CLONE_CHILD_SETTID wrote the tid", ctid == tid);
	t0 = now_ms();
	rc = 0;
	while ((v = __atomic_load_n(&ctid, __ATOMIC_ACQUIRE)) != 0) {
		/* Not FUTEX_PRIVATE: the kernel's exit wake-up is shared. */
		rc = SYS4(SYS_futex, &ctid, FUTEX_WAIT, v, &limit);
		if (rc == -ETIMEDOUT)
			break;
	}
	out("CLONE_CHILD_CLEARTID wait: %s\n",
	    rc == -ETIMEDOUT ? "timed out" : "woken");
	check("CLONE_CHILD_CLEARTID cleared the word", ctid == 0);
	check("child's gettid is the clone result", raw_child_tid == tid);
	check("woken well before the 10 s limit", now_ms() - t0 < 9000);
	SYS2(SYS_munmap, stack, RAW_STACK);
}

/* Clones Linux refuses before creating anything. */
static void
bad_clones(void)
{
	static int dummy;
	uint64_t args[11];

	expect_err("clone CLONE_THREAD without CLONE_SIGHAND",
	    SYS5(SYS_clone, CLONE_VM | CLONE_THREAD, &dummy, 0, 0, 0),
	    EINVAL);
	memset(args, 0, sizeof(args));
	expect_err("clone3 with size 0", SYS2(SYS_clone3, args, 0), EINVAL);
	expect_err("clone3 with a short size", SYS2(SYS_clone3, args, 32),
	    EINVAL);
}

int
main(void)
{
	check("main thread: gettid == getpid",
	    SYS0(SYS_gettid) == SYS0(SYS_getpid));
	many_threads();
	exit_while_waited();
	detached_threads();
	raw_clone_cleartid();
	bad_clones();
	check("main thread: gettid still == getpid",
	    SYS0(SYS_gettid) == SYS0(SYS_getpid));
	return finish();
}
