/*
 * pmm.c: the buddy allocator for physical pages.
 *
 * Blocks are 2^order pages, aligned to their own size in physical memory,
 * so a block's buddy is found by flipping one bit of its page number.
 *
 * The allocator's state lives in its metadata, never in the free pages:
 * pmm_init writes only the metadata, and the memory of a block is first
 * touched by whoever pmm_alloc hands it to.  Under a hypervisor the first
 * touch of a guest page is what makes the host commit memory to it (QEMU
 * faults in and zeroes a 2 MiB host page), so free lists linked through
 * the free pages, as in the textbook buddy allocator, would cost
 * milliseconds per block at boot and commit memory nobody asked for.
 *
 * The metadata is bitmaps over the page numbers from the lowest usable
 * page to the highest (holes included), carved from the usable ranges.
 * Each order has a bit per naturally aligned slot of that order in two
 * bitmaps: "used", set at the head of each block handed out, and "free",
 * set at the head of each free block.  The used bits let pmm_free catch
 * double frees, wrong orders and blocks that were never handed out; the
 * free bits let coalescing check a buddy in O(1).  Above each free bitmap
 * are summary levels, a bit per 64-bit word of the level below, up to a
 * single word, so the lowest free block of an order is found in
 * O(levels); pmm.orders says which orders have a free block at all.  In
 * all that is about 0.63 bytes per page.
 *
 * pmm_alloc takes the lowest free block of the smallest order that fits,
 * so a small guest uses a compact run of low memory.
 *
 * A block that comes back through pmm_free was in use, so its first page
 * may be written: it gets PMM_FREE_MAGIC, and its page a bit in the
 * "marked" bitmap (one bit per page).  The magic is checked when a marked
 * block is taken again, which catches some writes after free.
 */
#include "platform/internal.h"

#define PMM_FREE_MAGIC	0x706d6d667265652eull	/* "pmmfree." */

/* Bitmap levels: enough for one bit per page of the whole address space. */
#define PMM_LEVELS	7

#define PMM_MARKED	0	/* the marked bitmap's offset in pmm.words[] */

_Static_assert(PMM_MAX_ORDER < 32, "pmm.orders has a bit per order");
_Static_assert((PHYS_ADDR_MAX >> PAGE_SHIFT) <= 1ull << (6 * PMM_LEVELS),
    "PMM_LEVELS levels of 64-bit words must cover every page number");

/*
 * The bitmaps of one order, as word offsets in pmm.words[].  Bit i of
 * used and of free[0] stands for the block at page number
 * ((pmm.base_pfn >> order) + i) << order; bit i of free[l + 1] is set when
 * word i of free[l] is not zero.  free[nlevels - 1] is one word.
 */
struct pmm_order {
	uint64_t used;
	uint64_t free[PMM_LEVELS];
	unsigned nlevels;
};

static struct {
	uint64_t dmap;			/* virtual = phys + dmap */
	uint64_t base_pfn;		/* lowest page number covered */
	uint64_t npfn;			/* pages covered */
	uint64_t *words;		/* every bitmap; "marked" comes first */
	uint64_t nwords;
	struct pmm_order ord[PMM_MAX_ORDER + 1];
	uint32_t orders;		/* bit k: some block of order k free */
	uint64_t free_pages;
	uint64_t total_pages;
} pmm;

/* The first word of page pfn, through the direct map. */
static uint64_t *
pfn_word(uint64_t pfn)
{
	return (uint64_t *)(uintptr_t)((pfn << PAGE_SHIFT) + pmm.dmap);
}

static bool
covered(uint64_t pfn)
{
	return pfn >= pmm.base_pfn && pfn - pmm.base_pfn < pmm.npfn;
}

/* The bit number of the block of order at pfn in that order's bitmaps. */
static uint64_t
slot(unsigned order, uint64_t pfn)
{
	return (pfn >> order) - (pmm.base_pfn >> order);
}

static bool
bit_get(uint64_t off, uint64_t i)
{
	return (pmm.words[off + i / 64] >> (i % 64)) & 1;
}

static void
bit_put(uint64_t off, uint64_t i, bool v)
{
	uint64_t *w = &pmm.words[off + i / 64];

	if (v)
		*w |= 1ull << (i % 64);
	else
		*w &= ~(1ull << (i % 64));
}

/* Is pfn covered and the head of a used (or free) block of order? */
static bool
is_used(unsigned order, uint64_t pfn)
{
	return covered(pfn) && bit_get(pmm.ord[order].used, slot(order, pfn));
}

static bool
is_free(unsigned order, uint64_t pfn)
{
	return covered(pfn) &&
	    bit_get(pmm.ord[order].free[0], slot(order, pfn));
}

/* Set the free bit of a block and the summary bits above it. */
static void
free_set(unsigned order, uint64_t pfn)
{
	const struct pmm_order *o = &pmm.ord[order];
	uint64_t i = slot(order, pfn), *w, was;
	unsigned l;

	for (l = 0; l < o->nlevels; l++, i /= 64) {
		w = &pmm.words[o->free[l] + i / 64];
		was = *w;
		*w |= 1ull << (i % 64);
		if (was != 0)
			return;
	}
	pmm.orders |= 1u << order;
}

static void
free_clear(unsigned order, uint64_t pfn)
{
	const struct pmm_order *o = &pmm.ord[order];
	uint64_t i = slot(order, pfn), *w;
	unsigned l;

	for (l = 0; l < o->nlevels; l++, i /= 64) {
		w = &pmm.words[o->free[l] + i / 64];
		*w &= ~(1ull << (i % 64));
		if (*w != 0)
			return;
	}
	pmm.orders &= ~(1u << order);
}

/* The page number of the lowest free block of order; there must be one. */
static uint64_t
free_first(unsigned order)
{
	const struct pmm_order *o = &pmm.ord[order];
	uint64_t i = 0;
	unsigned l;

	for (l = o->nlevels; l-- > 0;)
		i = i * 64 + __builtin_ctzll(pmm.words[o->free[l] + i]);
	return ((pmm.base_pfn >> order) + i) << order;
}

/*
 * Take the free block of order at pfn off the free set.  Returns whether
 * it was marked, that is whether its first page holds the magic (and so
 * may be written).
 */
static bool
free_take(uint64_t pfn, unsigned order)
{
	uint64_t page = pfn - pmm.base_pfn;
	bool marked = bit_get(PMM_MARKED, page);

	if (marked && *pfn_word(pfn) != PMM_FREE_MAGIC)
		panic("pmm: free block at phys %#llx corrupted (written "
		    "after free?)", (unsigned long long)pfn << PAGE_SHIFT);
	bit_put(PMM_MARKED, page, false);
	free_clear(order, pfn);
	return marked;
}

/* Put a block in the free set; only a marked block's page is written. */
static void
free_put(uint64_t pfn, unsigned order, bool marked)
{
	if (marked) {
		*pfn_word(pfn) = PMM_FREE_MAGIC;
		bit_put(PMM_MARKED, pfn - pmm.base_pfn, true);
	}
	free_set(order, pfn);
}

/*
 * Add a block to the free set, merging buddies.  marked: the block's
 * first page may be written (it was handed out).
 */
static void
free_block(uint64_t pfn, unsigned order, bool marked)
{
	uint64_t buddy;
	bool buddy_marked;

	pmm.free_pages += 1ull << order;
	while (order < PMM_MAX_ORDER) {
		buddy = pfn ^ (1ull << order);
		if (!is_free(order, buddy))
			break;
		buddy_marked = free_take(buddy, order);
		if (buddy < pfn)
			marked = buddy_marked;	/* its head is the new head */
		pfn &= ~(1ull << order);
		order++;
	}
	free_put(pfn, order, marked);
}

uint64_t
pmm_alloc(unsigned order)
{
	uint32_t fits;
	unsigned k;
	uint64_t pfn;

	if (order > PMM_MAX_ORDER)
		return PMM_NONE;
	fits = pmm.orders >> order;
	if (fits == 0)
		return PMM_NONE;
	k = order + __builtin_ctz(fits);
	pfn = free_first(k);
	if (free_take(pfn, k))
		*pfn_word(pfn) = 0;	/* the caller never sees the magic */
	while (k > order) {
		k--;
		free_put(pfn + (1ull << k), k, false);
	}
	bit_put(pmm.ord[order].used, slot(order, pfn), true);
	pmm.free_pages -= 1ull << order;
	return pfn << PAGE_SHIFT;
}

/* Panic for pmm_free(phys, order) of something that is not that block. */
static void __attribute__((noreturn))
bad_free(uint64_t phys, unsigned order)
{
	uint64_t pfn = phys >> PAGE_SHIFT;
	unsigned k;

	for (k = 0; k <= PMM_MAX_ORDER && (pfn & ((1ull << k) - 1)) == 0;
	    k++) {
		if (is_free(k, pfn))
			panic("pmm_free: double free of phys %#llx (order "
			    "%u)", (unsigned long long)phys, order);
		if (is_used(k, pfn))
			panic("pmm_free: phys %#llx freed with order %u, "
			    "allocated with order %u",
			    (unsigned long long)phys, order, k);
	}
	panic("pmm_free: phys %#llx (order %u) is not an allocated block "
	    "(double free or never allocated)",
	    (unsigned long long)phys, order);
}

void
pmm_free(uint64_t phys, unsigned order)
{
	uint64_t pfn = phys >> PAGE_SHIFT;

	if (order > PMM_MAX_ORDER)
		panic("pmm_free: phys %#llx: bad order %u",
		    (unsigned long long)phys, order);
	if (phys & ((PAGE_SIZE << order) - 1))
		panic("pmm_free: phys %#llx is not aligned to order %u",
		    (unsigned long long)phys, order);
	if (is_used(order, pfn)) {
		bit_put(pmm.ord[order].used, slot(order, pfn), false);
		free_block(pfn, order, true);
		return;
	}
	bad_free(phys, order);
}

uint64_t
pmm_free_pages(void)
{
	return pmm.free_pages;
}

uint64_t
pmm_total_pages(void)
{
	return pmm.total_pages;
}

void
pmm_span(uint64_t *base, uint64_t *n)
{
	*base = pmm.base_pfn;
	*n = pmm.npfn;
}

/*
 * The page-number span of ranges[0..n), after trimming each range inward
 * to pages.  Returns false if the ranges are unsorted or overlap, which
 * memmap_usable() never produces.
 */
static bool
ranges_span(const struct mem_range *ranges, int n, uint64_t *lo,
    uint64_t *hi)
{
	uint64_t s, e, prev_end = 0;
	int i;

	*lo = ~0ull;
	*hi = 0;
	for (i = 0; i < n; i++) {
		s = PAGE_ALIGN_UP(ranges[i].start) >> PAGE_SHIFT;
		e = PAGE_ALIGN_DOWN(ranges[i].end) >> PAGE_SHIFT;
		if (ranges[i].end < ranges[i].start ||
		    ranges[i].end > PHYS_ADDR_MAX || s < prev_end)
			return false;
		if (s >= e)
			continue;
		if (s < *lo)
			*lo = s;
		*hi = e;
		prev_end = e;
	}
	return true;
}

/* Find npages in one of the ranges for the metadata: the first fit. */
static bool
meta_place(const struct mem_range *ranges, int n, uint64_t npages,
    uint64_t *pfn)
{
	uint64_t s, e;
	int i;

	for (i = 0; i < n; i++) {
		s = PAGE_ALIGN_UP(ranges[i].start) >> PAGE_SHIFT;
		e = PAGE_ALIGN_DOWN(ranges[i].end) >> PAGE_SHIFT;
		if (s < e && e - s >= npages) {
			*pfn = s;
			return true;
		}
	}
	return false;
}

/*
 * Lay out the metadata for page numbers [lo, hi), lo < hi: the marked
 * bitmap (a bit per page), then for each order its used bitmap and the
 * levels of its free bitmap.  Fills in pmm.ord[] and pmm.nwords; returns
 * the size in bytes.
 */
static uint64_t
meta_layout(uint64_t lo, uint64_t hi)
{
	struct pmm_order *o;
	uint64_t n;
	unsigned k, l;

	pmm.nwords = PMM_MARKED + (hi - lo + 63) / 64;
	for (k = 0; k <= PMM_MAX_ORDER; k++) {
		o = &pmm.ord[k];
		n = ((hi - 1) >> k) - (lo >> k) + 1;	/* slots of order k */
		o->used = pmm.nwords;
		pmm.nwords += (n + 63) / 64;
		l = 0;
		do {
			n = (n + 63) / 64;
			o->free[l++] = pmm.nwords;
			pmm.nwords += n;
		} while (n > 1);
		o->nlevels = l;
	}
	return pmm.nwords * sizeof(uint64_t);
}

/* Hand [s, e) (page numbers) to the free set in maximal blocks. */
static void
add_pages(uint64_t s, uint64_t e)
{
	unsigned order;

	while (s < e) {
		order = 0;
		while (order < PMM_MAX_ORDER &&
		    (s & ((2ull << order) - 1)) == 0 &&
		    s + (2ull << order) <= e)
			order++;
		free_block(s, order, false);
		pmm.total_pages += 1ull << order;
		s += 1ull << order;
	}
}

/* Add every range, less the pages [ms, me) that hold the metadata. */
static void
add_ranges(const struct mem_range *ranges, int n, uint64_t ms, uint64_t me)
{
	uint64_t s, e;
	int i;

	for (i = 0; i < n; i++) {
		s = PAGE_ALIGN_UP(ranges[i].start) >> PAGE_SHIFT;
		e = PAGE_ALIGN_DOWN(ranges[i].end) >> PAGE_SHIFT;
		if (s >= e)
			continue;
		if (ms >= s && me <= e) {
			add_pages(s, ms);
			add_pages(me, e);
		} else {
			add_pages(s, e);
		}
	}
}

/*
 * pmm_init: see platform/internal.h.  The ranges must be sorted and
 * disjoint (memmap_usable's output); unaligned edges are trimmed.  If no
 * single range can hold the metadata, the highest ranges are given up
 * until one can.  Writes nothing but the metadata: the free pages are not
 * touched.  Returns 0, -EINVAL for unsorted or overlapping ranges, or
 * -ENOMEM when nothing usable is left.
 */
int
pmm_init(const struct mem_range *ranges, int n, uint64_t dmap_offset)
{
	uint64_t lo, hi, npages = 0, ms = 0;

	memset(&pmm, 0, sizeof(pmm));
	pmm.dmap = dmap_offset;
	if (ranges == NULL || n < 0)
		return -EINVAL;
	if (!ranges_span(ranges, n, &lo, &hi))
		return -EINVAL;
	for (; n > 0; n--) {
		if (!ranges_span(ranges, n, &lo, &hi) || lo >= hi)
			return -ENOMEM;
		npages = PAGE_ALIGN_UP(meta_layout(lo, hi)) >> PAGE_SHIFT;
		if (meta_place(ranges, n, npages, &ms))
			break;
	}
	if (n == 0)
		return -ENOMEM;
	/* pmm.ord[] and pmm.nwords hold the layout for this lo and hi. */
	pmm.base_pfn = lo;
	pmm.npfn = hi - lo;
	pmm.words = (uint64_t *)(uintptr_t)((ms << PAGE_SHIFT) + dmap_offset);
	memset(pmm.words, 0, pmm.nwords * sizeof(uint64_t));
	add_ranges(ranges, n, ms, ms + npages);
	return pmm.total_pages != 0 ? 0 : -ENOMEM;
}
