/*
 * signal_altstack: sigaltstack(2).  The query before any is set
 * (SS_DISABLE); EINVAL and ENOMEM for bad requests; an SA_ONSTACK
 * handler runs on the alternate stack (a local's address lies in it),
 * sees SS_ONSTACK from sigaltstack, gets EPERM changing it, and a
 * signal nested in it stays on it; a handler without SA_ONSTACK does
 * not use it; uc_stack in the frame holds the stack as set (Linux
 * stores the configured flags, never SS_ONSTACK); SS_AUTODISARM
 * disarms the stack while the handler runs and rt_sigreturn rearms it;
 * SS_DISABLE turns it off.  New threads start without one.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "guest.h"

#define ALT_SIZE	(64 * 1024)
#ifndef SS_AUTODISARM
#define SS_AUTODISARM	(1U << 31)
#endif

static char *alt;

struct seen {
	int ran;
	int on_alt;		/* a local variable lies in the stack */
	int query_flags;	/* sigaltstack(NULL, &old) inside */
	int set_err;		/* sigaltstack(&new) when on it: -errno */
	int uc_flags;
	size_t uc_size;
	int uc_sp_ok;
};

/* Shared with handlers: volatile, or the compiler may drop the stores. */
static volatile struct seen outer, inner;
static volatile int nest;

static void
clear(volatile struct seen *s)
{
	s->ran = s->on_alt = s->query_flags = s->set_err = s->uc_flags = 0;
	s->uc_size = 0;
	s->uc_sp_ok = 0;
}

static int
in_alt(const void *p)
{
	return (const char *)p >= alt && (const char *)p < alt + ALT_SIZE;
}

static void
handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	volatile struct seen *s = sig == SIGUSR1 ? &outer : &inner;
	volatile char local;
	stack_t q, n;

	s->ran++;
	s->on_alt = in_alt((const void *)&local);
	sigaltstack(NULL, &q);
	s->query_flags = q.ss_flags;
	n.ss_sp = alt;
	n.ss_size = ALT_SIZE;
	n.ss_flags = 0;
	s->set_err = 1;			/* not tried */
	if (q.ss_flags & SS_ONSTACK)
		s->set_err = sigaltstack(&n, NULL) ? -errno : 0;
	s->uc_flags = uc->uc_stack.ss_flags;
	s->uc_size = uc->uc_stack.ss_size;
	s->uc_sp_ok = uc->uc_stack.ss_sp == alt;
	if (sig == SIGUSR1 && nest)
		raise(SIGUSR2);
}

static void
set_action(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | flags;
	sigaction(sig, &sa, NULL);
}

static void
report(const char *what, const volatile struct seen *s)
{
	out("%s: ran %d, on the alternate stack %s, sigaltstack flags %#x, "
	    "setting it %s\n", what, s->ran, s->on_alt ? "yes" : "no",
	    s->query_flags, s->set_err == 1 ? "not tried" :
	    s->set_err ? errname(s->set_err) : "ok");
	out("  uc_stack: flags %#x, size %zu, sp %s\n", s->uc_flags,
	    s->uc_size, s->uc_sp_ok ? "the stack's" : "other");
}

static stack_t
query(void)
{
	stack_t q;

	memset(&q, 0xff, sizeof(q));
	sigaltstack(NULL, &q);
	return q;
}

static long
set_alt(void *sp, size_t size, int flags)
{
	stack_t n = { .ss_sp = sp, .ss_size = size, .ss_flags = flags };

	return SYS2(SYS_sigaltstack, &n, NULL);
}

static void *
thread_query(void *arg)
{
	stack_t q = query();

	return (void *)(intptr_t)(q.ss_flags == SS_DISABLE && q.ss_size == 0);
}

int
main(void)
{
	stack_t q;
	pthread_t th;
	void *ret;

	alt = malloc(ALT_SIZE);
	q = query();
	out("before any: flags %#x, size %zu\n", q.ss_flags, q.ss_size);
	expect_err("ss_size below MINSIGSTKSZ", set_alt(alt, 1024, 0),
	    ENOMEM);
	expect_err("ss_flags 0x10", set_alt(alt, ALT_SIZE, 0x10), EINVAL);
	expect_err("unmapped stack_t", SYS2(SYS_sigaltstack, 8, NULL),
	    EFAULT);
	expect_ok("set a 64 KiB stack", set_alt(alt, ALT_SIZE, 0));
	q = query();
	out("query: flags %#x, size %zu, sp %s\n", q.ss_flags, q.ss_size,
	    q.ss_sp == alt ? "the stack's" : "other");

	set_action(SIGUSR1, SA_ONSTACK);
	set_action(SIGUSR2, SA_ONSTACK);
	raise(SIGUSR1);
	report("SA_ONSTACK handler", &outer);

	clear(&outer);
	clear(&inner);
	nest = 1;
	raise(SIGUSR1);
	nest = 0;
	report("signal nested in an SA_ONSTACK handler", &inner);
	q = query();
	out("after the handlers: flags %#x, size %zu\n", q.ss_flags,
	    q.ss_size);

	clear(&outer);
	set_action(SIGUSR1, 0);
	raise(SIGUSR1);
	check("handler without SA_ONSTACK: on the thread's stack",
	    outer.ran == 1 && !outer.on_alt);

	expect_ok("set with SS_AUTODISARM",
	    set_alt(alt, ALT_SIZE, (int)SS_AUTODISARM));
	clear(&outer);
	set_action(SIGUSR1, SA_ONSTACK);
	raise(SIGUSR1);
	report("SS_AUTODISARM handler", &outer);
	q = query();
	out("after it: flags %#x, size %zu\n", q.ss_flags, q.ss_size);
	clear(&outer);
	raise(SIGUSR1);
	check("a second SS_AUTODISARM handler runs on the stack again",
	    outer.ran == 1 && outer.on_alt);

	expect_ok("SS_DISABLE", set_alt(NULL, 0, SS_DISABLE));
	q = query();
	out("query: flags %#x, size %zu\n", q.ss_flags, q.ss_size);
	clear(&outer);
	raise(SIGUSR1);
	check("SA_ONSTACK handler with the stack disabled: thread's stack",
	    outer.ran == 1 && !outer.on_alt);

	expect_ok("set again", set_alt(alt, ALT_SIZE, 0));
	pthread_create(&th, NULL, thread_query, NULL);
	pthread_join(th, &ret);
	check("a new thread has no alternate stack", ret != NULL);
	return finish();
}
