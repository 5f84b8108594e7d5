/*
 * timerfd: a timer as a file (Linux's fs/timerfd.c).  An expiry counts
 * a tick and makes the file readable; a periodic timer then waits,
 * as Linux's does, until a read or timerfd_gettime moves it forward by
 * whole intervals from the previous expiry (the skipped ones count as
 * ticks), so it never drifts.  A relative timer runs on the monotonic
 * clock whatever its clock; only an absolute one on the realtime clock
 * follows clock sets (hrtimer's rule), and with TFD_TIMER_CANCEL_ON_SET
 * a clock set cancels it: the next read says ECANCELED.
 */
#include "kernel/internal.h"

struct timerfd {
	struct ktimer kt;
	struct timerfd *next;		/* all timerfds, for clock sets */
	struct file *file;
	int clock;			/* TIMERFD_* */
	uint64_t expires;		/* of kt's base (see kt.realtime) */
	uint64_t interval;
	uint64_t ticks;
	bool expired;			/* fired, not yet moved forward */
	bool might_cancel;
	uint32_t clock_seq;		/* ktimer_clock_seq at setup */
};

static struct timerfd *timerfds;

static uint64_t
base_now(const struct timerfd *t)
{
	return t->kt.realtime ? plat_wallclock_ns() : plat_now_ns();
}

static void
tmrproc(struct ktimer *kt, uint64_t now)
{
	struct timerfd *t = (struct timerfd *)kt;

	t->expired = true;
	t->ticks++;
	file_changed(t->file, POLLIN);
}

/* A fired periodic timer moves on; returns the expiries it skipped. */
static uint64_t
forward_now(struct timerfd *t)
{
	uint64_t n;

	if (!t->expired || t->interval == 0)
		return 0;
	t->expired = false;
	n = ktimer_forward(&t->expires, base_now(t), t->interval);
	ktimer_arm(&t->kt, t->expires, t->kt.realtime);
	return n > 0 ? n - 1 : 0;
}

static bool
canceled(struct timerfd *t)
{
	if (!t->might_cancel || t->clock_seq == ktimer_clock_seq())
		return false;
	t->might_cancel = false;
	return true;
}

static long
timerfd_read(struct file *f, void *buf, size_t len)
{
	struct timerfd *t = f->priv;
	uint64_t ticks;

	if (len < sizeof(ticks))
		return -EINVAL;
	if (canceled(t)) {
		t->ticks = 0;
		t->expired = false;
		return -ECANCELED;
	}
	if (t->ticks == 0)
		return -EAGAIN;
	ticks = t->ticks + forward_now(t);
	t->expired = false;
	t->ticks = 0;
	memcpy(buf, &ticks, sizeof(ticks));
	return sizeof(ticks);
}

static unsigned
timerfd_poll(struct file *f)
{
	struct timerfd *t = f->priv;

	return t->ticks > 0 ? POLLIN | POLLRDNORM : 0;
}

/* noop_llseek: the position never moves. */
static long
timerfd_lseek(struct file *f, int64_t off, int whence)
{
	return (long)f->pos;
}

static void
timerfd_release(struct file *f)
{
	struct timerfd *t = f->priv, **pp;

	ktimer_cancel(&t->kt);
	for (pp = &timerfds; *pp != t; pp = &(*pp)->next)
		;
	*pp = t->next;
	kfree(t);
}

static const struct file_ops timerfd_ops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.lseek = timerfd_lseek,
	.release = timerfd_release,
};

int
timerfd_create(int clock, uint32_t flags, struct file **out)
{
	struct timerfd *t;

	if (clock != TIMERFD_REALTIME && clock != TIMERFD_MONOTONIC)
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->clock = clock;
	t->kt.fn = tmrproc;
	t->file = file_alloc(&timerfd_ops, O_RDWR | (flags & O_NONBLOCK), t);
	if (t->file == NULL) {
		kfree(t);
		return -ENOMEM;
	}
	t->next = timerfds;
	timerfds = t;
	*out = t->file;
	return 0;
}

static struct timerfd *
timerfd_of(struct file *f)
{
	return f->ops == &timerfd_ops ? f->priv : NULL;
}

static void
get_setting(struct timerfd *t, struct ktimerspec *cur)
{
	uint64_t now = base_now(t);

	cur->value = t->expires > now ? t->expires - now : 0;
	cur->interval = t->interval;
}

int
timerfd_settime(struct file *f, int flags, const struct ktimerspec *new,
    struct ktimerspec *old)
{
	struct timerfd *t = timerfd_of(f);
	bool abs = flags & TFD_TIMER_ABSTIME;

	if (t == NULL)
		return -EINVAL;
	t->might_cancel = t->clock == TIMERFD_REALTIME && abs &&
	    (flags & TFD_TIMER_CANCEL_ON_SET);
	t->clock_seq = ktimer_clock_seq();
	ktimer_cancel(&t->kt);
	if (t->expired && t->interval != 0)
		ktimer_forward(&t->expires, base_now(t), t->interval);
	get_setting(t, old);
	t->expired = false;
	t->ticks = 0;
	t->interval = new->interval;
	t->kt.realtime = abs && t->clock == TIMERFD_REALTIME;
	t->expires = 0;
	if (new->value != 0) {
		t->expires = abs ? new->value : plat_now_ns() + new->value;
		ktimer_arm(&t->kt, t->expires, t->kt.realtime);
	}
	return 0;
}

int
timerfd_gettime(struct file *f, struct ktimerspec *cur)
{
	struct timerfd *t = timerfd_of(f);

	if (t == NULL)
		return -EINVAL;
	t->ticks += forward_now(t);
	get_setting(t, cur);
	return 0;
}

/* The wall clock was set: cancel-on-set timers wake up to say so. */
void
timerfd_clock_was_set(void)
{
	for (struct timerfd *t = timerfds; t != NULL; t = t->next) {
		if (t->might_cancel && t->clock_seq != ktimer_clock_seq()) {
			t->ticks++;
			file_changed(t->file, POLLIN);
		}
	}
}
