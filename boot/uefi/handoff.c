/*
 * Leaving the firmware: the page tables, GDT and trampoline the kernel
 * is entered with (see internal.h), and the final jump.
 *
 * The kernel expects what boot/multiboot.asm gives it: long mode, the
 * first 1 GiB mapped at KERNEL_VBASE (platform/vmm.c reaches its first
 * table pages there), a 64-bit code segment at 0x08 and null data
 * segments.  The identity map covers the handoff region (where RDI
 * points) and, for good measure, the rest of the first 4 GiB.
 */
#include "boot/uefi/internal.h"
#include "boot/uefi/parse.h"

/* AMD64 APM vol. 2, 5.3: page-table entry bits. */
#define PTE_P		(1ull << 0)
#define PTE_W		(1ull << 1)
#define PTE_PS		(1ull << 7)	/* in a PDE: 2 MiB page */
#define PML4_INDEX(va)	(((va) >> 39) & 511)
#define PDPT_INDEX(va)	(((va) >> 30) & 511)
#define PAGE_2M		(1ull << 21)
#define PAGE_1G		(1ull << 30)

/* AMD64 APM vol. 2, 3.1 and 4.8: control registers, EFER, descriptors. */
#define CR4_PGE		(1ull << 7)
#define CR4_CET		(1ull << 23)
#define MSR_EFER	0xC0000080u
#define EFER_NXE	(1ull << 11)
#define DESC_KCODE64	0x00209A0000000000ull	/* P, DPL0, code, L */
#define DESC_KDATA	0x0000920000000000ull	/* P, DPL0, data, W */

typedef void tramp_fn(struct boot_info *bi, const struct handoff_args *a);

static uint64_t
table_entry(const uint64_t *table, uint64_t enc_mask)
{
	return (uint64_t)(uintptr_t)table | enc_mask | PTE_P | PTE_W;
}

void
handoff_prepare(struct handoff *h, uint64_t enc_mask, uint64_t entry)
{
	size_t code_len = (size_t)(uefi_tramp_end - uefi_tramp_start);
	struct handoff_args *a = &h->ctl.args;

	for (uint64_t g = 0; g < HANDOFF_IDMAP_GIB; g++) {
		for (uint64_t i = 0; i < 512; i++)
			h->pd[g][i] = (g * PAGE_1G + i * PAGE_2M) | enc_mask |
			    PTE_P | PTE_W | PTE_PS;
		h->pdpt_lo[g] = table_entry(h->pd[g], enc_mask);
	}
	h->pdpt_hi[PDPT_INDEX(KERNEL_VBASE)] = table_entry(h->pd[0], enc_mask);
	h->pml4[0] = table_entry(h->pdpt_lo, enc_mask);
	h->pml4[PML4_INDEX(KERNEL_VBASE)] = table_entry(h->pdpt_hi, enc_mask);

	h->ctl.gdt[1] = DESC_KCODE64;
	h->ctl.gdt[2] = DESC_KDATA;
	a->gdtr.limit = sizeof(h->ctl.gdt) - 1;
	a->gdtr.base = (uint64_t)(uintptr_t)h->ctl.gdt;
	a->idtr.limit = 0;
	a->idtr.base = 0;
	a->entry = entry;
	a->cr3 = (uint64_t)(uintptr_t)h->pml4 | enc_mask;
	a->stack_top = (uint64_t)(uintptr_t)(h->stack + sizeof(h->stack));

	for (size_t i = 0; i < code_len && i < sizeof(h->code); i++)
		h->code[i] = uefi_tramp_start[i];
}

static uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static void
wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	    "d"((uint32_t)(v >> 32)));
}

void
handoff_jump(struct handoff *h, bool nx)
{
	tramp_fn *tramp = (tramp_fn *)(uintptr_t)h->code;
	uint64_t cr4;

	__asm__ volatile("cli; cld" : : : "memory");
	/* The firmware's tables may use NX already; never turn it off. */
	if (nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	/*
	 * Clearing PGE flushes the firmware's global TLB entries, which a
	 * CR3 load would keep (the kernel sets PGE again); a firmware
	 * shadow stack (CET) would not survive the far return.
	 */
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & (CR4_PGE | CR4_CET))
		__asm__ volatile("mov %0, %%cr4" : :
		    "r"(cr4 & ~(CR4_PGE | CR4_CET)) : "memory");
	tramp(&h->bi, &h->ctl.args);
	__builtin_unreachable();
}
