/*
 * GDT and TSS.  The descriptor order is fixed by SYSCALL/SYSRET: STAR
 * holds the kernel CS (SS = CS + 8) and the user base from which SYSRET
 * derives SS = base + 8 and CS = base + 16 (AMD APM vol. 2, 6.1.1).
 */
#include "arch/arch.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS size");

struct gdt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Access bytes and flags of the code/data descriptors we use. */
#define DESC_KCODE	0x00af9a000000ffffull	/* L=1, DPL0, exec/read */
#define DESC_KDATA	0x00cf92000000ffffull	/* DPL0, read/write */
#define DESC_UDATA	0x00cff2000000ffffull	/* DPL3, read/write */
#define DESC_UCODE	0x00affa000000ffffull	/* L=1, DPL3, exec/read */
#define DESC_TSS_TYPE	0x89ull			/* present, 64-bit TSS */

static struct tss tss;
static uint64_t gdt[8] __attribute__((aligned(16)));

static void
gdt_set_tss(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	    (DESC_TSS_TYPE << 40) | (((limit >> 16) & 0xf) << 48) |
	    (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void
arch_gdt_init(const uint64_t ist_top[8])
{
	struct gdt_ptr p;

	gdt[0] = 0;
	gdt[GDT_KCODE / 8] = DESC_KCODE;
	gdt[GDT_KDATA / 8] = DESC_KDATA;
	gdt[GDT_UCODE32 / 8] = 0;	/* no 32-bit user code */
	gdt[GDT_UDATA / 8] = DESC_UDATA;
	gdt[GDT_UCODE / 8] = DESC_UCODE;
	for (int i = 1; i < 8; i++)
		tss.ist[i - 1] = ist_top[i];
	tss.iomap_base = sizeof(tss);	/* no I/O bitmap: ring 3 gets #GP */
	gdt_set_tss();

	p.limit = sizeof(gdt) - 1;
	p.base = (uint64_t)gdt;
	__asm__ volatile(
	    "lgdt %0\n\t"
	    "pushq %1\n\t"
	    "leaq 1f(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"
	    "lretq\n"
	    "1:\n\t"
	    "movw %w2, %%ax\n\t"
	    "movw %%ax, %%ds\n\t"
	    "movw %%ax, %%es\n\t"
	    "movw %%ax, %%ss\n\t"
	    "xorl %%eax, %%eax\n\t"
	    "movw %%ax, %%fs\n\t"
	    "movw %%ax, %%gs\n\t"
	    "ltr %w3"
	    : : "m"(p), "i"(GDT_KCODE), "i"(GDT_KDATA), "r"(GDT_TSS)
	    : "rax", "memory");
}

/* TSS.RSP0 as arch/entry.asm's #HV entry reads it. */
uint64_t arch_kernel_rsp0;

void
arch_set_kernel_stack(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
	arch_kernel_rsp0 = rsp0;
}
