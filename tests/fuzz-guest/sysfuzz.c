/*
 * sysfuzz: a syscall fuzzer that runs as the Cloister guest, in the
 * spirit of trinity.  Worker threads make random and structured calls to
 * every syscall the shim implements (shim/table.c) with hostile
 * arguments: bad pointers of every kind (NULL, kernel, non-canonical,
 * unmapped, PROT_NONE, read-only for writes, an object straddling the end
 * of a page), huge and negative lengths, odd flags, random ioctls, forged
 * rt_sigreturn frames, nested epolls and huge reservations.
 *
 *   sysfuzz SEED SECONDS [THREADS]
 *
 * It prints its seed first, a progress line every second, and at the
 * end "sysfuzz: done"; tests/integration/sysfuzz.sh watches for a
 * kernel panic (status 250), a hang (no progress line) and a leak (free
 * pages at exit against those at the start of main, printed here).
 *
 * What it never does, so that the run ends only by itself: exit, kill
 * with a fatal signal, unmap or re-protect memory outside its own arena,
 * change the handlers of the signals it relies on, or make a call that
 * may block without a bound (every fd it makes is O_NONBLOCK, every wait
 * has a short timeout).  A fault in a worker is caught (on an alternate
 * stack) and the worker goes on with its next call.
 *
 * One long file on purpose: the argument generators and the call table
 * read best together.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define PAGE		4096UL
#define MAX_THREADS	8
#define ARENA_LEN	(64UL << 30)	/* the only memory the fuzzer remaps */
#define SCRATCH_LEN	(64 * 1024)
#define NFDS		48		/* fds a worker remembers */
#define NMAPS		16		/* mappings outside the arena */
#define ALTSTACK_LEN	(64 * 1024)

/* Not in musl's headers. */
#define FUTEX_WAIT		0
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif

#define ADDR_KERNEL	0xffff800000000000UL
#define ADDR_KTEXT	0xffffffff81000000UL
#define ADDR_NONCANON	0x0000800000000000UL

/* Signals the fuzzer lives on: never blocked, never re-handled. */
#define VITAL_SIGS	((1UL << (SIGSEGV - 1)) | (1UL << (SIGBUS - 1)) | \
	(1UL << (SIGILL - 1)) | (1UL << (SIGFPE - 1)) | \
	(1UL << (SIGTRAP - 1)) | (1UL << (SIGUSR1 - 1)) | \
	(1UL << (SIGUSR2 - 1)) | (1UL << (SIGSYS - 1)))
/* Signals it may send and re-handle: their default is to be ignored. */
static const int soft_sigs[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT, 0 };

static uint64_t seed;
static volatile int stop, go;
static long calls, faults, forged;
static char *arena, *ro_page, *straddle, *guard;
static long nworkers = 4;

struct worker {
	int id;
	uint64_t rng;
	sigjmp_buf env;
	int have_env;
	int fds[NFDS];
	uintptr_t maps[NMAPS];
	size_t maplen[NMAPS];
	stack_t alt;
	char *scratch;
	char *landing_stack;
	pthread_t thread;
	long last_nr;		/* the syscall it is in (or made last) */
	long last_a0;		/* and its first argument */
	int last_op;		/* its index in ops[] (-1: do_huge) */
	int done;
};

static struct worker workers[MAX_THREADS];
static __thread struct worker *me;

/* ---- Output: raw writes, one line at a time ---- */

static void
say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	syscall(SYS_write, 1, buf, n);
}

/* ---- PRNG: splitmix64 ---- */

static uint64_t
rnd64(void)
{
	uint64_t z = (me->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rnd(uint64_t n)
{
	return n == 0 ? 0 : rnd64() % n;
}

static int
one_in(int n)
{
	return rnd(n) == 0;
}

/* ---- Raw syscalls (no libc wrapper checks or translates anything) ---- */

static long
sc6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	if (me != NULL) {
		me->last_nr = nr;
		me->last_a0 = a;
	}
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b),
	    "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	return ret;
}

/* What each worker does now, for the report on a worker that hangs. */


#define SC(...)		sc_(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define sc_(nr, a, b, c, d, e, f, ...) \
	sc6((nr), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), \
	    (long)(f))

/* ---- Hostile values ---- */

/* A pointer: mostly good (into scratch), often bad in some way. */
static uintptr_t
ptr(size_t size, int out)
{
	static const uintptr_t bad[] = { 0, 1, ADDR_KERNEL, ADDR_KTEXT,
	    ADDR_NONCANON, ADDR_NONCANON - 8, 0xfffffffffffff000UL,
	    0xffffffffffffffffUL, 0x1000, 0x7ffffffff000UL };

	switch (rnd(12)) {
	case 0:
		return bad[rnd(sizeof(bad) / sizeof(bad[0]))];
	case 1:
		return (uintptr_t)guard + rnd(PAGE);	/* unmapped */
	case 2:
		return (uintptr_t)straddle + PAGE - (size > 1 ? size / 2 : 1);
	case 3:
		return out ? (uintptr_t)ro_page : (uintptr_t)ro_page + 8;
	case 4:
		return (uintptr_t)arena + rnd(ARENA_LEN / PAGE) * PAGE;
	case 5:
		return rnd64();
	default:
		return (uintptr_t)me->scratch + rnd(SCRATCH_LEN / 2) +
		    (one_in(4) ? 1 : 0);
	}
}

/* A pointer the kernel must refuse (EFAULT), whatever it points to. */
static uintptr_t
bad_ptr(void)
{
	static const uintptr_t bad[] = { 0, ADDR_KERNEL, ADDR_KTEXT,
	    ADDR_NONCANON, 0xfffffffffffff000UL, 1 };

	return one_in(3) ? (uintptr_t)guard + rnd(PAGE) :
	    bad[rnd(sizeof(bad) / sizeof(bad[0]))];
}

static uint64_t
len(void)
{
	static const uint64_t odd[] = { 0, 1, 7, 4095, 4096, 4097, 65536,
	    SCRATCH_LEN / 2, 1UL << 31, 1UL << 32, 1UL << 62, -1UL, -4096UL,
	    0x7fffffffffffffffUL, (uint64_t)-1 >> 1 };

	if (one_in(3))
		return odd[rnd(sizeof(odd) / sizeof(odd[0]))];
	return rnd(SCRATCH_LEN / 2);
}

/*
 * A length for a buffer at p: memory in the arena may be a huge
 * NORESERVE mapping, where a huge length would fault in gigabytes (an
 * honest out-of-memory kill, not a finding), so there it stays small.
 */
static uint64_t
len_for(uintptr_t p)
{
	uint64_t l = len();

	if (p >= (uintptr_t)arena && p - (uintptr_t)arena < ARENA_LEN &&
	    l > (1UL << 20))
		l = rnd(1UL << 20);
	return l;
}

static uint64_t
flags(void)
{
	switch (rnd(5)) {
	case 0: return 0;
	case 1: return rnd64();
	case 2: return 1UL << rnd(64);
	default: return rnd64() & 0xfff;
	}
}

static void
fd_remember(long fd)
{
	if (fd >= 3 && fd < 1 << 20)
		me->fds[rnd(NFDS)] = (int)fd;
}

/* An fd: one of ours (never 0-2: the console stays as it is) or junk. */
static long
fd(void)
{
	static const long junk[] = { -1, -100, 1023, 1024, 65536, 0x7fffffff,
	    (long)0x80000000UL, -0x7fffffffL };

	if (one_in(8))
		return junk[rnd(sizeof(junk) / sizeof(junk[0]))];
	if (one_in(8))
		return 3 + rnd(60);
	return me->fds[rnd(NFDS)];
}

static const char *const paths[] = {
	"/", "/tmp", "/tmp/fz", "/tmp/fz/a", "/tmp/fz/b", "/tmp/fz/c/d",
	"/tmp/fz/link", "/tmp/fz/dir", "/proc/self/maps", "/proc/self/stat",
	"/proc/self/statm", "/proc/self/status", "/proc/self/cmdline",
	"/proc/self/exe", "/proc/meminfo", "/proc/cpuinfo", "/proc/self/fd",
	"/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev",
	"", ".", "..", "/tmp/fz/../fz/./a", "//tmp///fz", "/nonexistent/x",
	"/tmp/fz/a/b", "/proc", "/proc/self",
};

/* A path: a known one, a long one, or a bad pointer. */
static uintptr_t
path(void)
{
	char *s = me->scratch + SCRATCH_LEN - 8192;

	switch (rnd(10)) {
	case 0:
		return ptr(1, 0);
	case 1:		/* longer than PATH_MAX */
		memset(s, 'a', 5000);
		s[0] = '/';
		s[5000] = 0;
		return (uintptr_t)s;
	case 2:		/* a name longer than NAME_MAX */
		strcpy(s, "/tmp/fz/");
		memset(s + 8, 'n', 300);
		s[308] = 0;
		return (uintptr_t)s;
	case 3:		/* no NUL before the end of the page */
		memset(straddle, 'x', PAGE);
		return (uintptr_t)straddle + PAGE - 16;
	default:
		return (uintptr_t)paths[rnd(sizeof(paths) / sizeof(paths[0]))];
	}
}

/* A timespec pointer: short, zero, invalid, or a bad pointer. */
static uintptr_t
timeout(void)
{
	struct timespec *t = (struct timespec *)(me->scratch + SCRATCH_LEN -
	    64);

	switch (rnd(6)) {
	case 0:		/* never NULL (no timeout), never random bytes */
		return bad_ptr() | 1;
	case 1:
		t->tv_sec = 0;
		t->tv_nsec = 1000000000L + (long)rnd(5);	/* EINVAL */
		break;
	case 2:
		t->tv_sec = -1 - (long)rnd(1000);
		t->tv_nsec = 0;
		break;
	default:
		t->tv_sec = 0;
		t->tv_nsec = (long)rnd(2000000);		/* < 2 ms */
	}
	return (uintptr_t)t;
}

/* A signal set without the vital signals (or a bad pointer). */
static uintptr_t
sigmask_arg(void)
{
	uint64_t *s = (uint64_t *)(me->scratch + SCRATCH_LEN - 128);

	if (one_in(6))
		return bad_ptr();
	*s = rnd64() & ~VITAL_SIGS;
	return (uintptr_t)s;
}

static int
soft_sig(void)
{
	int n = 0;

	while (soft_sigs[n] != 0)
		n++;
	return one_in(8) ? 0 : soft_sigs[rnd(n)];
}

/* Fill scratch with garbage now and then, so structs read random. */
static void
stir(void)
{
	uint64_t *p = (uint64_t *)me->scratch;

	for (int i = 0; i < 64; i++)
		p[rnd(SCRATCH_LEN / 2 / 8)] = rnd64();
}

/* ---- Memory: the arena and what lies outside it ---- */

/* A page range inside the arena. */
static void
arena_range(uintptr_t *addr, size_t *l)
{
	size_t pages = ARENA_LEN / PAGE, n, at;

	n = one_in(4) ? 1 + rnd(pages / 2) : 1 + rnd(64);
	at = rnd(pages - n + 1);
	*addr = (uintptr_t)arena + at * PAGE;
	*l = n * PAGE;
	if (one_in(8))
		*l -= rnd(PAGE);	/* unaligned length: rounded up */
}

static void
map_remember(long addr, size_t l)
{
	int i = (int)rnd(NMAPS);

	if ((unsigned long)addr > -4096UL)
		return;
	if ((uintptr_t)addr >= (uintptr_t)arena &&
	    (uintptr_t)addr < (uintptr_t)arena + ARENA_LEN)
		return;			/* the arena is unmapped at the end */
	if (me->maps[i] != 0)
		SC(SYS_munmap, me->maps[i], me->maplen[i]);
	me->maps[i] = (uintptr_t)addr;
	me->maplen[i] = l;
}

static void
touch(uintptr_t addr, size_t l)
{
	for (size_t off = 0; off < l && off < 64 * PAGE; off += PAGE * 7)
		*(volatile char *)(addr + off) += 1;
}

static void
do_mmap(void)
{
	uintptr_t addr;
	size_t l;
	int prot = (int)rnd(8), fl = (int)flags();
	long r;

	if (one_in(4)) {		/* odd flags anywhere, never FIXED */
		uint64_t l2 = len();

		fl &= ~(MAP_FIXED | MAP_FIXED_NOREPLACE);
		r = SC(SYS_mmap, ptr(1, 0), l2, prot, fl, fd(), rnd64());
		if ((unsigned long)r <= -4096UL)
			SC(SYS_munmap, r, l2);
		return;
	}
	arena_range(&addr, &l);
	fl = MAP_PRIVATE | MAP_FIXED | (one_in(2) ? MAP_ANONYMOUS : 0) |
	    (one_in(3) ? MAP_NORESERVE : 0) | (one_in(6) ? MAP_POPULATE : 0);
	if (one_in(8))
		fl = (fl & ~MAP_PRIVATE) | MAP_SHARED;
	if (l > (1UL << 24) && (fl & MAP_POPULATE))
		fl &= ~MAP_POPULATE;
	r = SC(SYS_mmap, addr, l, prot & ~PROT_EXEC, fl,
	    (fl & MAP_ANONYMOUS) ? -1 : fd(), rnd(4) * PAGE);
	if ((unsigned long)r <= -4096UL && (prot & PROT_WRITE) &&
	    !one_in(3) && sigsetjmp(me->env, 1) == 0)
		touch(addr, l);
}

static void
do_munmap(void)
{
	uintptr_t addr;
	size_t l;

	switch (rnd(6)) {
	case 0:		/* bad ranges: unaligned, kernel, wrapping */
		SC(SYS_munmap, ptr(1, 0) | 1, len());
		SC(SYS_munmap, 0x1000, 0);
		SC(SYS_munmap, ADDR_KERNEL, PAGE);
		SC(SYS_munmap, 0xfffffffffffff000UL, 2 * PAGE);
		SC(SYS_munmap, (uintptr_t)arena, -PAGE);
		break;
	default:
		arena_range(&addr, &l);
		SC(SYS_munmap, addr, l);
	}
}

static void
do_mprotect(void)
{
	uintptr_t addr;
	size_t l;

	if (one_in(5)) {	/* unaligned, or not ours: refused */
		SC(SYS_mprotect, ptr(1, 0) | 1, len(), flags());
		SC(SYS_mprotect, ADDR_KERNEL, len(), PROT_READ);
		return;
	}
	arena_range(&addr, &l);
	SC(SYS_mprotect, addr, l, one_in(6) ? flags() : rnd(8) & ~PROT_EXEC);
}

static void
do_madvise(void)
{
	uintptr_t addr;
	size_t l;

	arena_range(&addr, &l);
	if (one_in(5))
		SC(SYS_madvise, ptr(1, 0) | 1, len(), rnd(120));
	else
		SC(SYS_madvise, addr, l, one_in(2) ? MADV_DONTNEED : rnd(30));
}

static void
do_mremap(void)
{
	uintptr_t a, b;
	size_t la, lb;
	long r;

	arena_range(&a, &la);
	arena_range(&b, &lb);
	if (a + lb > (uintptr_t)arena + ARENA_LEN)
		lb = la;		/* growing in place stays in the arena */
	switch (rnd(5)) {
	case 0:		/* move within the arena */
		r = SC(SYS_mremap, a, la, lb, MREMAP_MAYMOVE | MREMAP_FIXED,
		    b);
		break;
	case 1:		/* in place (no MAYMOVE) */
		r = SC(SYS_mremap, a, la, lb, 0, 0);
		break;
	case 2:		/* junk flags and lengths */
	{
		uint64_t nl = len();

		r = SC(SYS_mremap, one_in(2) ? bad_ptr() : a, len(), nl,
		    flags(), one_in(2) ? bad_ptr() : b);
		if ((unsigned long)r <= -4096UL &&
		    ((uintptr_t)r < (uintptr_t)arena ||
		    (uintptr_t)r >= (uintptr_t)arena + ARENA_LEN))
			SC(SYS_munmap, r, nl);		/* all of it */
		return;
	}
	default:	/* may move anywhere: remember it */
		r = SC(SYS_mremap, a, la, lb, MREMAP_MAYMOVE |
		    (one_in(4) && la == lb ? MREMAP_DONTUNMAP : 0), 0);
		map_remember(r, lb);
	}
}

/* A huge reservation, a few pages touched, /proc read, gone again. */
static void
do_huge(void)
{
	size_t l = (1UL << (38 + rnd(8)));	/* 256 GiB .. 32 TiB */
	long r = SC(SYS_mmap, 0, l, one_in(2) ? PROT_NONE :
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0);
	char buf[512];
	long f;

	if ((unsigned long)r > -4096UL)
		return;
	if (sigsetjmp(me->env, 1) == 0) {
		for (int i = 0; i < 4; i++)
			*(volatile char *)(r + rnd(l / PAGE) * PAGE) = 1;
	}
	SC(SYS_mprotect, r, l, PROT_READ);
	f = SC(SYS_open, "/proc/self/statm", O_RDONLY);
	SC(SYS_read, f, buf, sizeof(buf));
	SC(SYS_close, f);
	SC(SYS_madvise, r, l, MADV_DONTNEED);
	SC(SYS_munmap, r, l);
}

static void
do_brk(void)
{
	long cur = SC(SYS_brk, 0);

	/* Never below the current break: libc may own what is there. */
	SC(SYS_brk, one_in(2) ? cur + (long)rnd(1 << 20) : (long)rnd64());
	SC(SYS_brk, cur);
}

/* ---- Signals ---- */

static void
soft_handler(int sig)
{
	(void)sig;
}

static void
do_sigaction(void)
{
	struct {
		uintptr_t handler;
		unsigned long flags;
		uintptr_t restorer;
		uint64_t mask;
	} act, old;
	static const uintptr_t handlers[] = { 0 /* SIG_DFL */, 1, ADDR_NONCANON,
	    ADDR_KERNEL, 0x1000 };
	int sig = soft_sig();

	if (sig == 0 || one_in(4)) {	/* any signal: only read its action */
		SC(SYS_rt_sigaction, rnd(70), 0, ptr(32, 1), one_in(8) ?
		    rnd(16) : 8);
		return;
	}
	act.handler = one_in(3) ? (uintptr_t)soft_handler :
	    handlers[rnd(sizeof(handlers) / sizeof(handlers[0]))];
	act.flags = (flags() & ~SA_RESETHAND) | SA_RESTORER;
	act.restorer = one_in(4) ? ptr(1, 0) : (uintptr_t)0;
	if (act.restorer == 0) {	/* borrow libc's */
		SC(SYS_rt_sigaction, SIGSEGV, 0, &old, 8);
		act.restorer = old.restorer;
	}
	act.mask = rnd64() & ~VITAL_SIGS;	/* faults in it stay catchable */
	SC(SYS_rt_sigaction, sig, one_in(8) ? bad_ptr() : (uintptr_t)&act,
	    one_in(2) ? ptr(32, 1) : 0, 8);
}

static void
do_sigmask(void)
{
	uint64_t old;

	SC(SYS_rt_sigprocmask, rnd(4), sigmask_arg(), one_in(3) ? ptr(8, 1) :
	    (uintptr_t)&old, one_in(8) ? rnd(16) : 8);
	/* Whatever happened, the vital signals stay open. */
	old = VITAL_SIGS;
	SC(SYS_rt_sigprocmask, SIG_UNBLOCK, &old, 0, 8);
}

static void
do_kill(void)
{
	long pid = SC(SYS_getpid), tid = SC(SYS_gettid);
	static const long pids[] = { 0, -1, 1, 2, -2, 99999, 0x7fffffff,
	    -0x7fffffffL };

	switch (rnd(4)) {
	case 0:
		SC(SYS_kill, one_in(2) ? pid : pids[rnd(8)], soft_sig());
		break;
	case 1:
		SC(SYS_tkill, one_in(2) ? tid : pids[rnd(8)], soft_sig());
		break;
	case 2:
		SC(SYS_tgkill, one_in(2) ? pid : pids[rnd(8)], one_in(2) ?
		    tid : pids[rnd(8)], soft_sig());
		break;
	default:	/* invalid signal numbers */
		SC(SYS_kill, pid, 65 + rnd(1000));
		SC(SYS_kill, pid, -1);
	}
}

static void
do_sigwait(void)
{
	char info[128];

	switch (rnd(3)) {
	case 0:
		SC(SYS_rt_sigtimedwait, sigmask_arg(), one_in(3) ? ptr(128, 1) :
		    (uintptr_t)info, timeout(), one_in(8) ? rnd(16) : 8);
		break;
	case 1:
		SC(SYS_rt_sigpending, ptr(8, 1), one_in(4) ? rnd(16) : 8);
		break;
	default: {	/* sigsuspend with a signal already waiting */
		uint64_t block = 1UL << (SIGUSR2 - 1), none = 0;

		SC(SYS_rt_sigprocmask, SIG_BLOCK, &block, 0, 8);
		SC(SYS_tkill, SC(SYS_gettid), SIGUSR2);
		if (SC(SYS_rt_sigpending, &none, 8) == 0 && (none & block)) {
			none = 0;
			SC(SYS_rt_sigsuspend, &none, 8);
		}
		SC(SYS_rt_sigprocmask, SIG_UNBLOCK, &block, 0, 8);
	}
	}
}

static void
do_altstack(void)
{
	stack_t *ss = (stack_t *)(me->scratch + SCRATCH_LEN - 256);
	uint64_t all = ~VITAL_SIGS, old;

	ss->ss_sp = one_in(2) ? (void *)ptr(1, 0) : NULL;
	ss->ss_flags = one_in(2) ? 0 : (int)flags();
	ss->ss_size = one_in(2) ? len() : 0;
	/*
	 * A stack that encloses the one we run on could never be replaced
	 * (EPERM while "on" it, as Linux): keep those out.
	 */
	if ((uintptr_t)&all > (uintptr_t)ss->ss_sp &&
	    (uintptr_t)&all - (uintptr_t)ss->ss_sp <= ss->ss_size)
		ss->ss_size = rnd(PAGE);
	/* No handler may run on a bogus alternate stack meanwhile. */
	SC(SYS_rt_sigprocmask, SIG_BLOCK, &all, &old, 8);
	SC(SYS_sigaltstack, one_in(4) ? bad_ptr() : (uintptr_t)ss,
	    one_in(2) ? ptr(24, 1) : 0);
	SC(SYS_sigaltstack, &me->alt, 0);	/* ours again */
	SC(SYS_rt_sigprocmask, SIG_SETMASK, &old, 0, 8);
}

/*
 * A forged rt_sigreturn frame: the SIGUSR1 handler corrupts the context
 * it will return to (the way a debugger or an exploit would), and the
 * kernel must refuse what the CPU cannot load (SIGSEGV, caught) without
 * faulting itself.
 */
static void
on_usr1(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	fpregset_t fp = uc->uc_mcontext.fpregs;
	static const uintptr_t rips[] = { 0, ADDR_NONCANON, ADDR_KERNEL,
	    ADDR_KTEXT, 0xdead000000000000UL, 0x1000 };

	__atomic_fetch_add(&forged, 1, __ATOMIC_RELAXED);
	switch (rnd(9)) {
	case 0:
		g[REG_RIP] = (greg_t)rips[rnd(6)];
		break;
	case 1:		/* CS, GS, FS, SS packed in one word */
		g[REG_CSGSFS] = (greg_t)rnd64();
		break;
	case 2:
		/* Not DF or AC: the C code after a siglongjmp needs them clear. */
		g[REG_EFL] = (greg_t)(rnd64() & ~((1UL << 10) | (1UL << 18)));
		break;
	case 3:
		if (fp != NULL) {
			fp->mxcsr = (uint32_t)rnd64();
			fp->mxcr_mask = (uint32_t)rnd64();
		}
		break;
	case 4:		/* the XSAVE header after the legacy area */
		if (fp != NULL)
			((uint64_t *)fp)[64 + rnd(8)] = rnd64();
		break;
	case 5:
		uc->uc_mcontext.fpregs = (void *)ptr(512, 0);
		break;
	case 6:
		g[REG_RIP] = (greg_t)rips[rnd(6)];
		g[REG_RSP] = (greg_t)rnd64();
		break;
	case 7:
		uc->uc_flags = (unsigned long)rnd64();
		break;
	default:	/* leave it: a plain return must work */
		break;
	}
	/* The vital signals stay open whatever the frame says. */
	*(uint64_t *)&uc->uc_sigmask &= ~VITAL_SIGS;
}

static void
do_forge(void)
{
	if (sigsetjmp(me->env, 1) == 0)
		SC(SYS_tgkill, SC(SYS_getpid), SC(SYS_gettid), SIGUSR1);
}

/* ---- Files, descriptors and readiness ---- */

static void
do_open(void)
{
	long r;

	switch (rnd(5)) {
	case 0:
		r = SC(SYS_openat, one_in(2) ? AT_FDCWD : fd(), path(),
		    flags() | O_NONBLOCK, rnd(01000));
		break;
	case 1:
		r = SC(SYS_creat, path(), rnd(01000));
		if (r >= 0)
			fcntl((int)r, F_SETFL, O_NONBLOCK);
		break;
	default:
		r = SC(SYS_open, path(), (rnd(3) | (flags() & ~O_ACCMODE)) |
		    O_NONBLOCK, rnd(01000));
	}
	fd_remember(r);
}

static void
do_pipe(void)
{
	int p[2];

	if (one_in(4)) {
		SC(SYS_pipe, bad_ptr());	/* a pipe made here would block */
		SC(SYS_pipe2, bad_ptr(), flags());
		return;
	}
	if (SC(SYS_pipe2, p, O_NONBLOCK | (one_in(2) ? O_CLOEXEC : 0)) == 0) {
		fd_remember(p[0]);
		fd_remember(p[1]);
		if (one_in(4)) {
			SC(SYS_write, p[1], me->scratch, rnd(70000));
			SC(SYS_close, p[0]);
		}
	}
}

static void
do_eventfd(void)
{
	fd_remember(SC(SYS_eventfd2, rnd64(), (flags() & ~0x800) | 0x800));
	if (one_in(4))	/* odd flags, never a blocking eventfd */
		fd_remember(SC(SYS_eventfd2, 0, flags() | 0x800));
}

/* Several instances watching one another and some pipes. */
static void
do_epoll_nest(void)
{
	int ep[6], p[2] = { -1, -1 }, n = 2 + (int)rnd(4);
	struct epoll_event ev;

	for (int i = 0; i < n; i++)
		ep[i] = (int)SC(SYS_epoll_create1, 0);
	SC(SYS_pipe2, p, O_NONBLOCK);
	for (int i = 0; i < 3 * n; i++) {
		ev.events = (uint32_t)flags();
		ev.data.u64 = rnd64();
		SC(SYS_epoll_ctl, ep[rnd(n)], 1 + rnd(3), one_in(3) ? p[0] :
		    ep[rnd(n)], &ev);
	}
	SC(SYS_write, p[1], "x", 1);
	for (int i = 0; i < n; i++)
		SC(SYS_epoll_wait, ep[i], me->scratch, 8, 0);
	for (int i = 0; i < n; i++) {
		if (one_in(3))
			fd_remember(ep[i]);
		else
			SC(SYS_close, ep[i]);
	}
	SC(SYS_close, p[0]);
	SC(SYS_close, p[1]);
}

static void
do_epoll(void)
{
	struct epoll_event *ev = (struct epoll_event *)me->scratch;

	switch (rnd(5)) {
	case 0:
		fd_remember(SC(SYS_epoll_create1, one_in(2) ? 0 : flags()));
		break;
	case 1:
		SC(SYS_epoll_ctl, fd(), rnd(5), fd(), one_in(3) ? ptr(12, 0) :
		    (uintptr_t)ev);
		break;
	case 2:
		SC(SYS_epoll_wait, fd(), ptr(12, 1), one_in(4) ? (long)len() :
		    (long)rnd(16), rnd(3));
		break;
	case 3:
		SC(SYS_epoll_pwait, fd(), ptr(12, 1), rnd(16), rnd(2),
		    sigmask_arg(), 8);
		break;
	default:
		SC(SYS_epoll_pwait2, fd(), ptr(12, 1), rnd(16), timeout(),
		    one_in(2) ? 0 : sigmask_arg(), 8);
	}
}

static void
do_poll(void)
{
	struct pollfd *p = (struct pollfd *)me->scratch;
	int n = (int)rnd(8);

	for (int i = 0; i < n; i++) {
		p[i].fd = (int)fd();
		p[i].events = (short)rnd64();
	}
	switch (rnd(4)) {
	case 0:
		SC(SYS_poll, one_in(4) ? ptr(8, 1) : (uintptr_t)p,
		    one_in(6) ? len() : (uint64_t)n, rnd(3));
		break;
	case 1:
		SC(SYS_ppoll, one_in(4) ? ptr(8, 1) : (uintptr_t)p, n,
		    timeout(), one_in(2) ? 0 : sigmask_arg(), 8);
		break;
	case 2: {
		struct timeval *tv = (struct timeval *)(me->scratch + 4096);

		tv->tv_sec = 0;
		tv->tv_usec = (long)rnd(2000);
		SC(SYS_select, rnd(70), ptr(128, 1), ptr(128, 1), ptr(128, 1),
		    one_in(4) ? bad_ptr() | 1 : (uintptr_t)tv);
		break;
	}
	default:
	{
		/* { sigset pointer, size }: the set applies during the call,
		 * and to a handler run on its way out. */
		uint64_t *sm = (uint64_t *)(me->scratch + 4096 + 64);

		sm[0] = sigmask_arg();
		sm[1] = one_in(8) ? rnd(16) : 8;
		SC(SYS_pselect6, rnd(1100), ptr(128, 1), ptr(128, 1),
		    ptr(128, 1), timeout(), one_in(2) ? 0 : one_in(4) ?
		    bad_ptr() : (uintptr_t)sm);
	}
	}
}

static void
do_fcntl(void)
{
	long cmd = rnd(2) ? (long)rnd(50) : (long)(1024 + rnd(50));
	long arg = one_in(2) ? (long)ptr(32, 1) : (long)flags();
	struct flock *fl = (struct flock *)(me->scratch + 8192);

	if (cmd == F_SETFL)
		arg |= O_NONBLOCK;		/* nothing may block */
	if (cmd >= F_GETLK && cmd <= F_SETLKW) {
		if (cmd == F_SETLKW)
			cmd = F_SETLK;
		fl->l_type = (short)rnd(4);
		fl->l_whence = (short)rnd(4);
		fl->l_start = one_in(2) ? (long)rnd64() : (long)rnd(100);
		fl->l_len = one_in(2) ? (long)rnd64() : (long)rnd(100);
		arg = one_in(4) ? (long)ptr(32, 1) : (long)fl;
	}
	if (cmd == 38)			/* F_OFD_SETLKW: no waiting */
		cmd = 37;
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		fd_remember(SC(SYS_fcntl, fd(), cmd, arg & 0xffff));
	else
		SC(SYS_fcntl, fd(), cmd, arg);
}

static void
do_rw(void)
{
	struct iovec *iov = (struct iovec *)(me->scratch + 16384);
	int n = (int)rnd(6);

	for (int i = 0; i < n; i++) {
		iov[i].iov_base = (void *)ptr(64, 1);
		iov[i].iov_len = one_in(4) ? len_for((uintptr_t)iov[i].iov_base) :
		    rnd(4096);
	}
	uintptr_t in = ptr(64, 1), out = ptr(64, 0);

	switch (rnd(10)) {
	case 0: SC(SYS_read, fd(), in, len_for(in)); break;
	case 1: SC(SYS_write, fd(), out, len_for(out)); break;
	case 2: SC(SYS_pread64, fd(), in, len_for(in), len()); break;
	case 3: SC(SYS_pwrite64, fd(), out, len_for(out), rnd(1 << 20)); break;
	case 4: SC(SYS_readv, fd(), ptr(16, 0), one_in(4) ? len() :
		    (uint64_t)n); break;
	case 5: SC(SYS_writev, fd(), iov, n); break;
	case 6: SC(SYS_preadv, fd(), iov, n, len(), 0); break;
	case 7: SC(SYS_pwritev2, fd(), iov, n, rnd(1 << 20), 0, flags());
		break;
	case 8: SC(SYS_lseek, fd(), (long)len() * (one_in(2) ? 1 : -1),
		    rnd(6)); break;
	default: SC(SYS_preadv2, fd(), iov, n, -1, 0, flags()); break;
	}
}

static void
do_fdops(void)
{
	long r;

	switch (rnd(8)) {
	case 0:
		r = SC(SYS_dup, fd());
		fd_remember(r);
		break;
	case 1: {
		long nfd = 3 + (long)rnd(200);

		r = SC(SYS_dup3, fd(), nfd, one_in(2) ? O_CLOEXEC : flags());
		fd_remember(r);
		break;
	}
	case 2:
		SC(SYS_close, fd());
		break;
	case 3:		/* never below 3: the console stays */
		SC(SYS_close_range, 3 + rnd(100), one_in(2) ? ~0U :
		    (unsigned)(3 + rnd(100)), flags() & 6);
		break;
	case 4:
	{
		uint64_t cmd = one_in(2) ? rnd64() : 0x5400 + rnd(0x60);

		/* Not FIONBIO (fds stay non-blocking) or FIOASYNC (SIGIO). */
		if ((uint32_t)cmd == 0x5421 || (uint32_t)cmd == 0x5452)
			cmd = 0x5401;
		SC(SYS_ioctl, fd(), cmd, ptr(64, 1));
	}
		break;
	case 5:
		SC(SYS_sendfile, fd(), fd(), one_in(2) ? ptr(8, 1) : 0,
		    rnd(1 << 20));
		break;
	case 6:
		SC(SYS_copy_file_range, fd(), one_in(2) ? ptr(8, 1) : 0, fd(),
		    one_in(2) ? ptr(8, 1) : 0, rnd(1 << 20), flags() & 1);
		break;
	default:
		SC(SYS_getdents64, fd(), ptr(64, 1), len_for(0));
	}
}

static void
do_fs(void)
{
	switch (rnd(24)) {
	case 0: SC(SYS_mkdir, path(), rnd(01000)); break;
	case 1: SC(SYS_mkdirat, fd(), path(), rnd(01000)); break;
	case 2: SC(SYS_rmdir, path()); break;
	case 3: SC(SYS_unlink, path()); break;
	case 4: SC(SYS_unlinkat, AT_FDCWD, path(), flags() & 0x200); break;
	case 5: SC(SYS_rename, path(), path()); break;
	case 6: SC(SYS_renameat2, AT_FDCWD, path(), AT_FDCWD, path(),
		    flags() & 7); break;
	case 7: SC(SYS_link, path(), path()); break;
	case 8: SC(SYS_symlink, path(), path()); break;
	case 9: SC(SYS_readlink, path(), ptr(64, 1), len()); break;
	case 10: SC(SYS_chdir, one_in(2) ? "/tmp/fz" : (const char *)path());
		break;
	case 11: SC(SYS_getcwd, ptr(64, 1), len()); break;
	case 12: SC(SYS_truncate, path(), one_in(2) ? (long)rnd(1 << 20) :
		    (long)len()); break;
	case 13: SC(SYS_ftruncate, fd(), one_in(2) ? (long)rnd(1 << 20) :
		    (long)len()); break;
	case 14: SC(SYS_stat, path(), ptr(144, 1)); break;
	case 15: SC(SYS_newfstatat, fd(), path(), ptr(144, 1), flags()); break;
	case 16: SC(SYS_statx, AT_FDCWD, path(), flags(), flags(),
		    ptr(256, 1)); break;
	case 17: SC(SYS_statfs, path(), ptr(120, 1)); break;
	case 18: SC(SYS_chmod, path(), flags()); break;
	case 19: SC(SYS_fchownat, AT_FDCWD, path(), rnd(3), rnd(3), flags());
		break;
	case 20: SC(SYS_utimensat, AT_FDCWD, path(), ptr(32, 0), flags());
		break;
	case 21: SC(SYS_faccessat2, AT_FDCWD, path(), rnd(8), flags()); break;
	case 22: SC(SYS_mknod, path(), (one_in(2) ? 0010000 : 0100000) |
		    rnd(01000), 0); break;
	default: SC(SYS_fchdir, fd()); SC(SYS_chdir, "/tmp/fz"); break;
	}
}

/* ---- Everything else ---- */

static void
do_futex(void)
{
	uint32_t *w = (uint32_t *)(me->scratch + 12288);
	int op = (int)rnd(14) | (one_in(2) ? FUTEX_PRIVATE_FLAG : 0) |
	    (one_in(8) ? FUTEX_CLOCK_REALTIME : 0);
	uintptr_t uaddr = one_in(3) ? ptr(4, 0) : (uintptr_t)w;

	/* A wait needs a value that cannot match, or a short timeout. */
	*w = (uint32_t)rnd64();
	SC(SYS_futex, uaddr, one_in(6) ? (int)rnd64() : op, *w + 1,
	    timeout(), ptr(4, 0), (uint32_t)rnd64());
}

static int
clone_child(void *arg)
{
	(void)arg;
	return 0;
}

/* A raw clone: its own stack, odd flags and pointers, exits at once. */
static long
raw_clone(unsigned long fl, void *stack, int *ptid, int *ctid, long tls)
{
	register long r10 __asm__("r10") = (long)ctid;
	register long r8 __asm__("r8") = tls;
	register long r12 __asm__("r12") = (long)clone_child;
	long ret;

	__asm__ volatile(
	    "syscall\n\t"
	    "test %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    "xor %%ebp, %%ebp\n\t"
	    "call *%%r12\n\t"
	    "mov $60, %%eax\n\t"
	    "xor %%edi, %%edi\n\t"
	    "syscall\n\t"
	    "ud2\n"
	    "1:"
	    : "=a"(ret)
	    : "a"((long)SYS_clone), "D"(fl), "S"(stack), "d"(ptid),
	      "r"(r10), "r"(r8), "r"(r12)
	    : "rcx", "r11", "memory");
	return ret;
}

static void
do_clone(void)
{
	static __thread int ctid;
	unsigned long fl = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
	    CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;
	char *stack = me->landing_stack + 32768;	/* the upper half */
	struct timespec t = { 1, 0 };
	uint64_t all, old;
	long r;

	if (one_in(4)) {	/* invalid combinations: refused, no child */
		SC(SYS_clone, CLONE_THREAD | (flags() & ~(CLONE_VM |
		    CLONE_SIGHAND)), 0, ptr(4, 1), ptr(4, 1), rnd64());
		uint64_t *args = (uint64_t *)(me->scratch + 20480);

		for (int i = 0; i < 11; i++)
			args[i] = rnd64();
		/* CLONE_THREAD without CLONE_SIGHAND: always refused. */
		args[0] = (args[0] | CLONE_THREAD) & ~(uint64_t)CLONE_SIGHAND;
		SC(SYS_clone3, one_in(3) ? bad_ptr() : (uintptr_t)args,
		    one_in(2) ? len() : 88);
		return;
	}
	if (one_in(2))
		fl |= CLONE_PARENT_SETTID;
	if (one_in(3))
		fl |= CLONE_SETTLS;
	/* The child has no handlers of its own to speak of: no signals. */
	all = ~VITAL_SIGS;
	SC(SYS_rt_sigprocmask, SIG_BLOCK, &all, &old, 8);
	ctid = 1;
	r = raw_clone(fl, stack, (int *)ptr(4, 1), &ctid,
	    one_in(2) ? (long)rnd64() : 0);
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	SC(SYS_rt_sigprocmask, SIG_SETMASK, &old, 0, 8);
	if (r > 0) {		/* the stack is free once the child is gone */
		while (__atomic_load_n(&ctid, __ATOMIC_ACQUIRE) != 0)
			SC(SYS_futex, &ctid, FUTEX_WAIT, ctid, &t);
	}
}

static void
do_misc(void)
{
	char *b = me->scratch;

	switch (rnd(30)) {
	case 0: SC(SYS_uname, ptr(390, 1)); break;
	case 1: SC(SYS_sysinfo, ptr(112, 1)); break;
	case 2: {
		uintptr_t p = ptr(64, 1);

		SC(SYS_getrandom, p, one_in(4) ? len_for(p) : rnd(512),
		    flags() & 7);
		break;
	}
	case 3: SC(SYS_clock_gettime, rnd(16) - 4, ptr(16, 1)); break;
	case 4: SC(SYS_clock_getres, rnd(16) - 4, ptr(16, 1)); break;
	case 5: SC(SYS_gettimeofday, ptr(16, 1), ptr(8, 1)); break;
	case 6: SC(SYS_nanosleep, timeout(), ptr(16, 1)); break;
	case 7: SC(SYS_clock_nanosleep, rnd(12), flags() & 1, timeout(),
		    ptr(16, 1)); break;
	case 8: SC(SYS_times, ptr(32, 1)); break;
	case 9: SC(SYS_getrusage, rnd(4) - 1, ptr(144, 1)); break;
	case 10: {	/* limits: read, or soft within the current hard */
		long res = 2 + (long)rnd(14);	/* not CPU or FSIZE: fatal */
		struct { uint64_t cur, max; } l;

		if (SC(SYS_prlimit64, 0, res, 0, &l) == 0 && one_in(3)) {
			l.cur = rnd(l.max == -1UL ? 1UL << 40 : l.max + 1);
			if (res == 7 || res == 9 || res == 3)
				l.cur = l.max;	/* keep NOFILE, AS, STACK */
			SC(SYS_prlimit64, 0, res, &l, ptr(16, 1));
		} else {
			SC(SYS_getrlimit, rnd(20), ptr(16, 1));
			SC(SYS_prlimit64, rnd(3) ? 0 : (long)rnd64(), rnd(20),
			    bad_ptr() | 1, ptr(16, 1));
		}
		break;
	}
	case 11: SC(SYS_sched_getaffinity, 0, len(), ptr(8, 1)); break;
	case 12: SC(SYS_sched_setaffinity, 0, len(), ptr(8, 0)); break;
	case 13: SC(SYS_sched_yield); break;
	case 14: {	/* prctl: not the options that change the process */
		long opt = (long)rnd(66);

		/* Not SECCOMP, TSC, MM, PDEATHSIG, syscall user dispatch. */
		if (opt == 22 || opt == 26 || opt == 35 || opt == 1 ||
		    opt == 59)
			opt = 16;
		SC(SYS_prctl, opt, one_in(2) ? ptr(16, 1) : flags(), flags(),
		    flags(), flags());
		break;
	}
	case 15: {	/* FS base stays musl's; GS is free */
		static const long codes[] = { 0x1001 /* SET_GS */, 0x1003,
		    0x1004, 0x3001, 0x2001, 0x1012, 0x4001 };

		SC(SYS_arch_prctl, codes[rnd(7)], ptr(8, 1));
		SC(SYS_arch_prctl, 0x1001, 0);
		break;
	}
	case 16: SC(SYS_arch_prctl, rnd64(), ptr(8, 1)); break;
	case 17: SC(SYS_set_robust_list, ptr(24, 0) | 1, one_in(2) ? 24 :
		    len()); break;
	case 18: SC(SYS_get_robust_list, rnd(3) ? 0 : (long)rnd64(),
		    ptr(8, 1), ptr(8, 1)); break;
	case 19: SC(SYS_umask, rnd(01000)); break;
	case 20: SC(SYS_getgroups, rnd(70) - 2, ptr(256, 1)); break;
	case 21: SC(SYS_setgroups, rnd(70) - 2, ptr(256, 0)); break;
	case 22: SC(SYS_setpgid, rnd(3), rnd(3)); SC(SYS_getpgid, rnd(3));
		SC(SYS_getsid, rnd(3)); break;
	case 23: SC(SYS_getresuid, ptr(4, 1), ptr(4, 1), ptr(4, 1)); break;
	/*
	 * Real and effective uid wander between 0 and 1, but the saved uid
	 * stays 0, so clean-up can take root back: a fuzzer that gave up
	 * root for good could not remove its files (Linux's rules too).
	 */
	case 24: SC(SYS_setresuid, rnd(3) - 1, rnd(3) - 1, -1);
		SC(SYS_setreuid, -1, -1); break;
	case 25: SC(SYS_fadvise64, fd(), len(), len(), rnd(8)); break;
	case 26: SC(SYS_fallocate, fd(), rnd(4), rnd(1 << 20), len()); break;
	case 27: SC(SYS_fsync, fd()); SC(SYS_fdatasync, fd());
		SC(SYS_syncfs, fd()); break;
	case 28: SC(SYS_time, ptr(8, 1)); break;
	default:	/* numbers no x86_64 kernel or Cloister implements */
		SC(one_in(2) ? 335 + (long)rnd(89) : one_in(2) ?
		    512 + (long)rnd(1000) : (long)rnd64(), rnd64(), rnd64(),
		    rnd64());
		(void)b;
	}
}

/* ---- The worker loop ---- */

static void (*const ops[])(void) = {
	do_mmap, do_mmap, do_munmap, do_mprotect, do_madvise, do_mremap,
	do_brk, do_sigaction, do_sigmask, do_kill, do_sigwait, do_altstack,
	do_forge, do_forge, do_open, do_open, do_pipe, do_eventfd,
	do_epoll, do_epoll_nest, do_poll, do_fcntl, do_rw, do_rw, do_rw,
	do_fdops, do_fdops, do_fs, do_fs, do_futex, do_clone, do_misc,
	do_misc, do_misc,
};
#define NOPS	(sizeof(ops) / sizeof(ops[0]))

static void
fpu_sane(void)
{
	uint32_t mxcsr = 0x1f80;

	__asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
}

/* Faults anywhere in a worker land here: back to the loop. */
static void
on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	__atomic_fetch_add(&faults, 1, __ATOMIC_RELAXED);
	if (me != NULL && me->have_env)
		siglongjmp(me->env, sig);
	say("sysfuzz: signal %d outside a worker\n", sig);
	syscall(SYS_exit_group, 3);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	int i;

	me = w;
	/*
	 * Wait until every thread exists: a stack mapped while others fuzz
	 * could land in a hole of the arena and be mapped over.
	 */
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		sched_yield();
	sigprocmask(SIG_SETMASK, &(sigset_t){ 0 }, NULL);
	sigaltstack(&w->alt, NULL);
	w->have_env = 1;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		if (sigsetjmp(w->env, 1) != 0) {
			fpu_sane();
			SC(SYS_sigaltstack, &w->alt, 0);
		}
		if (one_in(64))
			stir();
		i = (int)rnd(NOPS);
		if (one_in(400)) {
			w->last_op = -1;
			do_huge();
		} else {
			w->last_op = i;
			ops[i]();
		}
	}
	w->have_env = 0;
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- Set-up, the clock, clean-up ---- */

static void
handle(int sig, void (*fn)(int, siginfo_t *, void *), int fl)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | fl;
	sigaction(sig, &sa, NULL);
}

static void
setup_memory(void)
{
	char *p;

	arena = mmap(NULL, ARENA_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0);
	/* ro_page | straddle | guard (unmapped) */
	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED || p == MAP_FAILED) {
		say("sysfuzz: no memory for the arena\n");
		exit(2);
	}
	ro_page = p;
	straddle = p + PAGE;
	guard = p + 2 * PAGE;
	memset(ro_page, 0, PAGE);
	mprotect(ro_page, PAGE, PROT_READ);
	munmap(guard, PAGE);
}

static uint64_t
free_pages(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return (uint64_t)si.freeram * si.mem_unit / PAGE;
}

/*
 * A /proc/meminfo figure in kB, or -1: Slab (Cloister's kernel heap) and
 * Shmem (its file data pages) say what the kernel holds for files,
 * descriptors and the like, beside the free pages.
 */
static long
meminfo_kb(const char *key)
{
	char buf[4096], *p;
	long fd = syscall(SYS_open, "/proc/meminfo", O_RDONLY), n;
	size_t klen = strlen(key);

	n = fd >= 0 ? syscall(SYS_read, fd, buf, sizeof(buf) - 1) : -1;
	syscall(SYS_close, fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (p = buf; p != NULL && *p != 0; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL)
		if (strncmp(p, key, klen) == 0 && p[klen] == ':')
			return strtol(p + klen + 1, NULL, 10);
	return -1;
}

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

struct dent64 {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
	char name[];
};

/*
 * Call fn on every name of directory dfd but "." and "..", from the
 * start; returns how many calls returned 1.
 */
static long
for_names(long dfd, int (*fn)(long, const struct dent64 *, void *),
    void *arg)
{
	char buf[4096];
	long n, hits = 0;

	syscall(SYS_lseek, dfd, 0, SEEK_SET);
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			const struct dent64 *d = (const void *)(buf + off);

			off += d->reclen;
			if (strcmp(d->name, ".") != 0 &&
			    strcmp(d->name, "..") != 0)
				hits += fn(dfd, d, arg);
		}
	}
	return hits;
}

static void remove_tree(int at, const char *dir, int depth);

static int
remove_one(long dfd, const struct dent64 *d, void *arg)
{
	int depth = arg != NULL ? *(const int *)arg : 0;

	if (d->type == DT_DIR)
		remove_tree((int)dfd, d->name, depth + 1);
	return syscall(SYS_unlinkat, dfd, d->name,
	    d->type == DT_DIR ? AT_REMOVEDIR : 0) == 0;
}

/* Remove what the workers left under dir (its files hold memory). */
static void
remove_tree(int at, const char *dir, int depth)
{
	long dfd;

	if (depth > 16)
		return;
	dfd = syscall(SYS_openat, at, dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return;
	for (int round = 0; round < 64; round++)
		if (for_names(dfd, remove_one, &depth) == 0)
			break;
	syscall(SYS_close, dfd);
}

/*
 * / and /dev as the run found them.  Root may make names there (unlink
 * /dev/null, then creat it; creat a path of random bytes from /), though
 * no rename or link can bring one in from /tmp when it is another file
 * system (/dev): clean-up removes the new ones.
 */
#define SEEN_NAMES	128
static struct {
	const char *dir;
	char name[32];
	uint64_t ino;
} seen[SEEN_NAMES];
static int nseen;

static int
remember(long dfd, const struct dent64 *d, void *arg)
{
	if (nseen == SEEN_NAMES || strlen(d->name) >= sizeof(seen[0].name))
		return 0;
	seen[nseen].dir = arg;
	strcpy(seen[nseen].name, d->name);
	seen[nseen++].ino = d->ino;
	return 1;
}

/* Is d a name of dir the run made (any name, for /tmp)? */
static bool
made(const char *dir, const struct dent64 *d)
{
	for (int i = 0; i < nseen; i++)
		if (strcmp(seen[i].dir, dir) == 0 && seen[i].ino == d->ino &&
		    strcmp(seen[i].name, d->name) == 0)
			return false;
	return true;
}

static int
remove_made(long dfd, const struct dent64 *d, void *arg)
{
	return made(arg, d) && remove_one(dfd, d, NULL);
}

static int
say_left(long dfd, const struct dent64 *d, void *arg)
{
	if (!made(arg, d))
		return 0;
	say("sysfuzz: clean-up left %s/%.40s\n", (const char *)arg, d->name);
	return 1;
}

static void
on_dir(const char *dir, int (*fn)(long, const struct dent64 *, void *),
    void *arg)
{
	long dfd = syscall(SYS_open, dir, O_RDONLY | O_DIRECTORY);

	if (dfd < 0)
		return;
	for_names(dfd, fn, arg);
	syscall(SYS_close, dfd);
}

/* What the process still holds after clean-up, to tell a leak apart. */
static void
report_left(void)
{
	char buf[4096];
	long fd = syscall(SYS_open, "/proc/self/statm", O_RDONLY), n;

	n = fd >= 0 ? syscall(SYS_read, fd, buf, sizeof(buf) - 1) : -1;
	syscall(SYS_close, fd);
	if (n > 0) {
		buf[n] = 0;
		say("sysfuzz: statm at end: %s", buf);
	}
}

static void
stuck_report(struct worker *w)
{
	char link[64], target[128] = "";
	long n;

	snprintf(link, sizeof(link), "/proc/self/fd/%ld", w->last_a0);
	n = syscall(SYS_readlink, link, target, sizeof(target) - 1);
	if (n > 0)
		target[n] = 0;
	say("sysfuzz: worker %d stuck: op %d, syscall %ld (%ld: %s, flags "
	    "%#lx)\n", w->id, w->last_op, w->last_nr, w->last_a0, target,
	    syscall(SYS_fcntl, w->last_a0, F_GETFL));
}

static struct stat dev0_st;	/* /dev at the start */

static void
cleanup(void)
{
	struct stat dev1;

	for (int t = 0; t < nworkers; t++) {
		struct worker *w = &workers[t];

		for (int i = 0; i < NMAPS; i++)
			if (w->maps[i] != 0)
				munmap((void *)w->maps[i], w->maplen[i]);
		munmap(w->alt.ss_sp, ALTSTACK_LEN);
		munmap(w->scratch, SCRATCH_LEN);
		munmap(w->landing_stack, 65536);
	}
	munmap(arena, ARENA_LEN);
	syscall(SYS_close_range, 3, ~0U, 0);
	syscall(SYS_setresuid, 0, 0, 0);	/* the saved uid is root */
	syscall(SYS_umask, 022);
	chdir("/");
	remove_tree(AT_FDCWD, "/tmp", 0);	/* inside Cloister only */
	if (stat("/dev", &dev1) != 0 || dev1.st_ino != dev0_st.st_ino ||
	    dev1.st_dev != dev0_st.st_dev)
		say("sysfuzz: clean-up left /dev replaced (it is a mount)\n");
	for (int i = 0; i < 2; i++) {
		const char *dir = i == 0 ? "/" : "/dev";

		on_dir(dir, remove_made, (void *)dir);
		on_dir(dir, say_left, (void *)dir);
	}
	on_dir("/tmp", say_left, "/tmp");
}

int
main(int argc, char **argv)
{
	double start, end, next;
	uint64_t pages0;
	long seconds, heap0, shmem0;
	static struct worker mainw;
	struct utsname u;

	if (argc < 3) {
		say("usage: sysfuzz SEED SECONDS [THREADS]\n");
		return 2;
	}
	/* It unlinks and renames at random: never on a real machine. */
	uname(&u);
	if (strstr(u.release, "cloister") == NULL &&
	    (argc < 5 || strcmp(argv[4], "--not-cloister-ok") != 0)) {
		say("sysfuzz: runs only inside Cloister (uname -r: %s)\n",
		    u.release);
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	seconds = atol(argv[2]);
	if (argc > 3)
		nworkers = atol(argv[3]);
	if (nworkers < 1 || nworkers > MAX_THREADS)
		nworkers = 4;
	pages0 = free_pages();
	stat("/dev", &dev0_st);
	on_dir("/", remember, "/");
	on_dir("/dev", remember, "/dev");
	heap0 = meminfo_kb("Slab");
	shmem0 = meminfo_kb("Shmem");
	say("sysfuzz: seed=%llu seconds=%ld threads=%ld\n",
	    (unsigned long long)seed, seconds, nworkers);
	say("sysfuzz: free pages at start %llu\n", (unsigned long long)pages0);
	say("sysfuzz: kernel heap at start %ld kB, file data %ld kB\n",
	    heap0, shmem0);
	me = &mainw;
	signal(SIGPIPE, SIG_IGN);
	handle(SIGSEGV, on_fault, SA_ONSTACK | SA_NODEFER);
	handle(SIGBUS, on_fault, SA_ONSTACK | SA_NODEFER);
	handle(SIGILL, on_fault, SA_ONSTACK | SA_NODEFER);
	handle(SIGFPE, on_fault, SA_ONSTACK | SA_NODEFER);
	handle(SIGTRAP, on_fault, SA_ONSTACK | SA_NODEFER);
	handle(SIGSYS, on_fault, SA_ONSTACK | SA_NODEFER);
	handle(SIGUSR1, on_usr1, 0);
	signal(SIGUSR2, soft_handler);
	{	/* signals are the workers' business */
		uint64_t all = ~VITAL_SIGS;

		syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, 8);
	}
	setup_memory();
	mkdir("/tmp", 0777);
	mkdir("/tmp/fz", 0777);
	for (int t = 0; t < nworkers; t++) {
		struct worker *w = &workers[t];

		w->id = t;
		w->rng = seed * 0x100000001b3ULL + (uint64_t)t;
		w->scratch = mmap(NULL, SCRATCH_LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		w->landing_stack = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		w->alt.ss_sp = mmap(NULL, ALTSTACK_LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		w->alt.ss_size = ALTSTACK_LEN;
		w->alt.ss_flags = 0;
		for (int i = 0; i < NFDS; i++)
			w->fds[i] = -1;
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			say("sysfuzz: pthread_create failed\n");
			return 2;
		}
	}
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	start = now();
	end = start + seconds;
	next = start + 1;
	while (now() < end) {
		struct timespec t = { 0, 100 * 1000 * 1000 };

		nanosleep(&t, NULL);
		if (now() >= next) {
			say("sysfuzz: progress t=%.0fs calls=%ld faults=%ld "
			    "forged=%ld\n", now() - start,
			    __atomic_load_n(&calls, __ATOMIC_RELAXED),
			    __atomic_load_n(&faults, __ATOMIC_RELAXED),
			    __atomic_load_n(&forged, __ATOMIC_RELAXED));
			next += 1;
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	/* A worker that does not finish is a hang: say where it is. */
	for (int t = 0; t < nworkers; t++) {
		struct worker *w = &workers[t];
		struct timespec tick = { 0, 100 * 1000 * 1000 };

		for (int n = 0; !__atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
		    n++) {
			nanosleep(&tick, NULL);
			if (n % 50 == 49)
				stuck_report(w);
		}
		pthread_join(w->thread, NULL);
	}
	cleanup();
	say("sysfuzz: done seed=%llu calls=%ld faults=%ld forged=%ld\n",
	    (unsigned long long)seed, calls, faults, forged);
	say("sysfuzz: free pages at end %llu\n",
	    (unsigned long long)free_pages());
	say("sysfuzz: kernel heap at end %ld kB, file data %ld kB\n",
	    meminfo_kb("Slab"), meminfo_kb("Shmem"));
	/* The image's files it mapped keep a copy in the page cache. */
	say("sysfuzz: page cache at end %ld kB\n",
	    meminfo_kb("Cached") - meminfo_kb("Shmem"));
	report_left();
	return 0;
}
