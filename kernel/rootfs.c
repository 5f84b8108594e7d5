/*
 * Building the tree at boot: the archive becomes the lower layer
 * (vnodes marked archived, names in the directories' lower lists, file
 * data left in the archive), then /tmp, /dev and /proc are made in the
 * upper layer where the archive lacks them, /dev is populated and /proc
 * mounted.  Entries are taken in archive order; a later entry for the
 * same name replaces the earlier one, as extracting would.
 */
#include "kernel/internal.h"

/* The archive directory for a clean relative path's parent, made as
 * needed (0755); NULL if a component is not a directory. */
static struct vnode *
lower_dir(struct vnode *root, const char *path, const char **base)
{
	struct vnode *d = root, *next;
	char comp[TAR_NAME_MAX + 1];
	const char *p = path, *slash;

	while ((slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);

		memcpy(comp, p, n);
		comp[n] = '\0';
		next = dir_lookup(d, comp);
		if (next == NULL) {
			next = vnode_new(VN_DIR, S_IFDIR | 0755);
			if (next == NULL)
				return NULL;
			next->archived = true;
			next->uid = next->gid = 0;
			if (dir_lower_add(d, comp, next) != 0) {
				vnode_put(next);
				return NULL;
			}
			vnode_put(next);
		}
		if (next->kind != VN_DIR)
			return NULL;
		d = next;
		p = slash + 1;
	}
	*base = p;
	return d;
}

/* A hard link's target: an existing archive path, not a directory. */
static struct vnode *
lower_find(struct vnode *root, const char *path)
{
	const char *base;
	struct vnode *d = lower_dir(root, path, &base), *vn;

	if (d == NULL)
		return NULL;
	vn = dir_lookup(d, base);
	return vn != NULL && vn->kind != VN_DIR ? vn : NULL;
}

static void
set_meta(struct vnode *vn, const struct tar_entry *e, uint32_t type)
{
	vn->mode = type | e->mode;
	vn->uid = e->uid;
	vn->gid = e->gid;
	vn->atime_ns = vn->mtime_ns = vn->ctime_ns = e->mtime_ns;
}

/* A new archived vnode for e. */
static struct vnode *
make_node(const struct tar_entry *e)
{
	static const uint32_t types[] = {
		[TAR_REG - '0'] = S_IFREG, [TAR_SYMLINK - '0'] = S_IFLNK,
		[TAR_CHR - '0'] = S_IFCHR, [TAR_BLK - '0'] = S_IFBLK,
		[TAR_DIR - '0'] = S_IFDIR, [TAR_FIFO - '0'] = S_IFIFO,
	};
	uint32_t type = types[e->type - '0'];
	uint8_t kind = type == S_IFREG ? VN_REG : type == S_IFDIR ? VN_DIR :
	    type == S_IFLNK ? VN_LNK : VN_SPECIAL;
	struct vnode *vn = vnode_new(kind, type);
	size_t n;

	if (vn == NULL)
		return NULL;
	vn->archived = true;
	set_meta(vn, e, type);
	if (kind == VN_REG) {
		vn->data.lower = e->data;
		vn->data.lower_len = vn->size = e->size;
	} else if (kind == VN_LNK) {
		n = strlen(e->linkname) + 1;
		vn->target = kmalloc(n);
		if (vn->target == NULL)
			return NULL;	/* archived: kept, unreachable */
		memcpy(vn->target, e->linkname, n);
		vn->size = n - 1;
	} else if (kind == VN_SPECIAL) {
		vn->rdev = KMKDEV(e->devmajor, e->devminor);
	}
	return vn;
}

/* Add one entry; a reason string when it is skipped. */
static const char *
add_entry(struct vnode *root, const struct tar_entry *e)
{
	struct vnode *d, *vn, *old;
	const char *base;

	if (e->name[0] == '\0') {		/* "./": the root itself */
		if (e->type == TAR_DIR)
			set_meta(root, e, S_IFDIR);
		return NULL;
	}
	d = lower_dir(root, e->name, &base);
	if (d == NULL)
		return "a parent is not a directory";
	old = dir_lookup(d, base);
	if (e->type == TAR_DIR && old != NULL && old->kind == VN_DIR) {
		set_meta(old, e, S_IFDIR);	/* keep what is inside */
		return NULL;
	}
	if (e->type == TAR_HARDLINK) {
		vn = lower_find(root, e->linkname);
		if (vn == NULL)
			return "hard link to a missing file";
		if (vn == old)
			return NULL;
		vnode_get(vn);
	} else {
		vn = make_node(e);
		if (vn == NULL)
			return "out of memory";
	}
	if (dir_lower_add(d, base, vn) != 0) {
		vnode_put(vn);
		return "out of memory";
	}
	vnode_put(vn);
	return NULL;
}

/*
 * Read the archive into root; the number of entries added.  *damaged
 * is set when the archive ends in damage.
 */
static unsigned
load_archive(struct vnode *root, const void *tar, size_t len, bool *damaged)
{
	struct tar_iter *it = kmalloc(sizeof(*it));
	struct tar_entry e;
	unsigned n = 0, skipped = 0;
	const char *why;
	int rc;

	if (it == NULL)
		return 0;
	tar_begin(it, tar, len);
	while ((rc = tar_next(it, &e)) > 0) {
		why = rc == TAR_REFUSED ? it->why : add_entry(root, &e);
		if (why != NULL) {
			if (skipped++ < 20)
				klog("rootfs: '%s' skipped: %s", e.name, why);
			continue;
		}
		n++;
	}
	if (rc < 0) {
		klog_always("rootfs: damaged archive (%s) at byte %llu",
		    it->why, (unsigned long long)it->off);
		*damaged = true;
	}
	if (skipped > 20)
		klog("rootfs: %u entries skipped in all", skipped);
	kfree(it);
	return n;
}

/* name in root as a directory, made in the upper layer if missing. */
struct vnode *
ensure_dir(struct vnode *root, const char *name, uint32_t mode)
{
	struct vnode *vn = dir_lookup(root, name);

	if (vn != NULL)
		return vn->kind == VN_DIR ? vn : NULL;
	vn = vnode_new(VN_DIR, S_IFDIR | mode);
	if (vn == NULL)
		return NULL;
	vn->uid = vn->gid = 0;
	if (dir_add(root, name, vn) != 0) {
		vnode_put(vn);
		return NULL;
	}
	vnode_put(vn);
	return vn;
}

/*
 * d and all under it are file system dev: /dev is devtmpfs on Linux, a
 * mount of its own, so rename and link between it and the rest give
 * EXDEV and /dev itself cannot be renamed or removed (EBUSY).
 */
static void
set_dev(struct vnode *d, uint64_t dev, int depth)
{
	const char *after = NULL;
	struct dent e;

	d->dev = dev;
	while (depth < VFS_MAXSYMLINKS && dir_next(d, after, &e)) {
		e.vn->dev = dev;
		if (e.vn->kind == VN_DIR)
			set_dev(e.vn, dev, depth + 1);
		after = e.name;
	}
}

int
vfs_init(const void *tar, size_t len)
{
	struct vnode *root, *dev, *proc;
	unsigned n = 0;
	bool damaged = false;

	vfs_set_ids(0, 0);
	root = vnode_new(VN_DIR, S_IFDIR | 0755);
	if (root == NULL)
		return -ENOMEM;
	root->archived = true;
	root->links = 1;
	if (len > 0)
		n = load_archive(root, tar, len, &damaged);
	vfs_set_root(root);
	vnode_put(root);
	if (ensure_dir(root, "tmp", 01777) == NULL)
		klog("rootfs: /tmp is not a directory");
	dev = ensure_dir(root, "dev", 0755);
	if (dev != NULL)
		set_dev(dev, VFS_DEV_DEV, 0);
	if (dev == NULL || devfs_populate(dev) != 0)
		klog("rootfs: /dev could not be populated");
	proc = ensure_dir(root, "proc", 0555);
	if (proc != NULL && procfs_root(root) != NULL)
		proc->dir.mounted = procfs_root(root);
	else
		klog("rootfs: /proc could not be mounted");
	tsm_populate(root);
	klog("rootfs: %u entries from a %llu-byte archive", n,
	    (unsigned long long)len);
	return damaged ? -EINVAL : 0;
}
