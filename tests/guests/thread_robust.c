/*
 * thread_robust: robust mutexes whose owner dies holding them.
 *
 * Through libc: the next locker gets EOWNERDEAD, whether it tried after
 * the death or was already waiting; pthread_mutex_consistent makes the
 * mutex usable again; unlocked without it, the mutex is
 * ENOTRECOVERABLE.  (musl releases a dying thread's robust mutexes
 * itself; glibc leaves it to the kernel's robust-list walk.)
 *
 * Straight to the kernel: a raw clone(2) thread registers its own robust
 * list (set_robust_list) and exits holding futexes on it; the kernel
 * marks each FUTEX_OWNER_DIED, keeps FUTEX_WAITERS and wakes a waiter,
 * handles list_op_pending, and leaves alone a futex another thread owns.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "guest.h"

#define MS			1000000L
#define RAW_STACK		(64 * 1024)
#define FUTEX_WAIT		0
#define FUTEX_WAITERS		0x80000000u
#define FUTEX_OWNER_DIED	0x40000000u
#define FUTEX_TID_MASK		0x3fffffffu

static const char *
ename(int err)
{
	switch (err) {
	case 0: return "0";
	case EOWNERDEAD: return "EOWNERDEAD";
	case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
	case EBUSY: return "EBUSY";
	case EDEADLK: return "EDEADLK";
	default: return errname(err);
	}
}

static void
expect_rc(const char *what, int rc, int want)
{
	char label[160];

	snprintf(label, sizeof(label), "%s: %s", what, ename(rc));
	check(label, rc == want);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * MS };

	SYS2(SYS_nanosleep, &ts, NULL);
}

/* ---- Through libc ---- */

static pthread_mutex_t m;

static void *
die_holding(void *arg)
{
	int rc = pthread_mutex_lock(&m);

	if (arg != NULL)
		sleep_ms((long)(intptr_t)arg);	/* let main block on it */
	return (void *)(intptr_t)rc;
}

static void *
lock_from_thread(void *arg)
{
	int rc = pthread_mutex_lock(&m);

	if (rc == 0 || rc == EOWNERDEAD)
		pthread_mutex_unlock(&m);
	return (void *)(intptr_t)rc;
}

static void
libc_robust(void)
{
	pthread_mutexattr_t attr;
	pthread_t th;
	void *ret;
	int rc;

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m, &attr);

	pthread_create(&th, NULL, die_holding, NULL);
	pthread_join(th, &ret);
	expect_rc("owner locked the robust mutex", (int)(intptr_t)ret, 0);
	expect_rc("lock after the owner died", pthread_mutex_lock(&m),
	    EOWNERDEAD);
	expect_rc("pthread_mutex_consistent", pthread_mutex_consistent(&m),
	    0);
	expect_rc("unlock", pthread_mutex_unlock(&m), 0);
	expect_rc("lock again", pthread_mutex_lock(&m), 0);
	pthread_mutex_unlock(&m);

	/* Main already waits when the owner dies. */
	pthread_create(&th, NULL, die_holding, (void *)(intptr_t)100);
	while (pthread_mutex_trylock(&m) == 0) {
		pthread_mutex_unlock(&m);
		sched_yield();
	}
	rc = pthread_mutex_lock(&m);
	expect_rc("lock held by a thread that dies meanwhile", rc,
	    EOWNERDEAD);
	pthread_join(th, NULL);
	if (rc == EOWNERDEAD)
		pthread_mutex_consistent(&m);
	pthread_mutex_unlock(&m);
	pthread_create(&th, NULL, lock_from_thread, NULL);
	pthread_join(th, &ret);
	expect_rc("  ... another thread locks it after that",
	    (int)(intptr_t)ret, 0);

	/* Not made consistent: unusable for good. */
	pthread_create(&th, NULL, die_holding, NULL);
	pthread_join(th, NULL);
	expect_rc("lock after the owner died (again)", pthread_mutex_lock(&m),
	    EOWNERDEAD);
	expect_rc("unlock without pthread_mutex_consistent",
	    pthread_mutex_unlock(&m), 0);
	expect_rc("lock", pthread_mutex_lock(&m), ENOTRECOVERABLE);
	expect_rc("trylock", pthread_mutex_trylock(&m), ENOTRECOVERABLE);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&attr);
}

/* ---- Straight to the kernel ---- */

/* struct robust_list_head and the lock structure entries live in. */
struct robust_head {
	void *next;
	long futex_offset;
	void *list_op_pending;
};

struct rlock {
	void *next;
	uint32_t word;
};

#define THREAD_FLAGS	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID | \
	CLONE_CHILD_SETTID)

/*
 * The dying thread's locks: held (on the list), held with waiters,
 * held only as list_op_pending, on the list but owned by someone else.
 */
static struct robust_head head;
static struct rlock held, contended, pending, foreign;
static volatile int child_ready, child_release;
static long got_head, got_len;
static int ctid;

static int
robust_child(void *arg)
{
	uint32_t tid = (uint32_t)SYS0(SYS_gettid);
	long off = (long)offsetof(struct rlock, word) -
	    (long)offsetof(struct rlock, next);
	struct timespec ts = { 0, MS };

	held.word = tid;
	contended.word = tid;	/* main adds FUTEX_WAITERS and waits */
	pending.word = tid;
	foreign.word = 12345;
	head.next = &held;
	held.next = &contended;
	contended.next = &foreign;
	foreign.next = &head;
	head.futex_offset = off;
	head.list_op_pending = &pending;
	if (SYS2(SYS_set_robust_list, &head, sizeof(head)) != 0)
		return 1;
	SYS3(SYS_get_robust_list, 0, &got_head, &got_len);
	child_ready = 1;
	/*
	 * Alive until main has looked at this thread and set its waiter
	 * going (a fixed sleep lost the race on a busy host), 10 s at most.
	 */
	for (int i = 0; i < 10000 && !child_release; i++)
		SYS2(SYS_nanosleep, &ts, NULL);
	return 0;			/* SYS_exit, holding all of them */
}

static struct {
	long ret;
	volatile int done;
} cwait;

static void *
contended_waiter(void *arg)
{
	uint32_t v = __atomic_load_n(&contended.word, __ATOMIC_ACQUIRE);
	struct timespec limit = { 10, 0 };

	/* Shared (not private): the kernel's death wake-up is shared. */
	while (v & FUTEX_TID_MASK && !(v & FUTEX_OWNER_DIED)) {
		cwait.ret = SYS4(SYS_futex, &contended.word, FUTEX_WAIT, v,
		    &limit);
		if (cwait.ret == -ETIMEDOUT)
			break;
		v = __atomic_load_n(&contended.word, __ATOMIC_ACQUIRE);
	}
	cwait.done = 1;
	return NULL;
}

static void
kernel_robust(void)
{
	char *stack = map_anon(NULL, RAW_STACK, PROT_READ | PROT_WRITE, 0);
	struct timespec limit = { 10, 0 };
	pthread_t th;
	long tid, len = 0, hp = 0;
	int v;

	expect_err("set_robust_list with a wrong size",
	    SYS2(SYS_set_robust_list, &head, sizeof(head) + 8), EINVAL);
	expect_ok("get_robust_list of this thread",
	    SYS3(SYS_get_robust_list, 0, &hp, &len));
	expect_val("  ... length", len, (long)sizeof(head));
	if (stack == NULL)
		return;
	tid = guest_raw_clone(THREAD_FLAGS, stack + RAW_STACK, NULL, &ctid,
	    robust_child, NULL);
	if (tid <= 0) {
		check("raw clone", 0);
		return;
	}
	while (!child_ready)
		sched_yield();
	check("the thread's own get_robust_list", got_head == (long)&head &&
	    got_len == (long)sizeof(head));
	hp = 0;
	expect_ok("get_robust_list of that thread by tid",
	    SYS3(SYS_get_robust_list, tid, &hp, &len));
	check("  ... is its head", hp == (long)&head);
	expect_err("get_robust_list of no thread",
	    SYS3(SYS_get_robust_list, 999999, &hp, &len), ESRCH);
	__atomic_or_fetch(&contended.word, FUTEX_WAITERS, __ATOMIC_RELEASE);
	pthread_create(&th, NULL, contended_waiter, NULL);
	child_release = 1;
	while ((v = __atomic_load_n(&ctid, __ATOMIC_ACQUIRE)) != 0)
		if (SYS4(SYS_futex, &ctid, FUTEX_WAIT, v, &limit) ==
		    -ETIMEDOUT)
			break;
	pthread_join(th, NULL);
	out("held lock: %s\n", held.word == FUTEX_OWNER_DIED ?
	    "FUTEX_OWNER_DIED" : "not released");
	out("lock with waiters: %s\n",
	    contended.word == (FUTEX_OWNER_DIED | FUTEX_WAITERS) ?
	    "FUTEX_OWNER_DIED|FUTEX_WAITERS" : "not released");
	check("  ... its waiter was woken", cwait.done && cwait.ret == 0);
	out("list_op_pending lock: %s\n", pending.word == FUTEX_OWNER_DIED ?
	    "FUTEX_OWNER_DIED" : "not released");
	out("lock owned by another tid: %s\n", foreign.word == 12345 ?
	    "untouched" : "changed");
	SYS2(SYS_munmap, stack, RAW_STACK);
}

int
main(void)
{
	libc_robust();
	kernel_robust();
	return finish();
}
