/*
 * Kernel timers: one list sorted by monotonic deadline, and the
 * platform's single alarm set for its head.  Arming is an insertion
 * into the sorted list (timers are few); expiry pops from the head, so
 * nothing scans the timers that are not due.  A timer on the wall clock
 * (realtime) is sorted by the monotonic time its wall-clock deadline
 * corresponds to now, and is re-sorted when the wall clock is set.
 *
 * Callers are the shim's syscalls and the alarm upcall, which the
 * platform runs only while the kernel is between syscalls: nothing
 * here is re-entered.
 */
#include "kernel/internal.h"

#define KTIMER_ALARM_MAX	(3600ull * 1000000000ull)

static struct ktimer *head;
static uint32_t clock_seq;

/* The monotonic deadline of when (realtime: a wall-clock time). */
static uint64_t
mono_key(uint64_t when, bool realtime)
{
	uint64_t off;

	if (!realtime)
		return when;
	off = plat_wallclock_ns() - plat_now_ns();
	return when > off ? when - off : 1;
}

static void
unlink_timer(struct ktimer *t)
{
	struct ktimer **pp;

	for (pp = &head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->next = NULL;
	t->armed = false;
}

static void
insert(struct ktimer *t)
{
	struct ktimer **pp;

	for (pp = &head; *pp != NULL && (*pp)->key <= t->key;
	    pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = true;
}

/*
 * The alarm for the head, but never more than an hour ahead: a timer
 * set for the year 2262 is looked at again hourly, so the platform is
 * never asked to count a span its timer hardware cannot hold.
 */
static void
program(void)
{
	uint64_t now;

	if (head == NULL) {
		plat_alarm_set(0);
		return;
	}
	now = plat_now_ns();
	plat_alarm_set(head->key - now > KTIMER_ALARM_MAX && head->key > now ?
	    now + KTIMER_ALARM_MAX : head->key);
}

void
ktimer_arm(struct ktimer *t, uint64_t when, bool realtime)
{
	if (t->armed)
		unlink_timer(t);
	t->when = when;
	t->realtime = realtime;
	t->key = mono_key(when, realtime);
	if (t->key == 0)
		t->key = 1;
	insert(t);
	program();
}

void
ktimer_cancel(struct ktimer *t)
{
	if (!t->armed)
		return;
	unlink_timer(t);
	program();
}

/*
 * Run every timer due at monotonic time now, earliest first.  A
 * callback may re-arm its own timer (or others); one re-armed for a
 * time already past runs again in this pass, up to a bound that keeps a
 * bad interval from spinning here.
 */
void
ktimer_run(uint64_t now)
{
	struct ktimer *t;

	for (int n = 0; n < KTIMER_RUN_MAX && head != NULL &&
	    head->key <= now; n++) {
		t = head;
		head = t->next;
		t->next = NULL;
		t->armed = false;
		t->fn(t, now);
	}
	program();
}

void
ktimer_expire(void)
{
	ktimer_run(plat_now_ns());
}

void
ktimer_clock_was_set(void)
{
	struct ktimer *list = head, *t, *keep = NULL, **ktail = &keep;

	head = NULL;
	while (list != NULL) {
		t = list;
		list = t->next;
		t->next = NULL;
		if (t->realtime) {
			t->key = mono_key(t->when, true);
			insert(t);
		} else {
			*ktail = t;		/* already in order */
			ktail = &t->next;
		}
	}
	/* Merge the monotonic ones back (they kept their order). */
	while (keep != NULL) {
		t = keep;
		keep = t->next;
		t->next = NULL;
		insert(t);
	}
	clock_seq++;
	program();
	timerfd_clock_was_set();
}

uint32_t
ktimer_clock_seq(void)
{
	return clock_seq;
}

uint64_t
ktimer_forward(uint64_t *expires, uint64_t now, uint64_t interval)
{
	uint64_t n;

	if (now < *expires || interval == 0)
		return 0;
	n = (now - *expires) / interval + 1;
	if (n > (UINT64_MAX - *expires) / interval) {
		*expires = UINT64_MAX;		/* out of range: never again */
		return n;
	}
	*expires += n * interval;
	return n;
}
