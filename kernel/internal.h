/*
 * kernel/internal.h: declarations shared among kernel/ files only.
 */
#ifndef KERNEL_INTERNAL_H
#define KERNEL_INTERNAL_H

#include "kernel/kernel.h"

/* User address space limits (47-bit canonical lower half). */
#define USER_MIN	0x10000ull		/* like vm.mmap_min_addr */
#define USER_MAX	0x00007ffffffff000ull	/* exclusive */
#define USER_STACK_TOP	0x00007ffffffde000ull	/* below a guard gap */
#define ET_DYN_BASE	0x0000555555554000ull	/* + random page offset */

/* Protection bits, Linux's values. */
#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4

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

struct exec_stack_args {
	int argc;
	const char *const *argv;
	int envc;
	const char *const *envp;
	const char *execfn;		/* AT_EXECFN string */
	const char *platform;		/* AT_PLATFORM string, "x86_64" */
	uint8_t random[16];		/* AT_RANDOM bytes */
	uint64_t phdr, phent, phnum;	/* biased AT_PHDR etc. */
	uint64_t entry;			/* biased AT_ENTRY */
	uint64_t base;			/* AT_BASE: 0 for static binaries */
	uint64_t hwcap, hwcap2;
	uint64_t minsigstksz;
	uint64_t uid, gid;		/* AT_UID/EUID, AT_GID/EGID */
	uint64_t clktck;		/* AT_CLKTCK, 100 */
	uint64_t secure;		/* AT_SECURE, 0 */
};

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

/* ---- Kernel command line (kernel/cmdline.c) ---- */

#define CMDLINE_MAX_ARGS	256
#define CMDLINE_MAX_ENV		256

/*
 * The command line is "[kernel options] -- guest-argv...".  Words are
 * separated by spaces; a word may be quoted with "..." and any character
 * escaped with a backslash (scripts/run quotes every guest word).  Kernel
 * options: "strace" (trace syscalls), "quiet" (no kernel log),
 * "env=NAME=VALUE" (repeatable: the guest's environment), "loglevel=N".
 * Unknown options (and a malformed env= or loglevel=) are reported in
 * unknown[] (the first 16) and ignored.  Without "--", every word is a
 * kernel option and argv is empty; after it every word, "--" included,
 * is guest argv.  Words are separated by spaces, tabs or newlines; an
 * unterminated quote runs to the end of the line.  loglevel is -1 when
 * not given.  envp[i] points at "NAME=VALUE".
 */
struct kcmdline {
	bool strace;
	bool quiet;
	int loglevel;
	int argc;
	char *argv[CMDLINE_MAX_ARGS + 1];	/* NULL-terminated */
	int envc;
	char *envp[CMDLINE_MAX_ENV + 1];	/* NULL-terminated */
	int nunknown;
	char *unknown[16];
	char buf[4096 + 16];			/* storage for the words */
};

/*
 * Returns 0, or -E2BIG when argv, envp or buf overflow: the words parsed
 * so far are kept, the rest of the line is ignored, argv and envp stay
 * NULL-terminated.  line may be NULL (empty).
 */
int cmdline_parse(const char *line, struct kcmdline *out);

#endif
