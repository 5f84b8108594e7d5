/*
 * execve's image swap (the seam over kernel/exec.c's loader): a new
 * address space for the current process, filled by exec_load, and the
 * program's file as its /proc/self/exe.
 */
#include "kernel/internal.h"

/* The absolute path of path (relative to the working directory). */
static char *
abs_path(const char *path)
{
	char *buf = kmalloc(VFS_PATH_MAX);
	long n = 0;

	if (buf == NULL)
		return NULL;
	if (path[0] != '/') {
		n = vnode_dir_path(vfs_cwd(), buf, VFS_PATH_MAX);
		if (n < 0)
			n = 0;
		if (n > 0 && buf[n - 1] == '/')
			n--;
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		buf[n++] = '/';
	}
	if ((size_t)n + strlen(path) >= VFS_PATH_MAX) {
		kfree(buf);
		return NULL;
	}
	memcpy(buf + n, path, strlen(path) + 1);
	return buf;
}

/*
 * Where the program is, as /proc/<pid>/exe shows it: the file's place
 * in the tree (a link or /proc/self/exe resolved, as Linux's d_path of
 * the file), else the path as given, made absolute.
 */
static char *
file_path(struct file *f, const char *path)
{
	char *buf;
	long n;

	if (vfile_vnode(f) == NULL || (buf = kmalloc(VFS_PATH_MAX)) == NULL)
		return abs_path(path);
	n = vfile_path_of(f, buf, VFS_PATH_MAX);
	if (n > 0 && n < VFS_PATH_MAX - 1 && buf[0] == '/')
		return buf;
	kfree(buf);
	return abs_path(path);
}

int
kproc_exec(struct file *f, const void *img, size_t len, const char *path,
    struct exec_info *ei, const char **why)
{
	struct kproc *k = kproc_current();
	struct vm_space *old;
	char *apath = file_path(f, path);
	int rc;

	*why = "out of memory for a new address space";
	old = apath != NULL ? kproc_exec_begin() : NULL;
	if (old == NULL) {
		kfree(apath);
		return -ENOMEM;
	}
	ei->file = f;
	rc = exec_load(img, len, ei, why);
	kproc_exec_end(old, rc == 0);
	if (rc != 0) {
		kfree(apath);
		return rc;
	}
	vnode_put(k->exe);
	kfree(k->exe_path);
	k->exe = vfile_vnode(f);
	if (k->exe != NULL)
		vnode_get(k->exe);
	k->exe_path = apath;
	kargs_put(k->args);
	k->args = kargs_make(ei->args.argc, ei->args.argv, ei->args.envc,
	    ei->args.envp);
	return 0;
}
