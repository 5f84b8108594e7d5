/*
 * Setting the wall clock inside Cloister (the differential guests
 * cannot: the native run would move the host's clock).  Run by
 * tests/integration/timers.sh as root in the guest: clock_settime and
 * settimeofday move CLOCK_REALTIME (and gettimeofday, the zone too, and
 * what the libc reads through the vDSO) but not CLOCK_MONOTONIC; an
 * absolute CLOCK_REALTIME timer (timerfd and POSIX) fires when the
 * clock is set past its time; a timerfd with TFD_TIMER_CANCEL_ON_SET
 * reads ECANCELED; a relative CLOCK_REALTIME timer keeps its length
 * when the clock jumps back.
 */
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define NS	1000000000L
#define MS	1000000L

static long
set_wall(long ns)
{
	struct timespec ts = { ns / NS, ns % NS };

	return SYS2(SYS_clock_settime, CLOCK_REALTIME, &ts);
}

static long
tfd_arm(int fd, int flags, long value)
{
	struct itimerspec its = { { 0, 0 }, { value / NS, value % NS } };

	return SYS4(SYS_timerfd_settime, fd, flags, &its, NULL);
}

int
main(void)
{
	long r0 = guest_now_ns(CLOCK_REALTIME);
	long m0 = guest_now_ns(CLOCK_MONOTONIC), t;
	struct timeval tv;
	struct timezone tz = { -60, 0 }, tzr;
	uint64_t v = 0;
	int fd, fd2, id;
	sigset_t s;

	expect_ok("clock_settime(CLOCK_REALTIME, +1000 s)",
	    set_wall(r0 + 1000 * NS));
	t = guest_now_ns(CLOCK_REALTIME) - r0;
	check("  CLOCK_REALTIME moved 1000 s", t >= 1000 * NS &&
	    t < 1010 * NS);
	check("  CLOCK_MONOTONIC did not",
	    guest_now_ns(CLOCK_MONOTONIC) - m0 < 10 * NS);
	SYS2(SYS_gettimeofday, &tv, NULL);
	check("  gettimeofday agrees", tv.tv_sec >= r0 / NS + 1000 &&
	    tv.tv_sec < r0 / NS + 1010);
	{
		/* The libc's calls, which take the vDSO where there is one. */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		gettimeofday(&tv, NULL);
		check("  the libc's clock_gettime, gettimeofday and time too",
		    ts.tv_sec >= r0 / NS + 1000 && ts.tv_sec < r0 / NS + 1010 &&
		    tv.tv_sec >= r0 / NS + 1000 && tv.tv_sec < r0 / NS + 1010 &&
		    time(NULL) >= r0 / NS + 1000);
	}
	tv.tv_sec = r0 / NS + 5000;
	tv.tv_usec = 0;
	expect_ok("settimeofday(+5000 s, zone -60)",
	    SYS2(SYS_settimeofday, &tv, &tz));
	SYS2(SYS_gettimeofday, &tv, &tzr);
	check("  time and zone read back", tv.tv_sec >= r0 / NS + 5000 &&
	    tv.tv_sec < r0 / NS + 5010 && tzr.tz_minuteswest == -60);
	expect_err("clock_settime to before boot", set_wall(1), EINVAL);

	fd = (int)SYS2(SYS_timerfd_create, CLOCK_REALTIME, 0);
	fd2 = (int)SYS2(SYS_timerfd_create, CLOCK_REALTIME, TFD_NONBLOCK);
	t = guest_now_ns(CLOCK_REALTIME) + 3600 * NS;
	tfd_arm(fd, TFD_TIMER_ABSTIME, t);
	tfd_arm(fd2, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
	    t + 3600 * NS);
	{
		struct {
			long value;
			int signo, notify, tid, pad[11];
		} sev = { .signo = SIGUSR1 };
		struct itimerspec its = { { 0, 0 },
		    { (t + 10 * MS) / NS, (t + 10 * MS) % NS } };

		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		sigprocmask(SIG_BLOCK, &s, NULL);
		SYS3(SYS_timer_create, CLOCK_REALTIME, &sev, &id);
		SYS4(SYS_timer_settime, id, TIMER_ABSTIME, &its, NULL);
	}
	m0 = guest_now_ns(CLOCK_MONOTONIC);
	set_wall(t - 50 * MS);
	expect_val("absolute CLOCK_REALTIME timerfd, clock set close to it",
	    SYS3(SYS_read, fd, &v, 8), 8);
	check("  fired once, soon", v == 1 &&
	    guest_now_ns(CLOCK_MONOTONIC) - m0 < 5 * NS);
	expect_val("absolute CLOCK_REALTIME POSIX timer fires too",
	    sigwaitinfo(&s, NULL), SIGUSR1);
	expect_err("TFD_TIMER_CANCEL_ON_SET: the read says so",
	    SYS3(SYS_read, fd2, &v, 8), ECANCELED);
	expect_err("  once", SYS3(SYS_read, fd2, &v, 8), EAGAIN);

	m0 = guest_now_ns(CLOCK_MONOTONIC);
	tfd_arm(fd, 0, 100 * MS);
	set_wall(guest_now_ns(CLOCK_REALTIME) - 3600 * NS);
	SYS3(SYS_read, fd, &v, 8);
	t = guest_now_ns(CLOCK_MONOTONIC) - m0;
	check("relative CLOCK_REALTIME timer: a jump back changes nothing",
	    v == 1 && t >= 100 * MS && t < 5 * NS);
	return finish();
}
