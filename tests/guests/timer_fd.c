/*
 * timer_fd: timerfd_create, timerfd_settime and timerfd_gettime.  A
 * read returns the 8-byte count of expiries (a periodic timer counts
 * the periods that passed), EAGAIN when non-blocking and nothing
 * expired, EINVAL for a short buffer; poll, select and epoll see it
 * readable after an expiry; TFD_TIMER_ABSTIME on CLOCK_MONOTONIC and
 * CLOCK_REALTIME; TFD_CLOEXEC and TFD_NONBLOCK; gettime and settime's
 * old value report the interval exactly; bad clocks, flags, timespecs
 * and descriptors give Linux's errors, bad pointers EFAULT.
 */
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define NS	1000000000L
#define MS	1000000L

static long
arm(int id, int flags, long value_ns, long interval_ns, void *old)
{
	return guest_settime(SYS_timerfd_settime, id, flags, value_ns,
	    interval_ns, old);
}

static short
revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };

	SYS3(SYS_poll, &p, 1, 0);
	return p.revents;
}

static void
test_errors(void)
{
	struct itimerspec its;
	int fd, p[2];

	expect_err("timerfd_create CLOCK_PROCESS_CPUTIME_ID",
	    SYS2(SYS_timerfd_create, CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
	expect_err("timerfd_create CLOCK_MONOTONIC_RAW",
	    SYS2(SYS_timerfd_create, CLOCK_MONOTONIC_RAW, 0), EINVAL);
	expect_err("timerfd_create clock 99",
	    SYS2(SYS_timerfd_create, 99, 0), EINVAL);
	expect_err("timerfd_create flag 1",
	    SYS2(SYS_timerfd_create, CLOCK_MONOTONIC, 1), EINVAL);
	fd = (int)SYS2(SYS_timerfd_create, CLOCK_MONOTONIC, 0);
	check("timerfd_create CLOCK_MONOTONIC", fd >= 0);
	memset(&its, 0, sizeof(its));
	expect_err("timerfd_settime flag 4",
	    SYS4(SYS_timerfd_settime, fd, 4, &its, NULL), EINVAL);
	its.it_value.tv_nsec = NS;
	expect_err("timerfd_settime tv_nsec 1e9",
	    SYS4(SYS_timerfd_settime, fd, 0, &its, NULL), EINVAL);
	its.it_value.tv_nsec = -1;
	expect_err("timerfd_settime tv_nsec -1",
	    SYS4(SYS_timerfd_settime, fd, 0, &its, NULL), EINVAL);
	its.it_value.tv_nsec = 0;
	expect_err("timerfd_settime on fd 99",
	    SYS4(SYS_timerfd_settime, 99, 0, &its, NULL), EBADF);
	expect_err("timerfd_settime fd -1",
	    SYS4(SYS_timerfd_settime, -1, 0, &its, NULL), EBADF);
	SYS1(SYS_pipe, p);
	expect_err("timerfd_settime on a pipe",
	    SYS4(SYS_timerfd_settime, p[0], 0, &its, NULL), EINVAL);
	expect_err("timerfd_gettime on a pipe",
	    SYS2(SYS_timerfd_gettime, p[0], &its), EINVAL);
	expect_err("timerfd_gettime on fd 99",
	    SYS2(SYS_timerfd_gettime, 99, &its), EBADF);
	close(p[0]);
	close(p[1]);
	expect_err("timerfd_settime new value unmapped",
	    SYS4(SYS_timerfd_settime, fd, 0, 8, NULL), EFAULT);
	expect_err("timerfd_settime new value unmapped, bad fd",
	    SYS4(SYS_timerfd_settime, 99, 0, 8, NULL), EFAULT);
	expect_err("timerfd_settime old value read-only",
	    SYS4(SYS_timerfd_settime, fd, 0, &its, test_errors), EFAULT);
	expect_err("timerfd_gettime to an unmapped page",
	    SYS2(SYS_timerfd_gettime, fd, 8), EFAULT);
	close(fd);
}

static void
test_flags(void)
{
	int fd = (int)SYS2(SYS_timerfd_create, CLOCK_REALTIME,
	    TFD_CLOEXEC | TFD_NONBLOCK);

	expect_val("TFD_CLOEXEC: close-on-exec", SYS2(SYS_fcntl, fd, 1), 1);
	expect_val("TFD_NONBLOCK: F_GETFL", SYS2(SYS_fcntl, fd, 3),
	    02 | 04000);
	expect_val("lseek stays at 0", SYS3(SYS_lseek, fd, 100, SEEK_SET), 0);
	close(fd);
}

static void
test_read(void)
{
	struct itimerspec cur;
	uint64_t v;
	char small[4];
	int fd = (int)SYS2(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_NONBLOCK);
	long t0;

	expect_err("read, never armed: EAGAIN", SYS3(SYS_read, fd, &v, 8),
	    EAGAIN);
	expect_err("read 4 bytes", SYS3(SYS_read, fd, small, 4), EINVAL);
	expect_val("poll: not ready", revents(fd), 0);
	SYS2(SYS_timerfd_gettime, fd, &cur);
	check("gettime, never armed: 0 and 0",
	    guest_ts_ns(&cur.it_value) == 0 &&
	    guest_ts_ns(&cur.it_interval) == 0);
	t0 = guest_now_ns(CLOCK_MONOTONIC);
	expect_ok("one shot of 100 ms", arm(fd, 0, 100 * MS, 0, NULL));
	SYS2(SYS_timerfd_gettime, fd, &cur);
	check("  gettime: 0 < value <= 100 ms",
	    guest_ts_ns(&cur.it_value) > 0 &&
	    guest_ts_ns(&cur.it_value) <= 100 * MS);
	{
		struct pollfd p = { fd, POLLIN, 0 };

		expect_val("  poll waits for it", SYS3(SYS_poll, &p, 1, 5000),
		    1);
		expect_val("  revents", p.revents, POLLIN);
	}
	check("  not early", guest_now_ns(CLOCK_MONOTONIC) - t0 >= 100 * MS);
	expect_val("  read", SYS3(SYS_read, fd, &v, 8), 8);
	expect_val("  one expiry", (long)v, 1);
	expect_err("  read again: EAGAIN", SYS3(SYS_read, fd, &v, 8), EAGAIN);
	SYS2(SYS_timerfd_gettime, fd, &cur);
	check("  gettime after: 0", guest_ts_ns(&cur.it_value) == 0);

	arm(fd, 0, 10 * MS, 10 * MS, NULL);
	guest_sleep_ms(65);
	expect_val("periodic 10 ms, after 65 ms: read",
	    SYS3(SYS_read, fd, &v, 16), 8);
	check("  counted the periods (>= 6)", v >= 6 && v < 100000);
	guest_sleep_ms(25);
	SYS2(SYS_timerfd_gettime, fd, &cur);
	check("  gettime moves it on: 0 < value <= 10 ms, interval 10 ms",
	    guest_ts_ns(&cur.it_value) > 0 &&
	    guest_ts_ns(&cur.it_value) <= 10 * MS &&
	    guest_ts_ns(&cur.it_interval) == 10 * MS);
	SYS3(SYS_read, fd, &v, 8);
	check("  ... and the read still counts them (>= 2)", v >= 2 &&
	    v < 100000);
	expect_ok("settime 0 returns the old setting",
	    arm(fd, 0, 0, 0, &cur));
	check("  old interval 10 ms", guest_ts_ns(&cur.it_interval) == 10 * MS);
	SYS2(SYS_timerfd_gettime, fd, &cur);
	check("  disarmed", guest_ts_ns(&cur.it_value) == 0 &&
	    guest_ts_ns(&cur.it_interval) == 0);
	close(fd);
}

static void
test_blocking(void)
{
	uint64_t v = 0;
	int fd = (int)SYS2(SYS_timerfd_create, CLOCK_BOOTTIME, 0);
	long t0 = guest_now_ns(CLOCK_MONOTONIC);

	arm(fd, 0, 30 * MS, 0, NULL);
	expect_val("CLOCK_BOOTTIME: a blocking read waits",
	    SYS3(SYS_read, fd, &v, 8), 8);
	check("  one expiry, not early", v == 1 &&
	    guest_now_ns(CLOCK_MONOTONIC) - t0 >= 30 * MS);
	close(fd);
}

static void
test_abstime(int clock, const char *name)
{
	uint64_t v = 0;
	int fd = (int)SYS2(SYS_timerfd_create, clock, 0);
	long t0 = guest_now_ns(clock);

	expect_ok(name, arm(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
	    t0 + 20 * MS, 0, NULL));
	SYS3(SYS_read, fd, &v, 8);
	check("  fired once, not early", v == 1 &&
	    guest_now_ns(clock) - t0 >= 20 * MS);
	arm(fd, TFD_TIMER_ABSTIME, 1, 0, NULL);
	SYS3(SYS_read, fd, &v, 8);
	check("  a time in the past: fires at once", v == 1);
	close(fd);
}

static void
test_epoll_select(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 77 }, got;
	int fd = (int)SYS2(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_NONBLOCK);
	int ep = (int)SYS1(SYS_epoll_create1, 0);
	uint64_t v;
	fd_set rd;
	struct timeval tv = { 5, 0 };

	expect_ok("epoll_ctl ADD the timerfd",
	    SYS4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, fd, &ev));
	expect_val("epoll_wait: nothing yet",
	    SYS4(SYS_epoll_wait, ep, &got, 1, 0), 0);
	arm(fd, 0, 15 * MS, 0, NULL);
	expect_val("epoll_wait: the expiry",
	    SYS4(SYS_epoll_wait, ep, &got, 1, 5000), 1);
	check("  EPOLLIN with the data", got.events == EPOLLIN &&
	    got.data.u64 == 77);
	SYS3(SYS_read, fd, &v, 8);
	expect_val("epoll_wait after the read: nothing",
	    SYS4(SYS_epoll_wait, ep, &got, 1, 0), 0);
	arm(fd, 0, 15 * MS, 0, NULL);
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	expect_val("select waits for it",
	    SYS5(SYS_select, fd + 1, &rd, NULL, NULL, &tv), 1);
	check("  readable", FD_ISSET(fd, &rd));
	close(ep);
	close(fd);
}

int
main(void)
{
	test_errors();
	test_flags();
	test_read();
	test_blocking();
	test_abstime(CLOCK_MONOTONIC, "TFD_TIMER_ABSTIME on CLOCK_MONOTONIC");
	test_abstime(CLOCK_REALTIME, "TFD_TIMER_ABSTIME on CLOCK_REALTIME");
	test_epoll_select();
	return finish();
}
