/*
 * struct boot_info: everything a boot path hands the kernel.
 *
 * The boot paths (multiboot1 in boot/multiboot.asm + boot/multiboot.c, the
 * UEFI loader in boot/uefi/, and the -bios ROM in boot/rom*) fill one of
 * these and call
 * platform_start().  The structure is plain data with fixed-size arrays so
 * a loader can fill it before any allocator exists.  Values here come from
 * firmware or a boot loader and are not trusted blindly: platform/memmap.c
 * sanitizes the memory map, and lengths are clamped where they are used.
 */
#ifndef BOOT_BOOT_INFO_H
#define BOOT_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC		0x434c5354424f4f54ull	/* "CLSTBOOT" */
#define BOOT_MMAP_MAX		256
#define BOOT_CMDLINE_MAX	4096
#define BOOT_MODULES_MAX	8

enum boot_source {
	BOOT_SRC_MULTIBOOT = 1,
	BOOT_SRC_UEFI = 2,
	BOOT_SRC_ROM = 3,		/* -bios ROM, fw_cfg (boot/rom*) */
};

/* Memory region types, after translation from E820/multiboot or EFI. */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1,		/* free RAM */
	BOOT_MEM_RESERVED = 2,		/* never touch */
	BOOT_MEM_ACPI_RECLAIM = 3,	/* ACPI tables: keep (we read them) */
	BOOT_MEM_ACPI_NVS = 4,
	BOOT_MEM_BAD = 5,
	BOOT_MEM_UNACCEPTED = 6,	/* EFI type 15: SNP must accept first */
	BOOT_MEM_RUNTIME = 7,		/* EFI runtime services: keep */
};

struct boot_mem_region {
	uint64_t base;
	uint64_t len;
	uint32_t type;			/* enum boot_mem_type */
	uint32_t reserved;
};

struct boot_range {
	uint64_t start;			/* physical, inclusive */
	uint64_t end;			/* physical, exclusive */
};

struct boot_info {
	uint64_t magic;			/* BOOT_INFO_MAGIC */
	uint32_t source;		/* enum boot_source */
	uint32_t mmap_count;		/* valid entries in mmap[] */
	struct boot_mem_region mmap[BOOT_MMAP_MAX];
	char cmdline[BOOT_CMDLINE_MAX];	/* NUL-terminated, truncated */

	struct boot_range kernel;	/* loaded image incl. bss */
	uint32_t module_count;
	uint32_t reserved0;
	struct boot_range modules[BOOT_MODULES_MAX];

	uint64_t acpi_rsdp;		/* physical, 0 if unknown */
	uint64_t efi_system_table;	/* physical, 0 unless UEFI */
	uint64_t boot_tsc;		/* TSC at the first boot instruction */

	/* SEV state as the firmware saw it (0 when not available). */
	uint32_t sev_cpuid_eax;		/* CPUID 0x8000001F EAX */
	uint32_t sev_cpuid_ebx;		/* CPUID 0x8000001F EBX (C-bit pos) */
	uint64_t sev_status;		/* MSR 0xC0010131 */
	uint64_t snp_secrets_page;	/* physical, 0 if none */
	uint64_t snp_cpuid_page;	/* physical, 0 if none */
};

/* The one C entry every boot path ends in.  Never returns. */
void platform_start(struct boot_info *bi) __attribute__((noreturn));

#endif
