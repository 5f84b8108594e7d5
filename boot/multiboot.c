/*
 * Multiboot1 -> struct boot_info.  Runs on the early page tables (first
 * 1 GiB of physical memory mapped at KERNEL_VBASE), before the stack
 * canary is set.  Everything the loader handed us is copied into
 * boot_info here, so nothing later depends on loader memory.
 */
#include <stddef.h>

#include "boot/boot_info.h"

#define KERNEL_VBASE	0xffffffff80000000ull
#define EARLY_MAP_END	(1ull << 30)	/* what the early tables map */

/* Multiboot information structure (Multiboot Specification 0.6.96, 3.3). */
#define MBI_FLAG_MEM	(1u << 0)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS	(1u << 3)
#define MBI_FLAG_MMAP	(1u << 6)

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap_entry {
	uint32_t size;		/* of the rest of the entry */
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

struct mb_module {
	uint32_t start, end;
	uint32_t string;
	uint32_t reserved;
} __attribute__((packed));

/* Boot stack and early tables, referenced by boot/multiboot.asm. */
uint64_t boot_pml4[512] __attribute__((aligned(4096)));
uint64_t boot_pdpt_lo[512] __attribute__((aligned(4096)));
uint64_t boot_pdpt_hi[512] __attribute__((aligned(4096)));
uint64_t boot_pd[512] __attribute__((aligned(4096)));

static struct boot_info bi;

extern char __image_pstart[], __image_pend[];

void boot_multiboot(uint32_t mbi_phys, uint64_t tsc) __attribute__((noreturn));

/* A pointer to [phys, phys+len) if the early map covers it, else NULL. */
static const void *
early_ptr(uint64_t phys, uint64_t len)
{
	if (phys == 0 || phys >= EARLY_MAP_END || len > EARLY_MAP_END - phys)
		return NULL;
	return (const void *)(KERNEL_VBASE + phys);
}

static uint32_t
mb_type(uint32_t t)
{
	switch (t) {
	case 1: return BOOT_MEM_USABLE;
	case 3: return BOOT_MEM_ACPI_RECLAIM;
	case 4: return BOOT_MEM_ACPI_NVS;
	case 5: return BOOT_MEM_BAD;
	default: return BOOT_MEM_RESERVED;
	}
}

static void
copy_mmap(const struct mb_info *mb)
{
	const uint8_t *p = early_ptr(mb->mmap_addr, mb->mmap_length);
	uint32_t off = 0;

	if (p == NULL)
		return;
	while (off + sizeof(struct mb_mmap_entry) <= mb->mmap_length &&
	    bi.mmap_count < BOOT_MMAP_MAX) {
		const struct mb_mmap_entry *e = (const void *)(p + off);

		bi.mmap[bi.mmap_count].base = e->addr;
		bi.mmap[bi.mmap_count].len = e->len;
		bi.mmap[bi.mmap_count].type = mb_type(e->type);
		bi.mmap_count++;
		if (e->size < 20)	/* malformed: stop rather than loop */
			break;
		off += e->size + 4;
	}
}

/*
 * The multiboot command line starts with the kernel's own path (QEMU
 * puts the -kernel file name there): drop that first word.
 */
static void
copy_cmdline(uint32_t phys)
{
	const char *s = early_ptr(phys, 1);
	uint32_t i = 0;

	if (s == NULL)
		return;
	while (early_ptr(phys, 1) != NULL && *s != '\0' && *s != ' ') {
		s++;
		phys++;
	}
	while (early_ptr(phys, 1) != NULL && *s == ' ') {
		s++;
		phys++;
	}
	while (i + 1 < BOOT_CMDLINE_MAX && early_ptr(phys + i, 1) != NULL &&
	    s[i] != '\0') {
		bi.cmdline[i] = s[i];
		i++;
	}
	bi.cmdline[i] = '\0';
}

static void
copy_modules(const struct mb_info *mb)
{
	const struct mb_module *m;
	uint32_t n = mb->mods_count;

	m = early_ptr(mb->mods_addr, (uint64_t)n * sizeof(*m));
	if (m == NULL)
		return;
	for (uint32_t i = 0; i < n && i < BOOT_MODULES_MAX; i++) {
		if (m[i].end < m[i].start)
			continue;
		bi.modules[bi.module_count].start = m[i].start;
		bi.modules[bi.module_count].end = m[i].end;
		bi.module_count++;
	}
}

void
boot_multiboot(uint32_t mbi_phys, uint64_t tsc)
{
	const struct mb_info *mb = early_ptr(mbi_phys, sizeof(*mb));

	bi.magic = BOOT_INFO_MAGIC;
	bi.source = BOOT_SRC_MULTIBOOT;
	bi.boot_tsc = tsc;
	bi.kernel.start = (uint64_t)__image_pstart;
	bi.kernel.end = (uint64_t)__image_pend;
	if (mb != NULL) {
		if (mb->flags & MBI_FLAG_MMAP)
			copy_mmap(mb);
		if (mb->flags & MBI_FLAG_CMDLINE)
			copy_cmdline(mb->cmdline);
		if (mb->flags & MBI_FLAG_MODS)
			copy_modules(mb);
		if (bi.mmap_count == 0 && (mb->flags & MBI_FLAG_MEM)) {
			/* No map: mem_upper KiB of RAM above 1 MiB. */
			bi.mmap[0].base = 0x100000;
			bi.mmap[0].len = (uint64_t)mb->mem_upper * 1024;
			bi.mmap[0].type = BOOT_MEM_USABLE;
			bi.mmap_count = 1;
		}
	}
	platform_start(&bi);
}
