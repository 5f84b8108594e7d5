/*
 * Memory syscalls: flag decoding and Linux's argument rules; the address
 * space logic itself is kernel/vm.c.  File mappings share the file's
 * pages, mapped at mmap time (mmap_file).
 */
#include "shim/internal.h"

#define MAP_SHARED		0x01
#define MAP_PRIVATE		0x02
#define MAP_SHARED_VALIDATE	0x03
#define MAP_TYPE		0x0f
#define MAP_FIXED		0x10
#define MAP_ANONYMOUS		0x20
#define MAP_GROWSDOWN		0x100
#define MAP_DENYWRITE		0x800
#define MAP_EXECUTABLE		0x1000
#define MAP_LOCKED		0x2000
#define MAP_NORESERVE		0x4000
#define MAP_POPULATE		0x8000
#define MAP_NONBLOCK		0x10000
#define MAP_STACK		0x20000
#define MAP_HUGETLB		0x40000
#define MAP_SYNC		0x80000
#define MAP_FIXED_NOREPLACE	0x100000
#define MAP_UNINITIALIZED	0x4000000
/* Flags MAP_SHARED_VALIDATE checks for (Linux's LEGACY_MAP_MASK + ours). */
#define MAP_KNOWN	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | \
	MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | \
	MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | \
	MAP_HUGETLB | MAP_FIXED_NOREPLACE | MAP_UNINITIALIZED)
#define PROT_GROWSDOWN		0x01000000
#define PROT_GROWSUP		0x02000000

#define EOVERFLOW	75

/*
 * Map the pages of [addr, addr + len) from f at off: the file's own
 * pages, shared copy-on-write (vm_map_from_file).  Pages past the end
 * of the file stay unmapped: zero pages come on demand.
 */
static long
fill_from_file(struct file *f, uint64_t addr, uint64_t len, uint64_t off)
{
	for (uint64_t done = 0; done < len; done += PAGE_SIZE) {
		int rc = vm_map_from_file(addr + done, f, off + done);

		if (rc != 0)
			return rc > 0 ? 0 : rc;
	}
	return 0;
}

/*
 * A file mapping: the file's pages, mapped at mmap time and shared
 * with the file's page cache and every other mapping of them until
 * written (copy-on-write), so later writes to the file show through
 * the pages not yet written, as on Linux.  A shared mapping that may
 * write would have to reach the file: ENODEV, said once.  /dev/zero
 * maps as anonymous memory, as on Linux.
 */
static long
mmap_file(uint64_t addr, uint64_t len, unsigned prot, uint64_t flags,
    unsigned vmflags, int fd, uint64_t off)
{
	static bool logged;
	struct file *f = fd_get(fd);
	uint32_t acc;
	long rc;

	if (f == NULL)
		return -EBADF;
	acc = f->flags & O_ACCMODE;
	if (vfs_file_is_devzero(f))
		rc = 0;
	else if (f->flags & O_PATH)
		rc = -EBADF;
	else if (acc == O_WRONLY || ((flags & MAP_TYPE) != MAP_PRIVATE &&
	    (prot & PROT_WRITE) && acc != O_RDWR))
		rc = -EACCES;
	else if (f->ops->pread == NULL)
		rc = -ENODEV;
	else if (off + PAGE_ALIGN_UP(len) < off)
		rc = -EOVERFLOW;
	else if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE))
		rc = -ENODEV;
	else
		rc = 1;
	if (rc == -ENODEV && f->ops->pread != NULL && !logged) {
		logged = true;
		klog("shim: writable shared file mappings are not supported: "
		    "ENODEV (logged once)");
	}
	if (rc <= 0) {
		file_put(f);
		return rc < 0 ? rc : vm_mmap(addr, len, prot, vmflags);
	}
	rc = vm_mmap_file(addr, len, prot, vmflags, f, off);
	if (rc >= 0) {
		long frc = fill_from_file(f, (uint64_t)rc, PAGE_ALIGN_UP(len),
		    off);

		if (frc != 0) {
			vm_munmap((uint64_t)rc, len);
			rc = frc;
		}
	}
	file_put(f);
	return rc;
}

long
sys_mmap(SYSCALL_ARGS)
{
	uint64_t addr = a0, len = a1, flags = a3, fd = a4, off = a5;
	unsigned prot = (unsigned)a2, vmflags = 0;

	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_PRIVATE:
		break;
	case MAP_SHARED_VALIDATE:
		if (flags & ~MAP_KNOWN)
			return -EOPNOTSUPP;
		break;
	default:
		return -EINVAL;
	}
	if (flags & MAP_HUGETLB)
		return -ENOMEM;		/* no huge page pool */
	if (flags & MAP_FIXED)
		vmflags |= VM_FIXED;
	if (flags & MAP_FIXED_NOREPLACE)
		vmflags |= VM_FIXED_NOREPLACE;
	if (flags & MAP_NORESERVE)
		vmflags |= VM_NORESERVE;
	if (!(flags & MAP_ANONYMOUS))
		return mmap_file(addr, len, prot, flags, vmflags, (int)fd, off);
	/* Anonymous shared memory: one process, so private suffices. */
	return vm_mmap(addr, len, prot, vmflags);
}

long
sys_munmap(SYSCALL_ARGS)
{
	return vm_munmap(a0, a1);
}

long
sys_mprotect(SYSCALL_ARGS)
{
	unsigned prot = (unsigned)a2;

	if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP))
		return -EINVAL;
	return vm_mprotect(a0, a1, prot & ~(PROT_GROWSDOWN | PROT_GROWSUP));
}

long
sys_mremap(SYSCALL_ARGS)
{
	return vm_mremap(a0, a1, a2, (unsigned)a3, a4);
}

long
sys_brk(SYSCALL_ARGS)
{
	return vm_brk(a0);
}

#define MADV_NORMAL		0
#define MADV_DONTNEED		4
#define MADV_FREE		8
#define MADV_REMOVE		9
#define MADV_HWPOISON		100

/* Advice we accept as a no-op: 0-3, 10-25 except the destructive ones. */
static bool
advice_known(uint64_t advice)
{
	return advice <= 3 || (advice >= 10 && advice <= 25);
}

long
sys_madvise(SYSCALL_ARGS)
{
	uint64_t start = a0, len = a1, advice = a2, end;

	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (advice != MADV_DONTNEED && advice != MADV_FREE &&
	    advice != MADV_REMOVE && !advice_known(advice))
		return -EINVAL;
	end = start + ((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
	if (end < start || (len != 0 && end == start))
		return -EINVAL;		/* the length wrapped */
	if (end == start)
		return 0;
	if (advice == MADV_REMOVE)
		return -EINVAL;		/* private mappings only */
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		return vm_madvise_dontneed(start, end - start);
	for (uint64_t a = start; a < end; ) {
		const struct vm_region *r = vm_find(a);

		if (r == NULL)
			return -ENOMEM;
		a = r->end;
	}
	return 0;
}
