/*
 * shim/proc.c: per-process state and ids.  The first process is pid 1
 * (tid 1), parent 0, process group and session 1, and runs as root
 * inside its sandbox; fork's children inherit its ids, credentials and
 * limits (fork, exit and wait are shim/process.c).  Identity changes follow Linux's rules for a task whose
 * privilege (CAP_SETUID, CAP_SETGID, CAP_SYS_RESOURCE) is "effective uid
 * is 0", so after setuid(1000) the guest is as unprivileged as on Linux.
 * Resource limits are recorded and reported, not enforced.
 */
#include "shim/internal.h"

/* Linux's RLIMIT_* numbers (include/uapi/asm-generic/resource.h). */
#define RLIMIT_CPU		0
#define RLIMIT_FSIZE		1
#define RLIMIT_DATA		2
#define RLIMIT_STACK		3
#define RLIMIT_CORE		4
#define RLIMIT_RSS		5
#define RLIMIT_NPROC		6
#define RLIMIT_NOFILE		7
#define RLIMIT_MEMLOCK		8
#define RLIMIT_AS		9
#define RLIMIT_LOCKS		10
#define RLIMIT_SIGPENDING	11
#define RLIMIT_MSGQUEUE		12
#define RLIMIT_NICE		13
#define RLIMIT_RTPRIO		14
#define RLIMIT_RTTIME		15
#define RLIM_NLIMITS		16
#define RLIM_INFINITY		(~0ull)
#define NR_OPEN			1048576		/* fs.nr_open's default */

#define NGROUPS_MAX		65536
#define ID_UNCHANGED		0xffffffffu	/* (uid_t)-1 */
#define NSIG_MAX		64		/* _NSIG */

#define RUSAGE_SELF		0
#define RUSAGE_CHILDREN		(-1)
#define RUSAGE_THREAD		1

#define ARCH_SET_GS		0x1001
#define ARCH_SET_FS		0x1002
#define ARCH_GET_FS		0x1003
#define ARCH_GET_GS		0x1004
#define ARCH_GET_CPUID		0x1011
#define ARCH_SET_CPUID		0x1012

#define PR_SET_PDEATHSIG	1
#define PR_GET_PDEATHSIG	2
#define PR_GET_DUMPABLE		3
#define PR_SET_DUMPABLE		4
#define PR_SET_NAME		15
#define PR_GET_NAME		16
#define PR_GET_SECCOMP		21
#define PR_SET_NO_NEW_PRIVS	38
#define PR_GET_NO_NEW_PRIVS	39

/* The calling process's credentials. */
static struct shim_cred *
cr(void)
{
	return &shim_proc_cur()->cred;
}

struct linux_rlimit {
	uint64_t cur, max;
};

struct linux_rusage {
	struct linux_timeval utime, stime;
	int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap;
	int64_t inblock, oublock, msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};

_Static_assert(sizeof(struct linux_rlimit) == 16, "struct rlimit64");
_Static_assert(sizeof(struct linux_rusage) == 144, "struct rusage");

/* Linux's boot-time limits (INIT_RLIMITS); NPROC depends on memory. */
static const struct linux_rlimit rlim_default[RLIM_NLIMITS] = {
	[RLIMIT_CPU] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_FSIZE] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_DATA] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_STACK] = { 8ull << 20, RLIM_INFINITY },
	[RLIMIT_CORE] = { 0, RLIM_INFINITY },
	[RLIMIT_RSS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_NPROC] = { 0, 0 },
	[RLIMIT_NOFILE] = { 1024, 4096 },
	[RLIMIT_MEMLOCK] = { 8ull << 20, 8ull << 20 },
	[RLIMIT_AS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_LOCKS] = { RLIM_INFINITY, RLIM_INFINITY },
	[RLIMIT_SIGPENDING] = { 0, 0 },
	[RLIMIT_MSGQUEUE] = { 819200, 819200 },
	[RLIMIT_NICE] = { 0, 0 },
	[RLIMIT_RTPRIO] = { 0, 0 },
	[RLIMIT_RTTIME] = { RLIM_INFINITY, RLIM_INFINITY },
};

/* ---- Life cycle ---- */

/* Linux's fork_init: max_threads from RAM (16 KiB stacks), NPROC half. */
static uint64_t
default_nproc(void)
{
	uint64_t threads = plat_pages_total_count() * PAGE_SIZE /
	    (16384 * 8);

	return (threads < 20 ? 20 : threads) / 2;
}

/* The name PR_GET_NAME reports at first: argv[0]'s last component. */
static void
comm_init(void)
{
	struct kcmdline *kc = kzalloc(sizeof(*kc));
	const char *name = "guest", *slash;

	if (kc != NULL) {
		cmdline_parse(plat_cmdline(), kc);
		if (kc->argc > 0 && kc->argv[0][0] != '\0')
			name = kc->argv[0];
	}
	while ((slash = strchr(name, '/')) != NULL)
		name = slash + 1;	/* Linux's kbasename */
	memset(cr()->comm, 0, sizeof(cr()->comm));
	memcpy(cr()->comm, name, strnlen(name, TASK_COMM_LEN - 1));
	kfree(kc);
}

void
proc_init(void)
{
	struct shim_proc *p = shim_proc_boot();
	int i;

	p->pid = p->pgid = p->sid = 1;
	p->umask = 022;
	p->start_ns = plat_now_ns();
	for (i = 0; i < RLIM_NLIMITS; i++) {
		p->rlim_cur[i] = rlim_default[i].cur;
		p->rlim_max[i] = rlim_default[i].max;
	}
	p->rlim_cur[RLIMIT_NPROC] = p->rlim_max[RLIMIT_NPROC] =
	    default_nproc();
	p->rlim_cur[RLIMIT_SIGPENDING] = p->rlim_max[RLIMIT_SIGPENDING] =
	    default_nproc();
	p->cred.dumpable = 1;
	comm_init();
}

/* fork: the child starts with the parent's ids, limits and names. */
int
proc_copy(struct shim_proc *child, const struct shim_proc *parent)
{
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	child->umask = parent->umask;
	memcpy(child->rlim_cur, parent->rlim_cur, sizeof(child->rlim_cur));
	memcpy(child->rlim_max, parent->rlim_max, sizeof(child->rlim_max));
	child->start_ns = plat_now_ns();
	child->cred = parent->cred;
	child->cred.groups = NULL;
	if (parent->cred.ngroups > 0) {
		child->cred.groups = kmalloc(parent->cred.ngroups * 4ull);
		if (child->cred.groups == NULL)
			return -ENOMEM;
		memcpy(child->cred.groups, parent->cred.groups,
		    parent->cred.ngroups * 4ull);
	}
	return 0;
}

void
proc_free(struct shim_proc *p)
{
	kfree(p->cred.groups);
	p->cred.groups = NULL;
}

/* Every thread ends with the process (thread exit is shim/thread.c). */
long
sys_exit_group(SYSCALL_ARGS)
{
	proc_exit(W_EXITCODE((int)a0));
}

/* ---- Process and session ids ---- */

/* The process a pid argument names (0: the caller), or NULL. */
static struct shim_proc *
pid_proc(uint64_t pid)
{
	struct shim_proc *p;

	if ((int)pid == 0)
		return shim_proc_cur();
	if ((int)pid < 0)
		return NULL;
	p = shim_proc_find((int)pid);
	return p != NULL && !p->zombie ? p : NULL;
}

/* Does pid name a live process (0: the caller)? */
static bool
pid_live(uint64_t pid)
{
	return pid_proc(pid) != NULL;
}

long
sys_getpid(SYSCALL_ARGS)
{
	return shim_proc_cur()->pid;
}

/* The first process's parent is outside the sandbox: 0, as for init. */
long
sys_getppid(SYSCALL_ARGS)
{
	struct shim_proc *p = shim_proc_cur()->parent;

	return p != NULL ? p->pid : 0;
}

long
sys_getpgrp(SYSCALL_ARGS)
{
	return shim_proc_cur()->pgid;
}

long
sys_getpgid(SYSCALL_ARGS)
{
	struct shim_proc *p = pid_proc(a0);

	return p != NULL ? p->pgid : -ESRCH;
}

long
sys_getsid(SYSCALL_ARGS)
{
	struct shim_proc *p = pid_proc(a0);

	return p != NULL ? p->sid : -ESRCH;
}

/* Is there a process in group pgid of session sid? */
static bool
group_in_session(int pgid, int sid)
{
	for (struct shim_proc *p = shim_proc_first(); p != NULL; p = p->next)
		if (!p->zombie && p->pgid == pgid && p->sid == sid)
			return true;
	return false;
}

/*
 * setpgid as Linux's: the caller or one of its children (in its
 * session), into its own group or an existing one of the session.  The
 * first process leads its group and session, so for it only "stay
 * where you are" succeeds.  (Linux refuses even that to a session
 * leader with EPERM; natively the guest runs under a shell and is not
 * one.)
 */
long
sys_setpgid(SYSCALL_ARGS)
{
	struct shim_proc *me = shim_proc_cur(), *p = pid_proc(a0);
	int pgid = (int)a1;

	if (pgid < 0)
		return -EINVAL;
	if (p == NULL || (p != me && p->parent != me))
		return -ESRCH;
	if (pgid == 0)
		pgid = p->pid;
	if (p == shim_proc_init())
		return pgid == p->pgid ? 0 : -EPERM;
	if (p->sid != me->sid || p->sid == p->pid)
		return -EPERM;
	if (pgid != p->pid && !group_in_session(pgid, me->sid))
		return -EPERM;
	p->pgid = pgid;
	return 0;
}

/* A process that leads a group cannot start a session (the first does). */
long
sys_setsid(SYSCALL_ARGS)
{
	struct shim_proc *me = shim_proc_cur();

	for (struct shim_proc *p = shim_proc_first(); p != NULL; p = p->next)
		if (!p->zombie && p->pgid == me->pid)
			return -EPERM;
	me->pgid = me->sid = me->pid;
	return me->sid;
}

/* ---- User and group ids ---- */

/* CAP_SETUID, CAP_SETGID and CAP_SYS_RESOURCE all follow euid 0. */
static bool
privileged(void)
{
	return cr()->uid.e == 0;
}

bool
proc_capable(void)
{
	return privileged();
}

/* Linux's commit_creds: a changed euid/fsuid makes the task undumpable. */
static void
ids_commit(struct idset *ids, const struct idset *new)
{
	if (ids->e != new->e || ids->fs != new->fs) {
		cr()->dumpable = 0;
		cr()->pdeathsig = 0;
	}
	*ids = *new;
	/* File permission checks use the filesystem ids. */
	vfs_set_ids(cr()->uid.fs, cr()->gid.fs);
}

static bool
id_held(const struct idset *ids, uint32_t id)
{
	return id == ids->r || id == ids->e || id == ids->s;
}

/* setuid/setgid: root sets all four, others only e and fs to r or s. */
static long
set_id(struct idset *ids, uint64_t arg)
{
	struct idset new = *ids;
	uint32_t id = (uint32_t)arg;

	if (id == ID_UNCHANGED)
		return -EINVAL;
	if (privileged()) {
		new.r = new.s = id;
	} else if (id != ids->r && id != ids->s) {
		return -EPERM;
	}
	new.e = new.fs = id;
	ids_commit(ids, &new);
	return 0;
}

static long
setre_id(struct idset *ids, uint64_t ra, uint64_t ea)
{
	struct idset new = *ids;
	uint32_t r = (uint32_t)ra, e = (uint32_t)ea;

	if (r != ID_UNCHANGED) {
		if (!privileged() && r != ids->r && r != ids->e)
			return -EPERM;
		new.r = r;
	}
	if (e != ID_UNCHANGED) {
		if (!privileged() && !id_held(ids, e))
			return -EPERM;
		new.e = e;
	}
	if (r != ID_UNCHANGED || (e != ID_UNCHANGED && e != ids->r))
		new.s = new.e;
	new.fs = new.e;
	ids_commit(ids, &new);
	return 0;
}

static long
setres_id(struct idset *ids, uint64_t ra, uint64_t ea, uint64_t sa)
{
	struct idset new = *ids;
	uint32_t r = (uint32_t)ra, e = (uint32_t)ea, s = (uint32_t)sa;

	if (!privileged() && ((r != ID_UNCHANGED && !id_held(ids, r)) ||
	    (e != ID_UNCHANGED && !id_held(ids, e)) ||
	    (s != ID_UNCHANGED && !id_held(ids, s))))
		return -EPERM;
	if (r != ID_UNCHANGED)
		new.r = r;
	if (e != ID_UNCHANGED)
		new.e = e;
	if (s != ID_UNCHANGED)
		new.s = s;
	new.fs = new.e;
	ids_commit(ids, &new);
	return 0;
}

/* Three separate stores, as Linux's put_user calls: stop at the first. */
static long
getres_id(const struct idset *ids, uint64_t rp, uint64_t ep, uint64_t sp)
{
	if (plat_copy_to_user(rp, &ids->r, 4) < 0 ||
	    plat_copy_to_user(ep, &ids->e, 4) < 0 ||
	    plat_copy_to_user(sp, &ids->s, 4) < 0)
		return -EFAULT;
	return 0;
}

long
sys_getuid(SYSCALL_ARGS)
{
	return cr()->uid.r;
}

long
sys_geteuid(SYSCALL_ARGS)
{
	return cr()->uid.e;
}

long
sys_getgid(SYSCALL_ARGS)
{
	return cr()->gid.r;
}

long
sys_getegid(SYSCALL_ARGS)
{
	return cr()->gid.e;
}

long
sys_getresuid(SYSCALL_ARGS)
{
	return getres_id(&cr()->uid, a0, a1, a2);
}

long
sys_getresgid(SYSCALL_ARGS)
{
	return getres_id(&cr()->gid, a0, a1, a2);
}

long
sys_setuid(SYSCALL_ARGS)
{
	return set_id(&cr()->uid, a0);
}

long
sys_setgid(SYSCALL_ARGS)
{
	return set_id(&cr()->gid, a0);
}

long
sys_setreuid(SYSCALL_ARGS)
{
	return setre_id(&cr()->uid, a0, a1);
}

long
sys_setregid(SYSCALL_ARGS)
{
	return setre_id(&cr()->gid, a0, a1);
}

long
sys_setresuid(SYSCALL_ARGS)
{
	return setres_id(&cr()->uid, a0, a1, a2);
}

long
sys_setresgid(SYSCALL_ARGS)
{
	return setres_id(&cr()->gid, a0, a1, a2);
}

long
sys_getgroups(SYSCALL_ARGS)
{
	int size = (int)a0;

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return cr()->ngroups;
	if (cr()->ngroups > (uint32_t)size)
		return -EINVAL;
	if (plat_copy_to_user(a1, cr()->groups, cr()->ngroups * 4ull) < 0)
		return -EFAULT;
	return cr()->ngroups;
}

/* Shell sort: Linux keeps the group list sorted (groups_sort). */
static void
groups_sort(uint32_t *g, uint32_t n)
{
	uint32_t gap, i, j, v;

	for (gap = n / 2; gap > 0; gap /= 2) {
		for (i = gap; i < n; i++) {
			v = g[i];
			for (j = i; j >= gap && g[j - gap] > v; j -= gap)
				g[j] = g[j - gap];
			g[j] = v;
		}
	}
}

long
sys_setgroups(SYSCALL_ARGS)
{
	uint32_t n = (uint32_t)a0, *g = NULL;

	if (n > NGROUPS_MAX)
		return -EINVAL;
	if (!privileged())
		return -EPERM;
	if (n > 0) {
		g = kmalloc(n * 4ull);
		if (g == NULL)
			return -ENOMEM;
		if (plat_copy_from_user(g, a1, n * 4ull) < 0) {
			kfree(g);
			return -EFAULT;
		}
		groups_sort(g, n);
	}
	kfree(cr()->groups);
	cr()->groups = g;
	cr()->ngroups = n;
	return 0;
}

long
sys_umask(SYSCALL_ARGS)
{
	uint32_t old = shim_proc_cur()->umask;

	shim_proc_cur()->umask = (uint32_t)a0 & 0777;
	return old;
}

/* ---- Resource limits ---- */

/*
 * do_prlimit: read the old limit into *old, check and install *new.
 * The old value reaches the guest before the new one is set, so a bad
 * old pointer changes nothing.
 */
static long
do_prlimit(uint32_t res, const struct linux_rlimit *new, uint64_t uold)
{
	struct linux_rlimit old;

	if (res >= RLIM_NLIMITS)
		return -EINVAL;
	old.cur = shim_proc_cur()->rlim_cur[res];
	old.max = shim_proc_cur()->rlim_max[res];
	if (new != NULL) {
		if (new->cur > new->max)
			return -EINVAL;
		if (res == RLIMIT_NOFILE && new->max > NR_OPEN)
			return -EPERM;
		if (new->max > old.max && !privileged())
			return -EPERM;
	}
	if (uold != 0 && plat_copy_to_user(uold, &old, sizeof(old)) < 0)
		return -EFAULT;
	if (new != NULL) {
		shim_proc_cur()->rlim_cur[res] = new->cur;
		shim_proc_cur()->rlim_max[res] = new->max;
	}
	return 0;
}

long
sys_prlimit64(SYSCALL_ARGS)
{
	struct linux_rlimit new;

	if (a2 != 0 && plat_copy_from_user(&new, a2, sizeof(new)) < 0)
		return -EFAULT;
	if (pid_proc(a0) != shim_proc_cur())	/* only its own */
		return -ESRCH;
	return do_prlimit((uint32_t)a1, a2 != 0 ? &new : NULL, a3);
}

/* getrlimit always writes: NULL is a bad pointer here. */
long
sys_getrlimit(SYSCALL_ARGS)
{
	struct linux_rlimit old;

	if ((uint32_t)a0 >= RLIM_NLIMITS)
		return -EINVAL;
	old.cur = shim_proc_cur()->rlim_cur[(uint32_t)a0];
	old.max = shim_proc_cur()->rlim_max[(uint32_t)a0];
	return plat_copy_to_user(a1, &old, sizeof(old)) < 0 ? -EFAULT : 0;
}

long
sys_setrlimit(SYSCALL_ARGS)
{
	struct linux_rlimit new;

	if (plat_copy_from_user(&new, a1, sizeof(new)) < 0)
		return -EFAULT;
	return do_prlimit((uint32_t)a0, &new, 0);
}

/*
 * All CPU time counts as user time (the kernel's is not told apart);
 * what is not tracked (maxrss, faults, blocks, switches) is zero.
 */
int
proc_put_rusage(uint64_t u, uint64_t cpu_ns)
{
	struct linux_rusage ru;

	memset(&ru, 0, sizeof(ru));
	ru.utime.tv_sec = cpu_ns / 1000000000;
	ru.utime.tv_usec = cpu_ns % 1000000000 / 1000;
	return plat_copy_to_user(u, &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

long
sys_getrusage(SYSCALL_ARGS)
{
	int who = (int)a0;

	if (who == RUSAGE_CHILDREN)
		return proc_put_rusage(a1, shim_proc_cur()->cpu_children_ns);
	if (who != RUSAGE_SELF && who != RUSAGE_THREAD)
		return -EINVAL;
	return proc_put_rusage(a1, timer_cpu_ns(who == RUSAGE_THREAD ?
	    shim_thread_current() : NULL));
}

/* ---- arch_prctl and prctl ---- */

static long
tls_get(int which, uint64_t uaddr)
{
	uint64_t base = plat_tls_get(which);

	return plat_copy_to_user(uaddr, &base, sizeof(base)) < 0 ? -EFAULT : 0;
}

/* Bases are checked by the platform: EPERM for kernel/non-canonical. */
long
sys_arch_prctl(SYSCALL_ARGS)
{
	switch ((int)a0) {
	case ARCH_SET_FS:
		return plat_tls_set(PLAT_TLS_FS, a1);
	case ARCH_SET_GS:
		return plat_tls_set(PLAT_TLS_GS, a1);
	case ARCH_GET_FS:
		return tls_get(PLAT_TLS_FS, a1);
	case ARCH_GET_GS:
		return tls_get(PLAT_TLS_GS, a1);
	case ARCH_GET_CPUID:
		return 1;	/* CPUID does not fault */
	case ARCH_SET_CPUID:
		return -ENODEV;	/* no CPUID faulting offered */
	}
	return -EINVAL;
}

/*
 * PR_SET_NAME: Linux's strncpy_from_user of at most 15 bytes.  A longer
 * name is cut, not refused; only a fault before the NUL (or byte 15) is
 * an error.  Copies stop at page ends so a NUL just before an unmapped
 * page is found.
 */
static long
set_comm(uint64_t uname)
{
	char name[TASK_COMM_LEN];
	size_t got = 0, chunk;

	memset(name, 0, sizeof(name));
	while (got < TASK_COMM_LEN - 1) {
		chunk = PAGE_SIZE - ((uname + got) & (PAGE_SIZE - 1));
		if (chunk > TASK_COMM_LEN - 1 - got)
			chunk = TASK_COMM_LEN - 1 - got;
		if (plat_copy_from_user(name + got, uname + got, chunk) < 0)
			return -EFAULT;
		if (strnlen(name + got, chunk) < chunk)
			break;
		got += chunk;
	}
	memcpy(cr()->comm, name, sizeof(name));
	return 0;
}

static long
get_comm(uint64_t ubuf)
{
	return plat_copy_to_user(ubuf, cr()->comm, TASK_COMM_LEN) < 0 ?
	    -EFAULT : 0;
}

long
sys_prctl(SYSCALL_ARGS)
{
	switch ((int)a0) {
	case PR_SET_PDEATHSIG:
		if (a1 > NSIG_MAX)
			return -EINVAL;
		cr()->pdeathsig = (int)a1;
		return 0;
	case PR_GET_PDEATHSIG:
		return plat_copy_to_user(a1, &cr()->pdeathsig, 4) < 0 ?
		    -EFAULT : 0;
	case PR_GET_DUMPABLE:
		return cr()->dumpable;
	case PR_SET_DUMPABLE:
		if (a1 > 1)
			return -EINVAL;
		cr()->dumpable = (int)a1;
		return 0;
	case PR_SET_NAME:
		return set_comm(a1);
	case PR_GET_NAME:
		return get_comm(a1);
	case PR_GET_SECCOMP:
		return 0;
	case PR_SET_NO_NEW_PRIVS:
		if (a1 != 1 || a2 != 0 || a3 != 0 || a4 != 0)
			return -EINVAL;
		cr()->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (a1 != 0 || a2 != 0 || a3 != 0 || a4 != 0)
			return -EINVAL;
		return cr()->no_new_privs;
	}
	return -EINVAL;
}

/* ---- Scheduling: one CPU (sched_yield is shim/thread.c) ---- */

#define CPUMASK_BYTES	8	/* Linux's cpumask_size() for 1 CPU */

/* The length is an unsigned int, a whole number of longs. */
long
sys_sched_getaffinity(SYSCALL_ARGS)
{
	uint32_t len = (uint32_t)a1;
	uint64_t mask = 1;

	if (len == 0 || len % 8 != 0)
		return -EINVAL;
	if (!pid_live(a0))
		return -ESRCH;
	if (plat_copy_to_user(a2, &mask, CPUMASK_BYTES) < 0)
		return -EFAULT;
	return CPUMASK_BYTES;
}

/* A short mask is zero-extended, a long one cut to cpumask_size(). */
long
sys_sched_setaffinity(SYSCALL_ARGS)
{
	uint32_t len = (uint32_t)a1;
	uint64_t mask = 0;

	if (len > CPUMASK_BYTES)
		len = CPUMASK_BYTES;
	if (plat_copy_from_user(&mask, a2, len) < 0)
		return -EFAULT;
	if (!pid_live(a0))
		return -ESRCH;
	return mask & 1 ? 0 : -EINVAL;
}
