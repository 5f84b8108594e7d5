/*
 * timerfd on the host (kernel/timerfd.c over kernel/ktimer.c), with the
 * alarm upcall called by hand: nothing before the deadline, one tick
 * after it, a periodic timer counting the periods that passed while
 * nobody read and moving on from its previous expiry, settime's old
 * value, readiness for poll and epoll, an absolute wall-clock timer
 * following a clock set, TFD_TIMER_CANCEL_ON_SET, and the timer
 * cancelled when the file goes.
 */
#include <time.h>

#include "kernel/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#define MS	1000000ull

static void
sleep_ns(uint64_t ns)
{
	uint64_t end = plat_now_ns() + ns;

	while (plat_now_ns() < end)
		;
}

static long
rd(struct file *f, uint64_t *v)
{
	return file_read(f, v, sizeof(*v), FILE_IO_NOWAIT);
}

static void
test_errors(void)
{
	struct file *f, *p0, *p1;
	struct ktimerspec v = { 0, 0 }, old;
	char small[4];

	CHECK(timerfd_create(7, 0, &f) == -EINVAL);
	CHECK(timerfd_create(TIMERFD_MONOTONIC, O_NONBLOCK, &f) == 0);
	CHECK(file_read(f, small, 4, 0) == -EINVAL);
	CHECK(pipe_create(0, &p0, &p1) == 0);
	CHECK(timerfd_settime(p0, 0, &v, &old) == -EINVAL);
	CHECK(timerfd_gettime(p1, &old) == -EINVAL);
	file_put(p0);
	file_put(p1);
	file_put(f);
}

static void
test_one_shot(void)
{
	struct ktimerspec v = { 50 * MS, 0 }, cur;
	struct file *f;
	uint64_t n;

	CHECK(timerfd_create(TIMERFD_MONOTONIC, 0, &f) == 0);
	CHECK(rd(f, &n) == -EAGAIN && file_poll(f) == 0);
	CHECK(timerfd_gettime(f, &cur) == 0 && cur.value == 0 &&
	    cur.interval == 0);
	CHECK(timerfd_settime(f, 0, &v, &cur) == 0 && cur.value == 0);
	CHECK(mock_alarm_ns != 0 && mock_alarm_ns <= plat_now_ns() + 50 * MS);
	ktimer_expire();			/* too early: nothing */
	CHECK(file_poll(f) == 0 && rd(f, &n) == -EAGAIN);
	sleep_ns(55 * MS);
	ktimer_expire();
	CHECK(file_poll(f) == (POLLIN | POLLRDNORM));
	CHECK(rd(f, &n) == 8 && n == 1);
	CHECK(rd(f, &n) == -EAGAIN && mock_alarm_ns == 0);
	CHECK(timerfd_gettime(f, &cur) == 0 && cur.value == 0);
	file_put(f);
}

static void
test_periodic(void)
{
	struct ktimerspec v = { 1 * MS, 1 * MS }, cur;
	struct file *f;
	uint64_t n, first;

	CHECK(timerfd_create(TIMERFD_MONOTONIC, 0, &f) == 0);
	timerfd_settime(f, 0, &v, &cur);
	sleep_ns(10 * MS);
	ktimer_expire();
	CHECK(mock_alarm_ns == 0);		/* waits for the read */
	CHECK(rd(f, &n) == 8 && n >= 10 && n < 1000000);
	first = mock_alarm_ns;			/* moved on, re-armed */
	CHECK(first != 0 && first <= plat_now_ns() + MS);
	CHECK(rd(f, &n) == -EAGAIN);
	sleep_ns(5 * MS);
	ktimer_expire();
	CHECK(timerfd_gettime(f, &cur) == 0 && cur.interval == 1 * MS &&
	    cur.value > 0 && cur.value <= 1 * MS);
	CHECK(rd(f, &n) == 8 && n >= 5);	/* gettime kept the count */
	v.value = v.interval = 0;
	CHECK(timerfd_settime(f, 0, &v, &cur) == 0 && cur.interval == 1 * MS);
	CHECK(mock_alarm_ns == 0);
	file_put(f);
}

static void
test_epoll(void)
{
	struct ktimerspec v = { 1 * MS, 0 }, cur;
	struct epoll_kevent ev[2];
	struct file *f, *ep;
	uint64_t n;

	CHECK(timerfd_create(TIMERFD_MONOTONIC, 0, &f) == 0);
	CHECK(epoll_create(&ep) == 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, 3, f, EPOLLIN, 42) == 0);
	CHECK(epoll_wait(ep, ev, 2, 0, true) == 0);
	timerfd_settime(f, 0, &v, &cur);
	sleep_ns(2 * MS);
	ktimer_expire();
	CHECK(epoll_wait(ep, ev, 2, 0, true) == 1 && ev[0].data == 42 &&
	    ev[0].events == EPOLLIN);
	CHECK(rd(f, &n) == 8);
	CHECK(epoll_wait(ep, ev, 2, 0, true) == 0);
	file_put(ep);
	file_put(f);
}

static void
test_clock_set(void)
{
	struct ktimerspec v, cur;
	struct file *a, *c;
	uint64_t n, wall = plat_wallclock_ns();

	CHECK(timerfd_create(TIMERFD_REALTIME, 0, &a) == 0);
	CHECK(timerfd_create(TIMERFD_REALTIME, 0, &c) == 0);
	v = (struct ktimerspec){ wall + 3600000 * MS, 0 };
	timerfd_settime(a, TFD_TIMER_ABSTIME, &v, &cur);
	timerfd_settime(c, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &v,
	    &cur);
	CHECK(timerfd_gettime(a, &cur) == 0 && cur.value > 3599000 * MS);
	plat_wallclock_set(wall + 3600000 * MS);	/* an hour on */
	ktimer_clock_was_set();
	CHECK(mock_alarm_ns <= plat_now_ns());
	CHECK(file_poll(c) != 0);		/* woken to say "cancelled" */
	ktimer_expire();
	CHECK(rd(a, &n) == 8 && n == 1);
	CHECK(rd(c, &n) == -ECANCELED);
	CHECK(rd(c, &n) == -EAGAIN);
	mock_wall_adjust = 0;
	ktimer_clock_was_set();
	file_put(a);
	file_put(c);
}

static void
test_release_cancels(void)
{
	struct ktimerspec v = { 1000 * MS, 0 }, cur;
	struct file *f;

	CHECK(timerfd_create(TIMERFD_MONOTONIC, 0, &f) == 0);
	timerfd_settime(f, 0, &v, &cur);
	CHECK(mock_alarm_ns != 0);
	file_put(f);
	CHECK(mock_alarm_ns == 0);
}

int
main(void)
{
	harness_begin("timerfd");
	RUN(test_errors);
	RUN(test_one_shot);
	RUN(test_periodic);
	RUN(test_epoll);
	RUN(test_clock_set);
	RUN(test_release_cancels);
	return harness_done();
}
