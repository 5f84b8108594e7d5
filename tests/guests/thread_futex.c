/*
 * thread_futex: futex(2) through the raw system call.  Value mismatch
 * (EAGAIN), relative and absolute timeouts on CLOCK_MONOTONIC and
 * CLOCK_REALTIME, the EINVAL/EFAULT/ENOSYS cases, wake counts and FIFO
 * order, bitset selection, REQUEUE and CMP_REQUEUE counts, WAKE_OP's
 * arithmetic and every comparison, and a wait interrupted by a signal
 * handler with and without SA_RESTART.
 *
 * Waiters are threads; before waking them the main thread makes sure
 * they sleep in the kernel by counting them: a FUTEX_REQUEUE of every
 * waiter to a scratch word and back returns how many there are, without
 * waking any.  So every count printed is exact on any machine.
 *
 * With the argument "pi" it prints only the results of the priority-
 * inheritance operations (tests/integration/threads.sh expects ENOSYS
 * from Cloister; Linux implements them, so they are not compared).
 */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "guest.h"

/* <linux/futex.h> is not in musl's tree. */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_FD		2
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_LOCK_PI		6
#define FUTEX_UNLOCK_PI		7
#define FUTEX_TRYLOCK_PI	8
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_WAIT_REQUEUE_PI	11
#define FUTEX_CMP_REQUEUE_PI	12
#define FUTEX_LOCK_PI2		13
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | \
	(((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))
#define FUTEX_OP_SET		0
#define FUTEX_OP_ADD		1
#define FUTEX_OP_OR		2
#define FUTEX_OP_ANDN		3
#define FUTEX_OP_XOR		4
#define FUTEX_OP_OPARG_SHIFT	8
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP_CMP_NE		1
#define FUTEX_OP_CMP_LT		2
#define FUTEX_OP_CMP_LE		3
#define FUTEX_OP_CMP_GT		4
#define FUTEX_OP_CMP_GE		5

#define P		FUTEX_PRIVATE_FLAG
#define NS		1000000000L
#define MS		1000000L
#define MAXW		8

static long
futex(uint32_t *uaddr, int op, uint32_t val, long timeout_or_val2,
    uint32_t *uaddr2, uint32_t val3)
{
	return SYS6(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

/* expect_err for the errnos guest.c's table lacks: "WHAT: ENAME: ok". */
static const char *
ename(long ret)
{
	static char num[24];

	if (ret == -ETIMEDOUT)
		return "ETIMEDOUT";
	if (IS_ERR(ret))
		return errname(ret);
	snprintf(num, sizeof(num), "%ld", ret);
	return num;
}

static void
expect_e(const char *what, long ret, int want)
{
	char label[160];

	snprintf(label, sizeof(label), "%s: %s", what, ename(ret));
	check(label, ret == -want);
}

static long
now_ns(int clock)
{
	struct timespec ts;

	SYS2(SYS_clock_gettime, clock, &ts);
	return ts.tv_sec * NS + ts.tv_nsec;
}

static struct timespec
ts_of(long ns)
{
	struct timespec ts = { ns / NS, ns % NS };

	return ts;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = ts_of(ms * MS);

	SYS2(SYS_nanosleep, &ts, NULL);
}

/* ---- Waiter threads ---- */

struct waiter {
	uint32_t *word;
	int op;
	uint32_t val;
	uint32_t bitset;
	long timeout_ns;		/* relative, for FUTEX_WAIT; 0 = none */
	long ret;
	int done;
	pthread_t th;
};

static struct waiter ws[MAXW];
static int nws;
static uint32_t scratch;

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct timespec ts = ts_of(w->timeout_ns);

	w->ret = futex(w->word, w->op, w->val,
	    w->timeout_ns ? (long)&ts : 0, NULL, w->bitset);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Waiters on word without waking them: move all away and back.  priv
 * is FUTEX_PRIVATE_FLAG or 0: Linux keys private and shared waits apart.
 */
static long
count_waiters_as(uint32_t *word, int priv)
{
	long n = futex(word, FUTEX_REQUEUE | priv, 0, INT_MAX, &scratch, 0);

	futex(&scratch, FUTEX_REQUEUE | priv, 0, INT_MAX, word, 0);
	return n;
}

static long
count_waiters(uint32_t *word)
{
	return count_waiters_as(word, P);
}

/* Poll (10 s at most) until n threads wait on word; 1 if they do. */
static int
await_waiters(uint32_t *word, int priv, long n)
{
	for (int i = 0; i < 10000; i++) {
		if (count_waiters_as(word, priv) == n)
			return 1;
		sleep_ms(1);
	}
	out("waiters on a futex: never %ld\n", n);
	return 0;
}

/* Start a waiter and return once it sleeps in the kernel. */
static struct waiter *
start_waiter(uint32_t *word, int op, uint32_t bitset)
{
	struct waiter *w = &ws[nws++];
	long before = count_waiters_as(word, op & P);

	memset(w, 0, sizeof(*w));
	w->word = word;
	w->op = op;
	w->val = *word;
	w->bitset = bitset;
	if (pthread_create(&w->th, NULL, waiter_main, w) != 0) {
		out("pthread_create failed\n");
		w->done = 1;
		return w;
	}
	await_waiters(word, op & P, before + 1);
	return w;
}

/* Join every waiter; 1 if all returned 0 (woken). */
static int
join_waiters(void)
{
	int all_zero = 1;

	for (int i = 0; i < nws; i++) {
		pthread_join(ws[i].th, NULL);
		if (ws[i].ret != 0)
			all_zero = 0;
	}
	nws = 0;
	return all_zero;
}

/* Wait (10 s at most) until waiter w has returned. */
static int
await_done(struct waiter *w)
{
	for (int i = 0; i < 10000; i++) {
		if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
			return 1;
		sleep_ms(1);
	}
	return 0;
}

/* ---- Single-threaded cases ---- */

static void
mismatch_and_timeouts(void)
{
	uint32_t w = 1;
	struct timespec ts;
	long t0, ret;

	expect_err("FUTEX_WAIT, value differs", futex(&w, FUTEX_WAIT | P, 2,
	    0, NULL, 0), EAGAIN);
	expect_err("FUTEX_WAIT (shared), value differs", futex(&w, FUTEX_WAIT,
	    2, 0, NULL, 0), EAGAIN);
	expect_err("FUTEX_WAIT_BITSET, value differs", futex(&w,
	    FUTEX_WAIT_BITSET | P, 0, 0, NULL, ~0u), EAGAIN);

	ts = ts_of(10 * MS);
	t0 = now_ns(CLOCK_MONOTONIC);
	ret = futex(&w, FUTEX_WAIT | P, 1, (long)&ts, NULL, 0);
	expect_e("FUTEX_WAIT, relative 10 ms", ret, ETIMEDOUT);
	check("  ... waited at least 10 ms",
	    now_ns(CLOCK_MONOTONIC) - t0 >= 10 * MS);
	ts = ts_of(0);
	expect_e("FUTEX_WAIT, relative 0", futex(&w, FUTEX_WAIT | P, 1,
	    (long)&ts, NULL, 0), ETIMEDOUT);

	t0 = now_ns(CLOCK_MONOTONIC);
	ts = ts_of(t0 + 10 * MS);
	ret = futex(&w, FUTEX_WAIT_BITSET | P, 1, (long)&ts, NULL, ~0u);
	expect_e("FUTEX_WAIT_BITSET, absolute CLOCK_MONOTONIC +10 ms", ret,
	    ETIMEDOUT);
	check("  ... until the deadline",
	    now_ns(CLOCK_MONOTONIC) - t0 >= 10 * MS);
	ts = ts_of(t0 - 1000 * MS > 0 ? t0 - 1000 * MS : 0);
	expect_e("FUTEX_WAIT_BITSET, absolute CLOCK_MONOTONIC in the past",
	    futex(&w, FUTEX_WAIT_BITSET | P, 1, (long)&ts, NULL, ~0u),
	    ETIMEDOUT);

	t0 = now_ns(CLOCK_MONOTONIC);
	ts = ts_of(now_ns(CLOCK_REALTIME) + 10 * MS);
	ret = futex(&w, FUTEX_WAIT_BITSET | P | FUTEX_CLOCK_REALTIME, 1,
	    (long)&ts, NULL, ~0u);
	expect_e("FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, absolute +10 ms",
	    ret, ETIMEDOUT);
	check("  ... until the deadline",
	    now_ns(CLOCK_MONOTONIC) - t0 >= 10 * MS);
	ts = ts_of(now_ns(CLOCK_REALTIME) - 1000 * MS);
	expect_e("FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, in the past",
	    futex(&w, FUTEX_WAIT_BITSET | P | FUTEX_CLOCK_REALTIME, 1,
	    (long)&ts, NULL, ~0u), ETIMEDOUT);
}

static void
invalid_calls(void)
{
	static uint32_t words[2];
	char *bytes = (char *)words;
	uint32_t *unmapped = map_anon(NULL, PAGE, PROT_READ | PROT_WRITE, 0);
	struct timespec bad_ns = { 0, NS }, bad_sec = { -1, 0 };

	SYS2(SYS_munmap, unmapped, PAGE);
	expect_err("FUTEX_WAIT, misaligned", futex((uint32_t *)(bytes + 1),
	    FUTEX_WAIT | P, 0, 0, NULL, 0), EINVAL);
	expect_err("FUTEX_WAKE, misaligned", futex((uint32_t *)(bytes + 2),
	    FUTEX_WAKE | P, 1, 0, NULL, 0), EINVAL);
	expect_err("FUTEX_WAIT_BITSET, bitset 0", futex(words,
	    FUTEX_WAIT_BITSET | P, 0, 0, NULL, 0), EINVAL);
	expect_err("FUTEX_WAKE_BITSET, bitset 0", futex(words,
	    FUTEX_WAKE_BITSET | P, 1, 0, NULL, 0), EINVAL);
	expect_err("FUTEX_WAIT, tv_nsec 1e9", futex(words, FUTEX_WAIT | P, 0,
	    (long)&bad_ns, NULL, 0), EINVAL);
	expect_err("FUTEX_WAIT, tv_sec -1", futex(words, FUTEX_WAIT | P, 0,
	    (long)&bad_sec, NULL, 0), EINVAL);
	expect_err("FUTEX_REQUEUE, nr_requeue -1", futex(words,
	    FUTEX_REQUEUE | P, 0, -1, words + 1, 0), EINVAL);
	expect_err("FUTEX_CMP_REQUEUE, nr_wake -1", futex(words,
	    FUTEX_CMP_REQUEUE | P, -1, 1, words + 1, 0), EINVAL);
	expect_err("FUTEX_WAIT, unmapped word", futex(unmapped,
	    FUTEX_WAIT | P, 0, 0, NULL, 0), EFAULT);
	expect_err("FUTEX_WAIT, unmapped timeout", futex(words,
	    FUTEX_WAIT | P, 0, (long)unmapped, NULL, 0), EFAULT);
	/* A private wake needs no page; a shared one looks the page up. */
	expect_val("FUTEX_WAKE_PRIVATE, unmapped word", futex(unmapped,
	    FUTEX_WAKE | P, 1, 0, NULL, 0), 0);
	expect_err("FUTEX_WAKE (shared), unmapped word", futex(unmapped,
	    FUTEX_WAKE, 1, 0, NULL, 0), EFAULT);
	expect_err("FUTEX_CMP_REQUEUE, unmapped word", futex(unmapped,
	    FUTEX_CMP_REQUEUE | P, 0, 1, words, 0), EFAULT);
	expect_err("FUTEX_WAKE_OP, unmapped second word", futex(words,
	    FUTEX_WAKE_OP | P, 1, 1, unmapped, 0), EFAULT);
	expect_err("FUTEX_WAKE_OP, misaligned second word", futex(words,
	    FUTEX_WAKE_OP | P, 1, 1, (uint32_t *)(bytes + 5), 0), EINVAL);
	expect_err("FUTEX_FD (removed)", futex(words, FUTEX_FD, 0, 0, NULL,
	    0), ENOSYS);
	expect_err("futex op 20", futex(words, 20, 0, 0, NULL, 0), ENOSYS);
	/* Only FUTEX_WAIT_BITSET (and PI waits) take FUTEX_CLOCK_REALTIME. */
	expect_err("FUTEX_WAKE|FUTEX_CLOCK_REALTIME", futex(words,
	    FUTEX_WAKE | P | FUTEX_CLOCK_REALTIME, 1, 0, NULL, 0), ENOSYS);
	expect_err("FUTEX_WAIT|FUTEX_CLOCK_REALTIME", futex(words,
	    FUTEX_WAIT | P | FUTEX_CLOCK_REALTIME, 1, 0, NULL, 0), ENOSYS);
	expect_val("FUTEX_WAKE with no waiters", futex(words, FUTEX_WAKE | P,
	    INT_MAX, 0, NULL, 0), 0);
}

/* ---- Wake-ups ---- */

static void
wake_counts(void)
{
	static uint32_t w;
	struct waiter *a, *b, *c;

	a = start_waiter(&w, FUTEX_WAIT | P, 0);
	b = start_waiter(&w, FUTEX_WAIT | P, 0);
	c = start_waiter(&w, FUTEX_WAIT | P, 0);
	expect_val("waiters counted", count_waiters(&w), 3);
	expect_val("FUTEX_WAKE 1 of 3", futex(&w, FUTEX_WAKE | P, 1, 0, NULL,
	    0), 1);
	await_done(a);
	check("  ... the first to wait was woken", a->done && !b->done &&
	    !c->done);
	expect_val("FUTEX_WAKE 10 of 2", futex(&w, FUTEX_WAKE | P, 10, 0,
	    NULL, 0), 2);
	check("all three waiters returned 0", join_waiters());

	start_waiter(&w, FUTEX_WAIT, 0);
	expect_val("FUTEX_WAKE (shared) of a shared waiter", futex(&w,
	    FUTEX_WAKE, 1, 0, NULL, 0), 1);
	check("  ... it returned 0", join_waiters());
}

static void
wake_bitset(void)
{
	static uint32_t w;
	struct waiter *b1, *b2, *b4, *plain;

	b1 = start_waiter(&w, FUTEX_WAIT_BITSET | P, 1);
	b2 = start_waiter(&w, FUTEX_WAIT_BITSET | P, 2);
	b4 = start_waiter(&w, FUTEX_WAIT_BITSET | P, 4);
	plain = start_waiter(&w, FUTEX_WAIT | P, 0);	/* bitset: all */
	expect_val("FUTEX_WAKE_BITSET 0x100", futex(&w, FUTEX_WAKE_BITSET | P,
	    INT_MAX, 0, NULL, 0x100), 1);
	await_done(plain);
	check("  ... woke the FUTEX_WAIT waiter (bitset all) only",
	    plain->done && !b1->done && !b2->done && !b4->done);
	expect_val("FUTEX_WAKE_BITSET 2", futex(&w, FUTEX_WAKE_BITSET | P,
	    INT_MAX, 0, NULL, 2), 1);
	await_done(b2);
	check("  ... woke the bitset-2 waiter only",
	    b2->done && !b1->done && !b4->done);
	expect_val("FUTEX_WAKE_BITSET 5", futex(&w, FUTEX_WAKE_BITSET | P,
	    INT_MAX, 0, NULL, 5), 2);
	check("all bitset waiters returned 0", join_waiters());
}

static void
requeue(void)
{
	static uint32_t a, b;

	for (int i = 0; i < 4; i++)
		start_waiter(&a, FUTEX_WAIT | P, 0);
	expect_val("FUTEX_REQUEUE wake 1, move 2 (woken + moved)", futex(&a,
	    FUTEX_REQUEUE | P, 1, 2, &b, 0), 3);
	await_done(&ws[0]);
	expect_val("  waiters left on the first word", count_waiters(&a), 1);
	expect_val("  waiters now on the second word", count_waiters(&b), 2);
	expect_err("FUTEX_CMP_REQUEUE, value differs", futex(&a,
	    FUTEX_CMP_REQUEUE | P, 1, 1, &b, 7), EAGAIN);
	expect_val("  ... nothing moved", count_waiters(&a), 1);
	expect_val("FUTEX_CMP_REQUEUE wake 0, move all", futex(&a,
	    FUTEX_CMP_REQUEUE | P, 0, INT_MAX, &b, 0), 1);
	expect_val("  waiters now on the second word", count_waiters(&b), 3);
	expect_val("FUTEX_CMP_REQUEUE wake 1, move 1 (woken + moved)",
	    futex(&b, FUTEX_CMP_REQUEUE | P, 1, 1, &a, 0), 2);
	expect_val("FUTEX_WAKE the rest of the second word", futex(&b,
	    FUTEX_WAKE | P, INT_MAX, 0, NULL, 0), 1);
	expect_val("FUTEX_WAKE the rest of the first word", futex(&a,
	    FUTEX_WAKE | P, INT_MAX, 0, NULL, 0), 1);
	check("all requeued waiters returned 0", join_waiters());
}

static void
wake_op_arith(void)
{
	static const struct {
		const char *name;
		uint32_t op;
		uint32_t want;
	} cases[] = {
		{ "SET 9", FUTEX_OP(FUTEX_OP_SET, 9, 0, 0), 9 },
		{ "ADD 3", FUTEX_OP(FUTEX_OP_ADD, 3, 0, 0), 12 },
		{ "ADD -2 (sign-extended)", FUTEX_OP(FUTEX_OP_ADD, -2, 0, 0),
		    10 },
		{ "OR 0x30", FUTEX_OP(FUTEX_OP_OR, 0x30, 0, 0), 0x3a },
		{ "ANDN 0x12", FUTEX_OP(FUTEX_OP_ANDN, 0x12, 0, 0), 0x28 },
		{ "XOR 0xff", FUTEX_OP(FUTEX_OP_XOR, 0xff, 0, 0), 0xd7 },
		{ "OR 1<<8 (OPARG_SHIFT)", FUTEX_OP(FUTEX_OP_OR |
		    FUTEX_OP_OPARG_SHIFT, 8, 0, 0), 0x1d7 },
		{ "SET 1<<31 (OPARG_SHIFT)", FUTEX_OP(FUTEX_OP_SET |
		    FUTEX_OP_OPARG_SHIFT, 31, 0, 0), 0x80000000u },
	};
	static uint32_t w1, w2 = 5;
	char label[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long ret = futex(&w1, FUTEX_WAKE_OP | P, 1, 1, &w2,
		    cases[i].op);

		snprintf(label, sizeof(label), "FUTEX_WAKE_OP %s",
		    cases[i].name);
		expect_val(label, ret, 0);
		out("  second word: %#x\n", w2);
		check("  ... as computed", w2 == cases[i].want);
	}
	w2 = 5;
	expect_err("FUTEX_WAKE_OP, op 6", futex(&w1, FUTEX_WAKE_OP | P, 1, 1,
	    &w2, FUTEX_OP(6, 1, 0, 0)), ENOSYS);
	out("  second word: %#x\n", w2);
	/*
	 * Linux applies the operation before it looks at the comparison,
	 * and masks an out-of-range shift to 5 bits (with a log line).
	 */
	expect_err("FUTEX_WAKE_OP, comparison 6", futex(&w1,
	    FUTEX_WAKE_OP | P, 1, 1, &w2, FUTEX_OP(FUTEX_OP_ADD, 1, 6, 0)),
	    ENOSYS);
	out("  second word: %#x\n", w2);
	expect_val("FUTEX_WAKE_OP, OPARG_SHIFT by 40", futex(&w1,
	    FUTEX_WAKE_OP | P, 1, 1, &w2, FUTEX_OP(FUTEX_OP_OR |
	    FUTEX_OP_OPARG_SHIFT, 40, 0, 0)), 0);
	out("  second word: %#x\n", w2);
}

/* One waiter on w2 (and one on w1); the comparison decides w2's. */
static void
wake_op_cmp(void)
{
	static const struct {
		const char *name;
		int cmp, arg;
		int woken;		/* with the old value 10 */
	} cases[] = {
		{ "EQ 10", FUTEX_OP_CMP_EQ, 10, 1 },
		{ "EQ 11", FUTEX_OP_CMP_EQ, 11, 0 },
		{ "NE 10", FUTEX_OP_CMP_NE, 10, 0 },
		{ "NE 3", FUTEX_OP_CMP_NE, 3, 1 },
		{ "LT 11", FUTEX_OP_CMP_LT, 11, 1 },
		{ "LT 10", FUTEX_OP_CMP_LT, 10, 0 },
		{ "LE 10", FUTEX_OP_CMP_LE, 10, 1 },
		{ "LE 9", FUTEX_OP_CMP_LE, 9, 0 },
		{ "GT 9", FUTEX_OP_CMP_GT, 9, 1 },
		{ "GT 10", FUTEX_OP_CMP_GT, 10, 0 },
		{ "GE 10", FUTEX_OP_CMP_GE, 10, 1 },
		{ "GE 11", FUTEX_OP_CMP_GE, 11, 0 },
		{ "LT -1 (signed)", FUTEX_OP_CMP_LT, -1, 0 },
	};
	static uint32_t w1, w2;
	char label[96];
	int all = 1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long ret;

		w2 = 10;
		start_waiter(&w1, FUTEX_WAIT | P, 0);
		start_waiter(&w2, FUTEX_WAIT | P, 0);
		ret = futex(&w1, FUTEX_WAKE_OP | P, 1, 1, &w2,
		    FUTEX_OP(FUTEX_OP_SET, 20, cases[i].cmp, cases[i].arg));
		snprintf(label, sizeof(label), "FUTEX_WAKE_OP SET 20 if old %s",
		    cases[i].name);
		expect_val(label, ret, 1 + cases[i].woken);
		if (w2 != 20)
			all = 0;
		futex(&w2, FUTEX_WAKE | P, 1, 0, NULL, 0);
		if (!join_waiters())
			all = 0;
	}
	check("FUTEX_WAKE_OP: word set and waiters returned 0 each time", all);
}

/* ---- Signals ---- */

static volatile int handled;

static void
on_usr1(int sig)
{
	handled++;
}

static void
set_handler(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigaction(SIGUSR1, &sa, NULL);
}

/*
 * Linux returns ERESTARTSYS from an untimed wait (restarted under
 * SA_RESTART, else EINTR) and ERESTART_RESTARTBLOCK from a timed one
 * (EINTR whenever a handler runs).
 */
static void
interrupted(const char *what, int flags, long timeout_ns)
{
	static uint32_t w;
	struct waiter *x;
	const char *res;

	set_handler(flags);
	handled = 0;
	w = 0;
	x = &ws[nws++];
	memset(x, 0, sizeof(*x));
	x->word = &w;
	x->op = FUTEX_WAIT | P;
	x->timeout_ns = timeout_ns;
	pthread_create(&x->th, NULL, waiter_main, x);
	await_waiters(&w, P, 1);
	pthread_kill(x->th, SIGUSR1);
	/* Back to sleep (restarted), or returned. */
	for (int i = 0; i < 10000 && !__atomic_load_n(&x->done,
	    __ATOMIC_ACQUIRE); i++) {
		if (handled && count_waiters(&w) == 1)
			break;
		sleep_ms(1);
	}
	if (!x->done) {
		w = 1;
		futex(&w, FUTEX_WAKE | P, 1, 0, NULL, 0);
	}
	pthread_join(x->th, NULL);
	nws = 0;
	res = x->ret == -EINTR ? "EINTR" : x->ret == 0 ? "restarted" :
	    ename(x->ret);
	out("%s: %s, handler ran %d time(s)\n", what, res, handled);
}

static void
signals(void)
{
	interrupted("FUTEX_WAIT interrupted, SA_RESTART handler", SA_RESTART,
	    0);
	interrupted("FUTEX_WAIT interrupted, handler without SA_RESTART", 0,
	    0);
	interrupted("FUTEX_WAIT with a timeout interrupted, SA_RESTART handler",
	    SA_RESTART, 30 * NS);
}

static void
pi_ops(void)
{
	static uint32_t w, w2;
	struct timespec ts = ts_of(0);

	out("FUTEX_LOCK_PI: %s\n", ename(futex(&w, FUTEX_LOCK_PI | P, 0, 0,
	    NULL, 0)));
	out("FUTEX_UNLOCK_PI: %s\n", ename(futex(&w, FUTEX_UNLOCK_PI | P, 0,
	    0, NULL, 0)));
	out("FUTEX_TRYLOCK_PI: %s\n", ename(futex(&w, FUTEX_TRYLOCK_PI | P,
	    0, 0, NULL, 0)));
	out("FUTEX_LOCK_PI2: %s\n", ename(futex(&w, FUTEX_LOCK_PI2 | P, 0,
	    0, NULL, 0)));
	w = 0;
	out("FUTEX_WAIT_REQUEUE_PI: %s\n", ename(futex(&w,
	    FUTEX_WAIT_REQUEUE_PI | P, 1, (long)&ts, &w2, ~0u)));
	out("FUTEX_CMP_REQUEUE_PI: %s\n", ename(futex(&w,
	    FUTEX_CMP_REQUEUE_PI | P, 1, 0, &w2, 0)));
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "pi") == 0) {
		pi_ops();
		return 0;
	}
	mismatch_and_timeouts();
	invalid_calls();
	wake_counts();
	wake_bitset();
	requeue();
	wake_op_arith();
	wake_op_cmp();
	signals();
	return finish();
}
