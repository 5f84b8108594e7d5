/*
 * dyn_plugin: the shared library dyn_dlopen loads.  A constructor, a
 * thread-local variable (dynamic TLS: __tls_get_addr after dlopen), a
 * RELRO-protected pointer table, and a dependency of its own (libm).
 */
#include <math.h>

int plugin_ctor_ran;
static __thread int tls_counter = 7;

static int
twice(int x)
{
	return 2 * x;
}

/* Relocated at load time, then read-only (PT_GNU_RELRO). */
static int (*const table[])(int) = { twice };

__attribute__((constructor)) static void
plugin_init(void)
{
	plugin_ctor_ran = 1;
}

int
plugin_tls_next(void)
{
	return ++tls_counter;
}

int
plugin_call(int x)
{
	return table[0](x);
}

/* Where the RELRO table is (the caller checks it is read-only). */
const void *
plugin_relro(void)
{
	return table;
}

double
plugin_hypot(double a, double b)
{
	return hypot(a, b);
}
