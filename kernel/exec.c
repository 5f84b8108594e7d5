/*
 * Loading the guest: map the embedded ELF's segments with their exact
 * permissions, lay out brk, the mmap area and the stack (with Linux's
 * randomization), build the initial stack and describe the entry state.
 */
#include "kernel/internal.h"

#define STACK_SIZE		(8ull << 20)	/* RLIMIT_STACK default */
#define STACK_BUILD_MIN		(16u << 10)	/* room for args + auxv, */
#define STACK_BUILD_MAX		(256u << 10)	/* doubled while too small */
#define STACK_RAND_PAGES	(1u << 14)	/* 64 MiB of top offsets */
#define PIE_RAND_PAGES		(1u << 28)	/* as mmap_rnd_bits = 28 */
#define BRK_RAND_PAGES		(1u << 13)	/* 32 MiB, as Linux */
#define MMAP_RAND_PAGES		(1u << 16)

static bool norandmaps;		/* this load: no randomization */

/* Random page offset in [0, pages) from the CRNG; 0 with norandmaps. */
static int
rand_pages(uint64_t pages, uint64_t *out)
{
	uint64_t r = 0;
	int rc = norandmaps ? 0 : plat_crng_fill(&r, sizeof(r));

	if (rc != 0)
		return rc;
	*out = (r % pages) * PAGE_SIZE;
	return 0;
}

/* Copy the file bytes of one segment into (possibly shared) pages. */
static int
load_segment_data(const uint8_t *file, const struct elf_segment *s,
    uint64_t bias)
{
	uint64_t va = s->vaddr + bias, end = va + s->filesz;

	for (uint64_t pg = PAGE_ALIGN_DOWN(va); pg < end; pg += PAGE_SIZE) {
		uint64_t from = pg < va ? va : pg;
		uint64_t to = pg + PAGE_SIZE < end ? pg + PAGE_SIZE : end;
		uint8_t *k = plat_user_page(pg);
		int rc;

		if (k == NULL) {
			k = plat_pages_alloc(0);
			if (k == NULL)
				return -ENOMEM;
			rc = plat_user_map_page(pg, k, vm_find(pg)->prot);
			if (rc != 0) {
				plat_pages_free(k, 0);
				return rc;
			}
		}
		memcpy(k + (from - pg), file + s->offset + (from - va),
		    to - from);
	}
	return 0;
}

/* Regions for the segments; a page two segments share gets the union. */
static int
map_segments(const uint8_t *file, const struct elf_image *img,
    uint64_t bias)
{
	uint64_t prev_end = 0;
	int rc;

	for (int i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t start = PAGE_ALIGN_DOWN(s->vaddr) + bias;
		uint64_t end = PAGE_ALIGN_UP(s->vaddr + s->memsz) + bias;

		if (start < prev_end) {
			const struct vm_region *r = vm_find(start);

			rc = vm_mprotect(start, PAGE_SIZE, r->prot | s->prot);
			if (rc != 0)
				return rc;
			start += PAGE_SIZE;
		}
		if (start < end) {
			rc = vm_add(start, end, s->prot, VMR_ELF);
			if (rc != 0)
				return rc;
		}
		prev_end = end;
	}
	for (int i = 0; i < img->nsegs; i++) {
		rc = load_segment_data(file, &img->seg[i], bias);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * The vDSO just below the mmap area's top, as Linux places it near the
 * stack: its data page (read-only), then its image.
 */
static int
map_vdso(struct exec_stack_args *a)
{
	uint64_t size = plat_vdso_size(), va;
	long addr;
	int rc;

	addr = vm_place(size);
	if (addr < 0)
		return (int)addr;
	va = (uint64_t)addr;
	rc = vm_add(va, va + PAGE_SIZE, PROT_READ, VMR_VVAR);
	if (rc == 0)
		rc = vm_add(va + PAGE_SIZE, va + size, PROT_READ | PROT_EXEC,
		    VMR_VDSO);
	if (rc == 0)
		rc = plat_vdso_map(va);
	if (rc == 0)
		a->sysinfo_ehdr = va + PAGE_SIZE;
	return rc;
}

static int
setup_stack(struct exec_stack_args *a, uint64_t *sp)
{
	uint64_t off, top;
	uint8_t *buf;
	int rc;

	rc = rand_pages(STACK_RAND_PAGES, &off);
	if (rc != 0)
		return rc;
	top = USER_STACK_TOP - off;
	rc = vm_add(top - STACK_SIZE, top, PROT_READ | PROT_WRITE, VMR_STACK);
	if (rc != 0)
		return rc;
	/* Start small (a large buffer costs its zeroing at every boot). */
	for (size_t size = STACK_BUILD_MIN; size <= STACK_BUILD_MAX; size *= 2) {
		buf = kmalloc(size);
		if (buf == NULL)
			return -ENOMEM;
		rc = exec_stack_build(buf, size, top, a, sp);
		if (rc == 0)
			rc = plat_copy_to_user(*sp, buf + size - (top - *sp),
			    top - *sp);
		kfree(buf);
		if (rc != -E2BIG)
			break;
	}
	return rc;
}

uint64_t exec_load_bias;

int
exec_load(const void *file, size_t len, struct exec_info *ei,
    const char **why)
{
	struct elf_image img;
	struct exec_stack_args *a = &ei->args;
	uint64_t bias = 0, off;
	int rc;

	norandmaps = ei->norandmaps;
	rc = elf_parse(file, len, &img, why);
	if (rc != 0)
		return rc;
	rc = plat_crng_fill(a->random, sizeof(a->random));
	if (rc != 0) {
		*why = "no healthy entropy source for AT_RANDOM and address "
		    "randomization (the CPU has no RDRAND/RDSEED; QEMU's "
		    "-cpu max has them)";
		return rc;
	}
	if (img.pie) {
		rc = rand_pages(PIE_RAND_PAGES, &bias);
		if (rc != 0)
			return rc;
		bias += ET_DYN_BASE - img.lo;
	}
	*why = "cannot map its segments (out of memory?)";
	rc = map_segments(file, &img, bias);
	if (rc != 0)
		return rc;
	exec_load_bias = bias;
	if (img.exec_stack)
		klog("exec: the ELF asks for an executable stack; refused "
		    "(W^X), its stack is not executable");
	rc = rand_pages(BRK_RAND_PAGES, &off);
	if (rc != 0)
		return rc;
	ei->brk = img.hi + bias + off;
	rc = rand_pages(MMAP_RAND_PAGES, &off);
	if (rc != 0)
		return rc;
	vm_set_layout(ei->brk, USER_STACK_TOP - VM_STACK_GAP - off);
	*why = "cannot map the vDSO (out of memory?)";
	rc = map_vdso(a);
	if (rc != 0)
		return rc;
	ei->entry = img.entry + bias;
	ei->bias = bias;
	a->phdr = img.phdr_vaddr + bias;
	a->phent = img.phentsize;
	a->phnum = img.phnum;
	a->entry = ei->entry;
	a->base = 0;
	*why = "cannot build its initial stack (arguments too large?)";
	return setup_stack(a, &ei->sp);
}
