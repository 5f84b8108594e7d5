/*
 * A stand-in for kernel/kproc.c, for the unit tests that link the
 * descriptor table without address spaces or vnodes: one process.
 */
#include "kernel/internal.h"

static struct fd_slot fds[FD_LIMIT];
static struct kproc first = { .fds = fds };

struct kproc *
kproc_current(void)
{
	return &first;
}
