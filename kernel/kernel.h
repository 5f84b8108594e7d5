/*
 * kernel.h: the library-OS core's public header (used by shim/ and by
 * platform_start to enter the kernel).  kernel/ is written only against
 * platform/platform.h.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include "platform/platform.h"

/*
 * Kernel heap (kernel/heap.c): small-object slabs for sizes up to 2 KiB,
 * page-backed allocations above.  kmalloc returns 16-byte aligned memory
 * or NULL; kzalloc zeroes it; kfree(NULL) is a no-op.  In debug builds
 * (HEAP_DEBUG) a double free, a free of a pointer that kmalloc never
 * returned and a write past the end of an object (red zone) are detected
 * at kfree time and panic.  Any context.
 */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* Bytes currently handed out by the heap (for leak checks). */
size_t kheap_in_use(void);

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

/* ---- The guest address space (kernel/vm.c) ---- */

/* What a region is for (names in /proc/self/maps). */
enum vm_kind {
	VMR_ANON = 0,
	VMR_ELF,
	VMR_HEAP,
	VMR_STACK,
};

struct vm_region {
	uint64_t start;		/* page-aligned, inclusive */
	uint64_t end;		/* page-aligned, exclusive */
	uint32_t prot;		/* PROT_* */
	uint32_t kind;		/* enum vm_kind */
};

#define VM_FIXED		0x1
#define VM_FIXED_NOREPLACE	0x2
#define VM_MREMAP_MAYMOVE	1	/* Linux's MREMAP_* values */
#define VM_MREMAP_FIXED		2
#define VM_MREMAP_DONTUNMAP	4
#define VM_STACK_GAP		(256ull << 20)	/* stack rlimit + guard */

/* Forget every region (the pages must already be gone). */
void vm_reset(void);
/* Where brk starts and below which mmap allocates top-down. */
void vm_set_layout(uint64_t brk_base, uint64_t mmap_top);
/* Add a region over a free, page-aligned range: 0, -EEXIST, -EACCES. */
int vm_add(uint64_t start, uint64_t end, unsigned prot, unsigned kind);
const struct vm_region *vm_find(uint64_t addr);
int vm_region_count(void);
const struct vm_region *vm_region_at(int i);

/* The syscalls' logic, with Linux's argument checks and errors. */
long vm_mmap(uint64_t addr, uint64_t len, unsigned prot, unsigned flags);
int vm_munmap(uint64_t addr, uint64_t len);
int vm_mprotect(uint64_t addr, uint64_t len, unsigned prot);
long vm_mremap(uint64_t old, uint64_t oldlen, uint64_t newlen,
    unsigned flags, uint64_t newaddr);
long vm_brk(uint64_t want);
int vm_madvise_dontneed(uint64_t addr, uint64_t len);
/* The platform's demand_fault upcall. */
int vm_demand_fault(uint64_t addr, bool write, bool exec);
/* No page for a valid fault: end the guest (kernel/exit.c). */
void vm_oom(uint64_t addr);

/* ---- The initial stack's contents ---- */

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

/* ---- Loading the guest (kernel/exec.c) ---- */

struct exec_info {
	struct exec_stack_args args;	/* caller fills argv, envp, ... */
	uint64_t entry;			/* biased entry point */
	uint64_t sp;			/* initial user stack pointer */
	uint64_t brk;			/* initial program break */
};

/*
 * exec_load: parse and map the ELF, set up brk and mmap layout, build
 * the stack from ei->args (argv, envp, execfn, platform, hwcap...; the
 * loader fills phdr, entry, base and random).  Returns 0, or -errno with
 * *why a one-line reason.
 */
int exec_load(const void *file, size_t len, struct exec_info *ei,
    const char **why);

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
