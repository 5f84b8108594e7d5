/*
 * The guest's address space (PageManagementProvider).  There is one address space: the lower half of the kernel's own
 * tables.  Every user page is owned by its mapping (no sharing, no fork),
 * so unmapping frees it.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define PROT_R	1u
#define PROT_W	2u
#define PROT_X	4u
/*
 * A PROT_NONE page keeps its memory: the entry stays with its address
 * but loses P and gets this software bit (one the MMU ignores), as
 * Linux's _PAGE_PROTNONE.  Every walk below treats P or PROTNONE as
 * "this page exists".
 */
#define PTE_PROTNONE	(1ull << 9)
/*
 * A page the platform lends (the vDSO's data page): another software
 * bit.  Unmapping it does not free it, and it never becomes writable.
 */
#define PTE_LENT	(1ull << 10)
#define PT_TABLE_SPAN	(1ull << 21)	/* what one leaf table maps */

static bool
page_ok(uint64_t va)
{
	return (va & (PAGE_SIZE - 1)) == 0 && va >= PLAT_USER_MIN &&
	    va < PLAT_USER_END;
}

static bool
range_ok(uint64_t va, uint64_t len)
{
	return page_ok(va) && (len & (PAGE_SIZE - 1)) == 0 &&
	    len <= PLAT_USER_END - va;
}

/* PTE flags for prot (PROT_NONE: not present, contents kept). */
static int
prot_flags(unsigned prot, uint64_t *flags)
{
	if ((prot & PROT_W) && (prot & PROT_X))
		return -EACCES;
	if (!(prot & (PROT_R | PROT_W | PROT_X))) {
		*flags = PTE_PROTNONE;
		return 0;
	}
	*flags = PTE_U | PTE_P;
	if (prot & PROT_W)
		*flags |= PTE_W;
	if (!(prot & PROT_X) && cpu.nx)
		*flags |= PTE_NX;
	return 0;
}

static bool
pte_exists(uint64_t pte)
{
	return (pte & (PTE_P | PTE_PROTNONE)) != 0;
}

static uint64_t
pte_phys(uint64_t pte)
{
	return pte & PTE_ADDR_MASK & ~vmm_ctx()->enc_mask;
}

/* Map kpage at va with prot plus the software bits sw. */
static int
map_page(uint64_t va, const void *kpage, unsigned prot, uint64_t sw)
{
	uint64_t flags, *e;
	int rc;

	if (!page_ok(va))
		return -EINVAL;
	rc = prot_flags(prot, &flags);
	if (rc != 0)
		return rc;
	e = pt_leaf(vmm_ctx(), va, true);
	if (e == NULL)
		return -ENOMEM;
	if (pte_exists(*e))
		return -EEXIST;
	*e = virt_to_phys(kpage) | vmm_ctx()->enc_mask | flags | sw;
	return 0;
}

int
plat_user_map_page(uint64_t va, void *kpage, unsigned prot)
{
	return map_page(va, kpage, prot, 0);
}

int
user_map_lent(uint64_t va, const void *kpage, unsigned prot)
{
	if (prot & PROT_W)
		return -EINVAL;
	return map_page(va, kpage, prot, PTE_LENT);
}

/* Drop a page's mapping; free it unless it is lent. */
static void
pte_release(uint64_t pte)
{
	if (!(pte & PTE_LENT))
		pmm_free(pte_phys(pte), 0);
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

static void
free_table(uint64_t pa, void *arg)
{
	pmm_free(pa, 0);
}

/*
 * Leaf tables an unmap may have left empty are pruned late, not at once:
 * a guest that maps, touches and unmaps the same few megabytes in a loop
 * (malloc's big blocks, make bench's mmap row) would otherwise free and
 * rebuild, zero and scan, the same tables on every cycle.  Up to
 * PRUNE_LATER of them wait here, one 2 MiB span each, oldest first; a new
 * one pushes out the oldest, which is pruned then if it is still empty.
 * So at most PRUNE_LATER empty leaf tables (and the upper tables above
 * them) stay: a bounded cost for every walk, and user_prune_all gives
 * them back before the free pages are counted at exit.
 */
#define PRUNE_LATER	8
static uint64_t prune_later[PRUNE_LATER];	/* span bases, 0 = none */
static unsigned prune_next;			/* the oldest slot */

static void
prune_now(uint64_t span)
{
	pt_prune(vmm_ctx(), span, free_table);
	vmm_flush(span);
}

static void
prune_soon(uint64_t va)
{
	uint64_t span = va & ~(PT_TABLE_SPAN - 1), old;

	for (unsigned i = 0; i < PRUNE_LATER; i++)
		if (prune_later[i] == span)
			return;
	old = prune_later[prune_next];
	prune_later[prune_next] = span;
	prune_next = (prune_next + 1) % PRUNE_LATER;
	if (old != 0)
		prune_now(old);
}

void
user_prune_all(void)
{
	for (unsigned i = 0; i < PRUNE_LATER; i++) {
		if (prune_later[i] != 0)
			prune_now(prune_later[i]);
		prune_later[i] = 0;
	}
}

/*
 * Call fn on every existing leaf entry in [va, va+len), in address order.
 * Empty upper-level tables are skipped whole (pt_next_table): the cost
 * follows the pages present, never the size of the range, so munmap or
 * mprotect of a 64 TiB reservation is as quick as of its touched pages.
 * With prune, tables left empty are freed (as Linux's free_pgtables), so
 * a guest that touches pages all over a huge range and unmaps them gets
 * every page back, tables included (late: prune_soon).  fn may create
 * tables but never frees one, so a leaf table stays put while its span
 * is walked.
 */
static int
user_each(uint64_t va, uint64_t len, int (*fn)(uint64_t, uint64_t *, void *),
    void *arg, bool prune)
{
	uint64_t end = va + len;
	int rc = 0;

	while (rc == 0 && (va = pt_next_table(vmm_ctx(), va, end)) < end) {
		uint64_t stop = (va | (PT_TABLE_SPAN - 1)) + 1, *e;

		if (stop > end || stop == 0)
			stop = end;
		e = pt_leaf(vmm_ctx(), va, false);
		if (e == NULL) {
			va = stop;
			continue;
		}
		if (prune)
			prune_soon(va);
		for (; va < stop && rc == 0; va += PAGE_SIZE, e++)
			if (pte_exists(*e))
				rc = fn(va, e, arg);
		if (stop == end)
			break;
	}
	return rc;
}

static int
unmap_one(uint64_t va, uint64_t *e, void *arg)
{
	pte_release(*e);
	*e = 0;
	vmm_flush(va);
	return 0;
}

int
plat_user_unmap(uint64_t va, uint64_t len)
{
	if (!range_ok(va, len))
		return -EINVAL;
	return user_each(va, len, unmap_one, NULL, true);
}

static int
protect_one(uint64_t va, uint64_t *e, void *arg)
{
	uint64_t flags = *(const uint64_t *)arg;

	/* A lent page (the vDSO's data) never becomes writable. */
	if ((*e & PTE_LENT) && (flags & PTE_W))
		return -EACCES;
	*e = (*e & (PTE_ADDR_MASK | PTE_LENT)) | flags;
	vmm_flush(va);
	return 0;
}

int
plat_user_protect(uint64_t va, uint64_t len, unsigned prot)
{
	uint64_t flags;
	int rc;

	if (!range_ok(va, len))
		return -EINVAL;
	rc = prot_flags(prot, &flags);
	if (rc != 0)
		return rc;
	return user_each(va, len, protect_one, &flags, false);
}

struct move {
	uint64_t from, to;
};

static int
move_one(uint64_t va, uint64_t *src, void *arg)
{
	const struct move *m = arg;
	uint64_t to = va - m->from + m->to, pte = *src, *dst;

	dst = pt_leaf(vmm_ctx(), to, true);
	if (dst == NULL)
		return -ENOMEM;
	src = pt_leaf(vmm_ctx(), va, false);	/* tables may have moved */
	*src = 0;
	vmm_flush(va);
	if (pte_exists(*dst))
		pte_release(*dst);
	*dst = pte;
	vmm_flush(to);
	return 0;
}

/* The ranges never overlap (vm_mremap moves only to free space). */
int
plat_user_move(uint64_t from, uint64_t to, uint64_t len)
{
	struct move m = { from, to };

	if (!range_ok(from, len) || !range_ok(to, len) ||
	    (from < to + len && to < from + len))
		return -EINVAL;
	return user_each(from, len, move_one, &m, true);
}

static int
count_one(uint64_t va, uint64_t *e, void *arg)
{
	if (*e & PTE_P)
		(*(uint64_t *)arg)++;
	return 0;
}

uint64_t
plat_user_resident(uint64_t va, uint64_t len)
{
	uint64_t n = 0;

	if (range_ok(va, len))
		user_each(va, len, count_one, &n, false);
	return n;
}

void *
plat_user_page(uint64_t va)
{
	uint64_t pte;

	if (!page_ok(PAGE_ALIGN_DOWN(va)))
		return NULL;
	pte = pt_lookup(vmm_ctx(), va, NULL);
	if (!(pte & PTE_P) || !(pte & PTE_U))
		return NULL;
	return phys_to_virt(pte_phys(pte));
}
