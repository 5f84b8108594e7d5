/*
 * Job control, as Linux's (kernel/signal.c, drivers/tty/tty_jobctrl.c):
 * stopping and continuing processes, telling their parents, and the
 * console's checks on processes outside its foreground group.
 *
 * A stop signal whose action is the default stops the whole process:
 * every thread parks at its next return to user mode (where pending
 * signals are looked at) and runs no user code until SIGCONT or
 * SIGKILL.  Threads blocked in a syscall stay blocked and park when it
 * returns.  SIGCONT resumes the process whatever its action (a handler
 * then runs) and discards pending stop signals; a stop signal discards
 * a pending SIGCONT.  The parent gets SIGCHLD (CLD_STOPPED,
 * CLD_CONTINUED) unless it set SA_NOCLDSTOP, and its wait sees the
 * change (shim/jobstate.c).
 *
 * The first process is the run: nothing could continue it, so stop
 * signals with the default action are discarded for it, as Linux does
 * for a namespace's init.  TSTP, TTIN and TTOU to an orphaned process
 * group are discarded too (POSIX).
 */
#include "shim/internal.h"

#define SA_NOCLDSTOP	0x00000001
#define TTY_SESSION	1	/* the console is the first session's */
#define STOP_SIGNALS	(SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | \
	SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))

bool
jobctl_is_stop(int sig)
{
	return sig >= 1 && sig <= NSIG && (STOP_SIGNALS & SIGBIT(sig));
}

/*
 * POSIX: a group is orphaned when no member has a parent in another
 * group of the same session.  The first process's parent is outside.
 */
bool
jobctl_pgrp_orphaned(int pgrp)
{
	for (struct shim_proc *p = shim_proc_first(); p != NULL; p = p->next) {
		struct shim_proc *up = p->parent;

		if (p->zombie || p->pgid != pgrp || up == NULL || up->zombie)
			continue;
		if (up->pgid != pgrp && up->sid == p->sid)
			return false;
	}
	return true;
}

/* SIGCHLD with CLD_STOPPED or CLD_CONTINUED to p's parent. */
static void
notify_parent(struct shim_proc *p, int code, int status)
{
	struct shim_proc *up = p->parent;
	struct ksiginfo ki = { .signo = SIGCHLD, .code = code, .pid = p->pid,
	    .uid = p->cred.uid.r, .status = status };

	if (up == NULL)
		return;
	if (up->sigact[SIGCHLD].handler != SIG_IGN &&
	    !(up->sigact[SIGCHLD].flags & SA_NOCLDSTOP))
		(void)sig_send_proc(up, &ki);
	proc_child_event(up);
}

/*
 * sig is being sent to p (Linux's prepare_signal): a stop signal
 * discards a pending SIGCONT; SIGCONT discards pending stops and
 * resumes p if it is stopped, whether or not it is blocked or handled.
 */
void
jobctl_prepare(struct shim_proc *p, int sig)
{
	if (jobctl_is_stop(sig)) {
		sig_discard_proc(p, SIGBIT(SIGCONT));
		return;
	}
	if (sig != SIGCONT)
		return;
	sig_discard_proc(p, STOP_SIGNALS);
	if (!jobstate_cont(&p->job))
		return;
	__atomic_add_fetch(&p->cont_word, 1, __ATOMIC_RELEASE);
	plat_wake(&p->cont_word, INT32_MAX);
	notify_parent(p, CLD_CONTINUED, SIGCONT);
}

/* Would a stop signal with the default action be thrown away for p? */
bool
jobctl_stop_discarded(const struct shim_proc *p)
{
	return p == shim_proc_init();
}

/* Wait here while the process is stopped (until SIGCONT or its end). */
void
jobctl_park(struct shim_thread *t)
{
	struct shim_proc *p = t->proc;

	for (;;) {
		uint32_t seen = __atomic_load_n(&p->cont_word,
		    __ATOMIC_ACQUIRE);

		if (!p->job.stopped || t->killed || p->exiting)
			return;
		(void)plat_block(&p->cont_word, seen, 0);
	}
}

/*
 * The default action of stop signal sig, taken by the calling thread:
 * the process stops (its other threads park on their way out), the
 * parent is told, and the caller parks; it returns once continued, and
 * never if the process ends meanwhile.
 */
void
jobctl_stop(int sig)
{
	struct shim_thread *me = shim_thread_current();
	struct shim_proc *p = me->proc;

	if (jobctl_stop_discarded(p))
		return;
	if (sig != SIGSTOP && jobctl_pgrp_orphaned(p->pgid))
		return;
	if (jobstate_stop(&p->job, sig)) {
		for (struct shim_thread *t = shim_thread_first(); t != NULL;
		    t = t->next)
			if (t->proc == p && t != me)
				plat_thread_user_work(t->pt);
		notify_parent(p, CLD_STOPPED, sig);
	}
	jobctl_park(me);
	if (me->killed || p->exiting)
		shim_thread_exit(0);	/* SIGKILL (or an exec) while stopped */
}

/*
 * The console's check (Linux's __tty_check_change) for a caller that
 * reads (SIGTTIN) or writes or changes the terminal (SIGTTOU) while
 * its group is not the foreground group fg: 0 to go on, -EIO, or
 * -EINTR once sig is sent to the caller's group (the call restarts
 * after the group is continued, or a handler ran).
 */
int
shim_tty_job_check(int fg, int sig)
{
	struct shim_thread *t = shim_thread_current();
	struct shim_proc *p = shim_proc_cur();

	if (t == NULL || p->sid != TTY_SESSION || p->pgid == fg)
		return 0;
	if ((t->sigmask & SIGBIT(sig)) || p->sigact[sig].handler == SIG_IGN)
		return sig == SIGTTIN ? -EIO : 0;
	if (jobctl_pgrp_orphaned(p->pgid))
		return -EIO;
	(void)sig_send_group(p->pgid, sig, SI_KERNEL);
	return -EINTR;
}
