/*
 * timer_signalfd: signalfd and signalfd4.  A read takes pending signals
 * of the mask (blocked ones: their handlers never run) as 128-byte
 * signalfd_siginfo records, as many as fit; kill gives SI_USER with the
 * sender's pid and uid, tgkill SI_TKILL, a POSIX timer SI_TIMER with
 * its id and value; poll, epoll and a blocking read wait for one; a
 * second signalfd call on the descriptor changes the mask; the flags
 * work; bad sizes, flags and descriptors give Linux's errors, a bad
 * mask pointer EFAULT.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MS	1000000L

_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo");

static volatile int handled;

static void
on_sig(int sig)
{
	handled++;
}

static uint64_t
bit(int sig)
{
	return 1ull << (sig - 1);
}

static long
sfd(int fd, uint64_t mask, int flags)
{
	return SYS4(SYS_signalfd4, fd, &mask, 8, flags);
}

static short
revents(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	SYS3(SYS_poll, &p, 1, 0);
	return p.revents;
}

static void
test_errors(void)
{
	uint64_t mask = bit(SIGUSR1);
	int p[2];

	expect_err("signalfd4 sizemask 4",
	    SYS4(SYS_signalfd4, -1, &mask, 4, 0), EINVAL);
	expect_err("signalfd4 sizemask 16",
	    SYS4(SYS_signalfd4, -1, &mask, 16, 0), EINVAL);
	expect_err("signalfd4 flag 1", SYS4(SYS_signalfd4, -1, &mask, 8, 1),
	    EINVAL);
	expect_err("signalfd4 mask unmapped", SYS4(SYS_signalfd4, -1, 8, 8, 0),
	    EFAULT);
	expect_err("signalfd4 on fd 99", sfd(99, mask, 0), EBADF);
	expect_err("signalfd4 on fd -2", sfd(-2, mask, 0), EBADF);
	SYS1(SYS_pipe, p);
	expect_err("signalfd4 on a pipe", sfd(p[0], mask, 0), EINVAL);
	close(p[0]);
	close(p[1]);
	expect_err("signalfd sizemask 4", SYS3(SYS_signalfd, -1, &mask, 4),
	    EINVAL);
}

static void
test_reads(void)
{
	struct signalfd_siginfo si[3];
	sigset_t s;
	char small[100];
	int fd;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	signal(SIGUSR1, on_sig);
	signal(SIGUSR2, on_sig);

	fd = (int)sfd(-1, bit(SIGUSR1) | bit(SIGKILL), SFD_NONBLOCK |
	    SFD_CLOEXEC);
	check("signalfd4 gives a descriptor", fd >= 0);
	expect_val("SFD_CLOEXEC", SYS2(SYS_fcntl, fd, 1), 1);
	expect_val("SFD_NONBLOCK", SYS2(SYS_fcntl, fd, 3), 02 | 04000);
	expect_err("read, nothing pending", SYS3(SYS_read, fd, si, 128),
	    EAGAIN);
	expect_val("poll: not ready", revents(fd), 0);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR1);
	expect_val("after kill: poll says readable", revents(fd), POLLIN);
	expect_err("read 100 bytes", SYS3(SYS_read, fd, small, 100), EINVAL);
	expect_val("read", SYS3(SYS_read, fd, si, sizeof(si)), 128);
	check("  SIGUSR1, SI_USER, our pid and uid",
	    si[0].ssi_signo == SIGUSR1 && si[0].ssi_code == SI_USER &&
	    si[0].ssi_pid == (uint32_t)getpid() &&
	    si[0].ssi_uid == (uint32_t)getuid());
	expect_val("  no handler ran", handled, 0);
	expect_err("  taken: nothing left", SYS3(SYS_read, fd, si, 128),
	    EAGAIN);

	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR2);
	expect_val("SIGUSR2 is not in the mask: poll", revents(fd), 0);
	expect_val("signalfd on the descriptor changes the mask",
	    sfd(fd, bit(SIGUSR1) | bit(SIGUSR2), 0), fd);
	SYS3(SYS_tgkill, SYS0(SYS_getpid), SYS0(SYS_gettid), SIGUSR1);
	expect_val("two pending: one read takes both",
	    SYS3(SYS_read, fd, si, sizeof(si)), 256);
	check("  SIGUSR1 from tgkill (SI_TKILL), then SIGUSR2",
	    si[0].ssi_signo == SIGUSR1 && si[0].ssi_code == SI_TKILL &&
	    si[1].ssi_signo == SIGUSR2 && si[1].ssi_code == SI_USER);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR1);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR2);
	expect_val("a buffer for one record takes one",
	    SYS3(SYS_read, fd, si, 200), 128);
	expect_val("  then the other", SYS3(SYS_read, fd, si, 128), 128);
	expect_val("  SIGUSR2", si[0].ssi_signo, SIGUSR2);
	close(fd);
}

static void
test_timer_and_epoll(void)
{
	struct signalfd_siginfo si;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 5 }, got;
	struct {
		long value;
		int signo, notify, tid, pad[11];
	} sev;
	struct itimerspec its = { { 0, 0 }, { 0, 20 * MS } };
	int fd = (int)sfd(-1, bit(SIGUSR1), 0), ep, id;

	memset(&sev, 0, sizeof(sev));
	sev.signo = SIGUSR1;
	sev.value = 4321;
	SYS3(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id);
	SYS4(SYS_timer_settime, id, 0, &its, NULL);
	expect_val("a blocking read waits for the timer",
	    SYS3(SYS_read, fd, &si, 128), 128);
	check("  SI_TIMER with the timer id and value",
	    si.ssi_signo == SIGUSR1 && si.ssi_code == SI_TIMER &&
	    si.ssi_tid == (uint32_t)id && si.ssi_int == 4321 &&
	    si.ssi_ptr == 4321);

	ep = (int)SYS1(SYS_epoll_create1, 0);
	SYS4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, fd, &ev);
	expect_val("epoll_wait: nothing", SYS4(SYS_epoll_wait, ep, &got, 1, 0),
	    0);
	SYS4(SYS_timer_settime, id, 0, &its, NULL);
	expect_val("epoll_wait: the timer's signal",
	    SYS4(SYS_epoll_wait, ep, &got, 1, 5000), 1);
	check("  EPOLLIN with the data", got.events == EPOLLIN &&
	    got.data.u64 == 5);
	expect_val("  read it", SYS3(SYS_read, fd, &si, 128), 128);
	SYS1(SYS_timer_delete, id);
	close(ep);
	close(fd);
}

int
main(void)
{
	test_errors();
	test_reads();
	test_timer_and_epoll();
	return finish();
}
