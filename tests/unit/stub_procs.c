/*
 * Stand-ins for shim/process.c, for the shim tests that link
 * shim/proc.c without processes: one process, the first, and
 * proc_exit ending the run as the real one does for it.
 */
#include "shim/internal.h"

struct shim_proc shim_first;	/* shim_proc_cur's (internal.h) */

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
	return &shim_first;
}

struct shim_proc *
shim_proc_first(void)
{
	return &shim_first;
}

struct shim_proc *
shim_proc_find(int pid)
{
	return pid == shim_first.pid ? &shim_first : NULL;
}

void
proc_exit(int wstatus)
{
	int sig = wstatus & 0x7f;

	plat_exit(sig != 0 ? 128 + sig : (wstatus >> 8) & 0xff);
}
