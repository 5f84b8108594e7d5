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

#include <signal.h>
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

/*
 * Pages of metadata for the span of r[0..n), as platform/pmm.c lays it
 * out: a bit per page, then for each order a used bitmap with a bit per
 * block slot and a free bitmap under levels of a bit per 64-bit word.
 */
static uint64_t
meta_pages(const struct mem_range *r, int n)
{
	uint64_t lo = r[0].start / PAGE_SIZE, hi = r[n - 1].end / PAGE_SIZE;
	uint64_t words = (hi - lo + 63) / 64, slots;
	unsigned k;

	for (k = 0; k <= PMM_MAX_ORDER; k++) {
		slots = ((hi - 1) >> k) - (lo >> k) + 1;
		words += (slots + 63) / 64;
		do {
			slots = (slots + 63) / 64;
			words += slots;
		} while (slots > 1);
	}
	return (words * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
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
	/* 0.8 MB of metadata for 5 GiB of span. */
	CHECK(meta_pages(big, 2) == 202);
	CHECK(pmm_total_pages() == pages_in(big, 2) - 202);
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

/*
 * Allocate two order-0 blocks that are buddies.  Pages come lowest first,
 * so at most one odd page is skipped on the way (and stays allocated).
 */
static void
alloc_buddies(uint64_t *a, uint64_t *b)
{
	*a = pmm_alloc(0);
	if (*a / PAGE_SIZE % 2 == 1)
		*a = pmm_alloc(0);
	*b = pmm_alloc(0);
}

static void
test_bad_frees(void)
{
	uint64_t a, b, c, free0;

	CHECK(pmm_init(small, 2, dmap) == 0);
	alloc_buddies(&a, &b);
	free0 = pmm_free_pages() + 2;
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
	alloc_buddies(&a, &b);
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

/*
 * The allocator must not touch memory it has never handed out: under a
 * hypervisor the first touch of a page is what commits host memory to
 * it.  Here all simulated memory is PROT_NONE except the metadata, and a
 * block is opened up only once pmm_alloc has returned it, as a caller
 * would then use it.  Any other access faults and is reported.
 */
static sigjmp_buf touch_jmp;
static volatile uint64_t touch_phys;

static void
touch_fault(int sig, siginfo_t *si, void *uc)
{
	touch_phys = (uint64_t)((uint8_t *)si->si_addr - phys_mem);
	siglongjmp(touch_jmp, 1);
}

/* Let the "caller" use the block pmm_alloc returned at p. */
static void
grant(uint64_t p, unsigned order)
{
	if (p != PMM_NONE && mprotect(virt(p), PAGE_SIZE << order,
	    PROT_READ | PROT_WRITE) != 0)
		abort();
}

/*
 * Run fn with simulated memory closed except the metadata of layout r
 * (which pmm_init puts at the start of r[0]).  Returns the physical
 * address of the first access outside the metadata and the granted
 * blocks, PMM_NONE if there was none, or 0 if mprotect failed.
 */
static uint64_t
untouched_run(const struct mem_range *r, int n, void (*fn)(void))
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = touch_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (mprotect(phys_mem, PHYS_SPAN, PROT_NONE) != 0 ||
	    mprotect(virt(r[0].start), meta_pages(r, n) * PAGE_SIZE,
	    PROT_READ | PROT_WRITE) != 0)
		touch_phys = 0;
	else if (sigaction(SIGSEGV, &sa, &old) == 0) {
		touch_phys = PMM_NONE;
		if (sigsetjmp(touch_jmp, 1) == 0)
			fn();
		sigaction(SIGSEGV, &old, NULL);
	}
	if (mprotect(phys_mem, PHYS_SPAN, PROT_READ | PROT_WRITE) != 0)
		abort();
	return touch_phys;
}

/* A read of a page never handed out: the probe must see it. */
static void
probe_untouched(void)
{
	(void)*(volatile uint64_t *)virt(4 * GiB + 8);
}

/* 5 GiB: only the metadata is written; blocks come from the bottom. */
static void
big_init_untouched(void)
{
	uint64_t first = 1 * MiB + meta_pages(big, 2) * PAGE_SIZE, p;
	int i;

	CHECK(pmm_init(big, 2, dmap) == 0);
	CHECK(pmm_free_pages() == pages_in(big, 2) - meta_pages(big, 2));
	for (i = 0; i < 3; i++)
		grant(pmm_alloc(PMM_MAX_ORDER), PMM_MAX_ORDER);
	for (i = 0; i < 64; i++) {
		p = pmm_alloc(0);
		CHECK(p == first + i * PAGE_SIZE);
		grant(p, 0);
		*(uint64_t *)virt(p) = p;
	}
}

/*
 * Random allocations and frees: pmm_free writes only into the block it
 * is given, pmm_alloc only into blocks that were handed out before.
 */
static void
small_stress_untouched(void)
{
	uint64_t free0, used = 0, p;
	unsigned o;
	int n = 0, i, iter;

	CHECK(pmm_init(small, 2, dmap) == 0);
	free0 = pmm_free_pages();
	srandom(11);
	for (iter = 0; iter < 20000; iter++) {
		if (n > 0 && (random() % 100 < 45 || n == MAX_LIVE)) {
			i = random() % n;
			pmm_free(live[i], live_order[i]);
			used -= 1ull << live_order[i];
			live[i] = live[--n];
			live_order[i] = live_order[n];
			continue;
		}
		o = random() % 8 == 0 ? random() % 11 : random() % 3;
		if ((p = pmm_alloc(o)) == PMM_NONE)
			continue;
		grant(p, o);
		memset(virt(p), 0x5a, PAGE_SIZE << o);
		live[n] = p;
		live_order[n++] = o;
		used += 1ull << o;
		CHECK(pmm_free_pages() == free0 - used);
	}
	while (n-- > 0)
		pmm_free(live[n], live_order[n]);
	CHECK(pmm_free_pages() == free0);
	grant(pmm_alloc(14), 14);
}

static void
test_untouched(void)
{
	uint64_t p;

	CHECK(untouched_run(small, 2, probe_untouched) == 4 * GiB + 8);
	p = untouched_run(big, 2, big_init_untouched);
	if (p != PMM_NONE)
		printf("  touched phys %#llx\n", (unsigned long long)p);
	CHECK(p == PMM_NONE);
	p = untouched_run(small, 2, small_stress_untouched);
	if (p != PMM_NONE)
		printf("  touched phys %#llx\n", (unsigned long long)p);
	CHECK(p == PMM_NONE);
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
	RUN(test_untouched);
	return harness_done();
}
