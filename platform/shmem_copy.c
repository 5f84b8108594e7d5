/*
 * Bounce copies in and out of the shared pool (platform/shmem.c), with
 * the region's bounds checked.  A file of its own so that host tests of
 * the virtio rings use these very functions over a mock pool.
 */
#include "platform/internal.h"

int
shmem_copy_in(struct shared_region *r, uint64_t off, const void *src,
    size_t n)
{
	if (off > r->len || n > r->len - off)
		return -EINVAL;
	memcpy((void *)(r->va + off), src, n);
	return 0;
}

int
shmem_copy_out(void *dst, const struct shared_region *r, uint64_t off,
    size_t n)
{
	if (off > r->len || n > r->len - off)
		return -EINVAL;
	memcpy(dst, (const void *)(r->va + off), n);
	return 0;
}

uint16_t
shmem_load16(const struct shared_region *r, uint64_t off)
{
	if (off > r->len || r->len - off < 2 || (off & 1))
		return 0;
	return __atomic_load_n((const uint16_t *)(r->va + off),
	    __ATOMIC_RELAXED);
}

void
shmem_store16(struct shared_region *r, uint64_t off, uint16_t v)
{
	if (off > r->len || r->len - off < 2 || (off & 1))
		return;
	__atomic_store_n((uint16_t *)(r->va + off), v, __ATOMIC_RELAXED);
}
