/*
 * bench: the guest of `make bench`.  One static binary, run unchanged as
 * Cloister's embedded guest and as /init of the Linux microVM, so both
 * systems are measured by the same code.
 *
 *	bench MODE [MODE...]
 *
 * Modes: hello [tsc], null, clock, gtod, mmap, pipe, file[=PATH],
 * sleep[=US], tschz, fork, spawn, pipeline; the word quick before them
 * runs every mode briefly (a smoke test of the harness: figures, not
 * timings).  Each mode prints one machine-readable line, for example
 *
 *	BENCH null ns_per_op=412.7 iters=20000 batches=5
 *	BENCH pipe error=ENOSYS what=pthread_create
 *
 * Times come from clock_gettime(CLOCK_MONOTONIC) inside the guest.  A
 * microbenchmark runs BATCHES batches after one warm-up batch and reports
 * the median batch; batches of slow operations stop early after a time
 * budget (iters= then says how many ran).  Under `qemu -icount shift=0`
 * every guest instruction advances the virtual clock by 1 ns, so ns_per_op
 * there reads as instructions per operation (plus any idle wait).
 *
 * When it runs as PID 1 (Linux's /init) it powers the machine off at the
 * end, since init may not exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCHES		5
#define SLEEP_US	10000	/* the sleep mode's default request */
#define SLEEPS		10	/* and how many it makes */
#define BATCH_BUDGET_NS	1000000000ull	/* 1 s (virtual under icount) */
#define FILE_DEFAULT	"/bench.dat"
#define FILE_CHUNK	(64 * 1024)
#define MMAP_LEN	(64 * 1024)
#define PAGE		4096
#define PL_LINES	100	/* the pipeline's source lines, half kept */

/* "quick": one batch, iterations divided by QUICK_DIV. */
#define QUICK_DIV	20
static int quick;

static uint64_t
now_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The symbolic name of an errno value, for the result line. */
static const char *
errname(int e)
{
	switch (e) {
	case ENOSYS:	return "ENOSYS";
	case ENOENT:	return "ENOENT";
	case ENOMEM:	return "ENOMEM";
	case EAGAIN:	return "EAGAIN";
	case EINVAL:	return "EINVAL";
	case EFAULT:	return "EFAULT";
	case EBADF:	return "EBADF";
	case EPERM:	return "EPERM";
	case EIO:	return "EIO";
	default:	return "other";
	}
}

static int
fail(const char *mode, const char *what, int e)
{
	printf("BENCH %s error=%s errno=%d what=%s\n", mode, errname(e), e,
	    what);
	fflush(stdout);
	return 1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Run op() iters times per batch, one warm-up batch then BATCHES timed
 * ones, and print the median and the fastest batch in ns per operation.
 * op returns 0 or an errno; the first error ends the benchmark.  With
 * check > 0 a batch also ends after BATCH_BUDGET_NS, looking at the clock
 * every check operations (use it only for slow operations, where the
 * extra clock read is lost in the noise), so a slow system still finishes.
 */
static int
run_batches(const char *mode, int (*op)(void), long iters, long check)
{
	long chunk, i, end, done;
	int b, e, batches = quick ? 1 : BATCHES;
	double per[BATCHES];

	if (quick)
		iters = iters / QUICK_DIV > 0 ? iters / QUICK_DIV : 1;
	chunk = check > 0 ? check : iters;
	done = iters;
	for (b = -1; b < batches; b++) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);

		for (i = 0; i < iters;) {
			end = iters - i > chunk ? i + chunk : iters;
			for (; i < end; i++)
				if ((e = op()) != 0)
					return fail(mode, "op", e);
			if (check > 0 &&
			    now_ns(CLOCK_MONOTONIC) - t0 > BATCH_BUDGET_NS)
				break;
		}
		if (b >= 0)
			per[b] = (double)(now_ns(CLOCK_MONOTONIC) - t0) / i;
		if (i < done)
			done = i;
	}
	qsort(per, batches, sizeof(per[0]), cmp_double);
	printf("BENCH %s ns_per_op=%.1f min_ns_per_op=%.1f iters=%ld "
	    "batches=%d\n", mode, per[batches / 2], per[0], done, batches);
	fflush(stdout);
	return 0;
}

static int
op_null(void)
{
	/* The raw syscall: no libc caching between the loop and the kernel. */
	long r = syscall(SYS_getppid);

	return r < 0 ? errno : 0;
}

static int
op_clock(void)
{
	struct timespec ts;

	return clock_gettime(CLOCK_MONOTONIC, &ts) != 0 ? errno : 0;
}

static int
op_gtod(void)
{
	struct timeval tv;

	return gettimeofday(&tv, NULL) != 0 ? errno : 0;
}

static int
op_mmap(void)
{
	volatile char *p;
	size_t off;

	p = mmap(NULL, MMAP_LEN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return errno;
	for (off = 0; off < MMAP_LEN; off += PAGE)
		p[off] = 1;
	if (munmap((void *)p, MMAP_LEN) != 0)
		return errno;
	return 0;
}

/* ---- processes ---- */

static const char *self_exe;	/* this program, for the spawn mode */

static int
op_fork(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return errno;
	if (waitpid(pid, &st, 0) != pid)
		return errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : ECHILD;
}

/* vfork + exec of this static program, which exits at once ("exit"). */
static int
op_spawn(void)
{
	char *argv[] = { "bench", "exit", NULL };
	int st;
	pid_t pid = vfork();

	if (pid == 0) {
		execv(self_exe, argv);
		_exit(127);
	}
	if (pid < 0)
		return errno;
	if (waitpid(pid, &st, 0) != pid)
		return errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : ENOENT;
}

/*
 * A pipeline of three programs, as a shell runs `src | grep x | wc -l`:
 * posix_spawn of this program three times (the roles below), joined by
 * two pipes, then a wait for all three.  The last one's exit status
 * says whether it counted the lines it should have.
 */
extern char **environ;

static int
spawn_role(pid_t *pid, const char *role, int in, int out)
{
	char *argv[] = { "bench", (char *)role, NULL };
	posix_spawn_file_actions_t fa;
	int e;

	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		return e;
	if (in >= 0)
		e = posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (e == 0 && out >= 0)
		e = posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (e == 0)
		e = posix_spawn(pid, self_exe, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return e;
}

static int
op_pipeline(void)
{
	static const char *const roles[3] = { "pl-src", "pl-grep", "pl-wc" };
	int ab[2], bc[2], e = 0, i, n = 0, st, bad = 0;
	pid_t pid[3];

	/* Close-on-exec: each child keeps only its dup2'd ends. */
	if (pipe2(ab, O_CLOEXEC) != 0)
		return errno;
	if (pipe2(bc, O_CLOEXEC) != 0) {
		e = errno;
		close(ab[0]);
		close(ab[1]);
		return e;
	}
	for (i = 0; i < 3 && e == 0; i++) {
		e = spawn_role(&pid[i], roles[i], i == 0 ? -1 : i == 1 ?
		    ab[0] : bc[0], i == 0 ? ab[1] : i == 1 ? bc[1] : -1);
		n += e == 0;
	}
	close(ab[0]);
	close(ab[1]);
	close(bc[0]);
	close(bc[1]);
	for (i = 0; i < n; i++) {
		if (waitpid(pid[i], &st, 0) != pid[i])
			return errno;
		bad |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	return e != 0 ? e : bad ? EIO : 0;
}

/* The roles: PL_LINES lines, those with an x, and their count. */
static int
pl_src(void)
{
	char buf[PL_LINES * 32];
	int i, len = 0;

	for (i = 0; i < PL_LINES; i++)
		len += snprintf(buf + len, sizeof(buf) - len,
		    "line %3d of the source, %c\n", i, i % 2 ? 'x' : 'y');
	return write(1, buf, len) == len ? 0 : 1;
}

static int
pl_filter(int count)
{
	char in[4096], line[256], out[4096];
	int llen = 0, olen = 0, lines = 0, keep;
	ssize_t n, i;

	while ((n = read(0, in, sizeof(in))) > 0) {
		for (i = 0; i < n; i++) {
			if (llen < (int)sizeof(line))
				line[llen++] = in[i];
			if (in[i] != '\n')
				continue;
			keep = memchr(line, 'x', llen) != NULL;
			if (count) {
				lines++;
			} else if (keep) {
				if (olen + llen > (int)sizeof(out)) {
					if (write(1, out, olen) != olen)
						return 1;
					olen = 0;
				}
				memcpy(out + olen, line, llen);
				olen += llen;
			}
			llen = 0;
		}
	}
	if (n < 0 || (olen > 0 && write(1, out, olen) != olen))
		return 1;
	return count && lines != PL_LINES / 2;
}

/* ---- pipe ping-pong between two threads ---- */

static int ping[2], pong[2];

static void *
ponger(void *arg)
{
	char c;

	(void)arg;
	while (read(ping[0], &c, 1) == 1 && write(pong[1], &c, 1) == 1)
		;
	return NULL;
}

static int
op_pingpong(void)
{
	char c = 'x';

	if (write(ping[1], &c, 1) != 1)
		return errno ? errno : EIO;
	if (read(pong[0], &c, 1) != 1)
		return errno ? errno : EIO;
	return 0;
}

static int
bench_pipe(long iters)
{
	pthread_t t;
	int e;

	if (pipe(ping) != 0 || pipe(pong) != 0)
		return fail("pipe", "pipe", errno);
	if ((e = pthread_create(&t, NULL, ponger, NULL)) != 0)
		return fail("pipe", "pthread_create", e);
	/*
	 * The ponger is left blocked in read(): exit_group ends it, and a
	 * benchmark is no place to test pipe EOF wake-ups.
	 */
	return run_batches("pipe", op_pingpong, iters, 16);
}

/* ---- sequential read of a file from the root filesystem ---- */

static char chunk[FILE_CHUNK];

static int
read_whole(const char *path, long *bytes)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		return errno;
	*bytes = 0;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		*bytes += n;
	if (n < 0) {
		int e = errno;

		close(fd);
		return e;
	}
	close(fd);
	return 0;
}

static int
bench_file(const char *path)
{
	double ms[BATCHES];
	long bytes = 0;
	int b, e, batches = quick ? 1 : BATCHES;

	for (b = -1; b < batches; b++) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);

		if ((e = read_whole(path, &bytes)) != 0)
			return fail("file", "open/read", e);
		if (b >= 0)
			ms[b] = (double)(now_ns(CLOCK_MONOTONIC) - t0) / 1e6;
	}
	if (bytes == 0)
		return fail("file", "empty", EIO);
	qsort(ms, batches, sizeof(ms[0]), cmp_double);
	printf("BENCH file ms=%.3f min_ms=%.3f bytes=%ld mib_per_s=%.1f "
	    "batches=%d\n", ms[batches / 2], ms[0], bytes,
	    bytes / 1048576.0 / (ms[batches / 2] / 1e3), batches);
	fflush(stdout);
	return 0;
}

/*
 * Sleep accuracy: usleep(us) SLEEPS times, each timed with
 * CLOCK_MONOTONIC.  Reports the request, the median, shortest and longest
 * actual sleep, and the median overshoot (actual - requested), all in us.
 * A sleep may never end early; how late it ends is the figure.
 */
static int
bench_sleep(long us)
{
	double got[SLEEPS];
	int i, n = quick ? 3 : SLEEPS;

	if (us <= 0)
		return fail("sleep", "usage", EINVAL);
	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);

		if (usleep((useconds_t)us) != 0)
			return fail("sleep", "usleep", errno);
		got[i] = (double)(now_ns(CLOCK_MONOTONIC) - t0) / 1e3;
	}
	qsort(got, n, sizeof(got[0]), cmp_double);
	printf("BENCH sleep requested_us=%ld median_us=%.1f min_us=%.1f "
	    "max_us=%.1f over_us=%.1f sleeps=%d\n", us, got[n / 2], got[0],
	    got[n - 1], got[n / 2] - us, n);
	fflush(stdout);
	return 0;
}

/*
 * TSC ticks per second, against CLOCK_MONOTONIC over 200 ms.  Run on the
 * host: under TCG the guest's TSC counts host TSC ticks from VM start.
 */
static int
bench_tschz(void)
{
	uint64_t t0, c0, t1, c1;

	t0 = now_ns(CLOCK_MONOTONIC);
	c0 = rdtsc();
	do
		t1 = now_ns(CLOCK_MONOTONIC);
	while (t1 - t0 < 200000000ull);
	c1 = rdtsc();
	printf("BENCH tschz hz=%.0f\n", (double)(c1 - c0) * 1e9 / (t1 - t0));
	return 0;
}

static int
run_mode(const char *m)
{
	if (strcmp(m, "null") == 0)
		return run_batches("null", op_null, 20000, 0);
	if (strcmp(m, "clock") == 0)
		return run_batches("clock", op_clock, 20000, 0);
	if (strcmp(m, "gtod") == 0)
		return run_batches("gtod", op_gtod, 20000, 0);
	if (strcmp(m, "sleep") == 0)
		return bench_sleep(SLEEP_US);
	if (strncmp(m, "sleep=", 6) == 0)
		return bench_sleep(atol(m + 6));
	if (strcmp(m, "quick") == 0) {
		quick = 1;
		return 0;
	}
	if (strcmp(m, "mmap") == 0)
		return run_batches("mmap", op_mmap, 1000, 16);
	if (strcmp(m, "pipe") == 0)
		return bench_pipe(2000);
	if (strcmp(m, "file") == 0)
		return bench_file(FILE_DEFAULT);
	if (strncmp(m, "file=", 5) == 0)
		return bench_file(m + 5);
	if (strcmp(m, "tschz") == 0)
		return bench_tschz();
	if (strcmp(m, "fork") == 0)
		return run_batches("fork", op_fork, 200, 4);
	if (strcmp(m, "spawn") == 0)
		return run_batches("spawn", op_spawn, 200, 4);
	if (strcmp(m, "pipeline") == 0)
		return run_batches("pipeline", op_pipeline, 40, 1);
	printf("BENCH %s error=usage\n", m);
	return 2;
}

int
main(int argc, char **argv)
{
	/*
	 * First thing in main: how long since the kernel started.  "hello
	 * tsc" also reads the TSC, which under TCG counts from VM start.
	 */
	uint64_t mono = now_ns(CLOCK_MONOTONIC);
	uint64_t tsc = 0;
	int i, status = 0;

	if (argc > 2 && strcmp(argv[2], "tsc") == 0)
		tsc = rdtsc();
	if (argc == 2 && strcmp(argv[1], "exit") == 0)
		return 0;		/* the spawn mode's child */
	if (argc == 2 && strcmp(argv[1], "pl-src") == 0)
		return pl_src();	/* the pipeline mode's children */
	if (argc == 2 && strcmp(argv[1], "pl-grep") == 0)
		return pl_filter(0);
	if (argc == 2 && strcmp(argv[1], "pl-wc") == 0)
		return pl_filter(1);
	self_exe = access("/proc/self/exe", X_OK) == 0 ? "/proc/self/exe" :
	    argv[0];
	if (argc > 1 && strcmp(argv[1], "hello") == 0) {
		printf("hello, world\n");
		printf("BENCH hello main_mono_ns=%llu main_tsc=%llu\n",
		    (unsigned long long)mono, (unsigned long long)tsc);
		fflush(stdout);
	} else if (argc < 2) {
		printf("usage: bench hello [tsc] | [quick] null|clock|gtod|mmap"
		    "|pipe|file[=PATH]|sleep[=US]|tschz|fork|spawn|pipeline...\n");
		status = 2;
	}
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "hello") != 0 &&
		    !(i == 2 && strcmp(argv[i], "tsc") == 0) &&
		    run_mode(argv[i]) != 0)
			status = 1;
	printf("BENCH done status=%d\n", status);
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return status;
}
