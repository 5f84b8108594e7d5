/*
 * The guest's address space: a sorted array of regions (like Linux's
 * VMAs) over the platform's page mappings.  Anonymous memory is demand
 * paged: a region only says what may be mapped; pages appear zero-filled
 * on first touch (vm_demand_fault).
 *
 * Policy: a region is never writable and executable at once (W^X):
 * such requests fail with EACCES.  Memory is overcommitted like Linux's
 * heuristic mode: one request larger than all RAM fails with ENOMEM; a
 * page that cannot be had at fault time ends the guest (vm_oom).
 */
#include "kernel/internal.h"

#define VM_MAX_REGIONS	65530		/* Linux's default max_map_count */
#define VM_INITIAL_CAP	64

/*
 * One process's regions.  Each process has its own, reached through its
 * platform address space (plat_as_data); the boot address space (the
 * first process until it forks) has boot_space.
 */
struct vm_space {
	struct vm_region *regions;
	int nregions, capacity;
	uint64_t mmap_base;		/* top-down allocations start here */
	uint64_t brk_start, brk_cur;
	struct plat_as *as;		/* NULL: the boot address space */
	struct kproc *kp;		/* its process (NULL: the first) */
};

static struct vm_space boot_space;

/* The current thread's space. */
static struct vm_space *
space(void)
{
	struct vm_space *s = plat_as_current_data();

	return s != NULL ? s : &boot_space;
}

/* The code below reads the current space's fields by these names. */
#define regions		(space()->regions)
#define nregions	(space()->nregions)
#define capacity	(space()->capacity)
#define mmap_base	(space()->mmap_base)
#define brk_start	(space()->brk_start)
#define brk_cur		(space()->brk_cur)

static int vm_add_file(uint64_t start, uint64_t end, unsigned prot,
    unsigned kind, struct file *f, uint64_t off);

static bool
aligned(uint64_t v)
{
	return (v & (PAGE_SIZE - 1)) == 0;
}

void
vm_reset(void)
{
	for (int i = 0; i < nregions; i++)
		file_put(regions[i].file);
	kfree(regions);
	regions = NULL;
	nregions = capacity = 0;
	mmap_base = USER_STACK_TOP - VM_STACK_GAP;
	brk_start = brk_cur = 0;
}

int
vm_region_count(void)
{
	return nregions;
}

const struct vm_region *
vm_region_at(int i)
{
	return i >= 0 && i < nregions ? &regions[i] : NULL;
}

/* Index of the first region whose end is above addr (nregions if none). */
static int
vm_search(uint64_t addr)
{
	int lo = 0, hi = nregions;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (regions[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct vm_region *
vm_find(uint64_t addr)
{
	int i = vm_search(addr);

	return i < nregions && regions[i].start <= addr ? &regions[i] : NULL;
}

static int
vm_reserve(int extra)
{
	struct vm_region *n;
	int cap;

	if (nregions + extra <= capacity)
		return 0;
	if (nregions + extra > VM_MAX_REGIONS)
		return -ENOMEM;
	cap = capacity ? capacity * 2 : VM_INITIAL_CAP;
	while (cap < nregions + extra)
		cap *= 2;
	n = kmalloc((size_t)cap * sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	if (nregions)
		memcpy(n, regions, (size_t)nregions * sizeof(*n));
	kfree(regions);
	regions = n;
	capacity = cap;
	return 0;
}

static void
vm_insert_at(int i, const struct vm_region *r)
{
	memmove(&regions[i + 1], &regions[i],
	    (size_t)(nregions - i) * sizeof(*r));
	regions[i] = *r;
	nregions++;
}

static void
vm_delete_at(int i)
{
	file_put(regions[i].file);
	memmove(&regions[i], &regions[i + 1],
	    (size_t)(nregions - i - 1) * sizeof(regions[0]));
	nregions--;
}

/* A copy of r from at on (for a split): its own file reference. */
static struct vm_region
vm_tail(const struct vm_region *r, uint64_t at)
{
	struct vm_region t = *r;

	t.start = at;
	if (t.file != NULL) {
		file_get(t.file);
		t.off += at - r->start;
	}
	return t;
}

/* Move r's start up to at (the part below is gone). */
static void
vm_trim_front(struct vm_region *r, uint64_t at)
{
	r->off += r->file != NULL ? at - r->start : 0;
	r->start = at;
}

/*
 * Give back most of the array once it is mostly empty (a guest that
 * fragmented its address space into 65530 regions and unmapped them
 * must not keep megabytes).  Only between syscalls' steps: no pointer
 * into the array may be held across it.
 */
static void
vm_shrink(void)
{
	struct vm_region *n;
	int cap = VM_INITIAL_CAP;

	if (capacity <= VM_INITIAL_CAP || nregions > capacity / 4)
		return;
	while (cap < 2 * nregions)
		cap *= 2;
	n = kmalloc((size_t)cap * sizeof(*n));
	if (n == NULL)
		return;
	memcpy(n, regions, (size_t)nregions * sizeof(*n));
	kfree(regions);
	regions = n;
	capacity = cap;
}

/* Is [start, end) free of regions? */
static bool
vm_free_range(uint64_t start, uint64_t end)
{
	int i = vm_search(start);

	return i >= nregions || regions[i].start >= end;
}

/*
 * Remove [start, end) from the region list, splitting regions that
 * straddle it, and release the pages.  Needs room for one more region.
 */
static int
vm_carve(uint64_t start, uint64_t end)
{
	int i, rc = vm_reserve(1);

	if (rc != 0)
		return rc;
	i = vm_search(start);
	while (i < nregions && regions[i].start < end) {
		struct vm_region *r = &regions[i];

		if (r->start < start && r->end > end) {
			struct vm_region tail = vm_tail(r, end);

			r->end = start;
			vm_insert_at(i + 1, &tail);
			break;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			vm_trim_front(r, end);
			break;
		} else {
			vm_delete_at(i);
		}
	}
	return plat_user_unmap(start, end - start);
}

/* Can b continue a (adjacent, same kind, same file at the next offset)? */
static bool
vm_mergeable(const struct vm_region *a, const struct vm_region *b)
{
	return a->end == b->start && a->prot == b->prot &&
	    a->kind == b->kind && a->file == b->file &&
	    (a->file == NULL || a->off + (a->end - a->start) == b->off);
}

/* Merge regions[i] with equal neighbours. */
static void
vm_merge(int i)
{
	if (i + 1 < nregions && vm_mergeable(&regions[i], &regions[i + 1])) {
		regions[i].end = regions[i + 1].end;
		vm_delete_at(i + 1);
	}
	if (i > 0 && vm_mergeable(&regions[i - 1], &regions[i])) {
		regions[i - 1].end = regions[i].end;
		vm_delete_at(i);
	}
}

/* Add a region over [start, end), which the caller made free. */
int
vm_add(uint64_t start, uint64_t end, unsigned prot, unsigned kind)
{
	return vm_add_file(start, end, prot, kind, NULL, 0);
}

/* vm_add for a file mapping: the region takes a new reference on f. */
static int
vm_add_file(uint64_t start, uint64_t end, unsigned prot, unsigned kind,
    struct file *f, uint64_t off)
{
	struct vm_region r = { start, end, prot, kind, f, off };
	int i, rc;

	if (!aligned(start) || !aligned(end) || start >= end ||
	    start < USER_MIN || end > USER_MAX)
		return -EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	if (!vm_free_range(start, end))
		return -EEXIST;
	rc = vm_reserve(1);
	if (rc != 0)
		return rc;
	i = vm_search(start);
	if (f != NULL)
		file_get(f);
	vm_insert_at(i, &r);
	vm_merge(i);
	return 0;
}

/* Highest free gap of len bytes below top, or 0. */
static uint64_t
vm_find_gap(uint64_t len, uint64_t top)
{
	uint64_t hi = top;
	int i = vm_search(hi);

	if (i < nregions && regions[i].start < hi)
		hi = regions[i].start;
	for (i--; i >= 0; i--) {
		if (hi - regions[i].end >= len)
			return hi - len;
		hi = regions[i].start;
	}
	return hi >= USER_MIN && hi - USER_MIN >= len ? hi - len : 0;
}

long
vm_place(uint64_t len)
{
	uint64_t addr = vm_find_gap(PAGE_ALIGN_UP(len), mmap_base);

	return addr != 0 ? (long)addr : -ENOMEM;
}

long
vm_mmap(uint64_t addr, uint64_t len, unsigned prot, unsigned flags)
{
	return vm_mmap_file(addr, len, prot, flags, NULL, 0);
}

long
vm_mmap_file(uint64_t addr, uint64_t len, unsigned prot, unsigned flags,
    struct file *f, uint64_t off)
{
	uint64_t total = plat_pages_total_count() * PAGE_SIZE;
	int rc;

	if (len == 0 || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (len > USER_MAX)
		return -ENOMEM;
	len = PAGE_ALIGN_UP(len);
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	if (prot != PROT_NONE && !(flags & VM_NORESERVE) && len > total)
		return -ENOMEM;		/* can never be backed */
	if (flags & (VM_FIXED | VM_FIXED_NOREPLACE)) {
		if (!aligned(addr))
			return -EINVAL;
		if (addr + len > USER_MAX || addr + len < addr)
			return -ENOMEM;
		if (addr < USER_MIN)
			return -EPERM;
		if (!vm_free_range(addr, addr + len)) {
			if (flags & VM_FIXED_NOREPLACE)
				return -EEXIST;
			rc = vm_carve(addr, addr + len);
			if (rc != 0)
				return rc;
		}
	} else {
		/* A hint that does not fit (even one that wraps) is ignored. */
		addr = PAGE_ALIGN_DOWN(addr);
		if (addr < USER_MIN || addr > USER_MAX - len ||
		    !vm_free_range(addr, addr + len))
			addr = vm_find_gap(len, mmap_base);
		if (addr == 0)
			return -ENOMEM;
	}
	rc = vm_add_file(addr, addr + len, prot, VMR_ANON, f, off);
	return rc != 0 ? rc : (long)addr;
}

int
vm_munmap(uint64_t addr, uint64_t len)
{
	int rc;

	if (!aligned(addr) || len == 0 || addr < USER_MIN ||
	    len > USER_MAX || addr > USER_MAX - PAGE_ALIGN_UP(len))
		return -EINVAL;
	rc = vm_carve(addr, addr + PAGE_ALIGN_UP(len));
	vm_shrink();
	return rc;
}

/* Is [start, end) completely covered by regions? */
static bool
vm_covered(uint64_t start, uint64_t end)
{
	int i = vm_search(start);

	for (; start < end; i++) {
		if (i >= nregions || regions[i].start > start)
			return false;
		start = regions[i].end;
	}
	return true;
}

/* Does a region of this kind overlap [start, end)? */
static bool
vm_has_kind(uint64_t start, uint64_t end, unsigned kind)
{
	for (int i = vm_search(start); i < nregions &&
	    regions[i].start < end; i++) {
		if (regions[i].kind == kind && regions[i].end > start)
			return true;
	}
	return false;
}

int
vm_mprotect(uint64_t addr, uint64_t len, unsigned prot)
{
	uint64_t end;
	int i, rc;

	if (!aligned(addr) || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (len == 0)
		return 0;
	end = addr + PAGE_ALIGN_UP(len);
	if (end < addr || end > USER_MAX || addr < USER_MIN)
		return -ENOMEM;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EACCES;
	if (!vm_covered(addr, end))
		return -ENOMEM;
	if ((prot & PROT_WRITE) && vm_has_kind(addr, end, VMR_VVAR))
		return -EACCES;		/* Linux: no VM_MAYWRITE */
	rc = vm_reserve(2);
	if (rc != 0)
		return rc;
	/* Split at both ends, then retag everything inside. */
	for (i = vm_search(addr); i < nregions && regions[i].start < end; i++) {
		struct vm_region *r = &regions[i];

		if (r->start < addr) {
			struct vm_region tail = vm_tail(r, addr);

			r->end = addr;
			vm_insert_at(i + 1, &tail);
			continue;
		}
		if (r->end > end) {
			struct vm_region tail = vm_tail(r, end);

			r->end = end;
			vm_insert_at(i + 1, &tail);
		}
		regions[i].prot = prot;
	}
	rc = plat_user_protect(addr, end - addr, prot);
	for (i = vm_search(addr); i < nregions && regions[i].start <= end; i++)
		vm_merge(i);
	vm_shrink();
	return rc;
}

int
vm_madvise_dontneed(uint64_t addr, uint64_t len)
{
	uint64_t end;

	if (!aligned(addr))
		return -EINVAL;
	end = addr + PAGE_ALIGN_UP(len);
	if (end < addr || (len != 0 && PAGE_ALIGN_UP(len) == 0))
		return -EINVAL;
	if (end > USER_MAX || addr < USER_MIN || !vm_covered(addr, end))
		return -ENOMEM;		/* not mapped, as Linux says */
	if (vm_has_kind(addr, end, VMR_VVAR) ||
	    vm_has_kind(addr, end, VMR_VDSO))
		return -EINVAL;		/* nothing to fault back in */
	return plat_user_unmap(addr, end - addr);
}

/*
 * A page of a private file mapping, the file's own (vm_map_from_file);
 * the bytes past the end of the file on its last page are zeros.  A
 * page wholly past the end is not there (-EFAULT): SIGBUS, as Linux
 * (vm_past_eof).  A write faults again, into plat_user_unshare.
 */
static int
vm_fault_file(const struct vm_region *r, uint64_t page)
{
	int rc = vm_map_from_file(page, r->file, r->off + (page - r->start));

	return rc > 0 ? -EFAULT : rc;
}

int
vm_demand_fault(uint64_t addr, bool write, bool exec)
{
	const struct vm_region *r = vm_find(addr);
	int rc;

	if (r == NULL || r->prot == PROT_NONE)
		return -EFAULT;
	if ((write && !(r->prot & PROT_WRITE)) ||
	    (exec && !(r->prot & PROT_EXEC)))
		return -EFAULT;
	if (r->file != NULL)
		rc = vm_fault_file(r, PAGE_ALIGN_DOWN(addr));
	else
		rc = plat_user_map_zero(PAGE_ALIGN_DOWN(addr), r->prot);
	if (rc == -EEXIST && write)	/* present: copy-on-write? */
		rc = plat_user_unshare(addr);
	if (rc == -EEXIST)
		return -EFAULT;		/* present: a protection fault */
	if (rc == -ENOMEM)
		vm_oom(addr);
	return rc;
}

bool
vm_past_eof(uint64_t addr, bool write, bool exec)
{
	const struct vm_region *r = vm_find(addr);
	uint8_t byte;

	if (r == NULL || r->file == NULL || !(r->prot & PROT_READ) ||
	    (write && !(r->prot & PROT_WRITE)) ||
	    (exec && !(r->prot & PROT_EXEC)))
		return false;
	return file_pread(r->file, &byte, 1, r->off +
	    (PAGE_ALIGN_DOWN(addr) - r->start)) <= 0;
}

void
vm_set_layout(uint64_t brk_base, uint64_t mmap_top)
{
	brk_start = brk_cur = brk_base;
	mmap_base = mmap_top;
}

long
vm_brk(uint64_t want)
{
	uint64_t oldend = PAGE_ALIGN_UP(brk_cur), newend;

	if (want < brk_start || want > USER_MAX)
		return (long)brk_cur;
	newend = PAGE_ALIGN_UP(want);
	if (newend > oldend) {
		if (newend - brk_start > plat_pages_total_count() * PAGE_SIZE ||
		    vm_add(oldend, newend, PROT_READ | PROT_WRITE,
		    VMR_HEAP) != 0)
			return (long)brk_cur;
	} else if (newend < oldend && vm_carve(newend, oldend) != 0) {
		return (long)brk_cur;
	}
	brk_cur = want;
	return (long)brk_cur;
}

/* Move [old, old+oldlen) to dest (newlen >= oldlen bytes, free). */
static long
vm_move(uint64_t old, uint64_t oldlen, uint64_t dest, uint64_t newlen,
    bool keep_old)
{
	const struct vm_region *r = vm_find(old);
	unsigned prot = r->prot, kind = r->kind;
	uint64_t off = r->off + (old - r->start);
	int rc;

	rc = vm_add_file(dest, dest + newlen, prot, kind, r->file, off);
	if (rc != 0)
		return rc;
	rc = plat_user_move(old, dest, oldlen);
	if (rc != 0) {
		vm_carve(dest, dest + newlen);
		return rc;
	}
	if (!keep_old)
		vm_carve(old, old + oldlen);
	return (long)dest;
}

long
vm_mremap(uint64_t old, uint64_t oldlen, uint64_t newlen, unsigned flags,
    uint64_t newaddr)
{
	const struct vm_region *r;
	bool fixed = flags & VM_MREMAP_FIXED;
	bool dontunmap = flags & VM_MREMAP_DONTUNMAP;
	uint64_t dest;

	if (!aligned(old) || (flags & ~(VM_MREMAP_MAYMOVE | VM_MREMAP_FIXED |
	    VM_MREMAP_DONTUNMAP)))
		return -EINVAL;
	if ((fixed || dontunmap) && !(flags & VM_MREMAP_MAYMOVE))
		return -EINVAL;
	if (oldlen > USER_MAX || newlen > USER_MAX)
		return -EINVAL;
	oldlen = PAGE_ALIGN_UP(oldlen);
	newlen = PAGE_ALIGN_UP(newlen);
	if (newlen == 0 || oldlen == 0 || (dontunmap && oldlen != newlen))
		return -EINVAL;
	r = vm_find(old);
	if (r == NULL || old + oldlen > r->end)
		return -EFAULT;
	if (fixed) {
		if (!aligned(newaddr) || newaddr < USER_MIN ||
		    newaddr + newlen > USER_MAX)
			return -EINVAL;
		if (newaddr < old + oldlen && old < newaddr + newlen)
			return -EINVAL;
		if (vm_carve(newaddr, newaddr + newlen) != 0)
			return -ENOMEM;
		if (newlen < oldlen) {
			vm_carve(old + newlen, old + oldlen);
			oldlen = newlen;
		}
		return vm_move(old, oldlen, newaddr, newlen, dontunmap);
	}
	if (!dontunmap && newlen <= oldlen) {
		vm_carve(old + newlen, old + oldlen);
		return (long)old;
	}
	/* Heuristic overcommit: growth beyond all RAM can never be backed. */
	if (r->prot != PROT_NONE && newlen - oldlen >
	    plat_pages_total_count() * PAGE_SIZE)
		return -ENOMEM;
	if (!dontunmap && old + newlen <= USER_MAX &&
	    vm_free_range(old + oldlen, old + newlen)) {
		int rc = vm_add_file(old + oldlen, old + newlen, r->prot,
		    r->kind, r->file, r->off + (old + oldlen - r->start));

		return rc != 0 ? rc : (long)old;
	}
	if (!(flags & VM_MREMAP_MAYMOVE))
		return -ENOMEM;
	dest = vm_find_gap(newlen, mmap_base);
	if (dest == 0)
		return -ENOMEM;
	return vm_move(old, oldlen, dest, newlen, dontunmap);
}

static void (*oom_handler)(uint64_t addr);

void
vm_set_oom_handler(void (*fn)(uint64_t addr))
{
	oom_handler = fn;
}

void
vm_oom(uint64_t addr)
{
	if (oom_handler != NULL)
		oom_handler(addr);	/* a process other than the first */
	klog_always("guest: out of memory: no page for %#llx; killed "
	    "(SIGKILL)", (unsigned long long)addr);
	plat_exit(128 + 9);
}

/*
 * A file mapping's page: the file's own page, shared with its page
 * cache and every other mapping of it until written (kernel/fdata.c);
 * a copy for a file that keeps no pages (a device, /proc), or when the
 * page's reference count is full.
 */
int
vm_map_from_file(uint64_t va, struct file *f, uint64_t off)
{
	const struct vm_region *r = vm_find(va);
	void *page;
	long n;
	int rc;

	if (r == NULL)
		return -EFAULT;
	rc = file_page(f, off, &page);
	if (rc == 0) {
		rc = plat_user_map_shared(va, page, r->prot);
		if (rc != -ENOMEM)
			return rc;
	} else if (rc == -ENXIO) {
		return 1;
	} else if (rc != -ENODEV) {
		return rc;
	}
	page = plat_pages_alloc(0);
	if (page == NULL)
		return -ENOMEM;
	n = file_pread(f, page, PAGE_SIZE, off);
	if (n <= 0) {
		plat_pages_free(page, 0);
		return n < 0 ? (int)n : 1;
	}
	rc = plat_user_map_page(va, page, r->prot);
	if (rc != 0)
		plat_pages_free(page, 0);
	return rc;
}

/* From here on, spaces are named explicitly. */
#undef regions
#undef nregions
#undef capacity
#undef mmap_base
#undef brk_start
#undef brk_cur

struct vm_space *
vm_space_clone(struct kproc *kp)
{
	struct vm_space *s = kmalloc(sizeof(*s)), *cur = space();

	if (s == NULL)
		return NULL;
	*s = *cur;
	s->kp = kp;
	s->regions = NULL;
	if (cur->capacity > 0) {
		s->regions = kmalloc((size_t)cur->capacity * sizeof(*s->regions));
		if (s->regions == NULL) {
			kfree(s);
			return NULL;
		}
		memcpy(s->regions, cur->regions,
		    (size_t)cur->nregions * sizeof(*s->regions));
	}
	s->as = plat_as_clone_cow(s);
	if (s->as == NULL) {
		kfree(s->regions);
		kfree(s);
		return NULL;
	}
	for (int i = 0; i < s->nregions; i++)
		if (s->regions[i].file != NULL)
			file_get(s->regions[i].file);
	return s;
}

struct vm_space *
vm_space_create(struct kproc *kp)
{
	struct vm_space *s = kzalloc(sizeof(*s));

	if (s == NULL)
		return NULL;
	s->kp = kp;
	s->mmap_base = USER_STACK_TOP - VM_STACK_GAP;
	s->as = plat_as_create(s);
	if (s->as == NULL) {
		kfree(s);
		return NULL;
	}
	return s;
}

struct kproc *
vm_space_kproc(void)
{
	return space()->kp;
}

void
vm_space_set_kproc(struct vm_space *s, struct kproc *kp)
{
	s->kp = kp;
}

struct vm_space *
vm_space_current(void)
{
	return space();
}

const struct vm_region *
vm_space_regions(struct vm_space *s, int *n)
{
	if (s == NULL)
		s = &boot_space;
	*n = s->nregions;
	return s->regions;
}

uint64_t
vm_space_resident(struct vm_space *s, uint64_t va, uint64_t len)
{
	return plat_as_resident(s != NULL ? s->as : NULL, va, len);
}

void
vm_space_switch(struct vm_space *s)
{
	plat_as_switch(s != NULL ? s->as : NULL);	/* boot_space: NULL */
}

void
vm_space_free(struct vm_space *s)
{
	plat_as_destroy(s->as);
	for (int i = 0; i < s->nregions; i++)
		file_put(s->regions[i].file);
	kfree(s->regions);
	if (s == &boot_space)
		*s = (struct vm_space){ 0 };
	else
		kfree(s);
}
