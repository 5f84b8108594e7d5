/*
 * IDT, trap dispatch and the exception table used for user copies.
 */
#include "arch/arch.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

#define GATE_INTERRUPT	0x8e	/* present, DPL0, 64-bit interrupt gate */
#define GATE_USER	0x60	/* DPL3: int3 may be raised from ring 3 */

struct extable_entry {
	uint64_t fault_rip;
	uint64_t fixup_rip;
};

extern const uint64_t arch_isr_table[256];
extern const struct extable_entry __extable_start[], __extable_end[];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static arch_trap_fn handlers[256];
static arch_trap_fn default_handler;
static arch_trap_fn user_return_hook;
static arch_trap_fn held_hook;

volatile uint8_t arch_irq_held;
uint8_t arch_hv_mode;		/* #HV delivery on: no sysret (syscall.asm) */
extern const char arch_ret_window[], arch_ret_window_end[];
extern const char arch_idle_window_end[];

static void
idt_set(unsigned vec, uint64_t addr, uint8_t ist, uint8_t attr)
{
	struct idt_gate *g = &idt[vec];

	g->offset_lo = addr & 0xffff;
	g->selector = GDT_KCODE;
	g->ist = ist;
	g->type_attr = attr;
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_hi = addr >> 32;
	g->reserved = 0;
}

void
arch_idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) p;

	for (unsigned v = 0; v < 256; v++)
		idt_set(v, arch_isr_table[v], 0, GATE_INTERRUPT);
	idt_set(VEC_NMI, arch_isr_table[VEC_NMI], IST_NMI, GATE_INTERRUPT);
	idt_set(VEC_DF, arch_isr_table[VEC_DF], IST_DOUBLE_FAULT,
	    GATE_INTERRUPT);
	idt_set(VEC_MC, arch_isr_table[VEC_MC], IST_MACHINE_CHECK,
	    GATE_INTERRUPT);
	idt_set(VEC_VC, arch_isr_table[VEC_VC], IST_VC, GATE_INTERRUPT);
	idt_set(VEC_BP, arch_isr_table[VEC_BP], 0, GATE_INTERRUPT | GATE_USER);
	p.limit = sizeof(idt) - 1;
	p.base = (uint64_t)idt;
	__asm__ volatile("lidt %0" : : "m"(p));
}

void
arch_set_trap_handler(unsigned vector, arch_trap_fn fn)
{
	if (vector < 256)
		handlers[vector] = fn;
}

void
arch_set_default_trap_handler(arch_trap_fn fn)
{
	default_handler = fn;
}

void
arch_set_user_return_hook(arch_trap_fn fn)
{
	user_return_hook = fn;
}

/* Called from arch/entry.asm for every exception and interrupt. */
void arch_trap(struct trap_frame *f);

void
arch_trap_dispatch(struct trap_frame *f)
{
	arch_trap_fn fn = NULL;

	if (f->vector < 256)
		fn = handlers[f->vector];
	if (fn == NULL)
		fn = default_handler;
	if (fn != NULL)
		fn(f);
	else
		arch_halt_forever();
}

void
arch_trap(struct trap_frame *f)
{
	arch_trap_dispatch(f);
	if (user_return_hook != NULL && trap_from_user(f))
		user_return_hook(f);
}

void
arch_hv_enable(arch_trap_fn held)
{
	held_hook = held;
	arch_hv_mode = 1;
	idt_set(VEC_HV, arch_isr_table[VEC_HV], IST_HV, GATE_INTERRUPT);
}

void
arch_hv_rewind(struct trap_frame *f)
{
	uint64_t ret = (uint64_t)arch_ret_window;
	uint64_t idle = (uint64_t)&arch_idle_wait;

	if (trap_from_user(f))
		return;
	if (f->rip >= ret && f->rip <= (uint64_t)arch_ret_window_end)
		f->rip = ret;
	else if (f->rip >= idle && f->rip < (uint64_t)arch_idle_window_end)
		f->rip = (uint64_t)arch_idle_window_end;
}

/*
 * Held vectors, where interrupts are enabled again (arch_irq_enable,
 * arch_idle_wait): they run with IF clear, on a frame standing for the
 * caller, as if they had arrived right after its sti.
 */
void
arch_irq_held_run(void)
{
	struct trap_frame f = { 0 };
	bool on = arch_irq_enabled();

	arch_irq_disable();
	f.vector = VEC_HV;
	f.cs = GDT_KCODE;
	f.ss = GDT_KDATA;
	f.rflags = (1ull << 9) | 0x2;	/* IF */
	f.rip = (uint64_t)__builtin_return_address(0);
	if (held_hook != NULL)
		held_hook(&f);
	else
		arch_irq_held = 0;
	if (on)
		__asm__ volatile("sti" : : : "memory");
}

/* From trap_return: f resumes with IF set and vectors are held. */
void arch_ret_held(struct trap_frame *f);

void
arch_ret_held(struct trap_frame *f)
{
	uint64_t vector = f->vector;

	if (held_hook != NULL)
		held_hook(f);
	else
		arch_irq_held = 0;
	f->vector = vector;
	if (user_return_hook != NULL && trap_from_user(f))
		user_return_hook(f);
}

bool
arch_fixup_exception(struct trap_frame *f)
{
	for (const struct extable_entry *e = __extable_start;
	    e < __extable_end; e++) {
		if (e->fault_rip == f->rip) {
			f->rip = e->fixup_rip;
			return true;
		}
	}
	return false;
}
