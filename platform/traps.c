/*
 * What happens on an exception or interrupt: user faults go to the
 * kernel's upcalls (demand paging, then signals); kernel faults on user
 * memory are resolved or recovered through the exception table; any
 * other kernel fault is a panic with a full dump.
 */
#include "platform/internal.h"
#include "arch/arch.h"
#include "ghcb/snp.h"

_Static_assert(sizeof(struct plat_regs) == sizeof(struct trap_frame),
    "plat_regs must mirror trap_frame");
_Static_assert(__builtin_offsetof(struct plat_regs, rip) ==
    __builtin_offsetof(struct trap_frame, rip), "plat_regs rip");
_Static_assert(__builtin_offsetof(struct plat_regs, rax) ==
    __builtin_offsetof(struct trap_frame, rax), "plat_regs rax");

#define DR6_CLEAR	0xffff0ff0ull	/* DR6's reset value */

static struct plat_upcalls upcalls;

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FPU error", "alignment check",
	"machine check", "SIMD exception", "virtualization",
	"control protection", "reserved", "reserved", "reserved",
	"reserved", "reserved", "reserved", "hypervisor injection",
	"VMM communication (#VC)", "security", "reserved",
};

void
plat_set_upcalls(const struct plat_upcalls *u)
{
	upcalls = *u;
	arch_syscall_set_fast(u->fast, u->nfast);
	pages_set_reclaim(u->reclaim);
}

static enum plat_fault_kind
fault_kind(uint64_t vector)
{
	switch (vector) {
	case VEC_PF: return PLAT_FAULT_PAGE;
	case VEC_GP: case VEC_SS: case VEC_NP: return PLAT_FAULT_GP;
	case VEC_UD: return PLAT_FAULT_UD;
	case VEC_DE: return PLAT_FAULT_DE;
	case VEC_MF: case VEC_XM: return PLAT_FAULT_FP;
	case VEC_BP: case VEC_DB: return PLAT_FAULT_BP;
	case VEC_AC: return PLAT_FAULT_AC;
	default: return PLAT_FAULT_OTHER;
	}
}

static bool
user_addr(uint64_t a)
{
	return a >= PLAT_USER_MIN && a < PLAT_USER_END;
}

/* Try demand paging for a page fault on a user address. */
static bool
resolve_user_pf(const struct trap_frame *f, uint64_t addr)
{
	if (!user_addr(addr) || upcalls.demand_fault == NULL ||
	    (f->error & PF_ERR_RSVD))
		return false;
	return upcalls.demand_fault(addr, f->error & PF_ERR_WRITE,
	    f->error & PF_ERR_FETCH) == 0;
}

static void
user_trap(struct trap_frame *f)
{
	struct plat_fault pf = { 0 };
	uint64_t cr2 = f->vector == VEC_PF ? arch_read_cr2() : 0;

	if (f->vector == VEC_PF && resolve_user_pf(f, cr2))
		return;
	pf.kind = fault_kind(f->vector);
	pf.vector = (uint32_t)f->vector;
	pf.error = f->error;
	pf.addr = cr2;
	if (f->vector == VEC_DB) {
		/* What the #DB was (step, breakpoint slot): for a debugger. */
		pf.addr = arch_read_dr(6);
		arch_write_dr(6, DR6_CLEAR);
	}
	pf.write = f->error & PF_ERR_WRITE;
	pf.exec = f->error & PF_ERR_FETCH;
	if (upcalls.user_fault == NULL)
		panic("user fault before the kernel registered upcalls");
	upcalls.user_fault((struct plat_regs *)f, &pf);
}

/* A breakpoint or step in kernel code: the debugger's, if it takes it. */
static bool
kernel_debug_trap(struct trap_frame *f)
{
	struct plat_fault df = { 0 };

	df.kind = PLAT_FAULT_BP;
	df.vector = (uint32_t)f->vector;
	if (f->vector == VEC_DB) {
		df.addr = arch_read_dr(6);
		arch_write_dr(6, DR6_CLEAR);
	}
	return upcalls.kernel_debug != NULL &&
	    upcalls.kernel_debug((struct plat_regs *)f, &df);
}

static void
kernel_trap(struct trap_frame *f)
{
	char why[96];

	if (f->vector == VEC_PF) {
		uint64_t cr2 = arch_read_cr2();

		if (resolve_user_pf(f, cr2) || arch_fixup_exception(f))
			return;
		if (vmm_is_guard(cr2)) {
			panic_frame("kernel stack overflow (guard page hit)",
			    f);
		}
	} else if (f->vector == VEC_GP && arch_fixup_exception(f)) {
		return;
	} else if (f->vector == VEC_DF && (vmm_is_guard(f->rsp) ||
	    vmm_is_guard(f->rsp - 8))) {
		panic_frame("kernel stack overflow (double fault on the "
		    "guard page)", f);
	} else if (f->vector == VEC_DB || f->vector == VEC_BP) {
		if (kernel_debug_trap(f))
			return;
		/* A #DB nobody asked for: a guest watchpoint hit by a kernel
		 * copy to or from user memory, a trap after the access. */
		if (f->vector == VEC_DB)
			return;
	} else if (f->vector == VEC_NMI) {
		klog_always("cloister: NMI received, ignored");
		return;
	}
	ksnprintf(why, sizeof(why), "%s in kernel mode",
	    f->vector < 32 ? exception_names[f->vector] : "interrupt");
	panic_frame(why, f);
}

static void
default_trap(struct trap_frame *f)
{
	if (f->vector >= VEC_IRQ_BASE) {
		klog("cloister: unexpected interrupt %llu ignored",
		    (unsigned long long)f->vector);
		return;
	}
	if (trap_from_user(f) && f->vector != VEC_DF && f->vector != VEC_MC)
		user_trap(f);
	else
		kernel_trap(f);
}

/*
 * The last step before iretq to ring 3.  The kernel may have edited the
 * frame (a signal handler's address, an rt_sigreturn): a RIP that is not
 * canonical, or a bad CS, SS or RFLAGS, would fault on iretq in ring 0.
 * Linux turns that fault into the guest's SIGSEGV (si_code SI_KERNEL,
 * trap 13); so do we, before the iretq.  A SIGSEGV handler that is bad
 * too is blocked while it "runs", so the second round kills the guest;
 * BAD_FRAME_ROUNDS only bounds an SA_NODEFER loop.
 */
#define BAD_FRAME_ROUNDS	8

static void
user_return(struct trap_frame *f)
{
	struct plat_fault pf = { .kind = PLAT_FAULT_GP, .vector = VEC_GP };

	thread_user_work_clear();
	for (int n = 0;; n++) {
		if (upcalls.user_return != NULL)
			upcalls.user_return((struct plat_regs *)f);
		if (arch_user_frame_ok(f))
			return;
		if (n == BAD_FRAME_ROUNDS || upcalls.user_fault == NULL) {
			klog_always("guest: return to a bad user frame (rip "
			    "%#llx): killed", (unsigned long long)f->rip);
			plat_exit(128 + 11);
		}
		upcalls.user_fault((struct plat_regs *)f, &pf);
	}
}

/* The alarm upcall (platform/thread.c's timer interrupt). */
void
traps_alarm(void)
{
	if (upcalls.alarm != NULL)
		upcalls.alarm();
}

static void
syscall_trap(struct trap_frame *f)
{
	upcalls.syscall((struct plat_regs *)f);
	user_return(f);
}

/* #VC (SEV-ES/SNP): ghcb/ emulates, or says which fault to raise. */
static void
vc_trap(struct trap_frame *f)
{
	int vec = snp_vc_trap(f);

	if (vec == 0)
		return;
	f->vector = (uint64_t)vec;
	if (vec != VEC_VC)
		f->error = 0;
	default_trap(f);
}

/*
 * #HV (SEV-SNP Restricted Injection): ghcb/hv.c takes the doorbell's
 * events; an interrupt vector runs through the IDT's own handler, on
 * the #HV frame when that frame had IF set, else later, where arch/
 * enables interrupts again (arch_irq_held).
 */
static void
hv_deliver(unsigned vec, void *arg)
{
	struct trap_frame *f = arg;
	uint64_t vector = f->vector;

	f->vector = vec;
	arch_trap_dispatch(f);
	f->vector = vector;
}

/*
 * arch_irq_held is cleared only before a delivery and set after it when
 * something is left: a #HV landing in between (IF clear) sets it, and
 * nothing here writes the stale 0 over that.
 */
static void
hv_held(struct trap_frame *f)
{
	arch_irq_held = 0;
	snp_hv_deliver_held(hv_deliver, f);
	if (snp_hv_held())
		arch_irq_held = 1;
}

static void
hv_trap(struct trap_frame *f)
{
	if (!snp_hv_ready()) {
		default_trap(f);	/* no doorbell: "hypervisor injection" */
		return;
	}
	arch_hv_rewind(f);
	if (f->rflags & (1ull << 9)) {
		arch_irq_held = 0;
		snp_hv_trap(true, hv_deliver, f);
	} else {
		snp_hv_trap(false, hv_deliver, f);
	}
	if (snp_hv_held())
		arch_irq_held = 1;
}

/* Restricted Injection: the doorbell page is registered; take #HV. */
void
traps_hv_start(void)
{
	arch_set_trap_handler(VEC_HV, hv_trap);
	arch_hv_enable(hv_held);
}

/*
 * snp=emulate only: #HV raised by int $28 after the stand-in posted a
 * vector, once with IF clear (held, then run by arch_irq_enable), once
 * with IF set (run in the handler, off the IST stack) with a second #HV
 * inside that handler (held, run by trap_return), each exactly once.
 * TCG never raises #HV itself; see ghcb/README.md.
 */
#define HV_TEST_VECTOR	0xf0

static volatile unsigned hv_test_runs;
static volatile bool hv_test_nest;
static volatile int hv_test_nested;

static int
hv_raise(unsigned vec)
{
	int r = snp_emulate_hv_signal(vec);

	if (r == 1)
		__asm__ volatile("int $28" : : : "memory");
	return r;
}

/*
 * With hv_test_nest: a #HV inside the handler (IF clear) is held, and
 * runs on trap_return's way back to the frame with IF set.
 */
static void
hv_test_handler(struct trap_frame *f)
{
	(void)f;
	hv_test_runs++;
	if (hv_test_nest) {
		hv_test_nest = false;
		hv_test_nested = hv_raise(HV_TEST_VECTOR);
	}
}

void
traps_hv_selftest(void)
{
	uint64_t irq = plat_irq_save();
	bool held, ok;
	unsigned at_cli, at_sti, at_if;

	arch_set_trap_handler(HV_TEST_VECTOR, hv_test_handler);
	hv_test_runs = 0;
	ok = hv_raise(HV_TEST_VECTOR) == 1;
	/* A second post while NoFurtherSignal is set: no new #HV, one run. */
	ok = ok && hv_raise(HV_TEST_VECTOR) == 0;
	held = snp_hv_held();
	at_cli = hv_test_runs;
	arch_irq_enable();
	at_sti = hv_test_runs;
	hv_test_nest = true;
	ok = ok && hv_raise(HV_TEST_VECTOR) == 1 && hv_test_nested == 1;
	at_if = hv_test_runs;
	arch_irq_disable();
	arch_set_trap_handler(HV_TEST_VECTOR, NULL);
	plat_irq_restore(irq);
	ok = ok && held && at_cli == 0 && at_sti == 1 && at_if == 3 &&
	    !snp_hv_held();
	if (ok)
		klog("snp: #HV self-test (stand-in): ok");
	else
		klog_always("snp: #HV self-test (stand-in): FAILED (held at "
		    "IF=0: %d, runs at cli %u, after sti %u, at IF=1 with one "
		    "nested %u)", held, at_cli, at_sti, at_if);
}

void
traps_init(void)
{
	arch_idt_init();
	arch_set_default_trap_handler(default_trap);
	arch_set_trap_handler(VEC_VC, vc_trap);
	arch_set_user_return_hook(user_return);
	arch_syscall_init(syscall_trap, user_return);
}
