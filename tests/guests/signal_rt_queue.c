/*
 * signal_rt_queue: real-time signals queue.  A real-time signal sent
 * three times while blocked is delivered three times (a standard
 * signal only once), and sigtimedwait takes the copies one by one.
 * Signal 40 is a real-time signal in both glibc and musl (whose
 * SIGRTMIN differ); masks and kills are raw calls.
 */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "guest.h"

#define RTSIG	40

static volatile int count[65];

static void
on_sig(int sig)
{
	count[sig]++;
}

static void
send3(int sig)
{
	long pid = SYS0(SYS_getpid), tid = SYS0(SYS_gettid);

	SYS3(SYS_tgkill, pid, tid, sig);
	SYS3(SYS_tgkill, pid, tid, sig);
	SYS2(SYS_kill, pid, sig);
}

int
main(void)
{
	struct sigaction sa;
	struct timespec zero = { 0, 0 };
	uint64_t set = (1ull << (RTSIG - 1)) | (1ull << (SIGUSR1 - 1));
	uint64_t rt = 1ull << (RTSIG - 1);
	int taken = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(RTSIG, &sa, NULL);
	SYS4(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
	send3(RTSIG);
	send3(SIGUSR1);
	SYS4(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8);
	out("signal %d sent 3 times while blocked: handled %d\n", RTSIG,
	    count[RTSIG]);
	out("SIGUSR1 sent 3 times while blocked: handled %d\n",
	    count[SIGUSR1]);

	SYS4(SYS_rt_sigprocmask, SIG_BLOCK, &rt, NULL, 8);
	send3(RTSIG);
	while (SYS4(SYS_rt_sigtimedwait, &rt, NULL, &zero, 8) == RTSIG)
		taken++;
	out("sigtimedwait took %d copies\n", taken);
	return 0;
}
