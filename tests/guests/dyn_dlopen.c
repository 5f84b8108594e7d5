/*
 * dyn_dlopen PLUGIN: dlopen a further library at run time (argv[1],
 * which brings libm along), look its symbols up, call them, read its
 * thread-local variable from two threads, check that its RELRO page is
 * read-only, dlclose it; then dlopen a library that is not there and
 * print dlerror()'s verdict.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static int thread_result;
static sigjmp_buf env;

static void *
thread_main(void *arg)
{
	thread_result = ((int (*)(void))arg)();
	return NULL;
}

static void
on_segv(int sig)
{
	siglongjmp(env, 1);
}

/* Is the page of p writable?  A write that faults says no. */
static int
writable(volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	int ok;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(env, 1) == 0) {
		char c = *p;

		*p = c;
		ok = 1;
	} else
		ok = 0;
	sigaction(SIGSEGV, &old, NULL);
	return ok;
}

int
main(int argc, char **argv)
{
	int (*call)(int), (*next)(void), *ctor;
	double (*hyp)(double, double);
	const void *(*relro)(void);
	pthread_t t;
	void *h;

	if (argc < 2) {
		fprintf(stderr, "usage: dyn_dlopen PLUGIN\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	printf("dlopen: %s\n", h != NULL ? "ok" : dlerror());
	if (h == NULL)
		return 1;
	ctor = dlsym(h, "plugin_ctor_ran");
	call = (int (*)(int))dlsym(h, "plugin_call");
	next = (int (*)(void))dlsym(h, "plugin_tls_next");
	hyp = (double (*)(double, double))dlsym(h, "plugin_hypot");
	relro = (const void *(*)(void))dlsym(h, "plugin_relro");
	if (ctor == NULL || call == NULL || next == NULL || hyp == NULL ||
	    relro == NULL) {
		printf("dlsym: %s\n", dlerror());
		return 1;
	}
	printf("constructor ran: %d\n", *ctor);
	printf("plugin_call(21) = %d\n", call(21));
	printf("plugin_hypot(3, 4) = %g (libm, its own dependency)\n",
	    hyp(3, 4));
	printf("tls: %d", next());
	printf(" %d\n", next());
	pthread_create(&t, NULL, thread_main, (void *)next);
	pthread_join(t, NULL);
	printf("tls in a new thread: %d\n", thread_result);
	printf("text writable: %s\n", writable((char *)call) ? "yes" : "no");
	printf("RELRO writable: %s\n", writable((char *)relro()) ? "yes" :
	    "no");
	printf("data writable: %s\n", writable((char *)ctor) ? "yes" : "no");
	printf("dlclose: %d\n", dlclose(h));
	h = dlopen("libcloister-no-such-library.so", RTLD_NOW);
	printf("missing library: %s\n", h == NULL && strstr(dlerror(),
	    "libcloister-no-such-library.so") != NULL ? "dlerror names it" :
	    "?");
	return 0;
}
