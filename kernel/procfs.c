/*
 * /proc: a numeric directory for every process (live or zombie), and
 * /proc/self and /proc/thread-self linking to the caller's.  Nodes are
 * made at lookup and freed when the last reference goes; each carries
 * its process's pid (pproc), so whatever it shows is taken from that
 * process (its memory, descriptors, directory), found again at each
 * look: a process that has been reaped is ENOENT to look up and ESRCH
 * to read through a descriptor opened before.  Texts are made when
 * they are opened (kernel/procfs_text.c), so a read sees one consistent
 * snapshot.  The links are kernel/procfs_link.c.  Every process runs
 * as root, who may look at every other (Linux's ptrace_may_access for
 * CAP_SYS_PTRACE).
 */
#include "kernel/internal.h"

struct pentry {
	const char *name;
	uint16_t kind;
	uint32_t mode;
};

#define PDIR	(S_IFDIR | 0555)
#define PREG	(S_IFREG | 0444)
#define PLNK	(S_IFLNK | 0777)

/* The system's entries; the processes' directories follow them. */
static const struct pentry root_table[] = {
	{ "cpuinfo", P_CPUINFO, PREG },
	{ "filesystems", P_FILESYSTEMS, PREG },
	{ "loadavg", P_LOADAVG, PREG },
	{ "meminfo", P_MEMINFO, PREG },
	{ "mounts", P_MOUNTS, PREG },
	{ "self", P_SELF, PLNK },
	{ "stat", P_SYSSTAT, PREG },
	{ "thread-self", P_THREAD_SELF, PLNK },
	{ "uptime", P_UPTIME, PREG },
	{ "version", P_VERSION, PREG },
};

/* A process's entries; a thread's (task/<tid>) are all but "task". */
static const struct pentry pid_table[] = {
	{ "cmdline", P_CMDLINE, PREG },
	{ "comm", P_COMM, S_IFREG | 0644 },
	{ "cwd", P_CWD, PLNK },
	{ "environ", P_ENVIRON, S_IFREG | 0400 },
	{ "exe", P_EXE, PLNK },
	{ "fd", P_FD, S_IFDIR | 0500 },
	{ "fdinfo", P_FDINFO, S_IFDIR | 0500 },
	{ "limits", P_LIMITS, PREG },
	{ "maps", P_MAPS, PREG },
	{ "mounts", P_PID_MOUNTS, PREG },
	{ "root", P_ROOTLINK, PLNK },
	{ "stat", P_STAT, PREG },
	{ "statm", P_STATM, PREG },
	{ "status", P_STATUS, PREG },
	{ "task", P_TASK, PDIR },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What chmod and chown gave the system's entries (procfs_setattr). */
struct pattr {
	bool set;
	uint32_t mode, uid, gid;
};
static struct pattr root_attr[NELEM(root_table)];

static struct vnode *proc_root;
static struct vnode *exe_vn;		/* the embedded program's file */
static const char *exe_path;
static char exe_buf[VFS_PATH_MAX];
/* Where the last listing of processes or threads was (nth_id). */
static struct {
	bool valid;
	int pid, id;		/* id is the idx-th of pid's */
	uint64_t idx;
} cursor;

/* Inode numbers: unique per process, entry and argument. */
static uint64_t
pino(uint16_t kind, int32_t pid, int32_t arg)
{
	return 0x10000ull + (uint64_t)kind * 0x100000ull + (uint32_t)arg +
	    ((uint64_t)(uint32_t)pid << 32);
}

static struct vnode *
pnode(struct vnode *parent, uint16_t kind, uint32_t mode, int32_t pid,
    int32_t arg)
{
	struct vnode *vn = vnode_new(VN_PROC, mode);

	if (vn == NULL)
		return NULL;
	vn->pkind = kind;
	vn->parg = arg;
	vn->pproc = pid;
	vn->dev = VFS_DEV_PROC;
	vn->uid = vn->gid = 0;
	vn->ino = pino(kind, pid, arg);
	if ((mode & S_IFMT) == S_IFDIR)
		vn->dir.parent = vnode_get(parent);
	return vn;
}

void
procfs_reset(void)
{
	proc_root = exe_vn = NULL;	/* freed by vnode_free_all */
	cursor.valid = false;
	memset(root_attr, 0, sizeof(root_attr));
}

struct vnode *
procfs_root(struct vnode *parent)
{
	if (proc_root == NULL) {
		proc_root = pnode(parent, P_ROOT, PDIR, 0, 0);
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

/* Process k's program: the embedded ELF until an execve. */
const char *
procfs_exe_path_of(const struct kproc *k)
{
	return k->exe_path != NULL ? k->exe_path : exe_path;
}

struct vnode *
procfs_exe_of(const struct kproc *k)
{
	return k->exe != NULL ? k->exe : exe_vn;
}

const char *
procfs_exe_path(void)
{
	return procfs_exe_path_of(kproc_current());
}

/* A number as /proc names them: digits only, no leading zero. */
static int
parse_num(const char *s)
{
	long v = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > 0x3fffffff / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

int
procfs_facts_of(const struct vnode *vn, struct proc_facts *f)
{
	int tid = 0;

	switch (vn->pkind) {
	case P_TID: case P_STAT: case P_STATUS: case P_COMM:
		tid = vn->parg;		/* 0 under <pid>/ itself */
		break;
	}
	return procfs_facts(vn->pproc, tid, f);
}

bool
procfs_gone(const struct vnode *vn)
{
	struct proc_facts f;

	return vn->kind == VN_PROC && vn->pproc != 0 &&
	    procfs_facts_of(vn, &f) != 0;
}

/* A node for table entry e in d, with what chmod and chown gave it (a). */
static struct vnode *
entry(struct vnode *d, const struct pentry *e, const struct pattr *a)
{
	struct vnode *vn = pnode(d, e->kind, e->mode, d->pproc,
	    d->pkind == P_TID ? d->parg : 0);

	if (vn != NULL && a != NULL && a->set) {
		vn->mode = a->mode;
		vn->uid = a->uid;
		vn->gid = a->gid;
	}
	return vn;
}

/* fd/N and fdinfo/N: an open descriptor of the process. */
static struct vnode *
lookup_fd(struct vnode *d, const char *name)
{
	struct proc_facts f;
	struct file *file;
	int fd = parse_num(name);

	if (fd < 0 || procfs_facts_of(d, &f) != 0 || f.kp == NULL ||
	    (file = fd_get_in(f.kp, fd)) == NULL)
		return NULL;
	file_put(file);
	if (d->pkind == P_FD)
		return pnode(d, P_FDLINK, S_IFLNK | 0700, d->pproc, fd);
	return pnode(d, P_FDINFO_FILE, S_IFREG | 0400, d->pproc, fd);
}

/* A process's directory (in /proc) or a thread's (in task/). */
static struct vnode *
lookup_num(struct vnode *d, const char *name)
{
	struct proc_facts f;
	int n = parse_num(name);

	if (n <= 0)
		return NULL;
	if (d->pkind == P_ROOT)
		return procfs_facts(n, 0, &f) == 0 ?
		    pnode(d, P_PID, PDIR, n, 0) : NULL;
	return procfs_facts(d->pproc, n, &f) == 0 ?
	    pnode(d, P_TID, PDIR, d->pproc, n) : NULL;
}

struct vnode *
procfs_lookup(struct vnode *d, const char *name)
{
	struct proc_facts f;

	switch (d->pkind) {
	case P_FD: case P_FDINFO:
		return lookup_fd(d, name);
	case P_TASK:
		return procfs_facts_of(d, &f) == 0 ? lookup_num(d, name) : NULL;
	case P_ROOT:
		for (size_t i = 0; i < NELEM(root_table); i++)
			if (strcmp(root_table[i].name, name) == 0)
				return entry(d, &root_table[i], &root_attr[i]);
		return lookup_num(d, name);
	case P_PID: case P_TID:
		if (procfs_facts_of(d, &f) != 0)
			return NULL;
		for (size_t i = 0; i < NELEM(pid_table); i++)
			if (strcmp(pid_table[i].name, name) == 0 &&
			    (d->pkind == P_PID || pid_table[i].kind != P_TASK))
				return entry(d, &pid_table[i], NULL);
		return NULL;
	default:
		return NULL;
	}
}

struct vnode *
procfs_pid_dir(int pid)
{
	char num[16];

	ksnprintf(num, sizeof(num), "%d", pid);
	return procfs_lookup(proc_root, num);
}

/* /proc/<pid> and what is in it: the process's own entries. */
static bool
pid_entry(const struct vnode *vn)
{
	switch (vn->pkind) {
	case P_ROOT: case P_SELF: case P_MEMINFO: case P_CPUINFO:
	case P_UPTIME: case P_VERSION: case P_MOUNTS: case P_FILESYSTEMS:
	case P_LOADAVG: case P_THREAD_SELF: case P_SYSSTAT:
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

/*
 * The idx-th (from 0) pid, or tid of process pid: -1 past the end.  A
 * listing asks for idx, idx + 1, ...: the last answer is kept, so each
 * entry costs one step rather than idx (a fork bomb's thousands).
 */
static int
nth_id(int pid, uint64_t idx)
{
	uint64_t steps = idx + 1;
	int id = 0;

	if (cursor.valid && cursor.pid == pid && cursor.idx <= idx) {
		steps = idx - cursor.idx;
		id = cursor.id;
	}
	cursor.valid = false;
	while (steps-- > 0)
		if ((id = procfs_next(pid, id)) < 0)
			return -1;
	cursor.valid = true;
	cursor.pid = pid;
	cursor.id = id;
	cursor.idx = idx;
	return id;
}

/* The idx-th open descriptor of d's process, or -1. */
static int
nth_fd(const struct vnode *d, uint64_t idx)
{
	struct proc_facts f;
	int fd = -1;

	if (procfs_facts_of(d, &f) != 0 || f.kp == NULL)
		return -1;
	for (uint64_t i = 0; i <= idx; i++)
		if ((fd = fd_next_in(f.kp, fd + 1)) < 0)
			return -1;
	return fd;
}

static int
dirent_out(char *name, size_t size, uint64_t *ino, uint8_t *type,
    uint16_t kind, int pid, int arg, uint32_t mode)
{
	if (kind == P_PID || kind == P_TID || kind == P_FDLINK ||
	    kind == P_FDINFO_FILE)
		ksnprintf(name, size, "%d", kind == P_PID ? pid : arg);
	*ino = pino(kind, pid, arg);
	*type = (uint8_t)((mode & S_IFMT) >> 12);
	return 0;
}

int
procfs_readdir(struct vnode *d, uint64_t idx, char *name, size_t size,
    uint64_t *ino, uint8_t *type)
{
	struct proc_facts f;
	int n;

	switch (d->pkind) {
	case P_FD: case P_FDINFO:
		if ((n = nth_fd(d, idx)) < 0)
			return -ENOENT;
		return d->pkind == P_FD ? dirent_out(name, size, ino, type,
		    P_FDLINK, d->pproc, n, S_IFLNK) : dirent_out(name, size,
		    ino, type, P_FDINFO_FILE, d->pproc, n, S_IFREG);
	case P_TASK:
		if (procfs_facts_of(d, &f) != 0 ||
		    (n = nth_id(d->pproc, idx)) < 0)
			return -ENOENT;
		return dirent_out(name, size, ino, type, P_TID, d->pproc, n,
		    S_IFDIR);
	case P_ROOT:
		if (idx >= NELEM(root_table)) {
			if ((n = nth_id(0, idx - NELEM(root_table))) < 0)
				return -ENOENT;
			return dirent_out(name, size, ino, type, P_PID, n, 0,
			    S_IFDIR);
		}
		ksnprintf(name, size, "%s", root_table[idx].name);
		return dirent_out(name, size, ino, type, root_table[idx].kind,
		    0, 0, root_table[idx].mode);
	default:		/* P_PID, P_TID */
		if (procfs_facts_of(d, &f) != 0 || idx >= NELEM(pid_table) -
		    (d->pkind == P_TID))
			return -ENOENT;
		ksnprintf(name, size, "%s", pid_table[idx].name);
		return dirent_out(name, size, ino, type, pid_table[idx].kind,
		    d->pproc, d->pkind == P_TID ? d->parg : 0,
		    pid_table[idx].mode);
	}
}

long
procfs_dir_path(struct vnode *d, char *buf, size_t size)
{
	long n;

	switch (d->pkind) {
	case P_ROOT:
		n = ksnprintf(buf, size, "/proc");
		break;
	case P_PID:
		n = ksnprintf(buf, size, "/proc/%d", d->pproc);
		break;
	case P_TASK:
		n = ksnprintf(buf, size, "/proc/%d/task", d->pproc);
		break;
	case P_TID:
		n = ksnprintf(buf, size, "/proc/%d/task/%d", d->pproc, d->parg);
		break;
	default:		/* fd, fdinfo: of a thread when parg */
		n = d->parg != 0 ? ksnprintf(buf, size, "/proc/%d/task/%d/%s",
		    d->pproc, d->parg, d->pkind == P_FD ? "fd" : "fdinfo") :
		    ksnprintf(buf, size, "/proc/%d/%s", d->pproc,
		    d->pkind == P_FD ? "fd" : "fdinfo");
		break;
	}
	if (n < 0 || (size_t)n + 1 > size)
		return -ERANGE;
	return n;
}

static void (*comm_fn)(const char name[16]);

void
procfs_set_comm(void (*set)(const char name[16]))
{
	comm_fn = set;
}

long
procfs_write(struct vnode *vn, const void *buf, size_t len)
{
	struct proc_facts f, me;
	char name[16] = { 0 };

	if (vn->pkind != P_COMM || comm_fn == NULL)
		return -EIO;
	if (procfs_facts_of(vn, &f) != 0)
		return -ESRCH;
	if (procfs_facts(0, 0, &me) != 0 || me.pid != f.pid)
		return -EINVAL;
	memcpy(name, buf, len < sizeof(name) - 1 ? len : sizeof(name) - 1);
	comm_fn(name);
	return (long)len;
}

/* A process's text, from f. */
static int
pid_text(struct vnode *vn, struct sbuf *b, const struct proc_facts *f)
{
	switch (vn->pkind) {
	case P_PID_MOUNTS: return proc_text_mounts(b);
	case P_CMDLINE: return proc_text_cmdline(b, f);
	case P_COMM: return proc_text_comm(b, f);
	case P_ENVIRON: return proc_text_environ(b, f);
	case P_MAPS: return proc_text_maps(b, f);
	case P_STAT: return proc_text_stat(b, f);
	case P_STATM: return proc_text_statm(b, f);
	case P_STATUS: return proc_text_status(b, f);
	case P_LIMITS: return proc_text_limits(b, f);
	case P_FDINFO_FILE: return proc_text_fdinfo(b, f, vn->parg);
	default: return -EINVAL;
	}
}

int
procfs_text(struct vnode *vn, struct sbuf *b)
{
	struct proc_facts f;

	switch (vn->pkind) {
	case P_MEMINFO: return proc_text_meminfo(b);
	case P_CPUINFO: return proc_text_cpuinfo(b);
	case P_UPTIME: return proc_text_uptime(b);
	case P_VERSION: return proc_text_version(b);
	case P_MOUNTS: return proc_text_mounts(b);
	case P_FILESYSTEMS: return proc_text_filesystems(b);
	case P_LOADAVG: return proc_text_loadavg(b);
	case P_SYSSTAT: return proc_text_sysstat(b);
	}
	if (procfs_facts_of(vn, &f) != 0)
		return -ESRCH;
	return pid_text(vn, b, &f);
}
