/*
 * test_pmm.c: the buddy allocator over simulated physical memory.
 *
 * "Physical memory" is one anonymous MAP_NORESERVE mapping covering
 * physical addresses [0, PHYS_SPAN); the direct-map offset is its host
 * address.  Only pages the allocator (or a test) touches cost host memory.
 */
#include "platform/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#include <stdlib.h>
#include <sys/mman.h>

#define MiB		(1024ull * 1024)
#define GiB		(1024 * MiB)
#define PHYS_SPAN	(5 * GiB + 64 * MiB)

static uint8_t *phys_mem;
static uint64_t dmap;

/* The small layout: 63 MiB low, a hole, 64 MiB above 4 GiB. */
static const struct mem_range small[] = {
	{ 1 * MiB, 64 * MiB },
	{ 4 * GiB, 4 * GiB + 64 * MiB },
};

/* The layout from the design notes: 1 GiB blocks must come out. */
static const struct mem_range big[] = {
	{ 1 * MiB, 3 * GiB },
	{ 4 * GiB, 5 * GiB },
};

static void *
virt(uint64_t phys)
{
	return phys_mem + phys;
}

static uint64_t
pages_in(const struct mem_range *r, int n)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += (r[i].end - r[i].start) / PAGE_SIZE;
	return sum;
}

/* Pages of metadata for the span of r[0..n): one byte per page. */
static uint64_t
meta_pages(const struct mem_range *r, int n)
{
	uint64_t span = (r[n - 1].end - r[0].start) / PAGE_SIZE;

	return (span + PAGE_SIZE - 1) / PAGE_SIZE;
}

static bool
in_ranges(const struct mem_range *r, int n, uint64_t p, uint64_t len)
{
	int i;

	for (i = 0; i < n; i++) {
		if (p >= r[i].start && p + len <= r[i].end)
			return true;
	}
	return false;
}

static void
test_init(void)
{
	CHECK(pmm_init(small, 2, dmap) == 0);
	CHECK(pmm_total_pages() == pages_in(small, 2) - meta_pages(small, 2));
	CHECK(pmm_free_pages() == pmm_total_pages());
	CHECK(pmm_init(big, 2, dmap) == 0);
	/* 1.3 MB of metadata for 5 GiB of span. */
	CHECK(meta_pages(big, 2) == 320);
	CHECK(pmm_total_pages() == pages_in(big, 2) - 320);
}

static void
test_init_errors(void)
{
	static const struct mem_range unsorted[] = {
		{ 8 * MiB, 9 * MiB }, { 1 * MiB, 2 * MiB },
	};
	static const struct mem_range overlap[] = {
		{ 1 * MiB, 3 * MiB }, { 2 * MiB, 4 * MiB },
	};
	static const struct mem_range tiny[] = {
		{ 1 * MiB + 100, 1 * MiB + 4 * PAGE_SIZE - 100 },
	};
	/* The metadata for a 1 TiB span fits nowhere: the top range goes. */
	static const struct mem_range far[] = {
		{ 1 * MiB, 2 * MiB }, { 1ull << 40, (1ull << 40) + 4 * MiB },
	};

	CHECK(pmm_init(unsorted, 2, dmap) == -EINVAL);
	CHECK(pmm_init(overlap, 2, dmap) == -EINVAL);
	CHECK(pmm_alloc(0) == PMM_NONE);
	CHECK(pmm_init(small, 0, dmap) == -ENOMEM);
	CHECK(pmm_init(tiny, 1, dmap) == 0);
	CHECK(pmm_total_pages() == 1);
	CHECK(pmm_alloc(0) == 1 * MiB + 2 * PAGE_SIZE);
	CHECK(pmm_alloc(0) == PMM_NONE);
	CHECK(pmm_init(far, 2, dmap) == 0);
	CHECK(pmm_total_pages() == 256 - 1);
}

static void
test_alloc_orders(void)
{
	uint64_t p[15], free0;
	unsigned o;

	CHECK(pmm_init(small, 2, dmap) == 0);
	free0 = pmm_free_pages();
	p[14] = pmm_alloc(14);		/* the range above 4 GiB */
	CHECK(p[14] == 4 * GiB);
	CHECK(pmm_alloc(14) == PMM_NONE);
	for (o = 0; o <= 12; o++) {
		p[o] = pmm_alloc(o);
		CHECK(p[o] != PMM_NONE);
		CHECK((p[o] & ((PAGE_SIZE << o) - 1)) == 0);
		CHECK(in_ranges(small, 2, p[o], PAGE_SIZE << o));
		memset(virt(p[o]), 0xa5, PAGE_SIZE << o);
	}
	CHECK(pmm_free_pages() == free0 - (1ull << 14) - ((1ull << 13) - 1));
	CHECK(pmm_alloc(PMM_MAX_ORDER + 1) == PMM_NONE);
	for (o = 0; o <= 12; o++)
		pmm_free(p[o], o);
	pmm_free(p[14], 14);
	CHECK(pmm_free_pages() == free0);
}

/*
 * Allocate greedily from the largest order down, count the blocks per
 * order, and free everything again.  Equal profiles mean equal free
 * block structure.
 */
#define MAX_LIVE	(1 << 16)
static uint64_t live[MAX_LIVE];
static unsigned live_order[MAX_LIVE];

static void
profile(uint32_t counts[PMM_MAX_ORDER + 1])
{
	int n = 0, i;
	int o;
	uint64_t p;

	for (o = PMM_MAX_ORDER; o >= 0; o--) {
		counts[o] = 0;
		while (n < MAX_LIVE && (p = pmm_alloc(o)) != PMM_NONE) {
			live[n] = p;
			live_order[n++] = o;
			counts[o]++;
		}
	}
	for (i = 0; i < n; i++)
		pmm_free(live[i], live_order[i]);
}

static void
test_coalesce(void)
{
	uint32_t before[PMM_MAX_ORDER + 1], after[PMM_MAX_ORDER + 1];
	uint64_t free0, total = 0;
	int i, n = 0, j;

	CHECK(pmm_init(small, 2, dmap) == 0);
	free0 = pmm_free_pages();
	profile(before);
	CHECK(pmm_free_pages() == free0);
	/* Everything as single pages, freed in a shuffled order. */
	static uint64_t pages[40000];
	while ((pages[n] = pmm_alloc(0)) != PMM_NONE)
		n++;
	CHECK((uint64_t)n == free0 && pmm_free_pages() == 0);
	for (i = n - 1; i > 0; i--) {
		j = random() % (i + 1);
		total = pages[i], pages[i] = pages[j], pages[j] = total;
	}
	for (i = 0; i < n; i++)
		pmm_free(pages[i], 0);
	CHECK(pmm_free_pages() == free0);
	profile(after);
	CHECK(memcmp(before, after, sizeof(before)) == 0);
	/* [4G, 4G + 64M) and [32M, 64M) are the largest blocks. */
	CHECK(before[14] == 1 && before[13] == 1);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_fragmentation(void)
{
	static uint64_t pages[40000];
	int i, n = 0;

	CHECK(pmm_init(small, 2, dmap) == 0);
	while ((pages[n] = pmm_alloc(0)) != PMM_NONE)
		n++;
	qsort(pages, n, sizeof(pages[0]), cmp_u64);
	for (i = 0; i < n; i++) {
		if ((pages[i] / PAGE_SIZE) % 2 == 0)
			pmm_free(pages[i], 0);
	}
	CHECK(pmm_free_pages() > (uint64_t)n / 2 - 2);
	CHECK(pmm_alloc(1) == PMM_NONE);
	for (i = 0; i < n; i++) {
		if ((pages[i] / PAGE_SIZE) % 2 == 1)
			pmm_free(pages[i], 0);
	}
	CHECK(pmm_free_pages() == (uint64_t)n);
	CHECK(pmm_alloc(14) != PMM_NONE);
}

static void
test_exhaustion(void)
{
	uint64_t p;

	CHECK(pmm_init(small, 2, dmap) == 0);
	while (pmm_alloc(3) != PMM_NONE)
		;
	CHECK(pmm_alloc(3) == PMM_NONE);
	CHECK(pmm_alloc(PMM_MAX_ORDER) == PMM_NONE);
	while ((p = pmm_alloc(0)) != PMM_NONE)
		CHECK(in_ranges(small, 2, p, PAGE_SIZE));
	CHECK(pmm_free_pages() == 0);
	CHECK(pmm_alloc(0) == PMM_NONE);
}

static void
test_bad_frees(void)
{
	uint64_t a, b, c, free0;

	CHECK(pmm_init(small, 2, dmap) == 0);
	free0 = pmm_free_pages();
	a = pmm_alloc(0);
	b = pmm_alloc(0);
	CHECK((a ^ b) == PAGE_SIZE);		/* buddies */
	pmm_free(a, 0);
	CHECK(EXPECT_PANIC(pmm_free(a, 0)));
	CHECK(strstr(mock_panic_msg, "double free") != NULL);
	pmm_free(b, 0);				/* merges with a */
	CHECK(EXPECT_PANIC(pmm_free(a > b ? a : b, 0)));	/* inside */
	CHECK(strstr(mock_panic_msg, "not an allocated block") != NULL);
	CHECK(EXPECT_PANIC(pmm_free(a < b ? a : b, 0)));	/* head */
	CHECK(strstr(mock_panic_msg, "double free") != NULL);

	c = pmm_alloc(2);
	CHECK(EXPECT_PANIC(pmm_free(c, 1)));
	CHECK(strstr(mock_panic_msg, "allocated with order 2") != NULL);
	CHECK(EXPECT_PANIC(pmm_free(c + PAGE_SIZE, 0)));
	CHECK(EXPECT_PANIC(pmm_free(c + 1, 0)));
	CHECK(strstr(mock_panic_msg, "not aligned") != NULL);
	CHECK(EXPECT_PANIC(pmm_free(c, PMM_MAX_ORDER + 1)));
	pmm_free(c, 2);			/* state was left intact */
	CHECK(pmm_free_pages() == free0);

	CHECK(EXPECT_PANIC(pmm_free(3 * GiB, 0)));		/* hole */
	CHECK(EXPECT_PANIC(pmm_free(1 * MiB, 0)));		/* metadata */
	CHECK(EXPECT_PANIC(pmm_free(6 * GiB, 0)));		/* beyond */
	CHECK(EXPECT_PANIC(pmm_free(0, 0)));			/* below */
	CHECK(pmm_free_pages() == free0);
}

/* A corrupted free-block link is caught when the block is taken. */
static void
test_free_block_corruption(void)
{
	uint64_t a, b;

	CHECK(pmm_init(small, 2, dmap) == 0);
	a = pmm_alloc(0);
	b = pmm_alloc(0);
	CHECK((a ^ b) == PAGE_SIZE);
	pmm_free(a, 0);			/* stays an order-0 block */
	memset(virt(a), 0, 8);			/* a write after free */
	CHECK(EXPECT_PANIC(pmm_alloc(0)));
	CHECK(strstr(mock_panic_msg, "corrupted") != NULL);
}

static void
test_big_layout(void)
{
	uint64_t g[3], p;
	int i;

	CHECK(pmm_init(big, 2, dmap) == 0);
	for (i = 0; i < 3; i++) {
		g[i] = pmm_alloc(PMM_MAX_ORDER);
		CHECK(g[i] != PMM_NONE);
		CHECK(g[i] % GiB == 0);
		CHECK(in_ranges(big, 2, g[i], GiB));
	}
	CHECK(pmm_alloc(PMM_MAX_ORDER) == PMM_NONE);
	p = pmm_alloc(PMM_MAX_ORDER - 1);	/* [512M, 1G) */
	CHECK(p == 512 * MiB);
	pmm_free(p, PMM_MAX_ORDER - 1);
	for (i = 0; i < 3; i++)
		pmm_free(g[i], PMM_MAX_ORDER);
	CHECK(pmm_free_pages() == pmm_total_pages());
}

/*
 * Random allocations and frees against a shadow bitmap of every page:
 * no page may be handed out twice, every block lies in a usable range,
 * and the pattern written into a block survives until it is freed.
 */
#define SHADOW_PAGES	(PHYS_SPAN / PAGE_SIZE)
static uint8_t shadow[SHADOW_PAGES / 8];

static bool
shadow_mark(uint64_t p, unsigned order, bool set)
{
	uint64_t pfn = p / PAGE_SIZE, i;

	for (i = pfn; i < pfn + (1ull << order); i++) {
		if (((shadow[i / 8] >> (i % 8)) & 1) == set)
			return false;
		shadow[i / 8] ^= 1 << (i % 8);
	}
	return true;
}

/* Free live[i], checking its pattern, and drop it from live[]. */
static bool
stress_free(int i, int *n, uint64_t *used)
{
	uint64_t p = live[i], *last;
	unsigned o = live_order[i];

	last = virt(p + (PAGE_SIZE << o) - 8);
	if (*(uint64_t *)virt(p) != p || *last != ~p)
		return false;
	pmm_free(p, o);
	*used -= 1ull << o;
	live[i] = live[--*n];
	live_order[i] = live_order[*n];
	return shadow_mark(p, o, false);
}

/* Allocate a block of a random order, mostly small, and check it. */
static bool
stress_alloc(int *n, uint64_t *used)
{
	unsigned o = random() % 8 == 0 ? random() % 11 : random() % 3;
	uint64_t p = pmm_alloc(o);

	if (p == PMM_NONE)
		return true;
	if (p % (PAGE_SIZE << o) != 0 ||
	    !in_ranges(small, 2, p, PAGE_SIZE << o) ||
	    !shadow_mark(p, o, true))
		return false;
	*(uint64_t *)virt(p) = p;
	*(uint64_t *)virt(p + (PAGE_SIZE << o) - 8) = ~p;
	live[*n] = p;
	live_order[(*n)++] = o;
	*used += 1ull << o;
	return true;
}

static void
test_random_stress(void)
{
	uint64_t used = 0, free0;
	int n = 0, iter;

	CHECK(pmm_init(small, 2, dmap) == 0);
	free0 = pmm_free_pages();
	memset(shadow, 0, sizeof(shadow));
	srandom(7);
	for (iter = 0; iter < 200000; iter++) {
		if (n > 0 && (random() % 100 < 45 || n == MAX_LIVE))
			CHECK(stress_free(random() % n, &n, &used));
		else
			CHECK(stress_alloc(&n, &used));
		CHECK(pmm_free_pages() == free0 - used);
	}
	while (n > 0)
		CHECK(stress_free(n - 1, &n, &used));
	CHECK(pmm_free_pages() == free0 && used == 0);
	CHECK(pmm_alloc(14) != PMM_NONE);
}

int
main(void)
{
	harness_begin("pmm");
	phys_mem = mmap(NULL, PHYS_SPAN, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (phys_mem == MAP_FAILED) {
		printf("FAIL unit/pmm/setup: mmap of simulated memory\n");
		return 1;
	}
	dmap = (uint64_t)(uintptr_t)phys_mem;
	RUN(test_init);
	RUN(test_init_errors);
	RUN(test_alloc_orders);
	RUN(test_coalesce);
	RUN(test_fragmentation);
	RUN(test_exhaustion);
	RUN(test_bad_frees);
	RUN(test_free_block_corruption);
	RUN(test_big_layout);
	RUN(test_random_stress);
	return harness_done();
}
