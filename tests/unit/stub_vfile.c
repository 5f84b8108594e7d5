/*
 * Stand-ins for kernel/vfile.c's vfile_vnode and file_page, for the
 * tests that link kernel/flock.c (through file.c and fd.c) or
 * kernel/vm.c without the file tree: no file there is a tree file, so
 * locks key on the file itself and mappings copy.
 */
#include "kernel/internal.h"

struct vnode *
vfile_vnode(struct file *f)
{
	(void)f;
	return NULL;
}

/* No file of these tests keeps pages: mappings copy. */
int
file_page(struct file *f, uint64_t off, void **page)
{
	(void)f;
	(void)off;
	(void)page;
	return -ENODEV;
}
