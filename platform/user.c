/*
 * Guest address spaces (PageManagementProvider).
 *
 * An address space is a PML4 whose lower half is its own and whose upper
 * half is a copy of the kernel's (re-copied each time it is loaded, so
 * kernel tables added later reach it).  The boot address space is the
 * lower half of the kernel's own tables.  The plat_user_* calls act on
 * the loaded one, which is the current thread's.
 *
 * A user page has a reference count: the number of address spaces that
 * map it minus one, kept in page_refs[] (a u16 per page the allocator
 * covers, allocated at the first clone), so a process that never forks
 * pays nothing.  A clone maps every page of the parent in the child,
 * takes a reference, and marks both entries PTE_COW without write
 * access; plat_user_unshare copies the page (or takes it back when it
 * is the last reference) when the kernel finds a write fault allowed.
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
/* A page shared by a clone: copy it before writing (another SW bit). */
#define PTE_COW		(1ull << 11)
#define PT_TABLE_SPAN	(1ull << 21)	/* what one leaf table maps */

struct plat_as {
	struct pt_ctx ctx;
	void *data;
};

static struct plat_as *loaded;		/* in CR3; NULL = boot */
static uint16_t *page_refs;		/* extra references, by pfn - base */
static uint64_t refs_base, refs_n;
static unsigned refs_order;

/* The page tables plat_user_* work on. */
static struct pt_ctx *
ctx(void)
{
	return loaded != NULL ? &loaded->ctx : vmm_ctx();
}

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
	return pte & PTE_ADDR_MASK & ~ctx()->enc_mask;
}

/*
 * The leaf entry for a new mapping at va and its flags for prot: NULL
 * with *rc -EINVAL, -EACCES (W+X), -ENOMEM (no table) or -EEXIST.
 */
static uint64_t *
free_entry(uint64_t va, unsigned prot, uint64_t *flags, int *rc)
{
	uint64_t *e;

	*rc = -EINVAL;
	if (!page_ok(va) || (*rc = prot_flags(prot, flags)) != 0)
		return NULL;
	e = pt_leaf(ctx(), va, true);
	*rc = e == NULL ? -ENOMEM : pte_exists(*e) ? -EEXIST : 0;
	return *rc == 0 ? e : NULL;
}

/* Map kpage at va with prot plus the software bits sw. */
static int
map_page(uint64_t va, const void *kpage, unsigned prot, uint64_t sw)
{
	uint64_t flags, *e;
	int rc;

	e = free_entry(va, prot, &flags, &rc);
	if (e != NULL)
		*e = virt_to_phys(kpage) | ctx()->enc_mask | flags | sw;
	return rc;
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

static uint16_t *
ref_slot(uint64_t phys)
{
	uint64_t pfn = phys >> PAGE_SHIFT;

	if (page_refs == NULL || pfn < refs_base || pfn - refs_base >= refs_n)
		return NULL;
	return &page_refs[pfn - refs_base];
}

/* Drop one owner of the page at phys: free it with the last. */
static void
page_release(uint64_t phys)
{
	uint16_t *r = ref_slot(phys);

	if (r != NULL && *r > 0)
		(*r)--;
	else
		pmm_free(phys, 0);
}

/* Drop a page's mapping; free it unless it is lent or still shared. */
static void
pte_release(uint64_t pte)
{
	if (!(pte & PTE_LENT))
		page_release(pte_phys(pte));
}

/* The reference counts, allocated at the first clone or file page. */
static int refs_init(void);

/* Map kpage, which has an owner already, copy-on-write, and count it. */
static int
map_counted(uint64_t va, void *kpage, unsigned prot)
{
	uint16_t *r = ref_slot(virt_to_phys(kpage));
	int rc;

	if (r == NULL || *r == UINT16_MAX)
		return -ENOMEM;
	rc = map_page(va, kpage, prot & ~PROT_W, PTE_COW);
	if (rc == 0)
		(*r)++;
	return rc;
}

int
user_map_shared(uint64_t va, void *kpage, unsigned prot)
{
	if (page_refs == NULL)
		return -ENOENT;
	return map_counted(va, kpage, prot);
}

int
plat_user_map_shared(uint64_t va, void *kpage, unsigned prot)
{
	if (refs_init() != 0)
		return -ENOMEM;
	return map_counted(va, kpage, prot);
}

bool
plat_page_mapped(const void *kpage)
{
	uint16_t *r = ref_slot(virt_to_phys(kpage));

	return r != NULL && *r > 0;
}

void
plat_page_put(void *kpage)
{
	page_release(virt_to_phys(kpage));
}

/*
 * The entry is looked at before a page is made: a write fault on a
 * page that is there (copy-on-write after fork) made, zeroed and freed
 * a page first.
 */
int
plat_user_map_zero(uint64_t va, unsigned prot)
{
	uint64_t flags, *e;
	void *p;
	int rc;

	e = free_entry(va, prot, &flags, &rc);
	if (e == NULL)
		return rc;
	p = plat_pages_alloc(0);
	if (p == NULL)
		return -ENOMEM;
	*e = virt_to_phys(p) | ctx()->enc_mask | flags;
	return 0;
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
 * them back before the free pages are counted at exit.  The spans are
 * the loaded address space's: user_as_load and plat_as_destroy prune
 * them before that space is switched out or freed.
 */
#define PRUNE_LATER	8
static uint64_t prune_later[PRUNE_LATER];	/* span bases, 0 = none */
static unsigned prune_next;			/* the oldest slot */

static void
prune_now(uint64_t span)
{
	pt_prune(ctx(), span, free_table);
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
user_each_in(struct pt_ctx *c, uint64_t va, uint64_t len,
    int (*fn)(uint64_t, uint64_t *, void *), void *arg, bool prune)
{
	uint64_t end = va + len;
	int rc = 0;

	while (rc == 0 && (va = pt_next_table(c, va, end)) < end) {
		uint64_t stop = (va | (PT_TABLE_SPAN - 1)) + 1, *e;

		if (stop > end || stop == 0)
			stop = end;
		e = pt_leaf(c, va, false);
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

/* The same over the loaded address space's tables. */
static int
user_each(uint64_t va, uint64_t len, int (*fn)(uint64_t, uint64_t *, void *),
    void *arg, bool prune)
{
	return user_each_in(ctx(), va, len, fn, arg, prune);
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
	/* A shared page stays read-only until plat_user_unshare. */
	if (*e & PTE_COW)
		flags &= ~PTE_W;
	*e = (*e & (PTE_ADDR_MASK | PTE_LENT | PTE_COW)) | flags;
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

	dst = pt_leaf(ctx(), to, true);
	if (dst == NULL)
		return -ENOMEM;
	src = pt_leaf(ctx(), va, false);	/* tables may have moved */
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

/* Another process's count (/proc/<pid>): its tables, walked, not loaded. */
uint64_t
plat_as_resident(struct plat_as *as, uint64_t va, uint64_t len)
{
	uint64_t n = 0;

	if (range_ok(va, len))
		user_each_in(as != NULL ? &as->ctx : vmm_ctx(), va, len,
		    count_one, &n, false);
	return n;
}

void *
plat_user_page(uint64_t va)
{
	uint64_t pte;

	if (!page_ok(PAGE_ALIGN_DOWN(va)))
		return NULL;
	pte = pt_lookup(ctx(), va, NULL);
	if (!(pte & PTE_P) || !(pte & PTE_U))
		return NULL;
	return phys_to_virt(pte_phys(pte));
}

/*
 * Make the copy-on-write page at va this space's own: copy it while
 * others share it, take it back from the last one.  *e is left without
 * PTE_COW and without write access (the callers set it).
 */
static int
own_page(uint64_t va, uint64_t **ep)
{
	uint64_t *e, old;
	uint16_t *r;
	void *copy;

	if (!page_ok(va))
		return -EFAULT;
	e = pt_leaf(ctx(), va, false);
	if (e == NULL || !(*e & PTE_P) || !(*e & PTE_COW))
		return -EFAULT;
	old = *e;
	r = ref_slot(pte_phys(old));
	if (r != NULL && *r > 0) {
		copy = plat_pages_alloc_dirty(0);
		if (copy == NULL)
			return -ENOMEM;
		memcpy(copy, phys_to_virt(pte_phys(old)), PAGE_SIZE);
		(*r)--;
		old = (old & ~PTE_ADDR_MASK) | virt_to_phys(copy) |
		    ctx()->enc_mask;
	}
	*e = old & ~(PTE_COW | PTE_W);
	*ep = e;
	return 0;
}

int
plat_user_unshare(uint64_t va)
{
	uint64_t *e;
	int rc;

	va = PAGE_ALIGN_DOWN(va);
	rc = own_page(va, &e);
	if (rc != 0)
		return rc;
	*e |= PTE_W;
	vmm_flush(va);
	return 0;
}

int
plat_user_own(uint64_t va, unsigned prot)
{
	uint64_t flags, *e;
	int rc;

	rc = prot_flags(prot, &flags);
	if (rc != 0)
		return rc;
	va = PAGE_ALIGN_DOWN(va);
	rc = own_page(va, &e);
	if (rc == -EFAULT && plat_user_page(va) != NULL)
		return 0;		/* already its own */
	if (rc != 0)
		return rc;
	*e = (*e & PTE_ADDR_MASK) | flags;
	vmm_flush(va);
	return 0;
}

/* ---- Address spaces ---- */

static int
refs_init(void)
{
	uint64_t bytes;
	void *p;

	if (page_refs != NULL)
		return 0;
	pmm_span(&refs_base, &refs_n);
	bytes = refs_n * sizeof(*page_refs);
	refs_order = 0;
	while ((PAGE_SIZE << refs_order) < bytes)
		refs_order++;
	if (refs_order > PMM_MAX_ORDER)
		return -ENOMEM;
	p = plat_pages_alloc(refs_order);	/* zeroed */
	if (p == NULL)
		return -ENOMEM;
	page_refs = p;
	return 0;
}

struct plat_as *
plat_as_create(void *data)
{
	struct plat_as *as = plat_pages_alloc(0);
	void *root;

	if (as == NULL)
		return NULL;
	root = plat_pages_alloc(0);
	if (root == NULL) {
		plat_pages_free(as, 0);
		return NULL;
	}
	as->ctx = *vmm_ctx();
	as->ctx.root = virt_to_phys(root);
	as->data = data;
	return as;
}

void *
plat_as_data(const struct plat_as *as)
{
	return as != NULL ? as->data : NULL;
}

/* The kernel half of the PML4: entries 256..511. */
#define PML4_KERNEL	256

void
user_as_load(struct plat_as *as)
{
	struct pt_ctx *c;

	if (as == loaded)
		return;
	user_prune_all();	/* the late prunes are the outgoing space's */
	c = as != NULL ? &as->ctx : vmm_ctx();
	if (as != NULL)
		memcpy((uint64_t *)phys_to_virt(c->root) + PML4_KERNEL,
		    (uint64_t *)phys_to_virt(vmm_ctx()->root) + PML4_KERNEL,
		    PML4_KERNEL * sizeof(uint64_t));
	loaded = as;
	arch_write_cr3(c->root | c->enc_mask);
}

/* The table an entry points to, or NULL. */
static uint64_t *
entry_table(const struct pt_ctx *c, uint64_t e)
{
	if (!(e & PTE_P) || (e & PTE_PS))
		return NULL;
	return phys_to_virt(e & PTE_ADDR_MASK & ~c->enc_mask);
}

/* Are the 8 entries from t all zero (one test, not 8)? */
static bool
group_empty(const uint64_t *t)
{
	return (t[0] | t[1] | t[2] | t[3] | t[4] | t[5] | t[6] | t[7]) == 0;
}

/*
 * Call fn on every existing leaf entry of the user half of c (level 3 is
 * the PML4), freeing the emptied tables below the PML4 when free_tables.
 * Tables are mostly empty (a small program fills a few dozen of the
 * thousands of entries its tables hold), so runs of 8 zero entries are
 * passed over with one test each: the scan was most of what fork's copy
 * and exit's teardown cost.
 */
static int
walk_user(struct pt_ctx *c, uint64_t *t, int level, uint64_t base,
    int (*fn)(uint64_t va, uint64_t *e, void *arg), void *arg,
    bool free_tables)
{
	int n = level == 3 ? PML4_KERNEL : 512, rc;

	for (int i = 0; i < n; i++) {
		uint64_t va = base + ((uint64_t)i << (12 + 9 * level));
		uint64_t *sub;

		if ((i & 7) == 0 && group_empty(&t[i])) {
			i += 7;
			continue;
		}
		if (level == 0) {
			if (pte_exists(t[i]) && (rc = fn(va, &t[i], arg)) != 0)
				return rc;
			continue;
		}
		sub = entry_table(c, t[i]);
		if (sub == NULL)
			continue;
		rc = walk_user(c, sub, level - 1, va, fn, arg, free_tables);
		if (rc != 0)
			return rc;
		if (free_tables) {
			plat_pages_free(sub, 0);
			t[i] = 0;
		}
	}
	return 0;
}

static int
release_fn(uint64_t va, uint64_t *e, void *arg)
{
	pte_release(*e);
	*e = 0;
	return 0;
}

void
plat_as_destroy(struct plat_as *as)
{
	struct pt_ctx *c = as != NULL ? &as->ctx : vmm_ctx();

	if (as == loaded)
		user_prune_all();	/* no late prune may outlive its tables */
	walk_user(c, phys_to_virt(c->root), 3, 0, release_fn, NULL, true);
	if (as == NULL) {
		/* The boot tables stay loaded: drop stale translations. */
		if (loaded == NULL)
			arch_write_cr3(c->root | c->enc_mask);
		return;
	}
	if (as == loaded)
		user_as_load(NULL);
	plat_pages_free(phys_to_virt(as->ctx.root), 0);
	plat_pages_free(as, 0);
}

/* The clone being filled, and its leaf table for the span being copied. */
struct clone {
	struct plat_as *dst;
	uint64_t span;		/* the span's base; 1 = none yet */
	uint64_t *leaf;
};

/* Share the page at *e with the clone, copy-on-write. */
static int
clone_fn(uint64_t va, uint64_t *e, void *arg)
{
	struct clone *cl = arg;
	uint64_t *d;
	uint16_t *r;

	if (!(*e & PTE_LENT)) {
		r = ref_slot(pte_phys(*e));
		if (r == NULL || *r == UINT16_MAX)
			return -ENOMEM;
		(*r)++;
		*e = (*e & ~PTE_W) | PTE_COW;
	}
	/* One walk per leaf table, not per page (the walk pays itself). */
	if ((va & ~(PT_TABLE_SPAN - 1)) != cl->span) {
		d = pt_leaf(&cl->dst->ctx, va, true);
		if (d == NULL) {
			pte_release(*e);
			return -ENOMEM;
		}
		cl->span = va & ~(PT_TABLE_SPAN - 1);
		cl->leaf = d - ((va & (PT_TABLE_SPAN - 1)) >> PAGE_SHIFT);
	}
	cl->leaf[(va & (PT_TABLE_SPAN - 1)) >> PAGE_SHIFT] = *e;
	return 0;
}

struct plat_as *
plat_as_clone_cow(void *data)
{
	struct clone cl = { .span = 1 };
	struct pt_ctx *c = ctx();
	struct plat_as *as;
	int rc;

	if (refs_init() != 0)
		return NULL;
	as = plat_as_create(data);
	if (as == NULL)
		return NULL;
	cl.dst = as;
	rc = walk_user(c, phys_to_virt(c->root), 3, 0, clone_fn, &cl, false);
	/* Write access is gone from the parent's pages. */
	arch_write_cr3(c->root | c->enc_mask);
	if (rc != 0) {
		plat_as_destroy(as);
		return NULL;
	}
	return as;
}

/*
 * selftest=cow (platform/selftest.c): cycles of create, fill, clone,
 * write on both sides, unmap and destroy, checked through the real
 * page tables and the fault path (a write to a shared page must fault:
 * no demand-fault upcall exists yet at boot).  Returns NULL or what
 * went wrong; *leaked is the pages the cycles after the first kept.
 */
const char *
user_selftest_cow(unsigned cycles, int64_t *leaked)
{
	static const uint64_t va[3] = { 0x400000, 0x401000, 0x7f0000000000 };
	uint64_t free0 = 0;

	for (unsigned n = 0; n < cycles; n++) {
		struct plat_as *a, *b;
		uint8_t v = (uint8_t)n, w = 0;

		if (n == 1)		/* after the reference counts exist */
			free0 = plat_pages_free_count();
		a = plat_as_create(NULL);
		if (a == NULL)
			return "create";
		user_as_load(a);
		if (plat_user_map_zero(va[0], PROT_R | PROT_W) != 0 ||
		    plat_user_map_zero(va[1], PROT_R) != 0 ||
		    plat_user_map_zero(va[2], PROT_R | PROT_W) != 0 ||
		    plat_copy_to_user(va[0], &v, 1) != 0 ||
		    plat_copy_to_user(va[2], &v, 1) != 0)
			return "map and fill";
		b = plat_as_clone_cow(NULL);
		if (b == NULL)
			return "clone";
		if (plat_copy_to_user(va[0], &v, 1) != -EFAULT)
			return "a shared page stayed writable";
		user_as_load(b);
		if (plat_copy_from_user(&w, va[2], 1) != 0 || w != v)
			return "the clone reads other data";
		w = (uint8_t)(v + 1);
		if (plat_user_unshare(va[0]) != 0 ||
		    plat_copy_to_user(va[0], &w, 1) != 0 ||
		    plat_user_unshare(va[1]) != 0 ||
		    plat_user_unmap(va[2], PAGE_SIZE) != 0)
			return "write in the clone";
		user_as_load(a);
		if (plat_copy_from_user(&w, va[0], 1) != 0 || w != v)
			return "the clone's write reached the parent";
		if (plat_copy_from_user(&w, va[2], 1) != 0 || w != v)
			return "the clone's unmap reached the parent";
		/* The last reference: taken back, not copied. */
		if (plat_user_unshare(va[2]) != 0 ||
		    plat_copy_to_user(va[2], &v, 1) != 0)
			return "write after the clone unmapped";
		user_as_load(NULL);
		plat_as_destroy(b);
		plat_as_destroy(a);
	}
	*leaked = (int64_t)free0 - (int64_t)plat_pages_free_count();
	return NULL;
}
