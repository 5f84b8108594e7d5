/*
 * The path syscalls: open and the calls that make, remove, rename and
 * read names, the cwd, and access.  Each copies its paths in (Linux's
 * getname: EFAULT, ENAMETOOLONG) and calls kernel/vfs*.c, which does
 * the work and gives Linux's errors.  The umask applies here, as in
 * Linux's VFS.
 */
#include "shim/internal.h"

#define S_IALLUGO	07777

long
fs_path_in(uint64_t u, char **out)
{
	char *buf;
	long n;

	*out = NULL;
	if (u == 0)
		return -EFAULT;
	buf = kmalloc(VFS_PATH_MAX);
	if (buf == NULL)
		return -ENOMEM;
	n = plat_strncpy_from_user(buf, u, VFS_PATH_MAX);
	if (n < 0) {
		kfree(buf);
		return n;
	}
	*out = buf;
	return n;
}

/* Two paths, for rename and link; both freed on failure. */
static long
paths_in(uint64_t u1, char **p1, uint64_t u2, char **p2)
{
	long rc = fs_path_in(u1, p1);

	if (rc < 0)
		return rc;
	rc = fs_path_in(u2, p2);
	if (rc < 0) {
		kfree(*p1);
		*p1 = NULL;
	}
	return rc;
}

static long
do_open(int dirfd, uint64_t upath, uint32_t flags, uint32_t mode)
{
	struct file *f;
	char *path;
	long rc;

	rc = fs_path_in(upath, &path);
	if (rc < 0)
		return rc;
	if (flags & (O_CREAT | (O_TMPFILE & ~O_DIRECTORY)))
		mode = mode & S_IALLUGO & ~shim_proc_cur()->umask;
	else
		mode = 0;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	rc = vfs_open(dirfd, path, flags, mode, &f);
	kfree(path);
	if (rc != 0)
		return rc;
	rc = fd_install(f, 0, (flags & O_CLOEXEC) != 0);
	if (rc < 0)
		file_put(f);
	return rc;
}

long
sys_open(SYSCALL_ARGS)
{
	return do_open(AT_FDCWD, a0, (uint32_t)a1, (uint32_t)a2);
}

long
sys_openat(SYSCALL_ARGS)
{
	return do_open((int)a0, a1, (uint32_t)a2, (uint32_t)a3);
}

long
sys_creat(SYSCALL_ARGS)
{
	return do_open(AT_FDCWD, a0, O_CREAT | O_WRONLY | O_TRUNC,
	    (uint32_t)a1);
}

static long
do_mkdir(int dirfd, uint64_t upath, uint32_t mode)
{
	char *path;
	long rc = fs_path_in(upath, &path);

	if (rc < 0)
		return rc;
	rc = vfs_mkdir(dirfd, path, mode & 01777 & ~shim_proc_cur()->umask);
	kfree(path);
	return rc;
}

long
sys_mkdir(SYSCALL_ARGS)
{
	return do_mkdir(AT_FDCWD, a0, (uint32_t)a1);
}

long
sys_mkdirat(SYSCALL_ARGS)
{
	return do_mkdir((int)a0, a1, (uint32_t)a2);
}

static long
do_mknod(int dirfd, uint64_t upath, uint32_t mode, uint32_t dev)
{
	char *path;
	long rc = fs_path_in(upath, &path);

	if (rc < 0)
		return rc;
	mode = (mode & S_IFMT) | (mode & S_IALLUGO & ~shim_proc_cur()->umask);
	rc = vfs_mknod(dirfd, path, mode, dev);
	kfree(path);
	return rc;
}

long
sys_mknod(SYSCALL_ARGS)
{
	return do_mknod(AT_FDCWD, a0, (uint32_t)a1, (uint32_t)a2);
}

long
sys_mknodat(SYSCALL_ARGS)
{
	return do_mknod((int)a0, a1, (uint32_t)a2, (uint32_t)a3);
}

static long
do_unlink(int dirfd, uint64_t upath, int flags)
{
	char *path;
	long rc = fs_path_in(upath, &path);

	if (rc < 0)
		return rc;
	rc = vfs_unlink(dirfd, path, flags);
	kfree(path);
	return rc;
}

long
sys_rmdir(SYSCALL_ARGS)
{
	return do_unlink(AT_FDCWD, a0, AT_REMOVEDIR);
}

long
sys_unlink(SYSCALL_ARGS)
{
	return do_unlink(AT_FDCWD, a0, 0);
}

long
sys_unlinkat(SYSCALL_ARGS)
{
	if ((int)a2 & ~AT_REMOVEDIR)
		return -EINVAL;
	return do_unlink((int)a0, a1, (int)a2);
}

static long
do_rename(int olddirfd, uint64_t uold, int newdirfd, uint64_t unew,
    unsigned flags)
{
	char *old, *new;
	long rc = paths_in(uold, &old, unew, &new);

	if (rc < 0)
		return rc;
	rc = vfs_rename(olddirfd, old, newdirfd, new, flags);
	kfree(old);
	kfree(new);
	return rc;
}

long
sys_rename(SYSCALL_ARGS)
{
	return do_rename(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

long
sys_renameat(SYSCALL_ARGS)
{
	return do_rename((int)a0, a1, (int)a2, a3, 0);
}

long
sys_renameat2(SYSCALL_ARGS)
{
	return do_rename((int)a0, a1, (int)a2, a3, (unsigned)a4);
}

static long
do_link(int olddirfd, uint64_t uold, int newdirfd, uint64_t unew, int flags)
{
	char *old, *new;
	long rc;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rc = paths_in(uold, &old, unew, &new);
	if (rc < 0)
		return rc;
	rc = vfs_link(olddirfd, old, newdirfd, new, flags);
	kfree(old);
	kfree(new);
	return rc;
}

long
sys_link(SYSCALL_ARGS)
{
	return do_link(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

long
sys_linkat(SYSCALL_ARGS)
{
	return do_link((int)a0, a1, (int)a2, a3, (int)a4);
}

static long
do_symlink(uint64_t utarget, int dirfd, uint64_t upath)
{
	char *target, *path;
	long rc = paths_in(utarget, &target, upath, &path);

	if (rc < 0)
		return rc;
	rc = vfs_symlink(target, dirfd, path);
	kfree(target);
	kfree(path);
	return rc;
}

long
sys_symlink(SYSCALL_ARGS)
{
	return do_symlink(a0, AT_FDCWD, a1);
}

long
sys_symlinkat(SYSCALL_ARGS)
{
	return do_symlink(a0, (int)a1, a2);
}

static long
do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, int64_t size)
{
	char *path, *buf;
	long rc;

	if (size <= 0)
		return -EINVAL;
	rc = fs_path_in(upath, &path);
	if (rc < 0)
		return rc;
	if (size > VFS_PATH_MAX)
		size = VFS_PATH_MAX;
	buf = kmalloc((size_t)size);
	if (buf == NULL) {
		kfree(path);
		return -ENOMEM;
	}
	rc = vfs_readlink(dirfd, path, buf, (size_t)size);
	if (rc > 0 && plat_copy_to_user(ubuf, buf, (size_t)rc) != 0)
		rc = -EFAULT;
	kfree(buf);
	kfree(path);
	return rc;
}

long
sys_readlink(SYSCALL_ARGS)
{
	return do_readlink(AT_FDCWD, a0, a1, (int64_t)(int)a2);
}

long
sys_readlinkat(SYSCALL_ARGS)
{
	return do_readlink((int)a0, a1, a2, (int64_t)(int)a3);
}

long
sys_chdir(SYSCALL_ARGS)
{
	char *path;
	long rc = fs_path_in(a0, &path);

	if (rc < 0)
		return rc;
	rc = vfs_chdir(AT_FDCWD, path, 0);
	kfree(path);
	return rc;
}

long
sys_fchdir(SYSCALL_ARGS)
{
	if ((int)a0 == AT_FDCWD)
		return -EBADF;
	return vfs_chdir((int)a0, "", AT_EMPTY_PATH);
}

long
sys_getcwd(SYSCALL_ARGS)
{
	size_t size = a1 < VFS_PATH_MAX ? (size_t)a1 : VFS_PATH_MAX;
	char *buf = kmalloc(VFS_PATH_MAX);
	long n;

	if (buf == NULL)
		return -ENOMEM;
	n = vfs_getcwd(buf, size);
	if (n > 0 && plat_copy_to_user(a0, buf, (size_t)n) != 0)
		n = -EFAULT;
	kfree(buf);
	return n;
}

static long
do_access(int dirfd, uint64_t upath, int mode, int flags)
{
	char *path;
	long rc;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
		return -EINVAL;
	rc = fs_path_in(upath, &path);
	if (rc < 0)
		return rc;
	rc = vfs_access(dirfd, path, mode, flags);
	kfree(path);
	return rc;
}

long
sys_access(SYSCALL_ARGS)
{
	return do_access(AT_FDCWD, a0, (int)a1, 0);
}

long
sys_faccessat(SYSCALL_ARGS)
{
	return do_access((int)a0, a1, (int)a2, 0);
}

long
sys_faccessat2(SYSCALL_ARGS)
{
	return do_access((int)a0, a1, (int)a2, (int)a3);
}
