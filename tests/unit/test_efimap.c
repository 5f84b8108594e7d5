/*
 * test_efimap.c: the UEFI loader's pure parts on the host.
 *
 * boot_efimap_convert() on hand-written and hostile firmware maps
 * (unsorted, overlapping, oversized descriptors, empty entries, a buffer
 * that is not a whole number of descriptors, more entries than fit), then
 * on thousands of random maps against a brute-force reference; the
 * property that matters is that nothing the firmware did not call free
 * ever looks usable.  Also the kernel image header check and the load
 * options -> command line conversion.
 */
#include "boot/uefi/efimap.h"
#include "boot/uefi/parse.h"
#include "tests/unit/harness.h"

#include <stdbool.h>
#include <stdlib.h>

#define PG	EFIMAP_PAGE_SIZE
#define MiB	(1024 * 1024ull)
#define GiB	(1024 * MiB)

#define U	BOOT_MEM_USABLE
#define R	BOOT_MEM_RESERVED

static struct boot_mem_region out[BOOT_MMAP_MAX];
static struct efimap_stats st;

/* A map buffer: descriptors of desc_size bytes, extra bytes set to 0xa5. */
static uint8_t buf[4096 * 64];

static size_t
put_desc(size_t desc_size, size_t i, uint32_t type, uint64_t start,
    uint64_t pages, uint64_t attr)
{
	struct efi_mem_desc d = { .type = type, .phys_start = start,
	    .virt_start = 0, .num_pages = pages, .attribute = attr };

	memset(buf + i * desc_size, 0xa5, desc_size);
	memcpy(buf + i * desc_size, &d, sizeof(d));
	return (i + 1) * desc_size;
}

struct d {
	uint32_t type;
	uint64_t start, pages, attr;
};

static size_t
build(const struct d *ds, size_t n, size_t desc_size)
{
	size_t size = 0;

	for (size_t i = 0; i < n; i++)
		size = put_desc(desc_size, i, ds[i].type, ds[i].start,
		    ds[i].pages, ds[i].attr);
	return size;
}

static int
convert(size_t size, size_t desc_size, uint32_t max)
{
	return boot_efimap_convert(buf, size, desc_size, out, max, &st);
}

static bool
region_is(int i, uint64_t base, uint64_t len, uint32_t type)
{
	return out[i].base == base && out[i].len == len && out[i].type == type;
}

/* An OVMF-like map with 128 MiB, firmware order. */
static const struct d ovmf[] = {
	{ EFI_BOOT_SERVICES_CODE, 0, 1, 0xf },
	{ EFI_CONVENTIONAL_MEMORY, 0x1000, 0x9f, 0xf },
	{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x700, 0xf },
	{ EFI_ACPI_MEMORY_NVS, 0x800000, 0x8, 0xf },
	{ EFI_CONVENTIONAL_MEMORY, 0x808000, 0x8, 0xf },
	{ EFI_BOOT_SERVICES_DATA, 0x810000, 0x10, 0xf },
	{ EFI_LOADER_DATA, 0x820000, 0x100, 0xf },
	{ EFI_BOOT_SERVICES_DATA, 0x920000, 0x6000, 0xf },
	{ EFI_RUNTIME_SERVICES_DATA, 0x6920000, 0x20, 0xf | EFIMAP_ATTR_RUNTIME },
	{ EFI_ACPI_RECLAIM_MEMORY, 0x6940000, 0x10, 0xf },
	{ EFI_RESERVED_MEMORY_TYPE, 0x6950000, 0x4, 0xf },
	{ EFI_CONVENTIONAL_MEMORY, 0x6954000, 0x168c, 0xf },
	{ EFI_MEMORY_MAPPED_IO, 0xffc00000, 0x400, EFIMAP_ATTR_RUNTIME | 1 },
};
#define NOVMF	(sizeof(ovmf) / sizeof(ovmf[0]))

static void
test_ovmf_map(void)
{
	int n = convert(build(ovmf, NOVMF, 48), 48, BOOT_MMAP_MAX);

	CHECK(n == 9);
	CHECK(region_is(0, 0, 0xa0000, U));
	CHECK(region_is(1, 0x100000, 0x700000, U));
	CHECK(region_is(2, 0x800000, 0x8000, BOOT_MEM_ACPI_NVS));
	CHECK(region_is(3, 0x808000, 0x6118000, U));
	CHECK(region_is(4, 0x6920000, 0x20000, BOOT_MEM_RUNTIME));
	CHECK(region_is(5, 0x6940000, 0x10000, BOOT_MEM_ACPI_RECLAIM));
	CHECK(region_is(6, 0x6950000, 0x4000, R));
	CHECK(region_is(7, 0x6954000, 0x168c000, U));
	CHECK(region_is(8, 0xffc00000, 0x400000, R));
	CHECK(st.descriptors == NOVMF && st.dropped == 0 && st.merged == 4);
}

static void
test_types(void)
{
	CHECK(boot_efimap_type(EFI_LOADER_CODE, 0) == U);
	CHECK(boot_efimap_type(EFI_LOADER_DATA, 0) == U);
	CHECK(boot_efimap_type(EFI_BOOT_SERVICES_CODE, 0) == U);
	CHECK(boot_efimap_type(EFI_BOOT_SERVICES_DATA, 0) == U);
	CHECK(boot_efimap_type(EFI_CONVENTIONAL_MEMORY, 0) == U);
	CHECK(boot_efimap_type(EFI_ACPI_RECLAIM_MEMORY, 0) ==
	    BOOT_MEM_ACPI_RECLAIM);
	CHECK(boot_efimap_type(EFI_ACPI_MEMORY_NVS, 0) == BOOT_MEM_ACPI_NVS);
	CHECK(boot_efimap_type(EFI_RUNTIME_SERVICES_CODE, 0) ==
	    BOOT_MEM_RUNTIME);
	CHECK(boot_efimap_type(EFI_RUNTIME_SERVICES_DATA, 0) ==
	    BOOT_MEM_RUNTIME);
	CHECK(boot_efimap_type(EFI_UNACCEPTED_MEMORY_TYPE, 0) ==
	    BOOT_MEM_UNACCEPTED);
	CHECK(boot_efimap_type(EFI_UNUSABLE_MEMORY, 0) == BOOT_MEM_BAD);
	CHECK(boot_efimap_type(EFI_RESERVED_MEMORY_TYPE, 0) == R);
	CHECK(boot_efimap_type(EFI_MEMORY_MAPPED_IO, 0) == R);
	CHECK(boot_efimap_type(EFI_MEMORY_MAPPED_IO_PORT_SPACE, 0) == R);
	CHECK(boot_efimap_type(EFI_PAL_CODE, 0) == R);
	CHECK(boot_efimap_type(EFI_PERSISTENT_MEMORY, 0) == R);
	CHECK(boot_efimap_type(16, 0) == R);
	CHECK(boot_efimap_type(0x80000000u, 0) == R);	/* OEM range */
	/* Free memory the runtime needs, or reserved for a purpose. */
	CHECK(boot_efimap_type(EFI_CONVENTIONAL_MEMORY, EFIMAP_ATTR_RUNTIME) ==
	    BOOT_MEM_RUNTIME);
	CHECK(boot_efimap_type(EFI_CONVENTIONAL_MEMORY, EFIMAP_ATTR_SP) == R);
}

/* The same map reversed, or shuffled, converts to the same output. */
static void
test_unsorted(void)
{
	struct boot_mem_region want[BOOT_MMAP_MAX];
	struct d rev[NOVMF];
	int n, m;

	n = convert(build(ovmf, NOVMF, 40), 40, BOOT_MMAP_MAX);
	memcpy(want, out, sizeof(want));
	for (size_t i = 0; i < NOVMF; i++)
		rev[i] = ovmf[NOVMF - 1 - i];
	m = convert(build(rev, NOVMF, 40), 40, BOOT_MMAP_MAX);
	CHECK(m == n && memcmp(want, out, n * sizeof(out[0])) == 0);
	srand(7);
	for (int t = 0; t < 100; t++) {
		for (size_t i = NOVMF - 1; i > 0; i--) {
			size_t j = (size_t)rand() % (i + 1);
			struct d tmp = rev[i];

			rev[i] = rev[j];
			rev[j] = tmp;
		}
		m = convert(build(rev, NOVMF, 56), 56, BOOT_MMAP_MAX);
		CHECK(m == n && memcmp(want, out, n * sizeof(out[0])) == 0);
	}
}

/* DescriptorSize larger than the struct: the tail is ignored. */
static void
test_large_descriptors(void)
{
	int n40 = convert(build(ovmf, NOVMF, 40), 40, BOOT_MMAP_MAX), n;
	struct boot_mem_region want[BOOT_MMAP_MAX];

	memcpy(want, out, sizeof(want));
	for (size_t ds = 41; ds <= 200; ds += 13) {
		n = convert(build(ovmf, NOVMF, ds), ds, BOOT_MMAP_MAX);
		CHECK(n == n40 && memcmp(want, out, n * sizeof(out[0])) == 0);
		CHECK(st.descriptors == NOVMF);
	}
}

static void
test_small_descriptor_size(void)
{
	size_t size = build(ovmf, NOVMF, 40);

	CHECK(convert(size, 0, BOOT_MMAP_MAX) == EFIMAP_ERR_DESC_SIZE);
	CHECK(convert(size, 32, BOOT_MMAP_MAX) == EFIMAP_ERR_DESC_SIZE);
	CHECK(convert(size, 39, BOOT_MMAP_MAX) == EFIMAP_ERR_DESC_SIZE);
	CHECK(boot_efimap_convert(NULL, 0, 48, out, BOOT_MMAP_MAX, NULL) == 0);
	CHECK(boot_efimap_convert(NULL, 4096, 48, out, BOOT_MMAP_MAX,
	    NULL) == 0);
}

/* A buffer that ends in a partial descriptor: whole ones only. */
static void
test_partial_tail(void)
{
	size_t size = build(ovmf, NOVMF, 48);
	int n;

	n = convert(size - 1, 48, BOOT_MMAP_MAX);
	CHECK(st.descriptors == NOVMF - 1 && st.trailing_bytes == 47);
	CHECK(n == 8 && out[7].base == 0x6954000);	/* the MMIO entry gone */
	n = convert(size + 20, 48, BOOT_MMAP_MAX);
	CHECK(st.descriptors == NOVMF && st.trailing_bytes == 20);
	n = convert(30, 48, BOOT_MMAP_MAX);
	CHECK(n == 0 && st.descriptors == 0 && st.trailing_bytes == 30);
}

static void
test_zero_pages(void)
{
	static const struct d m[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0, 0 },
		{ EFI_RESERVED_MEMORY_TYPE, 0x100000, 0, 0 },
		{ EFI_CONVENTIONAL_MEMORY, 0x200000, 16, 0 },
		{ EFI_ACPI_RECLAIM_MEMORY, 0, 0, 0 },
	};
	int n = convert(build(m, 4, 40), 40, BOOT_MMAP_MAX);

	CHECK(n == 1 && region_is(0, 0x200000, 16 * PG, U));
	CHECK(st.zero_pages == 3);
}

/* Entries running past 2^64 are cut at the last whole page. */
static void
test_wrap(void)
{
	static const struct d m[] = {
		{ EFI_RESERVED_MEMORY_TYPE, 0xfffffffffff00000ull, 0x1000, 0 },
		{ EFI_CONVENTIONAL_MEMORY, 0x1000, UINT64_MAX, 0 },
		{ EFI_RESERVED_MEMORY_TYPE, UINT64_MAX - 100, 1, 0 },
	};
	int n = convert(build(m, 3, 40), 40, BOOT_MMAP_MAX);

	CHECK(st.clamped == 3);
	CHECK(n == 2);
	CHECK(out[0].base == 0x1000 && out[0].type == U);
	CHECK(out[0].base + out[0].len >= out[0].base);
	CHECK(out[0].len == 0xffffffffffffe000ull);
	CHECK(region_is(1, 0xfffffffffff00000ull, 0xff000, R));
}

/* Same-type overlaps merge; different types stay separate. */
static void
test_overlaps(void)
{
	static const struct d m[] = {
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x100, 0 },
		{ EFI_BOOT_SERVICES_DATA, 0x180000, 0x100, 0 },
		{ EFI_RESERVED_MEMORY_TYPE, 0x150000, 0x10, 0 },
		{ EFI_CONVENTIONAL_MEMORY, 0x100000, 0x10, 0 },	/* duplicate */
		{ EFI_ACPI_MEMORY_NVS, 0x400000, 0x10, 0 },
		{ EFI_ACPI_MEMORY_NVS, 0x405000, 0x10, 0 },
	};
	int n = convert(build(m, 6, 40), 40, BOOT_MMAP_MAX);

	CHECK(n == 3);
	CHECK(region_is(0, 0x100000, 0x180000, U));
	CHECK(region_is(1, 0x150000, 0x10000, R));
	CHECK(region_is(2, 0x400000, 0x15000, BOOT_MEM_ACPI_NVS));
	CHECK(!boot_efimap_range_usable(out, (uint32_t)n, 0x140000, 0x160000));
	CHECK(boot_efimap_range_usable(out, (uint32_t)n, 0x100000, 0x150000));
	CHECK(boot_efimap_range_usable(out, (uint32_t)n, 0x160000, 0x280000));
	CHECK(!boot_efimap_range_usable(out, (uint32_t)n, 0x160000, 0x281000));
}

/* An unaligned buffer (descriptor size 41): read byte-wise, no UB. */
static void
test_unaligned(void)
{
	size_t size = build(ovmf, NOVMF, 41);
	static uint8_t shifted[sizeof(buf) + 1];
	int n;

	memcpy(shifted + 1, buf, size);
	n = boot_efimap_convert(shifted + 1, size, 41, out, BOOT_MMAP_MAX, &st);
	CHECK(n == 9 && st.descriptors == NOVMF);
}

/*
 * Reference: is the byte at x usable by the map's own definition, i.e.
 * in a usable entry and in no entry of another type?  in_types: the
 * input descriptors, or the output regions.
 */
static bool
ref_usable_in(uint64_t x, size_t size, size_t ds)
{
	bool usable = false;

	for (size_t i = 0; i + ds <= size; i += ds) {
		struct efi_mem_desc d;
		uint64_t maxp, end;

		memcpy(&d, buf + i, sizeof(d));
		if (d.num_pages == 0)
			continue;
		maxp = (UINT64_MAX - d.phys_start) / PG;
		end = d.phys_start + (d.num_pages > maxp ? maxp : d.num_pages) * PG;
		if (x < d.phys_start || x >= end)
			continue;
		if (boot_efimap_type(d.type, d.attribute) != U)
			return false;
		usable = true;
	}
	return usable;
}

static bool
ref_usable_out(uint64_t x, int n)
{
	bool usable = false;

	for (int i = 0; i < n; i++) {
		if (x < out[i].base || x - out[i].base >= out[i].len)
			continue;
		if (out[i].type != U)
			return false;
		usable = true;
	}
	return usable;
}

/* Is x covered by an input descriptor of boot type t? */
static bool
ref_has_type(uint64_t x, uint32_t t, size_t size, size_t ds)
{
	for (size_t i = 0; i + ds <= size; i += ds) {
		struct efi_mem_desc d;
		uint64_t maxp, pages;

		memcpy(&d, buf + i, sizeof(d));
		maxp = (UINT64_MAX - d.phys_start) / PG;
		pages = d.num_pages > maxp ? maxp : d.num_pages;
		if (x >= d.phys_start && x - d.phys_start < pages * PG &&
		    boot_efimap_type(d.type, d.attribute) == t)
			return true;
	}
	return false;
}

/* Check out[0..n) against the map in buf at every interesting point. */
static bool
check_against_input(int n, size_t size, size_t ds)
{
	for (int i = 0; i < n; i++) {
		if (out[i].len == 0 || out[i].base + out[i].len < out[i].base)
			return false;
		if (i > 0 && out[i - 1].base > out[i].base)
			return false;
		if (!ref_has_type(out[i].base, out[i].type, size, ds) ||
		    !ref_has_type(out[i].base + out[i].len - 1, out[i].type,
		    size, ds))
			return false;
	}
	for (size_t i = 0; i + ds <= size; i += ds) {
		struct efi_mem_desc d;
		uint64_t pts[4];

		memcpy(&d, buf + i, sizeof(d));
		pts[0] = d.phys_start;
		pts[1] = d.phys_start - 1;
		pts[2] = d.phys_start + d.num_pages * PG;
		pts[3] = pts[2] - 1;
		for (int k = 0; k < 4; k++) {
			bool in = ref_usable_in(pts[k], size, ds);
			bool o = ref_usable_out(pts[k], n);

			if (o && !in)		/* never: reserved -> usable */
				return false;
			if (st.dropped == 0 && o != in)
				return false;
		}
	}
	return true;
}

static uint64_t
rnd64(void)
{
	return (uint64_t)rand() << 42 ^ (uint64_t)rand() << 21 ^
	    (uint64_t)rand();
}

/* Random hostile maps, random output sizes, against the reference. */
static void
test_random_maps(void)
{
	static const uint32_t types[] = { 0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 8, 9,
	    10, 11, 15, 16, 0x70000000 };

	srand(12345);
	for (int t = 0; t < 3000; t++) {
		size_t ds = 40 + (size_t)(rand() % 3) * 8 + (size_t)(rand() % 2);
		size_t nd = (size_t)(rand() % 60), size = 0;
		uint32_t max = (uint32_t)(rand() % 4 == 0 ? 1 + rand() % 8 :
		    BOOT_MMAP_MAX);
		int n;

		for (size_t i = 0; i < nd; i++) {
			uint64_t start = (uint64_t)(rand() % 64) * PG;
			uint64_t pages = (uint64_t)(rand() % 12);

			if (rand() % 50 == 0)
				start = rnd64() & ~(PG - 1);
			if (rand() % 50 == 0)
				pages = rnd64();
			size = put_desc(ds, i, types[rand() % 17], start, pages,
			    rand() % 20 == 0 ? EFIMAP_ATTR_RUNTIME : 0);
		}
		if (rand() % 5 == 0 && size > 0)
			size -= (size_t)(rand() % (int)ds);
		n = convert(size, ds, max);
		if (n == EFIMAP_ERR_UNSAFE)
			continue;	/* refusing is safe; see test_unsafe */
		CHECK(n >= 0 && (uint32_t)n <= max);
		CHECK(check_against_input(n, size, ds));
	}
}

/* More entries than BOOT_MMAP_MAX: usable ones go first, safely. */
static void
test_too_many(void)
{
	size_t size = 0;
	int n;

	/* 300 usable islands between 300 reserved ones, not touching. */
	for (size_t i = 0; i < 600; i++)
		size = put_desc(40, i, i % 2 ? EFI_RESERVED_MEMORY_TYPE :
		    EFI_CONVENTIONAL_MEMORY, i * 4 * PG, 1 + i % 3, 0);
	n = convert(size, 40, BOOT_MMAP_MAX);
	CHECK(n == BOOT_MMAP_MAX);
	CHECK(st.dropped == 600 - BOOT_MMAP_MAX);
	CHECK(st.dropped_usable_bytes > 0);
	CHECK(check_against_input(n, size, 40));

	/* 600 reserved entries and one usable one overlapping several. */
	size = 0;
	for (size_t i = 0; i < 600; i++)
		size = put_desc(40, i, EFI_RESERVED_MEMORY_TYPE, i * 2 * PG, 1,
		    0);
	size = put_desc(40, 600, EFI_CONVENTIONAL_MEMORY, 10 * PG, 20, 0);
	n = convert(size, 40, BOOT_MMAP_MAX);
	CHECK(n == BOOT_MMAP_MAX);
	CHECK(check_against_input(n, size, 40));
	for (int i = 0; i < n; i++)
		CHECK(out[i].type != U);	/* the usable one went first */

	/* Adjacent same-type entries merge instead of overflowing. */
	size = 0;
	for (size_t i = 0; i < 1000; i++)
		size = put_desc(40, i, i % 2 ? EFI_BOOT_SERVICES_DATA :
		    EFI_CONVENTIONAL_MEMORY, i * PG, 1, 0);
	n = convert(size, 40, BOOT_MMAP_MAX);
	CHECK(n == 1 && region_is(0, 0, 1000 * PG, U) && st.dropped == 0);
}

/* When every choice would hide reserved memory, refuse the map. */
static void
test_unsafe(void)
{
	static const struct d m[] = {
		{ EFI_RESERVED_MEMORY_TYPE, 0, 1, 0 },
		{ EFI_ACPI_MEMORY_NVS, PG, 1, 0 },
		{ EFI_CONVENTIONAL_MEMORY, 0, 2, 0 },
	};

	CHECK(convert(build(m, 3, 40), 40, 1) == EFIMAP_ERR_UNSAFE);
	CHECK(convert(build(m, 3, 40), 40, 2) >= 0);
	CHECK(check_against_input(2, build(m, 3, 40), 40));
}

static void
test_range_usable(void)
{
	static const struct boot_mem_region m[] = {
		{ 0x100000, 0x100000, U, 0 },
		{ 0x200000, 0x100000, U, 0 },		/* touching */
		{ 0x400000, 0x100000, U, 0 },
		{ 0x480000, 0x1000, BOOT_MEM_ACPI_NVS, 0 },
	};

	CHECK(boot_efimap_range_usable(m, 4, 0x100000, 0x300000));
	CHECK(boot_efimap_range_usable(m, 4, 0x180000, 0x280000));
	CHECK(!boot_efimap_range_usable(m, 4, 0xff000, 0x101000));
	CHECK(!boot_efimap_range_usable(m, 4, 0x100000, 0x301000));
	CHECK(!boot_efimap_range_usable(m, 4, 0x2ff000, 0x401000));
	CHECK(boot_efimap_range_usable(m, 4, 0x400000, 0x480000));
	CHECK(!boot_efimap_range_usable(m, 4, 0x400000, 0x481000));
	CHECK(boot_efimap_range_usable(m, 4, 0x500000, 0x500000));
	CHECK(!boot_efimap_range_usable(m, 0, 0x100000, 0x101000));
}

/* A kernel image header as boot/multiboot.asm writes it. */
static struct kimage_header
good_header(void)
{
	struct kimage_header h = {
		.magic = MULTIBOOT_HEADER_MAGIC,
		.flags = 0x00010003,
		.header_addr = 0x100000,
		.load_addr = 0x100000,
		.load_end_addr = 0x118000,
		.bss_end_addr = 0x154000,
		.entry_addr = 0x100030,
		.rec_magic = { 'C', 'L', '6', '4' },
		.rec_entry64 = KERNEL_VBASE + 0x101029,
	};

	h.checksum = -(h.magic + h.flags);
	return h;
}

static uint8_t image[0x18000];

static const char *
parse_with(struct kimage_header h, size_t size, struct kimage *k)
{
	memcpy(image, &h, sizeof(h));
	return boot_kimage_parse(image, size, k);
}

static void
test_kimage(void)
{
	struct kimage_header h;
	struct kimage k;

	CHECK(parse_with(good_header(), sizeof(image), &k) == NULL);
	CHECK(k.load_addr == 0x100000 && k.load_end == 0x118000 &&
	    k.bss_end == 0x154000 && k.entry == KERNEL_VBASE + 0x101029);

	CHECK(boot_kimage_parse(image, 47, &k) != NULL);
	CHECK(boot_kimage_parse(NULL, 100, &k) != NULL);
	CHECK(parse_with(good_header(), 0x17fff, &k) != NULL);	/* short */
	h = good_header(), h.magic ^= 1;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.checksum++;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.flags &= ~MULTIBOOT_AOUT_KLUDGE,
	    h.checksum = -(h.magic + h.flags);
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.header_addr += 16;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.load_addr = h.header_addr = 0x100800;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.load_end_addr = 0x100000;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.bss_end_addr = 0x110000;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.bss_end_addr = 0x40001000;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.rec_magic[3] = '5';
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.rec_entry64 = KERNEL_VBASE + 0x118000;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);
	h = good_header(), h.rec_entry64 = 0x101029;
	CHECK(parse_with(h, sizeof(image), &k) != NULL);

	/* load_end_addr 0: the whole file; bss_end_addr 0: no bss. */
	h = good_header(), h.load_end_addr = 0, h.bss_end_addr = 0;
	CHECK(parse_with(h, sizeof(image), &k) == NULL);
	CHECK(k.load_end == 0x100000 + sizeof(image) &&
	    k.bss_end == k.load_end);
}

/* UCS-2 units of s at an odd address, NUL-terminated; returns bytes. */
static uint8_t opts_buf[2 * 6000 + 3];

static size_t
ucs2(const uint16_t *units, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		opts_buf[1 + 2 * i] = (uint8_t)units[i];
		opts_buf[2 + 2 * i] = (uint8_t)(units[i] >> 8);
	}
	opts_buf[1 + 2 * n] = opts_buf[2 + 2 * n] = 0;
	return 2 * n + 2;
}

static size_t
ucs2_str(const char *s)
{
	uint16_t u[6000];
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		u[i] = (uint8_t)s[i];	/* widened byte by byte, like OVMF */
	return ucs2(u, n);
}

static char line[BOOT_CMDLINE_MAX];

static const char *
cmdline_of(size_t size)
{
	boot_loadopt_cmdline(opts_buf + 1, size, line, sizeof(line));
	return line;
}

static void
test_loadopt_plain(void)
{
	CHECK(boot_loadopt_cmdline(NULL, 10, line, sizeof(line)) == 0 &&
	    line[0] == '\0');
	CHECK(strcmp(cmdline_of(0), "") == 0);
	CHECK(strcmp(cmdline_of(ucs2_str("quiet -- /bin/x \"a b\" 'c'")),
	    "quiet -- /bin/x \"a b\" 'c'") == 0);
	CHECK(strcmp(cmdline_of(ucs2_str("  a\tb\r\nc ")), "a b  c ") == 0);
	/* The UEFI Shell passes the program's path first. */
	CHECK(strcmp(cmdline_of(ucs2_str("fs0:\\EFI\\BOOT\\BOOTX64.EFI -- hi")),
	    "-- hi") == 0);
	CHECK(strcmp(cmdline_of(ucs2_str("cloister.efi")), "") == 0);
	CHECK(strcmp(cmdline_of(ucs2_str("efi -- x")), "efi -- x") == 0);
	/* A boot entry's binary optional data is not a command line. */
	CHECK(strcmp(cmdline_of(ucs2_str("WINDOWS\x01\x02")), "") == 0);
	/* Odd sizes and missing terminators are bounded by the size. */
	CHECK(strcmp(cmdline_of(ucs2_str("abcdef") - 2 - 5), "abc") == 0);
}

static void
test_loadopt_utf8(void)
{
	static const uint16_t latin[] = { 'h', 0xe9, 'l', 'l', 'o' };
	static const uint16_t cjk[] = { 0x4e2d, ' ', 0xd83d, 0xde00, 0xdc00,
	    'x' };

	/* OVMF's widened bytes: given back as the same bytes. */
	CHECK(strcmp(cmdline_of(ucs2_str("-- h\xc3\xa9llo \xe2\x82\xac")),
	    "-- h\xc3\xa9llo \xe2\x82\xac") == 0);
	/* Real UCS-2 text: encoded as UTF-8. */
	CHECK(strcmp(cmdline_of(ucs2(latin, 5)), "h\xc3\xa9llo") == 0);
	CHECK(strcmp(cmdline_of(ucs2(cjk, 6)),
	    "\xe4\xb8\xad \xf0\x9f\x98\x80?x") == 0);
}

static void
test_loadopt_truncation(void)
{
	static const uint16_t e[] = { 'a', 'b', 0xe9, 'c' };
	char small[4];
	size_t size, n;

	memset(opts_buf, 0, sizeof(opts_buf));
	for (size_t i = 0; i < 5000; i++)
		opts_buf[1 + 2 * i] = 'a';
	size = 2 * 5000;	/* no terminator at all */
	n = boot_loadopt_cmdline(opts_buf + 1, size, line, sizeof(line));
	CHECK(n == BOOT_CMDLINE_MAX - 1 && strlen(line) == n);
	/* Never half a character. */
	n = boot_loadopt_cmdline(opts_buf + 1, ucs2(e, 4), small, sizeof(small));
	CHECK(n == 2 && strcmp(small, "ab") == 0);
	n = boot_loadopt_cmdline(opts_buf + 1, ucs2_str("a \xc3\xa9"), small,
	    sizeof(small));
	CHECK(n == 2 && strcmp(small, "a ") == 0);
	CHECK(boot_loadopt_cmdline(opts_buf + 1, 10, small, 0) == 0);
	n = boot_loadopt_cmdline(opts_buf + 1, ucs2_str("xyz"), small, 1);
	CHECK(n == 0 && small[0] == '\0');
}

int
main(void)
{
	harness_begin("efimap");
	RUN(test_ovmf_map);
	RUN(test_types);
	RUN(test_unsorted);
	RUN(test_large_descriptors);
	RUN(test_small_descriptor_size);
	RUN(test_partial_tail);
	RUN(test_zero_pages);
	RUN(test_wrap);
	RUN(test_overlaps);
	RUN(test_unaligned);
	RUN(test_random_maps);
	RUN(test_too_many);
	RUN(test_unsafe);
	RUN(test_range_usable);
	RUN(test_kimage);
	RUN(test_loadopt_plain);
	RUN(test_loadopt_utf8);
	RUN(test_loadopt_truncation);
	return harness_done();
}
