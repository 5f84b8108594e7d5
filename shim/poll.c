/*
 * Waiting for readiness: poll, ppoll, select, pselect6 and the epoll
 * calls.  poll and select ask every file each time round and sleep on
 * the readiness epoch between rounds; epoll keeps its ready list in
 * kernel/epoll.c.  Timeouts become absolute monotonic deadlines, and
 * ppoll, select and pselect6 write the time left back, as Linux does.
 * A wait ends with EINTR when file_wait says a signal interrupted it:
 * wait_interrupted() is the one place that decides.
 */
#include "shim/internal.h"

#define POLL_IN_SET	(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLL_OUT_SET	(POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLL_EX_SET	(POLLPRI)
#define EP_MAX_EVENTS	(INT32_MAX / 12)
#define EPOLL_CLOEXEC	O_CLOEXEC
#define NSEC		1000000000ull

struct pollfd_user {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

struct timespec_user {
	int64_t sec;
	int64_t nsec;
};

/* Packed on x86_64, as the kernel's struct epoll_event. */
struct epoll_event_user {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));
_Static_assert(sizeof(struct epoll_event_user) == 12, "epoll_event");

/* ---- Time and signals ---- */

/* A relative timespec as an absolute deadline (0: none); -EINVAL. */
static int
deadline_ts(const struct timespec_user *ts, uint64_t *deadline)
{
	uint64_t now = plat_now_ns();

	if (ts->sec < 0 || ts->nsec < 0 || (uint64_t)ts->nsec >= NSEC)
		return -EINVAL;
	if ((uint64_t)ts->sec >= (UINT64_MAX - now) / NSEC - 1)
		*deadline = 0;		/* far enough to be forever */
	else
		*deadline = now + (uint64_t)ts->sec * NSEC +
		    (uint64_t)ts->nsec;
	return 0;
}

/*
 * The optional user timespec at uts (0: none) of ppoll, pselect6 and
 * epoll_pwait2: its deadline, and whether it asks for one pass only
 * (a zero timeout).  -EFAULT or -EINVAL.
 */
static int
get_timeout(uint64_t uts, struct timespec_user *ts, uint64_t *deadline,
    bool *once)
{
	*deadline = 0;
	*once = false;
	if (uts == 0)
		return 0;
	if (plat_copy_from_user(ts, uts, sizeof(*ts)) != 0)
		return -EFAULT;
	if (deadline_ts(ts, deadline) != 0)
		return -EINVAL;
	*once = ts->sec == 0 && ts->nsec == 0;
	return 0;
}

static uint64_t
deadline_ms(int ms)
{
	if (ms < 0)
		return 0;
	return plat_now_ns() + (uint64_t)ms * 1000000ull;
}

/*
 * The remaining time of a wait that had a deadline (as Linux's
 * poll_select_finish: never negative).
 */
static struct timespec_user
remaining(uint64_t deadline)
{
	uint64_t now = plat_now_ns(), left = deadline > now ? deadline - now :
	    0;

	return (struct timespec_user){ (int64_t)(left / NSEC),
	    (int64_t)(left % NSEC) };
}

/*
 * Should a wait stop with EINTR?  rc is what file_wait said: -EINTR
 * when a signal interrupted the sleep or the console raised one (^C)
 * meanwhile.  Poll and select are not restarted after a handler (the
 * signal code restarts only the calls Linux restarts).
 */
static bool
wait_interrupted(int rc)
{
	return rc == -EINTR;
}

/*
 * The temporary signal mask of ppoll, pselect6 and epoll_pwait.  It is
 * restored on the way out unless a signal is to be delivered: then the
 * handler runs under it and sigreturn restores (restore_saved_mask).
 */
static int
mask_enter(uint64_t umask, uint64_t size)
{
	struct shim_thread *t = shim_thread_current();
	uint64_t mask;

	if (umask == 0)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (plat_copy_from_user(&mask, umask, sizeof(mask)) != 0)
		return -EFAULT;
	t->saved_sigmask = t->sigmask;
	t->restore_saved_mask = true;
	sig_set_mask(t, mask);
	return 0;
}

static void
mask_leave(uint64_t umask, long rc)
{
	struct shim_thread *t = shim_thread_current();

	if (umask == 0 || rc == -EINTR || !t->restore_saved_mask)
		return;
	sig_set_mask(t, t->saved_sigmask);
	t->restore_saved_mask = false;
}

/* ---- poll ---- */

static int
poll_scan(struct pollfd_user *p, uint64_t n)
{
	int count = 0;

	for (uint64_t i = 0; i < n; i++) {
		struct file *f;
		unsigned mask;

		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		f = fd_get(p[i].fd);
		if (f == NULL) {
			mask = POLLNVAL;
		} else {
			mask = file_poll(f) & ((uint16_t)p[i].events |
			    POLLERR | POLLHUP | POLLNVAL);
			file_put(f);
		}
		p[i].revents = (int16_t)mask;
		if (mask != 0)
			count++;
	}
	return count;
}

/* poll and ppoll: deadline 0 waits forever; once: do not wait. */
static long
do_poll(uint64_t ufds, uint64_t n, uint64_t deadline, bool once)
{
	struct pollfd_user *p = NULL;
	uint32_t seen;
	long rc;

	if (n > FD_LIMIT)
		return -EINVAL;
	if (n > 0) {
		p = kmalloc(n * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		if (plat_copy_from_user(p, ufds, n * sizeof(*p)) != 0) {
			kfree(p);
			return -EFAULT;
		}
	}
	for (;;) {
		seen = file_epoch();
		rc = poll_scan(p, n);
		if (rc > 0 || once)
			break;
		rc = file_wait(seen, deadline);
		if (rc == -ETIMEDOUT) {
			rc = 0;
			break;
		}
		if (wait_interrupted((int)rc)) {
			rc = -EINTR;
			break;
		}
	}
	if (rc >= 0 && n > 0 &&
	    plat_copy_to_user(ufds, p, n * sizeof(*p)) != 0)
		rc = -EFAULT;
	kfree(p);
	return rc;
}

/* restart_syscall: the rest of a poll a stop interrupted (its fds). */
static long
poll_restart(const struct shim_restart *b)
{
	long rc = do_poll(b->arg[0], b->arg[1], b->deadline, false);

	if (rc == -EINTR)
		sig_restart_block(poll_restart, b->deadline, b->arg[0],
		    b->arg[1]);
	return rc;
}

/*
 * As Linux's: a timed poll a stop interrupts keeps its deadline
 * (restart_syscall); ppoll and select restart with the time left.
 */
long
sys_poll(SYSCALL_ARGS)
{
	int ms = (int)a2;
	uint64_t deadline = deadline_ms(ms);
	long rc = do_poll(a0, (uint32_t)a1, deadline, ms == 0);

	if (rc == -EINTR && deadline != 0)
		sig_restart_block(poll_restart, deadline, a0, (uint32_t)a1);
	return rc;
}

long
sys_ppoll(SYSCALL_ARGS)
{
	struct timespec_user ts;
	uint64_t deadline;
	bool once;
	long rc;

	rc = get_timeout(a2, &ts, &deadline, &once);
	if (rc != 0)
		return rc;
	rc = mask_enter(a3, a4);
	if (rc != 0)
		return rc;
	rc = do_poll(a0, (uint32_t)a1, deadline, once);
	mask_leave(a3, rc);
	if (a2 != 0 && !once && deadline != 0) {
		ts = remaining(deadline);
		plat_copy_to_user(a2, &ts, sizeof(ts));
	}
	return rc;
}

/* ---- select ---- */

struct fdsets {
	uint64_t in[FD_LIMIT / 64], out[FD_LIMIT / 64], ex[FD_LIMIT / 64];
	uint64_t rin[FD_LIMIT / 64], rout[FD_LIMIT / 64], rex[FD_LIMIT / 64];
};

static bool
bit(const uint64_t *set, int fd)
{
	return (set[fd / 64] >> (fd % 64)) & 1;
}

static int
select_scan(struct fdsets *s, int n)
{
	int count = 0;

	memset(s->rin, 0, sizeof(s->rin) * 3);
	for (int fd = 0; fd < n; fd++) {
		bool i = bit(s->in, fd), o = bit(s->out, fd), e = bit(s->ex,
		    fd);
		struct file *f;
		unsigned mask;

		if (!i && !o && !e)
			continue;
		f = fd_get(fd);
		if (f == NULL)
			return -EBADF;
		mask = file_poll(f);
		file_put(f);
		if (i && (mask & POLL_IN_SET)) {
			s->rin[fd / 64] |= 1ull << (fd % 64);
			count++;
		}
		if (o && (mask & POLL_OUT_SET)) {
			s->rout[fd / 64] |= 1ull << (fd % 64);
			count++;
		}
		if (e && (mask & POLL_EX_SET)) {
			s->rex[fd / 64] |= 1ull << (fd % 64);
			count++;
		}
	}
	return count;
}

/* Copy a set in (NULL: empty); bytes is the size nfds covers. */
static int
set_in(uint64_t *set, uint64_t u, size_t bytes)
{
	memset(set, 0, FD_LIMIT / 8);
	if (u == 0)
		return 0;
	return plat_copy_from_user(set, u, bytes) ? -EFAULT : 0;
}

static int
set_out(uint64_t u, const uint64_t *set, size_t bytes)
{
	if (u == 0)
		return 0;
	return plat_copy_to_user(u, set, bytes) ? -EFAULT : 0;
}

static long
do_select(int n, uint64_t uin, uint64_t uout, uint64_t uex,
    uint64_t deadline, bool once)
{
	struct fdsets *s;
	size_t bytes;
	uint32_t seen;
	long rc;

	if (n < 0)
		return -EINVAL;
	if (n > FD_LIMIT)
		n = FD_LIMIT;		/* Linux: the table's size */
	bytes = (size_t)(n + 63) / 64 * 8;
	s = kmalloc(sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	if (set_in(s->in, uin, bytes) || set_in(s->out, uout, bytes) ||
	    set_in(s->ex, uex, bytes)) {
		kfree(s);
		return -EFAULT;
	}
	for (;;) {
		seen = file_epoch();
		rc = select_scan(s, n);
		if (rc != 0 || once)
			break;
		rc = file_wait(seen, deadline);
		if (rc == -ETIMEDOUT) {
			rc = 0;
			break;
		}
		if (wait_interrupted((int)rc)) {
			rc = -EINTR;
			break;
		}
	}
	if (rc >= 0 && (set_out(uin, s->rin, bytes) ||
	    set_out(uout, s->rout, bytes) || set_out(uex, s->rex, bytes)))
		rc = -EFAULT;
	kfree(s);
	return rc;
}

long
sys_select(SYSCALL_ARGS)
{
	struct { int64_t sec, usec; } tv;
	struct timespec_user ts;
	uint64_t deadline = 0;
	bool once = false;
	long rc;

	if (a4 != 0) {
		if (plat_copy_from_user(&tv, a4, sizeof(tv)) != 0)
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0)
			return -EINVAL;
		/* Linux folds whole seconds out of tv_usec. */
		ts.sec = tv.sec + tv.usec / 1000000;
		ts.nsec = (tv.usec % 1000000) * 1000;
		if (ts.sec < tv.sec || deadline_ts(&ts, &deadline) != 0)
			deadline = 0;
		once = ts.sec == 0 && ts.nsec == 0;
	}
	rc = do_select((int)a0, a1, a2, a3, deadline, once);
	if (a4 != 0 && !once && deadline != 0) {
		ts = remaining(deadline);
		tv.sec = ts.sec;
		tv.usec = ts.nsec / 1000;
		plat_copy_to_user(a4, &tv, sizeof(tv));
	}
	return rc;
}

long
sys_pselect6(SYSCALL_ARGS)
{
	struct timespec_user ts;
	struct { uint64_t set, size; } sig = { 0, 0 };
	uint64_t deadline;
	bool once;
	long rc;

	rc = get_timeout(a4, &ts, &deadline, &once);
	if (rc != 0)
		return rc;
	if (a5 != 0 && plat_copy_from_user(&sig, a5, sizeof(sig)) != 0)
		return -EFAULT;
	rc = mask_enter(sig.set, sig.size);
	if (rc != 0)
		return rc;
	rc = do_select((int)a0, a1, a2, a3, deadline, once);
	mask_leave(sig.set, rc);
	if (a4 != 0 && !once && deadline != 0) {
		ts = remaining(deadline);
		plat_copy_to_user(a4, &ts, sizeof(ts));
	}
	return rc;
}

/* ---- epoll ---- */

static long
new_epoll(bool cloexec)
{
	struct file *f;
	int rc = epoll_create(&f), fd;

	if (rc != 0)
		return rc;
	fd = fd_install(f, 0, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

long
sys_epoll_create(SYSCALL_ARGS)
{
	if ((int)a0 <= 0)
		return -EINVAL;
	return new_epoll(false);
}

long
sys_epoll_create1(SYSCALL_ARGS)
{
	if (a0 & ~(uint64_t)EPOLL_CLOEXEC)
		return -EINVAL;
	return new_epoll(a0 & EPOLL_CLOEXEC);
}

long
sys_epoll_ctl(SYSCALL_ARGS)
{
	struct epoll_event_user ev = { 0, 0 };
	struct file *ep, *f;
	long rc;

	if (a1 != EPOLL_CTL_DEL &&
	    plat_copy_from_user(&ev, a3, sizeof(ev)) != 0)
		return -EFAULT;
	ep = fd_get((int)a0);
	if (ep == NULL)
		return -EBADF;
	f = fd_get((int)a2);
	if (f == NULL) {
		file_put(ep);
		return -EBADF;
	}
	rc = epoll_ctl(ep, (int)a1, (int)a2, f, ev.events, ev.data);
	file_put(f);
	file_put(ep);
	return rc;
}

/* The three epoll_wait forms, with an absolute deadline (0: none). */
static long
do_epoll_wait(int epfd, uint64_t uev, int max, uint64_t deadline,
    bool once)
{
	struct epoll_kevent *kev;
	struct epoll_event_user out;
	struct file *ep;
	long n;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (uev >= USER_MAX || (uint64_t)max * sizeof(out) > USER_MAX - uev)
		return -EFAULT;
	ep = fd_get(epfd);
	if (ep == NULL)
		return -EBADF;
	if (!file_is_epoll(ep)) {
		file_put(ep);
		return -EINVAL;
	}
	if (max > 1024)
		max = 1024;	/* more come on the next call */
	kev = kmalloc((size_t)max * sizeof(*kev));
	if (kev == NULL) {
		file_put(ep);
		return -ENOMEM;
	}
	n = epoll_wait(ep, kev, max, deadline, once);
	for (long i = 0; i < n; i++) {
		out.events = kev[i].events;
		out.data = kev[i].data;
		if (plat_copy_to_user(uev + i * sizeof(out), &out,
		    sizeof(out)) != 0) {
			n = i > 0 ? i : -EFAULT;
			break;
		}
	}
	kfree(kev);
	file_put(ep);
	return n;
}

long
sys_epoll_wait(SYSCALL_ARGS)
{
	int ms = (int)a3;

	return do_epoll_wait((int)a0, a1, (int)a2, deadline_ms(ms), ms == 0);
}

long
sys_epoll_pwait(SYSCALL_ARGS)
{
	int ms = (int)a3;
	long rc = mask_enter(a4, a5);

	if (rc != 0)
		return rc;
	rc = do_epoll_wait((int)a0, a1, (int)a2, deadline_ms(ms), ms == 0);
	mask_leave(a4, rc);
	return rc;
}

long
sys_epoll_pwait2(SYSCALL_ARGS)
{
	struct timespec_user ts;
	uint64_t deadline;
	bool once;
	long rc;

	rc = get_timeout(a3, &ts, &deadline, &once);
	if (rc != 0)
		return rc;
	rc = mask_enter(a4, a5);
	if (rc != 0)
		return rc;
	rc = do_epoll_wait((int)a0, a1, (int)a2, deadline, once);
	mask_leave(a4, rc);
	return rc;
}
