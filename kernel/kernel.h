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

/* ---- Futexes (kernel/futex.c) ---- */

/*
 * futex_wait: if the u32 at uaddr still equals val, sleep until a
 * matching futex_wake (bitset overlap), the absolute monotonic deadline
 * (ns, 0 = none) or an interruption.  Returns 0 (woken; spurious
 * returns possible), -EAGAIN (value differs), -ETIMEDOUT, -EINTR,
 * -EFAULT, -EINVAL (misaligned, bitset 0).
 */
int futex_wait(uint64_t uaddr, uint32_t val, uint64_t deadline_ns,
    uint32_t bitset);
/* Wake up to n waiters whose bitset overlaps; returns how many. */
int futex_wake(uint64_t uaddr, int n, uint32_t bitset);
int futex_requeue(uint64_t uaddr, int nwake, int nmove, uint64_t uaddr2,
    bool check, uint32_t val);
int futex_wake_op(uint64_t uaddr, int n, uint64_t uaddr2, int n2,
    uint32_t op);
/* Release the robust futexes a dying thread (tid) still holds. */
void futex_exit_robust(uint64_t head, uint32_t tid);

/* ---- Open files and the descriptor table (kernel/file.c, kernel/fd.c) ---- */

/* open(2) flags, Linux's values. */
#define O_ACCMODE	0003
#define O_RDONLY	00
#define O_WRONLY	01
#define O_RDWR		02
#define O_CREAT		0100
#define O_EXCL		0200
#define O_NOCTTY	0400
#define O_TRUNC		01000
#define O_APPEND	02000
#define O_NONBLOCK	04000
#define O_DSYNC		010000
#define O_DIRECT	040000
#define O_LARGEFILE	0100000
#define O_DIRECTORY	0200000
#define O_NOFOLLOW	0400000
#define O_NOATIME	01000000
#define O_CLOEXEC	02000000
#define O_PATH		010000000
#define O_TMPFILE	(020000000 | O_DIRECTORY)

/* poll(2) events, Linux's values. */
#define POLLIN		0x001
#define POLLPRI		0x002
#define POLLOUT		0x004
#define POLLERR		0x008
#define POLLHUP		0x010
#define POLLNVAL	0x020
#define POLLRDNORM	0x040
#define POLLRDBAND	0x080
#define POLLWRNORM	0x100
#define POLLWRBAND	0x200
#define POLLRDHUP	0x2000

/* File types in st_mode, Linux's values. */
#define S_IFMT		0170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000

/* What fstat and friends report; the shim converts to struct stat/statx. */
struct kstat {
	uint64_t dev, ino, rdev;
	uint32_t mode, nlink, uid, gid;
	uint64_t size, blksize, blocks;
	uint64_t atime_ns, mtime_ns, ctime_ns;
};

struct file;

/*
 * What a kind of open file can do.  Buffers are kernel memory (the shim
 * copies to and from the guest).  A NULL operation means the file cannot
 * do it: the callers in kernel/file.c turn that into Linux's error
 * (read/write EINVAL, pread/pwrite/lseek ESPIPE, ioctl ENOTTY, getdents
 * ENOTDIR).  read/write return bytes, 0 at end of file, or -errno; a
 * file that has nothing to give returns -EAGAIN and the caller blocks
 * (unless O_NONBLOCK) until file_notify() says something changed.
 */
struct file_ops {
	long (*read)(struct file *f, void *buf, size_t len);
	long (*write)(struct file *f, const void *buf, size_t len);
	long (*pread)(struct file *f, void *buf, size_t len, uint64_t off);
	long (*pwrite)(struct file *f, const void *buf, size_t len,
	    uint64_t off);
	long (*lseek)(struct file *f, int64_t off, int whence);
	/* Current readiness: POLLIN | POLLOUT | POLLHUP | POLLERR... */
	unsigned (*poll)(struct file *f);
	/* arg is the raw user argument (often a user pointer). */
	long (*ioctl)(struct file *f, unsigned long cmd, uint64_t arg);
	int (*stat)(struct file *f, struct kstat *st);
	/* Linux dirent64 records into buf; 0 at the end. */
	long (*getdents)(struct file *f, void *buf, size_t len);
	int (*truncate)(struct file *f, uint64_t len);
	/* Last reference gone. */
	void (*release)(struct file *f);
};

struct file {
	const struct file_ops *ops;
	uint32_t flags;		/* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
	uint32_t refs;
	uint64_t pos;		/* for seekable files */
	void *priv;		/* the kind's own state */
};

/* A new file with one reference, or NULL (ENOMEM). */
struct file *file_alloc(const struct file_ops *ops, uint32_t flags,
    void *priv);
struct file *file_get(struct file *f);	/* +1 reference */
void file_put(struct file *f);		/* -1; release at 0 */

/*
 * Readiness changes.  Anything that may make some file readable or
 * writable (data arrived, space freed, a peer closed) calls file_notify();
 * a thread waiting for any readiness change calls file_wait() with the
 * epoch it read (file_epoch()) before checking.  Any context for notify;
 * file_wait blocks (thread context) and returns 0, -ETIMEDOUT (absolute
 * monotonic deadline in ns, 0 = none) or -EINTR.
 */
uint32_t file_epoch(void);
void file_notify(void);
int file_wait(uint32_t seen, uint64_t deadline_ns);

/*
 * The descriptor table (one process).  fd_install puts f at the lowest
 * free descriptor >= minfd (taking over the caller's reference) and
 * returns it, or -EMFILE.  fd_get returns the file with a new reference
 * (the caller file_put()s it) or NULL.  fd_close returns 0 or -EBADF.
 */
#define FD_LIMIT	1024	/* RLIMIT_NOFILE soft limit */
int fd_install(struct file *f, int minfd, bool cloexec);
struct file *fd_get(int fd);
int fd_close(int fd);
/* dup2/dup3 semantics: newfd replaced atomically; -EBADF, -EINVAL. */
int fd_dup_to(int oldfd, int newfd, bool cloexec);
int fd_get_cloexec(int fd);		/* 0/1 or -EBADF */
int fd_set_cloexec(int fd, bool on);

/* ---- Using open files (kernel/file.c) and more of the table (kernel/fd.c) ---- */

/*
 * The generic callers of struct file_ops.  Each checks the access mode
 * (-EBADF: reading a write-only file, writing a read-only one, anything
 * but stat on an O_PATH file) and maps a missing operation to Linux's
 * error.  file_read returns what the operation gave, sleeping on -EAGAIN
 * until a readiness change unless the file is O_NONBLOCK or ioflags has
 * FILE_IO_NOWAIT.  file_write writes all of buf, sleeping when the
 * operation is short or says -EAGAIN, unless non-blocking: then it
 * returns the partial count (or -EAGAIN if none).  Both return -EINTR
 * (nothing transferred) or the partial count when a wait is interrupted.
 * file_poll of a file without a poll operation is always ready
 * (POLLIN | POLLOUT); file_stat of one without stat is an anonymous
 * inode (mode 0600).  Buffers are kernel memory.  Thread context.
 */
#define FILE_IO_NOWAIT	0x1	/* never sleep, as if O_NONBLOCK */
long file_read(struct file *f, void *buf, size_t len, int ioflags);
long file_write(struct file *f, const void *buf, size_t len, int ioflags);
long file_pread(struct file *f, void *buf, size_t len, uint64_t off);
long file_pwrite(struct file *f, const void *buf, size_t len, uint64_t off);
long file_lseek(struct file *f, int64_t off, int whence);
unsigned file_poll(struct file *f);
long file_ioctl(struct file *f, unsigned long cmd, uint64_t arg);
int file_stat(struct file *f, struct kstat *st);
long file_getdents(struct file *f, void *buf, size_t len);
int file_truncate(struct file *f, uint64_t len);

/*
 * More of the descriptor table.  When fd_install fails the caller still
 * owns its reference.  fd_close_range closes [lo, hi] (hi is clamped to
 * the table), or only marks them close-on-exec: 0 or -EINVAL (lo > hi).
 * fd_close_on_exec closes every close-on-exec descriptor (execve).
 * fd_next returns the lowest open descriptor >= from, or -1.  fd_reset
 * closes everything (tests).
 */
int fd_close_range(unsigned lo, unsigned hi, bool cloexec_only);
void fd_close_on_exec(void);
int fd_next(int from);
void fd_reset(void);

#endif
