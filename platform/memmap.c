/*
 * memmap.c: turn the firmware's memory map into ranges of RAM that are
 * safe to hand to the page allocator.
 *
 * The map comes from the firmware or a boot loader and is not trusted: it
 * may be unsorted, overlapping, unaligned, zero-length or wrap around the
 * address space.  A byte is usable only if a USABLE entry covers it, no
 * entry of any other type covers it (the more conservative entry wins)
 * and no exclude range covers it.  A page is usable only if all of its
 * bytes are.
 *
 * No allocator exists yet and the boot stack is small, so the work is done
 * without arrays: a sweep walks the sorted boundary points of all entries
 * and exclude ranges, finding the next one by a linear scan.  That is
 * O(n^2) for n entries, fine for n <= BOOT_MMAP_MAX.
 */
#include "platform/internal.h"

/* The sanitized extent of one map entry, or false if it is empty. */
static bool
entry_extent(const struct boot_mem_region *e, uint64_t *start, uint64_t *end)
{
	if (e->len == 0 || e->base >= PHYS_ADDR_MAX)
		return false;
	*start = e->base;
	if (e->len > PHYS_ADDR_MAX - e->base)
		*end = PHYS_ADDR_MAX;
	else
		*end = e->base + e->len;
	return true;
}

/* The extent of an exclude range clamped to the address space. */
static bool
exclude_extent(const struct mem_range *r, uint64_t *start, uint64_t *end)
{
	if (r->start >= r->end || r->start >= PHYS_ADDR_MAX)
		return false;
	*start = r->start;
	*end = r->end < PHYS_ADDR_MAX ? r->end : PHYS_ADDR_MAX;
	return true;
}

static bool
ranges_overlap(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

/* Does a non-usable entry overlap [s, e)? */
static bool
overlaps_nonusable(const struct boot_mem_region *map, uint32_t count,
    uint64_t s, uint64_t e)
{
	uint64_t os, oe;
	uint32_t i;

	for (i = 0; i < count; i++) {
		if (map[i].type == BOOT_MEM_USABLE ||
		    !entry_extent(&map[i], &os, &oe))
			continue;
		if (ranges_overlap(s, e, os, oe))
			return true;
	}
	return false;
}

/* Count what is wrong with the map, for the report. */
static void
memmap_audit(const struct boot_mem_region *map, uint32_t count,
    struct memmap_report *rep)
{
	uint64_t s, e;
	uint32_t i;

	for (i = 0; i < count; i++) {
		if (map[i].len == 0) {
			rep->zero_length++;
			continue;
		}
		if (map[i].base >= PHYS_ADDR_MAX ||
		    map[i].len > PHYS_ADDR_MAX - map[i].base)
			rep->wrapped++;
		if (map[i].type != BOOT_MEM_USABLE ||
		    !entry_extent(&map[i], &s, &e))
			continue;
		if ((s | e) & (PAGE_SIZE - 1))
			rep->unaligned++;
		if (overlaps_nonusable(map, count, s, e))
			rep->overlaps++;
	}
}

/* Lower next to p if p lies in (after, *next). */
static void
consider_point(uint64_t p, uint64_t after, uint64_t *next)
{
	if (p > after && p < *next)
		*next = p;
}

/*
 * The smallest boundary point strictly above x, or PHYS_ADDR_MAX.  Every
 * byte of [x, next) is therefore covered by the same set of entries.
 */
static uint64_t
next_boundary(const struct boot_mem_region *map, uint32_t count,
    const struct mem_range *exclude, int nexclude, uint64_t x)
{
	uint64_t next = PHYS_ADDR_MAX, s, e;
	uint32_t i;
	int j;

	for (i = 0; i < count; i++) {
		if (entry_extent(&map[i], &s, &e)) {
			consider_point(s, x, &next);
			consider_point(e, x, &next);
		}
	}
	for (j = 0; j < nexclude; j++) {
		if (exclude_extent(&exclude[j], &s, &e)) {
			consider_point(s, x, &next);
			consider_point(e, x, &next);
		}
	}
	return next;
}

/* Is the byte at x usable (see the top of the file)? */
static bool
byte_usable(const struct boot_mem_region *map, uint32_t count,
    const struct mem_range *exclude, int nexclude, uint64_t x)
{
	bool usable = false;
	uint64_t s, e;
	uint32_t i;
	int j;

	for (i = 0; i < count; i++) {
		if (!entry_extent(&map[i], &s, &e) || x < s || x >= e)
			continue;
		if (map[i].type != BOOT_MEM_USABLE)
			return false;
		usable = true;
	}
	for (j = 0; usable && j < nexclude; j++) {
		if (exclude_extent(&exclude[j], &s, &e) && x >= s && x < e)
			return false;
	}
	return usable;
}

/* Where the output goes, and how much did not fit. */
struct memmap_out {
	struct mem_range *out;
	int max;
	int n;
	uint32_t dropped;
	uint64_t bytes;
};

/* Emit a maximal run of usable bytes, trimmed inward to whole pages. */
static void
emit_range(struct memmap_out *o, uint64_t start, uint64_t end)
{
	start = PAGE_ALIGN_UP(start);
	end = PAGE_ALIGN_DOWN(end);
	if (start >= end)
		return;
	if (o->n >= o->max) {
		o->dropped++;
		return;
	}
	o->out[o->n].start = start;
	o->out[o->n].end = end;
	o->n++;
	o->bytes += end - start;
}

/* The lowest start of a usable entry, or PHYS_ADDR_MAX if none. */
static uint64_t
lowest_usable(const struct boot_mem_region *map, uint32_t count)
{
	uint64_t low = PHYS_ADDR_MAX, s, e;
	uint32_t i;

	for (i = 0; i < count; i++) {
		if (map[i].type == BOOT_MEM_USABLE &&
		    entry_extent(&map[i], &s, &e) && s < low)
			low = s;
	}
	return low;
}

int
memmap_usable(const struct boot_mem_region *map, uint32_t count,
    const struct mem_range *exclude, int nexclude,
    struct mem_range *out, int max, struct memmap_report *rep)
{
	struct memmap_report scratch;
	struct memmap_out o = { .out = out, .max = out == NULL ? 0 : max };
	uint64_t x, next, run_start = 0, run_end = 0;

	if (rep == NULL)
		rep = &scratch;
	memset(rep, 0, sizeof(*rep));
	if (count > BOOT_MMAP_MAX) {
		rep->clamped_count = count - BOOT_MMAP_MAX;
		count = BOOT_MMAP_MAX;
	}
	if (map == NULL)
		count = 0;
	if (exclude == NULL || nexclude < 0)
		nexclude = 0;
	memmap_audit(map, count, rep);

	for (x = lowest_usable(map, count); x < PHYS_ADDR_MAX; x = next) {
		next = next_boundary(map, count, exclude, nexclude, x);
		if (!byte_usable(map, count, exclude, nexclude, x))
			continue;
		if (run_end != x) {
			emit_range(&o, run_start, run_end);
			run_start = x;
		}
		run_end = next;
	}
	emit_range(&o, run_start, run_end);

	rep->dropped = o.dropped;
	rep->usable_bytes = o.bytes;
	return o.n;
}
