/*
 * test_memmap.c: memmap_usable() on hand-written firmware maps, then on
 * thousands of random ones against a brute-force reference.
 */
#include "platform/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#include <stdlib.h>

#define KiB	1024ull
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)

#define U	BOOT_MEM_USABLE
#define R	BOOT_MEM_RESERVED
#define A	BOOT_MEM_ACPI_RECLAIM

static struct mem_range out[MEMMAP_MAX_RANGES];
static struct memmap_report rep;

static int
run(const struct boot_mem_region *map, uint32_t n,
    const struct mem_range *ex, int nex)
{
	return memmap_usable(map, n, ex, nex, out, MEMMAP_MAX_RANGES, &rep);
}

/* Does out[0..n) equal the expected ranges (pairs of start, end)? */
static bool
same(int n, const uint64_t *want, int nwant)
{
	int i;

	if (n != nwant)
		return false;
	for (i = 0; i < n; i++) {
		if (out[i].start != want[2 * i] ||
		    out[i].end != want[2 * i + 1])
			return false;
	}
	return true;
}

/* A typical QEMU E820 map with 128 MiB. */
static const struct boot_mem_region e820[] = {
	{ 0, 0x9fc00, U, 0 },
	{ 0x9fc00, 0x400, R, 0 },
	{ 0xf0000, 0x10000, R, 0 },
	{ 0x100000, 0x7ee0000, U, 0 },
	{ 0x7fe0000, 0x20000, R, 0 },
	{ 0xfffc0000, 0x40000, R, 0 },
};

static void
test_sorted(void)
{
	static const uint64_t want[] = { 0, 0x9f000, 0x100000, 0x7fe0000 };
	int n = run(e820, 6, NULL, 0);

	CHECK(same(n, want, 2));
	CHECK(rep.unaligned == 1);
	CHECK(rep.overlaps == 0 && rep.zero_length == 0 && rep.wrapped == 0);
	CHECK(rep.usable_bytes == 0x9f000 + 0x7ee0000);
}

static void
test_unsorted(void)
{
	static const uint64_t want[] = { 0, 0x9f000, 0x100000, 0x7fe0000 };
	struct boot_mem_region m[6];
	int i, n;

	for (i = 0; i < 6; i++)
		m[i] = e820[(i * 5 + 3) % 6];
	n = run(m, 6, NULL, 0);
	CHECK(same(n, want, 2));
}

static void
test_overlap_both_orders(void)
{
	static const struct boot_mem_region a[] = {
		{ 1 * MiB, 15 * MiB, U, 0 },
		{ 4 * MiB + 100, 1 * MiB - 200, R, 0 },
	};
	static const struct boot_mem_region b[] = { a[1], a[0] };
	static const uint64_t want[] = { 1 * MiB, 4 * MiB, 5 * MiB, 16 * MiB };

	CHECK(same(run(a, 2, NULL, 0), want, 2));
	CHECK(rep.overlaps == 1);
	CHECK(same(run(b, 2, NULL, 0), want, 2));
	CHECK(rep.overlaps == 1);
}

static void
test_reserved_covers_usable(void)
{
	static const struct boot_mem_region m[] = {
		{ 2 * MiB, 1 * MiB, U, 0 },
		{ 1 * MiB, 4 * MiB, A, 0 },
		{ 8 * MiB, 1 * MiB, U, 0 },
		{ 8 * MiB, 1 * MiB, U, 0 },	/* duplicate */
		{ 8 * MiB + 512 * KiB, 1 * MiB, 9, 0 },	/* unknown */
	};
	static const uint64_t want[] = { 8 * MiB, 8 * MiB + 512 * KiB };

	CHECK(same(run(m, 5, NULL, 0), want, 1));
	CHECK(rep.overlaps == 3);
}

static void
test_zero_length(void)
{
	static const struct boot_mem_region m[] = {
		{ 1 * MiB, 0, U, 0 },
		{ 2 * MiB, 2 * MiB, U, 0 },
		{ 3 * MiB, 0, R, 0 },
	};
	static const uint64_t want[] = { 2 * MiB, 4 * MiB };

	CHECK(same(run(m, 3, NULL, 0), want, 1));
	CHECK(rep.zero_length == 2 && rep.overlaps == 0);
}

static void
test_unaligned(void)
{
	static const struct boot_mem_region m[] = {
		{ 0x1234, 0x5678 - 0x1234, U, 0 },
		{ 0x10100, 0x800, U, 0 },	/* no whole page */
		/* Adjacent at an unaligned point: merged, nothing lost. */
		{ 1 * MiB, 1 * MiB + 0x800, U, 0 },
		{ 2 * MiB + 0x800, 1 * MiB - 0x800, U, 0 },
	};
	static const uint64_t want[] = { 0x2000, 0x5000, 1 * MiB, 3 * MiB };

	CHECK(same(run(m, 4, NULL, 0), want, 2));
	CHECK(rep.unaligned == 4);
}

static void
test_wrapping(void)
{
	static const struct boot_mem_region m[] = {
		{ 0xfffffffffffff000ull, 0x2000, U, 0 },
		{ PHYS_ADDR_MAX - 2 * PAGE_SIZE, ~0ull, U, 0 },
		{ 16 * MiB, ~0ull - 8 * MiB, U, 0 },
		{ 32 * MiB, ~0ull, R, 0 },
	};
	static const uint64_t want[] = {
		16 * MiB, 32 * MiB,
	};

	CHECK(same(run(m, 4, NULL, 0), want, 1));
	CHECK(rep.wrapped == 4);
	CHECK(same(run(m, 3, NULL, 0), (const uint64_t []){ 16 * MiB,
	    PHYS_ADDR_MAX }, 1));
	CHECK(rep.usable_bytes == PHYS_ADDR_MAX - 16 * MiB);
}

static void
test_above_4g(void)
{
	static const struct boot_mem_region m[] = {
		{ 4 * GiB, 4 * GiB, U, 0 },
		{ 1 * MiB, 3 * GiB - 1 * MiB, U, 0 },
		{ 3 * GiB, 1 * GiB, R, 0 },
		{ 1ull << 40, 1ull << 30, U, 0 },
	};
	static const uint64_t want[] = {
		1 * MiB, 3 * GiB, 4 * GiB, 8 * GiB,
		1ull << 40, (1ull << 40) + (1ull << 30),
	};

	CHECK(same(run(m, 4, NULL, 0), want, 3));
	CHECK(rep.usable_bytes == 3 * GiB - 1 * MiB + 4 * GiB + GiB);
}

static void
test_exclusions(void)
{
	static const struct mem_range ex[] = {
		{ 0, 1 * MiB },			/* real mode area */
		{ 2 * MiB, 2 * MiB + 0x12345 },	/* kernel image */
		{ 10 * MiB, 10 * MiB },		/* empty: ignored */
		{ 20 * MiB, 19 * MiB },		/* inverted: ignored */
		{ 63 * MiB, 80 * MiB },		/* past the end */
	};
	static const uint64_t want[] = {
		1 * MiB, 2 * MiB, 2 * MiB + 0x13000, 63 * MiB,
	};
	static const struct boot_mem_region m[] = {
		{ 0, 0x9fc00, U, 0 },
		{ 1 * MiB, 63 * MiB, U, 0 },
	};

	CHECK(same(run(m, 2, ex, 5), want, 2));
	CHECK(rep.overlaps == 0);
}

static void
test_count_clamped(void)
{
	static struct boot_mem_region m[300];
	int i, n;

	/* 256 pages two pages apart, then 44 that must be ignored. */
	for (i = 0; i < 300; i++) {
		m[i].base = (uint64_t)i * 2 * PAGE_SIZE;
		m[i].len = PAGE_SIZE;
		m[i].type = U;
		if (i >= 256)
			m[i].base += 1 * GiB;
	}
	n = run(m, 300, NULL, 0);
	CHECK(n == 256);
	CHECK(rep.clamped_count == 44);
	CHECK(out[255].start == 510 * PAGE_SIZE);
	CHECK(rep.usable_bytes == 256 * PAGE_SIZE);
}

static void
test_out_too_small(void)
{
	static const struct boot_mem_region m[] = {
		{ 50 * MiB, 1 * MiB, U, 0 }, { 10 * MiB, 1 * MiB, U, 0 },
		{ 40 * MiB, 1 * MiB, U, 0 }, { 20 * MiB, 1 * MiB, U, 0 },
		{ 30 * MiB, 1 * MiB, U, 0 },
	};
	static const uint64_t want[] = {
		10 * MiB, 11 * MiB, 20 * MiB, 21 * MiB, 30 * MiB, 31 * MiB,
	};
	struct mem_range small[3];
	int n;

	n = memmap_usable(m, 5, NULL, 0, small, 3, &rep);
	memcpy(out, small, sizeof(small));
	CHECK(same(n, want, 3));
	CHECK(rep.dropped == 2 && rep.usable_bytes == 3 * MiB);
	CHECK(memmap_usable(m, 5, NULL, 0, small, 0, &rep) == 0);
	CHECK(rep.dropped == 5 && rep.usable_bytes == 0);
	CHECK(memmap_usable(m, 5, NULL, 0, NULL, 4, &rep) == 0);
	CHECK(memmap_usable(m, 5, NULL, 0, small, 3, NULL) == 3);
}

static void
test_all_reserved(void)
{
	static const struct boot_mem_region m[] = {
		{ 0, 1 * GiB, R, 0 }, { 1 * GiB, 1 * GiB, A, 0 },
		{ 2 * GiB, 1 * GiB, BOOT_MEM_UNACCEPTED, 0 },
	};

	CHECK(run(m, 3, NULL, 0) == 0);
	CHECK(rep.usable_bytes == 0);
	CHECK(run(NULL, 0, NULL, 0) == 0);
	CHECK(run(m, 0, NULL, 0) == 0);
}

static void
test_many_entries(void)
{
	static struct boot_mem_region m[BOOT_MMAP_MAX];
	int i, n;

	/* Alternating usable and reserved pages, the reserved listed first. */
	for (i = 0; i < BOOT_MMAP_MAX; i++) {
		m[i].base = 1 * MiB + (uint64_t)(BOOT_MMAP_MAX - 1 - i) *
		    PAGE_SIZE;
		m[i].len = PAGE_SIZE;
		m[i].type = (BOOT_MMAP_MAX - 1 - i) % 2 ? R : U;
	}
	n = run(m, BOOT_MMAP_MAX, NULL, 0);
	CHECK(n == BOOT_MMAP_MAX / 2);
	for (i = 0; i < n; i++)
		CHECK(out[i].start == 1 * MiB + 2 * (uint64_t)i * PAGE_SIZE &&
		    out[i].end == out[i].start + PAGE_SIZE);
}

/*
 * The random maps start in a window of WIN_PAGES pages at base and reach
 * at most as far again (or wrap, in the window just below PHYS_ADDR_MAX).
 * Every boundary is on a GRAN-byte grid, finer than a page, so the
 * reference can decide usability per granule.
 */
#define WIN_PAGES	64
#define REF_PAGES	(2 * WIN_PAGES)
#define GRAN		512
#define GPP		(PAGE_SIZE / GRAN)	/* granules per page */
#define NGRAN		(WIN_PAGES * GPP)
#define TOP_BASE	(PHYS_ADDR_MAX - WIN_PAGES * PAGE_SIZE)

struct rcase {
	uint64_t base;
	struct boot_mem_region m[16];
	int n;
	struct mem_range ex[4];
	int nex;
	int max;
};

static uint64_t
rnd(uint64_t n)
{
	return ((uint64_t)random() << 31 ^ random()) % n;
}

static void
random_case(struct rcase *c)
{
	static const uint64_t bases[] = { 0, 4 * GiB - 32 * PAGE_SIZE,
	    TOP_BASE };
	static const uint32_t types[] = { U, U, U, R, A, BOOT_MEM_BAD, 42 };
	int i;

	c->base = bases[rnd(3)];
	c->n = rnd(13);
	for (i = 0; i < c->n; i++) {
		c->m[i].base = c->base + rnd(NGRAN) * GRAN;
		c->m[i].len = rnd(5) == 0 ? 0 :
		    (1 + rnd(NGRAN / (1 + rnd(8)))) * GRAN;
		if (c->base == TOP_BASE && rnd(6) == 0)
			c->m[i].len = ~0ull - rnd(1000) * GRAN;
		c->m[i].type = types[rnd(7)];
	}
	c->nex = rnd(4);
	for (i = 0; i < c->nex; i++) {
		c->ex[i].start = c->base + rnd(NGRAN) * GRAN;
		c->ex[i].end = c->ex[i].start + rnd(NGRAN / 4) * GRAN;
	}
	c->max = 1 + rnd(8);
}

static uint64_t
ref_end(const struct boot_mem_region *e)
{
	return e->len > PHYS_ADDR_MAX - e->base ? PHYS_ADDR_MAX :
	    e->base + e->len;
}

/* Is the granule at address a usable by the definition in internal.h? */
static bool
ref_granule(const struct rcase *c, uint64_t a)
{
	bool usable = false;
	int i;

	for (i = 0; i < c->n; i++) {
		if (a < c->m[i].base || a >= ref_end(&c->m[i]))
			continue;
		if (c->m[i].type != U)
			return false;
		usable = true;
	}
	for (i = 0; i < c->nex; i++) {
		if (a >= c->ex[i].start && a < c->ex[i].end)
			return false;
	}
	return usable;
}

/* Build the expected ranges page by page; returns the range count. */
static int
ref_ranges(const struct rcase *c, struct mem_range *want)
{
	uint64_t page;
	int p, g, n = 0;
	bool ok, prev = false;

	for (p = 0; p < REF_PAGES; p++) {
		page = c->base + p * PAGE_SIZE;
		if (page >= PHYS_ADDR_MAX)
			break;
		ok = true;
		for (g = 0; g < (int)GPP; g++)
			ok = ok && ref_granule(c, page + g * GRAN);
		if (ok && !prev)
			want[n++].start = page;
		if (ok)
			want[n - 1].end = page + PAGE_SIZE;
		prev = ok;
	}
	return n;
}

/* The report's counters, recomputed. */
static void
ref_report(const struct rcase *c, struct memmap_report *r)
{
	const struct boot_mem_region *e, *o;
	int i, j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < c->n; i++) {
		e = &c->m[i];
		r->zero_length += e->len == 0;
		if (e->len == 0)
			continue;
		r->wrapped += ref_end(e) != e->base + e->len ||
		    e->base + e->len < e->base;
		if (e->type != U)
			continue;
		r->unaligned += ((e->base | ref_end(e)) % PAGE_SIZE) != 0;
		for (j = 0; j < c->n; j++) {
			o = &c->m[j];
			if (o->type != U && o->len != 0 &&
			    o->base < ref_end(e) && e->base < ref_end(o)) {
				r->overlaps++;
				break;
			}
		}
	}
}

static void
test_random_vs_reference(void)
{
	struct mem_range want[REF_PAGES];
	struct memmap_report wr;
	struct rcase c;
	uint64_t bytes;
	int iter, i, n, nwant;

	srandom(1);
	for (iter = 0; iter < 5000; iter++) {
		random_case(&c);
		nwant = ref_ranges(&c, want);
		ref_report(&c, &wr);
		n = memmap_usable(c.m, c.n, c.ex, c.nex, out, c.max, &rep);
		CHECK(n == (nwant < c.max ? nwant : c.max));
		CHECK((int)rep.dropped == nwant - n);
		bytes = 0;
		for (i = 0; i < n; i++) {
			CHECK(out[i].start == want[i].start);
			CHECK(out[i].end == want[i].end);
			bytes += want[i].end - want[i].start;
		}
		CHECK(rep.usable_bytes == bytes);
		CHECK(rep.zero_length == wr.zero_length);
		CHECK(rep.wrapped == wr.wrapped);
		CHECK(rep.unaligned == wr.unaligned);
		CHECK(rep.overlaps == wr.overlaps);
	}
}

int
main(void)
{
	harness_begin("memmap");
	RUN(test_sorted);
	RUN(test_unsorted);
	RUN(test_overlap_both_orders);
	RUN(test_reserved_covers_usable);
	RUN(test_zero_length);
	RUN(test_unaligned);
	RUN(test_wrapping);
	RUN(test_above_4g);
	RUN(test_exclusions);
	RUN(test_count_clamped);
	RUN(test_out_too_small);
	RUN(test_all_reserved);
	RUN(test_many_entries);
	RUN(test_random_vs_reference);
	return harness_done();
}
