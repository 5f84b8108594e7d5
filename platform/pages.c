/*
 * plat_pages_*: the kernel's view of the buddy allocator, through the
 * direct map, zeroed (or not, for pages about to be overwritten whole).
 */
#include "platform/internal.h"

static uint64_t (*reclaim)(void);	/* the kernel's, or NULL */

void
pages_set_reclaim(uint64_t (*fn)(void))
{
	reclaim = fn;
}

void *
plat_pages_alloc_dirty(unsigned order)
{
	static bool reclaiming;
	uint64_t pa;

	if (order > PMM_MAX_ORDER)
		return NULL;
	pa = pmm_alloc(order);
	/* Out of pages: the kernel's reclaim, once (never from itself). */
	if (pa == PMM_NONE && reclaim != NULL && !reclaiming) {
		reclaiming = true;
		if (reclaim() > 0)
			pa = pmm_alloc(order);
		reclaiming = false;
	}
	if (pa == PMM_NONE)
		return NULL;
	return phys_to_virt(pa);
}

void *
plat_pages_alloc(unsigned order)
{
	void *p = plat_pages_alloc_dirty(order);

	if (p != NULL)
		memset(p, 0, PAGE_SIZE << order);
	return p;
}

void
plat_pages_free(void *p, unsigned order)
{
	if (p != NULL)
		pmm_free(virt_to_phys(p), order);
}

uint64_t
plat_pages_free_count(void)
{
	return pmm_free_pages();
}

uint64_t
plat_pages_total_count(void)
{
	return pmm_total_pages();
}
