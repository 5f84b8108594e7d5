/*
 * malloc: a larger libc heap workload, which reaches the kernel through
 * brk, mmap, munmap, madvise and mremap the way each libc chooses.  20000
 * allocations of 1 byte to 1.1 MiB in a fixed pseudo-random order, each
 * block tagged and checked before it is freed; realloc growth to 38 MiB and
 * back down; calloc zeroing after reuse; aligned allocation.  Peak use
 * stays near 64 MiB so the test fits a small VM.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

#define SLOTS	1024

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t
pick_size(void)
{
	uint64_t r = next();

	switch (r % 32) {
	case 0:
		return 128 * 1024 + r % (1u << 20);	/* mmap territory */
	case 1: case 2: case 3:
		return 4096 + r % 65536;
	default:
		return 1 + r % 512;
	}
}

/*
 * Blocks hold pattern(i, tag) at every 61st byte and at the last byte, so
 * filling and checking stay cheap even for megabytes (TCG is slow).
 */
static unsigned char
pattern(size_t i, unsigned tag)
{
	return (unsigned char)(tag * 31 + i * 7 + (i >> 12));
}

static void
fill(unsigned char *p, size_t len, unsigned tag)
{
	for (size_t i = 0; i < len; i += 61)
		p[i] = pattern(i, tag);
	p[len - 1] = pattern(len - 1, tag);
}

/* Check the first n bytes of a block filled with fill(p, len, tag). */
static int
verify(const unsigned char *p, size_t n, size_t len, unsigned tag)
{
	for (size_t i = 0; i < n; i += 61)
		if (p[i] != pattern(i, tag))
			return 0;
	return n < len || p[len - 1] == pattern(len - 1, tag);
}

static void
test_churn(void)
{
	static unsigned char *ptr[SLOTS];
	static size_t len[SLOTS];
	unsigned long ops = 0, bad = 0, sum = 0;

	for (int round = 0; round < 20000; round++) {
		int s = next() % SLOTS;

		if (ptr[s] != NULL) {
			bad += !verify(ptr[s], len[s], len[s], s);
			free(ptr[s]);
		}
		len[s] = pick_size();
		ptr[s] = malloc(len[s]);
		if (ptr[s] == NULL) {
			bad++;
			continue;
		}
		bad += ((uintptr_t)ptr[s] & 15) != 0;
		fill(ptr[s], len[s], s);
		sum += len[s];
		ops++;
	}
	for (int s = 0; s < SLOTS; s++) {
		if (ptr[s] != NULL) {
			bad += !verify(ptr[s], len[s], len[s], s);
			free(ptr[s]);
		}
	}
	out("churn: %lu allocations, %lu MiB in total\n", ops, sum >> 20);
	check("churn: every block 16-byte aligned and intact", bad == 0);
}

static void
test_realloc(void)
{
	size_t n = 16, steps = 0;
	unsigned char *p = malloc(n), *q;
	int ok = p != NULL;

	if (ok)
		fill(p, n, 7);
	while (ok && n < (32u << 20)) {
		size_t m = n + n / 2 + 13;

		q = realloc(p, m);
		ok = q != NULL && verify(q, n, n, 7);
		if (q == NULL)
			break;
		p = q;
		n = m;
		fill(p, n, 7);
		steps++;
	}
	out("realloc: %zu steps up to %zu MiB\n", steps, n >> 20);
	check("realloc growth keeps contents", ok);
	while (ok && n > 100) {
		size_t m = n / 3;

		q = realloc(p, m);
		ok = q != NULL && verify(q, m, n, 7);
		if (q != NULL)
			p = q;
		n = m;
	}
	check("realloc shrinking keeps contents", ok);
	free(p);
}

static void
test_calloc_aligned(void)
{
	volatile size_t huge = SIZE_MAX;	/* hidden from the compiler */
	int ok = 1;

	for (int i = 0; i < 50 && ok; i++) {
		size_t n = 1 + next() % (1u << 20);
		unsigned char *p = malloc(n);

		memset(p, 0xee, n);
		free(p);
		p = calloc(n, 1);
		for (size_t j = 0; p != NULL && j < n; j += 97)
			ok &= p[j] == 0;
		ok &= p != NULL && p[n - 1] == 0;
		free(p);
	}
	check("calloc returns zeroed memory after reuse", ok);
	ok = 1;
	for (size_t align = 16; align <= (1u << 20); align *= 4) {
		void *p = NULL;

		ok &= posix_memalign(&p, align, 1000) == 0 &&
		    ((uintptr_t)p & (align - 1)) == 0;
		free(p);
		p = aligned_alloc(align, align * 2);
		ok &= p != NULL && ((uintptr_t)p & (align - 1)) == 0;
		free(p);
	}
	check("posix_memalign and aligned_alloc up to 1 MiB", ok);
	check("calloc overflow refused", calloc(huge / 2, 3) == NULL);
	check("malloc(SIZE_MAX) refused", malloc(huge) == NULL);
}

int
main(void)
{
	test_churn();
	test_realloc();
	test_calloc_aligned();
	return finish();
}
