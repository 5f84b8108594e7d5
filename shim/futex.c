/*
 * futex(2): argument decoding and timeouts; the queues are kernel/futex.c.
 * Priority-inheritance operations are not implemented (-ENOSYS, logged
 * once): glibc uses them only for PTHREAD_PRIO_INHERIT mutexes.
 */
#include "shim/internal.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_FD		2
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_LOCK_PI		6
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define NS_PER_S		1000000000ull

static bool pi_logged;

static bool
shim_user_word_ok(uint64_t uaddr)
{
	uint32_t v;

	return plat_copy_from_user(&v, uaddr, sizeof(v)) == 0;
}

/* Would Linux restart this futex call after a SA_RESTART handler? */
bool
futex_restartable(uint64_t op, uint64_t timeout)
{
	int cmd = (int)op & FUTEX_CMD_MASK;

	return (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET) &&
	    timeout == 0;
}

/* A user timespec as nanoseconds; -EINVAL if malformed. */
static int
get_timeout(uint64_t uts, uint64_t *ns)
{
	struct {
		int64_t sec, nsec;
	} ts;

	if (plat_copy_from_user(&ts, uts, sizeof(ts)) != 0)
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= NS_PER_S)
		return -EINVAL;
	if ((uint64_t)ts.sec > UINT64_MAX / NS_PER_S - 1)
		*ns = UINT64_MAX;
	else
		*ns = (uint64_t)ts.sec * NS_PER_S + (uint64_t)ts.nsec;
	return 0;
}

/*
 * The monotonic deadline for a wait: FUTEX_WAIT's timeout is relative;
 * FUTEX_WAIT_BITSET's is absolute, on CLOCK_REALTIME with
 * FUTEX_CLOCK_REALTIME, else CLOCK_MONOTONIC.  0 means no timeout.
 */
static int
wait_deadline(int cmd, int op, uint64_t uts, uint64_t *deadline)
{
	uint64_t t, now = plat_now_ns();
	int rc;

	*deadline = 0;
	if (uts == 0)
		return 0;
	rc = get_timeout(uts, &t);
	if (rc != 0)
		return rc;
	if (cmd == FUTEX_WAIT)
		*deadline = t > UINT64_MAX - now ? UINT64_MAX : now + t;
	else if (op & FUTEX_CLOCK_REALTIME) {
		uint64_t wall = plat_wallclock_ns();

		*deadline = t <= wall ? now : now + (t - wall);
	} else
		*deadline = t == 0 ? 1 : t;
	if (*deadline == 0)
		*deadline = 1;		/* already due, not "forever" */
	return 0;
}

/*
 * restart_syscall: the rest of a FUTEX_WAIT a stop interrupted, to its
 * first deadline (Linux's futex_wait_restart); arg: uaddr, val.
 */
static long
wait_restart(const struct shim_restart *b)
{
	int rc = futex_wait(b->arg[0], (uint32_t)b->arg[1], b->deadline, ~0u);

	if (rc == -EINTR)
		sig_restart_block(wait_restart, b->deadline, b->arg[0],
		    b->arg[1]);
	return rc;
}

long
sys_futex(SYSCALL_ARGS)
{
	int op = (int)a1, cmd = op & FUTEX_CMD_MASK;
	uint64_t deadline;
	uint32_t val = (uint32_t)a2;
	int rc;

	/* As Linux 6.x: the flag goes with WAIT_BITSET (and the PI waits). */
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		rc = wait_deadline(cmd, op, a3, &deadline);
		if (rc != 0)
			return rc;
		rc = futex_wait(a0, val, deadline,
		    cmd == FUTEX_WAIT ? ~0u : (uint32_t)a5);
		/* A relative wait keeps its deadline through a stop. */
		if (rc == -EINTR && cmd == FUTEX_WAIT && deadline != 0)
			sig_restart_block(wait_restart, deadline, a0, val);
		return rc;
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		/* A shared futex's key needs its page: unmapped is EFAULT. */
		if (!(op & FUTEX_PRIVATE_FLAG) && !shim_user_word_ok(a0))
			return (a0 & 3) ? -EINVAL : -EFAULT;
		return futex_wake(a0, (int)(val > INT32_MAX ? INT32_MAX : val),
		    cmd == FUTEX_WAKE ? ~0u : (uint32_t)a5);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(a0, (int)val, (int)a3, a4,
		    cmd == FUTEX_CMP_REQUEUE, (uint32_t)a5);
	case FUTEX_WAKE_OP:
		return futex_wake_op(a0, (int)val, a4, (int)a3, (uint32_t)a5);
	case FUTEX_FD:
		return -ENOSYS;		/* removed from Linux in 2.6.26 */
	default:
		if (!pi_logged && cmd >= FUTEX_LOCK_PI) {
			pi_logged = true;
			klog("shim: futex op %d (priority inheritance) not "
			    "implemented: ENOSYS", cmd);
		}
		return -ENOSYS;
	}
}
