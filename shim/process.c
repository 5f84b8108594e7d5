/*
 * Processes: the process list, fork (fork, vfork, clone and clone3
 * without CLONE_THREAD), the end of a process (a zombie, SIGCHLD to its
 * parent, its children to the first process) and wait4/waitid.
 *
 * A child gets a copy-on-write copy of its parent's memory
 * (kernel/kproc.c), the same open file descriptions, the parent's
 * signal actions and mask, and only the calling thread.  vfork (and
 * CLONE_VM|CLONE_VFORK, as musl's and glibc's posix_spawn use it)
 * suspends the parent until the child execs or ends, and the child
 * runs in the parent's memory, as on Linux (glibc's posix_spawn reports
 * an exec failure through it).  When the parent has other threads
 * running, the child gets a copy-on-write copy instead.
 *
 * The first process (pid 1) is the run: when it ends, the run ends with
 * its status and every other process ends with it, as the processes of
 * a Linux container end with its init.  Orphans become its children.
 */
#include "shim/internal.h"

#define CLONE_VM		0x00000100
#define CLONE_VFORK		0x00004000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_CHILD_SETTID	0x01000000
/* What a process clone may carry besides the exit signal. */
#define CLONE_FORK_OK	(CLONE_VM | CLONE_VFORK | CLONE_SYSVSEM | \
	CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | \
	CLONE_DETACHED | CLONE_CHILD_SETTID)

/* wait4/waitid options and codes (include/uapi/linux/wait.h). */
#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002
#define WEXITED		0x00000004
#define WCONTINUED	0x00000008
#define WNOWAIT		0x01000000
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000
#define __WCLONE	0x80000000u
#define P_ALL		0
#define P_PID		1
#define P_PGID		2
#define SA_NOCLDWAIT	0x00000002

#define RLIMIT_NPROC	6
#define WAIT_TTY_NS	(50 * 1000 * 1000ull)	/* console look while waiting */

struct shim_proc shim_first;	/* pid 1: shim_proc_cur's default */
static struct shim_proc *procs = &shim_first;	/* every process */
static bool clone_logged;

struct shim_proc *
shim_proc_init(void)
{
	return &shim_first;
}

struct shim_proc *
shim_proc_boot(void)
{
	proc_free(&shim_first);
	memset(&shim_first, 0, sizeof(shim_first));
	procs = &shim_first;
	return &shim_first;
}

struct shim_proc *
shim_proc_first(void)
{
	return procs;
}

struct shim_proc *
shim_proc_find(int pid)
{
	for (struct shim_proc *p = procs; p != NULL; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

bool
shim_pgrp_exists(int pgrp)
{
	for (struct shim_proc *p = procs; p != NULL; p = p->next)
		if (!p->zombie && p->pgid == pgrp)
			return true;
	return false;
}

static int
live_processes(void)
{
	int n = 0;

	for (struct shim_proc *p = procs; p != NULL; p = p->next)
		n += !p->zombie;
	return n;
}

static void
unlink_proc(struct shim_proc *p)
{
	for (struct shim_proc **pp = &procs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			return;
		}
	}
}

/* A reaped zombie is gone. */
static void
reap(struct shim_proc *p)
{
	unlink_proc(p);
	proc_free(p);
	kfree(p);
}

/* ---- fork ---- */

/* The new process's first thread, in its own (or the lent) space. */
static struct shim_thread *
child_thread(struct shim_proc *p, const struct plat_regs *regs,
    uint64_t fs, uint64_t flags, uint64_t ctid, bool shared, int *err)
{
	struct kproc *mine = kproc_current();
	struct shim_thread *t;
	uint32_t tid;

	kproc_enter(p->kp);	/* a thread starts in its creator's */
	t = shim_thread_spawn(regs, fs, plat_tls_get(PLAT_TLS_GS), p, err);
	if (t != NULL && (flags & CLONE_CHILD_SETTID)) {
		tid = (uint32_t)t->tid;
		if (plat_copy_to_user(ctid, &tid, sizeof(tid)) != 0)
			klog("shim: clone: bad child_tid pointer ignored");
	}
	if (t == NULL) {
		if (shared)
			kproc_lend(p->kp);	/* so that it is current */
		kproc_exit();	/* frees p->kp, leaves us in the boot space */
	}
	kproc_enter(mine);
	return t;
}

/*
 * Wait for a vfork child to exec or end (signals do not end this).  A
 * child in our memory must give it back first, even if we are killed.
 */
static void
vfork_wait(struct shim_proc *p, bool shared)
{
	while (__atomic_load_n(&p->vfork_done, __ATOMIC_ACQUIRE) == 0 &&
	    (shared || !shim_proc_cur()->exiting))
		(void)plat_block(&p->vfork_done, 0, 0);
}

long
proc_fork(uint64_t flags, uint64_t stack, uint64_t ptid, uint64_t ctid,
    uint64_t tls)
{
	struct shim_proc *me = shim_proc_cur(), *p;
	struct shim_thread *self = shim_thread_current(), *t;
	struct plat_regs regs = *shim_regs();
	uint64_t fs = plat_tls_get(PLAT_TLS_FS);
	bool shared;
	uint32_t pid;
	int err;

	if ((flags & ~CLONE_FORK_OK & ~0xffull) ||
	    ((flags & CLONE_VM) && !(flags & CLONE_VFORK))) {
		if (!clone_logged) {
			clone_logged = true;
			klog("shim: clone flags %#llx (shared files, "
			    "directories or memory between processes): ENOSYS",
			    (unsigned long long)flags);
		}
		return -ENOSYS;
	}
	if ((flags & CLONE_SETTLS) && tls >= PLAT_USER_END)
		return -EPERM;
	if ((uint64_t)live_processes() >= me->rlim_cur[RLIMIT_NPROC])
		return -EAGAIN;
	p = kzalloc(sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	/* A lone thread can lend its memory; with others running, a copy. */
	shared = (flags & CLONE_VM) && me->nthreads == 1;
	if (proc_copy(p, me) != 0 || (p->kp = shared ? kproc_vfork() :
	    kproc_fork()) == NULL) {
		proc_free(p);
		kfree(p);
		return -ENOMEM;
	}
	memcpy(p->sigact, me->sigact, sizeof(p->sigact));
	p->parent = me;
	p->exit_signal = (int)(flags & 0xff);
	p->in_vfork = (flags & CLONE_VFORK) != 0;
	regs.rax = 0;			/* the child sees 0 */
	if (stack != 0)
		regs.rsp = stack;
	if (flags & CLONE_SETTLS)
		fs = tls;
	t = child_thread(p, &regs, fs, flags, ctid, shared, &err);
	if (t == NULL) {
		proc_free(p);
		kfree(p);
		return err;
	}
	p->pid = t->tid;
	p->next = procs;
	procs = p;
	t->sigmask = self->sigmask;
	t->altstack_sp = self->altstack_sp;
	t->altstack_size = self->altstack_size;
	t->altstack_flags = self->altstack_flags;
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = ctid;
	pid = (uint32_t)p->pid;
	if ((flags & CLONE_PARENT_SETTID) &&
	    plat_copy_to_user(ptid, &pid, sizeof(pid)) != 0)
		klog("shim: clone: bad parent_tid pointer ignored");
	if (shared)
		kproc_lend(p->kp);	/* given back at its exec or exit */
	if (p->in_vfork)
		vfork_wait(p, shared);	/* p may be reaped by now: use pid */
	return pid;
}

long
sys_fork(SYSCALL_ARGS)
{
	return proc_fork(SIGCHLD, 0, 0, 0, 0);
}

long
sys_vfork(SYSCALL_ARGS)
{
	return proc_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

/* ---- The end of a process ---- */

/* The vfork parent may go on: the child execs or ends. */
void
proc_vfork_release(struct shim_proc *p)
{
	if (!p->in_vfork)
		return;
	p->in_vfork = false;
	__atomic_store_n(&p->vfork_done, 1, __ATOMIC_RELEASE);
	plat_wake(&p->vfork_done, INT32_MAX);
}

void
proc_child_event(struct shim_proc *parent)
{
	__atomic_add_fetch(&parent->child_event, 1, __ATOMIC_RELEASE);
	plat_wake(&parent->child_event, INT32_MAX);
}

/* SIGCHLD (or the clone's exit signal) to the parent of p. */
static void
notify_parent(struct shim_proc *p)
{
	struct ksiginfo ki = { .signo = p->exit_signal, .pid = p->pid,
	    .uid = p->cred.uid.r };

	wstatus_siginfo(p->wstatus, &ki.code, &ki.status);
	if (ki.signo != 0)
		(void)sig_send_proc(p->parent, &ki);
}

/*
 * The last thread of p (not the first process) ends: its memory and
 * files go, it becomes a zombie for its parent to wait for (or is
 * reaped at once when the parent ignores SIGCHLD or set SA_NOCLDWAIT),
 * and its children go to the first process.
 */
static void
become_zombie(struct shim_proc *p, int wstatus)
{
	const struct k_sigaction *act;
	struct shim_proc *parent = p->parent;
	bool orphan_zombie = false;

	kproc_exit();
	p->kp = NULL;
	timer_proc_gone(p);
	for (struct shim_proc *c = procs; c != NULL; c = c->next) {
		if (c->parent == p) {
			c->parent = &shim_first;
			orphan_zombie |= c->zombie;
		}
	}
	if (orphan_zombie)
		proc_child_event(&shim_first);
	p->zombie = true;
	p->wstatus = wstatus;
	proc_vfork_release(p);
	act = &parent->sigact[SIGCHLD];
	if (p->exit_signal == SIGCHLD && (act->handler == SIG_IGN ||
	    (act->flags & SA_NOCLDWAIT))) {
		reap(p);
	} else {
		notify_parent(p);
	}
	proc_child_event(parent);
}

/* The run's exit status from the first process's wait status. */
static void __attribute__((noreturn))
end_run(int wstatus)
{
	int sig = wstatus & 0x7f, code = (wstatus >> 8) & 0xff;

	/* With plat_exit's free-page count, tells a leak's layer apart. */
	klog("memory: kernel heap %llu bytes in use at exit",
	    (unsigned long long)kheap_in_use());
	sock_exit_linger();
	gdb_exit(sig != 0 ? 0 : code, sig);
	plat_exit(sig != 0 ? 128 + sig : code);
}

void
proc_last_thread(struct shim_proc *p, int wstatus)
{
	if (p->exiting)
		wstatus = p->exit_code;
	if (p == &shim_first)
		end_run(wstatus);
	become_zombie(p, wstatus);
}

/* Make p's threads other than the caller end on their way out. */
static void
end_others(struct shim_proc *p)
{
	struct shim_thread *me = shim_thread_current();

	for (struct shim_thread *t = shim_thread_first(); t != NULL;
	    t = t->next) {
		if (t->proc == p && t != me) {
			t->killed = true;
			plat_thread_user_work(t->pt);
			plat_thread_interrupt(t->pt);
		}
	}
}

/* p ends with wstatus (the first reason wins). */
static void
end_threads(struct shim_proc *p, int wstatus)
{
	if (!p->exiting) {
		p->exiting = true;
		p->exit_code = wstatus;
	}
	end_others(p);
}

void
proc_exit(int wstatus)
{
	struct shim_proc *p = shim_proc_cur();

	if (p == &shim_first)
		end_run(wstatus);
	end_threads(p, wstatus);
	shim_thread_exit(0);
}

/*
 * No memory for a page the process may touch (a copy-on-write copy, a
 * zero page): as Linux's OOM killer, the process ends by SIGKILL.  The
 * first process is the run: the kernel ends it.
 */
void
proc_oom(uint64_t addr)
{
	struct shim_proc *p = shim_proc_cur();

	if (p == &shim_first)
		return;
	klog("guest: process %d out of memory (no page for %#llx): killed "
	    "(SIGKILL)", p->pid, (unsigned long long)addr);
	proc_exit(SIGKILL);
}

void
proc_kill(struct shim_proc *p, int sig)
{
	if (p->zombie)
		return;
	end_threads(p, sig);
}

/* Wait until the calling thread is the last of its process (execve). */
int
proc_single_thread(void)
{
	struct shim_proc *p = shim_proc_cur();

	if (p->nthreads == 1)
		return 0;
	end_others(p);
	while (p->nthreads > 1 && !p->exiting)
		plat_yield();
	return p->exiting ? -EINTR : 0;
}

/* ---- wait4 and waitid ---- */

struct wait_req {
	int idtype;		/* P_ALL, P_PID, P_PGID */
	int id;
	unsigned options;
};

/*
 * The wait status of live child c's stop or continue that w accepts
 * (WUNTRACED, WCONTINUED; consumed unless WNOWAIT), or -1.
 */
static int
wait_job(struct shim_proc *c, const struct wait_req *w)
{
	return jobstate_report(&c->job, w->options & WUNTRACED,
	    w->options & WCONTINUED, !(w->options & WNOWAIT));
}

static bool
wait_matches(const struct shim_proc *c, const struct wait_req *w)
{
	bool clone_child = c->exit_signal != SIGCHLD;

	if (w->idtype == P_PID && c->pid != w->id)
		return false;
	if (w->idtype == P_PGID && c->pgid != w->id)
		return false;
	if (w->options & __WALL)
		return true;
	return clone_child == ((w->options & __WCLONE) != 0);
}

/*
 * The pid of a child that ended, with its wait status in *wstatus and
 * its CPU time with its waited-for children's in *cpu_ns (and reaped,
 * its time then the caller's children's, unless WNOWAIT); 0 with
 * WNOHANG when none has yet; -ECHILD when no child matches; -EINTR for
 * a signal.
 */
static long
do_wait(const struct wait_req *w, int *wstatus, uint32_t *uid,
    uint64_t *cpu_ns)
{
	struct shim_proc *me = shim_proc_cur();
	struct shim_thread *t = shim_thread_current();

	for (;;) {
		uint32_t seen = __atomic_load_n(&me->child_event,
		    __ATOMIC_ACQUIRE);
		bool any = false;

		for (struct shim_proc *c = procs; c != NULL; c = c->next) {
			long pid = c->pid;

			if (c->parent != me || !wait_matches(c, w))
				continue;
			any = true;
			if (!c->zombie && (*wstatus = wait_job(c, w)) != -1) {
				*uid = c->cred.uid.r;
				return pid;
			}
			if (!c->zombie || !(w->options & WEXITED))
				continue;
			*wstatus = c->wstatus;
			*uid = c->cred.uid.r;
			*cpu_ns = c->cpu_dead_ns + c->cpu_children_ns;
			if (!(w->options & WNOWAIT)) {
				me->cpu_children_ns += *cpu_ns;
				reap(c);
			}
			return pid;
		}
		if (!any)
			return -ECHILD;
		if (w->options & WNOHANG)
			return 0;
		if ((sig_pending(t) & ~t->sigmask) != 0 || me->exiting)
			return -EINTR;
		/*
		 * Console input reaches the line discipline only where
		 * someone looks: a shell waiting for its foreground job
		 * does, so that ^C reaches the job.
		 */
		(void)plat_block(&me->child_event, seen, plat_now_ns() +
		    WAIT_TTY_NS);
		tty_service();
	}
}

long
sys_wait4(SYSCALL_ARGS)
{
	struct wait_req w = { P_ALL, 0, (unsigned)a2 | WEXITED };
	int pid = (int)a0, wstatus = 0;
	uint64_t cpu_ns = 0;
	uint32_t uid;
	long rc;

	if (a2 & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD |
	    __WALL | __WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid < -1) {
		w.idtype = P_PGID;
		w.id = -pid;
	} else if (pid == 0) {
		w.idtype = P_PGID;
		w.id = shim_proc_cur()->pgid;
	} else if (pid > 0) {
		w.idtype = P_PID;
		w.id = pid;
	}
	rc = do_wait(&w, &wstatus, &uid, &cpu_ns);
	if (rc <= 0)
		return rc;
	if (a1 != 0 && plat_copy_to_user(a1, &wstatus, sizeof(wstatus)) != 0)
		return -EFAULT;
	if (a3 != 0 && proc_put_rusage(a3, cpu_ns) != 0)
		return -EFAULT;
	return rc;
}

long
sys_waitid(SYSCALL_ARGS)
{
	struct wait_req w = { (int)a0, (int)a1, (unsigned)a3 };
	struct siginfo64 si;
	int wstatus = 0;
	uint64_t cpu_ns = 0;
	uint32_t uid = 0;
	long rc;

	if (a3 & ~(uint64_t)(WNOHANG | WUNTRACED | WEXITED | WCONTINUED |
	    WNOWAIT | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (!(a3 & (WEXITED | WUNTRACED | WCONTINUED)))
		return -EINVAL;
	if (w.idtype == P_PGID && w.id == 0)
		w.id = shim_proc_cur()->pgid;
	else if (w.idtype != P_ALL && w.idtype != P_PID && w.idtype != P_PGID)
		return -EINVAL;
	if (w.idtype != P_ALL && w.id <= 0)
		return -EINVAL;
	rc = do_wait(&w, &wstatus, &uid, &cpu_ns);
	if (rc < 0)
		return rc;
	memset(&si, 0, sizeof(si));
	if (rc > 0) {
		si.si_signo = SIGCHLD;
		wstatus_siginfo(wstatus, &si.si_code, &si.status);
		si.pid = (int32_t)rc;
		si.uid = uid;
	}
	if (a2 != 0 && plat_copy_to_user(a2, &si, sizeof(si)) != 0)
		return -EFAULT;
	if (a4 != 0 && proc_put_rusage(a4, cpu_ns) != 0)
		return -EFAULT;		/* WNOHANG with none: zeros */
	return 0;
}
