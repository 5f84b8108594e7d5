/*
 * Path walks: from a path string to a vnode, as Linux's path_lookupat.
 * The path is copied into a buffer; a symlink met on the way is replaced
 * in place by its target followed by the rest of the path, so nesting
 * needs no recursion and the count of links followed bounds the work.
 */
#include "kernel/internal.h"

#define WALK_BUF	(2 * VFS_PATH_MAX)

static struct vnode *root;

struct vnode *
vfs_root(void)
{
	return root;
}

struct vnode *
vfs_cwd(void)
{
	return kproc_current()->cwd;
}

void
vfs_set_root(struct vnode *vn)
{
	vnode_get(vn);
	vnode_put(root);
	root = vn;
	if (kproc_current()->cwd == NULL)
		vfs_set_cwd(vn);
}

void
vfs_reset(void)
{
	vnode_free_all();
	procfs_reset();
	root = kproc_current()->cwd = NULL;
}

void
vfs_set_cwd(struct vnode *vn)
{
	struct kproc *k = kproc_current();

	vnode_get(vn);
	vnode_put(k->cwd);
	k->cwd = vn;
}

static bool
is_dir(const struct vnode *vn)
{
	return (vn->mode & S_IFMT) == S_IFDIR;
}

static bool
is_link(const struct vnode *vn)
{
	return (vn->mode & S_IFMT) == S_IFLNK;
}

/* The directory an fd refers to (a reference), or an error. */
static int
fd_dir(int dirfd, struct vnode **out)
{
	struct file *f;
	struct vnode *vn;

	if (dirfd == AT_FDCWD) {
		*out = vnode_get(vfs_cwd());
		return 0;
	}
	f = fd_get(dirfd);
	if (f == NULL)
		return -EBADF;
	vn = vfile_vnode(f);
	if (vn == NULL || !is_dir(vn)) {
		file_put(f);
		return -ENOTDIR;
	}
	*out = vnode_get(vn);
	file_put(f);
	return 0;
}

/* "" with AT_EMPTY_PATH: the file dirfd refers to itself. */
static int
walk_fd(int dirfd, struct walk *w)
{
	struct file *f;
	struct vnode *vn;

	if (dirfd == AT_FDCWD) {
		w->vn = vnode_get(vfs_cwd());
		return 0;
	}
	f = fd_get(dirfd);
	if (f == NULL)
		return -EBADF;
	vn = vfile_vnode(f);
	if (vn != NULL) {
		w->vn = vnode_get(vn);
		file_put(f);
	} else {
		w->file = f;
	}
	return 0;
}

/* Mount points lead to the mounted root. */
static struct vnode *
cross_mounts(struct vnode *vn)
{
	while (vn->kind == VN_DIR && vn->dir.mounted != NULL) {
		struct vnode *m = vnode_get(vn->dir.mounted);

		vnode_put(vn);
		vn = m;
	}
	return vn;
}

/* One component in directory d: a new reference, or -ENOENT. */
static int
lookup_one(struct vnode *d, const char *name, struct vnode **out)
{
	struct vnode *vn;

	if (d->kind == VN_PROC) {
		vn = procfs_lookup(d, name);
	} else {
		if (d->dead)
			return -ENOENT;
		vn = dir_lookup(d, name);
		if (vn != NULL)
			vnode_get(vn);
	}
	if (vn == NULL)
		return -ENOENT;
	*out = cross_mounts(vn);
	return 0;
}

/* "..": the parent (a new reference); the root is its own parent. */
static int
lookup_parent(struct vnode *d, struct vnode **out)
{
	if (d == root) {
		*out = vnode_get(d);
		return 0;
	}
	if (d->dead || d->dir.parent == NULL)
		return -ENOENT;
	*out = vnode_get(d->dir.parent);
	return 0;
}

/*
 * Replace the link just met by its target: buf becomes target "/" rest.
 * An absolute target restarts from the root.
 */
static int
splice_link(struct vnode *link, char *buf, char *tmp, const char *rest,
    bool slash, struct vnode **cur)
{
	const char *t = link->target;
	size_t tlen = strlen(t), rlen = strlen(rest);

	if (tlen == 0)
		return -ENOENT;
	if (tlen + 1 + rlen >= WALK_BUF)
		return -ENAMETOOLONG;
	memcpy(tmp, t, tlen);
	if (slash)			/* "link/" still needs a directory */
		tmp[tlen++] = '/';
	memcpy(tmp + tlen, rest, rlen + 1);
	memcpy(buf, tmp, tlen + rlen + 1);
	if (t[0] == '/') {
		vnode_put(*cur);
		*cur = vnode_get(root);
	}
	return 0;
}

struct walk_state {
	char *buf, *tmp;
	struct vnode *cur;
	unsigned flags;
	int follows;
};

/*
 * Follow the symlink next met in cur, with rest the path after it.
 * Returns 0 to go on walking buf from the start, 1 when a magic link
 * ended the walk (w filled), or -errno.
 */
static int
follow(struct walk_state *s, struct vnode *next, const char *rest,
    bool slash, bool last, struct walk *w)
{
	struct vnode *to = NULL;
	struct file *file = NULL;
	int rc;

	if (++s->follows > VFS_MAXSYMLINKS)
		return -ELOOP;
	if (next->kind != VN_PROC)
		return splice_link(next, s->buf, s->tmp, rest, slash, &s->cur);
	rc = procfs_follow(next, &to, &file);
	if (rc != 0)
		return rc;
	if (file != NULL) {
		if (!last) {
			file_put(file);
			return -ENOTDIR;
		}
		w->file = file;
		return 1;
	}
	vnode_put(s->cur);
	s->cur = to;
	memmove(s->buf, rest, strlen(rest) + 1);
	if (last) {
		w->vn = vnode_get(to);
		return 1;
	}
	return 0;
}

static int
walk_loop(struct walk_state *s, struct walk *w)
{
	char *p = s->buf;
	struct vnode *next;
	int rc;

	for (;;) {
		char *comp, *rest;
		size_t clen;
		bool last, dotdot;

		while (*p == '/')
			p++;
		if (*p == '\0') {		/* "/" or a link to it */
			w->vn = vnode_get(s->cur);
			w->dot = true;
			return 0;
		}
		comp = p;
		while (*p != '\0' && *p != '/')
			p++;
		clen = (size_t)(p - comp);
		if (clen > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		rest = p;
		while (*rest == '/')
			rest++;
		last = *rest == '\0';
		w->slash = last && rest != p;
		if (!is_dir(s->cur))
			return -ENOTDIR;
		rc = vnode_permission(s->cur, MAY_EXEC);
		if (rc != 0)
			return rc;
		memcpy(w->last, comp, clen);
		w->last[clen] = '\0';
		dotdot = clen == 2 && comp[0] == '.' && comp[1] == '.';
		if (dotdot || (clen == 1 && comp[0] == '.')) {
			if (dotdot) {
				rc = lookup_parent(s->cur, &next);
				if (rc != 0)
					return rc;
			} else {
				next = vnode_get(s->cur);
			}
			vnode_put(s->cur);
			s->cur = next;
			if (last) {
				w->vn = vnode_get(next);
				w->dot = true;
				return 0;
			}
			p = rest;
			continue;
		}
		rc = lookup_one(s->cur, w->last, &next);
		if (rc == -ENOENT && last && (s->flags & WALK_PARENT)) {
			w->dir = vnode_get(s->cur);
			return 0;
		}
		if (rc != 0)
			return rc;
		if (is_link(next) && (!last || (s->flags & WALK_FOLLOW) ||
		    w->slash)) {
			rc = follow(s, next, rest, rest != p, last, w);
			vnode_put(next);
			if (rc < 0)
				return rc;
			if (rc == 1) {
				w->dot = (s->flags & WALK_PARENT) != 0;
				return 0;
			}
			p = s->buf;
			continue;
		}
		if (last) {
			if (s->flags & WALK_PARENT)
				w->dir = vnode_get(s->cur);
			w->vn = next;
			return 0;
		}
		vnode_put(s->cur);
		s->cur = next;
		p = rest;
	}
}

int
walk(int dirfd, const char *path, unsigned flags, struct walk *w)
{
	struct walk_state s;
	size_t len = strnlen(path, VFS_PATH_MAX);
	int rc;

	memset(w, 0, sizeof(*w));
	if (len >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (len == 0) {
		if (!(flags & WALK_EMPTY))
			return -ENOENT;
		rc = walk_fd(dirfd, w);
		w->dot = (flags & WALK_PARENT) != 0;
		return rc;
	}
	memset(&s, 0, sizeof(s));
	s.flags = flags;
	if (path[0] == '/') {
		s.cur = vnode_get(root);
	} else {
		rc = fd_dir(dirfd, &s.cur);
		if (rc != 0)
			return rc;
	}
	s.buf = kmalloc(2 * WALK_BUF);
	if (s.buf == NULL) {
		vnode_put(s.cur);
		return -ENOMEM;
	}
	s.tmp = s.buf + WALK_BUF;
	memcpy(s.buf, path, len + 1);
	rc = walk_loop(&s, w);
	kfree(s.buf);
	vnode_put(s.cur);
	if (rc == 0 && w->slash && w->vn != NULL && !is_dir(w->vn))
		rc = -ENOTDIR;
	if (rc != 0)
		walk_done(w);
	return rc;
}

void
walk_done(struct walk *w)
{
	vnode_put(w->dir);
	vnode_put(w->vn);
	if (w->file != NULL)
		file_put(w->file);
	w->dir = w->vn = NULL;
	w->file = NULL;
}
