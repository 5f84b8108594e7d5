/*
 * Attribute changes: the chmod, chown and utime families.  The fd forms
 * go through the *at calls with an empty path and AT_EMPTY_PATH, as
 * Linux's own fchmod does on an O_PATH-less descriptor.
 */
#include "shim/internal.h"

/* A path, or "" with AT_EMPTY_PATH when upath is NULL and allowed. */
static long
path_or_fd(uint64_t upath, bool null_is_fd, char **path, int *flags)
{
	if (upath == 0 && null_is_fd) {
		*path = kzalloc(1);
		*flags |= AT_EMPTY_PATH;
		return *path != NULL ? 0 : -ENOMEM;
	}
	return fs_path_in(upath, path);
}

static long
do_chmod(int dirfd, uint64_t upath, uint32_t mode, int flags)
{
	char *path;
	long rc = fs_path_in(upath, &path);

	if (rc < 0)
		return rc;
	rc = vfs_chmod(dirfd, path, mode, flags);
	kfree(path);
	return rc;
}

long
sys_chmod(SYSCALL_ARGS)
{
	return do_chmod(AT_FDCWD, a0, (uint32_t)a1, 0);
}

long
sys_fchmodat(SYSCALL_ARGS)
{
	return do_chmod((int)a0, a1, (uint32_t)a2, 0);
}

/* fchmod and fchown need a real descriptor: not O_PATH (EBADF). */
static long
real_fd(int fd)
{
	struct file *f = fd_get(fd);
	bool path;

	if (f == NULL)
		return -EBADF;
	path = (f->flags & O_PATH) != 0;
	file_put(f);
	return path ? -EBADF : 0;
}

long
sys_fchmod(SYSCALL_ARGS)
{
	long rc = real_fd((int)a0);

	if (rc != 0)
		return rc;
	return vfs_chmod((int)a0, "", (uint32_t)a1, AT_EMPTY_PATH);
}

static long
do_chown(int dirfd, uint64_t upath, uint32_t uid, uint32_t gid, int flags)
{
	char *path;
	long rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rc = fs_path_in(upath, &path);
	if (rc < 0)
		return rc;
	rc = vfs_chown(dirfd, path, uid, gid, flags);
	kfree(path);
	return rc;
}

long
sys_chown(SYSCALL_ARGS)
{
	return do_chown(AT_FDCWD, a0, (uint32_t)a1, (uint32_t)a2, 0);
}

long
sys_lchown(SYSCALL_ARGS)
{
	return do_chown(AT_FDCWD, a0, (uint32_t)a1, (uint32_t)a2,
	    AT_SYMLINK_NOFOLLOW);
}

long
sys_fchownat(SYSCALL_ARGS)
{
	return do_chown((int)a0, a1, (uint32_t)a2, (uint32_t)a3, (int)a4);
}

long
sys_fchown(SYSCALL_ARGS)
{
	long rc = real_fd((int)a0);

	if (rc != 0)
		return rc;
	return vfs_chown((int)a0, "", (uint32_t)a1, (uint32_t)a2,
	    AT_EMPTY_PATH);
}

static long
do_utimens(int dirfd, uint64_t upath, const struct ktimespec *ts, int flags)
{
	char *path;
	long rc;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rc = path_or_fd(upath, true, &path, &flags);
	if (rc < 0)
		return rc;
	if (upath == 0 && dirfd == AT_FDCWD)
		rc = -EFAULT;
	else
		rc = vfs_utimens(dirfd, path, ts, flags);
	kfree(path);
	return rc;
}

long
sys_utimensat(SYSCALL_ARGS)
{
	struct ktimespec ts[2];

	if (a2 != 0 && plat_copy_from_user(ts, a2, sizeof(ts)) != 0)
		return -EFAULT;
	return do_utimens((int)a0, a1, a2 != 0 ? ts : NULL, (int)a3);
}

/* struct timeval pairs (futimesat, utimes): microseconds checked. */
static long
timevals_in(uint64_t u, struct ktimespec ts[2])
{
	int64_t tv[4];

	if (plat_copy_from_user(tv, u, sizeof(tv)) != 0)
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[2 * i + 1] < 0 || tv[2 * i + 1] >= 1000000)
			return -EINVAL;
		ts[i].sec = tv[2 * i];
		ts[i].nsec = tv[2 * i + 1] * 1000;
	}
	return 0;
}

long
sys_futimesat(SYSCALL_ARGS)
{
	struct ktimespec ts[2];
	long rc;

	if (a2 != 0) {
		rc = timevals_in(a2, ts);
		if (rc != 0)
			return rc;
	}
	return do_utimens((int)a0, a1, a2 != 0 ? ts : NULL, 0);
}

long
sys_utimes(SYSCALL_ARGS)
{
	struct ktimespec ts[2];
	long rc;

	if (a1 != 0) {
		rc = timevals_in(a1, ts);
		if (rc != 0)
			return rc;
	}
	if (a0 == 0)
		return -EFAULT;
	return do_utimens(AT_FDCWD, a0, a1 != 0 ? ts : NULL, 0);
}

long
sys_utime(SYSCALL_ARGS)
{
	struct ktimespec ts[2];
	int64_t t[2];

	if (a1 != 0) {
		if (plat_copy_from_user(t, a1, sizeof(t)) != 0)
			return -EFAULT;
		ts[0].sec = t[0];
		ts[1].sec = t[1];
		ts[0].nsec = ts[1].nsec = 0;
	}
	if (a0 == 0)
		return -EFAULT;
	return do_utimens(AT_FDCWD, a0, a1 != 0 ? ts : NULL, 0);
}
