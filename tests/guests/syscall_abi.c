/*
 * syscall_abi: the x86_64 system call convention itself.  Unknown numbers
 * (including -1 and numbers past the table) give ENOSYS and never end the
 * guest (numbers in the table's gaps are avoided: Linux 6.11 gave 335 to
 * uretprobe, which answers a stray call with SIGILL); every register except
 * rax, rcx and r11 is preserved, also on the error paths; rcx comes back holding the return address and r11 the
 * flags, as SYSRET leaves them; EFLAGS.DF set by the guest is kept.  A
 * syscall made with the trap flag set (single-stepping) returns its
 * result and the step traps continue after it (SYSRET cannot restore TF
 * safely: the kernel must return with IRET then).
 */
#include <signal.h>
#include <stdio.h>
#include <ucontext.h>

#include "guest.h"

static void
test_enosys(void)
{
	static const long numbers[] = { 1000, 4096, 100000, 0x7fffffff, -1,
	    -2 };
	char label[64];

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		snprintf(label, sizeof(label), "syscall %ld", numbers[i]);
		expect_err(label, SYS6(numbers[i], 1, 2, 3, 4, 5, 6), ENOSYS);
	}
	expect_err("syscall 1000 again (logged once)", SYS0(1000), ENOSYS);
	/* Linux reads the number as a 32-bit int: 2^32 + 39 is getpid. */
	check("syscall 0x100000027 is getpid",
	    SYS0(0x100000000L + SYS_getpid) == SYS0(SYS_getpid));
}

/*
 * Load rbx, rbp, rdx, rsi, rdi, r8-r10 and r12-r15 with patterns, make
 * system call nr with them as arguments, and store them all back with rcx,
 * r11, the expected return rip and the flags from before the call.
 */
struct regs {
	uint64_t rbx, rbp, rdx, rsi, rdi, r8, r9, r10, r12, r13, r14, r15;
	uint64_t rcx, r11, rip, flags, rax;
};

/* Globals: addressed %rip-relative, so the pushes below cannot move them. */
static struct regs g_in, g_out;
static long g_nr;

static void
call_with_patterns(void)
{
	__asm__ volatile (
	    "push %%rbp\n\t"
	    "push %%rbx\n\t"
	    "lea %[outr], %%rax\n\t"
	    "push %%rax\n\t"
	    "lea %[in], %%rax\n\t"
	    "mov 0(%%rax), %%rbx\n\t"
	    "mov 8(%%rax), %%rbp\n\t"
	    "mov 16(%%rax), %%rdx\n\t"
	    "mov 24(%%rax), %%rsi\n\t"
	    "mov 32(%%rax), %%rdi\n\t"
	    "mov 40(%%rax), %%r8\n\t"
	    "mov 48(%%rax), %%r9\n\t"
	    "mov 56(%%rax), %%r10\n\t"
	    "mov 64(%%rax), %%r12\n\t"
	    "mov 72(%%rax), %%r13\n\t"
	    "mov 80(%%rax), %%r14\n\t"
	    "mov 88(%%rax), %%r15\n\t"
	    "mov %[nr], %%rax\n\t"
	    "syscall\n"
	    "1:\n\t"
	    "pushf\n\t"
	    "xchg %%rax, 8(%%rsp)\n\t"	/* rax = outr, saved: flags, ret */
	    "mov %%rbx, 0(%%rax)\n\t"
	    "mov %%rbp, 8(%%rax)\n\t"
	    "mov %%rdx, 16(%%rax)\n\t"
	    "mov %%rsi, 24(%%rax)\n\t"
	    "mov %%rdi, 32(%%rax)\n\t"
	    "mov %%r8, 40(%%rax)\n\t"
	    "mov %%r9, 48(%%rax)\n\t"
	    "mov %%r10, 56(%%rax)\n\t"
	    "mov %%r12, 64(%%rax)\n\t"
	    "mov %%r13, 72(%%rax)\n\t"
	    "mov %%r14, 80(%%rax)\n\t"
	    "mov %%r15, 88(%%rax)\n\t"
	    "mov %%rcx, 96(%%rax)\n\t"
	    "mov %%r11, 104(%%rax)\n\t"
	    "lea 1b(%%rip), %%rcx\n\t"
	    "mov %%rcx, 112(%%rax)\n\t"
	    "pop %%rcx\n\t"		/* flags after the call */
	    "mov %%rcx, 120(%%rax)\n\t"
	    "pop %%rcx\n\t"		/* the call's return value */
	    "mov %%rcx, 128(%%rax)\n\t"
	    "pop %%rbx\n\t"
	    "pop %%rbp\n\t"
	    "cld\n\t"
	    :
	    : [nr] "m" (g_nr), [in] "m" (g_in), [outr] "m" (g_out)
	    : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
	      "r12", "r13", "r14", "r15", "memory", "cc");
}

static void
test_registers(const char *what, long nr, long want, int set_df)
{
	struct regs in, outr;
	uint64_t *p = (uint64_t *)&in;
	char label[96];
	int same = 1;

	for (int i = 0; i < 12; i++)
		p[i] = 0x0101010101010101ULL * (i + 1) ^ 0x8000000000000000ULL;
	if (nr == SYS_write) {		/* write(1, msg, 0): harmless */
		in.rdi = 1;
		in.rsi = (uintptr_t)"";
		in.rdx = 0;
	}
	if (nr == SYS_clock_gettime)	/* EFAULT path */
		in.rdi = 1, in.rsi = ADDR_KERNEL;
	if (set_df)
		__asm__ volatile ("std");
	g_in = in;
	g_nr = nr;
	call_with_patterns();
	outr = g_out;
	__asm__ volatile ("cld");
	for (int i = 0; i < 12; i++)
		same &= ((uint64_t *)&outr)[i] == p[i];
	snprintf(label, sizeof(label), "%s: result", what);
	check(label, (long)outr.rax == want);
	snprintf(label, sizeof(label), "%s: registers preserved", what);
	check(label, same);
	snprintf(label, sizeof(label), "%s: rcx = return address", what);
	check(label, outr.rcx == outr.rip);
	snprintf(label, sizeof(label), "%s: r11 = flags", what);
	check(label, (outr.r11 & 0xcd5) == (outr.flags & 0xcd5) &&
	    (outr.r11 & 0x200));
	snprintf(label, sizeof(label), "%s: DF %s", what,
	    set_df ? "kept set" : "clear");
	check(label, !!(outr.flags & 0x400) == set_df);
}

/* Single-step until past the syscall, then clear TF. */
static volatile uint64_t tf_after;
static volatile int tf_traps, tf_past;

static void
on_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	tf_traps++;
	if ((uint64_t)uc->uc_mcontext.gregs[REG_RIP] >= tf_after) {
		tf_past = 1;
		uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
	}
}

static void
test_trap_flag(void)
{
	struct sigaction sa = { 0 };
	uint64_t after;
	long ret;

	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	__asm__ volatile("lea 1f(%%rip), %0" : "=r"(after));
	tf_after = after;
	__asm__ volatile(
	    "pushf\n\t"
	    "orq $0x100, (%%rsp)\n\t"
	    "popf\n\t"
	    "mov %[nr], %%eax\n\t"
	    "syscall\n"
	    "1:\n\t"
	    "nop\n\t"
	    "nop\n\t"
	    : "=a"(ret)
	    : [nr] "i"(SYS_getppid)
	    : "rcx", "r11", "memory", "cc");
	check("getppid single-stepped: result", ret == SYS0(SYS_getppid));
	check("getppid single-stepped: traps before and after it",
	    tf_traps >= 2 && tf_past);
	signal(SIGTRAP, SIG_DFL);
}

int
main(void)
{
	test_enosys();
	test_registers("getppid", SYS_getppid, SYS0(SYS_getppid), 0);
	test_registers("write len 0", SYS_write, 0, 0);
	test_registers("unknown 1000", 1000, -ENOSYS, 0);
	test_registers("EFAULT", SYS_clock_gettime, -EFAULT, 0);
	test_registers("getppid with DF set", SYS_getppid, SYS0(SYS_getppid),
	    1);
	test_trap_flag();
	return finish();
}
