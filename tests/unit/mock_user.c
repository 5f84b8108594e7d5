/*
 * A host model of the guest address space behind platform.h's
 * PageManagementProvider and RawPointerProvider: user pages are host
 * pages kept in a table by virtual address, with their protection.
 * Copies walk that table like the MMU would, call the registered
 * demand_fault upcall for missing pages, and fail with -EFAULT where the
 * hardware would fault.  W+X pages are refused like the real platform.
 *
 * Address spaces (plat_as_*) are separate tables; a clone shares every
 * page copy-on-write with a reference count, as the real platform does,
 * so a write to a shared page faults into the kernel, which must call
 * plat_user_unshare.
 */
#include <stdlib.h>
#include <string.h>

#include "platform/platform.h"
#include "tests/unit/mock_user.h"

#define MOCK_USER_PAGES	65536

struct mock_upage {
	uint64_t va;
	void *page;
	unsigned prot;
	bool cow;
};

struct plat_as {
	struct mock_upage *pg;
	int n;
	void *data;
};

/* Pages mapped more than once: their extra references. */
struct mock_ref {
	void *page;
	int extra;
};

static struct mock_upage boot_pages[MOCK_USER_PAGES];
static struct plat_as boot_as = { boot_pages, 0, NULL };
static struct plat_as *cur_as = &boot_as;
static struct mock_ref refs[MOCK_USER_PAGES];
static int nrefs;
static struct plat_upcalls mock_upcalls;
uint64_t mock_user_faults;

void
plat_set_upcalls(const struct plat_upcalls *u)
{
	mock_upcalls = *u;
}

static struct mock_upage *
find(uint64_t va)
{
	for (int i = 0; i < cur_as->n; i++)
		if (cur_as->pg[i].va == va)
			return &cur_as->pg[i];
	return NULL;
}

int
mock_user_mapped(uint64_t va, unsigned *prot)
{
	struct mock_upage *p = find(va & ~0xfffull);

	if (p != NULL && prot != NULL)
		*prot = p->prot;
	return p != NULL;
}

int
mock_user_count(void)
{
	return cur_as->n;
}

static struct mock_ref *
ref_find(void *page)
{
	for (int i = 0; i < nrefs; i++)
		if (refs[i].page == page)
			return &refs[i];
	return NULL;
}

/* Drop one mapping of page: free it with the last. */
static void
page_release(void *page)
{
	struct mock_ref *r = ref_find(page);

	if (r == NULL) {
		plat_pages_free(page, 0);
		return;
	}
	if (--r->extra == 0)
		*r = refs[--nrefs];
}

/* One more owner of page. */
static void
ref_take(void *page)
{
	struct mock_ref *r = ref_find(page);

	if (r == NULL) {
		if (nrefs == MOCK_USER_PAGES)
			abort();
		r = &refs[nrefs++];
		*r = (struct mock_ref){ page, 0 };
	}
	r->extra++;
}

void
mock_user_reset(void)
{
	for (int i = 0; i < cur_as->n; i++)
		page_release(cur_as->pg[i].page);
	cur_as->n = 0;
}

static bool
page_ok(uint64_t va)
{
	return (va & 0xfff) == 0 && va >= PLAT_USER_MIN && va < PLAT_USER_END;
}

int
plat_user_map_page(uint64_t va, void *kpage, unsigned prot)
{
	if (!page_ok(va))
		return -EINVAL;
	if ((prot & 2) && (prot & 4))
		return -EACCES;
	if (find(va) != NULL)
		return -EEXIST;
	if (cur_as->n == MOCK_USER_PAGES)
		return -ENOMEM;
	cur_as->pg[cur_as->n++] = (struct mock_upage){ va, kpage, prot, false };
	return 0;
}

int
plat_user_map_shared(uint64_t va, void *kpage, unsigned prot)
{
	int rc = plat_user_map_page(va, kpage, prot);

	if (rc == 0) {
		ref_take(kpage);
		cur_as->pg[cur_as->n - 1].cow = true;
	}
	return rc;
}

bool
plat_page_mapped(const void *kpage)
{
	return ref_find((void *)kpage) != NULL;
}

void
plat_page_put(void *kpage)
{
	page_release(kpage);
}

int
plat_user_map_zero(uint64_t va, unsigned prot)
{
	void *p = plat_pages_alloc(0);
	int rc;

	if (p == NULL)
		return -ENOMEM;
	rc = plat_user_map_page(va, p, prot);
	if (rc != 0)
		plat_pages_free(p, 0);
	return rc;
}

int
plat_user_unmap(uint64_t va, uint64_t len)
{
	for (int i = 0; i < cur_as->n; ) {
		if (cur_as->pg[i].va >= va && cur_as->pg[i].va - va < len) {
			page_release(cur_as->pg[i].page);
			cur_as->pg[i] = cur_as->pg[--cur_as->n];
		} else {
			i++;
		}
	}
	return 0;
}

int
plat_user_protect(uint64_t va, uint64_t len, unsigned prot)
{
	if ((prot & 2) && (prot & 4))
		return -EACCES;
	/* PROT_NONE keeps the pages (and their contents), inaccessible. */
	for (int i = 0; i < cur_as->n; i++)
		if (cur_as->pg[i].va >= va && cur_as->pg[i].va - va < len)
			cur_as->pg[i].prot = prot;
	return 0;
}

int
plat_user_move(uint64_t from, uint64_t to, uint64_t len)
{
	plat_user_unmap(to, len);
	for (int i = 0; i < cur_as->n; i++)
		if (cur_as->pg[i].va >= from && cur_as->pg[i].va - from < len)
			cur_as->pg[i].va = cur_as->pg[i].va - from + to;
	return 0;
}

void *
plat_user_page(uint64_t va)
{
	struct mock_upage *p = find(va & ~0xfffull);

	return p != NULL && (p->prot & 7) != 0 ? p->page : NULL;
}

uint64_t
plat_as_resident(struct plat_as *as, uint64_t va, uint64_t len)
{
	uint64_t n = 0;

	if (as == NULL)
		as = &boot_as;
	for (int i = 0; i < as->n; i++)
		if (as->pg[i].va >= va && as->pg[i].va - va < len &&
		    (as->pg[i].prot & 7) != 0)
			n++;
	return n;
}

uint64_t
plat_user_resident(uint64_t va, uint64_t len)
{
	return plat_as_resident(cur_as, va, len);
}

/* The byte at va for an access, resolving demand faults; NULL = fault. */
static uint8_t *
access_byte(uint64_t va, bool write)
{
	struct mock_upage *p = find(va & ~0xfffull);

	if (p == NULL) {
		mock_user_faults++;
		if (mock_upcalls.demand_fault == NULL ||
		    mock_upcalls.demand_fault(va, write, false) != 0)
			return NULL;
		p = find(va & ~0xfffull);
		if (p == NULL)
			return NULL;
	}
	if (write && p->cow && (p->prot & 2)) {
		mock_user_faults++;
		if (mock_upcalls.demand_fault == NULL ||
		    mock_upcalls.demand_fault(va, write, false) != 0)
			return NULL;
		p = find(va & ~0xfffull);
	}
	if ((p->prot & 7) == 0 || (write && !(p->prot & 2)) ||
	    (write && p->cow))
		return NULL;
	return (uint8_t *)p->page + (va & 0xfff);
}

static bool
range_ok(uint64_t a, size_t n)
{
	return n == 0 || (a >= PLAT_USER_MIN && a < PLAT_USER_END &&
	    n <= PLAT_USER_END - a);
}

int
plat_copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!range_ok(usrc, n))
		return -EFAULT;
	for (size_t i = 0; i < n; i++) {
		uint8_t *b = access_byte(usrc + i, false);

		if (b == NULL)
			return -EFAULT;
		((uint8_t *)dst)[i] = *b;
	}
	return 0;
}

int
plat_copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!range_ok(udst, n))
		return -EFAULT;
	for (size_t i = 0; i < n; i++) {
		uint8_t *b = access_byte(udst + i, true);

		if (b == NULL)
			return -EFAULT;
		*b = ((const uint8_t *)src)[i];
	}
	return 0;
}

int
plat_clear_user(uint64_t udst, size_t n)
{
	static const uint8_t zero[1];

	for (size_t i = 0; i < n; i++)
		if (plat_copy_to_user(udst + i, zero, 1) != 0)
			return -EFAULT;
	return 0;
}

long
plat_strncpy_from_user(char *dst, uint64_t usrc, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (plat_copy_from_user(&dst[i], usrc + i, 1) != 0)
			return -EFAULT;
		if (dst[i] == '\0')
			return (long)i;
	}
	return -ENAMETOOLONG;
}

int
plat_user_unshare(uint64_t va)
{
	struct mock_upage *p = find(va & ~0xfffull);
	struct mock_ref *r;
	void *copy;

	if (p == NULL || !p->cow)
		return -EFAULT;
	r = ref_find(p->page);
	if (r != NULL) {
		copy = plat_pages_alloc(0);
		if (copy == NULL)
			return -ENOMEM;
		memcpy(copy, p->page, 4096);
		page_release(p->page);
		p->page = copy;
	}
	p->cow = false;
	return 0;
}

int
plat_user_own(uint64_t va, unsigned prot)
{
	struct mock_upage *p = find(va & ~0xfffull);
	int rc;

	if (p == NULL)
		return -EFAULT;
	if ((prot & 2) && (prot & 4))
		return -EACCES;
	if (!p->cow)
		return 0;
	rc = plat_user_unshare(va);
	if (rc == 0)
		p->prot = prot;
	return rc;
}

struct plat_as *
plat_as_create(void *data)
{
	struct plat_as *as = calloc(1, sizeof(*as));

	if (as == NULL)
		return NULL;
	as->pg = calloc(MOCK_USER_PAGES, sizeof(*as->pg));
	if (as->pg == NULL) {
		free(as);
		return NULL;
	}
	as->data = data;
	return as;
}

struct plat_as *
plat_as_clone_cow(void *data)
{
	struct plat_as *as = plat_as_create(data);

	if (as == NULL)
		return NULL;
	for (int i = 0; i < cur_as->n; i++) {
		struct mock_upage *p = &cur_as->pg[i];

		ref_take(p->page);
		p->cow = true;
		as->pg[as->n++] = *p;
	}
	return as;
}

struct plat_as *
plat_as_current(void)
{
	return cur_as == &boot_as ? NULL : cur_as;
}

void *
plat_as_data(const struct plat_as *as)
{
	return as != NULL ? as->data : NULL;
}

void *
plat_as_current_data(void)
{
	return plat_as_data(plat_as_current());
}

void
plat_as_switch(struct plat_as *as)
{
	cur_as = as != NULL ? as : &boot_as;
}

void
plat_as_destroy(struct plat_as *as)
{
	struct plat_as *was = cur_as;

	cur_as = as != NULL ? as : &boot_as;
	mock_user_reset();
	cur_as = was == as ? &boot_as : was;
	if (as != NULL) {
		free(as->pg);
		free(as);
	}
}
