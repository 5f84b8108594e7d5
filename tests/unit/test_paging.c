/*
 * arch/paging.c on the host: tables live in host memory handed out by a
 * fake physical allocator, so mapping, big pages, splitting, unmapping
 * and the encryption mask can be checked entry by entry.
 */
#include <stdlib.h>

#include "arch/arch.h"
#include "tests/unit/harness.h"

#define POOL_PAGES	512
#define POOL_BASE	0x40000000ull	/* fake physical address of pool[0] */
#define CBIT		(1ull << 47)

static uint8_t *pool;
static int used;

static uint64_t
alloc_table(void *arg)
{
	(void)arg;
	if (used == POOL_PAGES)
		return 0;
	memset(pool + used * 4096, 0, 4096);
	return POOL_BASE + (uint64_t)used++ * 4096;
}

static void *
p2v(uint64_t pa, void *arg)
{
	(void)arg;
	return pool + (pa - POOL_BASE);
}

static struct pt_ctx
ctx(uint64_t enc)
{
	struct pt_ctx c = { 0 };

	used = 0;
	c.alloc_table = alloc_table;
	c.phys_to_virt = p2v;
	c.enc_mask = enc;
	c.root = alloc_table(NULL);
	return c;
}

static void
test_map_4k(void)
{
	struct pt_ctx c = ctx(0);
	uint64_t ps, e;

	CHECK(pt_map(&c, 0x400000, 0x1234000, 0x3000, PTE_W | PTE_U, false) == 0);
	e = pt_lookup(&c, 0x401000, &ps);
	CHECK((e & PTE_ADDR_MASK) == 0x1235000 && ps == 4096);
	CHECK((e & (PTE_P | PTE_W | PTE_U)) == (PTE_P | PTE_W | PTE_U));
	CHECK(pt_lookup(&c, 0x403000, NULL) == 0);
	CHECK(used == 4);			/* PML4, PDPT, PD, PT */
	CHECK(pt_map(&c, 0x400001, 0, 4096, 0, false) == -22);
	CHECK(pt_map(&c, ~0xfffull, 0, 0x2000, 0, false) == -22); /* wraps */
}

static void
test_big_pages_and_split(void)
{
	struct pt_ctx c = ctx(0);
	uint64_t ps, e;

	CHECK(pt_map(&c, 0x40000000, 0x80000000, 1ull << 30, PTE_W, true) == 0);
	e = pt_lookup(&c, 0x40123000, &ps);
	CHECK(ps == (1ull << 30) && (e & PTE_PS));
	CHECK(pt_map(&c, 0x200000, 0x600000, 0x400000, PTE_W, true) == 0);
	CHECK(pt_lookup(&c, 0x300000, &ps) != 0 && ps == (2ull << 20));
	/* Unmapping one 4K page splits the 1G page, then its 2M page. */
	CHECK(pt_unmap(&c, 0x40201000, 4096) == 0);
	CHECK(pt_lookup(&c, 0x40201000, NULL) == 0);
	e = pt_lookup(&c, 0x40202000, &ps);
	CHECK(ps == 4096 && (e & PTE_ADDR_MASK) == 0x80202000);
	e = pt_lookup(&c, 0x40400000, &ps);
	CHECK(ps == (2ull << 20) && (e & PTE_ADDR_MASK) == 0x80400000);
	CHECK((e & PTE_W) != 0);		/* flags survive the split */
}

static void
test_enc_mask(void)
{
	struct pt_ctx c = ctx(CBIT);
	uint64_t *pml4 = p2v(c.root, NULL);
	uint64_t e;

	CHECK(pt_map(&c, 0x1000000, 0x5000, 4096, 0, false) == 0);
	e = pt_lookup(&c, 0x1000000, NULL);
	CHECK((e & CBIT) != 0 && (e & PTE_ADDR_MASK & ~CBIT) == 0x5000);
	CHECK((pml4[0] & CBIT) != 0);		/* table pointers too */
	CHECK(pt_map(&c, 0x1001000, 0x6000, 4096, PT_MAP_SHARED, false) == 0);
	e = pt_lookup(&c, 0x1001000, NULL);
	CHECK((e & CBIT) == 0 && (e & PT_MAP_SHARED) == 0);
	CHECK((e & PTE_ADDR_MASK) == 0x6000);
}

static void
test_exhaustion(void)
{
	struct pt_ctx c = ctx(0);

	used = POOL_PAGES;			/* no table pages left */
	CHECK(pt_map(&c, 0x1000000, 0x5000, 4096, 0, false) == -12);
	CHECK(pt_leaf(&c, 0x2000000, true) == NULL);
	CHECK(pt_leaf(&c, 0x2000000, false) == NULL);
}

static void
test_next_table(void)
{
	struct pt_ctx c = ctx(0);
	uint64_t top = 1ull << 47;

	CHECK(pt_next_table(&c, 0x1000, top) == top);	/* nothing mapped */
	CHECK(pt_map(&c, 0x7f0000201000ull, 0x5000, 4096, PTE_U, false) == 0);
	CHECK(pt_map(&c, 0x40000000ull, 0x6000, 4096, PTE_U, false) == 0);
	CHECK(pt_next_table(&c, 0x1000, top) == 0x40000000ull);
	/* Inside a leaf table: the address itself. */
	CHECK(pt_next_table(&c, 0x40001000ull, top) == 0x40001000ull);
	/* Past the first table: skips ~127 TiB of empty PML4 slots. */
	CHECK(pt_next_table(&c, 0x40200000ull, top) == 0x7f0000200000ull);
	CHECK(pt_next_table(&c, 0x40200000ull, 0x7f0000000000ull) ==
	    0x7f0000000000ull);
	CHECK(pt_next_table(&c, 0x7f0000400000ull, top) == top);
	CHECK(pt_next_table(&c, ~0ull - 4095, ~0ull) == ~0ull);	/* no wrap */
}

static int freed;

static void
count_free(uint64_t pa, void *arg)
{
	(void)pa;
	(void)arg;
	freed++;
}

static void
test_prune(void)
{
	struct pt_ctx c = ctx(0);
	uint64_t *e;

	CHECK(pt_map(&c, 0x400000, 0x5000, 2 * 4096, PTE_U, false) == 0);
	freed = 0;
	pt_prune(&c, 0x400000, count_free);
	CHECK(freed == 0);			/* both pages still mapped */
	e = pt_leaf(&c, 0x400000, false);
	*e = 0;
	pt_prune(&c, 0x400000, count_free);
	CHECK(freed == 0);			/* 0x401000 still mapped */
	e = pt_leaf(&c, 0x401000, false);
	*e = 0;
	pt_prune(&c, 0x400000, count_free);
	CHECK(freed == 3);			/* PT, PD, PDPT; not the root */
	CHECK(pt_next_table(&c, 0, 1ull << 47) == 1ull << 47);
	pt_prune(&c, 0x400000, count_free);	/* nothing left: no-op */
	CHECK(freed == 3);
}

/*
 * A long 4K run is written one page table at a time: every page across
 * table boundaries maps to its own frame, nothing past the end, and a
 * big run that starts unaligned switches to 2M pages at the first 2M
 * boundary and back to 4K for the tail.
 */
static void
test_runs_across_tables(void)
{
	struct pt_ctx c = ctx(CBIT);
	uint64_t va = 0x1ff000 - 0x10000, pa = 0x7ff000 - 0x10000, ps, e;
	uint64_t n = 1024 + 40;
	bool ok = true;

	CHECK(pt_map(&c, va, pa, n * 4096, PTE_W, false) == 0);
	for (uint64_t i = 0; i < n; i++) {
		e = pt_lookup(&c, va + i * 4096, &ps);
		ok &= ps == 4096 && (e & PTE_ADDR_MASK & ~CBIT) == pa + i * 4096 &&
		    (e & (PTE_P | PTE_W | CBIT)) == (PTE_P | PTE_W | CBIT);
	}
	CHECK(ok);
	CHECK(pt_lookup(&c, va + n * 4096, NULL) == 0);
	CHECK(pt_lookup(&c, va - 4096, NULL) == 0);
	/* Big: [1M, 2M) in 4K, [2M, 6M) in 2M pages, [6M, 6M + 12K) in 4K. */
	c = ctx(0);
	CHECK(pt_map(&c, 0x100000, 0x100000, 0x503000, PTE_W, true) == 0);
	CHECK(pt_lookup(&c, 0x1ff000, &ps) != 0 && ps == 4096);
	CHECK(pt_lookup(&c, 0x200000, &ps) == (0x200000 | PTE_W | PTE_P |
	    PTE_PS) && ps == (2ull << 20));
	CHECK(pt_lookup(&c, 0x5ff000, &ps) != 0 && ps == (2ull << 20));
	e = pt_lookup(&c, 0x602000, &ps);
	CHECK(ps == 4096 && (e & PTE_ADDR_MASK) == 0x602000);
	CHECK(pt_lookup(&c, 0x603000, NULL) == 0);
}

int
main(void)
{
	pool = aligned_alloc(4096, POOL_PAGES * 4096);
	harness_begin("paging");
	RUN(test_map_4k);
	RUN(test_big_pages_and_split);
	RUN(test_enc_mask);
	RUN(test_exhaustion);
	RUN(test_runs_across_tables);
	RUN(test_next_table);
	RUN(test_prune);
	free(pool);
	return harness_done();
}
