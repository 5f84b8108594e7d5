/*
 * Helpers shared by the test guests; see guest.h.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "guest.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static int npassed;
static int nfailed;

long
guest_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ volatile ("syscall"
	    : "=a" (ret)
	    : "a" (nr), "D" (a1), "S" (a2), "d" (a3), "r" (r10), "r" (r8),
	      "r" (r9)
	    : "rcx", "r11", "memory");
	return ret;
}

void
out(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int len;
	long done, n;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len > (int)sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	for (done = 0; done < len; done += n) {
		n = SYS3(SYS_write, 1, buf + done, len - done);
		if (n <= 0)
			return;
	}
}

const char *
errname(long err)
{
	static const char *const names[] = {
		[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH",
		[EINTR] = "EINTR", [EIO] = "EIO", [E2BIG] = "E2BIG",
		[EBADF] = "EBADF", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
		[EACCES] = "EACCES", [EFAULT] = "EFAULT", [EBUSY] = "EBUSY",
		[EEXIST] = "EEXIST", [ENODEV] = "ENODEV", [EINVAL] = "EINVAL",
		[ENOTTY] = "ENOTTY", [ESPIPE] = "ESPIPE", [ERANGE] = "ERANGE",
		[ENOSYS] = "ENOSYS", [EOVERFLOW] = "EOVERFLOW",
		[EOPNOTSUPP] = "EOPNOTSUPP", [ELOOP] = "ELOOP",
		[EDEADLK] = "EDEADLK",
	};
	static char other[24];

	if (err < 0)
		err = -err;
	if (err < (long)(sizeof(names) / sizeof(names[0])) &&
	    names[err] != NULL)
		return names[err];
	snprintf(other, sizeof(other), "E%ld", err);
	return other;
}

static void
record(int ok)
{
	if (ok)
		npassed++;
	else
		nfailed++;
}

void
check(const char *what, int ok)
{
	out("%s: %s\n", what, ok ? "ok" : "FAILED");
	record(ok);
}

void
expect_ok(const char *what, long ret)
{
	out("%s: %s\n", what, IS_ERR(ret) ? errname(ret) : "ok");
	record(!IS_ERR(ret));
}

void
expect_err(const char *what, long ret, int err)
{
	out("%s: %s\n", what, IS_ERR(ret) ? errname(ret) : "success");
	record(ret == -err);
}

void
expect_val(const char *what, long ret, long want)
{
	if (IS_ERR(ret))
		out("%s: %s\n", what, errname(ret));
	else
		out("%s: %ld\n", what, ret);
	record(ret == want);
}

/*
 * Pages for the bad-pointer battery, made once: [ro][none][hole][rw][hole].
 * The last rw page is followed by a hole, so an object placed at its end
 * straddles into unmapped memory.
 */
static char *bad_base;

static void
bad_pages_init(void)
{
	char *p;

	if (bad_base != NULL)
		return;
	p = (char *)SYS6(SYS_mmap, 0, 5 * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (IS_ERR((long)p)) {
		out("bad pages: mmap %s\n", errname((long)p));
		return;
	}
	memset(p, 0x5a, 5 * PAGE);
	SYS3(SYS_mprotect, p, PAGE, PROT_READ);
	SYS3(SYS_mprotect, p + PAGE, PAGE, PROT_NONE);
	SYS2(SYS_munmap, p + 2 * PAGE, PAGE);
	SYS2(SYS_munmap, p + 4 * PAGE, PAGE);
	bad_base = p;
}

void
expect_efault_all(const char *what, long (*fn)(void *p), size_t size,
    int flags)
{
	char label[128];
	size_t off;

	bad_pages_init();
	off = size < PAGE ? PAGE - size : 0;
	struct {
		const char *name;
		void *p;
	} cases[] = {
		{ "NULL", NULL },
		{ "kernel", (void *)ADDR_KERNEL },
		{ "ktext", (void *)ADDR_KTEXT },
		{ "noncanonical", (void *)ADDR_NONCANON },
		{ "unmapped", bad_base + 2 * PAGE },
		{ "PROT_NONE", bad_base + PAGE },
		{ "straddle", size > 1 ? bad_base + 3 * PAGE + off + 1 : NULL },
		{ "read-only", flags & PTR_OUT ? bad_base : NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].p == NULL && (i != 0 || flags & PTR_NULL_OK))
			continue;
		snprintf(label, sizeof(label), "%s(%s)", what, cases[i].name);
		expect_err(label, fn(cases[i].p), EFAULT);
	}
}

void *
map_anon(void *hint, size_t len, int prot, int extra_flags)
{
	long ret;

	ret = SYS6(SYS_mmap, hint, len, prot,
	    MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
	return IS_ERR(ret) ? NULL : (void *)ret;
}

int
probe_read(void *p)
{
	return SYS2(SYS_nanosleep, p, NULL) != -EFAULT;
}

int
probe_write(void *p)
{
	return SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, p) != -EFAULT;
}

int
is_mapped(void *addr, size_t len)
{
	long ret;

	ret = SYS6(SYS_mmap, addr, len, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (ret == -EEXIST)
		return 1;
	if (!IS_ERR(ret)) {
		if ((void *)ret == addr) {
			SYS2(SYS_munmap, ret, len);
			return 0;
		}
		/* A kernel without MAP_FIXED_NOREPLACE took it as a hint. */
		SYS2(SYS_munmap, ret, len);
		return 1;
	}
	return -1;
}

void
expect_death(const char *what, int sig)
{
	static const char *const names[] = {
		[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP",
		[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
		[SIGSEGV] = "SIGSEGV",
	};

	out("%s: expected exit status %d (%s)\n", what, 128 + sig,
	    sig < (int)(sizeof(names) / sizeof(names[0])) && names[sig] ?
	    names[sig] : "?");
}

int
finish(void)
{
	out("checks: %d passed, %d failed\n", npassed, nfailed);
	return nfailed == 0 ? 0 : 1;
}

long
guest_raw_clone(unsigned long flags, void *stack_top, int *ptid, int *ctid,
    int (*fn)(void *), void *arg)
{
	register long r10 __asm__("r10") = (long)ctid;
	register long r8 __asm__("r8") = 0;
	register long r12 __asm__("r12") = (long)fn;
	register long r13 __asm__("r13") = (long)arg;
	long ret;

	__asm__ volatile(
	    "syscall\n\t"
	    "test %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    "xor %%ebp, %%ebp\n\t"
	    "mov %%r13, %%rdi\n\t"
	    "call *%%r12\n\t"
	    "mov %%eax, %%edi\n\t"
	    "mov $60, %%eax\n\t"
	    "syscall\n\t"
	    "ud2\n"
	    "1:"
	    : "=a" (ret)
	    : "a" ((long)SYS_clone), "D" (flags), "S" (stack_top), "d" (ptid),
	      "r" (r10), "r" (r8), "r" (r12), "r" (r13)
	    : "rcx", "r11", "memory");
	return ret;
}

int
all_bytes(const char *p, size_t len, char c)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

long
guest_now_ns(int clock)
{
	struct timespec ts;

	guest_syscall(SYS_clock_gettime, clock, (long)&ts, 0, 0, 0, 0);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

void
guest_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (guest_syscall(SYS_nanosleep, (long)&ts, (long)&ts, 0, 0, 0,
	    0) == -EINTR)
		;
}

long
guest_settime(long nr, int id, int flags, long value_ns, long interval_ns,
    void *old)
{
	struct timespec its[2] = {
		{ interval_ns / 1000000000L, interval_ns % 1000000000L },
		{ value_ns / 1000000000L, value_ns % 1000000000L },
	};

	return guest_syscall(nr, id, flags, (long)its, (long)old, 0, 0);
}

long
guest_ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

long
guest_read_file(const char *path, char *buf, long size)
{
	long fd, n, total = 0;

	buf[0] = '\0';
	fd = SYS4(SYS_openat, AT_FDCWD, path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	while ((n = SYS3(SYS_read, fd, buf + total, 100)) > 0 &&
	    total + n < size - 100)
		total += n;
	buf[total] = '\0';
	SYS1(SYS_close, fd);
	return n < 0 ? n : total;
}
