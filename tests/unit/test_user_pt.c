/*
 * platform/user.c on the host, over arch/paging.c: the guest address
 * space's page tables, with a fake physical allocator that counts the
 * tables alive.  Checks that walks visit every page across table
 * boundaries, that a map-touch-unmap cycle reuses its tables instead of
 * freeing and rebuilding them (make bench's mmap row), and that the
 * empty tables kept for that stay few and all come back at exit.
 *
 * Tables live in host memory (pool); data pages are never touched by
 * user.c, so they are only fake physical addresses (DATA_BASE and up).
 */
#include <stdlib.h>

#include "platform/internal.h"
#include "arch/arch.h"
#include "tests/unit/harness.h"

#define POOL_PAGES	256
#define POOL_BASE	0x40000000ull	/* fake physical address of pool[0] */
#define DATA_BASE	0x100000000ull	/* fake physical data pages */
#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define PROT_RW		3u

struct cpu_features cpu = { .nx = true };

static uint8_t *pool;
static int pool_free[POOL_PAGES], npool_free;
static int tables_alive, table_allocs;
static uint64_t next_data;
static long data_alive;
static struct pt_ctx uctx;

static uint64_t
alloc_table(void *arg)
{
	int i;

	if (npool_free == 0)
		return 0;
	i = pool_free[--npool_free];
	memset(pool + (uint64_t)i * PAGE_SIZE, 0, PAGE_SIZE);
	tables_alive++;
	table_allocs++;
	return POOL_BASE + (uint64_t)i * PAGE_SIZE;
}

static void *
p2v(uint64_t pa, void *arg)
{
	return pool + (pa - POOL_BASE);
}

struct pt_ctx *
vmm_ctx(void)
{
	return &uctx;
}

void
vmm_flush(uint64_t va)
{
}

void
pmm_free(uint64_t phys, unsigned order)
{
	if (phys >= DATA_BASE) {
		data_alive--;
		return;
	}
	if (phys < POOL_BASE || phys >= POOL_BASE + POOL_PAGES * PAGE_SIZE) {
		fprintf(stderr, "pmm_free of a stray %#llx\n",
		    (unsigned long long)phys);
		abort();
	}
	tables_alive--;
	pool_free[npool_free++] = (int)((phys - POOL_BASE) / PAGE_SIZE);
}

void *
plat_pages_alloc(unsigned order)
{
	data_alive++;
	next_data += PAGE_SIZE;
	return phys_to_virt(next_data);
}

void *
plat_pages_alloc_dirty(unsigned order)
{
	return plat_pages_alloc(order);
}

void
plat_pages_free(void *p, unsigned order)
{
	pmm_free(virt_to_phys(p), order);
}

/*
 * What user.c's address spaces and copy-on-write self-test call: never
 * reached by these tests, which stay in the boot address space.
 */
void
arch_write_cr3(uint64_t v)
{
	(void)v;
	abort();
}

void
pmm_span(uint64_t *base, uint64_t *n)
{
	*base = 0;
	*n = 0;
}

uint64_t
plat_pages_free_count(void)
{
	return 0;
}

int
plat_copy_from_user(void *dst, uint64_t src, size_t n)
{
	(void)dst, (void)src, (void)n;
	abort();
}

int
plat_copy_to_user(uint64_t dst, const void *src, size_t n)
{
	(void)dst, (void)src, (void)n;
	abort();
}

static void
reset(void)
{
	if (pool == NULL)
		pool = aligned_alloc(PAGE_SIZE, POOL_PAGES * PAGE_SIZE);
	npool_free = 0;
	for (int i = POOL_PAGES - 1; i >= 0; i--)
		pool_free[npool_free++] = i;
	tables_alive = table_allocs = 0;
	data_alive = 0;
	next_data = DATA_BASE;
	uctx = (struct pt_ctx){ .alloc_table = alloc_table, .phys_to_virt = p2v };
	uctx.root = alloc_table(NULL);
	user_prune_all();	/* forget spans of the previous test */
}

static bool
mapped(uint64_t va)
{
	return (pt_lookup(&uctx, va, NULL) & PTE_P) != 0;
}

/* A walk crosses leaf-table boundaries without missing a page. */
static void
test_walk_across_tables(void)
{
	uint64_t span = 0x40000000ull + 2 * MIB, from = span - 3 * PAGE_SIZE;
	uint64_t to = 0x7f0000000000ull - 2 * PAGE_SIZE, e;

	reset();
	for (int i = 0; i < 6; i++)
		CHECK(plat_user_map_zero(from + i * PAGE_SIZE, PROT_RW) == 0);
	CHECK(plat_user_resident(PLAT_USER_MIN,
	    PLAT_USER_END - PLAT_USER_MIN) == 6);
	CHECK(plat_user_protect(from + PAGE_SIZE, 4 * PAGE_SIZE, 1) == 0);
	for (int i = 0; i < 6; i++) {
		e = pt_lookup(&uctx, from + i * PAGE_SIZE, NULL);
		CHECK((e & PTE_P) && !!(e & PTE_W) == (i == 0 || i == 5));
	}
	e = pt_lookup(&uctx, from + 2 * PAGE_SIZE, NULL) & PTE_ADDR_MASK;
	CHECK(plat_user_move(from, to, 6 * PAGE_SIZE) == 0);
	CHECK(plat_user_resident(from, 6 * PAGE_SIZE) == 0);
	CHECK(plat_user_resident(to, 6 * PAGE_SIZE) == 6);
	/* The same count through the space itself (another process's). */
	CHECK(plat_as_resident(NULL, to, 6 * PAGE_SIZE) == 6);
	CHECK(plat_as_resident(NULL, from, 6 * PAGE_SIZE) == 0);
	CHECK((pt_lookup(&uctx, to + 2 * PAGE_SIZE, NULL) & PTE_ADDR_MASK) ==
	    e);
	CHECK(plat_user_unmap(to, 6 * PAGE_SIZE) == 0);
	CHECK(data_alive == 0);
	user_prune_all();
	CHECK(tables_alive == 1);	/* the root */
}

/* mmap, touch 16 pages, munmap, again: no table is rebuilt. */
static void
test_cycle_reuses_tables(void)
{
	uint64_t va = 0x7f0012340000ull;
	int allocs = 0;

	reset();
	for (int round = 0; round < 100; round++) {
		for (int i = 0; i < 16; i++)
			CHECK(plat_user_map_zero(va + i * PAGE_SIZE,
			    PROT_RW) == 0);
		CHECK(plat_user_unmap(va, 16 * PAGE_SIZE) == 0);
		CHECK(!mapped(va) && data_alive == 0);
		if (round == 0)
			allocs = table_allocs;
	}
	CHECK(table_allocs == allocs);
	user_prune_all();
	CHECK(tables_alive == 1);
}

/*
 * One page in each of many 1 GiB slots (a leaf table and a directory
 * each), unmapped one by one: the empty tables kept for reuse stay a
 * few, however many slots, and exit gives them all back.
 */
static void
test_kept_tables_bounded(void)
{
	reset();
	for (uint64_t i = 1; i <= 100; i++) {
		CHECK(plat_user_map_zero(i * GIB + 5 * PAGE_SIZE, PROT_RW) ==
		    0);
		CHECK(plat_user_unmap(i * GIB, GIB) == 0);
		CHECK(tables_alive <= 2 + 2 * 16);
	}
	CHECK(data_alive == 0);
	user_prune_all();
	CHECK(tables_alive == 1);
}

/* A kept table that is in use again is not freed under its page. */
static void
test_prune_spares_reused(void)
{
	uint64_t va = 0x12345000ull;

	reset();
	CHECK(plat_user_map_zero(va, PROT_RW) == 0);
	CHECK(plat_user_unmap(va, PAGE_SIZE) == 0);
	CHECK(plat_user_map_zero(va + PAGE_SIZE, PROT_RW) == 0);
	user_prune_all();
	CHECK(mapped(va + PAGE_SIZE) && tables_alive == 4);
	/* Pushed out by newer spans: pruned only if still empty. */
	CHECK(plat_user_map_zero(va, PROT_RW) == 0);
	CHECK(plat_user_unmap(va, PAGE_SIZE) == 0);
	for (uint64_t i = 1; i <= 40; i++)
		CHECK(plat_user_unmap(i * GIB, PAGE_SIZE) == 0);
	CHECK(plat_user_unmap(0x40000000000ull, 64 * GIB) == 0);
	CHECK(mapped(va + PAGE_SIZE) && tables_alive == 4);
	CHECK(plat_user_unmap(va + PAGE_SIZE, PAGE_SIZE) == 0);
	user_prune_all();
	CHECK(tables_alive == 1 && data_alive == 0);
}

int
main(void)
{
	harness_begin("user_pt");
	RUN(test_walk_across_tables);
	RUN(test_cycle_reuses_tables);
	RUN(test_kept_tables_bounded);
	RUN(test_prune_spares_reused);
	return harness_done();
}
