/*
 * From vnodes back to paths, for getcwd and /proc's links: climb the
 * parent pointers to the root, finding each directory's name in its
 * parent.  The path is built from the end of the buffer backwards.
 */
#include "kernel/internal.h"

/* Prepend "/" name to the path that starts at buf + *at. */
static int
prepend(char *buf, size_t *at, const char *name)
{
	size_t n = strlen(name);

	if (n + 1 > *at)
		return -ERANGE;
	*at -= n;
	memcpy(buf + *at, name, n);
	buf[--*at] = '/';
	return 0;
}

long
vnode_dir_path(struct vnode *d, char *buf, size_t size)
{
	size_t at, n;
	long rc;

	if (size == 0)
		return -ERANGE;
	at = size - 1;
	buf[at] = '\0';
	while (d != vfs_root()) {
		const char *name;

		if (d->kind == VN_PROC) {
			char tmp[32];

			rc = procfs_dir_path(d, tmp, sizeof(tmp));
			if (rc < 0)
				return rc;
			if ((size_t)rc > at)
				return -ERANGE;
			at -= (size_t)rc;
			memcpy(buf + at, tmp, (size_t)rc);
			break;
		}
		if (d->kind != VN_DIR || d->dead || d->dir.parent == NULL)
			return -ENOENT;
		name = dir_name_of(d->dir.parent, d);
		if (name == NULL)
			return -ENOENT;
		if (prepend(buf, &at, name) != 0)
			return -ERANGE;
		d = d->dir.parent;
	}
	if (at == size - 1) {
		if (at == 0)
			return -ERANGE;
		buf[--at] = '/';
	}
	n = size - 1 - at;
	memmove(buf, buf + at, n + 1);
	return (long)n;
}
