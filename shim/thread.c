/*
 * Threads: clone/clone3 with the flag sets that glibc's and musl's
 * pthread_create use, thread exit with the CLEARTID write and futex
 * wake, robust-futex cleanup, gettid.  A clone without CLONE_THREAD
 * makes a process (shim/process.c).  Thread ids and process ids come
 * from one counter, so a process's pid is its first thread's tid.
 */
#include "shim/internal.h"

#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_VFORK		0x00004000
#define CLONE_THREAD		0x00010000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_CHILD_SETTID	0x01000000
/* What a thread clone may carry besides the required VM|SIGHAND|THREAD. */
#define CLONE_THREAD_OK	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
	CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
	CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID)
#define CLONE_ARGS_SIZE_VER0	64
#define ROBUST_HEAD_SIZE	24

static struct shim_thread *threads;	/* every live thread */
static int next_tid = 1;

struct shim_thread *
shim_thread_current(void)
{
	return plat_thread_data(plat_thread_self());
}

struct shim_thread *
shim_thread_find(int tid)
{
	for (struct shim_thread *t = threads; t != NULL; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* The calling process's live threads. */
int
shim_thread_count(void)
{
	return shim_proc_cur()->nthreads;
}

/* The first live thread; the rest follow through ->next. */
struct shim_thread *
shim_thread_first(void)
{
	return threads;
}

struct shim_thread *
shim_thread_spawn(const struct plat_regs *regs, uint64_t fs, uint64_t gs,
    struct shim_proc *p, int *err)
{
	struct shim_thread *t = kzalloc(sizeof(*t));

	*err = -ENOMEM;
	if (t == NULL)
		return NULL;
	t->tid = next_tid++;
	t->proc = p;
	*err = plat_thread_create(regs, fs, gs, t, &t->pt);
	if (*err != 0) {
		kfree(t);
		return NULL;
	}
	t->next = threads;
	threads = t;
	p->nthreads++;
	return t;
}

void
shim_thread_start_main(const struct plat_regs *regs)
{
	int err;

	if (shim_thread_spawn(regs, 0, 0, shim_proc_init(), &err) == NULL) {
		klog_always("cloister: no memory for the guest's first thread");
		plat_exit(PLAT_EXIT_NOMEM);
	}
}

struct clone_req {
	uint64_t flags, stack, ptid, ctid, tls;
};

static long
do_clone(const struct clone_req *c)
{
	struct plat_regs regs = *shim_regs();
	struct shim_thread *parent = shim_thread_current(), *t;
	uint64_t fs = plat_tls_get(PLAT_TLS_FS);
	uint32_t tid;
	int err;

	if (!(c->flags & CLONE_THREAD))
		return proc_fork(c->flags, c->stack, c->ptid, c->ctid, c->tls);
	if (!(c->flags & CLONE_VM))
		return -EINVAL;
	if (!(c->flags & CLONE_SIGHAND) || (c->flags & ~CLONE_THREAD_OK &
	    ~0xffull))
		return -EINVAL;
	regs.rax = 0;			/* the child sees 0 */
	if (c->stack != 0)
		regs.rsp = c->stack;
	if (c->flags & CLONE_SETTLS) {
		if (c->tls >= PLAT_USER_END)
			return -EPERM;
		fs = c->tls;
	}
	t = shim_thread_spawn(&regs, fs, plat_tls_get(PLAT_TLS_GS),
	    parent->proc, &err);
	if (t == NULL)
		return err;
	t->sigmask = parent->sigmask;
	tid = (uint32_t)t->tid;
	if (c->flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = c->ctid;
	/* Same address space: both writes land before the child runs. */
	if ((c->flags & CLONE_PARENT_SETTID) &&
	    plat_copy_to_user(c->ptid, &tid, sizeof(tid)) != 0)
		klog("shim: clone: bad parent_tid pointer ignored");
	if ((c->flags & CLONE_CHILD_SETTID) &&
	    plat_copy_to_user(c->ctid, &tid, sizeof(tid)) != 0)
		klog("shim: clone: bad child_tid pointer ignored");
	return t->tid;
}

/* clone(flags, newsp, parent_tid, child_tid, tls): the x86_64 order. */
long
sys_clone(SYSCALL_ARGS)
{
	struct clone_req c = { a0, a1, a2, a3, a4 };

	return do_clone(&c);
}

long
sys_clone3(SYSCALL_ARGS)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
		uint64_t stack, stack_size, tls, set_tid, set_tid_size;
		uint64_t cgroup;
	} args = { 0 };
	struct clone_req c;
	uint64_t size = a1;
	uint8_t extra;

	if (size < CLONE_ARGS_SIZE_VER0 || size > PAGE_SIZE)
		return -EINVAL;
	if (plat_copy_from_user(&args, a0, size < sizeof(args) ? size :
	    sizeof(args)) != 0)
		return -EFAULT;
	for (uint64_t i = sizeof(args); i < size; i++) {
		if (plat_copy_from_user(&extra, a0 + i, 1) != 0)
			return -EFAULT;
		if (extra != 0)
			return -E2BIG;	/* a newer field we do not know */
	}
	if (args.set_tid_size != 0 || (args.flags & CLONE_PIDFD))
		return -EINVAL;
	if ((args.stack == 0) != (args.stack_size == 0))
		return -EINVAL;
	c.flags = args.flags | (args.exit_signal & 0xff);
	c.stack = args.stack + args.stack_size;
	c.ptid = args.parent_tid;
	c.ctid = args.child_tid;
	c.tls = args.tls;
	return do_clone(&c);
}

static void
unlink_thread(struct shim_thread *t)
{
	for (struct shim_thread **pp = &threads; *pp != NULL;
	    pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			return;
		}
	}
}

/* The calling thread ends; the last one ends the process with status. */
void
shim_thread_exit(int status)
{
	struct shim_thread *t = shim_thread_current();
	struct shim_proc *p = t->proc;
	uint32_t zero = 0;

	futex_exit_robust(t->robust_head, (uint32_t)t->tid);
	if (t->clear_child_tid != 0 &&
	    plat_copy_to_user(t->clear_child_tid, &zero, sizeof(zero)) == 0)
		futex_wake(t->clear_child_tid, 1, ~0u);
	timer_thread_gone(t);	/* its CPU time in the zombie's total */
	if (--p->nthreads == 0) {
		proc_last_thread(p, W_EXITCODE(status));  /* pid 1: no return */
		t->proc = NULL;		/* p may be reaped already */
	}
	unlink_thread(t);
	sig_thread_gone(t);
	kfree(t);
	plat_thread_exit();
}

long
sys_exit(SYSCALL_ARGS)
{
	shim_thread_exit((int)a0);
	return 0;
}

long
sys_gettid(SYSCALL_ARGS)
{
	return shim_thread_current()->tid;
}

long
sys_set_tid_address(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();

	t->clear_child_tid = a0;
	return t->tid;
}

long
sys_set_robust_list(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();

	if (a1 != ROBUST_HEAD_SIZE)
		return -EINVAL;
	t->robust_head = a0;
	return 0;
}

long
sys_get_robust_list(SYSCALL_ARGS)
{
	struct shim_thread *t = a0 == 0 ? shim_thread_current() :
	    shim_thread_find((int)a0);
	uint64_t len = ROBUST_HEAD_SIZE;

	if (t == NULL)
		return -ESRCH;
	/* Linux stores the length first, then the head. */
	if (plat_copy_to_user(a2, &len, sizeof(len)) != 0 ||
	    plat_copy_to_user(a1, &t->robust_head, sizeof(uint64_t)) != 0)
		return -EFAULT;
	return 0;
}

long
sys_sched_yield(SYSCALL_ARGS)
{
	plat_yield();
	return 0;
}
