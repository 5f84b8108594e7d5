/*
 * /proc: the one process is pid 1, and /proc/self links to it.  Nodes
 * are made at lookup and freed when the last reference goes; their
 * texts are made when they are opened (kernel/procfs_text.c), so a read
 * sees one consistent snapshot.  The links exe, cwd, root and fd/N are
 * "magic": following one goes straight to the file, as on Linux, and
 * fd/N of a pipe or the console gives that open file itself.
 */
#include "kernel/internal.h"

enum pkind {
	P_ROOT = 1, P_SELF, P_PID, P_FD, P_FDLINK,
	P_MEMINFO, P_CPUINFO, P_UPTIME, P_VERSION, P_MOUNTS, P_FILESYSTEMS,
	P_LOADAVG, P_CMDLINE, P_COMM, P_CWD, P_ENVIRON, P_EXE, P_MAPS,
	P_ROOTLINK, P_STAT, P_STATM, P_STATUS, P_PID_MOUNTS,
};

struct pentry {
	const char *name;
	uint16_t kind;
	uint32_t mode;
};

#define PDIR	(S_IFDIR | 0555)
#define PREG	(S_IFREG | 0444)
#define PLNK	(S_IFLNK | 0777)

static const struct pentry root_table[] = {
	{ "1", P_PID, PDIR },
	{ "cpuinfo", P_CPUINFO, PREG },
	{ "filesystems", P_FILESYSTEMS, PREG },
	{ "loadavg", P_LOADAVG, PREG },
	{ "meminfo", P_MEMINFO, PREG },
	{ "mounts", P_MOUNTS, PREG },
	{ "self", P_SELF, PLNK },
	{ "uptime", P_UPTIME, PREG },
	{ "version", P_VERSION, PREG },
};

static const struct pentry pid_table[] = {
	{ "cmdline", P_CMDLINE, PREG },
	{ "comm", P_COMM, S_IFREG | 0644 },
	{ "cwd", P_CWD, PLNK },
	{ "environ", P_ENVIRON, S_IFREG | 0400 },
	{ "exe", P_EXE, PLNK },
	{ "fd", P_FD, S_IFDIR | 0500 },
	{ "maps", P_MAPS, PREG },
	{ "mounts", P_PID_MOUNTS, PREG },
	{ "root", P_ROOTLINK, PLNK },
	{ "stat", P_STAT, PREG },
	{ "statm", P_STATM, PREG },
	{ "status", P_STATUS, PREG },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What chmod and chown gave the system's entries (procfs_setattr). */
struct pattr {
	bool set;
	uint32_t mode, uid, gid;
};
static struct pattr root_attr[NELEM(root_table)];

static struct vnode *proc_root;
static struct vnode *exe_vn;		/* /proc/self/exe's file */
static const char *exe_path;
static char exe_buf[VFS_PATH_MAX];

static struct vnode *
pnode(struct vnode *parent, uint16_t kind, uint32_t mode, int32_t arg)
{
	struct vnode *vn = vnode_new(VN_PROC, mode);

	if (vn == NULL)
		return NULL;
	vn->pkind = kind;
	vn->parg = arg;
	vn->dev = VFS_DEV_PROC;
	vn->uid = vn->gid = 0;
	vn->ino = 0x10000ull + (uint64_t)kind * 0x100000ull + (uint32_t)arg;
	if ((mode & S_IFMT) == S_IFDIR)
		vn->dir.parent = vnode_get(parent);
	return vn;
}

void
procfs_reset(void)
{
	proc_root = exe_vn = NULL;	/* freed by vnode_free_all */
	memset(root_attr, 0, sizeof(root_attr));
}

struct vnode *
procfs_root(struct vnode *parent)
{
	if (proc_root == NULL) {
		proc_root = pnode(parent, P_ROOT, PDIR, 0);
	} else if (proc_root->dir.parent != parent) {
		vnode_put(proc_root->dir.parent);	/* a new tree (tests) */
		proc_root->dir.parent = vnode_get(parent);
	}
	return proc_root;
}

void
procfs_set_exe(const char *path, const void *elf, size_t len, int argc,
    const char *const *argv, int envc, const char *const *envp)
{
	/* Linux shows an absolute path; glibc's static startup relies on it. */
	if (path != NULL && path[0] != '/') {
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		ksnprintf(exe_buf, sizeof(exe_buf), "/%s", path);
		path = exe_buf;
	}
	exe_path = path;
	procfs_set_args(argc, argv, envc, envp);
	if (exe_vn == NULL)
		exe_vn = vnode_new(VN_REG, S_IFREG | 0755);
	if (exe_vn == NULL)
		return;
	exe_vn->archived = true;	/* not in any directory, never freed */
	exe_vn->uid = exe_vn->gid = 0;
	exe_vn->data.lower = elf;
	exe_vn->data.lower_len = exe_vn->size = len;
}

/*
 * A running program's file: Linux refuses to write it (ETXTBSY).  The
 * embedded ELF, and the calling process's program after an execve
 * (programs other processes run are not checked).
 */
bool
procfs_is_exe(const struct vnode *vn)
{
	return vn != NULL && (vn == exe_vn || vn == kproc_current()->exe);
}

/* The calling process's program: the embedded ELF until an execve. */
const char *
procfs_exe_path(void)
{
	struct kproc *k = kproc_current();

	return k->exe_path != NULL ? k->exe_path : exe_path;
}

/* A descriptor number: digits only, no leading zero. */
static int
parse_fd(const char *s)
{
	long v = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > FD_LIMIT * 1024)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

/* A node for table entry e, with what chmod and chown gave it (a). */
static struct vnode *
entry(struct vnode *d, const struct pentry *e, const struct pattr *a)
{
	struct vnode *vn = pnode(d, e->kind, e->mode, 0);

	if (vn != NULL && a != NULL && a->set) {
		vn->mode = a->mode;
		vn->uid = a->uid;
		vn->gid = a->gid;
	}
	return vn;
}

struct vnode *
procfs_lookup(struct vnode *d, const char *name)
{
	const struct pentry *t = d->pkind == P_ROOT ? root_table : pid_table;
	size_t n = d->pkind == P_ROOT ? NELEM(root_table) : NELEM(pid_table);
	struct file *f;
	int fd;

	if (d->pkind == P_FD) {
		fd = parse_fd(name);
		if (fd < 0 || (f = fd_get(fd)) == NULL)
			return NULL;
		file_put(f);
		return pnode(d, P_FDLINK, S_IFLNK | 0700, fd);
	}
	if (d->pkind != P_ROOT && d->pkind != P_PID)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return entry(d, &t[i], d->pkind == P_ROOT ?
			    &root_attr[i] : NULL);
	return NULL;
}

/* /proc/<pid> and what is in it: the process's own entries. */
static bool
pid_entry(const struct vnode *vn)
{
	switch (vn->pkind) {
	case P_ROOT: case P_SELF: case P_MEMINFO: case P_CPUINFO:
	case P_UPTIME: case P_VERSION: case P_MOUNTS: case P_FILESYSTEMS:
	case P_LOADAVG:
		return false;
	default:
		return true;
	}
}

/*
 * chmod and chown (mode, uid or gid UINT32_MAX: unchanged), after the
 * caller's owner checks, as Linux's procfs does them.  The process's
 * own entries refuse a new mode (proc_setattr: EPERM, even for root)
 * and take a new owner only until the next lookup, where Linux puts the
 * task's back (pid_revalidate): accepted, not kept.  The system's
 * entries and /proc itself keep what root gives them
 * (proc_notify_change), for the whole run.
 */
int
procfs_setattr(struct vnode *vn, uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct pattr *a = NULL;

	if (pid_entry(vn))
		return mode != UINT32_MAX ? -EPERM : 0;
	if (mode != UINT32_MAX)
		vn->mode = (vn->mode & S_IFMT) | (mode & 07777);
	if (uid != UINT32_MAX)
		vn->uid = uid;
	if (gid != UINT32_MAX)
		vn->gid = gid;
	for (size_t i = 0; i < NELEM(root_table); i++)
		if (root_table[i].kind == vn->pkind)
			a = &root_attr[i];
	if (a != NULL)		/* not /proc itself, which stays */
		*a = (struct pattr){ true, vn->mode, vn->uid, vn->gid };
	return 0;
}

int
procfs_readdir(struct vnode *d, uint64_t idx, char *name, size_t size,
    uint64_t *ino, uint8_t *type)
{
	const struct pentry *t = d->pkind == P_ROOT ? root_table : pid_table;
	size_t n = d->pkind == P_ROOT ? NELEM(root_table) : NELEM(pid_table);
	int fd = -1;

	if (d->pkind == P_FD) {
		for (uint64_t i = 0; i <= idx; i++) {
			fd = fd_next(fd + 1);
			if (fd < 0)
				return -ENOENT;
		}
		ksnprintf(name, size, "%d", fd);
		*ino = 0x10000ull + P_FDLINK * 0x100000ull + (uint32_t)fd;
		*type = S_IFLNK >> 12;
		return 0;
	}
	if (idx >= n)
		return -ENOENT;
	ksnprintf(name, size, "%s", t[idx].name);
	*ino = 0x10000ull + t[idx].kind * 0x100000ull;
	*type = (uint8_t)((t[idx].mode & S_IFMT) >> 12);
	return 0;
}

/* What fd/N names: the path of a tree file, or Linux's pseudo-names. */
static long
fd_link_text(int fd, char *buf, size_t size)
{
	struct file *f = fd_get(fd);
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

long
procfs_readlink(struct vnode *vn, char *buf, size_t size)
{
	char tmp[VFS_PATH_MAX + 16];
	long n;

	switch (vn->pkind) {
	case P_SELF:
		n = ksnprintf(tmp, sizeof(tmp), "1");
		break;
	case P_EXE:
		if (procfs_exe_path() == NULL)
			return -ENOENT;
		n = ksnprintf(tmp, sizeof(tmp), "%s", procfs_exe_path());
		break;
	case P_CWD:
		n = vnode_dir_path(vfs_cwd(), tmp, sizeof(tmp));
		break;
	case P_ROOTLINK:
		n = ksnprintf(tmp, sizeof(tmp), "/");
		break;
	case P_FDLINK:
		n = fd_link_text(vn->parg, tmp, sizeof(tmp));
		break;
	default:
		return -EINVAL;
	}
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if ((size_t)n > size)
		n = (long)size;
	memcpy(buf, tmp, (size_t)n);
	return n;
}

int
procfs_follow(struct vnode *vn, struct vnode **to, struct file **file)
{
	struct file *f;
	struct vnode *v;

	*to = NULL;
	*file = NULL;
	switch (vn->pkind) {
	case P_SELF:
		*to = procfs_lookup(proc_root, "1");
		return *to != NULL ? 0 : -ENOMEM;
	case P_EXE:
		v = kproc_current()->exe != NULL ? kproc_current()->exe :
		    exe_vn;
		if (v == NULL)
			return -ENOENT;
		*to = vnode_get(v);
		return 0;
	case P_CWD:
		*to = vnode_get(vfs_cwd());
		return 0;
	case P_ROOTLINK:
		*to = vnode_get(vfs_root());
		return 0;
	case P_FDLINK:
		f = fd_get(vn->parg);
		if (f == NULL)
			return -ENOENT;
		v = vfile_vnode(f);
		if (v != NULL) {
			*to = vnode_get(v);
			file_put(f);
		} else {
			*file = f;
		}
		return 0;
	default:
		return -EINVAL;
	}
}

long
procfs_dir_path(struct vnode *d, char *buf, size_t size)
{
	const char *p = d->pkind == P_ROOT ? "/proc" :
	    d->pkind == P_PID ? "/proc/1" : "/proc/1/fd";
	size_t n = strlen(p);

	if (n + 1 > size)
		return -ERANGE;
	memcpy(buf, p, n + 1);
	return (long)n;
}

int
procfs_text(struct vnode *vn, struct sbuf *b)
{
	switch (vn->pkind) {
	case P_MEMINFO: return proc_text_meminfo(b);
	case P_CPUINFO: return proc_text_cpuinfo(b);
	case P_UPTIME: return proc_text_uptime(b);
	case P_VERSION: return proc_text_version(b);
	case P_MOUNTS:
	case P_PID_MOUNTS: return proc_text_mounts(b);
	case P_FILESYSTEMS: return proc_text_filesystems(b);
	case P_LOADAVG: return proc_text_loadavg(b);
	case P_CMDLINE: return proc_text_cmdline(b);
	case P_COMM: return proc_text_comm(b);
	case P_ENVIRON: return proc_text_environ(b);
	case P_MAPS: return proc_text_maps(b);
	case P_STAT: return proc_text_stat(b);
	case P_STATM: return proc_text_statm(b);
	case P_STATUS: return proc_text_status(b);
	default: return -EINVAL;
	}
}
