/*
 * kernel/internal.h: declarations shared among kernel/ files only.
 */
#ifndef KERNEL_INTERNAL_H
#define KERNEL_INTERNAL_H

#include "kernel/kernel.h"

/* ---- ELF parsing (kernel/elf.c) ---- */

#define ELF_MAX_SEGMENTS	32

struct elf_segment {
	uint64_t vaddr;		/* p_vaddr, unbiased */
	uint64_t memsz;
	uint64_t offset;	/* in the file */
	uint64_t filesz;
	uint32_t prot;		/* PROT_* from p_flags */
};

struct elf_image {
	bool pie;		/* ET_DYN: load at a random bias */
	bool exec_stack;	/* PT_GNU_STACK has PF_X (or is absent) */
	uint64_t entry;		/* e_entry, unbiased */
	uint64_t phdr_vaddr;	/* where the program headers are mapped */
	uint16_t phnum;
	uint16_t phentsize;
	uint64_t lo;		/* page-aligned lowest vaddr of all PT_LOAD */
	uint64_t hi;		/* page-aligned end of the highest PT_LOAD */
	int nsegs;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * elf_parse: validate a static x86_64 ELF executable (ET_EXEC, or ET_DYN
 * for static-PIE) of len bytes and describe its loadable segments.
 * Returns 0, or -ENOEXEC with *why set to a static one-line reason
 * ("dynamic executable (PT_INTERP): ...", "PT_LOAD segments overlap",
 * ...) and *img zeroed.  why may be NULL.  Never reads outside [file,
 * file+len); safe on any input (fuzzed).  Segments are checked to fit in
 * user space for the worst-case PIE bias the loader may add
 * (ELF_PIE_BIAS_MAX).
 *
 * On success: seg[] holds the non-empty PT_LOADs in ascending vaddr
 * order; each has filesz <= memsz, its file bytes inside the file,
 * vaddr == offset modulo PAGE_SIZE, and is never both writable and
 * executable.  No two segments share a byte, but seg[i]'s last page may
 * be seg[i + 1]'s first (linkers run with a max-page-size below 4 KiB do
 * this; test: PAGE_ALIGN_DOWN(seg[i+1].vaddr) <
 * PAGE_ALIGN_UP(seg[i].vaddr + seg[i].memsz)).  Such segments have the
 * same vaddr - offset, and the union of the prots of all segments
 * touching a shared page is never W+X: the loader maps the page once
 * with that union and fills it by copying each segment's file bytes
 * (zeros elsewhere).  entry lies in the file bytes of a PROT_EXEC
 * segment; phdr_vaddr (PT_PHDR, or computed from the PT_LOAD holding
 * e_phoff) lies in the file bytes of a segment.  lo/hi are unbiased.
 */
#define ELF_PIE_BIAS_MAX	(ET_DYN_BASE + (1ull << 40))
int elf_parse(const void *file, size_t len, struct elf_image *img,
    const char **why);

/* ---- The initial user stack (kernel/exec_stack.c) ---- */


/*
 * exec_stack_build: lay out the initial process stack exactly as Linux's
 * create_elf_tables() does (from the top: 8 zero bytes, the execfn, envp
 * and argv strings, the platform string, the 16 AT_RANDOM bytes, padding,
 * auxv, envp, argv, argc) into buf, which stands for user memory
 * [top - size, top).  On success stores the user stack pointer (16-byte
 * aligned, pointing at argc) in *sp and returns 0; bytes of buf below
 * *sp are not touched.  -E2BIG if it does not fit or argc/envc are
 * negative or absurd; -EINVAL for a NULL argv/envp string or
 * size > top.  A NULL execfn is stored as "", a NULL platform omits
 * AT_PLATFORM.  Never writes outside buf.
 */
int exec_stack_build(uint8_t *buf, size_t size, uint64_t top,
    const struct exec_stack_args *a, uint64_t *sp);

/* ---- Open files (kernel/file.c) ---- */

/*
 * Called for every file whose last reference is gone, before its release
 * operation: epoll uses it to drop its (reference-less) interest in the
 * file, as Linux's eventpoll_release.  One hook; NULL for none.
 */
void file_set_release_hook(void (*fn)(struct file *f));

/* ---- Tar archives: the root filesystem's format (kernel/tar.c) ---- */

#define TAR_PATH_MAX	4096	/* with the NUL, like PATH_MAX */
#define TAR_NAME_MAX	255	/* one component */

/* Entry types, the ustar typeflag values. */
#define TAR_REG		'0'
#define TAR_HARDLINK	'1'
#define TAR_SYMLINK	'2'
#define TAR_CHR		'3'
#define TAR_BLK		'4'
#define TAR_DIR		'5'
#define TAR_FIFO	'6'

struct tar_entry {
	const char *name;	/* clean relative path ("" is the root) */
	const char *linkname;	/* symlink target, or clean hard link path */
	char type;		/* TAR_* */
	uint32_t mode;		/* permission bits, 07777 */
	uint32_t uid, gid;
	uint64_t mtime_ns;
	uint32_t devmajor, devminor;
	const uint8_t *data;	/* TAR_REG: size bytes inside the archive */
	uint64_t size;
};

/* Iteration state; large (the name buffers), so not for the stack. */
struct tar_iter {
	const uint8_t *base;
	size_t len, off;
	bool done, failed;
	const char *why;	/* reason for -EINVAL or TAR_REFUSED */
	/* Overrides for the next entry (pax 'x', GNU 'L'/'K' headers). */
	bool has_path, has_link, has_size, has_uid, has_gid, has_mtime;
	bool bad_path, bad_link;	/* an override was too long */
	uint64_t size, mtime_ns;
	uint32_t uid, gid;
	char path[TAR_PATH_MAX], link[TAR_PATH_MAX];
	char name[TAR_PATH_MAX], linkname[TAR_PATH_MAX];
};

/*
 * tar_next: the next entry of the archive [it->base, it->base + it->len)
 * (tar_begin sets it up).  ustar, pax (path, linkpath, size, uid, gid,
 * mtime) and GNU (base-256 numbers, 'L' long names, 'K' long link names)
 * are understood.  Returns TAR_ENTRY with *e filled (pointers into *it
 * and the archive, valid until the next call), TAR_REFUSED for an entry
 * that is skipped (e->name holds its raw name, it->why the reason: a
 * ".." component, a name too long, an unsupported type), 0 at the end
 * (two zero blocks, or the end of the data), or -EINVAL for a damaged
 * archive (bad checksum or number, data past the end, bad pax record;
 * it->why says which), after which it keeps returning -EINVAL.  Never
 * reads outside the archive; safe on any input (fuzzed).
 */
#define TAR_ENTRY	1
#define TAR_REFUSED	2
void tar_begin(struct tar_iter *it, const void *archive, size_t len);
int tar_next(struct tar_iter *it, struct tar_entry *e);
/*
 * tar_clean_path: the canonical form of an archive member name: leading
 * '/', "." and empty components dropped ("./a//b/" -> "a/b", "./" ->
 * "").  -EINVAL for a ".." component, -ENAMETOOLONG for a component of
 * more than TAR_NAME_MAX bytes or a result that does not fit in out.
 */
int tar_clean_path(const char *in, size_t inlen, char *out, size_t outsz);

#endif
