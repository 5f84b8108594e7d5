/*
 * Open files of the tree: regular files, directories, O_PATH files and
 * /proc's texts.  Every kind shares vfile_stat, which is how
 * vfile_vnode recognizes a tree file among the others (pipes, the
 * console).  Directory positions are "after this name" (kernel/dir.c),
 * so entries added or removed while a directory is being listed never
 * make getdents repeat or skip the others; the offset getdents reports
 * is the count of entries returned, which lseek can come back to.
 */
#include "kernel/internal.h"

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#define SEEK_DATA	3
#define SEEK_HOLE	4

/* Linux's struct linux_dirent64 header (the name follows). */
struct dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
} __attribute__((packed));
_Static_assert(sizeof(struct dirent64) == 19, "linux_dirent64 header");

int
vfile_stat(struct file *f, struct kstat *st)
{
	struct vfile *v = f->priv;

	vnode_stat(v->vn, st);
	return 0;
}

struct vnode *
vfile_vnode(struct file *f)
{
	if (f == NULL || f->ops->stat != vfile_stat)
		return NULL;
	return ((struct vfile *)f->priv)->vn;
}

int
file_view(struct file *f, const void **p, size_t *len)
{
	struct vnode *vn = vfile_vnode(f);

	if (vn == NULL || (*p = fdata_view(vn)) == NULL)
		return -EAGAIN;
	*len = (size_t)vn->size;
	return 0;
}

int
file_whole(struct file *f, uint64_t size, const void **out, void **owned)
{
	uint64_t got = 0;
	uint8_t *buf;
	size_t len;

	*owned = NULL;
	if (file_view(f, out, &len) == 0 && len == size)
		return 0;
	buf = kmalloc(size > 0 ? size : 1);
	if (buf == NULL)
		return -ENOMEM;
	while (got < size) {
		long n = file_pread(f, buf + got, size - got, got);

		if (n <= 0) {
			kfree(buf);
			return n < 0 ? (int)n : -EIO;
		}
		got += (uint64_t)n;
	}
	*out = *owned = buf;
	return 0;
}

int
file_page(struct file *f, uint64_t off, void **page)
{
	struct vnode *vn = vfile_vnode(f);

	if (vn == NULL || vn->kind != VN_REG || (off & (PAGE_SIZE - 1)))
		return -ENODEV;
	if (off >= vn->size)
		return -ENXIO;
	*page = fdata_page(vn, off / PAGE_SIZE);
	return *page != NULL ? 0 : -ENOMEM;
}

long
vfile_path_of(struct file *f, char *buf, size_t size)
{
	struct vfile *v = f->priv;
	const char *exe = procfs_exe_path();
	long n;

	if (v->pdir != NULL) {
		n = vnode_dir_path(v->pdir, buf, size);
		if (n < 0)
			return n;
		n = ksnprintf(buf + n, size - (size_t)n, "%s%s%s",
		    n > 1 ? "/" : "", v->name, v->vn->links == 0 ?
		    " (deleted)" : "") + n;
	} else if ((v->vn->mode & S_IFMT) == S_IFDIR) {
		n = vnode_dir_path(v->vn, buf, size);
	} else if (v->vn->kind == VN_REG && v->vn->archived &&
	    v->vn->links == 0 && exe != NULL) {
		n = ksnprintf(buf, size, "%s", exe);	/* /proc/self/exe */
	} else {
		n = ksnprintf(buf, size, "%s", v->name != NULL ? v->name :
		    "?");
	}
	return n < 0 || (size_t)n < size ? n : (long)size - 1;
}

void
vfile_release(struct file *f)
{
	struct vfile *v = f->priv;

	vnode_put(v->vn);
	vnode_put(v->pdir);
	kfree(v->name);
	kfree(v->after);
	sb_free(&v->text);
	kfree(v);
}

/* lseek's arithmetic: the new position from base, or -EINVAL. */
static long
seek_to(struct file *f, int64_t off, int whence, uint64_t size)
{
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		base = (int64_t)size;
		break;
	default:
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (long)f->pos;
}

/* ---- Regular files ---- */

static long
reg_read(struct file *f, void *buf, size_t len)
{
	struct vfile *v = f->priv;
	long n = fdata_read(v->vn, buf, len, f->pos);

	if (n > 0)
		f->pos += (uint64_t)n;
	return n;
}

static long
reg_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct vfile *v = f->priv;

	return fdata_read(v->vn, buf, len, off);
}

static long
reg_pwrite(struct file *f, const void *buf, size_t len, uint64_t off)
{
	struct vfile *v = f->priv;
	long n;

	if (f->flags & O_APPEND)
		off = v->vn->size;	/* even pwrite appends, as on Linux */
	n = fdata_write(v->vn, buf, len, off);
	if (n > 0)
		vnode_touch(v->vn, VT_MTIME | VT_CTIME);
	return n;
}

static long
reg_write(struct file *f, const void *buf, size_t len)
{
	struct vfile *v = f->priv;
	long n;

	if (f->flags & O_APPEND)
		f->pos = v->vn->size;
	n = reg_pwrite(f, buf, len, f->pos);
	if (n > 0)
		f->pos += (uint64_t)n;
	return n;
}

static long
reg_lseek(struct file *f, int64_t off, int whence)
{
	struct vfile *v = f->priv;
	int64_t at;

	if (whence == SEEK_DATA || whence == SEEK_HOLE) {
		if (off < 0)
			return -ENXIO;
		at = fdata_seek(v->vn, (uint64_t)off, whence == SEEK_DATA);
		if (at < 0)
			return at;
		f->pos = (uint64_t)at;
		return at;
	}
	return seek_to(f, off, whence, v->vn->size);
}

static int
reg_truncate(struct file *f, uint64_t len)
{
	struct vfile *v = f->priv;
	int rc = fdata_truncate(v->vn, len);

	if (rc == 0)
		vnode_touch(v->vn, VT_MTIME | VT_CTIME);
	return rc;
}

static const struct file_ops reg_ops = {
	.read = reg_read,
	.write = reg_write,
	.pread = reg_pread,
	.pwrite = reg_pwrite,
	.lseek = reg_lseek,
	.stat = vfile_stat,
	.truncate = reg_truncate,
	.release = vfile_release,
};

/* ---- Directories ---- */

static long
dir_read(struct file *f, void *buf, size_t len)
{
	return -EISDIR;
}

/* Append one record; false when it does not fit. */
static bool
put_dirent(uint8_t *buf, size_t len, size_t *used, uint64_t ino,
    int64_t off, uint8_t type, const char *name)
{
	size_t nlen = strlen(name);
	size_t reclen = (sizeof(struct dirent64) + nlen + 1 + 7) & ~7ul;
	struct dirent64 *d = (struct dirent64 *)(buf + *used);

	if (*used + reclen > len)
		return false;
	memset(d, 0, reclen);
	d->d_ino = ino;
	d->d_off = off;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = type;
	memcpy(d->d_name, name, nlen);
	*used += reclen;
	return true;
}

/* The next entry after position v->ord (2 and up: real entries). */
static bool
dir_entry(struct vfile *v, char *name, uint64_t *ino, uint8_t *type)
{
	struct vnode *d = v->vn;
	struct dent e;

	if (d->kind == VN_PROC)
		return procfs_readdir(d, v->ord - 2, name, VFS_NAME_MAX + 1,
		    ino, type) == 0;
	if (d->dead || !dir_next(d, v->after, &e))
		return false;
	memcpy(name, e.name, strlen(e.name) + 1);
	*ino = e.vn->ino;
	*type = vnode_dtype(e.vn);
	return true;
}

/* Move past the entry just returned. */
static int
dir_advance(struct vfile *v, const char *name)
{
	if (v->vn->kind != VN_PROC && v->ord >= 2) {
		size_t n = strlen(name) + 1;
		char *s = kmalloc(n);

		if (s == NULL)
			return -ENOMEM;
		memcpy(s, name, n);
		kfree(v->after);
		v->after = s;
	}
	v->ord++;
	return 0;
}

static long
dir_getdents(struct file *f, void *buf, size_t len)
{
	struct vfile *v = f->priv;
	char name[VFS_NAME_MAX + 1];
	size_t used = 0;
	uint64_t ino;
	uint8_t type;

	if (v->vn->kind == VN_DIR && v->vn->dead)
		return 0;		/* removed: not even "." and ".." */
	for (;;) {
		if (v->ord == 0) {
			ino = v->vn->ino;
			type = 4;
			memcpy(name, ".", 2);
		} else if (v->ord == 1) {
			struct vnode *p = v->vn == vfs_root() ||
			    v->vn->dir.parent == NULL ? v->vn : v->vn->dir.parent;

			ino = p->ino;
			type = 4;
			memcpy(name, "..", 3);
		} else if (!dir_entry(v, name, &ino, &type)) {
			break;
		}
		if (!put_dirent(buf, len, &used, ino, (int64_t)v->ord + 1,
		    type, name))
			return used ? (long)used : -EINVAL;
		if (dir_advance(v, name) != 0)
			return used ? (long)used : -ENOMEM;
	}
	vnode_touch(v->vn, VT_ATIME);
	return (long)used;
}

/* Back to the start, then forward to entry number off. */
static long
dir_lseek(struct file *f, int64_t off, int whence)
{
	struct vfile *v = f->priv;
	char name[VFS_NAME_MAX + 1];
	uint64_t ino;
	uint8_t type;

	if (whence == SEEK_CUR && off == 0)
		return (long)v->ord;
	if (whence == SEEK_CUR)
		off += (int64_t)v->ord;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	kfree(v->after);
	v->after = NULL;
	v->ord = 0;
	while (v->ord < (uint64_t)off) {
		if (v->ord >= 2 && !dir_entry(v, name, &ino, &type)) {
			/*
			 * Past the last entry: the position is what was
			 * asked for, as on Linux (getdents then gives 0);
			 * the name cursor stays at the end.
			 */
			v->ord = (uint64_t)off;
			break;
		}
		if (dir_advance(v, name) != 0)
			return -ENOMEM;
	}
	f->pos = v->ord;
	return (long)v->ord;
}

static const struct file_ops dir_ops = {
	.read = dir_read,
	.lseek = dir_lseek,
	.stat = vfile_stat,
	.getdents = dir_getdents,
	.release = vfile_release,
};

/* ---- O_PATH files and /proc's texts ---- */

static const struct file_ops path_ops = {
	.stat = vfile_stat,
	.release = vfile_release,
};

static long
text_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct vfile *v = f->priv;

	if (procfs_gone(v->vn))	/* its process was reaped: Linux's ESRCH */
		return -ESRCH;
	if (off >= v->text.len)
		return 0;
	if (len > v->text.len - off)
		len = (size_t)(v->text.len - off);
	memcpy(buf, v->text.s + off, len);
	return (long)len;
}

static long
text_read(struct file *f, void *buf, size_t len)
{
	long n = text_pread(f, buf, len, f->pos);

	if (n > 0)
		f->pos += (uint64_t)n;
	return n;
}

long
vfile_seek(struct file *f, int64_t off, int whence, uint64_t size)
{
	return seek_to(f, off, whence, size);
}

static long
text_lseek(struct file *f, int64_t off, int whence)
{
	struct vfile *v = f->priv;

	return seek_to(f, off, whence, v->text.len);
}

/* Root may open /proc's texts for writing; only comm takes it. */
static long
text_write(struct file *f, const void *buf, size_t len)
{
	return procfs_write(((struct vfile *)f->priv)->vn, buf, len);
}

static const struct file_ops text_ops = {
	.read = text_read,
	.write = text_write,
	.pread = text_pread,
	.lseek = text_lseek,
	.stat = vfile_stat,
	.release = vfile_release,
};

/* ---- Opening ---- */

/* A vfile for vn with ops; takes new references on vn and pdir. */
int
vfile_make(struct vnode *vn, const struct file_ops *ops, uint32_t flags,
    struct vnode *pdir, const char *name, struct vfile **vout,
    struct file **out)
{
	struct vfile *v = kzalloc(sizeof(*v));
	size_t n = name != NULL ? strlen(name) + 1 : 0;

	*out = NULL;
	if (v == NULL)
		return -ENOMEM;
	if (n > 0) {
		v->name = kmalloc(n);
		if (v->name == NULL) {
			kfree(v);
			return -ENOMEM;
		}
		memcpy(v->name, name, n);
	}
	*out = file_alloc(ops, flags, v);
	if (*out == NULL) {
		kfree(v->name);
		kfree(v);
		return -ENOMEM;
	}
	v->vn = vnode_get(vn);
	if (pdir != NULL)
		v->pdir = vnode_get(pdir);
	if (vout != NULL)
		*vout = v;
	return 0;
}

int
vfile_open(struct vnode *vn, uint32_t flags, struct vnode *pdir,
    const char *name, struct file **out)
{
	struct vfile *v;
	int rc;

	if (flags & O_PATH)
		return vfile_make(vn, &path_ops, flags, pdir, name, NULL, out);
	switch (vn->mode & S_IFMT) {
	case S_IFDIR:
		return vfile_make(vn, &dir_ops, flags, pdir, name, NULL, out);
	case S_IFREG:
		if (vn->kind == VN_REG)
			return vfile_make(vn, &reg_ops, flags, pdir, name,
			    NULL, out);
		if (vn->kind == VN_SPECIAL && vn->pkind != 0)
			return tsm_open(vn, flags, pdir, name, out);
		if (vn->kind != VN_PROC)
			return -ENXIO;
		rc = vfile_make(vn, &text_ops, flags, pdir, name, &v, out);
		if (rc == 0) {
			rc = procfs_text(vn, &v->text);
			if (rc != 0) {
				file_put(*out);
				*out = NULL;
			}
		}
		return rc;
	case S_IFLNK:
		return -ELOOP;
	default:
		return dev_open(vn, flags, pdir, name, out);
	}
}

int
vfs_fsync(struct file *f)
{
	return vfile_vnode(f) != NULL ? 0 : -EINVAL;
}
