/*
 * The shared-memory pool for host tests: page-aligned heap runs with
 * made-up physical addresses (a device model finds a buffer by its pa
 * through mock_shmem_va).  Same contract as platform/shmem.c; the
 * copies are platform/shmem_copy.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "platform/internal.h"
#include "tests/unit/mock_shmem.h"

#define MOCK_RUNS	64
#define MOCK_PA_BASE	0x100000000ull

static struct shared_region runs[MOCK_RUNS];
static uint64_t next_pa = MOCK_PA_BASE;
static uint64_t budget = ~0ull;		/* bytes left to hand out */
/* Freed runs kept for reuse (fuzzers allocate the same sizes each run). */
static struct { void *va; uint64_t len; } cache[MOCK_RUNS];

void
mock_shmem_limit(uint64_t bytes)
{
	budget = bytes;
}

int
shmem_alloc(uint64_t len, struct shared_region *out)
{
	uint64_t n = PAGE_ALIGN_UP(len);

	if (n == 0 || n > budget)
		return -ENOMEM;
	for (int i = 0; i < MOCK_RUNS; i++) {
		if (runs[i].len != 0)
			continue;
		runs[i].va = NULL;
		for (int j = 0; j < MOCK_RUNS; j++) {
			if (cache[j].va != NULL && cache[j].len == n) {
				runs[i].va = cache[j].va;
				cache[j].va = NULL;
				break;
			}
		}
		if (runs[i].va == NULL)
			runs[i].va = aligned_alloc(PAGE_SIZE, n);
		if (runs[i].va == NULL)
			return -ENOMEM;
		memset((void *)runs[i].va, 0, n);
		runs[i].pa = next_pa;
		runs[i].len = n;
		next_pa += n + PAGE_SIZE;
		budget -= n;
		*out = runs[i];
		return 0;
	}
	return -ENOMEM;
}

void
shmem_free(struct shared_region *r)
{
	for (int i = 0; i < MOCK_RUNS; i++) {
		if (runs[i].len == 0 || runs[i].pa != r->pa)
			continue;
		for (int j = 0; j < MOCK_RUNS && runs[i].va != NULL; j++) {
			if (cache[j].va == NULL) {
				cache[j].va = (void *)runs[i].va;
				cache[j].len = runs[i].len;
				runs[i].va = NULL;
			}
		}
		free((void *)runs[i].va);
		budget += runs[i].len;
		runs[i].len = 0;
		memset(r, 0, sizeof(*r));
		return;
	}
	if (r->len != 0)
		panic("shmem_free: not from the pool");
}

bool
shmem_contains(uint64_t pa, uint64_t len)
{
	return mock_shmem_va(pa, len) != NULL;
}

volatile uint8_t *
mock_shmem_va(uint64_t pa, uint64_t len)
{
	for (int i = 0; i < MOCK_RUNS; i++) {
		if (runs[i].len != 0 && pa >= runs[i].pa &&
		    len <= runs[i].len && pa - runs[i].pa <= runs[i].len - len)
			return runs[i].va + (pa - runs[i].pa);
	}
	return NULL;
}
