/*
 * Device nodes.  /dev is an ordinary directory of the tree holding
 * character device nodes (VN_SPECIAL vnodes with an rdev); opening one
 * picks the device by its number, as Linux's chrdev table does, so a
 * node the archive brings (or mknod makes) works if its number is one
 * of these.  The rest of /dev is symlinks into /proc/self/fd.
 */
#include "kernel/internal.h"

#define DEV_NULL	KMKDEV(1, 3)
#define DEV_ZERO	KMKDEV(1, 5)
#define DEV_FULL	KMKDEV(1, 7)
#define DEV_RANDOM	KMKDEV(1, 8)
#define DEV_URANDOM	KMKDEV(1, 9)
#define DEV_TTY		KMKDEV(5, 0)
#define DEV_CONSOLE	KMKDEV(5, 1)
/* A misc device (major 10) with a dynamic minor on Linux. */
#define DEV_SEV_GUEST	KMKDEV(10, 124)

static long
null_read(struct file *f, void *buf, size_t len)
{
	return 0;
}

static long
null_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
	return 0;
}

static long
sink_write(struct file *f, const void *buf, size_t len)
{
	return (long)len;
}

static long
sink_pwrite(struct file *f, const void *buf, size_t len, uint64_t off)
{
	return (long)len;
}

/* lseek on these devices succeeds and keeps the position at 0. */
static long
dev_lseek(struct file *f, int64_t off, int whence)
{
	f->pos = 0;
	return 0;
}

static long
zero_read(struct file *f, void *buf, size_t len)
{
	memset(buf, 0, len);
	return (long)len;
}

static long
zero_pread(struct file *f, void *buf, size_t len, uint64_t off)
{
	return zero_read(f, buf, len);
}

static long
full_write(struct file *f, const void *buf, size_t len)
{
	return -ENOSPC;
}

static long
full_pwrite(struct file *f, const void *buf, size_t len, uint64_t off)
{
	return -ENOSPC;
}

static long
random_read(struct file *f, void *buf, size_t len)
{
	int rc = plat_crng_fill(buf, len);

	return rc != 0 ? rc : (long)len;
}

static const struct file_ops null_ops = {
	.read = null_read,
	.write = sink_write,
	.pread = null_pread,
	.pwrite = sink_pwrite,
	.lseek = dev_lseek,
	.stat = vfile_stat,
	.release = vfile_release,
};

static const struct file_ops zero_ops = {
	.read = zero_read,
	.write = sink_write,
	.pread = zero_pread,
	.pwrite = sink_pwrite,
	.lseek = dev_lseek,
	.stat = vfile_stat,
	.release = vfile_release,
};

static const struct file_ops full_ops = {
	.read = zero_read,
	.write = full_write,
	.pread = zero_pread,
	.pwrite = full_pwrite,
	.lseek = dev_lseek,
	.stat = vfile_stat,
	.release = vfile_release,
};

static const struct file_ops random_ops = {
	.read = random_read,
	.write = sink_write,
	.lseek = dev_lseek,
	.stat = vfile_stat,
	.release = vfile_release,
};

bool
vfs_file_is_devzero(struct file *f)
{
	return f != NULL && f->ops == &zero_ops;
}

int
dev_open(struct vnode *vn, uint32_t flags, struct vnode *pdir,
    const char *name, struct file **out)
{
	const struct file_ops *ops;

	if ((vn->mode & S_IFMT) != S_IFCHR)
		return -ENXIO;		/* no fifos, sockets or disks here */
	switch (vn->rdev) {
	case DEV_NULL: ops = &null_ops; break;
	case DEV_ZERO: ops = &zero_ops; break;
	case DEV_FULL: ops = &full_ops; break;
	case DEV_RANDOM: case DEV_URANDOM: ops = &random_ops; break;
	case DEV_TTY:
	case DEV_CONSOLE:
		*out = tty_open(flags);
		return *out != NULL ? 0 : -ENXIO;
	case DEV_SEV_GUEST:
		return sevguest_open(vn, flags, pdir, name, out);
	default:
		return -ENXIO;
	}
	return vfile_make(vn, ops, flags, pdir, name, NULL, out);
}

static const struct {
	const char *name;
	uint64_t rdev;
	uint32_t mode;
} devices[] = {
	{ "console", DEV_CONSOLE, 0600 },
	{ "full", DEV_FULL, 0666 },
	{ "null", DEV_NULL, 0666 },
	{ "random", DEV_RANDOM, 0666 },
	{ "tty", DEV_TTY, 0666 },
	{ "urandom", DEV_URANDOM, 0666 },
	{ "zero", DEV_ZERO, 0666 },
};

static const struct {
	const char *name, *target;
} links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stderr", "/proc/self/fd/2" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
};

/* Put vn at name in dev, over whatever the archive had there. */
static int
place(struct vnode *dev, const char *name, struct vnode *vn)
{
	int rc = 0;

	if (vn == NULL)
		return -ENOMEM;
	if (dir_lookup(dev, name) != NULL)
		rc = dir_remove(dev, name);
	if (rc == 0)
		rc = dir_add(dev, name, vn);
	vnode_put(vn);
	return rc;
}

int
devfs_populate(struct vnode *dev)
{
	struct vnode *vn;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(devices) / sizeof(devices[0]); i++) {
		vn = vnode_new(VN_SPECIAL, S_IFCHR | devices[i].mode);
		if (vn != NULL) {
			vn->rdev = devices[i].rdev;
			vn->uid = vn->gid = 0;
		}
		rc = place(dev, devices[i].name, vn);
	}
	for (i = 0; rc == 0 && i < sizeof(links) / sizeof(links[0]); i++) {
		size_t n = strlen(links[i].target) + 1;

		vn = vnode_new(VN_LNK, S_IFLNK | 0777);
		if (vn != NULL && (vn->target = kmalloc(n)) == NULL) {
			vnode_put(vn);
			vn = NULL;
		}
		if (vn != NULL) {
			memcpy(vn->target, links[i].target, n);
			vn->size = n - 1;
		}
		rc = place(dev, links[i].name, vn);
	}
	/* Only an SNP guest that can reach the PSP has it (as on Linux). */
	if (rc == 0 && sevguest_present()) {
		vn = vnode_new(VN_SPECIAL, S_IFCHR | 0600);
		if (vn != NULL) {
			vn->rdev = DEV_SEV_GUEST;
			vn->uid = vn->gid = 0;
		}
		rc = place(dev, "sev-guest", vn);
	}
	if (rc == 0 && dir_lookup(dev, "shm") == NULL) {
		vn = vnode_new(VN_DIR, S_IFDIR | 01777);
		rc = place(dev, "shm", vn);
	}
	return rc;
}
