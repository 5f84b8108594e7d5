/*
 * Making and removing names: mkdir, mknod, symlink, link, unlink, rmdir
 * and rename (with RENAME_NOREPLACE and RENAME_EXCHANGE).  Removing or
 * renaming away an archive name leaves a whiteout (kernel/dir.c); a
 * removed directory is marked dead, so a cwd or an open descriptor still
 * in it sees an empty directory where nothing can be created.
 */
#include "kernel/internal.h"

static bool
is_dir(const struct vnode *vn)
{
	return (vn->mode & S_IFMT) == S_IFDIR;
}

/* The checks every new name needs: free, in a live directory we may
 * write.  *w is the WALK_PARENT walk to the name. */
static int
may_create(const struct walk *w)
{
	if (w->dot || w->vn != NULL)
		return -EEXIST;
	if (w->dir->kind == VN_PROC || w->dir->dead)
		return -ENOENT;
	return vnode_permission(w->dir, MAY_WRITE | MAY_EXEC);
}

/* Give vn (a fresh vnode) the name; drops the creation reference. */
static int
add_new(struct walk *w, struct vnode *vn)
{
	int rc = dir_add(w->dir, w->last, vn);

	vnode_put(vn);
	return rc;
}

int
vfs_mkdir(int dirfd, const char *path, uint32_t mode)
{
	struct vnode *vn;
	struct walk w;
	int rc;

	rc = walk(dirfd, path, WALK_PARENT, &w);
	if (rc != 0)
		return rc;
	rc = may_create(&w);
	if (rc == 0) {
		vn = vnode_new(VN_DIR, S_IFDIR | (mode & 01777));
		rc = vn == NULL ? -ENOMEM : add_new(&w, vn);
		if (rc == 0 && w.dir->kind == VN_DIR &&
		    w.dir->pkind == TSM_DIR_REPORT)
			rc = tsm_mkdir(w.dir, w.last);
	}
	walk_done(&w);
	return rc;
}

int
vfs_mknod(int dirfd, const char *path, uint32_t mode, uint64_t dev)
{
	uint32_t type = mode & S_IFMT;
	struct vnode *vn;
	struct walk w;
	int rc;

	if (type == 0)
		type = S_IFREG;
	if (type == S_IFDIR)
		return -EPERM;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK &&
	    type != S_IFIFO && type != S_IFSOCK)
		return -EINVAL;
	rc = walk(dirfd, path, WALK_PARENT, &w);
	if (rc != 0)
		return rc;
	rc = may_create(&w);
	if (rc == 0 && w.slash)
		rc = -ENOENT;
	if (rc == 0) {
		vn = vnode_new(type == S_IFREG ? VN_REG : VN_SPECIAL,
		    type | (mode & 07777));
		if (vn != NULL && type != S_IFREG)
			vn->rdev = dev;
		rc = vn == NULL ? -ENOMEM : add_new(&w, vn);
	}
	walk_done(&w);
	return rc;
}

int
vfs_symlink(const char *target, int dirfd, const char *path)
{
	size_t len = strnlen(target, VFS_PATH_MAX);
	struct vnode *vn;
	struct walk w;
	int rc;

	if (len == 0)
		return -ENOENT;
	if (len >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	rc = walk(dirfd, path, WALK_PARENT, &w);
	if (rc != 0)
		return rc;
	rc = may_create(&w);
	if (rc == 0 && w.slash)
		rc = -ENOENT;
	if (rc == 0) {
		vn = vnode_new(VN_LNK, S_IFLNK | 0777);
		if (vn != NULL && (vn->target = kmalloc(len + 1)) == NULL) {
			vnode_put(vn);
			vn = NULL;
		}
		if (vn != NULL) {
			memcpy(vn->target, target, len + 1);
			vn->size = len;
		}
		rc = vn == NULL ? -ENOMEM : add_new(&w, vn);
	}
	walk_done(&w);
	return rc;
}

int
vfs_link(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath, int atflags)
{
	struct walk wo, wn;
	int rc;

	if (atflags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	rc = walk(olddirfd, oldpath, ((atflags & AT_SYMLINK_FOLLOW) ?
	    WALK_FOLLOW : 0) | ((atflags & AT_EMPTY_PATH) ? WALK_EMPTY : 0),
	    &wo);
	if (rc != 0)
		return rc;
	rc = walk(newdirfd, newpath, WALK_PARENT, &wn);
	if (rc != 0) {
		walk_done(&wo);
		return rc;
	}
	if (wo.file != NULL || wo.vn->kind == VN_PROC ||
	    wn.dir == NULL || wn.dir->kind == VN_PROC ||
	    wo.vn->dev != wn.dir->dev)
		rc = wn.dir == NULL || wn.vn != NULL ? -EEXIST : -EXDEV;
	else if (is_dir(wo.vn))
		rc = -EPERM;
	else
		rc = may_create(&wn);
	if (rc == 0 && wn.slash)
		rc = -ENOENT;
	if (rc == 0 && wo.vn->links == 0)
		rc = -ENOENT;		/* an open file already removed */
	if (rc == 0)
		rc = dir_add(wn.dir, wn.last, wo.vn);
	if (rc == 0)
		vnode_touch(wo.vn, VT_CTIME);
	walk_done(&wn);
	walk_done(&wo);
	return rc;
}

/*
 * Is this directory busy: the root, a mount point, or the root of a
 * mounted file system (/proc's, or /dev, a directory whose st_dev is
 * not its parent's)?
 */
static bool
busy(const struct vnode *vn)
{
	return vn == vfs_root() || vn->kind == VN_PROC ||
	    (vn->kind == VN_DIR && vn->dir.mounted != NULL) ||
	    (vn->kind == VN_DIR && vn->dir.parent != NULL &&
	    vn->dir.parent->dev != vn->dev);
}

/* Take the name away; a directory is marked dead first. */
static int
remove_name(struct vnode *dir, const char *name, struct vnode *vn)
{
	if (is_dir(vn)) {
		int rc = dir_reserve(dir, 1);

		if (rc != 0)
			return rc;
		vn->dead = true;
		vn->dir.parent = NULL;
	}
	return dir_remove(dir, name);
}

static int
rmdir_checks(const struct walk *w)
{
	if (w->dot) {
		if (strcmp(w->last, "..") == 0)
			return -ENOTEMPTY;
		return strcmp(w->last, ".") == 0 ? -EINVAL : -EBUSY;
	}
	if (w->vn == NULL)
		return -ENOENT;
	if (!is_dir(w->vn))
		return -ENOTDIR;
	if (w->dir->kind == VN_PROC || busy(w->vn))
		return -EBUSY;
	if (w->vn->kind == VN_DIR && w->vn->pkind == TSM_DIR_ENTRY)
		tsm_rmdir(w->vn);
	if (!dir_is_empty(w->vn))
		return -ENOTEMPTY;
	return vnode_permission(w->dir, MAY_WRITE | MAY_EXEC);
}

static int
unlink_checks(const struct walk *w)
{
	if (w->dot)
		return -EISDIR;
	if (w->vn == NULL)
		return -ENOENT;
	if (is_dir(w->vn))
		return -EISDIR;
	if (w->dir->kind == VN_PROC)
		return -EPERM;
	return vnode_permission(w->dir, MAY_WRITE | MAY_EXEC);
}

int
vfs_unlink(int dirfd, const char *path, int atflags)
{
	bool rmdir = atflags & AT_REMOVEDIR;
	struct walk w;
	int rc;

	if (atflags & ~AT_REMOVEDIR)
		return -EINVAL;
	rc = walk(dirfd, path, WALK_PARENT, &w);
	if (rc != 0)
		return rc;
	rc = rmdir ? rmdir_checks(&w) : unlink_checks(&w);
	if (rc == 0)
		rc = remove_name(w.dir, w.last, w.vn);
	walk_done(&w);
	return rc;
}

/* Would moving directory src to a name in dir put it inside itself? */
static bool
inside(struct vnode *dir, const struct vnode *src)
{
	for (struct vnode *d = dir; d != NULL && d != vfs_root();
	    d = d->kind == VN_DIR ? d->dir.parent : NULL)
		if (d == src)
			return true;
	return false;
}

static int
rename_checks(struct walk *wo, struct walk *wn, unsigned flags)
{
	struct vnode *src = wo->vn, *tgt = wn->vn;

	/* Between mounts: Linux's first check, before even the names. */
	if (wo->dir != NULL && wn->dir != NULL && wo->dir->dev != wn->dir->dev)
		return -EXDEV;
	if (wo->dot)
		return -EBUSY;
	if (wn->dot)
		return (flags & RENAME_NOREPLACE) ? -EEXIST : -EBUSY;
	if (src == NULL)
		return -ENOENT;
	if (wo->dir->kind == VN_PROC || wn->dir->kind == VN_PROC)
		return -EXDEV;
	if (!is_dir(src) && (wo->slash || wn->slash))
		return -ENOTDIR;
	if ((flags & RENAME_EXCHANGE) && tgt == NULL)
		return -ENOENT;
	if ((flags & RENAME_NOREPLACE) && tgt != NULL)
		return -EEXIST;
	if (src == tgt)
		return 1;		/* the same file: nothing to do */
	if ((is_dir(src) && inside(wn->dir, src)) || (tgt != NULL &&
	    (flags & RENAME_EXCHANGE) && is_dir(tgt) && inside(wo->dir, tgt)))
		return -EINVAL;
	if (tgt != NULL && tgt == wo->dir)
		return -ENOTEMPTY;	/* "a/b" over "a" */
	if (tgt != NULL && !(flags & RENAME_EXCHANGE)) {
		if (is_dir(src) && !is_dir(tgt))
			return -ENOTDIR;
		if (!is_dir(src) && is_dir(tgt))
			return -EISDIR;
	}
	if (busy(src) || (tgt != NULL && busy(tgt)))
		return -EBUSY;		/* before ENOTEMPTY, as Linux */
	if (tgt != NULL && !(flags & RENAME_EXCHANGE) && is_dir(tgt) &&
	    !dir_is_empty(tgt))
		return -ENOTEMPTY;
	if (wn->dir->dead)
		return -ENOENT;
	if (vnode_permission(wo->dir, MAY_WRITE | MAY_EXEC) != 0 ||
	    vnode_permission(wn->dir, MAY_WRITE | MAY_EXEC) != 0)
		return -EACCES;
	if (dir_reserve(wo->dir, 2) != 0 || dir_reserve(wn->dir, 2) != 0)
		return -ENOMEM;
	return 0;
}

static int
rename_exchange(struct walk *wo, struct walk *wn)
{
	struct vnode *src = wo->vn, *tgt = wn->vn;
	int rc;

	rc = dir_remove(wo->dir, wo->last);
	if (rc == 0)
		rc = dir_remove(wn->dir, wn->last);
	if (rc == 0)
		rc = dir_add(wo->dir, wo->last, tgt);
	if (rc == 0)
		rc = dir_add(wn->dir, wn->last, src);
	vnode_touch(src, VT_CTIME);
	vnode_touch(tgt, VT_CTIME);
	return rc;
}

int
vfs_rename(int olddirfd, const char *oldpath, int newdirfd,
    const char *newpath, unsigned flags)
{
	struct walk wo, wn;
	int rc;

	if ((flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE)) ||
	    ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)))
		return -EINVAL;
	rc = walk(olddirfd, oldpath, WALK_PARENT, &wo);
	if (rc != 0)
		return rc;
	rc = walk(newdirfd, newpath, WALK_PARENT, &wn);
	if (rc != 0) {
		walk_done(&wo);
		return rc;
	}
	rc = rename_checks(&wo, &wn, flags);
	if (rc == 0 && (flags & RENAME_EXCHANGE)) {
		rc = rename_exchange(&wo, &wn);
	} else if (rc == 0) {
		if (wn.vn != NULL)
			rc = remove_name(wn.dir, wn.last, wn.vn);
		if (rc == 0)
			rc = dir_add(wn.dir, wn.last, wo.vn);
		if (rc == 0)
			rc = dir_remove(wo.dir, wo.last);
		vnode_touch(wo.vn, VT_CTIME);
	}
	walk_done(&wn);
	walk_done(&wo);
	return rc < 0 ? rc : 0;
}
