/*
 * Signals: actions, masks, pending sets, generation (kill, tkill,
 * tgkill, faults, the kernel) and delivery on the way back to ring 3.
 *
 * Pending signals are kept per thread (thread-directed) and per process:
 * a standard signal sent again while pending is merged, a real-time one
 * is queued (struct sigqueue).  Blocking
 * syscalls interrupted for a handler return EINTR, or are restarted when
 * the handler has SA_RESTART and the syscall is one Linux restarts.
 */
#include "shim/internal.h"

#define UNBLOCKABLE	(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SYNC_SIGNALS	(SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | SIGBIT(SIGILL) | \
	SIGBIT(SIGFPE) | SIGBIT(SIGTRAP) | SIGBIT(SIGSYS))
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define ILL_ILLOPN	2
#define FPE_INTDIV	1
#define FPE_FLTINV	7
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2
#define SYSCALL_INSN_LEN 2

enum sig_default { ACT_TERM, ACT_CORE, ACT_IGN, ACT_STOP };

/*
 * Actions and the process-wide pending set are the process's (struct
 * shim_proc); these names are the calling thread's process's.
 */
#define actions		(shim_proc_cur()->sigact)
#define proc_pending	(shim_proc_cur()->sigpending)
#define proc_q		(shim_proc_cur()->sigq)

static const char *const sig_names[NSIG + 1] = {
	[1] = "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

static const char *
sig_name(int sig)
{
	return sig >= 1 && sig <= NSIG && sig_names[sig] ? sig_names[sig] :
	    "a real-time signal";
}

static enum sig_default
sig_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
		return ACT_IGN;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return ACT_STOP;
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGSYS: case 24: case 25:
		return ACT_CORE;
	default:
		return ACT_TERM;
	}
}

/* Would sig be thrown away at once by p (ignored and not blocked)? */
static bool
discarded_by(const struct shim_proc *p, const struct shim_thread *t,
    int sig)
{
	uint64_t h = p->sigact[sig].handler;

	if (t != NULL && (t->sigmask & SIGBIT(sig)))
		return false;
	return h == SIG_IGN || (h == SIG_DFL && (sig_default(sig) == ACT_IGN ||
	    (sig_default(sig) == ACT_STOP && jobctl_stop_discarded(p))));
}

static bool
sig_discarded(const struct shim_thread *t, int sig)
{
	return discarded_by(t != NULL ? t->proc : shim_proc_cur(), t, sig);
}

void
sig_force_fatal(int sig, const char *why)
{
	struct shim_proc *p = shim_proc_cur();

	if (p == shim_proc_init())
		klog_always("guest: killed by %s%s%s", sig_name(sig),
		    why ? ": " : "", why ? why : "");
	else
		klog("guest: process %d killed by %s%s%s", p->pid,
		    sig_name(sig), why ? ": " : "", why ? why : "");
	proc_exit(sig);
}

/*
 * t's signal state changed: its next return to user mode must look
 * (shim_user_return), even after a fast syscall.
 */
static void
sig_changed(struct shim_thread *t)
{
	if (t->pt != NULL)
		plat_thread_user_work(t->pt);
}

void
sig_set_mask(struct shim_thread *t, uint64_t mask)
{
	t->sigmask = mask & ~UNBLOCKABLE;
	sig_changed(t);
}

/* ---- Pending sets ---- */

static struct sigqueue *
thread_q(struct shim_thread *t)
{
	if (t->sigq == NULL)
		t->sigq = kzalloc(sizeof(*t->sigq));
	return t->sigq;
}

void
sig_thread_gone(struct shim_thread *t)
{
	kfree(t->sigq);
	t->sigq = NULL;
}

static int
enqueue(uint64_t *pending, struct sigqueue *q, const struct ksiginfo *ki)
{
	int sig = ki->signo;

	if (q == NULL)
		return -EAGAIN;
	if (sig < SIGRTMIN) {
		if (!(*pending & SIGBIT(sig)))
			q->std[sig] = *ki;	/* a second one merges */
	} else {
		if (q->nrt == SIGQUEUE_MAX)
			return -EAGAIN;		/* as RLIMIT_SIGPENDING */
		q->rt[q->nrt++] = *ki;
	}
	*pending |= SIGBIT(sig);
	signalfd_notify();
	return 0;
}

/* Take the oldest pending instance of sig. */
static void
dequeue(uint64_t *pending, struct sigqueue *q, int sig, struct ksiginfo *ki)
{
	bool more = false;
	int i;

	*pending &= ~SIGBIT(sig);
	if (sig < SIGRTMIN) {
		*ki = q->std[sig];
		return;
	}
	for (i = 0; i < q->nrt && q->rt[i].signo != sig; i++)
		;
	if (i < q->nrt) {
		*ki = q->rt[i];
		memmove(&q->rt[i], &q->rt[i + 1],
		    (size_t)(q->nrt - i - 1) * sizeof(q->rt[0]));
		q->nrt--;
	}
	for (i = 0; i < q->nrt; i++)
		more |= q->rt[i].signo == sig;
	if (more)
		*pending |= SIGBIT(sig);
}

/* Forget every pending instance of sig. */
static void
discard(uint64_t *pending, struct sigqueue *q, int sig)
{
	struct ksiginfo ki;

	while (q != NULL && (*pending & SIGBIT(sig)))
		dequeue(pending, q, sig, &ki);
	*pending &= ~SIGBIT(sig);
}

void
sig_discard_proc(struct shim_proc *p, uint64_t set)
{
	for (int sig = 1; sig <= NSIG; sig++) {
		if (!(set & SIGBIT(sig)))
			continue;
		discard(&p->sigpending, &p->sigq, sig);
		for (struct shim_thread *t = shim_thread_first(); t != NULL;
		    t = t->next)
			if (t->proc == p)
				discard(&t->sigpending, t->sigq, sig);
	}
}

/* Could t take sig now (unblocked, or waited for by sigtimedwait)? */
static bool
wants(const struct shim_thread *t, int sig)
{
	return !(t->sigmask & SIGBIT(sig)) || (t->sigwait_set & SIGBIT(sig));
}

/* A blocked thread that will have to act on sig stops blocking. */
static void
kick(struct shim_thread *t, int sig)
{
	if (wants(t, sig) && t != shim_thread_current())
		plat_thread_interrupt(t->pt);
	else if (wants(t, sig))
		plat_thread_interrupt(t->pt);	/* no-op unless blocked */
}

static int
send_thread(struct shim_thread *t, const struct ksiginfo *ki)
{
	int rc;

	jobctl_prepare(t->proc, ki->signo);
	if (sig_discarded(t, ki->signo))
		return 0;
	rc = enqueue(&t->sigpending, thread_q(t), ki);
	if (rc == 0) {
		sig_changed(t);
		kick(t, ki->signo);
	}
	return rc;
}

/*
 * To process p: 0 or -EAGAIN (queue full); *kept: false if ignored and
 * dropped.
 */
static int
send_to_kept(struct shim_proc *p, const struct ksiginfo *ki, bool *kept)
{
	struct shim_thread *me = shim_thread_current(), *t, *lead;
	int rc;

	if (me != NULL && me->proc != p)
		me = NULL;
	/* As Linux: the caller's mask, or the leader's, keeps it. */
	lead = me != NULL ? me : shim_thread_find(p->pid);
	if (lead != NULL && lead->proc != p)
		lead = NULL;
	*kept = false;
	jobctl_prepare(p, ki->signo);
	if (discarded_by(p, lead, ki->signo))
		return 0;
	*kept = true;
	rc = enqueue(&p->sigpending, &p->sigq, ki);
	for (t = shim_thread_first(); rc == 0 && t != NULL; t = t->next)
		if (t->proc == p)
			sig_changed(t);
	if (rc != 0 || (me != NULL && wants(me, ki->signo)))
		return rc;		/* delivered on our own way out */
	for (t = shim_thread_first(); t != NULL; t = t->next) {
		if (t->proc == p && wants(t, ki->signo)) {
			kick(t, ki->signo);
			break;
		}
	}
	return 0;
}

static int
send_process_kept(const struct ksiginfo *ki, bool *kept)
{
	return send_to_kept(shim_proc_cur(), ki, kept);
}

/*
 * To every process of group pgrp (the console's ^C), or to the caller
 * when the group is empty: true if one kept it.
 */
bool
sig_send_group(int pgrp, int sig, int code)
{
	struct ksiginfo ki = { .signo = sig, .code = code };
	bool any = false, kept, all = false;

	for (struct shim_proc *p = shim_proc_first(); p != NULL; p = p->next) {
		if (p->zombie || p->pgid != pgrp)
			continue;
		any = true;
		if (sig == SIGKILL && p != shim_proc_cur())
			proc_kill(p, SIGKILL);
		if (send_to_kept(p, &ki, &kept) == 0 && kept)
			all = true;
	}
	return any ? all : sig_send_process(sig, code);
}

int
sig_send_proc(struct shim_proc *p, const struct ksiginfo *ki)
{
	bool kept;

	/* SIGKILL: pending too, so that a thread about to wait sees it. */
	if (ki->signo == SIGKILL && p != shim_proc_cur())
		proc_kill(p, SIGKILL);
	return send_to_kept(p, ki, &kept);
}

static int
send_process(const struct ksiginfo *ki)
{
	bool kept;

	return send_process_kept(ki, &kept);
}

bool
sig_send_process(int sig, int code)
{
	struct ksiginfo ki = { .signo = sig, .code = code };
	bool kept;

	return send_process_kept(&ki, &kept) == 0 && kept;
}

/* ---- Delivery ---- */

/* The next signal t should take: synchronous ones first, then by number. */
static int
next_signal(struct shim_thread *t, struct ksiginfo *ki)
{
	uint64_t mine = t->sigpending & ~t->sigmask;
	uint64_t all = (t->sigpending | proc_pending) & ~t->sigmask;
	uint64_t pick = (mine & SYNC_SIGNALS) ? (mine & SYNC_SIGNALS) : all;
	int sig;

	if (pick == 0)
		return 0;
	sig = __builtin_ctzll(pick) + 1;
	if (t->sigpending & SIGBIT(sig))
		dequeue(&t->sigpending, thread_q(t), sig, ki);
	else
		dequeue(&proc_pending, &proc_q, sig, ki);
	ki->signo = sig;
	if (!timer_signal_taken(ki))
		return next_signal(t, ki);	/* a stale timer's: dropped */
	return sig;
}

/*
 * A socket call on a socket with a timeout for its direction
 * (SO_RCVTIMEO, SO_SNDTIMEO) fails with EINTR after a handler or a
 * stop, never restarted: Linux's sock_intr_errno, signal(7).
 */
static bool
sock_call_timed(const struct plat_regs *r)
{
	struct file *f;
	struct sock *s;
	bool in, timed;

	switch ((uint32_t)r->orig_rax) {
	case SYS_read: case SYS_readv: case SYS_recvfrom: case SYS_recvmsg:
	case SYS_recvmmsg: case SYS_accept: case SYS_accept4:
		in = true;
		break;
	case SYS_write: case SYS_writev: case SYS_sendto: case SYS_sendmsg:
	case SYS_sendmmsg: case SYS_connect:
		in = false;
		break;
	default:
		return false;
	}
	f = fd_get((int)r->rdi);
	if (f == NULL)
		return false;
	s = sock_of(f);
	timed = s != NULL && (in ? s->rcvtimeo_ns : s->sndtimeo_ns) != 0;
	file_put(f);
	return timed;
}

/* Syscalls Linux restarts after a SA_RESTART handler (ERESTARTSYS). */
static bool
restartable(const struct plat_regs *r)
{
	switch ((uint32_t)r->orig_rax) {
	case SYS_futex:
		return futex_restartable(r->rsi, r->r10);
	case SYS_read: case SYS_write: case SYS_readv: case SYS_writev:
	case SYS_accept: case SYS_accept4: case SYS_connect:
	case SYS_recvfrom: case SYS_sendto: case SYS_recvmsg:
	case SYS_sendmsg:
		return !sock_call_timed(r);
	case SYS_pread64: case SYS_pwrite64: case SYS_ioctl:
	case SYS_wait4: case SYS_waitid: case SYS_fcntl: case SYS_flock:
	case SYS_open: case SYS_openat: case SYS_sendfile:
		return true;
	default:
		return false;
	}
}

/* Adjust an interrupted syscall's result for a handler (or none). */
static void
syscall_restart(struct plat_regs *r, const struct k_sigaction *act)
{
	if (r->entry != PLAT_ENTRY_SYSCALL || (long)r->rax != -EINTR)
		return;
	if (!restartable(r))
		return;
	if (act == NULL || (act->flags & SA_RESTART)) {
		r->rax = r->orig_rax;
		r->rip -= SYSCALL_INSN_LEN;
	}
}

/*
 * A syscall interrupted only by a stop (no handler ran) restarts once
 * the process is continued, as Linux's ERESTART* codes make it, except
 * for the calls signal(7) names as failing with EINTR then.  A call
 * that left a restart block (a relative sleep, poll, FUTEX_WAIT with a
 * timeout: Linux's -ERESTART_RESTARTBLOCK) restarts as restart_syscall,
 * which keeps its deadline; the others restart with their arguments.
 */
static void
restart_after_stop(struct shim_thread *t, struct plat_regs *r)
{
	if (r->entry != PLAT_ENTRY_SYSCALL || (long)r->rax != -EINTR ||
	    sock_call_timed(r))
		return;
	switch ((uint32_t)r->orig_rax) {
	case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_epoll_pwait2:
	case SYS_rt_sigtimedwait: case SYS_semtimedop:
		return;
	default:
		t->restart.armed = t->restart.fn != NULL;
		r->rax = t->restart.armed ? SYS_restart_syscall : r->orig_rax;
		r->rip -= SYSCALL_INSN_LEN;
	}
}

void
sig_restart_block(long (*fn)(const struct shim_restart *b),
    uint64_t deadline, uint64_t arg0, uint64_t arg1)
{
	struct shim_thread *t = shim_thread_current();

	t->restart = (struct shim_restart){ .fn = fn, .deadline = deadline,
	    .arg = { arg0, arg1 } };
}

/*
 * The call a stop interrupted goes on from its restart block, once;
 * without one (the guest called it itself) it is EINTR, as Linux's
 * do_no_restart_syscall.
 */
long
sys_restart_syscall(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();
	struct shim_restart b = t->restart;

	t->restart.fn = NULL;
	t->restart.armed = false;
	if (b.fn == NULL || !b.armed)
		return -EINTR;
	return b.fn(&b);
}

static void
default_action(int sig, const struct ksiginfo *ki)
{
	switch (sig_default(sig)) {
	case ACT_IGN:
		return;
	case ACT_STOP:
		jobctl_stop(sig);
		return;
	default:
		if (ki->is_fault)
			klog_always("guest: %s at address %#llx: killed",
			    sig_name(sig), (unsigned long long)ki->addr);
		sig_force_fatal(sig, NULL);
	}
}

static void deliver(struct shim_thread *t, struct plat_regs *r);
static void force_sigsegv(struct shim_thread *t, struct plat_regs *r);

/* Every return to ring 3 passes here: nothing to do is the fast path. */
void
shim_user_return(struct plat_regs *r)
{
	struct shim_thread *t = shim_thread_current();

	if (__builtin_expect(gdb_enabled, 0))
		gdb_user_return(t->tid, r);
	/* Armed, but another syscall came first (a handler's): stale. */
	if (__builtin_expect(t->restart.armed, 0) &&
	    r->entry == PLAT_ENTRY_SYSCALL)
		t->restart = (struct shim_restart){ .fn = NULL };
	if (__builtin_expect(t->proc->job.stopped, 0))
		jobctl_park(t);
	if (t->killed || t->proc->exiting)
		shim_thread_exit(0);	/* exit_group, exec or a fatal signal */
	if (((t->sigpending | proc_pending) & ~t->sigmask) != 0)
		deliver(t, r);
	else if (r->entry == PLAT_ENTRY_SYSCALL && (long)r->rax == -EINTR)
		syscall_restart(r, NULL);
	/* No handler took the mask sigsuspend or ppoll set: put it back. */
	if (t->restore_saved_mask) {
		t->restore_saved_mask = false;
		sig_set_mask(t, t->saved_sigmask);
	}
	/* A restart block outlives only the return that armed it. */
	if (__builtin_expect(t->restart.fn != NULL, 0) &&
	    r->entry == PLAT_ENTRY_SYSCALL && !t->restart.armed)
		t->restart.fn = NULL;
}

/*
 * Deliver every signal the thread can take now, as Linux does before a
 * return to user mode: each handler's frame is built on top of the last,
 * so the last one set up runs first.  Handlers start with a fresh FPU
 * state (the interrupted one is saved in the frame).
 */
static void
deliver(struct shim_thread *t, struct plat_regs *r)
{
	struct ksiginfo ki;
	struct k_sigaction act;
	uint64_t oldmask;
	bool handled = false, stopped = false;
	int sig;

	for (int n = 0; n < NSIG; n++) {
		sig = next_signal(t, &ki);
		if (sig == 0)
			break;
		act = actions[sig];
		if (__builtin_expect(gdb_enabled, 0) &&
		    gdb_signal(t->tid, sig, r, act.handler == SIG_DFL &&
		    sig_default(sig) != ACT_IGN && sig_default(sig) != ACT_STOP)
		    == 0)
			continue;	/* the debugger discarded it */
		if (act.handler == SIG_IGN)
			continue;
		if (act.handler == SIG_DFL) {
			stopped |= sig_default(sig) == ACT_STOP;
			default_action(sig, &ki);
			continue;
		}
		if (!handled)
			syscall_restart(r, &act);
		oldmask = t->restore_saved_mask ? t->saved_sigmask :
		    t->sigmask;
		t->restore_saved_mask = false;
		if (sig_setup_frame(t, r, &act, &ki, oldmask) != 0) {
			/*
			 * As Linux's force_sigsegv: no room for SIGSEGV's own
			 * frame is fatal; for another signal, SIGSEGV is
			 * forced (its handler may run on the alternate
			 * stack) and the loop delivers it next.
			 */
			if (sig == SIGSEGV)
				sig_force_fatal(SIGSEGV, "no room for a "
				    "signal frame");
			force_sigsegv(t, r);
			continue;
		}
		sig_set_mask(t, t->sigmask | act.mask |
		    ((act.flags & SA_NODEFER) ? 0 : SIGBIT(sig)));
		if (act.flags & SA_RESETHAND)
			actions[sig].handler = SIG_DFL;
		handled = true;
	}
	if (handled)
		plat_fpu_reset();
	else if (stopped)
		restart_after_stop(t, r);
	else
		syscall_restart(r, NULL);
}

/* ---- Faults ---- */

static void
fault_info(const struct plat_fault *f, const struct plat_regs *r,
    struct ksiginfo *ki)
{
	memset(ki, 0, sizeof(*ki));
	ki->is_fault = true;
	ki->trapno = f->vector;
	ki->err = f->error;
	switch (f->kind) {
	case PLAT_FAULT_PAGE:
		/* A file mapping past the file's end: SIGBUS, as Linux. */
		if (vm_past_eof(f->addr, f->write, f->exec)) {
			ki->signo = SIGBUS;
			ki->code = BUS_ADRERR;
			ki->addr = f->addr;
			break;
		}
		/* As Linux: ACCERR where a mapping exists, else MAPERR. */
		ki->signo = SIGSEGV;
		ki->code = vm_find(f->addr) != NULL ? SEGV_ACCERR :
		    SEGV_MAPERR;
		ki->addr = f->addr;
		if (f->addr >= PLAT_USER_END)
			ki->err |= 1;	/* Linux reports kernel pages "present" */
		break;
	case PLAT_FAULT_UD:
		ki->signo = SIGILL;
		ki->code = ILL_ILLOPN;
		ki->addr = r->rip;
		break;
	case PLAT_FAULT_DE:
		ki->signo = SIGFPE;
		ki->code = FPE_INTDIV;
		ki->addr = r->rip;
		break;
	case PLAT_FAULT_FP:
		ki->signo = SIGFPE;
		ki->code = FPE_FLTINV;
		ki->addr = r->rip;
		break;
	case PLAT_FAULT_BP:
		ki->signo = SIGTRAP;
		ki->code = SI_KERNEL;
		break;
	case PLAT_FAULT_AC:
		ki->signo = SIGBUS;
		ki->code = BUS_ADRALN;
		ki->addr = f->addr;
		break;
	default:			/* #GP: privileged or non-canonical */
		ki->signo = SIGSEGV;
		ki->code = SI_KERNEL;
		break;
	}
}

/*
 * A synchronous fault goes to the thread's handler; blocked or ignored,
 * it cannot be (the instruction would fault again): death, as Linux's
 * force_sig.
 */
void
shim_user_fault(struct plat_regs *r, const struct plat_fault *f)
{
	struct shim_thread *t = shim_thread_current();
	struct ksiginfo ki;
	uint64_t h;

	fault_info(f, r, &ki);
	h = actions[ki.signo].handler;
	if (__builtin_expect(gdb_enabled, 0) &&
	    gdb_fault(t->tid, ki.signo, f, r, h == SIG_DFL || h == SIG_IGN ||
	    (t->sigmask & SIGBIT(ki.signo))) == 0)
		return;		/* the debugger took it */
	if (h == SIG_DFL || h == SIG_IGN || (t->sigmask & SIGBIT(ki.signo))) {
		klog_always("guest: %s in thread %d at rip %#llx (vector %u, "
		    "error %#llx, address %#llx): killed", sig_name(ki.signo),
		    t->tid, (unsigned long long)r->rip, f->vector,
		    (unsigned long long)f->error, (unsigned long long)f->addr);
		proc_exit(ki.signo);
	}
	if (send_thread(t, &ki) != 0)
		sig_force_fatal(ki.signo, "no memory to queue the signal");
}

/* A SIGSEGV the thread cannot refuse (si_code SI_KERNEL), as force_sig. */
static void
force_sigsegv(struct shim_thread *t, struct plat_regs *r)
{
	struct plat_fault pf = { .kind = PLAT_FAULT_GP, .vector = 13 };

	(void)t;
	shim_user_fault(r, &pf);
}

/* ---- Syscalls ---- */

static bool
valid_sig(uint64_t sig)
{
	return sig >= 1 && sig <= NSIG;
}

long
sys_rt_sigaction(SYSCALL_ARGS)
{
	int sig = (int)a0;
	struct k_sigaction act;

	if (a3 != 8 || !valid_sig(a0))
		return -EINVAL;
	if (a1 != 0 && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (a1 != 0 && plat_copy_from_user(&act, a1, sizeof(act)) != 0)
		return -EFAULT;
	if (a2 != 0 && plat_copy_to_user(a2, &actions[sig],
	    sizeof(actions[sig])) != 0)
		return -EFAULT;
	if (a1 != 0) {
		act.mask &= ~UNBLOCKABLE;
		actions[sig] = act;
		if (sig_discarded(NULL, sig))	/* POSIX: drop pending ones */
			sig_discard_proc(shim_proc_cur(), SIGBIT(sig));
	}
	return 0;
}

long
sys_rt_sigprocmask(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();
	uint64_t set, old = t->sigmask;

	if (a3 != 8)
		return -EINVAL;
	if (a1 != 0) {
		if (a0 > SIG_SETMASK)
			return -EINVAL;
		if (plat_copy_from_user(&set, a1, sizeof(set)) != 0)
			return -EFAULT;
	}
	if (a2 != 0 && plat_copy_to_user(a2, &old, sizeof(old)) != 0)
		return -EFAULT;
	if (a1 == 0)
		return 0;
	if (a0 == SIG_BLOCK)
		sig_set_mask(t, old | set);
	else if (a0 == SIG_UNBLOCK)
		sig_set_mask(t, old & ~set);
	else
		sig_set_mask(t, set);
	return 0;
}

long
sys_rt_sigpending(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();
	uint64_t set = (t->sigpending | proc_pending) & t->sigmask;

	if (a1 > 8)
		return -EINVAL;
	return plat_copy_to_user(a0, &set, a1) != 0 ? -EFAULT : 0;
}

/*
 * Drop the pending signals t can take now whose action is to ignore
 * them, and take those whose action is to stop (the wait goes on once
 * continued, as Linux's get_signal); true if one that matters is left.
 */
static bool
drop_ignored(struct shim_thread *t)
{
	uint64_t p = (t->sigpending | proc_pending) & ~t->sigmask;
	bool left = false, stop;

	for (int sig = 1; sig <= NSIG; sig++) {
		if (!(p & SIGBIT(sig)))
			continue;
		stop = actions[sig].handler == SIG_DFL &&
		    sig_default(sig) == ACT_STOP;
		if (!sig_discarded(NULL, sig) && !stop) {
			left = true;
			continue;
		}
		discard(&t->sigpending, t->sigq, sig);
		discard(&proc_pending, &proc_q, sig);
		if (stop)
			jobctl_stop(sig);
	}
	return left || t->killed || shim_proc_cur()->exiting;
}

/* Sleep until a signal t wants is pending (or the deadline). */
static int
wait_for_signal(struct shim_thread *t, uint64_t deadline)
{
	for (;;) {
		uint64_t p = (t->sigpending | proc_pending);
		int rc;

		if (p & (~t->sigmask | t->sigwait_set))
			return 0;
		rc = plat_block(&t->sigwake, t->sigwake, deadline);
		if (rc == -ETIMEDOUT)
			return rc;
	}
}

long
sys_rt_sigsuspend(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();
	uint64_t mask;

	if (a1 != 8)
		return -EINVAL;
	if (plat_copy_from_user(&mask, a0, sizeof(mask)) != 0)
		return -EFAULT;
	t->saved_sigmask = t->sigmask;
	t->restore_saved_mask = true;
	sig_set_mask(t, mask);
	/*
	 * Only a signal that runs a handler (or ends the guest) ends the
	 * wait: one that would be ignored is dropped and the wait goes on,
	 * as Linux's get_signal and -ERESTARTNOHAND do.
	 */
	do {
		wait_for_signal(t, 0);
	} while (!drop_ignored(t));
	return -EINTR;
}

long
sys_pause(SYSCALL_ARGS)
{
	wait_for_signal(shim_thread_current(), 0);
	return -EINTR;
}

/* Take a pending signal of set without running its handler. */
static int
take_waited(struct shim_thread *t, uint64_t set, struct ksiginfo *ki)
{
	uint64_t saved = t->sigmask;
	int sig;

	t->sigmask = ~set & ~UNBLOCKABLE;
	sig = next_signal(t, ki);
	t->sigmask = saved;
	return sig;
}

long
sys_rt_sigtimedwait(SYSCALL_ARGS)
{
	struct shim_thread *t = shim_thread_current();
	struct ksiginfo ki;
	struct siginfo64 si;
	struct { int64_t sec, nsec; } ts;
	uint64_t set, deadline = 0;
	int sig;

	if (a3 != 8)
		return -EINVAL;
	if (plat_copy_from_user(&set, a0, sizeof(set)) != 0)
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if (a2 != 0) {
		if (plat_copy_from_user(&ts, a2, sizeof(ts)) != 0)
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
		deadline = plat_now_ns();
		/* A deadline past 2^64 ns (584 years) is "never". */
		if ((uint64_t)ts.sec > (UINT64_MAX - deadline) / 1000000000ull -
		    1)
			deadline = UINT64_MAX;
		else
			deadline += (uint64_t)ts.sec * 1000000000ull +
			    (uint64_t)ts.nsec;
	}
	t->sigwait_set = set;
	sig = take_waited(t, set, &ki);
	if (sig == 0 && (a2 == 0 || deadline > plat_now_ns())) {
		if (wait_for_signal(t, a2 && deadline != UINT64_MAX ?
		    deadline : 0) == 0)
			sig = take_waited(t, set, &ki);
	}
	t->sigwait_set = 0;
	if (sig == 0)
		return ((t->sigpending | proc_pending) & ~t->sigmask) ?
		    -EINTR : -EAGAIN;
	if (a1 != 0) {
		memset(&si, 0, sizeof(si));
		si.si_signo = sig;
		si.si_code = ki.code;
		si.pid = ki.pid;
		si.uid = ki.uid;
		if (sig == SIGCHLD)
			si.status = ki.status;
		if (ki.code == SI_TIMER) {
			si.timer.timerid = ki.timerid;
			si.timer.overrun = ki.overrun;
			si.timer.value = ki.value;
		}
		if (plat_copy_to_user(a1, &si, sizeof(si)) != 0)
			return -EFAULT;
	}
	return sig;
}

/* Does kill(pid) name p?  (-1: all but the first and the caller.) */
static bool
kill_names(int pid, const struct shim_proc *p, const struct shim_proc *me)
{
	if (p->zombie)
		return false;
	if (pid > 0)
		return p->pid == pid;
	if (pid == 0)
		return p->pgid == me->pgid;
	if (pid == -1)
		return p != me && p != shim_proc_init();
	return p->pgid == -pid;
}

/*
 * kill(pid, sig) to a process, a group (0: the caller's, -pgid) or
 * every other process (-1).  The caller itself comes last: a fatal
 * signal to it does not return.
 */
long
sys_kill(SYSCALL_ARGS)
{
	int pid = (int)a0, sig = (int)a1, found = 0;
	struct shim_proc *me = shim_proc_cur(), *p;
	struct ksiginfo ki = { .signo = sig, .code = SI_USER,
	    .pid = me->pid, .uid = me->cred.uid.r };
	bool self = false;

	if (sig < 0 || sig > NSIG || pid == INT32_MIN)
		return -EINVAL;
	for (p = shim_proc_first(); p != NULL; p = p->next) {
		if (!kill_names(pid, p, me))
			continue;
		found++;
		if (p == me)
			self = true;
		else if (sig != 0)
			(void)sig_send_proc(p, &ki);
	}
	if (found == 0)
		return pid > 0 && shim_proc_find(pid) != NULL ? 0 : -ESRCH;
	if (!self || sig == 0)
		return 0;
	if (sig == SIGKILL)
		sig_force_fatal(SIGKILL, "kill(2) from the process itself");
	return send_process(&ki);
}

static long
thread_kill(int tgid, int tid, int sig)
{
	struct shim_proc *me = shim_proc_cur();
	struct ksiginfo ki = { .signo = sig, .code = SI_TKILL,
	    .pid = me->pid, .uid = me->cred.uid.r };
	struct shim_thread *t;

	if (sig < 0 || sig > NSIG || tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	t = shim_thread_find(tid);
	if (t == NULL || (tgid != -1 && t->proc->pid != tgid))
		return -ESRCH;
	if (sig == 0)
		return 0;
	if (sig == SIGKILL && t->proc == me)
		sig_force_fatal(SIGKILL, "tgkill(2) from the process itself");
	if (sig == SIGKILL)
		return sig_send_proc(t->proc, &ki);
	return send_thread(t, &ki);
}

long
sys_tkill(SYSCALL_ARGS)
{
	return thread_kill(-1, (int)a0, (int)a1);
}

long
sys_tgkill(SYSCALL_ARGS)
{
	return thread_kill((int)a0, (int)a1, (int)a2);
}

/* ---- For the timers and signalfd ---- */

int
sig_send_timer(struct shim_proc *p, int tid, const struct ksiginfo *ki)
{
	struct shim_thread *t;
	bool kept;

	if (tid == 0)
		return send_to_kept(p, ki, &kept) != 0 ? -EAGAIN : kept;
	if ((t = shim_thread_find(tid)) == NULL || t->proc != p)
		return 0;		/* the thread is gone */
	if (t->sigq == NULL)
		return -EAGAIN;		/* no allocating here: see sig_prepare */
	if (sig_discarded(t, ki->signo))
		return 0;
	return send_thread(t, ki) == 0 ? 1 : -EAGAIN;
}

int
sig_prepare(struct shim_thread *t)
{
	return thread_q(t) != NULL ? 0 : -ENOMEM;
}

int
sig_dequeue(struct shim_thread *t, uint64_t set, struct ksiginfo *ki)
{
	return take_waited(t, set & ~UNBLOCKABLE, ki);
}

uint64_t
sig_pending(const struct shim_thread *t)
{
	return t->sigpending | proc_pending;
}
