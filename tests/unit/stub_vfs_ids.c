/*
 * A recording stand-in for kernel/vnode.c's vfs_set_ids, for the shim
 * tests that link shim/proc.c without the file tree.
 */
#include <stdint.h>

void vfs_set_ids(uint32_t fsuid, uint32_t fsgid);

uint32_t stub_vfs_uid, stub_vfs_gid;

void
vfs_set_ids(uint32_t fsuid, uint32_t fsgid)
{
	stub_vfs_uid = fsuid;
	stub_vfs_gid = fsgid;
}
