/*
 * /proc's links (kernel/procfs.c makes the nodes): self and thread-self
 * name the caller, a process's exe, cwd, root and fd/N name its own
 * files.  These are "magic": following one goes straight to the file,
 * as on Linux, and fd/N of a pipe or the console gives that open file
 * itself.  A zombie has none of them (ENOENT).
 */
#include "kernel/internal.h"

/* What fd/N names: the path of a tree file, or Linux's pseudo-names. */
static long
fd_link_text(struct kproc *k, int fd, char *buf, size_t size)
{
	struct file *f = fd_get_in(k, fd);
	long n;

	if (f == NULL)
		return -ENOENT;
	if (vfile_vnode(f) != NULL)
		n = vfile_path_of(f, buf, size);
	else if (file_is_console(f))
		n = ksnprintf(buf, size, "/dev/console");
	else if (file_is_pipe(f))
		n = ksnprintf(buf, size, "pipe:[%llu]", (unsigned long long)
		    ((uintptr_t)f->priv >> 4 & 0xffffff));
	else if (file_is_epoll(f))
		n = ksnprintf(buf, size, "anon_inode:[eventpoll]");
	else
		n = ksnprintf(buf, size, "anon_inode:[file]");
	file_put(f);
	return n;
}

/* A link's text into tmp: its length or -errno. */
static long
link_text(struct vnode *vn, char *tmp, size_t size)
{
	struct proc_facts f;

	if (procfs_facts_of(vn, &f) != 0)
		return -ENOENT;
	if (vn->pkind == P_SELF)
		return ksnprintf(tmp, size, "%d", f.pid);
	if (vn->pkind == P_THREAD_SELF)
		return ksnprintf(tmp, size, "%d/task/%d", f.pid, f.tid);
	if (f.kp == NULL)		/* a zombie has none of these */
		return -ENOENT;
	switch (vn->pkind) {
	case P_EXE:
		if (procfs_exe_path_of(f.kp) == NULL)
			return -ENOENT;
		return ksnprintf(tmp, size, "%s", procfs_exe_path_of(f.kp));
	case P_CWD:
		return vnode_dir_path(f.kp->cwd, tmp, size);
	case P_ROOTLINK:
		return ksnprintf(tmp, size, "/");
	case P_FDLINK:
		return fd_link_text(f.kp, vn->parg, tmp, size);
	default:
		return -EINVAL;
	}
}

long
procfs_readlink(struct vnode *vn, char *buf, size_t size)
{
	char tmp[VFS_PATH_MAX + 16];
	long n = link_text(vn, tmp, sizeof(tmp));

	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if ((size_t)n > size)
		n = (long)size;
	memcpy(buf, tmp, (size_t)n);
	return n;
}

/* /proc/thread-self: <pid>/task/<tid>, looked up step by step. */
static struct vnode *
thread_dir(int pid, int tid)
{
	char num[16];
	struct vnode *p, *t, *d = NULL;

	if ((p = procfs_pid_dir(pid)) == NULL)
		return NULL;
	if ((t = procfs_lookup(p, "task")) != NULL) {
		ksnprintf(num, sizeof(num), "%d", tid);
		d = procfs_lookup(t, num);
		vnode_put(t);
	}
	vnode_put(p);
	return d;
}

int
procfs_follow(struct vnode *vn, struct vnode **to, struct file **file)
{
	struct proc_facts f;

	*to = NULL;
	*file = NULL;
	if (procfs_facts_of(vn, &f) != 0)
		return -ENOENT;
	if (vn->pkind == P_SELF) {
		*to = procfs_pid_dir(f.pid);
		return *to != NULL ? 0 : -ENOMEM;
	}
	if (vn->pkind == P_THREAD_SELF) {
		*to = thread_dir(f.pid, f.tid);
		return *to != NULL ? 0 : -ENOENT;
	}
	if (f.kp == NULL)
		return -ENOENT;
	switch (vn->pkind) {
	case P_EXE:
		*to = procfs_exe_of(f.kp);
		break;
	case P_CWD:
		*to = f.kp->cwd;
		break;
	case P_ROOTLINK:
		*to = vfs_root();
		break;
	case P_FDLINK:
		if ((*file = fd_get_in(f.kp, vn->parg)) == NULL)
			return -ENOENT;
		if ((*to = vfile_vnode(*file)) == NULL)
			return 0;	/* the open file itself */
		file_put(*file);
		*file = NULL;
		break;
	default:
		return -EINVAL;
	}
	if (*to == NULL)
		return -ENOENT;
	*to = vnode_get(*to);
	return 0;
}
