/*
 * timer_clockset: clock_settime and settimeofday refuse what Linux
 * refuses, and never succeed here (the native run is root on the
 * host: nothing may move its clock).  Only CLOCK_REALTIME can be set
 * (other clocks EINVAL); the time is checked
 * before privilege (EINVAL) and may not precede boot; a bad pointer is
 * EFAULT; without root (after setuid) every setting call is EPERM, as
 * is a timerfd on an alarm clock.  The setting itself is tested inside
 * Cloister only (tests/integration/timers.sh).
 */
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define NS	1000000000L

static long
settime(int clock, long sec, long nsec)
{
	struct timespec ts = { sec, nsec };

	return SYS2(SYS_clock_settime, clock, &ts);
}

static long
settod(long sec, long usec)
{
	struct timeval tv = { sec, usec };

	return SYS2(SYS_settimeofday, &tv, NULL);
}

int
main(void)
{
	struct timespec now;
	struct timezone tz = { 1000, 0 };
	long fd;

	SYS2(SYS_clock_gettime, CLOCK_REALTIME, &now);
	expect_err("clock_settime CLOCK_MONOTONIC",
	    settime(CLOCK_MONOTONIC, now.tv_sec, 0), EINVAL);
	expect_err("clock_settime CLOCK_BOOTTIME",
	    settime(CLOCK_BOOTTIME, now.tv_sec, 0), EINVAL);
	expect_err("clock_settime CLOCK_TAI", settime(CLOCK_TAI, now.tv_sec, 0),
	    EINVAL);
	expect_err("clock_settime CLOCK_REALTIME_COARSE",
	    settime(CLOCK_REALTIME_COARSE, now.tv_sec, 0), EINVAL);
	expect_err("clock_settime clock 99", settime(99, now.tv_sec, 0),
	    EINVAL);
	expect_err("clock_settime CLOCK_PROCESS_CPUTIME_ID",
	    settime(CLOCK_PROCESS_CPUTIME_ID, 1, 0), EINVAL);
	expect_err("clock_settime CLOCK_THREAD_CPUTIME_ID",
	    settime(CLOCK_THREAD_CPUTIME_ID, 1, 0), EINVAL);
	expect_err("clock_settime tv_nsec 1e9",
	    settime(CLOCK_REALTIME, now.tv_sec, NS), EINVAL);
	expect_err("clock_settime tv_sec -1", settime(CLOCK_REALTIME, -1, 0),
	    EINVAL);
	expect_err("clock_settime to 1970: before boot",
	    settime(CLOCK_REALTIME, 0, 0), EINVAL);
	expect_err("clock_settime from an unmapped page",
	    SYS2(SYS_clock_settime, CLOCK_REALTIME, 8), EFAULT);
	expect_err("clock_settime from the kernel",
	    SYS2(SYS_clock_settime, CLOCK_REALTIME, ADDR_KERNEL), EFAULT);
	expect_err("settimeofday tv_usec 1000001", settod(now.tv_sec, 1000001),
	    EINVAL);
	expect_err("settimeofday tv_usec 1000000", settod(now.tv_sec, 1000000),
	    EINVAL);
	expect_err("settimeofday tv_usec -1", settod(now.tv_sec, -1), EINVAL);
	expect_err("settimeofday from an unmapped page",
	    SYS2(SYS_settimeofday, 8, NULL), EFAULT);
	expect_err("settimeofday zone from an unmapped page",
	    SYS2(SYS_settimeofday, NULL, 8), EFAULT);
	expect_err("settimeofday zone 1000 minutes west",
	    SYS2(SYS_settimeofday, NULL, &tz), EINVAL);
	expect_ok("settimeofday(NULL, NULL) as root",
	    SYS2(SYS_settimeofday, NULL, NULL));
	fd = SYS2(SYS_timerfd_create, CLOCK_REALTIME_ALARM, 0);
	expect_ok("timerfd_create CLOCK_REALTIME_ALARM as root", fd);
	close((int)fd);

	expect_ok("setuid(65534)", SYS1(SYS_setuid, 65534));
	expect_err("clock_settime now", settime(CLOCK_REALTIME, now.tv_sec,
	    now.tv_nsec), EPERM);
	expect_err("clock_settime tv_nsec 1e9: EINVAL first",
	    settime(CLOCK_REALTIME, now.tv_sec, NS), EINVAL);
	expect_err("clock_settime CLOCK_MONOTONIC: EINVAL first",
	    settime(CLOCK_MONOTONIC, now.tv_sec, 0), EINVAL);
	expect_err("settimeofday now", settod(now.tv_sec, 0), EPERM);
	expect_err("settimeofday(NULL, NULL)",
	    SYS2(SYS_settimeofday, NULL, NULL), EPERM);
	expect_err("settimeofday zone 1000 minutes west",
	    SYS2(SYS_settimeofday, NULL, &tz), EPERM);
	expect_err("timerfd_create CLOCK_BOOTTIME_ALARM",
	    SYS2(SYS_timerfd_create, CLOCK_BOOTTIME_ALARM, 0), EPERM);
	expect_err("timerfd_create CLOCK_REALTIME_ALARM",
	    SYS2(SYS_timerfd_create, CLOCK_REALTIME_ALARM, 0), EPERM);
	return finish();
}
