/*
 * kernel/elf.c: validation of an x86_64 ELF executable (the guest, or
 * the interpreter a dynamic one names in PT_INTERP).
 *
 * The ELF is hostile input (it is fuzzed): every header is copied out of
 * the file with its bounds checked first, every sum is checked for
 * overflow before it is used, and each refusal names its reason in one
 * static line.  Nothing here maps memory; the loader acts on the
 * struct elf_image this file fills in.
 *
 * Shared pages.  Linkers run with a max-page-size below 4 KiB put two
 * segments on one page (text ending at 0x4781f1, rodata starting at
 * 0x478200).  GNU ld, gold and lld with their default page sizes never
 * do, but the layout is legal ELF, so it is accepted when it is
 * consistent: the segments do not share a byte, they map the same file
 * page there (equal p_vaddr - p_offset), and the union of the
 * permissions of every segment touching the page is not writable and
 * executable.  The loader gives such a page that union (see internal.h).
 */
#include "kernel/internal.h"

/* ELF64 file header (Elf64_Ehdr in the System V gABI). */
struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

/* ELF64 program header (Elf64_Phdr in the System V gABI). */
struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr size");
_Static_assert(offsetof(struct elf64_ehdr, e_type) == 16, "e_type");
_Static_assert(offsetof(struct elf64_ehdr, e_entry) == 24, "e_entry");
_Static_assert(offsetof(struct elf64_ehdr, e_phoff) == 32, "e_phoff");
_Static_assert(offsetof(struct elf64_ehdr, e_phentsize) == 54,
    "e_phentsize");
_Static_assert(offsetof(struct elf64_ehdr, e_phnum) == 56, "e_phnum");
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr size");
_Static_assert(offsetof(struct elf64_phdr, p_offset) == 8, "p_offset");
_Static_assert(offsetof(struct elf64_phdr, p_vaddr) == 16, "p_vaddr");
_Static_assert(offsetof(struct elf64_phdr, p_filesz) == 32, "p_filesz");
_Static_assert(offsetof(struct elf64_phdr, p_memsz) == 40, "p_memsz");
_Static_assert(offsetof(struct elf64_phdr, p_align) == 48, "p_align");

/* e_ident[] indices and values. */
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1

/* e_type, e_machine. */
#define ET_REL		1
#define ET_EXEC		2
#define ET_DYN		3
#define ET_CORE		4
#define EM_X86_64	62

/* p_type. */
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_PHDR		6
#define PT_TLS		7
#define PT_GNU_STACK	0x6474e551

/* p_flags. */
#define PF_X		0x1
#define PF_W		0x2
#define PF_R		0x4

/* More program headers than this is not a real executable. */
#define ELF_MAX_PHNUM	256
/* Linux's limit on the PT_INTERP string (PATH_MAX, its NUL included). */
#define ELF_INTERP_MAX	4096

static int
refuse(const char **why, const char *reason)
{
	*why = reason;
	return -ENOEXEC;
}

static bool
is_pow2_or_zero(uint64_t x)
{
	return (x & (x - 1)) == 0;
}

static uint32_t
prot_of(uint32_t p_flags)
{
	uint32_t prot = PROT_NONE;

	if (p_flags & PF_R)
		prot |= PROT_READ;
	if (p_flags & PF_W)
		prot |= PROT_WRITE;
	if (p_flags & PF_X)
		prot |= PROT_EXEC;
	return prot;
}

/* The file header: identity, then where the program headers are. */
static int
elf_check_ehdr(const struct elf64_ehdr *eh, size_t len, const char **why)
{
	uint64_t phsize;

	if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
		return refuse(why, "not an ELF file (bad magic)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return refuse(why, "not a 64-bit ELF (ELFCLASS64)");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return refuse(why, "not a little-endian ELF (ELFDATA2LSB)");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return refuse(why, "bad ELF version");
	if (eh->e_machine != EM_X86_64)
		return refuse(why, "not an x86_64 ELF (EM_X86_64)");
	if (eh->e_type == ET_REL || eh->e_type == ET_CORE)
		return refuse(why, "not an executable (ET_REL or ET_CORE)");
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return refuse(why, "ELF type is not ET_EXEC or ET_DYN");
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return refuse(why, "e_phentsize is not sizeof(Elf64_Phdr)");
	if (eh->e_phnum == 0)
		return refuse(why, "no program headers");
	if (eh->e_phnum > ELF_MAX_PHNUM)
		return refuse(why, "too many program headers (e_phnum > 256)");
	phsize = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
	if (eh->e_phoff > len || phsize > len - eh->e_phoff)
		return refuse(why, "program headers outside the file");
	return 0;
}

/* One PT_LOAD on its own: sizes, file range, alignment, address range. */
static int
elf_check_load(const struct elf64_phdr *ph, bool pie, size_t len,
    const char **why)
{
	uint64_t limit;

	if (ph->p_filesz > ph->p_memsz)
		return refuse(why, "PT_LOAD has p_filesz > p_memsz");
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return refuse(why, "PT_LOAD extends past the end of the file");
	if (!is_pow2_or_zero(ph->p_align))
		return refuse(why, "PT_LOAD p_align is not a power of two");
	if (((ph->p_vaddr ^ ph->p_offset) & (PAGE_SIZE - 1)) != 0)
		return refuse(why,
		    "PT_LOAD p_vaddr and p_offset differ modulo the page size");
	if ((ph->p_flags & (PF_W | PF_X)) == (PF_W | PF_X))
		return refuse(why, "W+X segment (PT_LOAD both PF_W and PF_X)");
	/* Worst case for a PIE: the loader adds up to ELF_PIE_BIAS_MAX. */
	limit = pie ? USER_MAX - ELF_PIE_BIAS_MAX : USER_MAX;
	if (ph->p_vaddr > limit || ph->p_memsz > limit - ph->p_vaddr)
		return refuse(why, "PT_LOAD outside user space");
	if (!pie && ph->p_vaddr < USER_MIN)
		return refuse(why, "PT_LOAD below the lowest user address");
	return 0;
}

static int
elf_add_load(struct elf_image *img, const struct elf64_phdr *ph,
    size_t len, const char **why)
{
	struct elf_segment *s;
	int error;

	error = elf_check_load(ph, img->pie, len, why);
	if (error != 0)
		return error;
	/* An empty PT_LOAD maps nothing (Linux skips it too). */
	if (ph->p_memsz == 0)
		return 0;
	if (img->nsegs == ELF_MAX_SEGMENTS)
		return refuse(why, "too many PT_LOAD segments");
	s = &img->seg[img->nsegs++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->prot = prot_of(ph->p_flags);
	return 0;
}

/*
 * The segments together: ascending, disjoint, and where two share a page,
 * consistent (see the top of the file).  prot accumulates the permissions
 * of the page the previous segment ends on.
 */
static int
elf_check_layout(struct elf_image *img, const char **why)
{
	const struct elf_segment *a, *b;
	uint32_t prot;
	int i;

	prot = img->seg[0].prot;
	for (i = 1; i < img->nsegs; i++) {
		a = &img->seg[i - 1];
		b = &img->seg[i];
		if (b->vaddr < a->vaddr)
			return refuse(why,
			    "PT_LOAD segments not in ascending address order");
		if (b->vaddr - a->vaddr < a->memsz)
			return refuse(why, "PT_LOAD segments overlap");
		if (PAGE_ALIGN_DOWN(b->vaddr) <
		    PAGE_ALIGN_UP(a->vaddr + a->memsz)) {
			if (a->vaddr - a->offset != b->vaddr - b->offset)
				return refuse(why, "segments share a page "
				    "but map different file pages there");
			prot |= b->prot;
			if ((prot & (PROT_WRITE | PROT_EXEC)) ==
			    (PROT_WRITE | PROT_EXEC))
				return refuse(why, "segments share a page "
				    "that would be W+X");
		} else
			prot = b->prot;
		/* A segment that spans pages starts a fresh last page. */
		if (PAGE_ALIGN_DOWN(b->vaddr) !=
		    PAGE_ALIGN_DOWN(b->vaddr + b->memsz - 1))
			prot = b->prot;
	}
	img->lo = PAGE_ALIGN_DOWN(img->seg[0].vaddr);
	a = &img->seg[img->nsegs - 1];
	img->hi = PAGE_ALIGN_UP(a->vaddr + a->memsz);
	return 0;
}

/* The segment whose file-backed bytes hold [vaddr, vaddr + size), or NULL. */
static const struct elf_segment *
elf_find_vaddr(const struct elf_image *img, uint64_t vaddr, uint64_t size)
{
	const struct elf_segment *s;
	int i;

	for (i = 0; i < img->nsegs; i++) {
		s = &img->seg[i];
		if (vaddr >= s->vaddr && vaddr - s->vaddr <= s->filesz &&
		    size <= s->filesz - (vaddr - s->vaddr))
			return s;
	}
	return NULL;
}

/*
 * Where the guest finds its program headers (AT_PHDR): PT_PHDR if there
 * is one, else the PT_LOAD holding e_phoff, as Linux computes it.  Either
 * way the table must be loaded, since static libcs read it (PT_TLS).
 */
static int
elf_find_phdr(struct elf_image *img, const struct elf64_ehdr *eh,
    bool have_pt_phdr, uint64_t pt_phdr_vaddr, const char **why)
{
	const struct elf_segment *s;
	uint64_t size;
	int i;

	size = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
	if (have_pt_phdr) {
		if (elf_find_vaddr(img, pt_phdr_vaddr, size) == NULL)
			return refuse(why,
			    "PT_PHDR is not inside a loaded segment");
		img->phdr_vaddr = pt_phdr_vaddr;
		return 0;
	}
	for (i = 0; i < img->nsegs; i++) {
		s = &img->seg[i];
		if (eh->e_phoff >= s->offset &&
		    eh->e_phoff - s->offset <= s->filesz &&
		    size <= s->filesz - (eh->e_phoff - s->offset)) {
			img->phdr_vaddr = s->vaddr + (eh->e_phoff - s->offset);
			return 0;
		}
	}
	return refuse(why, "program headers are not in a loaded segment");
}

static int
elf_check_entry(const struct elf_image *img, uint64_t entry,
    const char **why)
{
	const struct elf_segment *s;

	s = elf_find_vaddr(img, entry, 1);
	if (s == NULL || (s->prot & PROT_EXEC) == 0)
		return refuse(why, "entry point is not in an executable segment");
	return 0;
}

/*
 * PT_INTERP: the interpreter's path, a NUL-terminated string inside the
 * file (Linux's load_elf_binary() checks the same: size 2..PATH_MAX,
 * last byte NUL).  Linux uses the first one; so does Cloister.
 */
static int
elf_set_interp(struct elf_image *img, const struct elf64_phdr *ph,
    const uint8_t *file, size_t len, const char **why)
{
	if (img->interp_len != 0)
		return 0;
	if (ph->p_filesz < 2 || ph->p_filesz > ELF_INTERP_MAX)
		return refuse(why, "PT_INTERP path is empty or too long");
	if (ph->p_offset > len || ph->p_filesz > len - ph->p_offset)
		return refuse(why, "PT_INTERP extends past the end of the file");
	if (file[ph->p_offset + ph->p_filesz - 1] != '\0' ||
	    memchr(file + ph->p_offset, '\0', ph->p_filesz - 1) != NULL)
		return refuse(why, "PT_INTERP is not one NUL-terminated path");
	img->interp_off = ph->p_offset;
	img->interp_len = (uint32_t)ph->p_filesz - 1;
	return 0;
}

/*
 * Walk the program headers.  Runs a little over 40 lines: it is the one
 * switch on p_type.
 */
static int
elf_scan_phdrs(struct elf_image *img, const struct elf64_ehdr *eh,
    const uint8_t *file, size_t len, const char **why)
{
	struct elf64_phdr ph;
	bool have_pt_phdr;
	uint64_t pt_phdr_vaddr;
	int error, i;

	have_pt_phdr = false;
	pt_phdr_vaddr = 0;
	img->exec_stack = true;		/* No PT_GNU_STACK: executable. */
	for (i = 0; i < eh->e_phnum; i++) {
		memcpy(&ph, file + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		switch (ph.p_type) {
		case PT_LOAD:
			error = elf_add_load(img, &ph, len, why);
			if (error != 0)
				return error;
			break;
		case PT_INTERP:
			error = elf_set_interp(img, &ph, file, len, why);
			if (error != 0)
				return error;
			break;
		case PT_GNU_STACK:
			img->exec_stack = (ph.p_flags & PF_X) != 0;
			break;
		case PT_PHDR:
			if (!have_pt_phdr) {
				have_pt_phdr = true;
				pt_phdr_vaddr = ph.p_vaddr;
			}
			break;
		default:
			/* PT_TLS, PT_DYNAMIC, notes: the guest's business. */
			break;
		}
	}
	if (img->nsegs == 0)
		return refuse(why, "no PT_LOAD segment");
	error = elf_check_layout(img, why);
	if (error != 0)
		return error;
	error = elf_find_phdr(img, eh, have_pt_phdr, pt_phdr_vaddr, why);
	if (error != 0)
		return error;
	return elf_check_entry(img, eh->e_entry, why);
}

int
elf_parse(const void *file, size_t len, struct elf_image *img,
    const char **why)
{
	struct elf64_ehdr eh;
	const char *dummy;
	int error;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	memset(img, 0, sizeof(*img));
	if (file == NULL || len < sizeof(eh))
		return refuse(why, "too short for an ELF header");
	memcpy(&eh, file, sizeof(eh));
	error = elf_check_ehdr(&eh, len, why);
	if (error != 0)
		return error;
	img->pie = eh.e_type == ET_DYN;
	img->entry = eh.e_entry;
	img->phnum = eh.e_phnum;
	img->phentsize = eh.e_phentsize;
	error = elf_scan_phdrs(img, &eh, file, len, why);
	if (error != 0)
		memset(img, 0, sizeof(*img));
	return error;
}
