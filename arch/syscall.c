/*
 * SYSCALL/SYSRET set-up, per-CPU data and the way back to user mode.
 */
#include "arch/arch.h"

#define RFLAGS_TF	(1ull << 8)
#define RFLAGS_IF	(1ull << 9)
#define RFLAGS_DF	(1ull << 10)
#define RFLAGS_NT	(1ull << 14)
#define RFLAGS_RF	(1ull << 16)
#define RFLAGS_AC	(1ull << 18)
#define RFLAGS_VM	(1ull << 17)
#define USER_CANONICAL_END	0x00007ffffffff000ull

extern void arch_syscall_entry(void);
void arch_iret_to(struct trap_frame *f) __attribute__((noreturn));
void arch_sysret_to(struct trap_frame *f) __attribute__((noreturn));

/* Read by arch/syscall.asm. */
arch_trap_fn arch_syscall_slow_fn;
arch_trap_fn arch_syscall_work_fn;
const arch_syscall_fn *arch_syscall_fast_table;
uint32_t arch_syscall_fast_count;

void
arch_syscall_init(arch_trap_fn slow, arch_trap_fn exit_work)
{
	uint64_t star;

	arch_syscall_slow_fn = slow;
	arch_syscall_work_fn = exit_work;
	/* STAR[47:32] kernel CS; STAR[63:48] base for SYSRET's SS/CS. */
	star = ((uint64_t)GDT_KCODE << 32) |
	    ((uint64_t)(GDT_UCODE32 | SEL_USER) << 48);
	arch_wrmsr(MSR_STAR, star);
	arch_wrmsr(MSR_LSTAR, (uint64_t)arch_syscall_entry);
	arch_wrmsr(MSR_CSTAR, 0);
	/* Entry runs with IF, TF, DF, AC and NT clear. */
	arch_wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC |
	    RFLAGS_NT);
	arch_wrmsr(MSR_EFER, arch_rdmsr(MSR_EFER) | EFER_SCE);
}

void
arch_syscall_set_fast(const arch_syscall_fn *fast, uint32_t n)
{
	arch_syscall_fast_count = 0;	/* never a table shorter than n */
	__asm__ volatile("" ::: "memory");
	arch_syscall_fast_table = fast;
	__asm__ volatile("" ::: "memory");
	arch_syscall_fast_count = fast != NULL ? n : 0;
}

void
arch_percpu_init(struct arch_percpu *p)
{
	p->self = p;
	arch_wrmsr(MSR_GS_BASE, (uint64_t)p);
	arch_wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/*
 * SYSRET is only safe for a frame that came from SYSCALL, still has RCX ==
 * RIP and R11 == RFLAGS (SYSRET reloads them from those registers), and
 * whose RIP is canonical: Intel CPUs raise #GP in ring 0 on a
 * non-canonical RCX, on the kernel stack with the user's GS.
 */
extern uint8_t arch_hv_mode;

static bool
sysret_safe(const struct trap_frame *f)
{
	/* #HV mode: only trap_return checks for held vectors (arch/idt.c). */
	if (f->vector != VEC_SYSCALL || arch_hv_mode)
		return false;
	if (f->rcx != f->rip || f->r11 != f->rflags)
		return false;
	if (f->rip >= USER_CANONICAL_END)
		return false;
	if (f->cs != (GDT_UCODE | SEL_USER) || f->ss != (GDT_UDATA | SEL_USER))
		return false;
	return (f->rflags & (RFLAGS_TF | RFLAGS_RF | RFLAGS_VM)) == 0;
}

void arch_enter_user(struct trap_frame *f) __attribute__((noreturn));

void
arch_enter_user(struct trap_frame *f)
{
	arch_irq_disable();
	/* Ring 3 always runs with interrupts on and IOPL 0. */
	f->rflags = (f->rflags & ~(RFLAGS_NT | RFLAGS_VM | (3ull << 12))) |
	    RFLAGS_IF | 0x2;
	f->cs = GDT_UCODE | SEL_USER;
	f->ss = GDT_UDATA | SEL_USER;
	if (f->rip >= USER_CANONICAL_END)
		f->rip = 0;	/* fault in ring 3, not on iretq in ring 0 */
	if (sysret_safe(f))
		arch_sysret_to(f);
	arch_iret_to(f);
}
