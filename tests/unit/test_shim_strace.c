/*
 * test_shim_strace.c: shim/strace.c's lines, captured from the mock's
 * klog (which writes "[klog] LINE\n" to stderr when UNIT_VERBOSE is set;
 * stderr is swapped for a memory stream meanwhile).  Decoded arguments,
 * strings and buffers from user memory, errors, calls that never return,
 * unknown calls and errno values.
 */
#include "shim/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/mock_user.h"

#include <stdlib.h>

#define U_RW		0x10000000ull
#define U_HOLE		(U_RW + 2 * PAGE_SIZE)

static char *cap_buf;
static size_t cap_len;
static FILE *cap_saved;

static void
cap_begin(void)
{
	fflush(stderr);
	cap_saved = stderr;
	free(cap_buf);
	cap_buf = NULL;
	stderr = open_memstream(&cap_buf, &cap_len);
	setenv("UNIT_VERBOSE", "1", 1);
}

static const char *
cap_end(void)
{
	fclose(stderr);
	stderr = cap_saved;
	unsetenv("UNIT_VERBOSE");
	return cap_buf;
}

/* Trace one call (entry and exit); returns what was logged. */
static const char *
trace(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4, uint64_t a5, long ret)
{
	const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };

	cap_begin();
	strace_enter(nr, args);
	strace_exit(nr, args, ret);
	return cap_end();
}

#define T0(nr, ret)			trace(nr, 0, 0, 0, 0, 0, 0, ret)
#define T1(nr, a, ret)			trace(nr, a, 0, 0, 0, 0, 0, ret)
#define T2(nr, a, b, ret)		trace(nr, a, b, 0, 0, 0, 0, ret)
#define T3(nr, a, b, c, ret)		trace(nr, a, b, c, 0, 0, 0, ret)
#define T4(nr, a, b, c, d, ret)		trace(nr, a, b, c, d, 0, 0, ret)

/* Why a line differs, for the log. */
static bool
is_line(const char *got, const char *want)
{
	char full[1024];

	snprintf(full, sizeof(full), "[klog] %s\n", want);
	if (strcmp(got, full) == 0)
		return true;
	printf("# got:  %s# want: %s", got, full);
	return false;
}

static void
setup(void)
{
	mock_user_reset();
	CHECK(plat_user_map_zero(U_RW, PROT_READ | PROT_WRITE) == 0);
	CHECK(plat_user_map_zero(U_RW + PAGE_SIZE, PROT_READ | PROT_WRITE)
	    == 0);
	strace_on = true;
}

static char *
uptr(uint64_t u)
{
	return (char *)plat_user_page(u & ~(PAGE_SIZE - 1)) +
	    (u & (PAGE_SIZE - 1));
}

static void
test_write_read(void)
{
	char *b;

	setup();
	b = uptr(U_RW);
	memcpy(b, "hello\n\t\"q\"\\", 12);
	CHECK(is_line(T3(SYS_write, 1, U_RW, 6, 6),
	    "write(1, \"hello\\n\", 6) = 6"));
	CHECK(is_line(T3(SYS_write, 1, U_RW, 11, 11),
	    "write(1, \"hello\\n\\t\\\"q\\\"\\\\\", 11) = 11"));
	memset(b, 'a', 40);
	CHECK(is_line(T3(SYS_write, 2, U_RW, 40, 40),
	    "write(2, \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"..., 40) = 40"));
	CHECK(is_line(T3(SYS_write, 1, U_HOLE, 5, -EFAULT),
	    "write(1, 0x10002000, 5) = -1 EFAULT (Bad address)"));
	CHECK(is_line(T3(SYS_write, 1, U_HOLE - 2, 5, -EFAULT),
	    "write(1, 0x10001ffe, 5) = -1 EFAULT (Bad address)"));
	memcpy(b, "ab\0" "7\001\377x", 7);
	CHECK(is_line(T3(SYS_read, 0, U_RW, 100, 6),
	    "read(0, \"ab\\0007\\1\\377\", 100) = 6"));
	CHECK(is_line(T3(SYS_read, 0, U_RW, 100, 0),
	    "read(0, \"\", 100) = 0"));
	CHECK(is_line(T3(SYS_read, 0, U_RW, 10, -EAGAIN),
	    "read(0, 0x10000000, 10) = -1 EAGAIN (Resource temporarily "
	    "unavailable)"));
}

static void
test_memory_flags(void)
{
	setup();
	CHECK(is_line(trace(SYS_mmap, 0, 4096, 3, 0x22, -1, 0,
	    0x7f0000000000),
	    "mmap(NULL, 0x1000, PROT_READ|PROT_WRITE, "
	    "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000"));
	CHECK(is_line(trace(SYS_mmap, 0x400000, 8192, 5, 0x100012, 3,
	    0x2000, -EEXIST),
	    "mmap(0x400000, 0x2000, PROT_READ|PROT_EXEC, "
	    "MAP_PRIVATE|MAP_FIXED|MAP_FIXED_NOREPLACE, 3, 0x2000) = -1 "
	    "EEXIST (File exists)"));
	CHECK(is_line(T3(SYS_mprotect, 0x1000, 0x1000, 0, 0),
	    "mprotect(0x1000, 0x1000, PROT_NONE) = 0"));
	CHECK(is_line(T3(SYS_mprotect, 0x1000, 0x1000, 0x11, 0),
	    "mprotect(0x1000, 0x1000, PROT_READ|0x10) = 0"));
	CHECK(is_line(T1(SYS_brk, 0, 0x555555559000),
	    "brk(NULL) = 0x555555559000"));
	CHECK(is_line(trace(SYS_mmap, 0, 4096, 3, 0x40000022, -1, 0, 1),
	    "mmap(NULL, 0x1000, PROT_READ|PROT_WRITE, "
	    "MAP_PRIVATE|MAP_ANONYMOUS|0x40000000, -1, 0) = 0x1"));
}

static void
test_paths(void)
{
	char *b;

	setup();
	b = uptr(U_RW);
	strcpy(b, "/etc/x");
	CHECK(is_line(T4(SYS_openat, -100, U_RW, 02000000, 0, -ENOENT),
	    "openat(AT_FDCWD, \"/etc/x\", O_RDONLY|O_CLOEXEC, 0) = -1 ENOENT "
	    "(No such file or directory)"));
	CHECK(is_line(T3(SYS_open, U_RW, 01101, 0644, 3),
	    "open(\"/etc/x\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3"));
	CHECK(is_line(T3(SYS_open, U_HOLE, 2, 0, -EFAULT),
	    "open(0x10002000, O_RDWR, 0) = -1 EFAULT (Bad address)"));
	CHECK(is_line(T3(SYS_open, 0, 0, 0, -EFAULT),
	    "open(NULL, O_RDONLY, 0) = -1 EFAULT (Bad address)"));
	memset(b, 'p', 50);
	b[50] = '\0';
	CHECK(is_line(T3(SYS_open, U_RW, 0, 0, -ENAMETOOLONG),
	    "open(\"pppppppppppppppppppppppppppppppp\"..., O_RDONLY, 0) = -1 "
	    "ENAMETOOLONG (File name too long)"));
	/* A string cut short by the hole. */
	memcpy(uptr(U_HOLE - 3), "xyz", 3);
	CHECK(is_line(T3(SYS_open, U_HOLE - 3, 0, 0, -EFAULT),
	    "open(\"xyz\"..., O_RDONLY, 0) = -1 EFAULT (Bad address)"));
	memcpy(uptr(U_HOLE - 3), "xy", 3);
	CHECK(is_line(T3(SYS_open, U_HOLE - 3, 0, 0, 3),
	    "open(\"xy\", O_RDONLY, 0) = 3"));
}

static void
test_my_calls(void)
{
	int64_t *ts;

	setup();
	ts = (int64_t *)uptr(U_RW);
	ts[0] = 1;
	ts[1] = 500;
	CHECK(is_line(T2(SYS_clock_gettime, 1, U_RW, 0),
	    "clock_gettime(CLOCK_MONOTONIC, 0x10000000) = 0"));
	CHECK(is_line(T2(SYS_clock_gettime, -6, U_RW, -EINVAL),
	    "clock_gettime(-6, 0x10000000) = -1 EINVAL (Invalid argument)"));
	CHECK(is_line(T2(SYS_clock_getres, 10, 0, -EINVAL),
	    "clock_getres(10, NULL) = -1 EINVAL (Invalid argument)"));
	CHECK(is_line(T2(SYS_nanosleep, U_RW, 0, 0),
	    "nanosleep({tv_sec=1, tv_nsec=500}, NULL) = 0"));
	CHECK(is_line(T4(SYS_clock_nanosleep, 0, 1, U_RW, 0, 0),
	    "clock_nanosleep(CLOCK_REALTIME, 1, {tv_sec=1, tv_nsec=500}, "
	    "NULL) = 0"));
	CHECK(is_line(T2(SYS_arch_prctl, 0x1002, 0x4c5000, 0),
	    "arch_prctl(ARCH_SET_FS, 0x4c5000) = 0"));
	CHECK(is_line(T2(SYS_arch_prctl, 0x1234, 0, -EINVAL),
	    "arch_prctl(0x1234, 0) = -1 EINVAL (Invalid argument)"));
	CHECK(is_line(T4(SYS_prlimit64, 0, 7, 0, U_RW, 0),
	    "prlimit64(0, RLIMIT_NOFILE, NULL, 0x10000000) = 0"));
	CHECK(is_line(T1(SYS_umask, 022, 077), "umask(022) = 63"));
	CHECK(is_line(T0(SYS_getpid, 1), "getpid() = 1"));
	CHECK(is_line(T3(SYS_getrandom, U_RW, 16, 1, 16),
	    "getrandom(0x10000000, 16, 0x1) = 16"));
}

static void
test_noreturn_unknown(void)
{
	const uint64_t args[6] = { 3 };

	setup();
	cap_begin();
	strace_enter(SYS_exit_group, args);
	CHECK(is_line(cap_end(), "exit_group(3) = ?"));
	cap_begin();
	strace_enter(SYS_getpid, args);	/* returns: shown at exit */
	CHECK(cap_end()[0] == '\0');
	CHECK(is_line(trace(400, 1, 2, 3, 4, 5, 6, -ENOSYS),
	    "syscall_400(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS "
	    "(Function not implemented)"));
	CHECK(is_line(trace(-1, 0, 0, 0, 0, 0, 0, -ENOSYS),
	    "syscall_-1(0, 0, 0, 0, 0, 0) = -1 ENOSYS "
	    "(Function not implemented)"));
	CHECK(is_line(trace(SYS_socket, 2, 1, 0, 0, 0, 0, 3),
	    "socket(0x2, 0x1, 0, 0, 0, 0) = 3"));
	CHECK(is_line(T0(SYS_getpid, -200),
	    "getpid() = -1 E200 (Unknown error 200)"));
	CHECK(is_line(T0(SYS_getpid, -4096), "getpid() = -4096"));
}

static void
test_off(void)
{
	setup();
	strace_on = false;
	CHECK(strcmp(T0(SYS_getpid, 1), "") == 0);
	strace_on = true;
}

int
main(void)
{
	harness_begin("shim_strace");
	RUN(test_write_read);
	RUN(test_memory_flags);
	RUN(test_paths);
	RUN(test_my_calls);
	RUN(test_noreturn_unknown);
	RUN(test_off);
	mock_user_reset();
	free(cap_buf);
	return harness_done();
}
