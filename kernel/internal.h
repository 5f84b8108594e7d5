/*
 * kernel/internal.h: declarations shared among kernel/ files only.
 */
#ifndef KERNEL_INTERNAL_H
#define KERNEL_INTERNAL_H

#include "kernel/kernel.h"

/* ---- Processes (kernel/kproc.c, kernel/fd.c) ---- */

struct fd_slot {
	struct file *file;
	bool cloexec;
};

struct kproc {
	struct vm_space *vm;		/* NULL: the boot space */
	struct fd_slot *fds;		/* FD_LIMIT slots */
	int fd_top;			/* slots at and above it are empty */
	struct vnode *cwd;
	struct vnode *exe;		/* after an execve: /proc/self/exe */
	char *exe_path;			/* its absolute path (kmalloc'd) */
	struct kproc *lender;		/* vfork: whose address space it runs in */
	struct kargs *args;		/* cmdline, environ (NULL: the boot's) */
};

/*
 * The arguments and environment a process was started with, as
 * /proc/<pid>/cmdline and environ show them: NUL-terminated strings,
 * argv's then envp's, shared by a fork's processes (counted).
 * kargs_make copies them (NULL: no memory).
 */
struct kargs {
	int refs;
	size_t arg_len, env_len;
	char s[];
};
struct kargs *kargs_make(int argc, const char *const *argv, int envc,
    const char *const *envp);
void kargs_put(struct kargs *a);

/* Another process's descriptors (look only): fd_get and fd_next in k. */
struct file *fd_get_in(struct kproc *k, int fd);
int fd_next_in(struct kproc *k, int from);
bool fd_cloexec_in(struct kproc *k, int fd);

/*
 * A copy of the current descriptor table (the same files), or NULL;
 * *top is its fd_top.
 */
struct fd_slot *fd_table_clone(int *top);
/* Free a table fd_table_clone made (its files already put). */
void fd_table_free(struct fd_slot *t);
/*
 * kproc_exec_begin gives the current process a new empty address space
 * and returns the old one (NULL: no memory); kproc_exec_end keeps the
 * new one and frees the old (commit), or goes back and frees the new.
 */
struct vm_space *kproc_exec_begin(void);
void kproc_exec_end(struct vm_space *old, bool commit);

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
	uint64_t interp_off;	/* PT_INTERP: the path's offset in the file */
	uint32_t interp_len;	/* its length without the NUL; 0: static */
	int nsegs;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/*
 * elf_parse: validate an x86_64 ELF executable (ET_EXEC, or ET_DYN for a
 * PIE, static or not, and for an interpreter) of len bytes and describe
 * its loadable segments and its PT_INTERP.  Returns 0, or -ENOEXEC with
 * *why set to a static one-line reason ("PT_LOAD segments overlap",
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
 * A dynamic executable has interp_len > 0: the interpreter's path is the
 * interp_len bytes at file + interp_off, followed by a NUL and holding
 * no other NUL.
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

/* ---- Open files, epoll and the console's line discipline ---- */

/*
 * kernel/epoll.c, called by kernel/file.c: file_changed() queues the
 * epoll items watching f (events: the readiness that may have changed,
 * 0 for any), and file_put() makes every instance forget a file whose
 * last reference is gone, before its release operation.
 */
void epoll_file_changed(struct file *f, unsigned events);
/* The wall clock was set: wake timerfds with TFD_TIMER_CANCEL_ON_SET. */
void timerfd_clock_was_set(void);
void epoll_file_released(struct file *f);

/* struct termios as the kernel's ioctls see it (36 bytes). */
#define NCCS		19
struct ktermios {
	uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};

/* c_cc indices. */
#define VINTR		0
#define VQUIT		1
#define VERASE		2
#define VKILL		3
#define VEOF		4
#define VTIME		5
#define VMIN		6
#define VSWTC		7
#define VSTART		8
#define VSTOP		9
#define VSUSP		10
#define VEOL		11
#define VREPRINT	12
#define VDISCARD	13
#define VWERASE		14
#define VLNEXT		15
#define VEOL2		16

/* c_iflag, c_oflag, c_cflag, c_lflag bits (octal, as Linux). */
#define ISTRIP		0000040
#define INLCR		0000100
#define IGNCR		0000200
#define ICRNL		0000400
#define IXON		0002000
#define IUTF8		0040000
#define OPOST		0000001
#define ONLCR		0000004
#define OCRNL		0000010
#define ONLRET		0000040
#define B38400		0000017
#define CS8		0000060
#define CREAD		0000200
#define HUPCL		0002000
#define ISIG		0000001
#define ICANON		0000002
#define ECHO		0000010
#define ECHOE		0000020
#define ECHOK		0000040
#define ECHONL		0000100
#define NOFLSH		0000200
#define TOSTOP		0000400
#define ECHOCTL		0001000
#define ECHOKE		0004000
#define IEXTEN		0100000

struct kwinsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#define TTY_BUF		4096	/* input queue, as N_TTY_BUF_SIZE */
#define TTY_MAX_FILES	64	/* open files on the console */

/* The console (kernel/tty.c) and its line discipline (kernel/ldisc.c). */
struct tty {
	bool ready;			/* tty_console_init ran */
	bool is_tty;			/* console=tty: the host is a terminal */
	struct ktermios tio;
	uint32_t ispeed, ospeed;
	struct kwinsize winsize;
	int pgrp;
	bool (*signal)(int sig);	/* ISIG, resizes: TTY_SIG* */
	struct file *files[TTY_MAX_FILES];
	/* Input queue: bytes, TQ_EOL / TQ_EOF marks (ldisc.c). */
	uint16_t q[TTY_BUF];
	size_t qhead, qlen;
	size_t lines;			/* complete lines queued */
	size_t edit;			/* entries of the line being edited */
	bool lnext;			/* the next byte is literal (^V) */
	unsigned nsignals;		/* signal characters, resizes so far */
	unsigned column;		/* output column, for echo */
	/* Bytes taken from the platform but not yet queued. */
	uint8_t pend[64];
	size_t npend, pos;
	bool input_end;			/* console=raw: no more input comes */
	uint32_t ws_count;		/* the host's size reports seen */
};

bool ldisc_receive(struct tty *t, uint8_t c);
void ldisc_output(struct tty *t, const uint8_t *s, size_t len);
size_t ldisc_take(struct tty *t, uint8_t *buf, size_t len, bool *eof);
size_t ldisc_readable(struct tty *t);
bool ldisc_input_ready(struct tty *t);
void ldisc_flush_input(struct tty *t);
void ldisc_canon_changed(struct tty *t, bool canon);
/* Signal characters the console has seen (file_wait: -EINTR). */
unsigned tty_signals(void);
/* What a read could return now (file_nread). */
long pipe_nread(struct file *f);
long tty_nread(struct file *f);

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

/* ---- The file tree: vnodes (kernel/vnode.c, dir.c, fdata.c, namei.c) ---- */

/*
 * One tree at / with two layers, after LiteBox's layered file system:
 * the archive (kernel/rootfs.c) is the lower layer and is never written;
 * everything created or changed at run time is the upper layer, in
 * memory.  Each directory holds both lists of names: lookups try the
 * upper list first, where a NULL vnode is a whiteout hiding a lower name
 * (unlink, rmdir and rename of archive names leave one).  A file's data
 * stays in the archive until it is written: pages are copied up one by
 * one (kernel/fdata.c).  A vnode is the one object for a file, whatever
 * the layer, so hard links, open files and the cwd see every change.
 *
 * The kernel is not preemptible and nothing here blocks: no locks.
 */
enum vnode_kind {
	VN_DIR = 1,	/* directory of the tree */
	VN_REG,		/* regular file */
	VN_LNK,		/* symbolic link */
	VN_SPECIAL,	/* device, fifo or socket node: mode and rdev only */
	VN_PROC,	/* a procfs node (kernel/procfs.c) */
};

struct vnode;

/* A name in a directory; in an upper list, vn == NULL is a whiteout. */
struct dent {
	char *name;
	struct vnode *vn;
};

/* Entries sorted by name (strcmp), for binary search and merging. */
struct dlist {
	struct dent *e;
	uint32_t n, cap;
};

struct vdir {
	struct dlist upper;		/* run-time names and whiteouts */
	struct dlist lower;		/* the archive's names; fixed after boot */
	struct vnode *parent;		/* for "..", updated by rename */
	struct vnode *mounted;		/* the root of a file system on it */
};

/* A file's pages by index: top[i][j] is page 512 i + j, or NULL. */
struct fpages {
	void ***top;
	uint32_t ntop;
};

/* Regular file data: pages over what is left of the archive's bytes. */
struct fdata {
	const uint8_t *lower;		/* the archive's bytes, never written */
	uint64_t lower_len;		/* how many of them still show */
	struct fpages own;		/* written (or copied up) pages */
	struct fpages clean;		/* the archive's, cached for mappings */
};

struct vnode {
	uint8_t kind;			/* enum vnode_kind */
	bool archived;			/* from the archive: never freed */
	bool dead;			/* a removed directory */
	uint16_t pkind;			/* VN_PROC: which node; tsm marks */
	int32_t parg;			/* VN_PROC: its argument (fd, tid) */
	int32_t pproc;			/* VN_PROC: its process (0: none) */
	uint32_t mode, uid, gid;	/* st_mode (type and permissions) */
	uint32_t links;			/* names in directories */
	uint32_t refs;			/* open files, cwd, lookups under way */
	uint64_t ino, dev, rdev, size;
	uint64_t atime_ns, mtime_ns, ctime_ns;
	struct vnode *prev, *next;	/* every vnode alive (vfs_reset) */
	union {
		struct vdir dir;	/* VN_DIR; VN_PROC directories: parent */
		struct fdata data;	/* VN_REG */
		char *target;		/* VN_LNK */
	};
};

#define VFS_DEV_ROOT	0x2a		/* st_dev of the tree (0:42) */
#define VFS_DEV_PROC	0x2b		/* st_dev of /proc */
#define VFS_DEV_DEV	0x05		/* st_dev of /dev, devtmpfs (0:5) */
#define VFS_MAXSYMLINKS	40		/* Linux's MAXSYMLINKS */
#define VFS_MAX_FILE	(1ull << 40)	/* largest file size (EFBIG) */

/* Permission bits for vnode_permission (as access(2)'s R_OK...). */
#define MAY_EXEC	1
#define MAY_WRITE	2
#define MAY_READ	4

/* Time stamps vnode_touch sets to now. */
#define VT_ATIME	1
#define VT_MTIME	2
#define VT_CTIME	4

/*
 * vnode_new: a vnode of kind with st_mode mode, owned by the caller's
 * fsuid/fsgid, times now, one reference and no links; NULL (ENOMEM).
 * vnode_get adds a reference; vnode_put drops one; vnode_unlinked drops
 * a link.  A vnode with neither is freed (archived ones never are).
 */
struct vnode *vnode_new(uint8_t kind, uint32_t mode);
struct vnode *vnode_get(struct vnode *vn);
void vnode_put(struct vnode *vn);
void vnode_unlinked(struct vnode *vn);
void vnode_touch(struct vnode *vn, unsigned which);
void vnode_stat(struct vnode *vn, struct kstat *st);
/* 0 or -EACCES for MAY_* on vn, with root's exemptions. */
int vnode_permission(const struct vnode *vn, unsigned may);
/* The caller's fsuid and fsgid (vfs_set_ids). */
uint32_t vfs_fsuid(void);
uint32_t vfs_fsgid(void);
uint64_t vfs_now(void);
/* File types as getdents's d_type. */
uint8_t vnode_dtype(const struct vnode *vn);
/* Vnodes alive, for leak checks in tests. */
uint64_t vnode_count(void);
/*
 * vfs_reset: free every vnode, archived ones too, and forget the root,
 * the cwd and /proc (tests and fuzzers, between trees; no file of the
 * tree may be open).  vnode_free_all is its vnode part.
 */
void vfs_reset(void);
void vnode_free_all(void);
void procfs_reset(void);

/*
 * Directory lists (kernel/dir.c).  dir_lookup gives the visible vnode
 * for name, borrowed, or NULL.  dir_add adds a name (over a whiteout):
 * 0, -EEXIST, -ENOMEM; the vnode gains a link, a directory's parent is
 * set, and the vnode is on d's file system (st_dev) from then on.
 * dir_remove takes a visible name away, leaving a whiteout when
 * the lower list has the name: 0, -ENOENT, -ENOMEM; the vnode loses the
 * link.  dir_reserve makes room for n more upper entries in advance, so
 * that a rename cannot fail half-way.  dir_next gives the first visible
 * entry whose name sorts after 'after' (NULL: the first), in name order.
 * dir_lower_add builds the archive's layer: a duplicate name replaces
 * the earlier entry (the last one wins).
 */
struct vnode *dir_lookup(struct vnode *d, const char *name);
int dir_add(struct vnode *d, const char *name, struct vnode *vn);
int dir_remove(struct vnode *d, const char *name);
int dir_reserve(struct vnode *d, uint32_t n);
bool dir_next(struct vnode *d, const char *after, struct dent *out);
int dir_lower_add(struct vnode *d, const char *name, struct vnode *vn);
bool dir_is_empty(struct vnode *d);
uint32_t dir_subdirs(struct vnode *d);
/* The name under which d lists vn (first found), or NULL. */
const char *dir_name_of(struct vnode *d, const struct vnode *vn);
void dir_free(struct vnode *d);

/*
 * Regular file data (kernel/fdata.c).  Reads past the size give 0
 * bytes; holes read as zeros.  Writes copy the pages they touch up
 * from the archive, grow the size, and return the bytes written, or
 * -ENOSPC (no memory) / -EFBIG (past VFS_MAX_FILE) if none were.
 */
long fdata_read(struct vnode *vn, void *buf, size_t len, uint64_t off);
long fdata_write(struct vnode *vn, const void *buf, size_t len,
    uint64_t off);
int fdata_truncate(struct vnode *vn, uint64_t len);
void fdata_free(struct vnode *vn);
/*
 * fdata_view: vn's size bytes in place when they are all still the
 * archive's (no page copied up, no zeros past it), else NULL.  The
 * archive is never written or freed, so the bytes stay readable (and
 * unchanged) whatever happens to the file afterwards.
 */
const void *fdata_view(const struct vnode *vn);
/* Pages vn holds (copied up or written), and all files together. */
uint64_t fdata_pages(const struct vnode *vn);
uint64_t fdata_pages_total(void);
/*
 * fdata_page: page p of vn's data for a mapping to share (the page
 * cache, see kernel/fdata.c), with zeros past the end of the file; the
 * file keeps it (plat_user_map_shared takes the mapping's reference).
 * NULL when memory is exhausted.  p must be below the size in pages.
 * fdata_clean_total: the cached pages still as the archive holds them.
 */
void *fdata_page(struct vnode *vn, uint64_t p);
uint64_t fdata_clean_total(void);
/*
 * Free vn's clean cached pages that no mapping uses, but the one
 * fdata_page gave last (its caller may be mapping it); how many.
 */
uint64_t fdata_reclaim(struct vnode *vn);
/* Where the data after off starts or the next hole is (SEEK_DATA/HOLE). */
int64_t fdata_seek(struct vnode *vn, uint64_t off, bool data);

/*
 * Path walks (kernel/namei.c).  walk resolves path from dirfd (AT_FDCWD:
 * the cwd; ignored for an absolute path) the way Linux's path_lookupat
 * does: "." and "..", "//", symlinks (at most VFS_MAXSYMLINKS, else
 * -ELOOP; a trailing one only with WALK_FOLLOW or a trailing slash),
 * /proc's magic links, mount points.  Errors: -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG (a component > 255 bytes), -ELOOP, -EACCES (no search
 * permission), -EBADF (dirfd), -ENOMEM.
 *
 * Without WALK_PARENT, w->vn is the file (a reference) or w->file a
 * non-tree file reached by a /proc/self/fd link.  With WALK_PARENT,
 * w->dir is the directory the last component is (or would be) in and
 * w->vn what it names now or NULL; w->last holds that component ("."
 * and ".." are reported in w->dot, with w->vn their directory and
 * w->dir NULL).  w->slash says the path ended in '/'.  walk_done drops
 * the references.
 */
#define WALK_FOLLOW	0x1	/* follow a symlink in the last component */
#define WALK_PARENT	0x2	/* stop at the last component's directory */
#define WALK_EMPTY	0x4	/* "" names dirfd itself (AT_EMPTY_PATH) */

struct walk {
	struct vnode *dir;
	struct vnode *vn;
	struct file *file;
	bool slash;
	bool dot;
	char last[TAR_NAME_MAX + 1];
};

int walk(int dirfd, const char *path, unsigned flags, struct walk *w);
void walk_done(struct walk *w);
/* The root of the tree, and the cwd (borrowed). */
struct vnode *vfs_root(void);
struct vnode *vfs_cwd(void);
void vfs_set_cwd(struct vnode *vn);	/* takes a new reference */
void vfs_set_root(struct vnode *vn);	/* takes a new reference */

/* A growing text buffer for /proc's files. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};
void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_put(struct sbuf *b, const void *p, size_t n);
void sb_free(struct sbuf *b);

/*
 * Open files of the tree (kernel/vfile.c).  Every kind shares
 * vfile_stat, by which vfile_vnode tells a tree file (returning its
 * vnode, borrowed) from the others (NULL).  pdir and name say where the
 * file was found, for /proc/self/fd's links (pdir may be NULL).
 */
struct vfile {
	struct vnode *vn;
	struct vnode *pdir;		/* the directory it was opened in */
	char *name;			/* its name there */
	char *after;			/* directories: the last name listed */
	uint64_t ord;			/* directories: entries listed */
	struct sbuf text;		/* /proc files: the text */
};
int vfile_stat(struct file *f, struct kstat *st);
void vfile_release(struct file *f);
struct vnode *vfile_vnode(struct file *f);
/* lseek's arithmetic for a file of size bytes: new position or -EINVAL. */
long vfile_seek(struct file *f, int64_t off, int whence, uint64_t size);
/* A tree file with these operations; new references on vn and pdir. */
int vfile_make(struct vnode *vn, const struct file_ops *ops, uint32_t flags,
    struct vnode *pdir, const char *name, struct vfile **vout,
    struct file **out);
/* Open vn (after the walk and the permission checks) by its type. */
int vfile_open(struct vnode *vn, uint32_t flags, struct vnode *pdir,
    const char *name, struct file **out);
/* The path a tree file was opened by, as /proc/self/fd shows it. */
long vfile_path_of(struct file *f, char *buf, size_t size);
/* The absolute path of a directory: length, -ENOENT (removed), -ERANGE. */
long vnode_dir_path(struct vnode *d, char *buf, size_t size);

/* Linux's dev_t encoding (new_encode_dev), as st_rdev shows it. */
#define KMKDEV(ma, mi)	((((uint64_t)(mi)) & 0xff) | ((uint64_t)(ma) << 8) | \
	((((uint64_t)(mi)) & ~0xffull) << 12))

/*
 * Special files (kernel/devfs.c): open a VN_SPECIAL node by its rdev
 * (-ENXIO for devices that do not exist here), and populate /dev.
 */
int dev_open(struct vnode *vn, uint32_t flags, struct vnode *pdir,
    const char *name, struct file **out);
int devfs_populate(struct vnode *dev);
/* name in dir as a directory, made if missing (kernel/rootfs.c). */
struct vnode *ensure_dir(struct vnode *dir, const char *name, uint32_t mode);

/*
 * configfs-tsm (kernel/tsm.c).  Its directories are VN_DIR vnodes with
 * pkind TSM_DIR_REPORT (tsm/report) or TSM_DIR_ENTRY (a report entry);
 * its attributes are VN_SPECIAL S_IFREG vnodes with pkind != 0.
 * tsm_mkdir fills the entry just made as name in the report directory
 * (removing it on failure); tsm_rmdir empties an entry before rmdir.
 */
#define TSM_DIR_REPORT	0x7401
#define TSM_DIR_ENTRY	0x7402
void tsm_populate(struct vnode *root);
int tsm_mkdir(struct vnode *report_dir, const char *name);
int tsm_rmdir(struct vnode *entry);
int tsm_open(struct vnode *vn, uint32_t flags, struct vnode *pdir,
    const char *name, struct file **out);

/* /dev/sev-guest (kernel/sevguest.c): present only in a usable SNP guest. */
bool sevguest_present(void);
int sevguest_open(struct vnode *vn, uint32_t flags, struct vnode *pdir,
    const char *name, struct file **out);

/*
 * /proc (kernel/procfs.c, procfs_text.c).  procfs_root makes the
 * mounted root.  For VN_PROC vnodes: lookup in a directory (a new
 * reference or NULL), the idx-th entry of a directory (0 or -ENOENT at
 * the end), a link's text, where a (magic) link leads (a vnode, or a
 * non-tree file), a file's text (made at open), and chmod/chown
 * (0 or -EPERM).
 */
struct vnode *procfs_root(struct vnode *parent);
struct vnode *procfs_lookup(struct vnode *d, const char *name);
int procfs_readdir(struct vnode *d, uint64_t idx, char *name, size_t size,
    uint64_t *ino, uint8_t *type);
long procfs_readlink(struct vnode *vn, char *buf, size_t size);
int procfs_follow(struct vnode *vn, struct vnode **to, struct file **file);
int procfs_text(struct vnode *vn, struct sbuf *b);
long procfs_dir_path(struct vnode *d, char *buf, size_t size);
int procfs_setattr(struct vnode *vn, uint32_t mode, uint32_t uid,
    uint32_t gid);
const char *procfs_exe_path(void);
bool procfs_is_exe(const struct vnode *vn);
void procfs_set_args(int argc, const char *const *argv, int envc,
    const char *const *envp);

/* What a VN_PROC vnode is (pkind); parg and pproc say whose. */
enum procfs_kind {
	P_ROOT = 1, P_SELF, P_PID, P_FD, P_FDLINK,
	P_MEMINFO, P_CPUINFO, P_UPTIME, P_VERSION, P_MOUNTS, P_FILESYSTEMS,
	P_LOADAVG, P_CMDLINE, P_COMM, P_CWD, P_ENVIRON, P_EXE, P_MAPS,
	P_ROOTLINK, P_STAT, P_STATM, P_STATUS, P_PID_MOUNTS,
	P_THREAD_SELF, P_SYSSTAT, P_TASK, P_TID, P_FDINFO, P_FDINFO_FILE,
	P_LIMITS,
};
/*
 * The process (thread) a /proc entry belongs to: procfs_facts for it, 0
 * or -ESRCH once it is reaped.  procfs_pid_dir: /proc/<pid>, a new
 * reference or NULL.  procfs_exe_of: process k's program file.
 */
int procfs_facts_of(const struct vnode *vn, struct proc_facts *f);
struct vnode *procfs_pid_dir(int pid);
struct vnode *procfs_exe_of(const struct kproc *k);

/* The files' texts; 0 or -ENOMEM. */
int proc_text_meminfo(struct sbuf *b);
int proc_text_cpuinfo(struct sbuf *b);
int proc_text_uptime(struct sbuf *b);
int proc_text_version(struct sbuf *b);
int proc_text_loadavg(struct sbuf *b);
int proc_text_mounts(struct sbuf *b);
int proc_text_filesystems(struct sbuf *b);
int proc_text_sysstat(struct sbuf *b);
/* A process's files: f as procfs_facts filled it. */
int proc_text_cmdline(struct sbuf *b, const struct proc_facts *f);
int proc_text_comm(struct sbuf *b, const struct proc_facts *f);
int proc_text_environ(struct sbuf *b, const struct proc_facts *f);
int proc_text_maps(struct sbuf *b, const struct proc_facts *f);
int proc_text_stat(struct sbuf *b, const struct proc_facts *f);
int proc_text_statm(struct sbuf *b, const struct proc_facts *f);
int proc_text_status(struct sbuf *b, const struct proc_facts *f);
int proc_text_limits(struct sbuf *b, const struct proc_facts *f);
int proc_text_fdinfo(struct sbuf *b, const struct proc_facts *f, int fd);
/*
 * The shim's facts (struct proc_facts, kernel.h), or those of the one
 * boot process when no shim registered (unit tests): procfs_facts is
 * fill, procfs_next next.
 */
int procfs_facts(int pid, int tid, struct proc_facts *f);
int procfs_next(int pid, int after);
/*
 * A write to a /proc text: comm names the caller's own process (Linux's
 * comm_write: the first 15 bytes, the whole length returned; another
 * process's is EINVAL); the rest are EIO.
 */
long procfs_write(struct vnode *vn, const void *buf, size_t len);
/* Is vn an entry of a process that has been reaped (read: ESRCH)? */
bool procfs_gone(const struct vnode *vn);
/* /proc/<pid>/exe of process k: the path, the file (NULL: none). */
const char *procfs_exe_path_of(const struct kproc *k);


/* ---- The gdb stub (kernel/gdb*.c) ---- */

/*
 * Framing (kernel/gdb_proto.c).  GDB_PKT_MAX is the largest payload the
 * stub accepts and sends (advertised as PacketSize).  gdb_rx_byte feeds
 * one byte from the peer and says what, if anything, it completed: a
 * packet (rx->buf, rx->len, NUL-terminated; binary payloads may contain
 * NUL), a bad one (checksum, escape or run-length error: answer '-'),
 * one too long for the buffer, an interrupt (0x03 between packets), or
 * an acknowledgement.  Garbage between packets is skipped.
 */
#define GDB_PKT_MAX	4096

enum gdb_rx_event {
	GDB_RX_NONE,
	GDB_RX_PACKET,
	GDB_RX_BAD,
	GDB_RX_TOOLONG,
	GDB_RX_INTR,
	GDB_RX_ACK,
	GDB_RX_NAK,
};

struct gdb_rx {
	int state;
	uint8_t sum;		/* of the raw bytes between '$' and '#' */
	uint8_t ck;		/* the two digits after '#' */
	bool bad, overflow;
	size_t len;
	char buf[GDB_PKT_MAX + 1];
};

void gdb_rx_reset(struct gdb_rx *rx);
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t c);
/* Frame payload as "$...#cc" with escapes into out; 0 if it does not fit. */
size_t gdb_tx_frame(char *out, size_t max, const char *payload, size_t len);
int gdb_hex_val(char c);
size_t gdb_hex_encode(char *out, const void *bytes, size_t n);
/* Decode n bytes from 2n hex digits; -EINVAL on a non-digit (stops at NUL). */
int gdb_hex_decode(void *out, const char *hex, size_t n);
/* Parse up to 16 hex digits at *p and advance; false if none or too many. */
bool gdb_parse_hex(const char **p, uint64_t *v);

/*
 * Registers (kernel/gdb_regs.c): gdb's amd64 numbering, described to gdb
 * by the target.xml the stub serves (core, sse, segments, linux).
 */
#define GDB_NREGS	60
#define GDB_REG_BYTES	(16 * 8 + 8 + 4 * 7 + 8 * 10 + 8 * 4 + \
			 16 * 16 + 4 + 3 * 8)

/* What the stub knows of one thread's user state. */
struct gdb_regs {
	struct plat_regs r;
	uint64_t fs_base, gs_base;
	uint8_t fx[512];	/* FXSAVE layout: x87, MXCSR, XMM */
};

/* Register n's size in bytes (0: no such register). */
size_t gdb_reg_size(unsigned n);
/* Hex-encode register n (or all, for 'g') into out; returns digits. */
size_t gdb_reg_get(const struct gdb_regs *g, unsigned n, char *out);
size_t gdb_regs_get_all(const struct gdb_regs *g, char *out);
/* Set register n from raw little-endian bytes; -EINVAL if not settable. */
int gdb_reg_set(struct gdb_regs *g, unsigned n, const uint8_t *raw);
/* The target description, "target.xml". */
extern const char gdb_target_xml[];

/*
 * Commands (kernel/gdb_cmd.c): one packet in, one reply out, against the
 * target functions below.  Returns the reply's length, or -1 when there
 * is no reply now ('c', 's', 'k': the next stop answers).  s->resume.act
 * is GDB_NONE after a packet that leaves the guest stopped.
 */
#define GDB_MAX_SWBP	64
#define GDB_MAX_THREADS	256

enum gdb_action { GDB_NONE, GDB_CONTINUE, GDB_DETACH, GDB_KILL };

struct gdb_resume {
	enum gdb_action act;
	int step_tid;		/* thread to single-step, 0: none */
	int sig;		/* signal for the stopped thread, 0: none */
};

struct gdb_state {
	bool noack;
	int stop_tid;		/* thread the last stop reported */
	int stop_sig;
	const char *stop_why;	/* "swbreak", "hwbreak", "watch"... or NULL */
	uint64_t stop_addr;	/* watchpoint address */
	int g_tid, c_tid;	/* Hg, Hc selections (0: any, -1: all) */
	struct { uint64_t addr; uint8_t orig; bool used; } swbp[GDB_MAX_SWBP];
	struct { uint64_t addr; int type, len; bool used; } hwbp[4];
	struct gdb_resume resume;
};

void gdb_state_init(struct gdb_state *s);
long gdb_command(struct gdb_state *s, const char *pkt, size_t len,
    char *reply, size_t max);
/* The stop reply for the state's last stop ("T05thread:1;swbreak:;"). */
size_t gdb_stop_reply(const struct gdb_state *s, char *out, size_t max);
/* Is a stub software breakpoint at addr? */
bool gdb_swbp_at(const struct gdb_state *s, uint64_t addr);
/* Put the original byte back at addr (if a breakpoint is there). */
int gdb_swbp_remove(struct gdb_state *s, uint64_t addr);

/*
 * The target (kernel/gdb.c over platform.h; tests/unit/mock_gdbt.c on
 * the host).  Thread ids are the guest's tids; every call is made while
 * the guest is stopped.
 */
int gdbt_threads(int *tids, int max);
bool gdbt_thread_alive(int tid);
int gdbt_regs_read(int tid, struct gdb_regs *g);
int gdbt_regs_write(int tid, const struct gdb_regs *g);
/* Copy guest or kernel memory; -EFAULT where nothing is mapped.  Writes
 * reach read-only guest text (for breakpoints) without changing what
 * the guest may write. */
int gdbt_mem_read(uint64_t addr, void *buf, size_t n);
int gdbt_mem_write(uint64_t addr, const void *buf, size_t n);
/* Debug register slot 0-3: type 0 exec, 1 write, 3 access; len 1/2/4/8;
 * type -1 clears the slot. */
int gdbt_hwbp(int slot, uint64_t addr, int type, int len);
/* Name and state of a thread, for qThreadExtraInfo. */
void gdbt_thread_describe(int tid, char *out, size_t max);
/* Where the guest's ELF was loaded, minus its link address (PIE). */
uint64_t gdbt_load_bias(void);
/* A monitor command's output text into out; its length. */
size_t gdbt_monitor(const char *cmd, char *out, size_t max);

#endif
