/*
 * Stand-ins for shim/process.c, for the shim tests that link
 * shim/proc.c without processes: one process, the first, and
 * proc_exit ending the run as the real one does for it.
 */
#include "shim/internal.h"

static struct shim_proc first;

struct shim_proc *
shim_proc_init(void)
{
	return &first;
}

struct shim_proc *
shim_proc_boot(void)
{
	proc_free(&first);
	memset(&first, 0, sizeof(first));
	return &first;
}

struct shim_proc *
shim_proc_cur(void)
{
	return &first;
}

struct shim_proc *
shim_proc_first(void)
{
	return &first;
}

struct shim_proc *
shim_proc_find(int pid)
{
	return pid == first.pid ? &first : NULL;
}

void
proc_exit(int wstatus)
{
	int sig = wstatus & 0x7f;

	plat_exit(sig != 0 ? 128 + sig : (wstatus >> 8) & 0xff);
}
