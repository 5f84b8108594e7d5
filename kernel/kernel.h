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
	VMR_VVAR,	/* the vDSO's data page: read-only, the platform's */
	VMR_VDSO,	/* the vDSO image */
};

struct vm_region {
	uint64_t start;		/* page-aligned, inclusive */
	uint64_t end;		/* page-aligned, exclusive */
	uint32_t prot;		/* PROT_* */
	uint32_t kind;		/* enum vm_kind */
	struct file *file;	/* private file mapping: a reference, or NULL */
	uint64_t off;		/* the file offset of start */
};

#define VM_FIXED		0x1
#define VM_FIXED_NOREPLACE	0x2
#define VM_NORESERVE		0x4	/* MAP_NORESERVE: no overcommit check */
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

/* A free range of len bytes below the mmap top (not yet a region). */
long vm_place(uint64_t len);
/* The syscalls' logic, with Linux's argument checks and errors. */
long vm_mmap(uint64_t addr, uint64_t len, unsigned prot, unsigned flags);
/*
 * vm_mmap for a private file mapping: the region keeps a reference on
 * f, and a page that is not there (never filled, dropped by
 * MADV_DONTNEED, or grown by mremap) is read from f at fault time (the
 * rest of the file's last page: zeros; a page wholly past the end of
 * the file: not mapped, vm_past_eof).
 */
long vm_mmap_file(uint64_t addr, uint64_t len, unsigned prot, unsigned flags,
    struct file *f, uint64_t off);
int vm_munmap(uint64_t addr, uint64_t len);
int vm_mprotect(uint64_t addr, uint64_t len, unsigned prot);
long vm_mremap(uint64_t old, uint64_t oldlen, uint64_t newlen,
    unsigned flags, uint64_t newaddr);
long vm_brk(uint64_t want);
int vm_madvise_dontneed(uint64_t addr, uint64_t len);
/*
 * The platform's demand_fault upcall: maps a zeroed page on first touch
 * and breaks copy-on-write sharing on an allowed write.
 */
int vm_demand_fault(uint64_t addr, bool write, bool exec);
/*
 * Did a fault at addr (that access) hit a page of a file mapping that
 * lies wholly past the end of the file?  Linux's SIGBUS (BUS_ADRERR).
 */
bool vm_past_eof(uint64_t addr, bool write, bool exec);

/*
 * Address spaces: one per process, each its regions and its platform
 * address space.  The vm_* calls above act on the current thread's.
 * vm_space_clone makes a copy-on-write copy of the current one (fork),
 * vm_space_create an empty one (execve), both owned by kp and NULL when
 * memory is short; vm_space_switch moves the current thread into s
 * (NULL: the first process's boot space); vm_space_free releases every
 * page and region of s, which no thread may be in (the first process's
 * space is emptied, not freed).  vm_space_kproc is the current space's
 * owner (NULL: the first process).
 */
struct vm_space;
struct kproc;
struct vm_space *vm_space_clone(struct kproc *kp);
struct vm_space *vm_space_create(struct kproc *kp);
struct vm_space *vm_space_current(void);
struct kproc *vm_space_kproc(void);
void vm_space_set_kproc(struct vm_space *s, struct kproc *kp);
void vm_space_switch(struct vm_space *s);
void vm_space_free(struct vm_space *s);
/*
 * Another process's regions (/proc/<pid>/maps), s NULL: the boot
 * space; the array stays valid until that process maps or unmaps.
 * vm_space_resident: plat_user_resident in s.
 */
const struct vm_region *vm_space_regions(struct vm_space *s, int *n);
uint64_t vm_space_resident(struct vm_space *s, uint64_t va, uint64_t len);

/*
 * Processes, as the kernel sees them (kernel/kproc.c): an address space,
 * a descriptor table and a working directory.  The file, fd, path and
 * vm calls act on the current thread's process, found through its
 * address space.  The first process exists from boot.  Thread context.
 *
 * kproc_fork: a copy of the current process for fork (copy-on-write
 * memory, the same open files, the same directory); NULL when memory is
 * short.  kproc_enter moves the current thread into k (a new thread
 * starts in its creator's process).  kproc_exit releases the current
 * process's files, directory and memory and moves the calling thread,
 * which must be its last, into the first process's (now memory-less)
 * boot space to end there; k is freed.  Not for the first process.

 */
struct kproc *kproc_current(void);
/* The first process's (pid 1), which lives from boot to the end. */
struct kproc *kproc_first(void);
struct kproc *kproc_fork(void);
/*
 * vfork with CLONE_VM: a process with its own copy of the files and
 * directory that runs in the current address space, borrowed until it
 * execs or exits.  kproc_lend(k) makes it the space's owner: call it
 * when the lender (single-threaded) goes to sleep until then.
 */
struct kproc *kproc_vfork(void);
void kproc_lend(struct kproc *k);
void kproc_enter(struct kproc *k);
void kproc_exit(void);
/*
 * exec_shebang: the interpreter and optional argument of a "#!" script
 * whose first len bytes are img (kernel/shebang.c).  0, with interp a
 * non-empty string without blanks and arg NULL or a string without
 * blanks at either end, both inside sb->line; or -ENOEXEC (no "#!", no
 * interpreter, or one longer than the line).  Safe on any input.
 */
#define EXEC_SHEBANG_MAX	256	/* Linux's BINPRM_BUF_SIZE */
struct exec_shebang {
	char line[EXEC_SHEBANG_MAX];
	const char *interp, *arg;
};
int exec_shebang(const void *img, size_t len, struct exec_shebang *sb);

/*
 * execve's image swap: load the ELF img[0, len), the contents of the
 * open file f found at path, into a new address space for the current
 * process (exec_load with ei) and drop the old one; f becomes its
 * /proc/self/exe.  On failure the old one stays, untouched: -errno and
 * *why.
 */
struct exec_info;
int kproc_exec(struct file *f, const void *img, size_t len,
    const char *path, struct exec_info *ei, const char **why);
/*
 * No page for a valid fault: the handler set (the shim's) may end the
 * faulting process and not return; otherwise the guest ends (SIGKILL).
 */
void vm_oom(uint64_t addr);
void vm_set_oom_handler(void (*fn)(uint64_t addr));

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
	uint64_t sysinfo_ehdr;		/* AT_SYSINFO_EHDR: the vDSO (0: none) */
};

/* ---- Loading the guest (kernel/exec.c) ---- */

struct exec_info {
	struct exec_stack_args args;	/* caller fills argv, envp, ... */
	uint64_t entry;			/* biased entry point */
	uint64_t sp;			/* initial user stack pointer */
	uint64_t brk;			/* initial program break */
	uint64_t bias;			/* load address - ELF address */
	uint64_t interp_base;		/* the interpreter's bias; 0: none */
	bool norandmaps;		/* caller: no address randomization */
	struct file *file;		/* caller: the file the bytes are */
};

/*
 * exec_load: parse and map the ELF [file, file + len) (the caller may
 * free it afterwards; when ei->file is the file those bytes are, its
 * pages are shared with the file's page cache instead of copied where
 * a segment fills them whole), set up brk and mmap layout, map the
 * interpreter a dynamic ELF names (PT_INTERP, opened from the file tree), build the
 * stack from ei->args (argv, envp, execfn, platform, hwcap...; the
 * loader fills phdr, entry, base and random).  The address space must
 * be empty.  Returns 0, or -errno with *why a one-line reason:
 * -ENOEXEC (a bad ELF), -ELIBBAD (a bad interpreter: not an ELF,
 * empty, itself dynamic), -ENOENT (the interpreter is not in the file
 * tree; other errors of opening it as vfs_open gives them), -EACCES (it
 * is not a regular file), -ENOMEM, -E2BIG (arguments).  *why may point at a static buffer that the next
 * call rewrites.
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
 * "console=tty" or "console=raw" (is the host side of the console a
 * terminal? default raw: see tty_console_init),
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
	bool console_tty;	/* "console=tty" (else "console=raw") */
	int gdb;		/* KGDB_*: "gdb", "gdb=wait" */
	bool noenv;		/* "noenv": no default PATH and HOME */
	bool norandmaps;	/* "norandmaps": no ASLR (as Linux's) */
	int loglevel;
	uint16_t rows, cols;	/* "winsize=ROWSxCOLS"; 0 if not given */
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

/* ---- The gdb stub (kernel/gdb.c) ---- */

#define KGDB_OFF	0
#define KGDB_ON		1	/* listen on the debug port */
#define KGDB_WAIT	2	/* and stop before the first instruction */

/* A guest thread as the stub sees it. */
struct gdb_thread {
	int tid;
	struct plat_thread *pt;
};

/*
 * Start the stub (mode KGDB_*) on the platform's debug port; threads
 * lists the guest's live threads (returns how many it wrote, at most
 * max).  Says so on the log and stays off when there is no port.
 */
void gdb_init(int mode, int (*threads)(struct gdb_thread *out, int max));
/* Is the stub on?  (Hooks are called only when it is.) */
extern bool gdb_enabled;
/*
 * A fault that would raise signo in thread tid (registers r, which the
 * stub may change): stop and let gdb decide.  Returns the signal to
 * deliver: signo when gdb is not attached (unless the fault is fatal:
 * then the guest waits for gdb before it dies), 0 when gdb suppressed
 * it (breakpoints, steps, "continue" without the signal).
 */
int gdb_fault(int tid, int signo, const struct plat_fault *f,
    struct plat_regs *r, bool fatal);
/* A signal about to be delivered to thread tid, as gdb_fault (ptrace's
 * signal-delivery stop): 0 when gdb discarded it, else signo. */
int gdb_signal(int tid, int signo, struct plat_regs *r, bool fatal);
/* The first thread exists and has not run: with "gdb=wait", stop it
 * before its first instruction until gdb resumes it. */
void gdb_start(void);
/* The platform's kernel_debug upcall: a stub breakpoint or step in
 * kernel code stops here (true), anything else is not the stub's. */
bool gdb_kernel_debug(struct plat_regs *r, const struct plat_fault *f);
/* On every return to ring 3 while the stub is on: stop if gdb asked. */
void gdb_user_return(int tid, struct plat_regs *r);
/* The guest is ending: with status (sig 0), or killed by signal sig.
 * Tells an attached gdb ("W" or "X"). */
void gdb_exit(int status, int sig);

/* Where the loader put the guest ELF, minus its link address. */
extern uint64_t exec_load_bias;

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

struct epitem;

struct file {
	const struct file_ops *ops;
	uint32_t flags;		/* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
	uint32_t refs;
	uint64_t pos;		/* for seekable files */
	void *priv;		/* the kind's own state */
	struct epitem *ep_watchers;	/* epoll items on it (kernel/epoll.c) */
};

/* A new file with one reference, or NULL (ENOMEM). */
struct file *file_alloc(const struct file_ops *ops, uint32_t flags,
    void *priv);
struct file *file_get(struct file *f);	/* +1 reference */
void file_put(struct file *f);		/* -1; release at 0 */

/*
 * Record locks (kernel/flock.c): byte ranges [start, end] (inclusive;
 * INT64_MAX for "to the end") of a file, owned by the process
 * (FLOCK_POSIX) or by an open file description (OFD locks: the struct
 * file).  flock_test puts the first conflicting lock into r (FLOCK_UN if
 * none) and its owner into *holder.  flock_set takes, changes or (type
 * FLOCK_UN) drops owner's locks in the range: -EAGAIN on a conflict, or
 * with wait it blocks (thread context) until none (-EINTR); -ENOLCK
 * without memory.  flock_release drops all of owner's locks on f's
 * file; fd_close does it for FLOCK_POSIX, file_put calls
 * flock_file_released.
 */
#define FLOCK_RD	0	/* Linux's F_RDLCK, F_WRLCK, F_UNLCK */
#define FLOCK_WR	1
#define FLOCK_UN	2
#define FLOCK_POSIX	((const void *)1)
struct flock_range {
	int type;
	int64_t start, end;
};
void flock_test(struct file *f, const void *owner, struct flock_range *r,
    const void **holder);
int flock_set(struct file *f, const void *owner, const struct flock_range *r,
    bool wait);
void flock_release(struct file *f, const void *owner);
/* The last reference to f is gone: its OFD locks, and locks keyed on it. */
void flock_file_released(struct file *f);

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
 * file_view: the whole of f, a file of the tree still as the archive
 * holds it, in place (read-only, valid for good): *len bytes at *p.
 * -EAGAIN when it has no such view (written since, or not a regular
 * file of the tree): read it instead.  For execve's image.
 */
int file_view(struct file *f, const void **p, size_t *len);
/*
 * file_whole: the size bytes of f (its size, from file_stat) in *out:
 * in place when file_view has them (*owned NULL), else read into a
 * kmalloc'd buffer, *owned, for the caller to free.  -ENOMEM, -EIO
 * (the file ended early), or the read's error.
 */
int file_whole(struct file *f, uint64_t size, const void **out,
    void **owned);
/*
 * file_page: the page of f's data at byte off (page-aligned), as the
 * file's page cache holds it, for a mapping to share with the file
 * (vm_map_from_file): 0 and *page, -ENXIO at or past the end of the
 * file, -ENODEV when f keeps no such pages (not a regular file of the
 * tree: read it instead), -ENOMEM.
 */
int file_page(struct file *f, uint64_t off, void **page);
/*
 * Bytes a read of a stream (pipe, console) could return now without
 * waiting; -ENOTTY for kinds that cannot tell.
 */
long file_nread(struct file *f);

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

/* ---- Pipes, eventfd, epoll, the console (kernel/pipe.c ... tty.c) ---- */

/*
 * file_changed: f's readiness may have changed (events: which, 0 for
 * any): queue the epoll items watching f, then file_notify().  Files
 * with a poll operation call it whenever they become readable or
 * writable or hang up, as Linux wakes a file's wait queue.  Thread
 * context (an interrupt handler calls file_notify() alone).
 */
void file_changed(struct file *f, unsigned events);

/*
 * pipe_create: a pipe's two ends, each with one reference.  flags may
 * hold O_NONBLOCK (anything else: -EINVAL); -ENOMEM.  The capacity is
 * 64 KiB; pipe_set_size (F_SETPIPE_SZ) rounds up to a power of two of
 * at least a page, refuses more than 1 MiB (-EPERM) or less than what
 * is queued (-EBUSY) and returns the new size; pipe_get_size returns
 * it.  Both -EBADF for a file that is not a pipe.
 */
#define PIPE_BUF	4096	/* writes up to this size are atomic */
int pipe_create(uint32_t flags, struct file **rd, struct file **wr);
bool file_is_pipe(const struct file *f);
long pipe_get_size(struct file *f);
long pipe_set_size(struct file *f, uint64_t want);

/*
 * eventfd_create: a counter starting at initval (-EINVAL above
 * UINT32_MAX); semaphore mode reads 1 at a time; flags may hold
 * O_NONBLOCK.  The file is O_RDWR with one reference.
 */
int eventfd_create(uint64_t initval, bool semaphore, uint32_t flags,
    struct file **out);

/*
 * Kernel timers (kernel/ktimer.c): a list sorted by monotonic deadline,
 * with the platform's alarm (plat_alarm_set) set for the earliest.
 * ktimer_arm (re-)arms t for when: monotonic ns, or wall-clock ns if
 * realtime (then it follows plat_wallclock_set through
 * ktimer_clock_was_set, which whoever sets the clock calls).  When it
 * is due, fn(t, now) runs from ktimer_expire (the alarm upcall), where
 * it may re-arm t; it must not block nor allocate.  ktimer_cancel is a
 * no-op for a timer that is not armed.  ktimer_forward is Linux's
 * hrtimer_forward: it moves *expires past now by whole intervals (from
 * the previous expiry, so periodic timers do not drift) and returns how
 * many (0 if now < *expires).  ktimer_clock_seq counts wall-clock sets.
 * Callers are syscalls and the alarm upcall (never re-entered).
 */
#define KTIMER_RUN_MAX	1024	/* expiries handled per alarm */
struct ktimer {
	struct ktimer *next;
	uint64_t when;		/* as armed: monotonic or wall-clock ns */
	uint64_t key;		/* the monotonic deadline it is sorted by */
	bool armed, realtime;
	void (*fn)(struct ktimer *t, uint64_t now);
};
void ktimer_arm(struct ktimer *t, uint64_t when, bool realtime);
void ktimer_cancel(struct ktimer *t);
void ktimer_run(uint64_t now);
void ktimer_expire(void);
void ktimer_clock_was_set(void);
uint32_t ktimer_clock_seq(void);
uint64_t ktimer_forward(uint64_t *expires, uint64_t now, uint64_t interval);

/*
 * timerfd_create: a timer as a file (Linux's fs/timerfd.c) on clock
 * (TIMERFD_REALTIME or TIMERFD_MONOTONIC; the shim maps Linux's ids);
 * flags may hold O_NONBLOCK.  A read takes the 8-byte count of expiries
 * since the last read, waiting while it is 0.  timerfd_settime arms it
 * (value 0 disarms; TFD_TIMER_ABSTIME: value is a time of the clock;
 * TFD_TIMER_CANCEL_ON_SET with both on the realtime clock: a read
 * returns -ECANCELED once the clock is set) and gives the old setting
 * in *old; timerfd_gettime gives the time left and the interval.  Both
 * -EINVAL for a file that is not a timerfd.  Values are nanoseconds.
 */
#define TIMERFD_REALTIME	0
#define TIMERFD_MONOTONIC	1
#define TFD_TIMER_ABSTIME	1
#define TFD_TIMER_CANCEL_ON_SET	2
struct ktimerspec {
	uint64_t value, interval;
};
int timerfd_create(int clock, uint32_t flags, struct file **out);
int timerfd_settime(struct file *f, int flags, const struct ktimerspec *new,
    struct ktimerspec *old);
int timerfd_gettime(struct file *f, struct ktimerspec *cur);

/* epoll events and operations, Linux's values. */
#define EPOLLIN		0x001
#define EPOLLPRI	0x002
#define EPOLLOUT	0x004
#define EPOLLERR	0x008
#define EPOLLHUP	0x010
#define EPOLLRDNORM	0x040
#define EPOLLRDBAND	0x080
#define EPOLLWRNORM	0x100
#define EPOLLWRBAND	0x200
#define EPOLLMSG	0x400
#define EPOLLRDHUP	0x2000
#define EPOLLEXCLUSIVE	(1u << 28)
#define EPOLLWAKEUP	(1u << 29)
#define EPOLLONESHOT	(1u << 30)
#define EPOLLET		(1u << 31)
#define EPOLL_CTL_ADD	1
#define EPOLL_CTL_DEL	2
#define EPOLL_CTL_MOD	3

struct epoll_kevent {
	uint32_t events;
	uint64_t data;
};

/*
 * epoll_create: a new instance (O_RDWR, one reference).  epoll_ctl
 * applies op for (fd, f) with Linux's errors: -EINVAL (epf is not an
 * epoll file, f is epf, bad op, EPOLLEXCLUSIVE misuse), -EPERM (f cannot
 * be polled: regular files, directories), -EEXIST, -ENOENT, -ELOOP
 * (epoll files watching each other, or nested too deep), -ENOMEM.
 * epoll_wait fills up to max events (max > 0), waiting until one is
 * ready, the absolute deadline (ns, 0 = none) passes (returns 0) or the
 * wait is interrupted (-EINTR); nowait: never wait.  Thread context.
 */
int epoll_create(struct file **out);
bool file_is_epoll(const struct file *f);
int epoll_ctl(struct file *epf, int op, int fd, struct file *f,
    uint32_t events, uint64_t data);
int epoll_wait(struct file *epf, struct epoll_kevent *out, int max,
    uint64_t deadline_ns, bool nowait);

/*
 * The console.  tty_console_init makes it and installs it as
 * descriptors 0, 1 and 2 (which must be free).  is_tty says the host
 * side is a terminal (kernel option console=tty): then the console is
 * a Linux tty (termios defaults, line editing, echo, ONLCR, the tty
 * ioctls).  Otherwise (console=raw) it passes bytes through unchanged
 * both ways and answers the tty ioctls with ENOTTY, as the pipe the
 * guest has natively would.  signal is called (thread context) for a
 * signal character typed with ISIG: TTY_SIGINT, TTY_SIGQUIT or
 * TTY_SIGTSTP, or TTY_SIGWINCH when the size changes; it returns false
 * when the signal was dropped (ignored).  tty_open gives another file on the console (/dev/tty),
 * or NULL; tty_service moves received input into the line discipline
 * (the console's own operations and epoll_wait call it).
 */
#define TTY_SIGINT	2
#define TTY_SIGQUIT	3
#define TTY_SIGTSTP	20
#define TTY_SIGTTIN	21
#define TTY_SIGTTOU	22
#define TTY_SIGWINCH	28	/* the window size changed */
int tty_console_init(bool is_tty, bool (*signal)(int sig));
/*
 * The console's foreground process group (TIOCSPGRP; 1 at start), and
 * who says which groups exist (without it, only group 1 does).
 */
int tty_console_pgrp(void);
void tty_set_pgrp_check(bool (*exists)(int pgrp));
/*
 * Job control's check for a caller outside the foreground group fg that
 * reads (TTY_SIGTTIN), writes with TOSTOP, or changes the terminal
 * (TTY_SIGTTOU): 0 to go on, -EIO, or -EINTR once the signal was sent
 * (the shim restarts the call).  Without it, every caller may.
 */
void tty_set_job_check(int (*check)(int fg, int sig));
/* The terminal's size at start (kernel option winsize=ROWSxCOLS). */
void tty_set_winsize(uint16_t rows, uint16_t cols);
struct file *tty_open(uint32_t flags);
bool file_is_console(const struct file *f);
bool tty_is_terminal(void);
void tty_service(void);

/* ---- Files and the file tree (kernel/vfs.c and its neighbours) ---- */

/*
 * One tree at /: the root file system archive (read-only, never
 * written) under an in-memory layer that takes every change (copy-up on
 * write, whiteouts on removal), with /dev's nodes and /proc.  The guest
 * is root, and root's rules apply: mode bits do not stop it, except
 * that executing needs some x bit.  Paths are kernel strings (the shim
 * copies them in); dirfd is a descriptor or AT_FDCWD.  Each call
 * returns 0 (or a length) or -errno, with Linux's errors and their
 * order.  Thread context (nothing blocks).
 */
#define EXDEV			18	/* not in platform.h's list */
#define ETXTBSY			26	/* nor this */
#define AT_FDCWD		(-100)
#define AT_SYMLINK_NOFOLLOW	0x100
#define AT_EACCESS		0x200
#define AT_REMOVEDIR		0x200
#define AT_SYMLINK_FOLLOW	0x400
#define AT_NO_AUTOMOUNT		0x800
#define AT_EMPTY_PATH		0x1000
#define RENAME_NOREPLACE	1
#define RENAME_EXCHANGE		2
#define RENAME_WHITEOUT		4
#define VFS_PATH_MAX		4096	/* PATH_MAX, with the NUL */
#define VFS_NAME_MAX		255
#define F_OK			0
#define X_OK			1
#define W_OK			2
#define R_OK			4
#define UTIME_NOW		((1l << 30) - 1l)
#define UTIME_OMIT		((1l << 30) - 2l)
#define TMPFS_MAGIC		0x01021994
#define PROC_SUPER_MAGIC	0x9fa0

struct ktimespec {
	int64_t sec, nsec;
};

struct kstatfs {
	uint64_t type, bsize, blocks, bfree, bavail, files, ffree;
	uint64_t namelen, frsize, flags;
	uint32_t fsid[2];
};

/*
 * vfs_init: build the tree from the tar archive [tar, tar + len) (len 0:
 * an empty root), create /tmp (1777), /dev and /proc where the archive
 * has none, populate /dev and mount /proc.  Entries the reader refuses
 * are logged and skipped.  A damaged archive is logged, the tree is
 * made with what was read before the damage, and -EINVAL says so (the
 * caller refuses to start the guest).  Returns 0, -EINVAL or -ENOMEM.
 * Boot only.
 */
int vfs_init(const void *tar, size_t len);

/*
 * What /proc shows of a process that only the shim knows.  The shim
 * registers fill(pid, tid, out): process pid (0: the caller's) as its
 * thread tid shows it (0: the process as a whole), 0 or -ESRCH (no such
 * process, reaped, or no such thread of it); and next(pid, after): the
 * lowest pid above after (pid 0), or the lowest tid of process pid
 * above after, or -1.  Both are called at each look.
 */
struct proc_facts {
	int pid, tid, ppid, pgid, sid;
	char state;			/* R, S, T or Z (Linux's letters) */
	char comm[16];			/* NUL-terminated */
	struct kproc *kp;		/* NULL: a zombie (no memory or files) */
	uint32_t uid[4], gid[4];	/* real, effective, saved, fs */
	uint32_t umask;
	int threads;
	uint64_t sigpnd, sigblk, sigign, sigcgt;
	uint64_t start_ns;		/* plat_now_ns at fork */
	uint64_t cpu_ns;		/* CPU time of its live threads */
	uint64_t rlim_cur[16], rlim_max[16];	/* RLIMIT_* order */
};
void procfs_set_facts(int (*fill)(int pid, int tid, struct proc_facts *out),
    int (*next)(int pid, int after));
/* Name the caller's process (a write to its /proc/<pid>/comm). */
void procfs_set_comm(void (*set)(const char name[16]));
/*
 * The program: argv[0]'s path (/proc/self/exe links to it and opening
 * it reads the ELF image [elf, elf + len)), argv and envp (cmdline,
 * environ, comm).  Pointers must stay valid.  Boot.
 */
void procfs_set_exe(const char *path, const void *elf, size_t len,
    int argc, const char *const *argv, int envc, const char *const *envp);
/* fsuid and fsgid: the owner of created files, whose access is checked. */
void vfs_set_ids(uint32_t fsuid, uint32_t fsgid);

int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode,
    struct file **out);
int vfs_stat(int dirfd, const char *path, int atflags, struct kstat *st);
int vfs_access(int dirfd, const char *path, int mode, int atflags);
int vfs_mkdir(int dirfd, const char *path, uint32_t mode);
int vfs_mknod(int dirfd, const char *path, uint32_t mode, uint64_t dev);
/* unlink, or rmdir with AT_REMOVEDIR. */
int vfs_unlink(int dirfd, const char *path, int atflags);
int vfs_rename(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath, unsigned flags);
int vfs_link(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath, int atflags);
int vfs_symlink(const char *target, int dirfd, const char *path);
/* The target, not NUL-terminated, cut to size: its length. */
long vfs_readlink(int dirfd, const char *path, char *buf, size_t size);
int vfs_truncate(int dirfd, const char *path, int64_t len);
int vfs_chmod(int dirfd, const char *path, uint32_t mode, int atflags);
/* uid or gid (uint32_t)-1: unchanged. */
int vfs_chown(int dirfd, const char *path, uint32_t uid, uint32_t gid,
    int atflags);
/* ts NULL: both now; UTIME_NOW, UTIME_OMIT in nsec as utimensat(2). */
int vfs_utimens(int dirfd, const char *path, const struct ktimespec *ts,
    int atflags);
int vfs_chdir(int dirfd, const char *path, int atflags);
/* The cwd's absolute path, NUL-terminated: its length with the NUL. */
long vfs_getcwd(char *buf, size_t size);
int vfs_statfs(int dirfd, const char *path, int atflags,
    struct kstatfs *st);
/* fsync of f: 0 for the tree's files, -EINVAL for pipes, the console. */
int vfs_fsync(struct file *f);
/*
 * vfs_reclaim: free the page cache's clean pages (copies of the image's
 * file data) that no mapping uses; how many.  The platform's reclaim
 * upcall: it neither allocates nor blocks.
 */
uint64_t vfs_reclaim(void);
/* Is f /dev/zero (whose private mappings are anonymous memory)? */
bool vfs_file_is_devzero(struct file *f);

/*
 * vm_map_from_file: map at va (page-aligned, inside a region, with the
 * region's protection) the page of f at off (page-aligned): the file's
 * own page shared copy-on-write (file_page), or a private copy read
 * from f when it keeps no pages.  0 when mapped, 1 when off is at or
 * past the end of f (nothing mapped: the region's zero pages come on
 * demand), -EFAULT (no region holds va), -EEXIST (mapped), -ENOMEM, or
 * the read's error.
 */
int vm_map_from_file(uint64_t va, struct file *f, uint64_t off);

#endif
