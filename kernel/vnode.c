/*
 * Vnodes: the one object for each file of the tree, whatever layer it
 * comes from.  Lifetime is two counts: links (names in directories) and
 * refs (open files, the cwd, walks under way).  A vnode with neither is
 * freed, except those built from the archive, which live as long as the
 * archive does.
 */
#include "kernel/internal.h"

static uint64_t next_ino = 2;		/* 1 is never used, as on Linux */
static uint64_t live;
static struct vnode *all;		/* every vnode alive, newest first */
static uint32_t cur_fsuid, cur_fsgid;

uint64_t
vfs_now(void)
{
	return plat_wallclock_ns();
}

void
vfs_set_ids(uint32_t fsuid, uint32_t fsgid)
{
	cur_fsuid = fsuid;
	cur_fsgid = fsgid;
}

uint32_t
vfs_fsuid(void)
{
	return cur_fsuid;
}

uint32_t
vfs_fsgid(void)
{
	return cur_fsgid;
}

struct vnode *
vnode_new(uint8_t kind, uint32_t mode)
{
	struct vnode *vn = kzalloc(sizeof(*vn));

	if (vn == NULL)
		return NULL;
	vn->kind = kind;
	vn->mode = mode;
	vn->uid = cur_fsuid;
	vn->gid = cur_fsgid;
	vn->refs = 1;
	vn->ino = next_ino++;
	vn->dev = VFS_DEV_ROOT;
	vn->atime_ns = vn->mtime_ns = vn->ctime_ns = vfs_now();
	vn->next = all;
	if (all != NULL)
		all->prev = vn;
	all = vn;
	live++;
	return vn;
}

uint64_t
vnode_count(void)
{
	return live;
}

struct vnode *
vnode_get(struct vnode *vn)
{
	if (vn->refs == UINT32_MAX)
		panic("vnode_get: reference count overflow");
	vn->refs++;
	return vn;
}

/* Free vn's storage and vn; other vnodes are not touched. */
static void
vnode_free(struct vnode *vn)
{
	if (vn->prev != NULL)
		vn->prev->next = vn->next;
	else
		all = vn->next;
	if (vn->next != NULL)
		vn->next->prev = vn->prev;
	switch (vn->kind) {
	case VN_DIR:
		dir_free(vn);
		break;
	case VN_REG:
		fdata_free(vn);
		break;
	case VN_LNK:
		kfree(vn->target);
		break;
	case VN_PROC:
		if ((vn->mode & S_IFMT) == S_IFDIR)
			vnode_put(vn->dir.parent);
		break;
	}
	live--;
	kfree(vn);
}

uint64_t
vfs_reclaim(void)
{
	uint64_t n = 0;

	if (fdata_clean_total() == 0)
		return 0;
	for (struct vnode *vn = all; vn != NULL; vn = vn->next)
		if (vn->kind == VN_REG)
			n += fdata_reclaim(vn);
	return n;
}

void
vnode_free_all(void)
{
	/* /proc's directories hold their parents: no puts now. */
	for (struct vnode *vn = all; vn != NULL; vn = vn->next)
		if (vn->kind == VN_PROC)
			vn->kind = VN_SPECIAL;
	while (all != NULL)
		vnode_free(all);
}

static void
vnode_maybe_free(struct vnode *vn)
{
	if (vn->refs == 0 && vn->links == 0 && !vn->archived)
		vnode_free(vn);
}

void
vnode_put(struct vnode *vn)
{
	if (vn == NULL)
		return;
	if (vn->refs == 0)
		panic("vnode_put: vnode %llu has no references",
		    (unsigned long long)vn->ino);
	vn->refs--;
	vnode_maybe_free(vn);
}

void
vnode_unlinked(struct vnode *vn)
{
	if (vn->links == 0)
		panic("vnode_unlinked: vnode %llu has no links",
		    (unsigned long long)vn->ino);
	vn->links--;
	vn->ctime_ns = vfs_now();
	vnode_maybe_free(vn);
}

void
vnode_touch(struct vnode *vn, unsigned which)
{
	uint64_t now = vfs_now();

	if (which & VT_ATIME)
		vn->atime_ns = now;
	if (which & VT_MTIME)
		vn->mtime_ns = now;
	if (which & VT_CTIME)
		vn->ctime_ns = now;
}

uint8_t
vnode_dtype(const struct vnode *vn)
{
	return (uint8_t)((vn->mode & S_IFMT) >> 12);	/* DT_* = S_IF* >> 12 */
}

void
vnode_stat(struct vnode *vn, struct kstat *st)
{
	uint64_t lower, pages;

	memset(st, 0, sizeof(*st));
	st->dev = vn->dev;
	st->ino = vn->ino;
	st->rdev = vn->rdev;
	st->mode = vn->mode;
	st->uid = vn->uid;
	st->gid = vn->gid;
	st->size = vn->size;
	st->blksize = PAGE_SIZE;
	st->atime_ns = vn->atime_ns;
	st->mtime_ns = vn->mtime_ns;
	st->ctime_ns = vn->ctime_ns;
	switch (vn->kind) {
	case VN_DIR:
		st->nlink = 2 + dir_subdirs(vn);
		st->size = PAGE_SIZE;		/* as tmpfs-like sizes go */
		st->blocks = 8;
		break;
	case VN_REG:
		st->nlink = vn->links;
		/* In 512-byte units, as tmpfs: whole pages of storage. */
		lower = PAGE_ALIGN_UP(vn->data.lower_len) / PAGE_SIZE;
		pages = fdata_pages(vn);
		st->blocks = (pages > lower ? pages : lower) * (PAGE_SIZE / 512);
		break;
	case VN_PROC:
		st->nlink = (vn->mode & S_IFMT) == S_IFDIR ? 2 : 1;
		break;
	default:
		st->nlink = vn->links;
		break;
	}
}

/*
 * Linux's generic_permission for a caller whose capabilities are "fsuid
 * is 0": root reads and writes anything, searches any directory, and
 * executes a file only if some x bit is set.
 */
int
vnode_permission(const struct vnode *vn, unsigned may)
{
	uint32_t mode = vn->mode, bits;

	if (cur_fsuid == 0) {
		if (!(may & MAY_EXEC) || (mode & S_IFMT) == S_IFDIR ||
		    (mode & 0111))
			return 0;
		return -EACCES;
	}
	if (vn->uid == cur_fsuid)
		bits = (mode >> 6) & 7;
	else if (vn->gid == cur_fsgid)
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return (bits & may) == may ? 0 : -EACCES;
}
