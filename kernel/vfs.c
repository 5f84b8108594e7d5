/*
 * The file tree's calls that read or open: open, stat, access, readlink,
 * chdir, getcwd, statfs, and the attribute changes (chmod, chown,
 * utimens, truncate).  Names are made and removed in kernel/vfs_ns.c.
 * Linux's checks come in Linux's order, so the first error matches.
 */
#include "kernel/internal.h"

#define ST_VALID	0x0020
#define ST_RELATIME	0x1000

/* Walk flags for the *at calls' AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH. */
static unsigned
at_walk_flags(int atflags, bool follow_default)
{
	unsigned f = 0;

	if (follow_default && !(atflags & AT_SYMLINK_NOFOLLOW))
		f |= WALK_FOLLOW;
	if (atflags & AT_EMPTY_PATH)
		f |= WALK_EMPTY;
	return f;
}

static bool
is_dir(const struct vnode *vn)
{
	return (vn->mode & S_IFMT) == S_IFDIR;
}

/* Open what the walk found: checks of may_open(), then O_TRUNC. */
static int
open_found(struct walk *w, uint32_t flags, bool created,
    struct file **out)
{
	struct vnode *vn = w->vn;
	uint32_t acc = flags & O_ACCMODE;
	unsigned may = 0;
	int rc;

	if ((vn->mode & S_IFMT) == S_IFLNK && !(flags & O_PATH))
		return -ELOOP;		/* O_NOFOLLOW met a symlink */
	if ((flags & O_DIRECTORY) && !is_dir(vn))
		return -ENOTDIR;
	if (flags & O_PATH)
		return vfile_open(vn, flags & (O_PATH | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC), w->dir, w->last, out);
	if (acc == O_RDONLY || acc == O_RDWR)
		may |= MAY_READ;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		may |= MAY_WRITE;
	if (is_dir(vn) && ((may & MAY_WRITE) || (flags & O_CREAT)))
		return -EISDIR;
	if (acc == 3)
		return -EINVAL;		/* only ioctl-only opens use it */
	if (!created) {
		rc = vnode_permission(vn, may);
		if (rc != 0)
			return rc;
	}
	/* Its pages would outlive the run and change /proc/self/exe. */
	if ((may & MAY_WRITE) && procfs_is_exe(vn))
		return -ETXTBSY;
	if ((flags & O_TRUNC) && vn->kind == VN_REG && vn->size != 0) {
		rc = fdata_truncate(vn, 0);
		if (rc != 0)
			return rc;
		vnode_touch(vn, VT_MTIME | VT_CTIME);
	}
	return vfile_open(vn, (flags & ~(O_CREAT | O_EXCL | O_NOCTTY |
	    O_TRUNC | O_CLOEXEC)) | O_LARGEFILE, w->dir, w->last, out);
}

/* O_CREAT of a name that does not exist: a new regular file. */
static int
open_create(struct walk *w, uint32_t mode)
{
	struct vnode *vn;
	int rc;

	if (w->slash)
		return -EISDIR;
	if (w->dir->kind == VN_PROC || w->dir->dead)
		return -ENOENT;
	rc = vnode_permission(w->dir, MAY_WRITE | MAY_EXEC);
	if (rc != 0)
		return rc;
	vn = vnode_new(VN_REG, S_IFREG | (mode & 07777));
	if (vn == NULL)
		return -ENOMEM;
	rc = dir_add(w->dir, w->last, vn);
	if (rc != 0) {
		vnode_put(vn);
		return rc;
	}
	w->vn = vn;			/* the walk's reference now */
	return 0;
}

int
vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode,
    struct file **out)
{
	unsigned wf = WALK_PARENT;
	bool created = false;
	struct walk w;
	int rc;

	*out = NULL;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if ((flags & O_PATH) && (flags & O_CREAT))
		flags &= ~(uint32_t)(O_CREAT | O_EXCL);	/* as Linux */
	if (!(flags & O_NOFOLLOW) &&
	    (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
		wf |= WALK_FOLLOW;
	rc = walk(dirfd, path, wf, &w);
	if (rc != 0)
		return rc;
	if (w.file != NULL) {
		/* A /proc/self/fd link to a pipe or the console. */
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			rc = -EEXIST;
		else if (file_is_console(w.file))
			rc = (*out = tty_open(flags & ~(uint32_t)(O_CREAT |
			    O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC))) == NULL ?
			    -ENXIO : 0;
		else
			*out = file_get(w.file);
		walk_done(&w);
		return rc;
	}
	if (w.vn == NULL) {
		if (!(flags & O_CREAT))
			rc = -ENOENT;
		else
			rc = open_create(&w, mode);
		created = rc == 0;
	} else if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		rc = -EEXIST;
	}
	if (rc == 0)
		rc = open_found(&w, flags, created, out);
	walk_done(&w);
	return rc;
}

int
vfs_stat(int dirfd, const char *path, int atflags, struct kstat *st)
{
	struct walk w;
	int rc;

	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	rc = walk(dirfd, path, at_walk_flags(atflags, true), &w);
	if (rc != 0)
		return rc;
	if (w.file != NULL)
		rc = file_stat(w.file, st);
	else
		vnode_stat(w.vn, st);
	walk_done(&w);
	return rc;
}

int
vfs_access(int dirfd, const char *path, int mode, int atflags)
{
	struct walk w;
	int rc;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
		return -EINVAL;
	rc = walk(dirfd, path, at_walk_flags(atflags, true), &w);
	if (rc != 0)
		return rc;
	if (w.vn != NULL && mode != F_OK)
		rc = vnode_permission(w.vn, (unsigned)mode);
	walk_done(&w);
	return rc;
}

long
vfs_readlink(int dirfd, const char *path, char *buf, size_t size)
{
	struct walk w;
	long rc;

	rc = walk(dirfd, path, WALK_EMPTY, &w);
	if (rc != 0)
		return rc;
	if (w.vn == NULL || (w.vn->mode & S_IFMT) != S_IFLNK) {
		rc = w.vn == NULL && path[0] == '\0' ? -ENOENT : -EINVAL;
	} else if (w.vn->kind == VN_PROC) {
		rc = procfs_readlink(w.vn, buf, size);
	} else {
		rc = (long)strlen(w.vn->target);
		if ((size_t)rc > size)
			rc = (long)size;
		memcpy(buf, w.vn->target, (size_t)rc);
		vnode_touch(w.vn, VT_ATIME);
	}
	walk_done(&w);
	return rc;
}

int
vfs_truncate(int dirfd, const char *path, int64_t len)
{
	struct walk w;
	int rc;

	if (len < 0)
		return -EINVAL;
	rc = walk(dirfd, path, WALK_FOLLOW, &w);
	if (rc != 0)
		return rc;
	if (is_dir(w.vn))
		rc = -EISDIR;
	else if (w.vn->kind == VN_PROC)
		rc = 1;			/* accepted and ignored, as Linux */
	else if (w.vn->kind != VN_REG)
		rc = -EINVAL;
	else
		rc = vnode_permission(w.vn, MAY_WRITE);
	if (rc == 0 && procfs_is_exe(w.vn))
		rc = -ETXTBSY;		/* the running program, as Linux */
	if (rc == 0)
		rc = fdata_truncate(w.vn, (uint64_t)len);
	if (rc == 0)
		vnode_touch(w.vn, VT_MTIME | VT_CTIME);
	walk_done(&w);
	return rc < 0 ? rc : 0;
}

/* The vnode an attribute change applies to; 1 for a non-tree file. */
static int
attr_walk(int dirfd, const char *path, int atflags, struct walk *w)
{
	int rc;

	if (atflags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rc = walk(dirfd, path, at_walk_flags(atflags, true), w);
	if (rc != 0)
		return rc;
	if (w->file != NULL)
		return 1;		/* pipes, the console: not kept */
	if (vfs_fsuid() != 0 && vfs_fsuid() != w->vn->uid) {
		walk_done(w);
		return -EPERM;
	}
	return 0;
}

int
vfs_chmod(int dirfd, const char *path, uint32_t mode, int atflags)
{
	struct walk w;
	int rc = attr_walk(dirfd, path, atflags, &w);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		if ((w.vn->mode & S_IFMT) == S_IFLNK)
			rc = -EOPNOTSUPP;	/* AT_SYMLINK_NOFOLLOW */
		else if (w.vn->kind == VN_PROC)
			rc = procfs_setattr(w.vn, mode & 07777, UINT32_MAX,
			    UINT32_MAX);
		else
			w.vn->mode = (w.vn->mode & S_IFMT) | (mode & 07777);
		vnode_touch(w.vn, VT_CTIME);
	}
	walk_done(&w);
	return rc < 0 ? rc : 0;
}

int
vfs_chown(int dirfd, const char *path, uint32_t uid, uint32_t gid,
    int atflags)
{
	struct walk w;
	int rc = attr_walk(dirfd, path, atflags, &w);

	if (rc < 0)
		return rc;
	if (rc == 0 && vfs_fsuid() != 0 && uid != UINT32_MAX &&
	    uid != w.vn->uid)
		rc = -EPERM;
	if (rc == 0 && w.vn->kind == VN_PROC) {
		rc = procfs_setattr(w.vn, UINT32_MAX, uid, gid);
	} else if (rc == 0) {
		if (uid != UINT32_MAX)
			w.vn->uid = uid;
		if (gid != UINT32_MAX)
			w.vn->gid = gid;
		/* Changing owners drops set-id bits of files, as Linux. */
		if ((uid != UINT32_MAX || gid != UINT32_MAX) && !is_dir(w.vn)) {
			if ((w.vn->mode & 00010) || !(w.vn->mode & 02000))
				w.vn->mode &= ~(uint32_t)02000;
			w.vn->mode &= ~(uint32_t)04000;
		}
		vnode_touch(w.vn, VT_CTIME);
	}
	walk_done(&w);
	return rc < 0 ? rc : 0;
}

/* One utimensat time: false for a bad nsec. */
static bool
set_time(uint64_t *t, const struct ktimespec *ts, uint64_t now)
{
	if (ts->nsec == UTIME_OMIT)
		return true;
	if (ts->nsec == UTIME_NOW) {
		*t = now;
		return true;
	}
	if (ts->nsec < 0 || ts->nsec >= 1000000000)
		return false;
	if (ts->sec < 0)
		*t = 0;			/* before the epoch: not kept */
	else if ((uint64_t)ts->sec > UINT64_MAX / 1000000000ull - 1)
		*t = UINT64_MAX / 1000000000ull * 1000000000ull;
	else
		*t = (uint64_t)ts->sec * 1000000000ull + (uint64_t)ts->nsec;
	return true;
}

int
vfs_utimens(int dirfd, const char *path, const struct ktimespec *ts,
    int atflags)
{
	uint64_t now = vfs_now(), at, mt;
	struct walk w;
	int rc;

	if (ts != NULL && ((ts[0].nsec != UTIME_OMIT &&
	    ts[0].nsec != UTIME_NOW && (ts[0].nsec < 0 ||
	    ts[0].nsec >= 1000000000)) || (ts[1].nsec != UTIME_OMIT &&
	    ts[1].nsec != UTIME_NOW && (ts[1].nsec < 0 ||
	    ts[1].nsec >= 1000000000))))
		return -EINVAL;
	rc = attr_walk(dirfd, path, atflags, &w);
	if (rc == -EPERM && ts == NULL)
		rc = -EACCES;
	if (rc < 0)
		return rc;
	if (rc == 0) {
		at = w.vn->atime_ns;
		mt = w.vn->mtime_ns;
		if (ts == NULL) {
			at = mt = now;
		} else {
			set_time(&at, &ts[0], now);
			set_time(&mt, &ts[1], now);
		}
		w.vn->atime_ns = at;
		w.vn->mtime_ns = mt;
		if (ts == NULL || ts[0].nsec != UTIME_OMIT ||
		    ts[1].nsec != UTIME_OMIT)
			w.vn->ctime_ns = now;
	}
	walk_done(&w);
	return 0;
}

int
vfs_chdir(int dirfd, const char *path, int atflags)
{
	struct walk w;
	int rc;

	rc = walk(dirfd, path, at_walk_flags(atflags, true), &w);
	if (rc != 0)
		return rc;
	if (w.vn == NULL || !is_dir(w.vn))
		rc = -ENOTDIR;
	else
		rc = vnode_permission(w.vn, MAY_EXEC);
	if (rc == 0)
		vfs_set_cwd(w.vn);
	walk_done(&w);
	return rc;
}

long
vfs_getcwd(char *buf, size_t size)
{
	long n = vnode_dir_path(vfs_cwd(), buf, size);

	return n < 0 ? n : n + 1;
}

int
vfs_statfs(int dirfd, const char *path, int atflags, struct kstatfs *st)
{
	uint64_t total = plat_pages_total_count(), used;
	struct walk w;
	int rc;

	rc = walk(dirfd, path, at_walk_flags(atflags, true), &w);
	if (rc != 0)
		return rc;
	memset(st, 0, sizeof(*st));
	st->bsize = st->frsize = PAGE_SIZE;
	st->namelen = VFS_NAME_MAX;
	st->flags = ST_VALID | ST_RELATIME;
	if (w.file != NULL) {
		st->type = 0x50495045;		/* PIPEFS_MAGIC */
	} else if (w.vn->dev == VFS_DEV_PROC) {
		st->type = PROC_SUPER_MAGIC;
		st->fsid[0] = VFS_DEV_PROC;
	} else {
		/* tmpfs's defaults: half of RAM, as many inodes. */
		used = fdata_pages_total();
		st->type = TMPFS_MAGIC;
		st->blocks = total / 2;
		st->bfree = st->blocks > used ? st->blocks - used : 0;
		if (st->bfree > plat_pages_free_count())
			st->bfree = plat_pages_free_count();
		st->bavail = st->bfree;
		st->files = total / 2;
		st->ffree = st->files > vnode_count() ?
		    st->files - vnode_count() : 0;
		st->fsid[0] = (uint32_t)w.vn->dev;	/* /dev's or the root's */
	}
	walk_done(&w);
	return 0;
}
