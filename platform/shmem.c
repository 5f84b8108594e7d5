/*
 * The shared-memory pool: the only memory the host (hypervisor, devices)
 * may read or write.
 *
 * One physically contiguous block, taken from pmm at boot and mapped once
 * without the encryption mask (PT_MAP_SHARED) at SHMEM_BASE.  Under
 * SEV-SNP, ghcb/ converts the block to shared (PVALIDATE rescind, then a
 * page-state change) before it is mapped; in plain QEMU the conversion is
 * a no-op and everything else runs the same, so the bounce-buffer paths
 * are exercised on every boot.
 *
 * Users (the GHCB page, virtio rings and buffers, the console) allocate
 * page runs and copy data in and out with shmem_copy_in/out: nothing the
 * host writes is parsed in place, and shmem_alloc zeroes every run so a
 * buffer handed to the host never holds stale data.
 *
 * Allocation is first fit over a page bitmap: the pool is small (a few
 * MiB) and allocations happen at device set-up, not per packet.
 */
#include "platform/internal.h"
#include "arch/arch.h"
#include "ghcb/snp.h"

#define SHMEM_MAX_PAGES	4096		/* 16 MiB at most */

static uint64_t pool_pa;		/* physical base; 0: no pool */
static uint64_t pool_pages;
static uint64_t pool_order;
static uint8_t used[SHMEM_MAX_PAGES / 8];

static bool
page_used(uint64_t i)
{
	return used[i / 8] & (1u << (i % 8));
}

static void
page_mark(uint64_t i, bool v)
{
	if (v)
		used[i / 8] |= 1u << (i % 8);
	else
		used[i / 8] &= ~(1u << (i % 8));
}

int
shmem_init(uint64_t bytes)
{
	uint64_t pages = PAGE_ALIGN_UP(bytes) / PAGE_SIZE;
	unsigned order = 0;
	uint64_t pa;

	if (pool_pa != 0 || pages == 0 || pages > SHMEM_MAX_PAGES)
		return -EINVAL;
	while ((1ull << order) < pages)
		order++;
	pa = pmm_alloc(order);
	if (pa == PMM_NONE)
		return -ENOMEM;
	pages = 1ull << order;
	/* Private -> shared before the first shared mapping exists. */
	if (snp_share_pages(pa, pages) != 0) {
		pmm_free(pa, order);
		return -EIO;
	}
	if (vmm_map_shared(pa, pages * PAGE_SIZE, SHMEM_BASE) != 0)
		panic("shmem: cannot map the pool");
	pool_pa = pa;
	pool_pages = pages;
	pool_order = order;
	/* No zeroing here: shmem_alloc zeroes every run it hands out. */
	klog("shmem: %llu KiB shared pool at %llx",
	    (unsigned long long)(pages * 4), (unsigned long long)pa);
	return 0;
}

bool
shmem_ready(void)
{
	return pool_pa != 0;
}

int
shmem_alloc(uint64_t len, struct shared_region *out)
{
	uint64_t n = PAGE_ALIGN_UP(len) / PAGE_SIZE, run = 0;

	if (pool_pa == 0 || n == 0 || n > pool_pages)
		return -ENOMEM;
	for (uint64_t i = 0; i < pool_pages; i++) {
		run = page_used(i) ? 0 : run + 1;
		if (run < n)
			continue;
		uint64_t first = i + 1 - n;

		for (uint64_t j = first; j <= i; j++)
			page_mark(j, true);
		out->va = (volatile uint8_t *)(SHMEM_BASE + first * PAGE_SIZE);
		out->pa = pool_pa + first * PAGE_SIZE;
		out->len = n * PAGE_SIZE;
		memset((void *)out->va, 0, out->len);
		return 0;
	}
	return -ENOMEM;
}

void
shmem_free(struct shared_region *r)
{
	uint64_t first, n;

	if (r->len == 0)
		return;
	first = (r->pa - pool_pa) / PAGE_SIZE;
	n = r->len / PAGE_SIZE;
	if (r->pa < pool_pa || r->pa % PAGE_SIZE || r->len % PAGE_SIZE ||
	    first + n > pool_pages)
		panic("shmem_free: region %llx+%llx is not from the pool",
		    (unsigned long long)r->pa, (unsigned long long)r->len);
	/* Scrub: what the next user hands the host starts clean. */
	memset((void *)r->va, 0, r->len);
	for (uint64_t j = first; j < first + n; j++) {
		if (!page_used(j))
			panic("shmem_free: double free at %llx",
			    (unsigned long long)(pool_pa + j * PAGE_SIZE));
		page_mark(j, false);
	}
	r->va = NULL;
	r->pa = 0;
	r->len = 0;
}

bool
shmem_contains(uint64_t pa, uint64_t len)
{
	return pool_pa != 0 && pa >= pool_pa && len <= pool_pages * PAGE_SIZE &&
	    pa - pool_pa <= pool_pages * PAGE_SIZE - len;
}
