/*
 * Timers: alarm, setitimer/getitimer, the POSIX timers (timer_create
 * and friends), timerfd's syscalls, CPU-time accounting, and setting
 * the wall clock (clock_settime, settimeofday).
 *
 * Every timer is a kernel timer (kernel/ktimer.c) on the monotonic or
 * the wall clock; one on a CPU-time clock is armed for the monotonic
 * time at which the CPU time could first reach its expiry (one CPU: it
 * cannot advance faster) and checks again when that comes.  As on
 * Linux, a periodic timer that sent a signal stops until the signal is
 * taken, then moves forward by whole intervals from its previous expiry
 * (timer_signal_taken): skipped expiries become si_overrun, and nothing
 * drifts.  ITIMER_VIRTUAL and ITIMER_PROF both count the process's CPU
 * time (the kernel's share is not told apart from the guest's).
 *
 * Timers belong to a process (struct proc_timers, made at its first
 * timer call): their signals go to it, a fork's child starts with none,
 * execve keeps the interval timers and deletes the POSIX ones, and the
 * process's end stops and frees them all (POSIX fork, exec, _exit).
 */
#include "shim/internal.h"

#define NSEC_PER_SEC	1000000000ull
#define NSEC_PER_USEC	1000ull
#define TICK_NS		4000000ull	/* a jiffy at HZ=250 */
#define TIMER_ABSTIME	1
#define TIMERS_MAX	4096		/* as RLIMIT_SIGPENDING: EAGAIN */
#define TIME_SETTOD_SEC_MAX	(9223372036ll - 946080000ll)

#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD	2
#define SIGEV_THREAD_ID	4

#define ITIMER_REAL	0
#define ITIMER_VIRTUAL	1
#define ITIMER_PROF	2
#define SIGVTALRM	26
#define SIGPROF		27

#define TFD_NONBLOCK	O_NONBLOCK
#define TFD_CLOEXEC	O_CLOEXEC

struct linux_sigevent {
	uint64_t value;			/* union sigval */
	int32_t signo, notify;
	int32_t tid;			/* sigev_notify_thread_id */
	int32_t pad[11];
};

struct linux_itimerspec {
	struct linux_timespec interval, value;
};

struct linux_itimerval {
	struct linux_timeval interval, value;
};

_Static_assert(sizeof(struct linux_sigevent) == 64, "struct sigevent");
_Static_assert(sizeof(struct linux_itimerspec) == 32, "struct itimerspec");
_Static_assert(sizeof(struct linux_itimerval) == 32, "struct itimerval");

/* What a timer's expiry is measured in. */
enum tbase { TB_MONO, TB_REAL, TB_PCPU, TB_TCPU };
#define TB_ALARM	(-1000)	/* the alarm clocks: no wake-up RTC here */

struct ptimer {
	struct ktimer kt;		/* first: kt's callback finds us */
	struct ptimer *next;		/* timer_create's timers */
	int id;				/* timer id; -1 for the itimers */
	enum tbase base;
	int clock;			/* CLOCK_* */
	int notify, signo, tid;		/* the sigevent */
	uint64_t value;			/* sigev_value */
	uint64_t expires;		/* in base's time; 0: disarmed */
	uint64_t interval;
	bool waiting;			/* its signal is queued */
	uint32_t seq;			/* bumped by settime and delete */
	int64_t overrun, overrun_last;
	struct shim_thread *owner;	/* TB_TCPU: whose CPU time */
	struct shim_proc *proc;		/* whose timer: gets the signals */
};

/* A process's timers. */
struct proc_timers {
	struct ptimer *timers;		/* timer_create's */
	int ntimers, next_id;
	struct ptimer real, cpu[2];	/* ITIMER_REAL, VIRTUAL, PROF */
};

static int32_t sys_tz[2];		/* settimeofday's zone */

/* ---- CPU time ---- */

uint64_t
timer_proc_cpu_ns(const struct shim_proc *p)
{
	uint64_t sum = p->cpu_dead_ns;

	for (struct shim_thread *t = shim_thread_first(); t != NULL;
	    t = t->next)
		if (t->proc == p && !t->cpu_gone)
			sum += plat_thread_cpu_ns(t->pt);
	return sum;
}

uint64_t
timer_cpu_ns(struct shim_thread *t)
{
	if (t != NULL)
		return plat_thread_cpu_ns(t->pt);
	return timer_proc_cpu_ns(shim_proc_cur());
}

static uint64_t
base_now(const struct ptimer *p)
{
	switch (p->base) {
	case TB_REAL:
		return plat_wallclock_ns();
	case TB_PCPU:
		return timer_proc_cpu_ns(p->proc);
	case TB_TCPU:
		return p->owner != NULL ? timer_cpu_ns(p->owner) : 0;
	default:
		return plat_now_ns();
	}
}

/* ---- Arming and expiry ---- */

static void
arm(struct ptimer *p)
{
	uint64_t now;

	if (p->expires == 0 || p->notify == SIGEV_NONE ||
	    (p->base == TB_TCPU && p->owner == NULL)) {
		ktimer_cancel(&p->kt);
		return;
	}
	switch (p->base) {
	case TB_MONO:
		ktimer_arm(&p->kt, p->expires, false);
		break;
	case TB_REAL:
		ktimer_arm(&p->kt, p->expires, true);
		break;
	default:
		now = base_now(p);
		ktimer_arm(&p->kt, plat_now_ns() +
		    (p->expires > now ? p->expires - now : 0), false);
		break;
	}
}

static void
disarm(struct ptimer *p)
{
	ktimer_cancel(&p->kt);
	p->expires = 0;
	p->waiting = false;
}

/* Send p's signal: 1 queued, 0 dropped (ignored or no room). */
static int
send(struct ptimer *p)
{
	struct ksiginfo ki = { .signo = p->signo, .code = SI_KERNEL };

	if (p->id >= 0) {
		ki.code = SI_TIMER;
		ki.timerid = p->id;
		ki.value = p->value;
		ki.timer_seq = p->seq;
	}
	return sig_send_timer(p->proc, p->notify == SIGEV_THREAD_ID ?
	    p->tid : 0, &ki) > 0;
}

static void
expired(struct ktimer *kt, uint64_t mono)
{
	struct ptimer *p = (struct ptimer *)kt;
	uint64_t now = base_now(p);

	if (now < p->expires) {		/* CPU time not there yet */
		arm(p);
		return;
	}
	if (p->id < 0 && p->base == TB_PCPU) {	/* VIRTUAL or PROF */
		/*
		 * check_cpu_itimer: reload at once, no overrun, at most one
		 * signal per check (Linux checks at each tick).
		 */
		if (p->interval == 0)
			p->expires = 0;
		else if (ktimer_forward(&p->expires, now, p->interval) != 0 &&
		    p->expires < now + TICK_NS)
			p->expires = now + TICK_NS;
		send(p);
		arm(p);
		return;
	}
	if (send(p)) {
		p->waiting = p->interval != 0;
		return;			/* re-armed when the signal is taken */
	}
	/*
	 * Ignored: a periodic timer keeps its rhythm without signals,
	 * looked at no more than once a tick (a 1 ns interval must not
	 * flood the CPU with interrupts).
	 */
	if (p->interval != 0 &&
	    ktimer_forward(&p->expires, now, p->interval) != 0) {
		arm(p);
		if (p->kt.armed && p->kt.key < mono + TICK_NS)
			ktimer_arm(&p->kt, mono + TICK_NS, false);
	}
}

/* Move a stopped periodic timer past now; returns the skipped count. */
static uint64_t
forward(struct ptimer *p)
{
	return ktimer_forward(&p->expires, base_now(p), p->interval);
}

/*
 * The calling process's timers; made at the first call with make (0:
 * none yet, or no memory).  Only syscalls make them: the alarm upcall
 * never allocates.
 */
static struct proc_timers *
timers_of(bool make)
{
	struct shim_proc *p = shim_proc_cur();
	struct proc_timers *pt = p->timers;

	if (pt != NULL || !make)
		return pt;
	pt = kzalloc(sizeof(*pt));
	if (pt == NULL)
		return NULL;
	pt->real = (struct ptimer){ .kt.fn = expired, .id = -1,
	    .base = TB_MONO, .signo = SIGALRM, .proc = p };
	pt->cpu[0] = (struct ptimer){ .kt.fn = expired, .id = -1,
	    .base = TB_PCPU, .signo = SIGVTALRM, .proc = p };
	pt->cpu[1] = pt->cpu[0];
	pt->cpu[1].signo = SIGPROF;
	p->timers = pt;
	return pt;
}

static struct ptimer *
timer_find(int id)
{
	struct proc_timers *pt = timers_of(false);

	for (struct ptimer *p = pt != NULL ? pt->timers : NULL; p != NULL;
	    p = p->next) {
		if (p->id == id)
			return p;
	}
	return NULL;
}

bool
timer_signal_taken(struct ksiginfo *ki)
{
	struct proc_timers *pt = timers_of(false);
	struct ptimer *p;

	if (ki->signo == SIGALRM && pt != NULL && pt->real.interval != 0 &&
	    pt->real.waiting) {
		pt->real.waiting = false;
		forward(&pt->real);
		arm(&pt->real);
	}
	if (ki->code != SI_TIMER)
		return true;
	p = timer_find(ki->timerid);
	if (p == NULL || p->seq != ki->timer_seq)
		return false;
	if (p->interval == 0 || !p->waiting)
		return true;
	p->waiting = false;
	p->overrun += (int64_t)forward(p);
	arm(p);
	p->overrun_last = p->overrun;
	p->overrun = -1;
	p->seq++;
	ki->overrun = p->overrun_last > INT32_MAX ? INT32_MAX :
	    (int32_t)p->overrun_last;
	return true;
}

void
timer_thread_gone(struct shim_thread *t)
{
	struct proc_timers *pt = t->proc != NULL ? t->proc->timers : NULL;

	if (t->cpu_gone)
		return;
	t->cpu_gone = true;
	if (t->proc != NULL)
		t->proc->cpu_dead_ns += plat_thread_cpu_ns(t->pt);
	for (struct ptimer *p = pt != NULL ? pt->timers : NULL; p != NULL;
	    p = p->next) {
		if (p->owner == t) {
			p->owner = NULL;
			ktimer_cancel(&p->kt);
		}
	}
}

/* Delete p's POSIX timers; their queued signals are dropped when taken. */
static void
delete_posix(struct proc_timers *pt)
{
	struct ptimer *p;

	while ((p = pt->timers) != NULL) {
		pt->timers = p->next;
		ktimer_cancel(&p->kt);
		kfree(p);
	}
	pt->ntimers = 0;
}

void
timer_exec(struct shim_proc *p)
{
	if (p->timers != NULL)
		delete_posix(p->timers);
}

void
timer_proc_gone(struct shim_proc *p)
{
	struct proc_timers *pt = p->timers;

	if (pt == NULL)
		return;
	delete_posix(pt);
	ktimer_cancel(&pt->real.kt);
	ktimer_cancel(&pt->cpu[0].kt);
	ktimer_cancel(&pt->cpu[1].kt);
	kfree(pt);
	p->timers = NULL;
}

/* ---- User values ---- */

/* timespec64_valid: 0 <= tv_nsec < 1e9, tv_sec >= 0. */
static int
ts_to_ns(const struct linux_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || (uint64_t)ts->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec >= INT64_MAX / NSEC_PER_SEC)
		*ns = INT64_MAX;	/* KTIME_MAX */
	else
		*ns = ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
	return 0;
}

static struct linux_timespec
ns_to_ts(uint64_t ns)
{
	return (struct linux_timespec){ ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };
}

static struct linux_timeval
ns_to_tv(uint64_t ns)
{
	return (struct linux_timeval){ ns / NSEC_PER_SEC,
	    ns % NSEC_PER_SEC / NSEC_PER_USEC };
}

static int
get_itimerspec(uint64_t u, struct ktimerspec *out)
{
	struct linux_itimerspec its;

	if (plat_copy_from_user(&its, u, sizeof(its)) != 0)
		return -EFAULT;
	if (ts_to_ns(&its.value, &out->value) != 0 ||
	    ts_to_ns(&its.interval, &out->interval) != 0)
		return -EINVAL;
	return 0;
}

static int
put_itimerspec(uint64_t u, const struct ktimerspec *v)
{
	struct linux_itimerspec its = {
		.interval = ns_to_ts(v->interval),
		.value = ns_to_ts(v->value),
	};

	return plat_copy_to_user(u, &its, sizeof(its)) != 0 ? -EFAULT : 0;
}

/* ---- setitimer, getitimer, alarm ---- */

static struct ptimer *
itimer(struct proc_timers *pt, int which)
{
	return which == ITIMER_REAL ? &pt->real : &pt->cpu[which - 1];
}

/* itimer_get_remtime and get_cpu_itimer; none set yet: zeros. */
static void
itimer_get(struct proc_timers *pt, int which, struct ktimerspec *v)
{
	struct ptimer *p;
	uint64_t now;

	v->interval = v->value = 0;
	if (pt == NULL)
		return;
	p = itimer(pt, which);
	now = base_now(p);
	v->interval = p->interval;
	if (which == ITIMER_REAL) {
		if (p->kt.armed)
			v->value = p->expires > now ? p->expires - now :
			    NSEC_PER_USEC;
	} else if (p->expires != 0) {
		v->value = p->expires > now ? p->expires - now : TICK_NS;
	}
}

static void
itimer_set(struct proc_timers *pt, int which, const struct ktimerspec *v,
    struct ktimerspec *old)
{
	struct ptimer *p = itimer(pt, which);

	itimer_get(pt, which, old);
	ktimer_cancel(&p->kt);
	p->waiting = false;
	if (which == ITIMER_REAL) {
		p->interval = v->value != 0 ? v->interval : 0;
		p->expires = v->value != 0 ? plat_now_ns() + v->value : 0;
	} else {
		/* set_cpu_itimer: a tick later; the interval is kept. */
		p->interval = v->interval;
		p->expires = v->value != 0 ?
		    base_now(p) + v->value + TICK_NS : 0;
	}
	arm(p);
}

long
sys_getitimer(SYSCALL_ARGS)
{
	struct ktimerspec v;
	struct linux_itimerval itv;

	if (a0 > ITIMER_PROF)
		return -EINVAL;
	itimer_get(timers_of(false), (int)a0, &v);
	itv.interval = ns_to_tv(v.interval);
	itv.value = ns_to_tv(v.value);
	return plat_copy_to_user(a1, &itv, sizeof(itv)) != 0 ? -EFAULT : 0;
}

/* A NULL new value disarms (Linux warns once and accepts it). */
long
sys_setitimer(SYSCALL_ARGS)
{
	struct linux_itimerval itv;
	struct linux_timespec val, ivl;
	struct ktimerspec v = { 0, 0 }, old;
	struct proc_timers *pt;

	if (a1 != 0) {
		if (plat_copy_from_user(&itv, a1, sizeof(itv)) != 0)
			return -EFAULT;
		val = (struct linux_timespec){ itv.value.tv_sec,
		    itv.value.tv_usec * (int64_t)NSEC_PER_USEC };
		ivl = (struct linux_timespec){ itv.interval.tv_sec,
		    itv.interval.tv_usec * (int64_t)NSEC_PER_USEC };
		if (ts_to_ns(&val, &v.value) != 0 ||
		    ts_to_ns(&ivl, &v.interval) != 0)
			return -EINVAL;
	}
	if (a0 > ITIMER_PROF)
		return -EINVAL;
	if ((pt = timers_of(true)) == NULL)
		return -ENOMEM;
	itimer_set(pt, (int)a0, &v, &old);
	if (a2 == 0)
		return 0;
	itv.interval = ns_to_tv(old.interval);
	itv.value = ns_to_tv(old.value);
	return plat_copy_to_user(a2, &itv, sizeof(itv)) != 0 ? -EFAULT : 0;
}

/* Rounds the old alarm to the nearest second, never down to 0. */
long
sys_alarm(SYSCALL_ARGS)
{
	struct ktimerspec v = { (uint32_t)a0 * NSEC_PER_SEC, 0 }, old;
	struct proc_timers *pt = timers_of(true);
	uint64_t sec, nsec;

	if (pt == NULL)
		return -ENOMEM;		/* Linux's alarm cannot fail */
	itimer_set(pt, ITIMER_REAL, &v, &old);
	sec = old.value / NSEC_PER_SEC;
	nsec = old.value % NSEC_PER_SEC;
	if ((sec == 0 && nsec != 0) || nsec >= NSEC_PER_SEC / 2)
		sec++;
	return (long)sec;
}

/* ---- POSIX timers ---- */

/*
 * The clock's base, -EINVAL for no clock, -EOPNOTSUPP for a clock with
 * no timers (the raw and coarse ones), as Linux's k_clock table.
 */
static int
timer_base(int clock)
{
	switch (clock) {
	case CLOCK_REALTIME: case CLOCK_TAI:
		return TB_REAL;
	case CLOCK_MONOTONIC: case CLOCK_BOOTTIME:
		return TB_MONO;
	case CLOCK_PROCESS_CPUTIME_ID:
		return TB_PCPU;
	case CLOCK_THREAD_CPUTIME_ID:
		return TB_TCPU;
	case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;
	case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:
		return TB_ALARM;
	default:
		return -EINVAL;
	}
}

/* good_sigevent: SIGEV_THREAD is the kernel's SIGEV_SIGNAL. */
static int
sigevent_check(const struct linux_sigevent *ev)
{
	struct shim_thread *t;

	switch (ev->notify) {
	case SIGEV_THREAD_ID:
		t = ev->tid > 0 ? shim_thread_find(ev->tid) : NULL;
		if (t == NULL || t->proc != shim_proc_cur())
			return -EINVAL;	/* same_thread_group */
		/* FALLTHROUGH */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (ev->signo <= 0 || ev->signo > NSIG)
			return -EINVAL;
		/* FALLTHROUGH */
	case SIGEV_NONE:
		return 0;
	default:
		return -EINVAL;
	}
}

static int
alloc_id(struct proc_timers *pt)
{
	int id = pt->next_id;

	while (timer_find(id) != NULL)
		id = (id + 1) & INT32_MAX;
	pt->next_id = (id + 1) & INT32_MAX;
	return id;
}

long
sys_timer_create(SYSCALL_ARGS)
{
	struct linux_sigevent ev = { .notify = SIGEV_SIGNAL, .signo = SIGALRM };
	struct proc_timers *pt;
	struct ptimer *p;
	int base = timer_base((int)a0), rc;
	int32_t id;

	if (a1 != 0 && plat_copy_from_user(&ev, a1, sizeof(ev)) != 0)
		return -EFAULT;
	if (base < 0 && base != TB_ALARM)
		return base;
	if ((pt = timers_of(true)) == NULL || pt->ntimers >= TIMERS_MAX)
		return -EAGAIN;
	p = kzalloc(sizeof(*p));
	if (p == NULL)
		return -EAGAIN;
	id = alloc_id(pt);
	if (a1 == 0)
		ev.value = (uint32_t)id;	/* sival_int = the id */
	rc = sigevent_check(&ev);
	if (rc == 0 && ev.notify == SIGEV_THREAD_ID &&
	    sig_prepare(shim_thread_find(ev.tid)) != 0)
		rc = -EAGAIN;
	if (rc == 0 && plat_copy_to_user(a2, &id, sizeof(id)) != 0)
		rc = -EFAULT;
	if (rc == 0 && base == TB_ALARM)
		rc = -EOPNOTSUPP;	/* alarm_timer_create: no RTC device */
	if (rc != 0) {
		kfree(p);
		return rc;
	}
	p->kt.fn = expired;
	p->id = id;
	p->base = base;
	p->clock = (int)a0;
	p->notify = ev.notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev.notify;
	p->signo = ev.signo;
	p->tid = ev.tid;
	p->value = ev.value;
	p->overrun = -1;
	p->proc = shim_proc_cur();
	if (base == TB_TCPU)
		p->owner = shim_thread_current();
	p->next = pt->timers;
	pt->timers = p;
	pt->ntimers++;
	return 0;
}

/* common_timer_get. */
static void
ptimer_get(struct ptimer *p, struct ktimerspec *cur)
{
	uint64_t now;

	cur->value = 0;
	cur->interval = p->interval;
	if (p->interval == 0 && p->notify != SIGEV_NONE && !p->kt.armed)
		return;			/* disarmed or fired */
	if (p->interval != 0 && (p->waiting || p->notify == SIGEV_NONE))
		p->overrun += (int64_t)forward(p);
	now = base_now(p);
	if (p->expires > now)
		cur->value = p->expires - now;
	else if (p->notify != SIGEV_NONE)
		cur->value = 1;		/* about to fire */
}

long
sys_timer_gettime(SYSCALL_ARGS)
{
	struct ptimer *p = timer_find((int)a0);
	struct ktimerspec cur;

	if (p == NULL)
		return -EINVAL;
	ptimer_get(p, &cur);
	return put_itimerspec(a1, &cur);
}

long
sys_timer_settime(SYSCALL_ARGS)
{
	struct ptimer *p;
	struct ktimerspec v, old;
	uint64_t now;
	int rc;

	if (a2 == 0)
		return -EINVAL;
	rc = get_itimerspec(a2, &v);
	if (rc != 0)
		return rc;
	p = timer_find((int)a0);
	if (p == NULL)
		return -EINVAL;
	ptimer_get(p, &old);
	disarm(p);
	p->seq++;
	p->interval = v.value != 0 ? v.interval : 0;
	p->overrun = -1;
	p->overrun_last = 0;
	if (v.value != 0) {
		p->base = timer_base(p->clock);
		if (p->base == TB_REAL && !((int)a1 & TIMER_ABSTIME))
			p->base = TB_MONO;	/* relative: hrtimer's rule */
		now = base_now(p);
		p->expires = ((int)a1 & TIMER_ABSTIME) ? v.value :
		    now + v.value;
		if (p->expires == 0)
			p->expires = 1;
		arm(p);
	}
	return a3 != 0 ? put_itimerspec(a3, &old) : 0;
}

long
sys_timer_getoverrun(SYSCALL_ARGS)
{
	struct ptimer *p = timer_find((int)a0);

	if (p == NULL)
		return -EINVAL;
	return p->overrun_last > INT32_MAX ? INT32_MAX : p->overrun_last;
}

long
sys_timer_delete(SYSCALL_ARGS)
{
	struct proc_timers *pt = timers_of(false);
	struct ptimer *p = timer_find((int)a0), **pp;

	if (p == NULL)
		return -EINVAL;
	ktimer_cancel(&p->kt);
	for (pp = &pt->timers; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	pt->ntimers--;
	kfree(p);
	return 0;
}

/* ---- timerfd ---- */

long
sys_timerfd_create(SYSCALL_ARGS)
{
	int clock = (int)a0, flags = (int)a1, kclock, fd, rc;
	struct file *f;

	if (flags & ~(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	switch (clock) {
	case CLOCK_REALTIME: case CLOCK_REALTIME_ALARM:
		kclock = TIMERFD_REALTIME;
		break;
	case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: case CLOCK_BOOTTIME_ALARM:
		kclock = TIMERFD_MONOTONIC;
		break;
	default:
		return -EINVAL;
	}
	if ((clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM) &&
	    !proc_capable())
		return -EPERM;		/* CAP_WAKE_ALARM */
	rc = timerfd_create(kclock, flags & TFD_NONBLOCK, &f);
	if (rc != 0)
		return rc;
	fd = fd_install(f, 0, flags & TFD_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long
sys_timerfd_settime(SYSCALL_ARGS)
{
	struct ktimerspec v, old;
	struct file *f;
	int rc;

	rc = get_itimerspec(a2, &v);
	if (rc != 0)
		return rc;
	if (a1 & ~(uint64_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	f = fd_get((int)a0);
	if (f == NULL)
		return -EBADF;
	rc = timerfd_settime(f, (int)a1, &v, &old);
	file_put(f);
	if (rc == 0 && a3 != 0)
		rc = put_itimerspec(a3, &old);
	return rc;
}

long
sys_timerfd_gettime(SYSCALL_ARGS)
{
	struct ktimerspec cur;
	struct file *f = fd_get((int)a0);
	int rc;

	if (f == NULL)
		return -EBADF;
	rc = timerfd_gettime(f, &cur);
	file_put(f);
	return rc == 0 ? put_itimerspec(a1, &cur) : rc;
}

/* ---- Setting the clock ---- */

/* do_sys_settimeofday64: range, privilege, zone, then the time. */
static long
settod(const struct linux_timespec *ts, const int32_t *tz)
{
	uint64_t ns;

	if (ts != NULL && (ts->tv_sec < 0 ||
	    ts->tv_sec >= TIME_SETTOD_SEC_MAX ||
	    (uint64_t)ts->tv_nsec >= NSEC_PER_SEC))
		return -EINVAL;
	if (!proc_capable())
		return -EPERM;		/* CAP_SYS_TIME */
	if (tz != NULL) {
		if (tz[0] > 15 * 60 || tz[0] < -15 * 60)
			return -EINVAL;
		sys_tz[0] = tz[0];
		sys_tz[1] = tz[1];
	}
	if (ts == NULL)
		return 0;
	ns = ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
	if (ns < plat_now_ns())
		return -EINVAL;		/* before boot: wall_to_monotonic > 0 */
	plat_wallclock_set(ns);
	ktimer_clock_was_set();
	return 0;
}

void
timer_get_tz(int32_t tz[2])
{
	tz[0] = sys_tz[0];
	tz[1] = sys_tz[1];
}

long
sys_clock_settime(SYSCALL_ARGS)
{
	struct linux_timespec ts;
	int clock = (int)a0;

	if (clock != CLOCK_REALTIME)
		return -EINVAL;		/* no other k_clock has clock_set */
	if (plat_copy_from_user(&ts, a1, sizeof(ts)) != 0)
		return -EFAULT;
	return settod(&ts, NULL);
}

long
sys_settimeofday(SYSCALL_ARGS)
{
	struct linux_timeval tv;
	struct linux_timespec ts;
	int32_t tz[2];

	if (a0 != 0) {
		if (plat_copy_from_user(&tv, a0, sizeof(tv)) != 0)
			return -EFAULT;
		if (tv.tv_usec > 1000000 || tv.tv_usec < 0)
			return -EINVAL;
		ts.tv_sec = tv.tv_sec;
		ts.tv_nsec = tv.tv_usec * (int64_t)NSEC_PER_USEC;
	}
	if (a1 != 0 && plat_copy_from_user(tz, a1, sizeof(tz)) != 0)
		return -EFAULT;
	return settod(a0 != 0 ? &ts : NULL, a1 != 0 ? tz : NULL);
}
