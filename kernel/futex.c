/*
 * Futexes: wait queues keyed by user address, on top of the platform's
 * plat_block/plat_wake.  Each waiter blocks on a word of its own (set
 * when it is woken), so requeueing only moves it between keys.
 *
 * The kernel is not preemptible and runs on one CPU, so reading the user
 * word and queueing the waiter happen with no other thread in between:
 * no wake-up can be lost.
 */
#include "kernel/internal.h"

#define FUTEX_BUCKETS	64
#define ROBUST_LIST_LIMIT	2048	/* as Linux: stop on a looping list */
#define FUTEX_WAITERS	0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK	0x3fffffffu

struct futex_waiter {
	uint64_t uaddr;
	const struct vm_space *space;	/* private futexes: per process */
	uint32_t bitset;
	uint32_t woken;		/* the word plat_block sleeps on */
	struct futex_waiter *prev, *next;
};

static struct futex_waiter *buckets[FUTEX_BUCKETS];

static unsigned
bucket(uint64_t uaddr)
{
	return (uaddr >> 2) % FUTEX_BUCKETS;
}

static void
enqueue(struct futex_waiter *w)
{
	struct futex_waiter **head = &buckets[bucket(w->uaddr)];

	/* Append: wake in FIFO order, as Linux does for equal priority. */
	w->next = NULL;
	w->prev = NULL;
	if (*head == NULL) {
		*head = w;
		return;
	}
	for (w->prev = *head; w->prev->next != NULL; w->prev = w->prev->next)
		;
	w->prev->next = w;
}

static void
dequeue(struct futex_waiter *w)
{
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		buckets[bucket(w->uaddr)] = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
}

int
futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline_ns,
    uint32_t bitset)
{
	struct futex_waiter w = { .uaddr = uaddr, .bitset = bitset,
	    .space = vm_space_current() };
	uint32_t cur;
	int rc;

	if ((uaddr & 3) != 0 || bitset == 0)
		return -EINVAL;
	if (plat_copy_from_user(&cur, uaddr, sizeof(cur)) != 0)
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	enqueue(&w);
	rc = plat_block(&w.woken, 0, deadline_ns);
	if (w.woken)
		return 0;		/* a wake-up wins over a timeout */
	dequeue(&w);
	return rc == -ETIMEDOUT || rc == -EINTR ? rc : 0;
}

/* Wake up to n waiters on uaddr whose bitset meets bitset. */
int
futex_wake(uint64_t uaddr, int n, uint32_t bitset)
{
	struct futex_waiter *w, *next;
	int woken = 0;

	if ((uaddr & 3) != 0 || bitset == 0)
		return -EINVAL;
	for (w = buckets[bucket(uaddr)]; w != NULL && woken < n; w = next) {
		next = w->next;
		if (w->uaddr != uaddr || w->space != vm_space_current() ||
		    !(w->bitset & bitset))
			continue;
		dequeue(w);
		w->woken = 1;
		plat_wake(&w->woken, 1);
		woken++;
	}
	return woken;
}

/*
 * Wake up to nwake waiters on uaddr and move up to nmove of the rest to
 * uaddr2.  With check, *uaddr must still equal val (else -EAGAIN).
 * Returns woken + moved, as Linux's futex_requeue.
 */
int
futex_requeue(uint64_t uaddr, int nwake, int nmove, uint64_t uaddr2,
    bool check, uint32_t val)
{
	struct futex_waiter *w, *next;
	uint32_t cur;
	int woken, moved = 0;

	if ((uaddr & 3) != 0 || (uaddr2 & 3) != 0 || nwake < 0 || nmove < 0)
		return -EINVAL;
	if (check) {
		if (plat_copy_from_user(&cur, uaddr, sizeof(cur)) != 0)
			return -EFAULT;
		if (cur != val)
			return -EAGAIN;
	}
	woken = futex_wake(uaddr, nwake, ~0u);
	if (uaddr == uaddr2)
		return woken;
	for (w = buckets[bucket(uaddr)]; w != NULL && moved < nmove; w = next) {
		next = w->next;
		if (w->uaddr != uaddr || w->space != vm_space_current())
			continue;
		dequeue(w);
		w->uaddr = uaddr2;
		enqueue(w);
		moved++;
	}
	return woken + moved;
}

/* FUTEX_WAKE_OP's operation and comparison (futex(2)). */
static int
wake_op_apply(uint32_t encoded, uint32_t old, uint32_t *newval, bool *cond)
{
	uint32_t op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	int32_t oparg = (int32_t)(encoded << 8) >> 20;
	int32_t cmparg = (int32_t)(encoded << 20) >> 20;

	if (encoded & (8u << 28))		/* FUTEX_OP_OPARG_SHIFT */
		oparg = (int32_t)(1u << (oparg & 31));	/* Linux masks it */
	switch (op) {
	case 0: *newval = (uint32_t)oparg; break;		/* SET */
	case 1: *newval = old + (uint32_t)oparg; break;		/* ADD */
	case 2: *newval = old | (uint32_t)oparg; break;		/* OR */
	case 3: *newval = old & ~(uint32_t)oparg; break;	/* ANDN */
	case 4: *newval = old ^ (uint32_t)oparg; break;		/* XOR */
	default: return -ENOSYS;
	}
	switch (cmp) {
	case 0: *cond = (int32_t)old == cmparg; break;
	case 1: *cond = (int32_t)old != cmparg; break;
	case 2: *cond = (int32_t)old < cmparg; break;
	case 3: *cond = (int32_t)old <= cmparg; break;
	case 4: *cond = (int32_t)old > cmparg; break;
	case 5: *cond = (int32_t)old >= cmparg; break;
	default: return -ENOSYS;	/* after the write, as Linux */
	}
	return 0;
}

int
futex_wake_op(uint64_t uaddr, int n, uint64_t uaddr2, int n2, uint32_t op)
{
	uint32_t old, newval;
	bool cond;
	int rc, woken;

	if ((uaddr & 3) != 0 || (uaddr2 & 3) != 0)
		return -EINVAL;
	if (plat_copy_from_user(&old, uaddr2, sizeof(old)) != 0)
		return -EFAULT;
	rc = wake_op_apply(op, old, &newval, &cond);
	if (rc == -ENOSYS && ((op >> 28) & 7) > 4)
		return rc;			/* unknown operation: no write */
	if (plat_copy_to_user(uaddr2, &newval, sizeof(newval)) != 0)
		return -EFAULT;
	if (rc != 0)
		return rc;			/* unknown comparison */
	woken = futex_wake(uaddr, n, ~0u);
	if (cond)
		woken += futex_wake(uaddr2, n2, ~0u);
	return woken;
}

/* One robust futex of a dying thread: mark the owner dead, wake one. */
static int
robust_release(uint64_t uaddr, uint32_t tid)
{
	uint32_t v, nv;

	if ((uaddr & 3) != 0 || plat_copy_from_user(&v, uaddr, 4) != 0)
		return -EFAULT;
	if ((v & FUTEX_TID_MASK) != tid)
		return 0;
	nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
	if (plat_copy_to_user(uaddr, &nv, 4) != 0)
		return -EFAULT;
	if (v & FUTEX_WAITERS)
		futex_wake(uaddr, 1, ~0u);
	return 0;
}

/*
 * Walk a dying thread's robust list (struct robust_list_head: next,
 * futex_offset, list_op_pending) like Linux's exit_robust_list: every
 * lock it still holds gets FUTEX_OWNER_DIED and wakes a waiter.  Bad
 * pointers just end the walk.
 */
void
futex_exit_robust(uint64_t head, uint32_t tid)
{
	struct {
		uint64_t next;
		int64_t offset;
		uint64_t pending;
	} h;
	uint64_t entry;

	if (head == 0 || plat_copy_from_user(&h, head, sizeof(h)) != 0)
		return;
	entry = h.next;
	for (int i = 0; entry != head && i < ROBUST_LIST_LIMIT; i++) {
		uint64_t next;

		if (plat_copy_from_user(&next, entry, sizeof(next)) != 0)
			return;
		if (entry != h.pending)
			robust_release(entry + (uint64_t)h.offset, tid);
		entry = next & ~1ull;	/* bit 0 marks a PI futex */
	}
	if (h.pending != 0)
		robust_release(h.pending + (uint64_t)h.offset, tid);
}
