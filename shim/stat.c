/*
 * stat, fstat, lstat, newfstatat, statx, statfs and fstatfs: struct
 * kstat and struct kstatfs laid out as the x86_64 ABI's struct stat,
 * struct statx and struct statfs.
 */
#include "shim/internal.h"

/* x86_64's struct stat (arch/x86/include/uapi/asm/stat.h). */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;
	uint64_t st_atime, st_atime_nsec;
	uint64_t st_mtime, st_mtime_nsec;
	uint64_t st_ctime, st_ctime_nsec;
	int64_t unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "struct stat");
_Static_assert(__builtin_offsetof(struct linux_stat, st_mode) == 24, "mode");
_Static_assert(__builtin_offsetof(struct linux_stat, st_size) == 48, "size");
_Static_assert(__builtin_offsetof(struct linux_stat, st_mtime) == 88,
    "mtime");

struct statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

/* include/uapi/linux/stat.h */
struct linux_statx {
	uint32_t stx_mask;
	uint32_t stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink;
	uint32_t stx_uid;
	uint32_t stx_gid;
	uint16_t stx_mode;
	uint16_t spare0;
	uint64_t stx_ino;
	uint64_t stx_size;
	uint64_t stx_blocks;
	uint64_t stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor;
	uint32_t stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t spare3[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx");
_Static_assert(__builtin_offsetof(struct linux_statx, stx_atime) == 64,
    "statx atime");
_Static_assert(__builtin_offsetof(struct linux_statx, stx_rdev_major) == 128,
    "statx rdev");

/* x86_64's struct statfs (include/uapi/asm-generic/statfs.h, 64-bit). */
struct linux_statfs {
	int64_t f_type;
	int64_t f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen;
	int64_t f_frsize;
	int64_t f_flags;
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "struct statfs");

#define STATX_BASIC_STATS	0x07ffu
#define STATX__RESERVED		0x80000000u
#define AT_STATX_SYNC_TYPE	0x6000
#define AT_STATX_SYNC_BOTH	0x6000

static void
to_linux_stat(const struct kstat *k, struct linux_stat *s)
{
	memset(s, 0, sizeof(*s));
	s->st_dev = k->dev;
	s->st_ino = k->ino;
	s->st_nlink = k->nlink;
	s->st_mode = k->mode;
	s->st_uid = k->uid;
	s->st_gid = k->gid;
	s->st_rdev = k->rdev;
	s->st_size = (int64_t)k->size;
	s->st_blksize = (int64_t)k->blksize;
	s->st_blocks = (int64_t)k->blocks;
	s->st_atime = k->atime_ns / 1000000000ull;
	s->st_atime_nsec = k->atime_ns % 1000000000ull;
	s->st_mtime = k->mtime_ns / 1000000000ull;
	s->st_mtime_nsec = k->mtime_ns % 1000000000ull;
	s->st_ctime = k->ctime_ns / 1000000000ull;
	s->st_ctime_nsec = k->ctime_ns % 1000000000ull;
}

static long
stat_out(const struct kstat *k, uint64_t ubuf)
{
	struct linux_stat s;

	to_linux_stat(k, &s);
	return plat_copy_to_user(ubuf, &s, sizeof(s)) != 0 ? -EFAULT : 0;
}

static long
do_stat(int dirfd, uint64_t upath, uint64_t ubuf, int flags)
{
	struct kstat k;
	char *path;
	long rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	rc = fs_path_in(upath, &path);
	if (rc < 0)
		return rc;
	rc = vfs_stat(dirfd, path, flags, &k);
	kfree(path);
	return rc != 0 ? rc : stat_out(&k, ubuf);
}

long
sys_stat(SYSCALL_ARGS)
{
	return do_stat(AT_FDCWD, a0, a1, 0);
}

long
sys_lstat(SYSCALL_ARGS)
{
	return do_stat(AT_FDCWD, a0, a1, AT_SYMLINK_NOFOLLOW);
}

long
sys_newfstatat(SYSCALL_ARGS)
{
	return do_stat((int)a0, a1, a2, (int)a3);
}

long
sys_fstat(SYSCALL_ARGS)
{
	struct file *f = fd_get((int)a0);
	struct kstat k;
	long rc;

	if (f == NULL)
		return -EBADF;
	rc = file_stat(f, &k);
	file_put(f);
	return rc != 0 ? rc : stat_out(&k, a1);
}

static void
ts_out(struct statx_timestamp *t, uint64_t ns)
{
	t->tv_sec = (int64_t)(ns / 1000000000ull);
	t->tv_nsec = (uint32_t)(ns % 1000000000ull);
}

/* Major and minor of a dev_t in Linux's encoding (KMKDEV). */
static uint32_t
dev_major(uint64_t d)
{
	return (uint32_t)((d >> 8) & 0xfff);
}

static uint32_t
dev_minor(uint64_t d)
{
	return (uint32_t)((d & 0xff) | ((d >> 12) & 0xfff00));
}

long
sys_statx(SYSCALL_ARGS)
{
	int dirfd = (int)a0, flags = (int)a2;
	uint32_t mask = (uint32_t)a3;
	struct linux_statx x;
	struct kstat k;
	char *path;
	long rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT |
	    AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_BOTH ||
	    (mask & STATX__RESERVED))
		return -EINVAL;
	rc = fs_path_in(a1, &path);
	if (rc < 0)
		return rc;
	rc = vfs_stat(dirfd, path, flags & ~AT_STATX_SYNC_TYPE, &k);
	kfree(path);
	if (rc != 0)
		return rc;
	memset(&x, 0, sizeof(x));
	x.stx_mask = STATX_BASIC_STATS;
	x.stx_blksize = (uint32_t)k.blksize;
	x.stx_nlink = k.nlink;
	x.stx_uid = k.uid;
	x.stx_gid = k.gid;
	x.stx_mode = (uint16_t)k.mode;
	x.stx_ino = k.ino;
	x.stx_size = k.size;
	x.stx_blocks = k.blocks;
	ts_out(&x.stx_atime, k.atime_ns);
	ts_out(&x.stx_ctime, k.ctime_ns);
	ts_out(&x.stx_mtime, k.mtime_ns);
	x.stx_rdev_major = dev_major(k.rdev);
	x.stx_rdev_minor = dev_minor(k.rdev);
	x.stx_dev_major = dev_major(k.dev);
	x.stx_dev_minor = dev_minor(k.dev);
	return plat_copy_to_user(a4, &x, sizeof(x)) != 0 ? -EFAULT : 0;
}

static long
statfs_out(const struct kstatfs *k, uint64_t ubuf)
{
	struct linux_statfs s;

	memset(&s, 0, sizeof(s));
	s.f_type = (int64_t)k->type;
	s.f_bsize = (int64_t)k->bsize;
	s.f_blocks = k->blocks;
	s.f_bfree = k->bfree;
	s.f_bavail = k->bavail;
	s.f_files = k->files;
	s.f_ffree = k->ffree;
	s.f_fsid[0] = (int32_t)k->fsid[0];
	s.f_fsid[1] = (int32_t)k->fsid[1];
	s.f_namelen = (int64_t)k->namelen;
	s.f_frsize = (int64_t)k->frsize;
	s.f_flags = (int64_t)k->flags;
	return plat_copy_to_user(ubuf, &s, sizeof(s)) != 0 ? -EFAULT : 0;
}

long
sys_statfs(SYSCALL_ARGS)
{
	struct kstatfs k;
	char *path;
	long rc;

	rc = fs_path_in(a0, &path);
	if (rc < 0)
		return rc;
	rc = vfs_statfs(AT_FDCWD, path, 0, &k);
	kfree(path);
	return rc != 0 ? rc : statfs_out(&k, a1);
}

long
sys_fstatfs(SYSCALL_ARGS)
{
	struct kstatfs k;
	long rc;

	if ((int)a0 == AT_FDCWD)
		return -EBADF;
	rc = vfs_statfs((int)a0, "", AT_EMPTY_PATH, &k);
	return rc != 0 ? rc : statfs_out(&k, a1);
}
