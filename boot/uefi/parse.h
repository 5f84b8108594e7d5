/*
 * Pure parsers for the UEFI loader: the kernel image it carries and the
 * load options the firmware hands it.  No gnu-efi headers, no firmware
 * calls: tests/unit/test_efimap.c runs them on the host.
 */
#ifndef BOOT_UEFI_PARSE_H
#define BOOT_UEFI_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define KERNEL_VBASE		0xffffffff80000000ull
#define KIMAGE_MAP_LIMIT	(1ull << 30)	/* the handoff maps 1 GiB */

/* Multiboot Specification 0.6.96, 3.1.1-3.1.3: the header. */
#define MULTIBOOT_HEADER_MAGIC	0x1BADB002u
#define MULTIBOOT_AOUT_KLUDGE	(1u << 16)	/* address fields valid */

/* boot/multiboot.asm: the record after the header, for this loader. */
#define KIMAGE_RECORD_MAGIC	"CL64"

/*
 * The first 48 bytes of the flat image scripts/link-image writes: the
 * multiboot header (a.out kludge: the image is loaded at load_addr, its
 * file offset 0 is header_addr) and Cloister's UEFI entry record.
 */
struct kimage_header {
	uint32_t magic;			/* MULTIBOOT_HEADER_MAGIC */
	uint32_t flags;
	uint32_t checksum;		/* magic + flags + checksum == 0 */
	uint32_t header_addr;
	uint32_t load_addr;
	uint32_t load_end_addr;		/* 0: the whole file */
	uint32_t bss_end_addr;		/* 0: no bss */
	uint32_t entry_addr;		/* 32-bit multiboot entry */
	char rec_magic[4];		/* KIMAGE_RECORD_MAGIC */
	uint32_t rec_reserved;
	uint64_t rec_entry64;		/* virtual: boot_uefi_entry */
};
_Static_assert(sizeof(struct kimage_header) == 48, "kimage header");
_Static_assert(offsetof(struct kimage_header, rec_magic) == 32,
    "the record follows the 8-dword multiboot header");
_Static_assert(offsetof(struct kimage_header, rec_entry64) == 40,
    "kimage record entry");

/* Where the image goes, validated. */
struct kimage {
	uint64_t load_addr;		/* physical, page-aligned */
	uint64_t load_end;		/* bytes [load_addr, load_end) are copied */
	uint64_t bss_end;		/* [load_end, bss_end) is zeroed */
	uint64_t entry;			/* virtual 64-bit entry */
};

/*
 * Check the image of size bytes at blob and describe it in *k.
 * Returns NULL, or a sentence saying what is wrong.
 */
const char *boot_kimage_parse(const void *blob, size_t size,
    struct kimage *k);

/*
 * The UEFI load options (UCS-2, size bytes at opts, may be NULL) as the
 * kernel command line in out[outmax], NUL-terminated, truncated between
 * characters.  Units that are all bytes forming valid UTF-8 are taken as
 * those bytes: OVMF widens QEMU's -append byte by byte, and this gives
 * the kernel exactly what multiboot would.  Otherwise the text is real
 * UCS-2 and is encoded as UTF-8.  Tabs and line ends become spaces; a
 * first word ending in ".efi" (the UEFI Shell passes the program's path
 * first) is dropped; options holding other control characters (a boot
 * entry's binary optional data) give an empty line.  Returns the length.
 */
size_t boot_loadopt_cmdline(const void *opts, size_t size, char *out,
    size_t outmax);

#endif
