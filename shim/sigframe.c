/*
 * Signal frames: what the guest's stack holds while a handler runs, laid
 * out exactly as Linux x86_64's struct rt_sigframe (arch/x86/kernel/
 * signal_64.c): the restorer's address, a ucontext (with the registers
 * in struct sigcontext and the signal mask), the siginfo, and above them
 * the XSAVE state, 64-byte aligned, with the FP_XSTATE magic words that
 * glibc and debuggers look for.  Also the alternate stack frames may go
 * to (sigaltstack).
 */
#include "shim/internal.h"

#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4
#define FP_XSTATE_MAGIC1	0x46505853u
#define FP_XSTATE_MAGIC2	0x46505845u
#define FX_SW_BYTES		464	/* struct _fpx_sw_bytes in FXSAVE */
#define RED_ZONE		128
#define RFLAGS_TF		(1ull << 8)
#define RFLAGS_DF		(1ull << 10)
#define RFLAGS_RF		(1ull << 16)
#define USER_CS			0x2b
#define USER_SS			0x23
#define LINUX_USER_CS		0x33
#define LINUX_USER_DS		0x2b
#define MINSIGSTKSZ		2048

struct sigcontext64 {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};
_Static_assert(sizeof(struct sigcontext64) == 256, "sigcontext size");

struct ucontext64 {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct sigaltstack64 uc_stack;
	struct sigcontext64 uc_mcontext;
	uint64_t uc_sigmask;
};
_Static_assert(sizeof(struct ucontext64) == 304, "ucontext size");
_Static_assert(__builtin_offsetof(struct ucontext64, uc_mcontext) == 40,
    "uc_mcontext offset");

struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext64 uc;
	struct siginfo64 info;
};
_Static_assert(sizeof(struct rt_sigframe) == 440, "rt_sigframe size");
_Static_assert(__builtin_offsetof(struct rt_sigframe, info) == 312,
    "rt_sigframe info offset");

static uint8_t fpbuf[8192] __attribute__((aligned(64)));

static void
regs_to_sigcontext(const struct plat_regs *r, struct sigcontext64 *sc)
{
	sc->r8 = r->r8; sc->r9 = r->r9; sc->r10 = r->r10; sc->r11 = r->r11;
	sc->r12 = r->r12; sc->r13 = r->r13; sc->r14 = r->r14;
	sc->r15 = r->r15; sc->rdi = r->rdi; sc->rsi = r->rsi;
	sc->rbp = r->rbp; sc->rbx = r->rbx; sc->rdx = r->rdx;
	sc->rax = r->rax; sc->rcx = r->rcx; sc->rsp = r->rsp;
	sc->rip = r->rip; sc->eflags = r->rflags;
	sc->cs = USER_CS;
	sc->ss = USER_SS;
}

static void
sigcontext_to_regs(const struct sigcontext64 *sc, struct plat_regs *r)
{
	r->r8 = sc->r8; r->r9 = sc->r9; r->r10 = sc->r10; r->r11 = sc->r11;
	r->r12 = sc->r12; r->r13 = sc->r13; r->r14 = sc->r14;
	r->r15 = sc->r15; r->rdi = sc->rdi; r->rsi = sc->rsi;
	r->rbp = sc->rbp; r->rbx = sc->rbx; r->rdx = sc->rdx;
	r->rax = sc->rax; r->rcx = sc->rcx; r->rsp = sc->rsp;
	r->rip = sc->rip;
	/* Only the flags a user may change (Linux's FIX_EFLAGS). */
	r->rflags = (r->rflags & ~0x40dd5ull) | (sc->eflags & 0x40dd5ull);
	r->entry = PLAT_ENTRY_RESTORE;
	r->orig_rax = ~0ull;		/* no syscall to restart */
}

/* Where the frame goes: the alternate stack when asked and usable. */
static uint64_t
frame_stack(struct shim_thread *t, const struct plat_regs *r, bool onstack)
{
	uint64_t sp = r->rsp;

	if (onstack && t->altstack_size != 0 &&
	    !(t->altstack_flags & SS_DISABLE) &&
	    !sig_on_altstack(t, sp)) {
		sp = t->altstack_sp + t->altstack_size;
		if (t->altstack_flags & SS_AUTODISARM)
			t->altstack_size = 0;
		return sp;
	}
	return sp - RED_ZONE;
}

/* Save the FPU state at fp (user), with Linux's software-reserved bytes. */
static int
save_fpu(uint64_t fp)
{
	size_t size = plat_fpu_size();
	uint32_t sw[12] = { 0 };
	uint32_t magic2 = FP_XSTATE_MAGIC2;

	if (size + 4 > sizeof(fpbuf) || plat_fpu_save(fpbuf) != 0)
		return -EFAULT;
	sw[0] = FP_XSTATE_MAGIC1;
	sw[1] = (uint32_t)(size + 4);		/* extended_size */
	memcpy(&sw[2], &(uint64_t){ plat_fpu_features() }, 8);
	sw[4] = (uint32_t)size;			/* xstate_size */
	memcpy(fpbuf + FX_SW_BYTES, sw, sizeof(sw));
	memcpy(fpbuf + size, &magic2, 4);
	return plat_copy_to_user(fp, fpbuf, size + 4);
}

/* The guest's siginfo for ki (Linux's union: kill fields or si_addr). */
static void
fill_siginfo(const struct ksiginfo *ki, struct siginfo64 *si)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = ki->signo;
	si->si_code = ki->code;
	if (ki->is_fault) {
		si->addr = ki->addr;
	} else if (ki->code == SI_TIMER) {
		si->timer.timerid = ki->timerid;
		si->timer.overrun = ki->overrun;
		si->timer.value = ki->value;
	} else {
		si->pid = ki->pid;
		si->uid = ki->uid;
		si->status = ki->status;
	}
}

int
sig_setup_frame(struct shim_thread *t, struct plat_regs *r,
    const struct k_sigaction *act, const struct ksiginfo *ki,
    uint64_t oldmask)
{
	struct rt_sigframe f;
	uint64_t sp, fp, size = plat_fpu_size() + 4;

	if (!(act->flags & SA_RESTORER))
		return -EFAULT;		/* x86_64 has no default restorer */
	memset(&f, 0, sizeof(f));
	/*
	 * The alternate stack as configured (Linux's __save_altstack: the
	 * flags as set, never SS_ONSTACK), saved before SS_AUTODISARM
	 * disarms it, so rt_sigreturn re-arms it.
	 */
	f.uc.uc_stack.ss_sp = t->altstack_sp;
	f.uc.uc_stack.ss_flags = t->altstack_size == 0 ? SS_DISABLE :
	    (int32_t)(t->altstack_flags & SS_AUTODISARM);
	f.uc.uc_stack.ss_size = t->altstack_size;
	sp = frame_stack(t, r, act->flags & SA_ONSTACK);
	fp = (sp - size) & ~63ull;
	sp = ((fp - sizeof(f)) & ~15ull) - 8;	/* as if after a call */
	f.pretcode = act->restorer;
	f.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	regs_to_sigcontext(r, &f.uc.uc_mcontext);
	f.uc.uc_mcontext.trapno = ki->trapno;
	f.uc.uc_mcontext.err = ki->err;
	f.uc.uc_mcontext.cr2 = ki->is_fault ? ki->addr : 0;
	f.uc.uc_mcontext.oldmask = oldmask;
	f.uc.uc_mcontext.fpstate = fp;
	f.uc.uc_sigmask = oldmask;
	fill_siginfo(ki, &f.info);
	if (save_fpu(fp) != 0 ||
	    plat_copy_to_user(sp, &f, sizeof(f)) != 0)
		return -EFAULT;
	r->rdi = (uint64_t)ki->signo;
	r->rsi = sp + __builtin_offsetof(struct rt_sigframe, info);
	r->rdx = sp + __builtin_offsetof(struct rt_sigframe, uc);
	r->rax = 0;
	r->rsp = sp;
	r->rip = act->handler;
	r->rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_RF);
	r->entry = PLAT_ENTRY_RESTORE;
	return 0;
}

/*
 * The selectors a frame may carry: ours (what sig_setup_frame writes) or
 * Linux's (__USER_CS 0x33, __USER_DS 0x2b), which hand-built frames use.
 * Linux loads whatever the frame says (| 3) and its iretq faults on a
 * bad one: SIGSEGV.  SS counts only under UC_STRICT_RESTORE_SS.
 */
static bool
frame_segments_ok(const struct ucontext64 *uc)
{
	uint16_t cs = uc->uc_mcontext.cs | 3, ss = uc->uc_mcontext.ss | 3;

	if (cs != USER_CS && cs != LINUX_USER_CS)
		return false;
	return !(uc->uc_flags & UC_STRICT_RESTORE_SS) || ss == USER_SS ||
	    ss == LINUX_USER_DS;
}

/*
 * A frame rt_sigreturn cannot use: as Linux's signal_fault(), a SIGSEGV
 * forced on the thread (its handler runs if it has one; blocked or
 * default, the guest dies with 139).
 */
static long
sigreturn_fault(struct plat_regs *r, const char *why)
{
	struct plat_fault pf = { .kind = PLAT_FAULT_GP, .vector = 13 };

	klog("guest: rt_sigreturn: %s: SIGSEGV", why);
	shim_user_fault(r, &pf);
	return (long)r->rax;
}

/*
 * rt_sigreturn: restore what sig_setup_frame saved.  The frame sits just
 * below the stack pointer: the handler's ret popped pretcode.  A frame
 * that cannot be read, names bad selectors or holds a bad FPU state
 * raises SIGSEGV, as on Linux.
 */
long
sys_rt_sigreturn(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();
	struct plat_regs *r = shim_regs();
	struct rt_sigframe f;
	uint64_t sp = r->rsp - 8;
	size_t size = plat_fpu_size();

	if (plat_copy_from_user(&f, sp, sizeof(f)) != 0)
		return sigreturn_fault(r, "unreadable frame");
	sigcontext_to_regs(&f.uc.uc_mcontext, r);
	sig_set_mask(t, f.uc.uc_sigmask);
	sig_restore_altstack(t, &f.uc.uc_stack);
	if (!frame_segments_ok(&f.uc))
		return sigreturn_fault(r, "bad CS or SS in the frame");
	if (f.uc.uc_mcontext.fpstate != 0) {
		if (size > sizeof(fpbuf) ||
		    plat_copy_from_user(fpbuf, f.uc.uc_mcontext.fpstate,
		    size) != 0 || plat_fpu_restore(fpbuf) != 0)
			return sigreturn_fault(r, "bad FPU state in the "
			    "frame");
	}
	return (long)r->rax;
}

/* ---- The alternate signal stack ---- */

bool
sig_on_altstack(const struct shim_thread *t, uint64_t sp)
{
	return t->altstack_size != 0 && sp > t->altstack_sp &&
	    sp - t->altstack_sp <= t->altstack_size;
}

int32_t
sig_altstack_flags(const struct shim_thread *t, uint64_t sp)
{
	if (t->altstack_size == 0)
		return SS_DISABLE;
	return (sig_on_altstack(t, sp) ? SS_ONSTACK : 0) |
	    (int32_t)(t->altstack_flags & SS_AUTODISARM);
}

void
sig_restore_altstack(struct shim_thread *t, const struct sigaltstack64 *ss)
{
	if (ss->ss_flags & SS_DISABLE) {
		t->altstack_size = 0;
		return;
	}
	if (ss->ss_size >= MINSIGSTKSZ) {
		t->altstack_sp = ss->ss_sp;
		t->altstack_size = ss->ss_size;
		t->altstack_flags = (uint32_t)ss->ss_flags & SS_AUTODISARM;
	}
}

long
sys_sigaltstack(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();
	struct plat_regs *r = shim_regs();
	struct sigaltstack64 ss, old;
	uint32_t mode;

	old.ss_sp = t->altstack_sp;
	old.ss_size = t->altstack_size;
	old.ss_flags = sig_altstack_flags(t, r->rsp);
	old.pad = 0;
	if (a0 != 0) {
		if (plat_copy_from_user(&ss, a0, sizeof(ss)) != 0)
			return -EFAULT;
		if (sig_on_altstack(t, r->rsp))
			return -EPERM;
		mode = (uint32_t)ss.ss_flags & ~SS_AUTODISARM;
		if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
			return -EINVAL;
		/* As Linux: asking for what is set already is no change. */
		if (ss.ss_sp == t->altstack_sp &&
		    ss.ss_size == t->altstack_size &&
		    (uint32_t)ss.ss_flags == t->altstack_flags)
			a0 = 0;
		else if (mode != SS_DISABLE && ss.ss_size < MINSIGSTKSZ)
			return -ENOMEM;
	}
	if (a1 != 0 && plat_copy_to_user(a1, &old, sizeof(old)) != 0)
		return -EFAULT;
	if (a0 != 0) {
		if (mode == SS_DISABLE) {
			t->altstack_sp = 0;
			t->altstack_size = 0;
			t->altstack_flags = 0;
		} else {
			t->altstack_sp = ss.ss_sp;
			t->altstack_size = ss.ss_size;
			t->altstack_flags = (uint32_t)ss.ss_flags &
			    SS_AUTODISARM;
		}
	}
	return 0;
}
