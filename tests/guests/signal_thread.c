/*
 * signal_thread: signals and threads.  pthread_kill runs the handler in
 * the thread named, whether it sleeps in nanosleep, waits in a futex or
 * spins in user mode without a system call; a kill(2) to the process
 * goes to the one thread that does not block the signal, again whether
 * it sleeps or spins; masks and alternate stacks are per thread, and a
 * new thread inherits its creator's mask.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "guest.h"

#define MS		1000000L
#define SPIN_LIMIT	4000000000UL

static volatile int handler_tid;
static volatile int handled;

static void
on_sig(int sig)
{
	handler_tid = (int)SYS0(SYS_gettid);
	handled++;
}

static void
set_handler(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(sig, &sa, NULL);
}

enum how { SLEEPS, FUTEX, SPINS };

struct target {
	enum how how;
	int unblock;		/* unblock SIGUSR1 in this thread */
	volatile int tid;
	volatile int ready;
	volatile int got;	/* saw handled change */
};

static void *
target_main(void *arg)
{
	struct target *t = arg;
	struct timespec ts = { 0, 2 * MS };
	uint32_t word = 0;

	if (t->unblock) {
		sigset_t s;

		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	}
	t->tid = (int)SYS0(SYS_gettid);
	t->ready = 1;
	if (t->how == SPINS) {
		/* No system call: only an interrupt can deliver it. */
		for (unsigned long i = 0; i < SPIN_LIMIT && !handled; i++)
			;
	} else {
		for (int i = 0; i < 5000 && !handled; i++) {
			if (t->how == SLEEPS)
				SYS2(SYS_nanosleep, &ts, NULL);
			else
				SYS4(SYS_futex, &word, 128 /* WAIT_PRIVATE */,
				    0, &ts);
		}
	}
	t->got = handled;
	return NULL;
}

static const char *const how_name[] = { "nanosleep", "a futex wait",
	"a busy loop" };

static void
aimed(enum how how)
{
	struct target t = { .how = how };
	struct timespec ts = { 0, 20 * MS };
	pthread_t th;
	char label[96];

	handled = 0;
	handler_tid = 0;
	pthread_create(&th, NULL, target_main, &t);
	while (!t.ready)
		SYS0(SYS_sched_yield);
	SYS2(SYS_nanosleep, &ts, NULL);	/* into its loop */
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	snprintf(label, sizeof(label), "pthread_kill to a thread in %s: "
	    "handled in it", how_name[how]);
	check(label, t.got == 1 && handler_tid == t.tid);
}

static void
process_directed(enum how how)
{
	struct target t = { .how = how, .unblock = 1 };
	struct timespec ts = { 0, 20 * MS };
	sigset_t s;
	pthread_t th;
	char label[96];

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);	/* the new thread inherits */
	handled = 0;
	handler_tid = 0;
	pthread_create(&th, NULL, target_main, &t);
	while (!t.ready)
		SYS0(SYS_sched_yield);
	SYS2(SYS_nanosleep, &ts, NULL);
	SYS2(SYS_kill, SYS0(SYS_getpid), SIGUSR1);
	pthread_join(th, NULL);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	snprintf(label, sizeof(label), "kill(2), only a thread in %s takes "
	    "it: handled in it", how_name[how]);
	check(label, t.got == 1 && handler_tid == t.tid);
	check("  ... not in main", handled == 1);
}

/* Masks are per thread, and inherited at creation. */
static void *
mask_child(void *arg)
{
	sigset_t m;
	int inherited;

	pthread_sigmask(SIG_BLOCK, NULL, &m);
	inherited = sigismember(&m, SIGUSR2) && !sigismember(&m, SIGHUP);
	sigaddset(&m, SIGHUP);
	pthread_sigmask(SIG_SETMASK, &m, NULL);
	return (void *)(intptr_t)inherited;
}

static void *
altstack_child(void *arg)
{
	stack_t q;

	sigaltstack(NULL, &q);
	return (void *)(intptr_t)(q.ss_flags == SS_DISABLE);
}

static void
per_thread_state(void)
{
	static char alt[16384];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	sigset_t s, after;
	pthread_t th;
	void *ret;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_create(&th, NULL, mask_child, NULL);
	pthread_join(th, &ret);
	pthread_sigmask(SIG_BLOCK, NULL, &after);
	check("a new thread inherits the creator's mask", ret != NULL);
	check("  ... and its changes stay its own",
	    !sigismember(&after, SIGHUP));
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	sigaltstack(&ss, NULL);
	pthread_create(&th, NULL, altstack_child, NULL);
	pthread_join(th, &ret);
	check("alternate stack is per thread (the new one has none)",
	    ret != NULL);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
}

int
main(void)
{
	set_handler(SIGUSR1);
	aimed(SLEEPS);
	aimed(FUTEX);
	aimed(SPINS);
	process_directed(SLEEPS);
	process_directed(FUTEX);
	process_directed(SPINS);
	per_thread_state();
	return finish();
}
