/*
 * signal_edges: corners of the signal calls where Cloister differed from
 * Linux.
 *   - sigsuspend with an ignored signal pending (blocked, so queued; SIG_IGN)
 *     keeps waiting: only the handled SIGUSR2 a thread sends 50 ms later
 *     ends it, and the old mask is back afterwards;
 *   - rt_sigtimedwait with a huge tv_sec waits (for a signal a thread
 *     sends), where an overflowing deadline returned EAGAIN at once;
 *   - kill(-1, sig) never signals the caller (checked with a real signal
 *     only inside Cloister: natively it would reach every process of
 *     the user);
 *   - sigaltstack with an all-zero struct asks for no change: 0;
 *   - mmap hints at the top of the address space (even one that wraps)
 *     are ignored, not refused;
 *   - lseek on a directory past its end returns the offset asked for
 *     (what getdents gives then depends on the file system: ext4 reads
 *     the offset as a hash).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

static volatile int usr2_count, usr1_count;
static long main_tid;

static void
on_usr2(int sig)
{
	usr2_count++;
}

static void
on_usr1(int sig)
{
	usr1_count++;
}

static void *
send_later(void *arg)
{
	struct timespec t = { 0, 50 * 1000 * 1000 };

	nanosleep(&t, NULL);
	SYS3(SYS_tgkill, SYS0(SYS_getpid), main_tid, SIGUSR2);
	return NULL;
}

static void
later(pthread_t *th)
{
	pthread_create(th, NULL, send_later, NULL);
}

static uint64_t
cur_mask(void)
{
	uint64_t m = 0;

	SYS4(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8);
	return m;
}

static void
test_sigsuspend(void)
{
	uint64_t both = (1UL << (SIGUSR1 - 1)) | (1UL << (SIGUSR2 - 1));
	uint64_t none = 0;
	pthread_t th;
	long rc;

	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR2, on_usr2);
	SYS4(SYS_rt_sigprocmask, SIG_BLOCK, &both, NULL, 8);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR1);	/* blocked: queued */
	later(&th);
	rc = SYS2(SYS_rt_sigsuspend, &none, 8);
	check("sigsuspend ended by the handled signal", usr2_count == 1);
	pthread_join(th, NULL);
	expect_err("sigsuspend", rc, EINTR);
	check("sigsuspend put the old mask back", cur_mask() == both);
	SYS4(SYS_rt_sigprocmask, SIG_UNBLOCK, &both, NULL, 8);
}

static void
test_sigtimedwait(void)
{
	uint64_t set = 1UL << (SIGUSR2 - 1);
	/*
	 * About 10^5 years: tv_sec * 10^9 is 9.7 ms short of a multiple of
	 * 2^64, so a deadline that wraps lands just in the past.
	 */
	struct timespec huge = { 3301967189194L, 0 };
	pthread_t th;
	char info[128];
	long rc;

	SYS4(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 8);
	later(&th);
	rc = SYS4(SYS_rt_sigtimedwait, &set, info, &huge, 8);
	pthread_join(th, NULL);
	expect_val("sigtimedwait for 10^5 years", rc, SIGUSR2);
	SYS4(SYS_rt_sigprocmask, SIG_UNBLOCK, &set, NULL, 8);
}

static void
test_kill_all(void)
{
	struct utsname u;

	signal(SIGUSR1, on_usr1);
	uname(&u);
	if (strstr(u.release, "cloister") != NULL) {
		long rc = SYS2(SYS_kill, -1, SIGUSR1);

		check("kill(-1): the only process is the caller: ESRCH",
		    rc == -ESRCH);
	} else {
		check("kill(-1): the only process is the caller: ESRCH", 1);
	}
	check("kill(-1) did not signal the caller", usr1_count == 0);
}

static void
test_altstack_zero(void)
{
	stack_t ss;

	memset(&ss, 0, sizeof(ss));
	expect_ok("sigaltstack all zero", SYS2(SYS_sigaltstack, &ss, NULL));
}

static void
test_mmap_hints(void)
{
	static const unsigned long hints[] = { 0x7ffffffff000UL,
	    0x7fffffffe000UL, 0xfffffffffffff000UL, 0xffff800000000000UL };

	for (int i = 0; i < 4; i++) {
		long r = SYS6(SYS_mmap, hints[i], 2 * PAGE, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		out("mmap hint %#lx: %s\n", hints[i],
		    IS_ERR(r) ? errname(r) : "ok");
		if (!IS_ERR(r))
			SYS2(SYS_munmap, r, 2 * PAGE);
	}
}

static void
test_dir_lseek(void)
{
	long fd = SYS2(SYS_open, "/", O_RDONLY | O_DIRECTORY);

	expect_val("lseek / to 2^62", SYS3(SYS_lseek, fd, 1L << 62, SEEK_SET),
	    1L << 62);
	expect_val("lseek / SEEK_CUR", SYS3(SYS_lseek, fd, 0, SEEK_CUR),
	    1L << 62);
	SYS1(SYS_close, fd);
}

int
main(void)
{
	main_tid = SYS0(SYS_gettid);
	test_sigsuspend();
	test_sigtimedwait();
	test_kill_all();
	test_altstack_zero();
	test_mmap_hints();
	test_dir_lseek();
	return finish();
}
