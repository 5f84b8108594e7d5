/*
 * arch.h: x86_64 mechanisms, no policy.  Used by platform/ and ghcb/ only.
 *
 * Port I/O, MSR and CPUID access all go through the functions here (never
 * inline asm elsewhere), so that under SEV-ES/SNP ghcb/ can route them
 * through the GHCB instead of taking a #VC for each.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Segments (arch/gdt.c).  Layout fixed by SYSCALL/SYSRET. ---- */
#define GDT_KCODE	0x08
#define GDT_KDATA	0x10
#define GDT_UCODE32	0x18	/* not present: no compatibility mode */
#define GDT_UDATA	0x20
#define GDT_UCODE	0x28
#define GDT_TSS		0x30
#define SEL_USER	3

/* IST slots (arch/gdt.c gives each its own stack with a guard page). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3
#define IST_VC			4	/* SEV-ES #VC */
#define IST_HV			5	/* SEV-SNP #HV (Restricted Injection) */

/* Exception vectors. */
#define VEC_DE		0
#define VEC_DB		1
#define VEC_NMI		2
#define VEC_BP		3
#define VEC_OF		4
#define VEC_BR		5
#define VEC_UD		6
#define VEC_NM		7
#define VEC_DF		8
#define VEC_TS		10
#define VEC_NP		11
#define VEC_SS		12
#define VEC_GP		13
#define VEC_PF		14
#define VEC_MF		16
#define VEC_AC		17
#define VEC_MC		18
#define VEC_XM		19
#define VEC_VE		20
#define VEC_CP		21
#define VEC_HV		28	/* SEV-SNP #HV: hypervisor injection */
#define VEC_VC		29
#define VEC_IRQ_BASE	32
#define VEC_TIMER	0x40	/* local APIC timer */
#define VEC_NET		0x41	/* virtio-net receive (MSI-X) */
#define VEC_SPURIOUS	255
#define VEC_SYSCALL	0x100	/* pseudo-vector in frames built by syscall */

/* Page-fault error code bits. */
#define PF_ERR_PRESENT	(1u << 0)
#define PF_ERR_WRITE	(1u << 1)
#define PF_ERR_USER	(1u << 2)
#define PF_ERR_RSVD	(1u << 3)
#define PF_ERR_FETCH	(1u << 4)

/*
 * The register frame every entry path (exception, interrupt, syscall)
 * builds on the kernel stack; arch/entry.asm depends on this layout.
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error;
	/* Pushed by the CPU (or by syscall entry in the same shape). */
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame layout");

static inline bool
trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == SEL_USER;
}

/*
 * a * b / c with a 128-bit intermediate (mul, then div of rdx:rax), for
 * unit conversions without libgcc.  The quotient is clamped to 64 bits.
 */
static inline uint64_t
arch_muldiv64(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t hi, lo, q, r;

	__asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b));
	if (c == 0 || hi >= c)
		return UINT64_MAX;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(c));
	(void)r;
	return q;
}

/* ---- Port I/O, MSRs, CPUID, control registers (arch/io.c) ---- */

uint8_t arch_inb(uint16_t port);
uint16_t arch_inw(uint16_t port);
uint32_t arch_inl(uint16_t port);
void arch_outb(uint16_t port, uint8_t v);
void arch_outw(uint16_t port, uint16_t v);
void arch_outl(uint16_t port, uint32_t v);
uint64_t arch_rdmsr(uint32_t msr);
void arch_wrmsr(uint32_t msr, uint64_t v);

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};
void arch_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);

uint64_t arch_read_cr0(void);
uint64_t arch_read_cr2(void);
uint64_t arch_read_cr3(void);
uint64_t arch_read_cr4(void);
void arch_write_cr0(uint64_t v);
void arch_write_cr3(uint64_t v);
void arch_write_cr4(uint64_t v);
uint64_t arch_rdtsc(void);
/* Debug registers 0-3, 6, 7 (under SEV-SNP a DR7 access raises #VC). */
uint64_t arch_read_dr(int n);
void arch_write_dr(int n, uint64_t v);
void arch_invlpg(uint64_t va);
void arch_halt(void);			/* hlt once, interrupts as they are */
void arch_halt_forever(void) __attribute__((noreturn));
/*
 * Interrupts held while IF was clear (SEV-SNP #HV under Restricted
 * Injection, platform/traps.c): nonzero when arch_irq_held_run has work.
 * Every point that enables interrupts tests it (one load and branch);
 * outside that mode it is always 0.
 */
extern volatile uint8_t arch_irq_held;
void arch_irq_held_run(void);
/* Inline: the syscall exit path and every blocking call use them. */
static inline void
arch_irq_enable(void)
{
	__asm__ volatile("sti" : : : "memory");
	/* After the sti: a #HV before it set the flag, one after it ran. */
	if (__builtin_expect(arch_irq_held, 0))
		arch_irq_held_run();
}

static inline void
arch_irq_disable(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline bool
arch_irq_enabled(void)
{
	uint64_t fl;

	__asm__ volatile("pushfq; popq %0" : "=r"(fl));
	return (fl & (1u << 9)) != 0;
}
/* rdrand/rdseed: true and *v set on success (CF=1). */
bool arch_rdrand64(uint64_t *v);
bool arch_rdseed64(uint64_t *v);

/* Hooks ghcb/ installs under SEV-ES/SNP to route I/O through the GHCB. */
struct arch_io_ops {
	uint32_t (*in)(uint16_t port, int size);
	void (*out)(uint16_t port, uint32_t v, int size);
	uint64_t (*rdmsr)(uint32_t msr);
	void (*wrmsr)(uint32_t msr, uint64_t v);
	void (*cpuid)(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
};
void arch_set_io_ops(const struct arch_io_ops *ops);
/* The instructions themselves, for the io_ops (MSRs never intercepted). */
uint64_t arch_rdmsr_native(uint32_t msr);
void arch_wrmsr_native(uint32_t msr, uint64_t v);

/* MSRs. */
#define MSR_EFER		0xC0000080
#define MSR_STAR		0xC0000081
#define MSR_LSTAR		0xC0000082
#define MSR_CSTAR		0xC0000083
#define MSR_SFMASK		0xC0000084
#define MSR_FS_BASE		0xC0000100
#define MSR_GS_BASE		0xC0000101
#define MSR_KERNEL_GS_BASE	0xC0000102
#define MSR_TSC_AUX		0xC0000103
#define MSR_SEV_STATUS		0xC0010131
#define MSR_GHCB		0xC0010130
#define EFER_SCE		(1ull << 0)
#define EFER_LME		(1ull << 8)
#define EFER_NXE		(1ull << 11)

/* CR0/CR4 bits. */
#define CR0_MP		(1ull << 1)
#define CR0_EM		(1ull << 2)
#define CR0_TS		(1ull << 3)
#define CR0_NE		(1ull << 5)
#define CR0_WP		(1ull << 16)
#define CR4_PGE		(1ull << 7)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_OSXMMEXCPT	(1ull << 10)
#define CR4_UMIP	(1ull << 11)
#define CR4_FSGSBASE	(1ull << 16)
#define CR4_OSXSAVE	(1ull << 18)
#define CR4_SMEP	(1ull << 20)
#define CR4_SMAP	(1ull << 21)

/* ---- CPU features (arch/cpu.c) ---- */

struct cpu_features {
	char vendor[13];
	char brand[49];
	bool nx, smep, smap, umip, pge, fsgsbase, xsave, avx, rdrand, rdseed;
	bool invariant_tsc, x2apic, tsc_deadline, hypervisor, pdpe1gb;
	bool sev, sev_es, sev_snp;
	uint32_t phys_addr_bits, virt_addr_bits;
	uint32_t xsave_size;		/* bytes for the enabled XCR0 state */
	uint64_t xcr0;
	uint32_t mxcsr_mask;		/* the CPU's, from FXSAVE at boot */
	uint32_t hwcap;			/* CPUID 1 EDX, Linux's AT_HWCAP */
	uint32_t hwcap2;
};
extern struct cpu_features cpu;

/* Detect features and turn on NX, WP, SMEP, SMAP, UMIP, SSE, XSAVE. */
void arch_cpu_init(void);

/* SMAP: open/close a window for deliberate kernel access to user pages. */
void arch_user_access_begin(void);
void arch_user_access_end(void);

/* FPU/SSE/AVX state: buffers must be 64-byte aligned, cpu.xsave_size. */
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);
void arch_fpu_init_state(void *area);	/* a fresh, Linux-default state */

/* ---- Checks on guest-controlled state (arch/usercheck.c) ---- */

#define ARCH_MXCSR_MASK_DEFAULT	0xffbfu	/* SDM vol. 1, 11.6.6 */

/* Is va canonical (48-bit: bits 63:47 equal)? */
bool arch_canonical(uint64_t va);
/*
 * arch_user_frame_ok: may iretq or sysret return to f in ring 3 without
 * faulting in ring 0?  RIP canonical, CS/SS the user selectors, RFLAGS
 * with IF and bit 1 set and no IOPL, NT, VM or reserved bit.  Every path
 * back to ring 3 calls it on the final frame; a bad one becomes the
 * guest's SIGSEGV (platform/traps.c), as Linux's bad-iret fixup does.
 */
bool arch_user_frame_ok(const struct trap_frame *f);

/* What XRSTOR/FXRSTOR accept on this CPU. */
struct arch_fpu_limits {
	uint32_t mxcsr_mask;	/* the CPU's MXCSR_MASK, read once at boot */
	uint64_t xcr0;		/* XSTATE_BV may name only these */
	bool xsave;		/* XSAVE format (else FXSAVE only) */
};
/* The MXCSR_MASK an FXSAVE wrote at area (the default when it is 0). */
uint32_t arch_mxcsr_mask_from(const void *fxsave_area);
/*
 * arch_fpu_state_ok: would restoring the XSAVE/FXSAVE image at area
 * succeed?  MXCSR within l->mxcsr_mask (never the area's own
 * MXCSR_MASK word), and an XSAVE header in the standard format naming
 * only enabled components.
 */
bool arch_fpu_state_ok(const void *area, const struct arch_fpu_limits *l);

/* ---- Descriptor tables and traps (arch/gdt.c, arch/idt.c) ---- */

/*
 * arch_gdt_init: GDT with a TSS whose IST slots point at the given stack
 * tops (index = IST_*; 0 entries unused).
 */
void arch_gdt_init(const uint64_t ist_top[8]);
/* The kernel stack the CPU switches to on a ring 3 -> 0 interrupt. */
void arch_set_kernel_stack(uint64_t rsp0);
void arch_idt_init(void);

typedef void (*arch_trap_fn)(struct trap_frame *f);
/* Route one vector to fn; unset vectors go to the default handler. */
void arch_set_trap_handler(unsigned vector, arch_trap_fn fn);
void arch_set_default_trap_handler(arch_trap_fn fn);
/* Called after every trap handler whose frame returns to ring 3. */
void arch_set_user_return_hook(arch_trap_fn fn);
/* Run f->vector's handler (no user-return hook): for #HV delivery. */
void arch_trap_dispatch(struct trap_frame *f);
/*
 * #HV delivery (SEV-SNP Restricted Injection).  arch_hv_enable: vector
 * 28 on its own IST stack from now on (moved to the interrupted stack
 * when IF was set), returns to ring 3 through iretq only, and held(f)
 * runs whenever arch_irq_held is set and f (a frame about to be
 * resumed with IF set, or a stand-in for the caller of sti) may take
 * interrupts; it runs with IF clear.
 */
void arch_hv_enable(arch_trap_fn held);
/*
 * A #HV that came with IF clear at a point that was about to enable
 * interrupts (the iretq path, the idle sti; hlt): move f's RIP back to
 * before that point's test of arch_irq_held (or past the hlt).
 */
void arch_hv_rewind(struct trap_frame *f);
/* The idle wait: sti; hlt; cli, as one unit #HV knows about. */
void arch_idle_wait(void);

/*
 * Fault recovery for user copies: a faulting access at an address listed
 * in the exception table (.extable: pairs of fault RIP, fixup RIP)
 * resumes at the fixup.  Returns true if the frame was redirected.
 */
bool arch_fixup_exception(struct trap_frame *f);

/*
 * Copy to/from user memory with fault recovery (arch/usercopy.asm).
 * Return the number of bytes NOT copied (0 on success).  The caller has
 * already checked the range lies in user space.
 */
size_t arch_copy_from_user(void *dst, const void *usrc, size_t n);
size_t arch_copy_to_user(void *udst, const void *src, size_t n);
size_t arch_clear_user(void *udst, size_t n);
/* Length of a user string up to max, or -1 on fault; max+1 if longer. */
long arch_strnlen_user(const char *us, size_t max);

/* ---- Syscall entry (arch/syscall.c + entry.asm) ---- */

/*
 * Program STAR/LSTAR/SFMASK.  A syscall whose number n is below the
 * count given to arch_syscall_set_fast and has a non-NULL fast[n] is
 * called directly with its six arguments and no complete frame: the
 * callee-saved registers stay live in the CPU, never stored (the C ABI
 * preserves them).  Its result goes back with sysret unless the
 * current thread's work word (arch_percpu.user_work) is non-zero or the
 * result is -EINTR: then the frame is completed and exit_work(frame)
 * runs first.  Every other syscall calls slow(frame) with a complete
 * frame.
 */
typedef long (*arch_syscall_fn)(uint64_t, uint64_t, uint64_t, uint64_t,
    uint64_t, uint64_t);
void arch_syscall_init(arch_trap_fn slow, arch_trap_fn exit_work);
/* Install the fast table (n = 0: every syscall takes the slow way). */
void arch_syscall_set_fast(const arch_syscall_fn *fast, uint32_t n);

/*
 * Leave the kernel for user mode with the register state in f (iretq,
 * or sysret when f came from syscall and it is safe).  Never returns.
 */
void arch_enter_user(struct trap_frame *f) __attribute__((noreturn));

/* Per-CPU block reached through GS in the kernel. */
struct arch_percpu {
	struct arch_percpu *self;	/* %gs:0 */
	uint64_t kernel_rsp;		/* %gs:8: syscall entry stack top */
	uint64_t user_rsp;		/* %gs:16: scratch during entry */
	void *current;			/* %gs:24: platform's current thread */
	/* %gs:32: the current thread's work word, checked on syscall exit. */
	const volatile uint32_t *user_work;
	void *current_data;		/* %gs:40: its data (platform.h) */
	void *current_as_data;		/* %gs:48: its address space's data */
	uint32_t cpu_id;
};
_Static_assert(__builtin_offsetof(struct arch_percpu, user_work) == 32,
    "arch/syscall.asm reads user_work at %gs:32");
void arch_percpu_init(struct arch_percpu *p);

/* ---- Context switch (arch/switch.asm) ---- */

/*
 * Save the callee-saved registers and RSP into *save_rsp, continue on
 * new_rsp.  A fresh stack for arch_thread_trampoline holds, from new_rsp
 * up: six zero words (r15..rbp), the trampoline's address, then the new
 * thread's struct trap_frame; the trampoline calls
 * thread_first_run(frame).
 */
void arch_context_switch(uint64_t *save_rsp, uint64_t new_rsp);
extern char arch_thread_trampoline[];

/* ---- Page tables (arch/paging.c) ---- */

#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_U		(1ull << 2)
#define PTE_PWT		(1ull << 3)
#define PTE_PCD		(1ull << 4)
#define PTE_A		(1ull << 5)
#define PTE_D		(1ull << 6)
#define PTE_PS		(1ull << 7)
#define PTE_G		(1ull << 8)
#define PTE_NX		(1ull << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ull
/* A pt_map flag, never written: map shared (without enc_mask). */
#define PT_MAP_SHARED	(1ull << 52)

/*
 * Page-table context: how to get a zeroed page for a table and how to
 * reach a table's memory.  enc_mask is OR-ed into every private mapping
 * and every table pointer (0 today; the C-bit under SEV-SNP).
 */
struct pt_ctx {
	uint64_t root;				/* physical address of PML4 */
	uint64_t enc_mask;
	uint64_t (*alloc_table)(void *arg);	/* phys of zeroed page, 0 = none */
	void *(*phys_to_virt)(uint64_t phys, void *arg);
	void *arg;
};

/*
 * pt_map: map [va, va+size) to [pa, ...) with flags (PTE_* without P),
 * using 2 MiB/1 GiB pages where alignment allows and big is true.
 * Returns 0 or -ENOMEM (tables allocated so far stay).  Existing
 * mappings are replaced.
 */
int pt_map(struct pt_ctx *c, uint64_t va, uint64_t pa, uint64_t size,
    uint64_t flags, bool big);
/* Remove mappings in [va, va+size), 4K granularity (splits big pages). */
int pt_unmap(struct pt_ctx *c, uint64_t va, uint64_t size);
/* Look up va: returns the PTE (0 if unmapped) and the page size. */
uint64_t pt_lookup(struct pt_ctx *c, uint64_t va, uint64_t *page_size);
/* Pointer to the 4K leaf PTE for va, creating tables if create. */
uint64_t *pt_leaf(struct pt_ctx *c, uint64_t va, bool create);
/*
 * pt_next_table: the lowest address in [va, end) that a 4K leaf table (or
 * a big page) covers, or end when there is none.  Empty upper-level
 * entries are skipped whole, so a walk over a huge, mostly empty range
 * costs what is mapped, not the size of the range.
 */
uint64_t pt_next_table(struct pt_ctx *c, uint64_t va, uint64_t end);
/*
 * pt_prune: free, bottom up, the tables on the path to va that are now
 * empty (all 512 entries zero), clearing the entries that pointed to
 * them; free_table gets each one's physical address.  The root stays.
 * Pass the last address just unmapped: the emptiness scans start next
 * to it.
 * The caller flushes the TLB for va (INVLPG also drops the
 * paging-structure caches).
 */
void pt_prune(struct pt_ctx *c, uint64_t va,
    void (*free_table)(uint64_t pa, void *arg));

#endif
