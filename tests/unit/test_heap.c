/*
 * test_heap.c: kmalloc/kfree on the mock page allocator, including the
 * HEAP_DEBUG checks (double free, bad pointer, red zone, use after free).
 */
#include "kernel/kernel.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#include <stdlib.h>

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = seed + i * 7;
}

static bool
filled(const uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != (uint8_t)(seed + i * 7))
			return false;
	}
	return true;
}

static void
test_size_classes(void)
{
	static const size_t sizes[] = {
		0, 1, 7, 8, 15, 16, 17, 24, 31, 32, 33, 56, 64, 100, 128,
		200, 255, 256, 500, 512, 1000, 1016, 1024, 2000, 2040, 2041,
		2048, 3000, 4072, 4073, 4096, 8192, 10000,
	};
	uint8_t *p[sizeof(sizes) / sizeof(sizes[0])];
	size_t i, total = 0;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = kmalloc(sizes[i]);
		CHECK(p[i] != NULL);
		CHECK((uintptr_t)p[i] % 16 == 0);
		fill(p[i], sizes[i], i);
		total += sizes[i];
		CHECK(kheap_in_use() == total);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		CHECK(filled(p[i], sizes[i], i));
		kfree(p[i]);
	}
	CHECK(kheap_in_use() == 0);
}

static void
test_kzalloc_and_null(void)
{
	uint8_t *p = kmalloc(300), *q;
	size_t i;

	memset(p, 0xff, 300);
	kfree(p);
	q = kzalloc(300);			/* likely the same object */
	CHECK(q != NULL);
	for (i = 0; i < 300; i++)
		CHECK(q[i] == 0);
	kfree(q);
	kfree(NULL);
	CHECK(kheap_in_use() == 0);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	CHECK(kmalloc(SIZE_MAX - 8) == NULL);
	CHECK(kmalloc((size_t)1 << 40) == NULL);
	CHECK(kheap_in_use() == 0);
}

/*
 * Many live allocations of random sizes: every one is 16-byte aligned,
 * none overlaps another (checked after sorting by address), and each
 * keeps its contents until it is freed.
 */
#define NLIVE	3000

struct live {
	uint8_t *p;
	size_t size;
	uint8_t seed;
};

static struct live live[NLIVE];

static int
cmp_live(const void *a, const void *b)
{
	const struct live *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

static size_t
random_size(void)
{
	switch (random() % 10) {
	case 0: return random() % 70000;
	case 1: case 2: return random() % 4096;
	default: return random() % 300;
	}
}

static bool
no_overlap(int n)
{
	struct live sorted[NLIVE];
	int i;

	memcpy(sorted, live, n * sizeof(live[0]));
	qsort(sorted, n, sizeof(sorted[0]), cmp_live);
	for (i = 1; i < n; i++) {
		if (sorted[i - 1].p + sorted[i - 1].size > sorted[i].p)
			return false;
	}
	return true;
}

static void
test_random(void)
{
	size_t in_use = 0;
	int n = 0, iter, i;

	srandom(3);
	for (iter = 0; iter < 60000; iter++) {
		if (n == NLIVE || (n > 0 && random() % 100 < 48)) {
			i = random() % n;
			CHECK(filled(live[i].p, live[i].size, live[i].seed));
			kfree(live[i].p);
			in_use -= live[i].size;
			live[i] = live[--n];
		} else {
			live[n].size = random_size();
			live[n].seed = random();
			live[n].p = kmalloc(live[n].size);
			CHECK(live[n].p != NULL);
			CHECK((uintptr_t)live[n].p % 16 == 0);
			fill(live[n].p, live[n].size, live[n].seed);
			in_use += live[n++].size;
		}
		CHECK(kheap_in_use() == in_use);
		if (iter % 5000 == 0)
			CHECK(no_overlap(n));
	}
	CHECK(no_overlap(n));
	while (n > 0) {
		n--;
		CHECK(filled(live[n].p, live[n].size, live[n].seed));
		kfree(live[n].p);
	}
	CHECK(kheap_in_use() == 0);
	/* At most one cached empty slab per class stays. */
	CHECK(mock_pages_in_use <= 8);
}

static void
test_large(void)
{
	uint64_t pages0 = mock_pages_in_use;
	uint8_t *a = kmalloc(1 << 20), *b = kmalloc(3 * (1 << 20) + 5);

	CHECK(a != NULL && b != NULL);
	CHECK(mock_pages_in_use == pages0 + 512 + 1024);
	fill(a, 1 << 20, 1);
	fill(b, 3 * (1 << 20) + 5, 2);
	CHECK(filled(a, 1 << 20, 1));
	kfree(a);
	CHECK(filled(b, 3 * (1 << 20) + 5, 2));
	kfree(b);
	CHECK(mock_pages_in_use == pages0);
	CHECK(kheap_in_use() == 0);
}

static void
test_out_of_memory(void)
{
	uint64_t limit = mock_pages_limit;
	void *p;

	mock_pages_limit = mock_pages_in_use;
	CHECK(kmalloc(5000) == NULL);
	p = kmalloc(16);			/* a cached slab may serve it */
	kfree(p);
	mock_pages_limit = limit;
	CHECK(kheap_in_use() == 0);
}

static void
test_double_free(void)
{
	uint8_t *a = kmalloc(40), *b = kmalloc(40), *c;

	kfree(a);
	CHECK(EXPECT_PANIC(kfree(a)));
	CHECK(strstr(mock_panic_msg, "double free") != NULL);
	kfree(b);
	/* The slab is now wholly free and kept: still caught. */
	CHECK(EXPECT_PANIC(kfree(b)));
	CHECK(strstr(mock_panic_msg, "double free") != NULL);
	c = kmalloc(3000);
	kfree(c);
	CHECK(kheap_in_use() == 0);
}

static void
test_bad_pointer(void)
{
	uint8_t *p = kmalloc(64), *big = kmalloc(10000);
	uint8_t *page = aligned_alloc(4096, 4096);

	memset(page, 0, 4096);
	CHECK(EXPECT_PANIC(kfree(p + 16)));
	CHECK(strstr(mock_panic_msg, "not an object") != NULL);
	CHECK(EXPECT_PANIC(kfree(p + 1)));
	CHECK(strstr(mock_panic_msg, "misaligned") != NULL);
	CHECK(EXPECT_PANIC(kfree(page + 64)));
	CHECK(strstr(mock_panic_msg, "not an address kmalloc returned") !=
	    NULL);
	CHECK(EXPECT_PANIC(kfree(big + 4096)));
	CHECK(EXPECT_PANIC(kfree(big + 4080)));	/* its second page */
	CHECK(EXPECT_PANIC(kfree(big - 16)));	/* its header */
	kfree(p);
	kfree(big);
	free(page);
	CHECK(kheap_in_use() == 0);
}

static void
test_overflow(void)
{
	uint8_t *p = kmalloc(20), *q = kmalloc(5000), *r = kmalloc(32);
	uint8_t saved;

	p[20] = 'x';
	CHECK(EXPECT_PANIC(kfree(p)));
	CHECK(strstr(mock_panic_msg, "overflow") != NULL);
	CHECK(strstr(mock_panic_msg, "offset 20") != NULL);
	p[20] = 0xcb;			/* the canary: now it frees */
	kfree(p);
	saved = q[5003];
	q[5003] = saved ^ 1;
	CHECK(EXPECT_PANIC(kfree(q)));
	CHECK(strstr(mock_panic_msg, "overflow") != NULL);
	q[5003] = saved;
	kfree(q);
	r[32] = 0;			/* 32 bytes live in a 64 slot */
	CHECK(EXPECT_PANIC(kfree(r)));
	r[32] = 0xcb;
	kfree(r);
	CHECK(kheap_in_use() == 0);
}

static void
test_use_after_free(void)
{
	uint8_t *keep = kmalloc(100), *p = kmalloc(100), *q;

	kfree(p);
	p[50] = 1;				/* write after free */
	CHECK(EXPECT_PANIC(q = kmalloc(100)));
	CHECK(strstr(mock_panic_msg, "written after free") != NULL);
	p[50] = 0x6b;			/* the poison again */
	q = kmalloc(100);
	CHECK(q == p);
	kfree(q);
	kfree(keep);
	CHECK(kheap_in_use() == 0);
}

int
main(void)
{
	harness_begin("heap");
	RUN(test_size_classes);
	RUN(test_kzalloc_and_null);
	RUN(test_random);
	RUN(test_large);
	RUN(test_out_of_memory);
	RUN(test_double_free);
	RUN(test_bad_pointer);
	RUN(test_overflow);
	RUN(test_use_after_free);
	return harness_done();
}
