/*
 * 4-level page-table primitives.  Pure functions of a struct pt_ctx, so
 * they run the same on the host (tests/unit/test_paging.c) as in the
 * kernel.  Every table pointer and every private leaf carries enc_mask
 * (the SEV C-bit, 0 when not encrypted).  The caller flushes the TLB.
 */
#include "arch/arch.h"

#define ENOMEM_	12
#define EINVAL_	22
#define LEVELS	4
#define SIZE_4K	(1ull << 12)
#define SIZE_2M	(1ull << 21)
#define SIZE_1G	(1ull << 30)

static unsigned
pt_index(uint64_t va, int level)
{
	/* level 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT. */
	return (va >> (12 + 9 * level)) & 511;
}

static uint64_t *
pt_table(struct pt_ctx *c, uint64_t entry)
{
	return c->phys_to_virt(entry & PTE_ADDR_MASK & ~c->enc_mask, c->arg);
}

/* The entry for va at level, allocating intermediate tables on the way. */
static uint64_t *
pt_walk(struct pt_ctx *c, uint64_t va, int level, bool create)
{
	uint64_t *t = c->phys_to_virt(c->root, c->arg);

	for (int l = LEVELS - 1; l > level; l--) {
		uint64_t *e = &t[pt_index(va, l)];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!create)
				return NULL;
			pa = c->alloc_table(c->arg);
			if (pa == 0)
				return NULL;
			/* Intermediate entries are permissive; leaves decide. */
			*e = pa | c->enc_mask | PTE_P | PTE_W | PTE_U;
		} else if (*e & PTE_PS) {
			return NULL;	/* a big page is in the way */
		}
		t = pt_table(c, *e);
	}
	return &t[pt_index(va, level)];
}

/* Turn a big page at level (1 = 2M, 2 = 1G) into a table of smaller ones. */
static int
pt_split(struct pt_ctx *c, uint64_t *e, int level)
{
	uint64_t pa = c->alloc_table(c->arg);
	uint64_t *t, base, flags, step;

	if (pa == 0)
		return -ENOMEM_;
	t = c->phys_to_virt(pa, c->arg);
	base = *e & PTE_ADDR_MASK & ~c->enc_mask & ~(SIZE_4K - 1);
	base &= level == 2 ? ~(SIZE_1G - 1) : ~(SIZE_2M - 1);
	flags = *e & ~PTE_ADDR_MASK;
	step = level == 2 ? SIZE_2M : SIZE_4K;
	if (level == 1)
		flags &= ~PTE_PS;
	for (int i = 0; i < 512; i++)
		t[i] = (base + i * step) | (*e & c->enc_mask) | flags;
	*e = pa | c->enc_mask | PTE_P | PTE_W | PTE_U;
	return 0;
}

/* Walk to the 4K leaf, splitting big pages that cover va. */
uint64_t *
pt_leaf(struct pt_ctx *c, uint64_t va, bool create)
{
	uint64_t *t = c->phys_to_virt(c->root, c->arg);

	for (int l = LEVELS - 1; l > 0; l--) {
		uint64_t *e = &t[pt_index(va, l)];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!create)
				return NULL;
			pa = c->alloc_table(c->arg);
			if (pa == 0)
				return NULL;
			*e = pa | c->enc_mask | PTE_P | PTE_W | PTE_U;
		} else if (*e & PTE_PS) {
			if (l == 3 || pt_split(c, e, l) != 0)
				return NULL;
		}
		t = pt_table(c, *e);
	}
	return &t[pt_index(va, 0)];
}

int
pt_map(struct pt_ctx *c, uint64_t va, uint64_t pa, uint64_t size,
    uint64_t flags, bool big)
{
	uint64_t end = va + size;
	uint64_t enc = (flags & PT_MAP_SHARED) ? 0 : c->enc_mask;

	flags &= ~PT_MAP_SHARED;
	if (((va | pa | size) & (SIZE_4K - 1)) != 0 || end < va)
		return -EINVAL_;
	while (va < end) {
		uint64_t left = end - va, *e;
		int level = 0;

		if (big && ((va | pa) & (SIZE_1G - 1)) == 0 && left >= SIZE_1G)
			level = 2;
		else if (big && ((va | pa) & (SIZE_2M - 1)) == 0 &&
		    left >= SIZE_2M)
			level = 1;
		e = level ? pt_walk(c, va, level, true) : pt_leaf(c, va, true);
		if (e == NULL)
			return -ENOMEM_;
		if (level == 0) {
			/* Up to the end of this page table in one go: one walk
			 * per table, not per page (the boot maps thousands).
			 * The table ends at a 2M boundary of va, where a big
			 * page is considered again. */
			unsigned n = 512 - pt_index(va, 0);

			if (left / SIZE_4K < n)
				n = (unsigned)(left / SIZE_4K);
			for (unsigned i = 0; i < n; i++)
				e[i] = (pa + i * SIZE_4K) | enc | flags | PTE_P;
			va += n * SIZE_4K;
			pa += n * SIZE_4K;
			continue;
		}
		*e = pa | enc | flags | PTE_P | PTE_PS;
		va += level == 2 ? SIZE_1G : SIZE_2M;
		pa += level == 2 ? SIZE_1G : SIZE_2M;
	}
	return 0;
}

int
pt_unmap(struct pt_ctx *c, uint64_t va, uint64_t size)
{
	uint64_t end = va + size;

	if (((va | size) & (SIZE_4K - 1)) != 0 || end < va)
		return -EINVAL_;
	for (; va < end; va += SIZE_4K) {
		uint64_t ps, *e;

		if (pt_lookup(c, va, &ps) == 0)
			continue;
		e = pt_leaf(c, va, false);
		if (e == NULL)
			return -ENOMEM_;
		*e = 0;
	}
	return 0;
}

uint64_t
pt_next_table(struct pt_ctx *c, uint64_t va, uint64_t end)
{
	while (va < end) {
		uint64_t *t = c->phys_to_virt(c->root, c->arg);
		uint64_t span, next;
		int l;

		for (l = LEVELS - 1; l > 0; l--) {
			uint64_t e = t[pt_index(va, l)];

			if (!(e & PTE_P))
				break;
			if (e & PTE_PS)
				return va;
			t = pt_table(c, e);
		}
		if (l == 0)
			return va;
		/* Nothing below this level-l entry: step to the next one. */
		span = 1ull << (12 + 9 * l);
		next = (va & ~(span - 1)) + span;
		if (next <= va)
			break;		/* wrapped past the top */
		va = next;
	}
	return end;
}

/*
 * Are all 512 entries zero?  The scan starts just after from, where a
 * neighbouring mapping most likely is, so a table still in use is
 * usually told apart in one or two reads.
 */
static bool
pt_empty(const uint64_t *t, unsigned from)
{
	for (unsigned n = 1; n <= 512; n++)
		if (t[(from + n) & 511] != 0)
			return false;
	return true;
}

void
pt_prune(struct pt_ctx *c, uint64_t va,
    void (*free_table)(uint64_t pa, void *arg))
{
	uint64_t *path[LEVELS];		/* path[l]: the entry at level l */
	uint64_t *t = c->phys_to_virt(c->root, c->arg);
	int l;

	for (l = LEVELS - 1; l > 0; l--) {
		path[l] = &t[pt_index(va, l)];
		if (!(*path[l] & PTE_P) || (*path[l] & PTE_PS))
			break;
		t = pt_table(c, *path[l]);
	}
	/* l is the lowest level whose entry leads to a table (or 0). */
	for (l = l == 0 ? 1 : l + 1; l < LEVELS; l++) {
		uint64_t pa = *path[l] & PTE_ADDR_MASK & ~c->enc_mask;

		if (!pt_empty(pt_table(c, *path[l]), pt_index(va, l - 1)))
			return;
		*path[l] = 0;
		free_table(pa, c->arg);
	}
}

uint64_t
pt_lookup(struct pt_ctx *c, uint64_t va, uint64_t *page_size)
{
	uint64_t *t = c->phys_to_virt(c->root, c->arg);

	for (int l = LEVELS - 1; l >= 0; l--) {
		uint64_t e = t[pt_index(va, l)];

		if (!(e & PTE_P))
			return 0;
		if (l == 0 || (e & PTE_PS)) {
			if (page_size != NULL)
				*page_size = 1ull << (12 + 9 * l);
			return e;
		}
		t = pt_table(c, e);
	}
	return 0;
}
