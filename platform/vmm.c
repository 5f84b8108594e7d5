/*
 * The kernel's own page tables.
 *
 * Layout (platform/internal.h): the image at KERNEL_VBASE + phys with
 * per-section permissions (text RX, rodata R, data/bss RW, all but text
 * NX), a direct map of RAM at DMAP_BASE (RW, NX), kernel stacks at
 * KSTACK_BASE each with an unmapped guard below, MMIO windows uncached.
 * The lower half belongs to the guest (platform/user.c).
 *
 * Until pmm exists, table pages come from the low end of the usable
 * ranges, reached through the boot loader's map of the first 1 GiB.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define EARLY_MAP_END	(1ull << 30)
#define KSTACK_SLOTS	4096
#define DMAP_RANGES_MAX	(BOOT_MMAP_MAX + 1)

struct static_stack boot_stacks[6];

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[];

static struct pt_ctx kctx;
static bool dmap_live;
static struct mem_range *bump_ranges;
static int bump_n;
static struct mem_range dmap[DMAP_RANGES_MAX];
static int ndmap;
static uint8_t kstack_used[KSTACK_SLOTS];
static uint64_t mmio_next = MMIO_BASE;
static uint64_t global_bit;

static void *
vmm_p2v(uint64_t pa, void *arg)
{
	return dmap_live ? phys_to_virt(pa) : (void *)(KERNEL_VBASE + pa);
}

static void
zero_page(void *p)
{
	memset(p, 0, PAGE_SIZE);
}

/* Before pmm: the lowest page of a usable range the early map reaches. */
static uint64_t
bump_table(void *arg)
{
	for (int i = 0; i < bump_n; i++) {
		struct mem_range *r = &bump_ranges[i];
		uint64_t pa = r->start;

		if (r->end - r->start < PAGE_SIZE || pa + PAGE_SIZE > EARLY_MAP_END)
			continue;
		r->start += PAGE_SIZE;
		zero_page(vmm_p2v(pa, arg));
		return pa;
	}
	return 0;
}

static uint64_t
pmm_table(void *arg)
{
	uint64_t pa = pmm_alloc(0);

	if (pa == PMM_NONE)
		return 0;
	zero_page(phys_to_virt(pa));
	return pa;
}

struct pt_ctx *
vmm_ctx(void)
{
	return &kctx;
}

void
vmm_flush(uint64_t va)
{
	arch_invlpg(va);
}

static void
map_or_die(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags, bool big)
{
	if (pt_map(&kctx, va, pa, size, flags | global_bit, big) != 0) {
		klog_always("cloister: out of memory building page tables");
		plat_exit(PLAT_EXIT_NOMEM);
	}
}

static void
map_section(const char *start, const char *end, uint64_t flags)
{
	uint64_t va = PAGE_ALIGN_DOWN((uint64_t)start);
	uint64_t size = PAGE_ALIGN_UP((uint64_t)end) - va;

	map_or_die(va, va - KERNEL_VBASE, size, flags, false);
}

static bool
is_ram(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_ACPI_RECLAIM ||
	    type == BOOT_MEM_ACPI_NVS || type == BOOT_MEM_RUNTIME;
}

/* Direct-map the first 1 MiB and every RAM entry of the boot map. */
static void
map_dmap(const struct boot_info *bi)
{
	uint64_t nx = cpu.nx ? PTE_NX : 0;

	dmap[ndmap++] = (struct mem_range){ 0, 0x100000 };
	for (uint32_t i = 0; i < bi->mmap_count && i < BOOT_MMAP_MAX; i++) {
		const struct boot_mem_region *m = &bi->mmap[i];
		uint64_t s = PAGE_ALIGN_DOWN(m->base), e;

		if (!is_ram(m->type) || m->len == 0 || m->base >= PHYS_ADDR_MAX)
			continue;
		e = m->len > PHYS_ADDR_MAX - m->base ? PHYS_ADDR_MAX :
		    PAGE_ALIGN_UP(m->base + m->len);
		if (ndmap < DMAP_RANGES_MAX)
			dmap[ndmap++] = (struct mem_range){ s, e };
	}
	for (int i = 0; i < ndmap; i++)
		map_or_die(DMAP_BASE + dmap[i].start, dmap[i].start,
		    dmap[i].end - dmap[i].start, PTE_W | nx, true);
}

bool
dmap_covers(uint64_t pa, uint64_t len)
{
	for (int i = 0; i < ndmap; i++) {
		if (pa >= dmap[i].start && pa <= dmap[i].end &&
		    len <= dmap[i].end - pa)
			return true;
	}
	return false;
}

void
vmm_init(const struct boot_info *bi, struct mem_range *ranges, int n,
    uint64_t enc_mask)
{
	uint64_t nx = cpu.nx ? PTE_NX : 0;

	bump_ranges = ranges;
	bump_n = n;
	global_bit = cpu.pge ? PTE_G : 0;
	kctx.enc_mask = enc_mask;
	kctx.alloc_table = bump_table;
	kctx.phys_to_virt = vmm_p2v;
	kctx.root = bump_table(NULL);
	if (kctx.root == 0) {
		klog_always("cloister: no usable memory below 1 GiB");
		plat_exit(PLAT_EXIT_NOMEM);
	}
	map_section(__text_start, __text_end, 0);
	map_section(__rodata_start, __rodata_end, nx);
	map_section(__data_start, __bss_end, PTE_W | nx);
	map_dmap(bi);
	for (unsigned i = 0; i < 6; i++)
		pt_unmap(&kctx, (uint64_t)boot_stacks[i].guard, PAGE_SIZE);
	arch_write_cr3(kctx.root | enc_mask);
	dmap_live = true;
}

/* Called once pmm is up: later tables come from the page allocator. */
void
vmm_use_pmm(void)
{
	kctx.alloc_table = pmm_table;
}

bool
vmm_is_guard(uint64_t va)
{
	for (unsigned i = 0; i < 6; i++) {
		uint64_t g = (uint64_t)boot_stacks[i].guard;

		if (va >= g && va < g + PAGE_SIZE)
			return true;
	}
	if (va >= KSTACK_BASE && va < KSTACK_BASE + KSTACK_SLOTS * KSTACK_SLOT)
		return (va - KSTACK_BASE) % KSTACK_SLOT <
		    KSTACK_SLOT - KSTACK_SIZE;
	return false;
}

uint64_t
vmm_stack_alloc(void)
{
	uint64_t nx = cpu.nx ? PTE_NX : 0;

	for (unsigned i = 0; i < KSTACK_SLOTS; i++) {
		uint64_t base, top, pa;

		if (kstack_used[i])
			continue;
		pa = pmm_alloc(2);	/* 16 KiB */
		if (pa == PMM_NONE)
			return 0;
		top = KSTACK_BASE + (i + 1) * KSTACK_SLOT;
		base = top - KSTACK_SIZE;
		if (pt_map(&kctx, base, pa, KSTACK_SIZE, PTE_W | nx, false)) {
			pmm_free(pa, 2);
			return 0;
		}
		kstack_used[i] = 1;
		return top;
	}
	return 0;
}

void
vmm_stack_free(uint64_t top)
{
	uint64_t base = top - KSTACK_SIZE, pte;
	unsigned i = (top - KSTACK_BASE) / KSTACK_SLOT - 1;

	if (top < KSTACK_BASE + KSTACK_SLOT || i >= KSTACK_SLOTS ||
	    !kstack_used[i])
		panic("vmm_stack_free: bad stack top %llx",
		    (unsigned long long)top);
	pte = pt_lookup(&kctx, base, NULL);
	pt_unmap(&kctx, base, KSTACK_SIZE);
	for (uint64_t va = base; va < top; va += PAGE_SIZE)
		vmm_flush(va);
	pmm_free(pte & PTE_ADDR_MASK & ~kctx.enc_mask, 2);
	kstack_used[i] = 0;
}

/* Map [phys, phys+size) at the next free window address. */
static void *
map_window(uint64_t phys, uint64_t size, uint64_t flags)
{
	uint64_t off = phys & (PAGE_SIZE - 1), va = mmio_next;
	uint64_t nx = cpu.nx ? PTE_NX : 0;

	if (size == 0 || phys >= PHYS_ADDR_MAX ||
	    size > PHYS_ADDR_MAX - phys || size > (1ull << 32))
		return NULL;
	size = PAGE_ALIGN_UP(size + off);
	if (pt_map(&kctx, va, phys - off, size, flags | nx, false) != 0)
		return NULL;
	mmio_next += size + PAGE_SIZE;
	return (void *)(va + off);
}

void *
vmm_map_mmio(uint64_t phys, uint64_t size)
{
	return map_window(phys, size, PTE_W | PTE_PCD | PTE_PWT |
	    PT_MAP_SHARED);
}

int
vmm_map_shared(uint64_t pa, uint64_t size, uint64_t va)
{
	uint64_t nx = cpu.nx ? PTE_NX : 0;

	return pt_map(&kctx, va, pa, PAGE_ALIGN_UP(size),
	    PTE_W | nx | PT_MAP_SHARED, false);
}

void *
vmm_map_firmware(uint64_t phys, uint64_t size)
{
	if (dmap_covers(phys, size))
		return phys_to_virt(phys);
	return map_window(phys, size, 0);
}
