/*
 * shim/procinfo.c: what /proc/<pid>/ shows of processes and threads
 * that only the shim knows (kernel/procfs.c asks through the two
 * functions registered here): ids, state, names, credentials, signal
 * masks and actions, limits and CPU time, and each process's kernel
 * side (struct kproc) for its memory, descriptors and directory.
 *
 * The state is Linux's letter: Z for a zombie, R while one of its
 * threads (or the thread asked about) is running or runnable, S while
 * all of them wait.
 */
#include "shim/internal.h"

/* The thread of p that /proc/<pid> speaks for: the leader, or any. */
static struct shim_thread *
leader(const struct shim_proc *p)
{
	struct shim_thread *t = shim_thread_find(p->pid), *any = NULL;

	if (t != NULL && t->proc == p)
		return t;
	for (t = shim_thread_first(); t != NULL; t = t->next)
		if (t->proc == p && (any == NULL || t->tid < any->tid))
			any = t;
	return any;
}

/* R or S: can a thread of p (only that one, when not NULL) run? */
static char
run_state(const struct shim_proc *p, const struct shim_thread *only)
{
	for (struct shim_thread *t = shim_thread_first(); t != NULL;
	    t = t->next)
		if (t->proc == p && (only == NULL || t == only) &&
		    t->pt != NULL && strncmp(plat_debug_thread_state(t->pt), "run", 3) == 0)
			return 'R';
	return 'S';
}

static uint64_t
cpu_ns(const struct shim_proc *p)
{
	uint64_t ns = 0;

	for (struct shim_thread *t = shim_thread_first(); t != NULL;
	    t = t->next)
		if (t->proc == p)
			ns += plat_thread_cpu_ns(t->pt);
	return ns;
}

static void
signal_facts(const struct shim_proc *p, const struct shim_thread *t,
    struct proc_facts *f)
{
	for (int sig = 1; sig <= NSIG; sig++) {
		if (p->sigact[sig].handler == SIG_IGN)
			f->sigign |= 1ull << (sig - 1);
		else if (p->sigact[sig].handler != SIG_DFL)
			f->sigcgt |= 1ull << (sig - 1);
	}
	f->sigpnd = p->sigpending;
	if (t != NULL) {
		f->sigpnd |= t->sigpending;
		f->sigblk = t->sigmask;
	}
}

static void
id_facts(const struct shim_proc *p, struct proc_facts *f)
{
	const struct shim_cred *c = &p->cred;

	f->uid[0] = c->uid.r;
	f->uid[1] = c->uid.e;
	f->uid[2] = c->uid.s;
	f->uid[3] = c->uid.fs;
	f->gid[0] = c->gid.r;
	f->gid[1] = c->gid.e;
	f->gid[2] = c->gid.s;
	f->gid[3] = c->gid.fs;
	f->ppid = p->parent != NULL ? p->parent->pid : 0;
	f->pgid = p->pgid;
	f->sid = p->sid;
	memcpy(f->comm, c->comm, sizeof(f->comm));
	f->comm[sizeof(f->comm) - 1] = '\0';
}

/* procfs's fill: process pid (0: the caller), as its thread tid shows it. */
static int
facts_fill(int pid, int tid, struct proc_facts *f)
{
	struct shim_proc *p = pid == 0 ? shim_proc_cur() : shim_proc_find(pid);
	struct shim_thread *t;

	if (p == NULL)
		return -ESRCH;
	if (pid == 0)
		t = shim_thread_current();
	else if (tid != 0)
		t = shim_thread_find(tid);
	else
		t = leader(p);
	if (tid != 0 && (t == NULL || t->proc != p))
		return -ESRCH;
	f->pid = p->pid;
	f->tid = pid == 0 && t != NULL ? t->tid : tid;
	f->state = p->zombie ? 'Z' : p->job.stopped ? 'T' :
	    run_state(p, tid != 0 ? t : NULL);
	f->kp = p->zombie ? NULL : p->kp != NULL ? p->kp :
	    p == shim_proc_init() ? kproc_first() : NULL;
	id_facts(p, f);
	f->umask = p->umask;
	f->threads = p->nthreads;
	f->start_ns = p->start_ns;
	f->cpu_ns = cpu_ns(p);
	memcpy(f->rlim_cur, p->rlim_cur, sizeof(f->rlim_cur));
	memcpy(f->rlim_max, p->rlim_max, sizeof(f->rlim_max));
	signal_facts(p, t, f);
	return 0;
}

/* procfs's next: the lowest pid (pid 0) or tid of pid above after. */
static int
facts_next(int pid, int after)
{
	struct shim_proc *p;
	int best = -1;

	if (pid == 0) {
		for (p = shim_proc_first(); p != NULL; p = p->next)
			if (p->pid > after && (best < 0 || p->pid < best))
				best = p->pid;
		return best;
	}
	if ((p = shim_proc_find(pid)) == NULL)
		return -1;
	for (struct shim_thread *t = shim_thread_first(); t != NULL;
	    t = t->next)
		if (t->proc == p && t->tid > after && (best < 0 ||
		    t->tid < best))
			best = t->tid;
	return best;
}

/* A write to the caller's /proc/<pid>/comm: PR_SET_NAME's effect. */
static void
comm_set(const char name[16])
{
	struct shim_cred *c = &shim_proc_cur()->cred;

	memset(c->comm, 0, sizeof(c->comm));
	memcpy(c->comm, name, strnlen(name, TASK_COMM_LEN - 1));
}

void
procinfo_init(void)
{
	procfs_set_facts(facts_fill, facts_next);
	procfs_set_comm(comm_set);
}
