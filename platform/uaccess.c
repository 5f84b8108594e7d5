/*
 * User-memory access (RawPointerProvider).  Ranges are checked against the
 * user address space here, with overflow in mind; the copy itself runs
 * with fault recovery (arch/usercopy.asm), and faults on valid but not
 * yet populated pages are resolved by demand paging in the trap handler.
 */
#include "platform/internal.h"
#include "arch/arch.h"

static bool
user_range_ok(uint64_t a, size_t n)
{
	if (n == 0)
		return true;
	return a >= PLAT_USER_MIN && a < PLAT_USER_END &&
	    n <= PLAT_USER_END - a;
}

int
plat_copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return arch_copy_from_user(dst, (const void *)usrc, n) ? -EFAULT : 0;
}

int
plat_copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return arch_copy_to_user((void *)udst, src, n) ? -EFAULT : 0;
}

int
plat_clear_user(uint64_t udst, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return arch_clear_user((void *)udst, n) ? -EFAULT : 0;
}

long
plat_strncpy_from_user(char *dst, uint64_t usrc, size_t max)
{
	size_t avail;
	long len;

	if (max == 0 || usrc < PLAT_USER_MIN || usrc >= PLAT_USER_END)
		return -EFAULT;
	/* Never scan past the end of user space. */
	avail = PLAT_USER_END - usrc;
	len = arch_strnlen_user((const char *)usrc,
	    max - 1 < avail - 1 ? max - 1 : avail - 1);
	if (len < 0)
		return -EFAULT;
	if ((size_t)len >= max)
		return -ENAMETOOLONG;
	if ((size_t)len == avail)
		return -EFAULT;
	if (arch_copy_from_user(dst, (const void *)usrc, (size_t)len))
		return -EFAULT;
	dst[len] = '\0';
	return len;
}
