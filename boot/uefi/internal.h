/*
 * The UEFI loader's handoff: the one region below 1 GiB that outlives
 * ExitBootServices(), and the code that leaves the firmware for good.
 */
#ifndef BOOT_UEFI_INTERNAL_H
#define BOOT_UEFI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"

#define HANDOFF_PAGE_SIZE	4096
#define HANDOFF_IDMAP_GIB	4	/* identity map: the first 4 GiB */
#define HANDOFF_LIMIT		(1ull << 30)	/* region lies below this */

/* A GDTR/IDTR image (Intel SDM vol. 3A, 3.5.1). */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));
_Static_assert(sizeof(struct desc_ptr) == 10, "pseudo-descriptor");

/*
 * What the trampoline does, read from the handoff region.  The offsets
 * are repeated in trampoline.asm (ARG_*).
 */
struct handoff_args {
	uint64_t entry;			/* kernel virtual entry */
	uint64_t cr3;
	uint64_t stack_top;
	uint64_t copy_src;		/* then move the kernel into place: */
	uint64_t copy_dst;		/* copy_len bytes from copy_src to */
	uint64_t copy_len;		/* copy_dst and zero the zero_len */
	uint64_t zero_len;		/* bytes after them (0 and 0: in place) */
	struct desc_ptr gdtr;
	uint8_t pad0[6];
	struct desc_ptr idtr;
	uint8_t pad1[6];
};
_Static_assert(offsetof(struct handoff_args, cr3) == 8, "ARG_CR3");
_Static_assert(offsetof(struct handoff_args, stack_top) == 16, "ARG_STACK");
_Static_assert(offsetof(struct handoff_args, copy_src) == 24, "ARG_SRC");
_Static_assert(offsetof(struct handoff_args, copy_dst) == 32, "ARG_DST");
_Static_assert(offsetof(struct handoff_args, copy_len) == 40, "ARG_COPY");
_Static_assert(offsetof(struct handoff_args, zero_len) == 48, "ARG_ZERO");
_Static_assert(offsetof(struct handoff_args, gdtr) == 56, "ARG_GDTR");
_Static_assert(offsetof(struct handoff_args, idtr) == 72, "ARG_IDTR");

/*
 * The handoff region: page tables, the trampoline with its arguments,
 * GDT and stack, and struct boot_info.  Allocated below 1 GiB as
 * EfiLoaderCode (the trampoline runs from it while the firmware's page
 * tables are live) and listed in boot_info.modules[] so the kernel
 * leaves it alone until it has copied boot_info and switched to its own
 * tables.
 */
struct handoff {
	uint64_t pml4[512];
	uint64_t pdpt_lo[512];		/* identity map */
	uint64_t pdpt_hi[512];		/* KERNEL_VBASE -> 0 */
	uint64_t pd[HANDOFF_IDMAP_GIB][512];	/* 2 MiB pages */
	uint8_t code[HANDOFF_PAGE_SIZE];	/* copy of the trampoline */
	struct {
		uint64_t gdt[3];
		struct handoff_args args;
	} ctl __attribute__((aligned(HANDOFF_PAGE_SIZE)));
	uint8_t stack[HANDOFF_PAGE_SIZE]
	    __attribute__((aligned(HANDOFF_PAGE_SIZE)));
	struct boot_info bi __attribute__((aligned(HANDOFF_PAGE_SIZE)));
} __attribute__((aligned(HANDOFF_PAGE_SIZE)));
_Static_assert(offsetof(struct handoff, code) % HANDOFF_PAGE_SIZE == 0,
    "trampoline page");
_Static_assert(offsetof(struct handoff, pd) % HANDOFF_PAGE_SIZE == 0,
    "page directories are page-aligned");

#define HANDOFF_PAGES \
	((sizeof(struct handoff) + HANDOFF_PAGE_SIZE - 1) / HANDOFF_PAGE_SIZE)
#define HANDOFF_BYTES	(HANDOFF_PAGES * HANDOFF_PAGE_SIZE)

/* What the CPU offers the handoff, as facts.c found it. */
struct cpu_facts {
	uint64_t enc_mask;		/* SEV C-bit for page tables, or 0 */
	bool nx;			/* EFER.NXE may be set */
};

struct _EFI_SYSTEM_TABLE;

/*
 * boot/uefi/facts.c: fill bi's SEV state, efi_system_table, acpi_rsdp,
 * SNP pages and cmdline from the firmware, and *cpu.  image is the
 * loader's EFI_HANDLE; boot services must still run.
 */
void uefi_read_facts(void *image, struct _EFI_SYSTEM_TABLE *st,
    struct boot_info *bi, struct cpu_facts *cpu);

/* boot/uefi/trampoline.asm: position-independent, copied to h->code. */
extern const uint8_t uefi_tramp_start[], uefi_tramp_end[];

/*
 * Fill h's page tables (identity map of the first HANDOFF_IDMAP_GIB GiB,
 * the first 1 GiB again at KERNEL_VBASE; enc_mask is the SEV C-bit or
 * 0), its GDT and the trampoline's arguments for a kernel already in
 * place, and copy the trampoline.  h must be zeroed.
 */
void handoff_prepare(struct handoff *h, uint64_t enc_mask, uint64_t entry);

/*
 * After ExitBootServices(): interrupts off, EFER.NXE if nx, CR4.PGE and
 * CR4.CET off, then the trampoline switches to h's tables, GDT and
 * stack, moves the kernel if h->ctl.args asks for it and jumps to the
 * entry with RDI = &h->bi.  Never returns.
 */
void handoff_jump(struct handoff *h, bool nx) __attribute__((noreturn));

#endif
