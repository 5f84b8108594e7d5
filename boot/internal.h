/*
 * boot/ internals shared by the ROM boot path (boot/rom*.c) and the
 * fw_cfg reader (boot/fwcfg*.c), and by their host tests.
 */
#ifndef BOOT_INTERNAL_H
#define BOOT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/boot_info.h"

/*
 * Fixed guest-physical layout of the ROM boot (boot/rom.asm uses the same
 * numbers; boot/rom-image passes them in).  Everything below 1 MiB is
 * kept out of the page allocator by platform/start.c, so these pages are
 * never reused.  Under SEV-SNP the launch validates exactly: the ROM,
 * [ROM_PT_BASE, ROM_PT_END), [KERNEL_PBASE, the kernel's end) (its
 * struct boot_info range, page-rounded), the secrets page and the CPUID
 * page (the ROM's SEV metadata sections).
 */
#define ROM_PT_BASE		0x10000u	/* early page tables, 7 pages */
#define ROM_PT_END		0x17000u
#define ROM_SNP_SECRETS		0x1e000u	/* SNP secrets page */
#define ROM_SNP_CPUID		0x1f000u	/* SNP CPUID page */

/*
 * QEMU's fw_cfg (QEMU docs/specs/fw_cfg.rst): a selector register and a
 * byte-wide data register in I/O space.  Item 0x0000 reads "QEMU", item
 * 0x0019 is the file directory: a big-endian u32 count, then count
 * entries of struct fwcfg_file.
 */
#define FWCFG_PORT_SEL		0x510
#define FWCFG_PORT_DATA		0x511
#define FWCFG_SIGNATURE		0x0000
#define FWCFG_FILE_DIR		0x0019
#define FWCFG_NAME_MAX		56
#define FWCFG_DIR_MAX		4096	/* refuse more directory entries */

struct fwcfg_file {
	uint32_t size;			/* big-endian */
	uint16_t select;		/* big-endian */
	uint16_t reserved;
	char name[FWCFG_NAME_MAX];	/* NUL-terminated (not trusted) */
} __attribute__((packed));
_Static_assert(sizeof(struct fwcfg_file) == 64, "fw_cfg file entry");

/* One etc/e820 entry (QEMU hw/i386/e820_memory_layout.h), little-endian. */
struct fwcfg_e820 {
	uint64_t address;
	uint64_t length;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct fwcfg_e820) == 20, "e820 entry");

#define FWCFG_E820_MAX		128	/* more entries than this: refused */

/*
 * The device: select an item, then read its bytes in order.  boot/fwcfg_io.c
 * uses the I/O ports; the host tests and the fuzz target supply their own
 * model of the device instead.
 */
void boot_fwcfg_select(uint16_t item);
void boot_fwcfg_read(void *buf, uint32_t len);

/* 0 if the signature item reads "QEMU", -ENODEV otherwise. */
int boot_fwcfg_probe(void);
/*
 * Look name up in the file directory: 0 with *item and *size set,
 * -ENOENT if absent, -EINVAL if the directory is malformed.
 */
int boot_fwcfg_find(const char *name, uint16_t *item, uint32_t *size);
/*
 * Parse an etc/e820 table of len bytes into bi->mmap (replacing it).
 * Entries of length 0 are skipped; an entry that wraps past 2^64 or a
 * table that is not a whole number of entries (or longer than
 * FWCFG_E820_MAX) is refused: -EINVAL and bi->mmap_count = 0.
 */
int boot_e820_parse(const uint8_t *buf, uint32_t len, struct boot_info *bi);
/* Read etc/e820 from the device and parse it (-ENOENT, -EINVAL). */
int boot_fwcfg_e820(struct boot_info *bi);
/*
 * Read the file name (at most max - 1 bytes, cut at a NUL) into buf,
 * always NUL-terminated.  0, or -ENOENT (buf = "").
 */
int boot_fwcfg_string(const char *name, char *buf, uint32_t max);

/*
 * SEV-SNP on the ROM path (boot/rom_snp.c; ghcb/README.md, "The ROM's
 * early path").
 *
 * boot_rom_snp_start: detect SNP (cpuid_page: the SNP CPUID page, mapped;
 * physical memory at dmap_base + pa) and, when it is on, make the page at
 * ghcb_pa (launch-validated) shared and register it as the GHCB, so port
 * I/O works from then on.  False, with nothing changed, on a plain
 * machine.  Every failure is a termination request.
 */
bool boot_rom_snp_start(const void *cpuid_page, uint64_t dmap_base,
    uint64_t ghcb_pa);
/*
 * Map the physical page pa without the C-bit (enc_mask) on the boot
 * path's page tables; returns where.  boot/rom.c (the ROM's tables), or
 * the host test.
 */
volatile void *boot_rom_map_shared(uint64_t pa, uint64_t enc_mask);
/*
 * The #VC handler before platform_start (boot/rom_entry.asm's gate):
 * ghcb/'s handler, and a termination for anything it cannot emulate.
 */
struct trap_frame;
void boot_rom_vc(struct trap_frame *f);
/*
 * The firmware map under SNP, after fw_cfg: usable RAM in
 * [validated_end, mapped_end) (page-aligned; below 1 MiB excluded) is
 * accepted now; usable RAM above mapped_end becomes BOOT_MEM_UNACCEPTED,
 * page-aligned (an entry across mapped_end is split), for platform_start.
 * Usable RAM overlapping RAM an earlier entry named becomes
 * BOOT_MEM_RESERVED (accepting a page twice would read as a remap).
 * 0, or -ENOSPC when a split found bi->mmap full (that part is dropped).
 */
int boot_rom_snp_memory(struct boot_info *bi, uint64_t validated_end,
    uint64_t mapped_end);

#endif
