/*
 * Stand-ins for the kernel functions shim/proc.c calls, for the shim
 * tests that link it without the rest of the kernel: a recording
 * vfs_set_ids (kernel/vnode.c), and gdb_exit (kernel/gdb.c), which has
 * no debugger to tell here.
 */
#include <stdint.h>

void gdb_exit(int status, int sig);

void
gdb_exit(int status, int sig)
{
}

void vfs_set_ids(uint32_t fsuid, uint32_t fsgid);

uint32_t stub_vfs_uid, stub_vfs_gid;

void
vfs_set_ids(uint32_t fsuid, uint32_t fsgid)
{
	stub_vfs_uid = fsuid;
	stub_vfs_gid = fsgid;
}
