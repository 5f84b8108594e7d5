/*
 * kernel/futex.c on the host.  The mock's plat_block never sleeps: it
 * calls a hook that stands for "another thread runs now"; nesting hooks
 * models several sleepers at once (each nested futex_wait is one more
 * thread asleep), which is enough to check wake counts, bitsets,
 * requeueing and robust-list cleanup against guest memory (mock_user).
 */
#include "kernel/kernel.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/mock_user.h"

#define F1	0x100000ull
#define F2	0x100040ull

static int woken_by_hook, depth;
static void (*step[4])(void);

static void
hook(const uint32_t *word)
{
	int d = depth++;

	(void)word;
	if (d < 4 && step[d] != NULL)
		step[d]();
	depth--;
}

static void
put(uint64_t a, uint32_t v)
{
	plat_copy_to_user(a, &v, 4);
}

static uint32_t
get(uint64_t a)
{
	uint32_t v = 0;

	plat_copy_from_user(&v, a, 4);
	return v;
}

static void
fresh(void)
{
	static const struct plat_upcalls up = { .demand_fault = vm_demand_fault };

	mock_user_reset();
	vm_reset();
	plat_set_upcalls(&up);
	vm_mmap(F1 & ~0xfffull, 4096, PROT_READ | PROT_WRITE, VM_FIXED);
	put(F1, 0);
	put(F2, 0);
	mock_block_hook = hook;
	depth = 0;
	woken_by_hook = 0;
	for (int i = 0; i < 4; i++)
		step[i] = NULL;
}

static void
test_args(void)
{
	fresh();
	CHECK(futex_wait(F1, 1, 0, ~0u) == -EAGAIN);
	CHECK(futex_wait(F1 + 1, 0, 0, ~0u) == -EINVAL);
	CHECK(futex_wait(F1, 0, 0, 0) == -EINVAL);
	CHECK(futex_wait(0x7000000000ull, 0, 0, ~0u) == -EFAULT);
	CHECK(futex_wake(F1 + 2, 1, ~0u) == -EINVAL);
	CHECK(futex_wake(F1, 1, ~0u) == 0);		/* nobody waits */
	mock_block_hook = NULL;
	CHECK(futex_wait(F1, 0, 12345, ~0u) == -ETIMEDOUT);
}

static void
wake_one(void)
{
	woken_by_hook = futex_wake(F1, 1, ~0u);
}

static void
test_wait_wake(void)
{
	fresh();
	step[0] = wake_one;
	CHECK(futex_wait(F1, 0, 0, ~0u) == 0);
	CHECK(woken_by_hook == 1);
	CHECK(futex_wake(F1, 1, ~0u) == 0);		/* queue is empty */
}

static void
wake_other_bits(void)
{
	woken_by_hook = futex_wake(F1, 1, 0x2);
}

static void
test_bitset(void)
{
	fresh();
	step[0] = wake_other_bits;
	CHECK(futex_wait(F1, 0, 0, 0x1) == 0);	/* spurious return */
	CHECK(woken_by_hook == 0);
	CHECK(futex_wake(F1, 1, ~0u) == 0);		/* dequeued anyway */
}

/* Two sleepers on F1; the third "thread" requeues both to F2, wakes. */
static void
second_sleeper(void)
{
	CHECK(futex_wait(F1, 0, 0, ~0u) == 0);
}

static void
requeue_then_wake(void)
{
	CHECK(futex_requeue(F1, 0, 5, F2, true, 1) == -EAGAIN);
	CHECK(futex_requeue(F1, 0, 5, F2, true, 0) == 2);
	CHECK(futex_wake(F1, 5, ~0u) == 0);
	woken_by_hook = futex_wake(F2, 5, ~0u);
}

static void
test_requeue(void)
{
	fresh();
	step[0] = second_sleeper;
	step[1] = requeue_then_wake;
	CHECK(futex_wait(F1, 0, 0, ~0u) == 0);
	CHECK(woken_by_hook == 2);
}

static void
wake_op_now(void)
{
	/* op ADD 5 to F2, wake F2 sleepers if old value == 0. */
	uint32_t op = (1u << 28) | (0u << 24) | (5u << 12) | 0u;

	woken_by_hook = futex_wake_op(F1, 0, F2, 1, op);
}

static void
sleeper_on_f2(void)
{
	CHECK(futex_wait(F2, 0, 0, ~0u) == 0);
}

static void
test_wake_op(void)
{
	fresh();
	step[0] = sleeper_on_f2;
	step[1] = wake_op_now;
	CHECK(futex_wait(F1, 0, 0, ~0u) == 0);	/* spurious for F1 */
	CHECK(woken_by_hook == 1);
	CHECK(get(F2) == 5);
	CHECK(futex_wake_op(F1, 1, F2, 1, 7u << 28) == -ENOSYS);
	CHECK(futex_wake_op(F1, 1, F2 + 1, 1, 0) == -EINVAL);
}

static void
test_robust_list(void)
{
	uint64_t head = F1 + 0x100, a = F1 + 0x200, b = F1 + 0x300;
	uint64_t words[3];

	fresh();
	/* head -> a -> b -> head; futex word at entry + 8. */
	words[0] = a; words[1] = 8; words[2] = 0;
	plat_copy_to_user(head, words, sizeof(words));
	plat_copy_to_user(a, &b, 8);
	plat_copy_to_user(b, &head, 8);
	put(a + 8, 5 | 0x80000000u);	/* owned by tid 5, waiters */
	put(b + 8, 6);			/* owned by someone else */
	futex_exit_robust(head, 5);
	CHECK(get(a + 8) == (0x80000000u | 0x40000000u));
	CHECK(get(b + 8) == 6);
	/* A list that loops on itself ends at the limit. */
	plat_copy_to_user(b, &b, 8);
	put(b + 8, 5);
	futex_exit_robust(head, 5);
	CHECK(get(b + 8) == 0x40000000u);
	futex_exit_robust(0x7000000000ull, 5);	/* bad head: ignored */
}

int
main(void)
{
	harness_begin("futex");
	RUN(test_args);
	RUN(test_wait_wake);
	RUN(test_bitset);
	RUN(test_requeue);
	RUN(test_wake_op);
	RUN(test_robust_list);
	mock_user_reset();
	vm_reset();
	return harness_done();
}
