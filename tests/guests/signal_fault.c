/*
 * signal_fault: hardware faults delivered to handlers.  For each fault
 * the handler records si_signo, si_code, si_addr and the trap number,
 * error code and instruction pointer from the ucontext, then leaves by
 * siglongjmp, or by returning after it fixed the cause: the page made
 * writable (the write is retried), the instruction pointer moved past
 * the faulting instruction, a register changed in the context.
 *
 * Page faults: unmapped (read, write, execute, NULL), a write to a
 * read-only page (touched before or not), a read of a PROT_NONE page,
 * execution of a non-executable page, a kernel address (Linux: always
 * SEGV_MAPERR, with the protection bit set in the error code).  Others:
 * a non-canonical address and a privileged instruction (SIGSEGV,
 * SI_KERNEL), ud2 (SIGILL, ILL_ILLOPN), int3 (SIGTRAP, SI_KERNEL, resume
 * after it), division by zero and INT_MIN / -1 (SIGFPE, FPE_INTDIV).  A
 * fault in a second thread goes to that thread; a thread's stack
 * overflow into its guard page reaches a handler on an alternate stack.
 * Addresses are never printed, only whether they are the right ones.
 */
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "guest.h"

enum mode { JUMP, RESUME, UNPROTECT, RETURN };

/* Written by the handler: not static (see signal_handler.c). */
struct fault {
	int signo, code, tid;
	uintptr_t addr, rip;
	long trapno, err;
	int count;
} f;
sigjmp_buf env;
volatile int mode;
volatile uintptr_t resume_at;

static void
on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *gr = uc->uc_mcontext.gregs;

	f.signo = si->si_signo;
	f.code = si->si_code;
	f.addr = (uintptr_t)si->si_addr;
	f.trapno = gr[REG_TRAPNO];
	f.err = gr[REG_ERR];
	f.rip = (uintptr_t)gr[REG_RIP];
	f.tid = (int)SYS0(SYS_gettid);
	f.count++;
	switch (mode) {
	case JUMP:
		siglongjmp(env, 1);
	case RESUME:
		gr[REG_RIP] = (greg_t)resume_at;
		gr[REG_RAX] = 1234;
		return;
	case UNPROTECT:
		SYS3(SYS_mprotect, f.addr & ~(PAGE - 1), PAGE,
		    PROT_READ | PROT_WRITE);
		return;
	case RETURN:
		return;
	}
}

static const char *
sig_name(int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	case 0: return "none";
	default: return "other";
	}
}

static const char *
code_name(int sig, int code)
{
	if (code == 0x80)
		return "SI_KERNEL";
	if (sig == SIGSEGV && code == 1)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == 2)
		return "SEGV_ACCERR";
	if (sig == SIGILL && code == 2)
		return "ILL_ILLOPN";
	if (sig == SIGFPE && code == 1)
		return "FPE_INTDIV";
	return "other";
}

/* "WHAT: SIG CODE, trap N, error E; si_addr right: yes" */
static void
report(const char *what, uintptr_t want_addr, int show_err)
{
	out("%s: %s %s, trap %ld", what, sig_name(f.signo),
	    code_name(f.signo, f.code), f.trapno);
	if (show_err)
		out(", error %#lx", f.err);
	out("; si_addr right: %s\n", f.addr == want_addr ? "yes" : "no");
}

#define TRY(what, want_addr, show_err, stmt) do {			\
	memset(&f, 0, sizeof(f));					\
	mode = JUMP;							\
	if (sigsetjmp(env, 1) == 0) {					\
		stmt;							\
		out("%s: no fault\n", what);				\
	} else {							\
		report(what, (uintptr_t)(want_addr), show_err);		\
	}								\
} while (0)

static void
page_faults(void)
{
	char *p = map_anon(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, 0);
	volatile char *ro = p, *ro_new = p + PAGE, *none = p + 2 * PAGE;
	volatile char *hole = p + 3 * PAGE, *data = p + 4 * PAGE;
	volatile char *ktext = (volatile char *)ADDR_KTEXT;
	volatile char *kernel = (volatile char *)ADDR_KERNEL;
	volatile char *noncanon = (volatile char *)ADDR_NONCANON;

	ro[0] = 1;
	none[0] = 1;
	SYS3(SYS_mprotect, ro, 2 * PAGE, PROT_READ);
	SYS3(SYS_mprotect, none, PAGE, PROT_NONE);
	SYS2(SYS_munmap, hole, PAGE);
	data[0] = (char)0xc3;		/* ret, on a page without PROT_EXEC */

	TRY("read of an unmapped page", hole + 8, 1, (void)hole[8]);
	TRY("write to an unmapped page", hole + 16, 1, hole[16] = 1);
	TRY("read of NULL", 0, 1, (void)*(volatile char *)0);
	TRY("write to a read-only page", ro + 24, 1, ro[24] = 1);
	TRY("write to a read-only page never touched", ro_new + 24, 1,
	    ro_new[24] = 1);
	TRY("read of a PROT_NONE page", none + 32, 1, (void)none[32]);
	TRY("write to a PROT_NONE page", none + 32, 1, none[32] = 1);
	TRY("execution of a data page", data, 1, ((void (*)(void))data)());
	TRY("execution of an unmapped page", hole, 1,
	    ((void (*)(void))hole)());
	TRY("read of a kernel address", kernel, 1, (void)*kernel);
	TRY("read of the kernel's text", ktext, 1, (void)*ktext);
	TRY("write to the kernel's text", ktext, 1, *ktext = 1);
	TRY("read of a non-canonical address", 0, 1, (void)*noncanon);
	TRY("hlt", 0, 1, __asm__ volatile ("hlt"));
	check("same thread", f.tid == (int)SYS0(SYS_gettid));

	/* The handler makes the page writable and the write is retried. */
	memset(&f, 0, sizeof(f));
	mode = UNPROTECT;
	ro[40] = 42;
	out("write to a read-only page, fixed by the handler: %s, value %d\n",
	    sig_name(f.signo), ro[40]);
	SYS2(SYS_munmap, p, 5 * PAGE);
}

static void
mask_after_longjmp(void)
{
	sigset_t m;

	sigprocmask(SIG_BLOCK, NULL, &m);
	check("SIGSEGV not blocked after siglongjmp out of its handler",
	    !sigismember(&m, SIGSEGV));
}

/* Faults that return to a chosen instruction. */
static void
instruction_faults(void)
{
	uintptr_t at;
	long rax;
	volatile int zero = 0, minus_one = -1;
	int q;

	memset(&f, 0, sizeof(f));
	mode = RESUME;
	__asm__ volatile (
	    "lea 2f(%%rip), %[at]\n\t"
	    "mov %[at], %[resume]\n\t"
	    "lea 1f(%%rip), %[at]\n\t"
	    "mov $7, %%eax\n"
	    "1:\tud2\n"
	    "2:\tnop"
	    : [at] "=&r" (at), [resume] "=m" (resume_at), "=a" (rax)
	    : : "memory");
	report("ud2", at, 0);
	check("  ... at the ud2, resumed after it with rax from the context",
	    f.rip == at && rax == 1234);

	memset(&f, 0, sizeof(f));
	mode = RESUME;
	__asm__ volatile (
	    "lea 2f(%%rip), %[at]\n\t"
	    "mov %[at], %[resume]\n\t"
	    "lea 1f(%%rip), %[at]\n\t"
	    "mov $5, %%eax\n\t"
	    "cltd\n"
	    "1:\tidivl %[z]\n"
	    "2:\tnop"
	    : [at] "=&r" (at), [resume] "=m" (resume_at), "=a" (q)
	    : [z] "m" (zero) : "rdx", "memory");
	report("integer division by zero", at, 0);
	check("  ... at the idiv", f.rip == at);

	memset(&f, 0, sizeof(f));
	__asm__ volatile (
	    "lea 2f(%%rip), %[at]\n\t"
	    "mov %[at], %[resume]\n\t"
	    "lea 1f(%%rip), %[at]\n\t"
	    "mov %[min], %%eax\n\t"
	    "cltd\n"
	    "1:\tidivl %[m1]\n"
	    "2:\tnop"
	    : [at] "=&r" (at), [resume] "=m" (resume_at), "=a" (q)
	    : [m1] "m" (minus_one), [min] "i" (INT_MIN) : "rdx", "memory");
	report("INT_MIN / -1", at, 0);

	memset(&f, 0, sizeof(f));
	mode = RETURN;
	__asm__ volatile (
	    "lea 1f(%%rip), %[at]\n\t"
	    "int3\n"
	    "1:\tnop"
	    : [at] "=&r" (at) : : "memory");
	report("int3", 0, 0);
	check("  ... the context's rip is just after it", f.rip == at);
	(void)q;
}

/* A fault in another thread: its handler runs there. */
static void *
faulting_thread(void *arg)
{
	int tid = (int)SYS0(SYS_gettid);

	memset(&f, 0, sizeof(f));
	mode = JUMP;
	if (sigsetjmp(env, 1) == 0)
		(void)*(volatile char *)0x8000;	/* below any mapping */
	return (void *)(intptr_t)(f.signo == SIGSEGV && f.tid == tid);
}

/* Deep recursion: each frame keeps 1 KiB live. */
static int
recurse(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	pad[1023] = (char)n;
	if (n == INT_MAX)
		return 0;
	return recurse(n + 1) + pad[0] + pad[1023];
}

static uintptr_t guard_lo, guard_hi;
static volatile int handler_on_alt;
static char *alt;

static void
on_overflow(int sig, siginfo_t *si, void *ucv)
{
	volatile char local;

	handler_on_alt = (char *)&local >= alt && (char *)&local < alt + 65536;
	f.signo = si->si_signo;
	f.code = si->si_code;
	f.addr = (uintptr_t)si->si_addr;
	siglongjmp(env, 1);
}

static void *
overflowing_thread(void *arg)
{
	stack_t ss = { .ss_sp = alt, .ss_size = 65536 };
	pthread_attr_t a;
	void *lo;
	size_t size;

	pthread_getattr_np(pthread_self(), &a);
	pthread_attr_getstack(&a, &lo, &size);
	pthread_attr_destroy(&a);
	guard_hi = (uintptr_t)lo;
	guard_lo = guard_hi - 16 * PAGE;
	sigaltstack(&ss, NULL);
	memset(&f, 0, sizeof(f));
	if (sigsetjmp(env, 1) == 0)
		recurse(0);
	return NULL;
}

static void
threads(void)
{
	struct sigaction sa;
	pthread_attr_t a;
	pthread_t th;
	void *ret;

	pthread_create(&th, NULL, faulting_thread, NULL);
	pthread_join(th, &ret);
	check("fault in a second thread: handled there", ret != NULL);

	alt = map_anon(NULL, 65536, PROT_READ | PROT_WRITE, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_overflow;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 256 * 1024);
	pthread_attr_setguardsize(&a, PAGE);
	pthread_create(&th, &a, overflowing_thread, NULL);
	pthread_join(th, NULL);
	pthread_attr_destroy(&a);
	/* No si_code: glibc's guard page is PROT_NONE, musl's may not be. */
	out("stack overflow in a thread: %s\n", sig_name(f.signo));
	check("  ... handler on the alternate stack", handler_on_alt);
	check("  ... si_addr just below the stack",
	    f.addr >= guard_lo && f.addr < guard_hi);
}

int
main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	page_faults();
	mask_after_longjmp();
	instruction_faults();
	threads();
	return finish();
}
