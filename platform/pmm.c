/*
 * pmm.c: the buddy allocator for physical pages.
 *
 * Blocks are 2^order pages, aligned to their own size in physical memory,
 * so a block's buddy is found by flipping one bit of its page number.
 * Free blocks sit on one doubly-linked list per order; the links live in
 * the first page of each free block, reached through the direct map.
 *
 * State per page is one byte in pmm.meta, which covers every page number
 * from the lowest usable page to the highest (holes included, at one byte
 * per page).  The array is carved from the usable ranges themselves.  The
 * byte of a block's first page says whether the block is free or in use
 * and its order; all other pages hold PMM_TAIL, pages that are not ours
 * hold PMM_HOLE.  That byte is what lets pmm_free catch double frees and
 * frees of blocks that were never handed out, and what lets coalescing
 * check a buddy in O(1).
 */
#include "platform/internal.h"

#define PMM_TAIL	0x00		/* inside a block */
#define PMM_FREE	0x40		/* | order: head of a free block */
#define PMM_USED	0x80		/* | order: head of a used block */
#define PMM_HOLE	0xff		/* not RAM we manage */
#define PMM_ORDER_MASK	0x1f

#define PMM_LINK_MAGIC	0x706d6d667265652eull	/* "pmmfree." */

_Static_assert(PMM_MAX_ORDER <= PMM_ORDER_MASK, "order must fit the byte");

/* Written at the start of every free block, through the direct map. */
struct pmm_link {
	uint64_t magic;
	struct pmm_link *next;
	struct pmm_link *prev;
	uint64_t order;
};

static struct {
	uint64_t dmap;			/* virtual = phys + dmap */
	uint64_t base_pfn;		/* page number of meta[0] */
	uint64_t npfn;			/* pages covered by meta[] */
	uint8_t *meta;
	struct pmm_link *free[PMM_MAX_ORDER + 1];
	uint64_t free_pages;
	uint64_t total_pages;
} pmm;

static struct pmm_link *
pfn_link(uint64_t pfn)
{
	return (struct pmm_link *)(uintptr_t)((pfn << PAGE_SHIFT) + pmm.dmap);
}

static uint64_t
link_pfn(const struct pmm_link *l)
{
	return ((uint64_t)(uintptr_t)l - pmm.dmap) >> PAGE_SHIFT;
}

/* The state byte of pfn, or PMM_HOLE outside the covered span. */
static uint8_t
meta_get(uint64_t pfn)
{
	if (pfn < pmm.base_pfn || pfn - pmm.base_pfn >= pmm.npfn)
		return PMM_HOLE;
	return pmm.meta[pfn - pmm.base_pfn];
}

static void
meta_set(uint64_t pfn, uint8_t v)
{
	pmm.meta[pfn - pmm.base_pfn] = v;
}

static void
list_push(uint64_t pfn, unsigned order)
{
	struct pmm_link *l = pfn_link(pfn);

	l->magic = PMM_LINK_MAGIC;
	l->order = order;
	l->prev = NULL;
	l->next = pmm.free[order];
	if (l->next != NULL)
		l->next->prev = l;
	pmm.free[order] = l;
	meta_set(pfn, PMM_FREE | order);
}

static void
list_remove(struct pmm_link *l, unsigned order)
{
	if (l->magic != PMM_LINK_MAGIC || l->order != order)
		panic("pmm: free block at phys %#llx corrupted (written "
		    "after free?)",
		    (unsigned long long)link_pfn(l) << PAGE_SHIFT);
	if (l->prev != NULL)
		l->prev->next = l->next;
	else
		pmm.free[order] = l->next;
	if (l->next != NULL)
		l->next->prev = l->prev;
	l->magic = 0;
	meta_set(link_pfn(l), PMM_TAIL);
}

/* Return a block whose head byte is already PMM_USED, merging buddies. */
static void
free_block(uint64_t pfn, unsigned order)
{
	uint64_t buddy;

	meta_set(pfn, PMM_TAIL);
	pmm.free_pages += 1ull << order;
	while (order < PMM_MAX_ORDER) {
		buddy = pfn ^ (1ull << order);
		if (meta_get(buddy) != (PMM_FREE | order))
			break;
		list_remove(pfn_link(buddy), order);
		pfn &= ~(1ull << order);
		order++;
	}
	list_push(pfn, order);
}

uint64_t
pmm_alloc(unsigned order)
{
	struct pmm_link *l;
	unsigned k;
	uint64_t pfn;

	if (order > PMM_MAX_ORDER)
		return PMM_NONE;
	for (k = order; k <= PMM_MAX_ORDER && pmm.free[k] == NULL; k++)
		;
	if (k > PMM_MAX_ORDER)
		return PMM_NONE;
	l = pmm.free[k];
	pfn = link_pfn(l);
	list_remove(l, k);
	while (k > order) {
		k--;
		list_push(pfn + (1ull << k), k);
	}
	meta_set(pfn, PMM_USED | order);
	pmm.free_pages -= 1ull << order;
	return pfn << PAGE_SHIFT;
}

void
pmm_free(uint64_t phys, unsigned order)
{
	uint64_t pfn = phys >> PAGE_SHIFT;
	uint8_t m;

	if (order > PMM_MAX_ORDER)
		panic("pmm_free: phys %#llx: bad order %u",
		    (unsigned long long)phys, order);
	if (phys & ((PAGE_SIZE << order) - 1))
		panic("pmm_free: phys %#llx is not aligned to order %u",
		    (unsigned long long)phys, order);
	m = meta_get(pfn);
	if (m == (PMM_USED | order)) {
		free_block(pfn, order);
		return;
	}
	if (m != PMM_HOLE && (m & PMM_FREE))
		panic("pmm_free: double free of phys %#llx (order %u)",
		    (unsigned long long)phys, order);
	if (m != PMM_HOLE && (m & PMM_USED))
		panic("pmm_free: phys %#llx freed with order %u, allocated "
		    "with order %u", (unsigned long long)phys, order,
		    m & PMM_ORDER_MASK);
	panic("pmm_free: phys %#llx (order %u) is not an allocated block "
	    "(double free or never allocated)",
	    (unsigned long long)phys, order);
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

/* Find npages in one of the ranges for meta[]: the first fit. */
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

/* Hand [s, e) (page numbers) to the free lists in maximal blocks. */
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
		meta_set(s, PMM_USED | order);
		free_block(s, order);
		pmm.total_pages += 1ull << order;
		s += 1ull << order;
	}
}

/* Add every range, less the pages [ms, me) that hold meta[]. */
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
 * until one can.  Returns 0, -EINVAL for unsorted or overlapping ranges,
 * or -ENOMEM when nothing usable is left.
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
		npages = PAGE_ALIGN_UP(hi - lo) >> PAGE_SHIFT;
		if (meta_place(ranges, n, npages, &ms))
			break;
	}
	if (n == 0)
		return -ENOMEM;
	pmm.base_pfn = lo;
	pmm.npfn = hi - lo;
	pmm.meta = (uint8_t *)(uintptr_t)((ms << PAGE_SHIFT) + dmap_offset);
	memset(pmm.meta, PMM_HOLE, pmm.npfn);
	add_ranges(ranges, n, ms, ms + npages);
	return pmm.total_pages != 0 ? 0 : -ENOMEM;
}
