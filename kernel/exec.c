/*
 * Loading the guest: map the ELF's segments with their exact
 * permissions, lay out brk, the mmap area and the stack (with Linux's
 * randomization), map the interpreter a dynamic ELF names (PT_INTERP)
 * from the file tree, build the initial stack and describe the entry
 * state.  As Linux's load_elf_binary(): the program at its (PIE) bias,
 * the interpreter in the mmap area, entry at the interpreter's entry,
 * AT_BASE the interpreter's bias, AT_PHDR/AT_ENTRY the program's.
 */
#include "kernel/internal.h"

#define STACK_SIZE		(8ull << 20)	/* RLIMIT_STACK default */
#define STACK_BUILD_MIN		(4u << 10)	/* room for args + auxv, */
#define STACK_BUILD_MAX		(256u << 10)	/* doubled while too small */
#define STACK_RAND_PAGES	(1u << 14)	/* 64 MiB of top offsets */
#define PIE_RAND_PAGES		(1u << 28)	/* as mmap_rnd_bits = 28 */
#define BRK_RAND_PAGES		(1u << 13)	/* 32 MiB, as Linux */
#define MMAP_RAND_PAGES		(1u << 16)
#define INTERP_MAX_SIZE		(64ull << 20)	/* a larger ld.so is not one */

#define RAND_DRAWS		4	/* PIE bias, brk, mmap area, stack */

static bool norandmaps;		/* this load: no randomization */
static uint64_t draws[RAND_DRAWS];	/* this load's random words */
static unsigned ndraws;			/* how many are used */

/*
 * Random page offset in [0, pages) from this load's draws, which come
 * from one CRNG call with AT_RANDOM's bytes (each call costs two
 * ChaCha20 blocks: five of them were a tenth of an exec); 0 with
 * norandmaps.
 */
static int
rand_pages(uint64_t pages, uint64_t *out)
{
	if (norandmaps) {
		*out = 0;
		return 0;
	}
	if (ndraws == RAND_DRAWS)
		return -EIO;		/* RAND_DRAWS is too small: a bug */
	*out = (draws[ndraws++] % pages) * PAGE_SIZE;
	return 0;
}

/*
 * The file bytes of one segment.  A page the segment fills whole from
 * a page of src is that page, shared with the file's page cache until
 * written (as Linux maps a program's pages); the rest (a page the
 * segment shares with another, the last one before its bss, all of
 * them without src) is a page of this space's own with the bytes
 * copied in.
 */
static int
load_segment_data(const uint8_t *file, const struct elf_segment *s,
    uint64_t bias, struct file *src)
{
	uint64_t va = s->vaddr + bias, end = va + s->filesz;

	for (uint64_t pg = PAGE_ALIGN_DOWN(va); pg < end; pg += PAGE_SIZE) {
		uint64_t from = pg < va ? va : pg;
		uint64_t to = pg + PAGE_SIZE < end ? pg + PAGE_SIZE : end;
		bool whole = from == pg && to == pg + PAGE_SIZE;
		unsigned prot = vm_find(pg)->prot;
		uint8_t *k = plat_user_page(pg);
		int rc;

		if (k == NULL && whole && src != NULL &&
		    vm_map_from_file(pg, src, s->offset + (pg - va)) == 0)
			continue;
		if (k != NULL) {
			/* Shared with the file by the segment before. */
			rc = plat_user_own(pg, prot);
			if (rc != 0)
				return rc;
			k = plat_user_page(pg);
		} else {
			/* A page the file fills whole needs no zeroing. */
			k = whole ? plat_pages_alloc_dirty(0) :
			    plat_pages_alloc(0);
			if (k == NULL)
				return -ENOMEM;
			rc = plat_user_map_page(pg, k, prot);
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

/*
 * Regions (of kind: the program's VMR_ELF, the interpreter's VMR_ANON)
 * for the segments; a page two segments share gets the union.
 */
static int
map_segments(const uint8_t *file, const struct elf_image *img,
    uint64_t bias, unsigned kind, struct file *src)
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
			rc = vm_add(start, end, s->prot, kind);
			if (rc != 0)
				return rc;
		}
		prev_end = end;
	}
	for (int i = 0; i < img->nsegs; i++) {
		rc = load_segment_data(file, &img->seg[i], bias, src);
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

/* The reason a load failed, when it names a file. */
static char why_buf[160];

static const char *
why_path(const char *what, const char *path, const char *detail)
{
	ksnprintf(why_buf, sizeof(why_buf), "%s %.96s: %s", what, path,
	    detail);
	return why_buf;
}

/*
 * The regular file at path, opened in *fp, and the whole of it: in
 * place (*owned NULL) while the archive still holds it as it is, else
 * read into a kmalloc'd buffer, *owned.
 */
static int
open_whole_file(const char *path, struct file **fp, const void **out,
    size_t *len, void **owned, const char **why)
{
	struct file *f;
	struct kstat st;
	int rc;

	rc = vfs_open(AT_FDCWD, path, O_RDONLY, 0, &f);
	if (rc != 0) {
		*why = why_path("dynamic executable (PT_INTERP): interpreter",
		    path, rc == -ENOENT ? "no such file in the root file "
		    "system (ENOENT); give it with --rootfs or --pack" :
		    "cannot be opened");
		return rc;
	}
	rc = file_stat(f, &st);
	if (rc == 0 && (st.mode & S_IFMT) != S_IFREG)
		rc = -EACCES;		/* as execve: not a regular file */
	if (rc == 0 && (st.size == 0 || st.size > INTERP_MAX_SIZE))
		rc = -ELIBBAD;
	if (rc == 0)
		rc = file_whole(f, st.size, out, owned);
	if (rc != 0) {
		file_put(f);
		*why = why_path("interpreter", path, rc == -EACCES ?
		    "not a regular file" : rc == -ELIBBAD ? "empty or too "
		    "large" : "cannot be read");
		return rc;
	}
	*fp = f;
	*len = st.size;
	return 0;
}

/*
 * Map the interpreter at path into the mmap area (top-down, as Linux
 * places it) and store its bias (AT_BASE) and biased entry.
 */
static int
load_interp(const char *path, uint64_t *base, uint64_t *entry,
    const char **why)
{
	struct elf_image img;
	const char *reason;
	const void *buf;
	void *owned;
	struct file *f;
	size_t len;
	uint64_t bias = 0;
	long addr;
	int rc;

	rc = open_whole_file(path, &f, &buf, &len, &owned, why);
	if (rc != 0)
		return rc;
	/* Linux's load_elf_binary(): a bad interpreter is ELIBBAD. */
	if (elf_parse(buf, len, &img, &reason) != 0)
		rc = -ELIBBAD;
	else if (img.interp_len != 0) {
		reason = "names an interpreter itself (PT_INTERP)";
		rc = -ELIBBAD;
	}
	if (rc == 0 && img.pie) {
		addr = vm_place(img.hi - img.lo);
		if (addr < 0)
			rc = (int)addr;
		else
			bias = (uint64_t)addr - img.lo;
		reason = "no room for it in the address space";
	}
	if (rc == 0) {
		rc = map_segments(buf, &img, bias, VMR_ANON, f);
		reason = rc == -EEXIST ? "its fixed addresses (ET_EXEC) "
		    "overlap the program's" : "cannot map its segments (out "
		    "of memory?)";
		if (rc == -EEXIST)
			rc = -ELIBBAD;
	}
	kfree(owned);
	file_put(f);
	if (rc != 0) {
		*why = why_path("interpreter", path, reason);
		return rc;
	}
	*base = bias;
	*entry = img.entry + bias;
	return 0;
}

/* The interpreter a dynamic ELF names: copied out (file may go away). */
static int
exec_interp(const uint8_t *file, const struct elf_image *img,
    uint64_t *base, uint64_t *entry, const char **why)
{
	char *path;
	int rc;

	path = kmalloc(img->interp_len + 1);
	if (path == NULL)
		return -ENOMEM;
	memcpy(path, file + img->interp_off, img->interp_len + 1);
	rc = load_interp(path, base, entry, why);
	kfree(path);
	return rc;
}

uint64_t exec_load_bias;

int
exec_load(const void *file, size_t len, struct exec_info *ei,
    const char **why)
{
	struct elf_image img;
	struct exec_stack_args *a = &ei->args;
	uint8_t rnd[sizeof(a->random) + sizeof(draws)];
	uint64_t bias = 0, off, ibase = 0, ientry = 0;
	int rc;

	norandmaps = ei->norandmaps;
	rc = elf_parse(file, len, &img, why);
	if (rc != 0)
		return rc;
	rc = plat_crng_fill(rnd, sizeof(rnd));
	memcpy(a->random, rnd, sizeof(a->random));
	memcpy(draws, rnd + sizeof(a->random), sizeof(draws));
	memset(rnd, 0, sizeof(rnd));
	ndraws = 0;
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
	rc = map_segments(file, &img, bias, VMR_ELF, ei->file);
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
	if (img.interp_len != 0) {
		rc = exec_interp(file, &img, &ibase, &ientry, why);
		if (rc != 0)
			return rc;
	}
	*why = "cannot map the vDSO (out of memory?)";
	rc = map_vdso(a);
	if (rc != 0)
		return rc;
	ei->entry = img.interp_len != 0 ? ientry : img.entry + bias;
	ei->bias = bias;
	ei->interp_base = ibase;
	a->phdr = img.phdr_vaddr + bias;
	a->phent = img.phentsize;
	a->phnum = img.phnum;
	a->entry = img.entry + bias;
	a->base = ibase;
	*why = "cannot build its initial stack (arguments too large?)";
	return setup_stack(a, &ei->sp);
}
