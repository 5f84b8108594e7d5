/*
 * The UEFI memory map -> struct boot_info's memory map.
 *
 * Pure C (no gnu-efi headers, no firmware calls), so the host unit tests
 * (tests/unit/test_efimap.c) can feed it hostile maps.
 */
#ifndef BOOT_UEFI_EFIMAP_H
#define BOOT_UEFI_EFIMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/boot_info.h"

#define EFIMAP_PAGE_SIZE	4096ull

/* UEFI 2.10, 7.2.3 EFI_BOOT_SERVICES.AllocatePages(): EFI_MEMORY_TYPE. */
enum efi_memory_type {
	EFI_RESERVED_MEMORY_TYPE = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_SERVICES_CODE = 5,
	EFI_RUNTIME_SERVICES_DATA = 6,
	EFI_CONVENTIONAL_MEMORY = 7,
	EFI_UNUSABLE_MEMORY = 8,
	EFI_ACPI_RECLAIM_MEMORY = 9,
	EFI_ACPI_MEMORY_NVS = 10,
	EFI_MEMORY_MAPPED_IO = 11,
	EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT_MEMORY = 14,
	EFI_UNACCEPTED_MEMORY_TYPE = 15,
};

/* UEFI 2.10, 7.2.3: memory attribute bits of a descriptor. */
#define EFIMAP_ATTR_SP		(1ull << 18)	/* specific-purpose memory */
#define EFIMAP_ATTR_RUNTIME	(1ull << 63)	/* needed by runtime services */

/*
 * UEFI 2.10, 7.2.3 EFI_BOOT_SERVICES.GetMemoryMap(): EFI_MEMORY_DESCRIPTOR.
 * The firmware's descriptors may be larger (DescriptorSize); this is the
 * prefix every version shares.
 */
struct efi_mem_desc {
	uint32_t type;			/* enum efi_memory_type */
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t num_pages;		/* of EFIMAP_PAGE_SIZE bytes */
	uint64_t attribute;
};
_Static_assert(sizeof(struct efi_mem_desc) == 40, "EFI_MEMORY_DESCRIPTOR");
_Static_assert(offsetof(struct efi_mem_desc, phys_start) == 8,
    "EFI_MEMORY_DESCRIPTOR.PhysicalStart");
_Static_assert(offsetof(struct efi_mem_desc, num_pages) == 24,
    "EFI_MEMORY_DESCRIPTOR.NumberOfPages");
_Static_assert(offsetof(struct efi_mem_desc, attribute) == 32,
    "EFI_MEMORY_DESCRIPTOR.Attribute");

/* What the conversion repaired or had to leave out. */
struct efimap_stats {
	uint32_t descriptors;		/* whole descriptors read */
	uint32_t trailing_bytes;	/* map size not a multiple of stride */
	uint32_t zero_pages;		/* skipped: NumberOfPages == 0 */
	uint32_t clamped;		/* ran past the top of the address space */
	uint32_t merged;		/* joined to a neighbour of the same type */
	uint32_t dropped;		/* did not fit in the output */
	uint64_t dropped_usable_bytes;	/* RAM given up to make room */
};

#define EFIMAP_ERR_DESC_SIZE	(-1)	/* descriptor size below 40 bytes */
#define EFIMAP_ERR_UNSAFE	(-2)	/* too many entries to keep it safe */

/*
 * Convert the map at [map, map + map_size), one descriptor every
 * desc_size bytes, into at most max regions at out, sorted by base, with
 * touching or overlapping entries of the same type merged.  Entries of
 * different types that overlap are both kept (the kernel's memmap lets
 * the non-usable one win).  When more than max regions remain, the
 * smallest usable ones are dropped first (losing RAM is safe), then
 * non-usable ones that no usable descriptor overlaps.  stats may be NULL.
 * Returns the number of regions written, or EFIMAP_ERR_*.
 */
int boot_efimap_convert(const void *map, size_t map_size, size_t desc_size,
    struct boot_mem_region *out, uint32_t max, struct efimap_stats *stats);

/*
 * Is every byte of [start, end) in a usable region of map[0..n) (as
 * boot_efimap_convert() writes it) and in no region of another type?
 */
bool boot_efimap_range_usable(const struct boot_mem_region *map, uint32_t n,
    uint64_t start, uint64_t end);

/* The boot_mem_type for one EFI memory type and attribute set. */
uint32_t boot_efimap_type(uint32_t efi_type, uint64_t attribute);

#endif
