/*
 * The UEFI memory map -> struct boot_info's memory map (see efimap.h).
 *
 * The map comes from firmware and is treated as untrusted: descriptors
 * may be larger than struct efi_mem_desc, unsorted, overlapping, empty or
 * run past the top of the address space, and the buffer need not be a
 * whole number of descriptors.  Nothing here allocates; the output is
 * kept sorted by insertion (n is at most BOOT_MMAP_MAX).
 */
#include "boot/uefi/efimap.h"

struct conv {
	const uint8_t *map;
	size_t count;			/* whole descriptors in the map */
	size_t stride;			/* DescriptorSize */
	struct boot_mem_region *out;
	uint32_t n, max;
	struct efimap_stats *st;
};

uint32_t
boot_efimap_type(uint32_t efi_type, uint64_t attribute)
{
	switch (efi_type) {
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_CONVENTIONAL_MEMORY:
		/* UEFI 2.10, 7.2.3: runtime memory must be preserved. */
		if (attribute & EFIMAP_ATTR_RUNTIME)
			return BOOT_MEM_RUNTIME;
		if (attribute & EFIMAP_ATTR_SP)
			return BOOT_MEM_RESERVED;
		return BOOT_MEM_USABLE;
	case EFI_RUNTIME_SERVICES_CODE:
	case EFI_RUNTIME_SERVICES_DATA:
		return BOOT_MEM_RUNTIME;
	case EFI_ACPI_RECLAIM_MEMORY:
		return BOOT_MEM_ACPI_RECLAIM;
	case EFI_ACPI_MEMORY_NVS:
		return BOOT_MEM_ACPI_NVS;
	case EFI_UNUSABLE_MEMORY:
		return BOOT_MEM_BAD;
	case EFI_UNACCEPTED_MEMORY_TYPE:
		return BOOT_MEM_UNACCEPTED;
	default:
		return BOOT_MEM_RESERVED;
	}
}

static uint64_t
region_end(const struct boot_mem_region *r)
{
	return r->base + r->len;	/* never wraps: see desc_region() */
}

static bool
regions_overlap(const struct boot_mem_region *a,
    const struct boot_mem_region *b)
{
	return a->base < region_end(b) && b->base < region_end(a);
}

/*
 * Descriptor i as a region, or false if it is empty.  A descriptor that
 * runs past 2^64 - 1 is cut at the last whole page below it, so base +
 * len never wraps.
 */
static bool
desc_region(const struct conv *c, size_t i, struct boot_mem_region *r,
    bool *clamped)
{
	struct efi_mem_desc d;
	uint64_t max_pages;

	__builtin_memcpy(&d, c->map + i * c->stride, sizeof(d));
	*clamped = false;
	if (d.num_pages == 0)
		return false;
	max_pages = (UINT64_MAX - d.phys_start) / EFIMAP_PAGE_SIZE;
	if (d.num_pages > max_pages) {
		*clamped = true;
		d.num_pages = max_pages;
		if (d.num_pages == 0)
			return false;
	}
	r->base = d.phys_start;
	r->len = d.num_pages * EFIMAP_PAGE_SIZE;
	r->type = boot_efimap_type(d.type, d.attribute);
	r->reserved = 0;
	return true;
}

/* Does a usable descriptor anywhere in the input overlap r? */
static bool
overlaps_usable_input(const struct conv *c, const struct boot_mem_region *r)
{
	struct boot_mem_region u;
	bool clamped;

	for (size_t i = 0; i < c->count; i++) {
		if (desc_region(c, i, &u, &clamped) &&
		    u.type == BOOT_MEM_USABLE && regions_overlap(&u, r))
			return true;
	}
	return false;
}

static void
remove_at(struct conv *c, uint32_t i)
{
	for (uint32_t j = i; j + 1 < c->n; j++)
		c->out[j] = c->out[j + 1];
	c->n--;
}

static void
insert_at(struct conv *c, uint32_t i, const struct boot_mem_region *r)
{
	for (uint32_t j = c->n; j > i; j--)
		c->out[j] = c->out[j - 1];
	c->out[i] = *r;
	c->n++;
}

/* Where r goes to keep out[] sorted by base (after equal bases). */
static uint32_t
sorted_pos(const struct conv *c, const struct boot_mem_region *r)
{
	uint32_t i = c->n;

	while (i > 0 && c->out[i - 1].base > r->base)
		i--;
	return i;
}

/* Absorb the entries after out[i] that the grown out[i] now reaches. */
static void
absorb_following(struct conv *c, uint32_t i)
{
	struct boot_mem_region *p = &c->out[i];

	while (i + 1 < c->n && c->out[i + 1].type == p->type &&
	    c->out[i + 1].base <= region_end(p)) {
		if (region_end(&c->out[i + 1]) > region_end(p))
			p->len = region_end(&c->out[i + 1]) - p->base;
		remove_at(c, i + 1);
		c->st->merged++;
	}
}

/*
 * Merge r into a neighbour of its sorted position i, if one of the same
 * type touches or overlaps it.
 */
static bool
try_merge(struct conv *c, uint32_t i, const struct boot_mem_region *r)
{
	struct boot_mem_region *p;

	if (i > 0) {
		p = &c->out[i - 1];
		if (p->type == r->type && r->base <= region_end(p)) {
			if (region_end(r) > region_end(p))
				p->len = region_end(r) - p->base;
			c->st->merged++;
			absorb_following(c, i - 1);
			return true;
		}
	}
	if (i < c->n) {
		p = &c->out[i];
		if (p->type == r->type && p->base <= region_end(r)) {
			uint64_t end = region_end(p) > region_end(r) ?
			    region_end(p) : region_end(r);

			p->base = r->base;
			p->len = end - r->base;
			c->st->merged++;
			absorb_following(c, i);
			return true;
		}
	}
	return false;
}

/*
 * out[] is full and r does not merge: drop the smallest usable region
 * among out[] and r, else the smallest one no usable input descriptor
 * overlaps (dropping it cannot make reserved memory look usable).
 * Returns 1 if r itself is the one dropped, 0 if room was made, -1 if
 * nothing can be dropped safely.
 */
static int
make_room(struct conv *c, const struct boot_mem_region *r)
{
	const struct boot_mem_region *cand;
	uint32_t victim = UINT32_MAX;
	uint64_t best = UINT64_MAX;

	for (uint32_t pass = 0; pass < 2 && victim == UINT32_MAX; pass++) {
		for (uint32_t i = 0; i <= c->n; i++) {
			cand = i < c->n ? &c->out[i] : r;
			if (pass == 0 && cand->type != BOOT_MEM_USABLE)
				continue;
			if (pass == 1 && overlaps_usable_input(c, cand))
				continue;
			if (cand->len < best) {
				best = cand->len;
				victim = i;
			}
		}
	}
	if (victim == UINT32_MAX)
		return -1;
	cand = victim < c->n ? &c->out[victim] : r;
	c->st->dropped++;
	if (cand->type == BOOT_MEM_USABLE)
		c->st->dropped_usable_bytes += cand->len;
	if (victim == c->n)
		return 1;
	remove_at(c, victim);
	return 0;
}

static int
add_region(struct conv *c, const struct boot_mem_region *r)
{
	uint32_t i = sorted_pos(c, r);
	int rc;

	if (try_merge(c, i, r))
		return 0;
	if (c->n == c->max) {
		rc = make_room(c, r);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		i = sorted_pos(c, r);
		if (try_merge(c, i, r))
			return 0;
	}
	insert_at(c, i, r);
	return 0;
}

int
boot_efimap_convert(const void *map, size_t map_size, size_t desc_size,
    struct boot_mem_region *out, uint32_t max, struct efimap_stats *stats)
{
	struct efimap_stats unused;
	struct conv c;
	struct boot_mem_region r;
	bool clamped;

	if (stats == NULL)
		stats = &unused;
	*stats = (struct efimap_stats){ 0 };
	if (desc_size < sizeof(struct efi_mem_desc))
		return EFIMAP_ERR_DESC_SIZE;
	if (map == NULL)
		map_size = 0;
	c = (struct conv){ .map = map, .count = map_size / desc_size,
	    .stride = desc_size, .out = out, .n = 0, .max = max, .st = stats };
	stats->descriptors = (uint32_t)c.count;
	stats->trailing_bytes = (uint32_t)(map_size % desc_size);
	for (size_t i = 0; i < c.count; i++) {
		bool ok = desc_region(&c, i, &r, &clamped);

		if (clamped)
			stats->clamped++;
		else if (!ok)
			stats->zero_pages++;
		if (!ok)
			continue;
		if (add_region(&c, &r) != 0)
			return EFIMAP_ERR_UNSAFE;
	}
	return (int)c.n;
}

bool
boot_efimap_range_usable(const struct boot_mem_region *map, uint32_t n,
    uint64_t start, uint64_t end)
{
	struct boot_mem_region want = { .base = start, .len = end - start };
	uint64_t x = start;
	uint32_t i;

	if (end <= start)
		return true;
	for (i = 0; i < n; i++) {
		if (map[i].type != BOOT_MEM_USABLE &&
		    regions_overlap(&map[i], &want))
			return false;
	}
	while (x < end) {
		for (i = 0; i < n; i++) {
			if (map[i].type == BOOT_MEM_USABLE &&
			    map[i].base <= x && x < region_end(&map[i]))
				break;
		}
		if (i == n)
			return false;
		x = region_end(&map[i]);
	}
	return true;
}
