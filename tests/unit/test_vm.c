/*
 * kernel/vm.c against the host model of the address space: Linux's
 * argument rules, splitting and merging, demand paging, mremap, brk, and
 * a randomized comparison with a page-by-page reference model.
 */
#include <stdlib.h>

#include "kernel/kernel.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/mock_user.h"

#define RW	(PROT_READ | PROT_WRITE)
#define BASE	0x100000000ull

static void
fresh(void)
{
	static const struct plat_upcalls up = {
		.demand_fault = vm_demand_fault,
	};

	mock_user_reset();
	vm_reset();
	vm_set_layout(0x600000, 0x7f0000000000ull);
	plat_set_upcalls(&up);
}

static void
test_mmap_args(void)
{
	fresh();
	CHECK(vm_mmap(0, 0, RW, 0) == -EINVAL);
	CHECK(vm_mmap(0, 4096, 8, 0) == -EINVAL);
	CHECK(vm_mmap(0, 4096, PROT_WRITE | PROT_EXEC, 0) == -EACCES);
	CHECK(vm_mmap(BASE + 1, 4096, RW, VM_FIXED) == -EINVAL);
	CHECK(vm_mmap(0x1000, 4096, RW, VM_FIXED) == -EPERM);
	CHECK(vm_mmap(USER_MAX, 4096, RW, VM_FIXED) == -ENOMEM);
	CHECK(vm_mmap(0, 1ull << 46, RW, 0) == -ENOMEM);	/* > RAM */
	CHECK(vm_mmap(0, ~0ull, RW, 0) == -ENOMEM);
	CHECK(vm_region_count() == 0);
}

static void
test_mmap_topdown_and_hint(void)
{
	long a, b, h;

	fresh();
	a = vm_mmap(0, 8192, RW, 0);
	b = vm_mmap(0, 4096, RW, 0);
	CHECK(a > 0 && b > 0);
	CHECK((uint64_t)a + 8192 <= 0x7f0000000000ull);
	CHECK(b + 4096 == a);			/* top-down, adjacent */
	CHECK(vm_region_count() == 1);		/* merged */
	h = vm_mmap(BASE, 4096, RW, 0);
	CHECK(h == (long)BASE);			/* free hint is taken */
	h = vm_mmap(BASE, 4096, RW, 0);
	CHECK(h > 0 && h != (long)BASE);	/* busy hint is not */
}

static void
test_fixed_and_noreplace(void)
{
	unsigned prot;

	fresh();
	CHECK(vm_mmap(BASE, 4 * 4096, RW, VM_FIXED) == (long)BASE);
	CHECK(vm_demand_fault(BASE + 4096, true, false) == 0);
	CHECK(mock_user_mapped(BASE + 4096, &prot) && prot == RW);
	CHECK(vm_mmap(BASE + 4096, 4096, PROT_READ, VM_FIXED_NOREPLACE) ==
	    -EEXIST);
	CHECK(vm_mmap(BASE + 4096, 4096, PROT_READ, VM_FIXED) ==
	    (long)(BASE + 4096));
	CHECK(!mock_user_mapped(BASE + 4096, NULL));	/* old page gone */
	CHECK(vm_region_count() == 3);
	CHECK(vm_find(BASE + 4096)->prot == PROT_READ);
}

static void
test_munmap_split(void)
{
	fresh();
	CHECK(vm_mmap(BASE, 3 * 4096, RW, VM_FIXED) == (long)BASE);
	CHECK(vm_munmap(BASE + 1, 4096) == -EINVAL);
	CHECK(vm_munmap(BASE, 0) == -EINVAL);
	CHECK(vm_munmap(USER_MAX, 4096) == -EINVAL);
	CHECK(vm_munmap(BASE + 4096, 4096) == 0);
	CHECK(vm_region_count() == 2);
	CHECK(vm_find(BASE + 4096) == NULL);
	CHECK(vm_munmap(BASE + 100 * 4096, 4096) == 0);	/* nothing there */
}

static void
test_mprotect(void)
{
	fresh();
	CHECK(vm_mmap(BASE, 4 * 4096, RW, VM_FIXED) == (long)BASE);
	CHECK(vm_mprotect(BASE + 1, 4096, PROT_READ) == -EINVAL);
	CHECK(vm_mprotect(BASE, 0, PROT_READ) == 0);
	CHECK(vm_mprotect(BASE, 5 * 4096, PROT_READ) == -ENOMEM);
	CHECK(vm_mprotect(BASE, 4096, PROT_WRITE | PROT_EXEC) == -EACCES);
	CHECK(vm_demand_fault(BASE + 4096, true, false) == 0);
	CHECK(vm_mprotect(BASE + 4096, 2 * 4096, PROT_READ) == 0);
	CHECK(vm_region_count() == 3);
	CHECK(vm_demand_fault(BASE + 8192, true, false) == -EFAULT);
	CHECK(vm_demand_fault(BASE + 8192, false, false) == 0);
	CHECK(vm_mprotect(BASE + 4096, 2 * 4096, RW) == 0);
	CHECK(vm_region_count() == 1);			/* merged back */
	CHECK(vm_mprotect(BASE, 4096, PROT_NONE) == 0);
	CHECK(vm_demand_fault(BASE, false, false) == -EFAULT);
}

/* PROT_NONE hides a page's contents; making it accessible shows them. */
/* The vDSO's data page never becomes writable; neither is dropped. */
static void
test_vdso_regions(void)
{
	long va;

	fresh();
	va = vm_place(2 * PAGE_SIZE);
	CHECK(va > 0 && vm_add(va, va + PAGE_SIZE, PROT_READ, VMR_VVAR) == 0);
	CHECK(vm_add(va + PAGE_SIZE, va + 2 * PAGE_SIZE,
	    PROT_READ | PROT_EXEC, VMR_VDSO) == 0);
	CHECK(vm_region_count() == 2);
	CHECK(vm_mprotect(va, PAGE_SIZE, RW) == -EACCES);
	CHECK(vm_mprotect(va, 2 * PAGE_SIZE, PROT_WRITE) == -EACCES);
	CHECK(vm_find(va)->prot == PROT_READ);
	CHECK(vm_mprotect(va, PAGE_SIZE, PROT_NONE) == 0);
	CHECK(vm_mprotect(va, PAGE_SIZE, PROT_READ) == 0);
	CHECK(vm_madvise_dontneed(va, PAGE_SIZE) == -EINVAL);
	CHECK(vm_madvise_dontneed(va + PAGE_SIZE, PAGE_SIZE) == -EINVAL);
	CHECK(vm_mprotect(va + PAGE_SIZE, PAGE_SIZE, RW) == 0);	/* as Linux */
	CHECK(vm_place(2 * PAGE_SIZE) == va - 2 * (long)PAGE_SIZE);
	CHECK(vm_munmap(va, 2 * PAGE_SIZE) == 0 && vm_region_count() == 0);
}

static void
test_prot_none_keeps_data(void)
{
	uint8_t b = 0x77, r = 0;

	fresh();
	CHECK(vm_mmap(BASE, 4096, RW, VM_FIXED) == (long)BASE);
	CHECK(plat_copy_to_user(BASE + 5, &b, 1) == 0);
	CHECK(vm_mprotect(BASE, 4096, PROT_NONE) == 0);
	CHECK(plat_copy_from_user(&r, BASE + 5, 1) == -EFAULT);
	CHECK(vm_mprotect(BASE, 4096, PROT_READ) == 0);
	CHECK(plat_copy_from_user(&r, BASE + 5, 1) == 0 && r == 0x77);
}

static void
test_overcommit(void)
{
	fresh();
	/* Larger than all RAM: refused, unless MAP_NORESERVE. */
	CHECK(vm_mmap(0, 1ull << 40, RW, 0) == -ENOMEM);
	CHECK(vm_mmap(0, 1ull << 40, RW, VM_NORESERVE) > 0);
	CHECK(vm_mmap(0, 1ull << 40, PROT_NONE, 0) > 0);
	CHECK(vm_mmap(BASE, 4096, RW, VM_FIXED) == (long)BASE);
	CHECK(vm_mremap(BASE, 4096, 1ull << 40, VM_MREMAP_MAYMOVE, 0) ==
	    -ENOMEM);
}

static void
test_demand_zero_and_dontneed(void)
{
	uint8_t b = 0x5a, r = 1;

	fresh();
	CHECK(vm_mmap(BASE, 2 * 4096, RW, VM_FIXED) == (long)BASE);
	CHECK(plat_copy_from_user(&r, BASE + 10, 1) == 0 && r == 0);
	CHECK(plat_copy_to_user(BASE + 10, &b, 1) == 0);
	CHECK(plat_copy_from_user(&r, BASE + 10, 1) == 0 && r == 0x5a);
	CHECK(vm_madvise_dontneed(BASE, 4096) == 0);
	CHECK(plat_copy_from_user(&r, BASE + 10, 1) == 0 && r == 0);
	CHECK(vm_madvise_dontneed(BASE + 8 * 4096, 4096) == -ENOMEM);
	CHECK(plat_copy_from_user(&r, BASE + 2 * 4096, 1) == -EFAULT);
	CHECK(vm_demand_fault(BASE, false, true) == -EFAULT);	/* no X */
}

static void
test_mremap(void)
{
	uint8_t b = 7, r = 0;
	long n;

	fresh();
	CHECK(vm_mmap(BASE, 2 * 4096, RW, VM_FIXED) == (long)BASE);
	CHECK(plat_copy_to_user(BASE + 4096, &b, 1) == 0);
	CHECK(vm_mremap(BASE + 1, 4096, 8192, 0, 0) == -EINVAL);
	CHECK(vm_mremap(BASE, 4096, 8192, 8, 0) == -EINVAL);
	CHECK(vm_mremap(BASE + 0x100000, 4096, 8192, 0, 0) == -EFAULT);
	CHECK(vm_mremap(BASE, 2 * 4096, 4 * 4096, 0, 0) == (long)BASE);
	CHECK(vm_find(BASE + 3 * 4096) != NULL);		/* grown in place */
	CHECK(vm_mmap(BASE + 4 * 4096, 4096, RW, VM_FIXED) > 0);
	CHECK(vm_mremap(BASE, 4 * 4096, 8 * 4096, 0, 0) == -ENOMEM);
	n = vm_mremap(BASE, 4 * 4096, 8 * 4096, VM_MREMAP_MAYMOVE, 0);
	CHECK(n > 0 && n != (long)BASE);
	CHECK(plat_copy_from_user(&r, (uint64_t)n + 4096, 1) == 0 && r == 7);
	CHECK(vm_find(BASE) == NULL);
	CHECK(vm_mremap((uint64_t)n, 8 * 4096, 4096, 0, 0) == n);
	CHECK(vm_find((uint64_t)n + 4096) == NULL);		/* shrunk */
	CHECK(vm_mremap((uint64_t)n, 4096, 4096,
	    VM_MREMAP_MAYMOVE | VM_MREMAP_FIXED, BASE + 64 * 4096) ==
	    (long)(BASE + 64 * 4096));
	CHECK(vm_mremap(BASE + 64 * 4096, 4096, 4096, VM_MREMAP_FIXED,
	    BASE) == -EINVAL);
}

static void
test_brk(void)
{
	uint8_t b = 1;

	fresh();
	CHECK(vm_brk(0) == 0x600000);
	CHECK(vm_brk(0x500000) == 0x600000);		/* below start */
	CHECK(vm_brk(0x600000 + 10000) == 0x600000 + 10000);
	CHECK(plat_copy_to_user(0x600000 + 9000, &b, 1) == 0);
	CHECK(vm_brk(0x600000 + 100) == 0x600000 + 100);
	CHECK(plat_copy_to_user(0x600000 + 9000, &b, 1) == -EFAULT);
	CHECK(vm_mmap(0x700000, 4096, RW, VM_FIXED) > 0);
	CHECK(vm_brk(0x800000) == 0x600000 + 100);	/* blocked */
}

/* Random operations against a reference: prot per page, -1 = none. */
static void
test_random_model(void)
{
	enum { PAGES = 64 };
	int ref[PAGES];

	fresh();
	srand(42);
	for (int i = 0; i < PAGES; i++)
		ref[i] = -1;
	for (int step = 0; step < 20000; step++) {
		int p = rand() % PAGES, n = 1 + rand() % 8, op = rand() % 3;
		unsigned prot = (unsigned)(rand() % 4);	/* none, R, W, RW */
		uint64_t a = BASE + (uint64_t)p * 4096;

		if (p + n > PAGES)
			n = PAGES - p;
		if (op == 0 && vm_mmap(a, (uint64_t)n * 4096, prot, VM_FIXED)
		    == (long)a)
			for (int i = p; i < p + n; i++)
				ref[i] = (int)prot;
		if (op == 1 && vm_munmap(a, (uint64_t)n * 4096) == 0)
			for (int i = p; i < p + n; i++)
				ref[i] = -1;
		if (op == 2) {
			int hole = 0;

			for (int i = p; i < p + n; i++)
				hole |= ref[i] < 0;
			CHECK(vm_mprotect(a, (uint64_t)n * 4096, prot) ==
			    (hole ? -ENOMEM : 0));
			if (!hole)
				for (int i = p; i < p + n; i++)
					ref[i] = (int)prot;
		}
		for (int i = 0; i < PAGES; i++) {
			const struct vm_region *r = vm_find(BASE + i * 4096ull);

			CHECK((r == NULL) == (ref[i] < 0));
			CHECK(r == NULL || r->prot == (unsigned)ref[i]);
		}
	}
	for (int i = 1; i < vm_region_count(); i++) {
		const struct vm_region *a = vm_region_at(i - 1);
		const struct vm_region *b = vm_region_at(i);

		CHECK(a->end <= b->start);
		CHECK(a->end != b->start || a->prot != b->prot ||
		    a->kind != b->kind);		/* fully merged */
	}
}

/* The stub file is empty: each of its pages lies past its end. */
static void
test_file_past_eof(void)
{
	static char dummy;
	struct file *f = (struct file *)&dummy;
	long a, b;

	fresh();
	a = vm_mmap_file(0, 2 * 4096, PROT_READ, 0, f, 0);
	b = vm_mmap(0, 4096, PROT_READ, 0);
	CHECK(a > 0 && b > 0);
	CHECK(vm_demand_fault(a + 4096, false, false) == -EFAULT);
	CHECK(vm_past_eof(a + 4096 + 12, false, false));
	CHECK(!vm_past_eof(a, true, false));	/* no write: SIGSEGV */
	CHECK(!vm_past_eof(a, false, true));	/* no exec: SIGSEGV */
	CHECK(!vm_past_eof(b, false, false));	/* anonymous */
	CHECK(!vm_past_eof(0x7000, false, false));	/* nothing there */
}

static uint8_t
peek(uint64_t va)
{
	uint8_t b;

	/* 0xee, which no test writes, stands for a fault. */
	return plat_copy_from_user(&b, va, 1) == 0 ? b : 0xee;
}

static void
poke(uint64_t va, uint8_t b)
{
	CHECK(plat_copy_to_user(va, &b, 1) == 0);
}

/* A clone shares pages copy-on-write; each side sees only its writes. */
static void
test_space_clone_cow(void)
{
	struct vm_space *parent, *child;
	uint64_t before;
	long a, ro;

	fresh();
	a = vm_mmap(0, 3 * 4096, RW, 0);
	ro = vm_mmap(0, 4096, PROT_READ, 0);
	CHECK(a > 0 && ro > 0);
	poke(a, 1);
	poke(a + 4096, 2);			/* a + 8192 never touched */
	CHECK(peek(ro) == 0);
	before = mock_pages_in_use;
	parent = vm_space_current();
	child = vm_space_clone(NULL);
	CHECK(child != NULL);
	CHECK(mock_pages_in_use - before <= 4);	/* no page copied */
	vm_space_switch(child);
	CHECK(vm_space_current() == child);
	CHECK(vm_region_count() == 2);
	CHECK(peek(a) == 1 && peek(a + 4096) == 2);
	poke(a, 10);				/* copies one page */
	CHECK(peek(a) == 10);
	CHECK(vm_mmap(a + 8192, 4096, RW, VM_FIXED) == a + 8192);
	CHECK(vm_mprotect(ro, 4096, RW) == 0);
	poke(ro, 7);				/* COW after mprotect */
	CHECK(peek(ro) == 7);
	vm_space_switch(parent);
	CHECK(vm_space_current() == parent);
	CHECK(peek(a) == 1 && peek(ro) == 0);
	poke(a + 4096, 20);
	vm_space_switch(child);
	CHECK(peek(a + 4096) == 2);
	CHECK(vm_mprotect(ro, 4096, PROT_READ) == 0);
	CHECK(plat_copy_to_user(ro, "x", 1) == -EFAULT);
	vm_space_switch(parent);
	vm_space_free(child);
	CHECK(peek(a) == 1 && peek(a + 4096) == 20);
	poke(a, 3);			/* last reference: taken, not copied */
	CHECK(peek(a) == 3);
}

/* Thousands of clone/touch/free cycles give every page back. */
static void
test_space_no_leak(void)
{
	uint64_t start;
	long a, b;

	fresh();
	a = vm_mmap(0, 16 * 4096, RW, 0);
	CHECK(a > 0);
	for (int i = 0; i < 16; i++)
		poke(a + i * 4096ull, (uint8_t)i);
	start = 0;
	for (int n = 0; n < 2000; n++) {
		struct vm_space *parent = vm_space_current();
		struct vm_space *c = vm_space_clone(NULL);

		CHECK(c != NULL);
		if (c == NULL)
			break;
		vm_space_switch(c);
		poke(a + (n % 16) * 4096ull, 0xff);
		b = vm_mmap(0, 8192, RW, 0);
		CHECK(b > 0);
		poke((uint64_t)b + 4096, 1);
		vm_space_switch(parent);
		vm_space_free(c);
		/* The parent writes after the child is gone: no copy. */
		poke(a + (n % 16) * 4096ull, (uint8_t)(n % 16));
		if (n == 0)	/* the heap keeps a page for the records */
			start = mock_pages_in_use;
	}
	CHECK(mock_pages_in_use == start);
	for (int i = 0; i < 16; i++)
		CHECK(peek(a + i * 4096ull) == i);
}

/* A clone that runs out of memory fails cleanly and leaks nothing. */
static void
test_space_clone_nomem(void)
{
	uint64_t start, limit = mock_pages_limit;
	struct vm_space *c;
	long a;

	fresh();
	a = vm_mmap(0, 4096, RW, 0);
	poke(a, 5);
	start = mock_pages_in_use;

	mock_pages_limit = mock_pages_in_use;	/* no page to spare */
	c = vm_space_clone(NULL);
	mock_pages_limit = limit;
	if (c != NULL) {
		/* The heap had room: the clone still costs no page. */
		vm_space_free(c);
	}
	CHECK(mock_pages_in_use == start);
	CHECK(peek(a) == 5);
}

int
main(void)
{
	harness_begin("vm");
	RUN(test_mmap_args);
	RUN(test_mmap_topdown_and_hint);
	RUN(test_fixed_and_noreplace);
	RUN(test_munmap_split);
	RUN(test_mprotect);
	RUN(test_vdso_regions);
	RUN(test_prot_none_keeps_data);
	RUN(test_overcommit);
	RUN(test_demand_zero_and_dontneed);
	RUN(test_mremap);
	RUN(test_brk);
	RUN(test_random_model);
	RUN(test_file_past_eof);
	RUN(test_space_clone_cow);
	RUN(test_space_no_leak);
	RUN(test_space_clone_nomem);
	mock_user_reset();
	vm_reset();
	return harness_done();
}
