/*
 * Helpers shared by the test guests in tests/guests/.
 *
 * A test guest is run twice, natively on the Linux host and inside Cloister,
 * and tests/integration/guests.sh compares stdout and the exit status byte
 * for byte.  So a guest prints facts, never values that vary between runs:
 * "EINVAL", "ok", a size, never an address, a time or a random byte.
 *
 * System calls under test go through guest_syscall(), which returns the
 * kernel's value unchanged (-errno on failure), so no libc wrapper can
 * dereference a bad pointer first or translate the error.  Output goes
 * through out(), which writes each line with write(2) at once: the order
 * stays the same whether stdout is a pipe, a file or Cloister's console, and
 * nothing is lost in a stdio buffer when a guest is meant to die.
 */
#ifndef GUEST_H
#define GUEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>

#define PAGE		4096UL

/* Addresses no user pointer may reach. */
#define ADDR_KERNEL	0xffff800000000000UL	/* start of the upper half */
#define ADDR_KTEXT	0xffffffff80100000UL	/* where kernels link their text */
#define ADDR_NONCANON	0x0000800000000000UL	/* first non-canonical address */
#define ADDR_LAST_PAGE	0xfffffffffffff000UL	/* a range from here wraps */

long guest_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
    long a6);

#define SYS0(nr)		guest_syscall((nr), 0, 0, 0, 0, 0, 0)
#define SYS1(nr, a)		guest_syscall((nr), (long)(a), 0, 0, 0, 0, 0)
#define SYS2(nr, a, b)		guest_syscall((nr), (long)(a), (long)(b), \
				    0, 0, 0, 0)
#define SYS3(nr, a, b, c)	guest_syscall((nr), (long)(a), (long)(b), \
				    (long)(c), 0, 0, 0)
#define SYS4(nr, a, b, c, d)	guest_syscall((nr), (long)(a), (long)(b), \
				    (long)(c), (long)(d), 0, 0)
#define SYS5(nr, a, b, c, d, e)	guest_syscall((nr), (long)(a), (long)(b), \
				    (long)(c), (long)(d), (long)(e), 0)
#define SYS6(nr, a, b, c, d, e, f) guest_syscall((nr), (long)(a), (long)(b), \
				    (long)(c), (long)(d), (long)(e), (long)(f))

/* True if a raw return value is an error (-4095..-1), as the ABI defines. */
#define IS_ERR(ret)	((unsigned long)(ret) > -4096UL)

/* Print one formatted line (or part of one) straight to fd 1. */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "EINVAL" for -EINVAL or EINVAL; "E<n>" for errnos the table lacks. */
const char *errname(long err);

/*
 * Checks.  Each prints "WHAT: RESULT" and counts a failure when the result
 * is not the expected one; the printed RESULT is what actually happened, so
 * a failing line in the differential diff says what the kernel did.
 */
void check(const char *what, int ok);
/* RESULT is "ok" for a non-error return, else the error name. */
void expect_ok(const char *what, long ret);
/* RESULT is the error name, or "success" when the call did not fail. */
void expect_err(const char *what, long ret, int err);
/* RESULT is the returned number or the error name. */
void expect_val(const char *what, long ret, long want);

/*
 * The bad-pointer battery: call fn with NULL (unless PTR_NULL_OK), a kernel
 * address, a non-canonical address, an unmapped page, a PROT_NONE page, a
 * pointer to a size-byte object whose last byte is on an unmapped page
 * (when size > 1) and, for PTR_OUT pointers (the kernel writes through
 * them), a read-only page.  Each must give -EFAULT.
 */
#define PTR_IN		0
#define PTR_OUT		1	/* the kernel writes through the pointer */
#define PTR_NULL_OK	2	/* NULL is a valid argument: skip it */
void expect_efault_all(const char *what, long (*fn)(void *p), size_t size,
    int flags);

/* Anonymous private mapping through the raw call; NULL on failure. */
void *map_anon(void *hint, size_t len, int prot, int extra_flags);

/*
 * Permission probes that never fault: the kernel reads (nanosleep's
 * request, which must hold zeroes) or writes (clock_gettime's result, 16
 * bytes) through p and reports EFAULT if the page does not allow it.
 */
int probe_read(void *p);
int probe_write(void *p);

/* 1 if any page of [addr, addr+len) is mapped (probed with
 * MAP_FIXED_NOREPLACE, so it never faults). */
int is_mapped(void *addr, size_t len);

/*
 * For guests that are meant to die of a fault: print
 * "WHAT: expected exit status N (SIGNAME)", N = 128 + sig.
 * tests/integration/guests.sh checks the native run against that line.
 */
void expect_death(const char *what, int sig);

/* 1 if all len bytes at p equal c. */
int all_bytes(const char *p, size_t len, char c);

/*
 * A raw clone(2): the child starts on stack_top with the parent's TLS
 * and no libc state of its own, runs fn(arg) with raw system calls
 * only, and ends with SYS_exit (not exit_group) and fn's value.
 */
long guest_raw_clone(unsigned long flags, void *stack_top, int *ptid,
    int *ctid, int (*fn)(void *), void *arg);

/*
 * Time for the timer tests, through the raw calls: guest_now_ns reads a
 * clock in nanoseconds; guest_sleep_ms sleeps at least ms milliseconds
 * (the rest of the time after a signal's handler ran).
 */
long guest_now_ns(int clock);
void guest_sleep_ms(long ms);
/*
 * guest_settime: timer_settime or timerfd_settime (nr: they take the
 * same arguments) of timer id to value_ns and interval_ns, the old
 * setting to old.  guest_ts_ns: a timespec in nanoseconds.
 */
struct timespec;
long guest_settime(long nr, int id, int flags, long value_ns,
    long interval_ns, void *old);
long guest_ts_ns(const struct timespec *ts);

/*
 * guest_read_file: the whole of file path into buf (size bytes, kept
 * NUL-terminated; 100 bytes a read, so short reads of /proc files are
 * exercised); the length, or -errno when it cannot be opened or a read
 * fails.
 */
long guest_read_file(const char *path, char *buf, long size);

/* Print "checks: N passed, M failed"; return the exit status (0 or 1). */
int finish(void);

#endif
