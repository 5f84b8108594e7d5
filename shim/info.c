/*
 * shim/info.c: what the guest can learn about its machine (uname,
 * sysinfo) and randomness (getrandom).  The release is a plausible Linux
 * version so that libcs and programs that check one are content.
 */
#include "shim/internal.h"

#define UTS_LEN		65
#define GRND_NONBLOCK	0x1
#define GRND_RANDOM	0x2
#define GRND_INSECURE	0x4
/* Linux's MAX_RW_COUNT (INT_MAX & PAGE_MASK): the most one call moves. */
#define MAX_RW_COUNT	0x7ffff000ull
#define RANDOM_CHUNK	256

struct linux_utsname {
	char sysname[UTS_LEN];
	char nodename[UTS_LEN];
	char release[UTS_LEN];
	char version[UTS_LEN];
	char machine[UTS_LEN];
	char domainname[UTS_LEN];
};

/* x86_64 layout; Linux copies all 112 bytes, padding included. */
struct linux_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram;
	uint64_t totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
};

_Static_assert(sizeof(struct linux_utsname) == 390, "struct new_utsname");
_Static_assert(sizeof(struct linux_sysinfo) == 112, "struct sysinfo");
_Static_assert(__builtin_offsetof(struct linux_sysinfo, procs) == 80,
    "sysinfo.procs");
_Static_assert(__builtin_offsetof(struct linux_sysinfo, mem_unit) == 104,
    "sysinfo.mem_unit");

static void
uts_set(char *field, const char *s)
{
	memcpy(field, s, strnlen(s, UTS_LEN - 1));
}

long
sys_uname(SYSCALL_ARGS)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	uts_set(u.sysname, "Linux");
	uts_set(u.nodename, "cloister");
	uts_set(u.release, "6.1.0-cloister");
	uts_set(u.version, "#1 SMP Cloister");
	uts_set(u.machine, "x86_64");
	uts_set(u.domainname, "(none)");
	return plat_copy_to_user(a0, &u, sizeof(u)) < 0 ? -EFAULT : 0;
}

/*
 * Memory in bytes (mem_unit 1), as a 64-bit Linux reports it; uptime in
 * seconds rounded up, as do_sysinfo does.  One process, no swap.
 */
long
sys_sysinfo(SYSCALL_ARGS)
{
	struct linux_sysinfo si;
	uint64_t up = plat_now_ns();

	memset(&si, 0, sizeof(si));
	si.uptime = up / 1000000000 + (up % 1000000000 != 0);
	si.totalram = plat_pages_total_count() * PAGE_SIZE;
	si.freeram = plat_pages_free_count() * PAGE_SIZE;
	si.procs = 1;
	si.mem_unit = 1;
	return plat_copy_to_user(a0, &si, sizeof(si)) < 0 ? -EFAULT : 0;
}

/*
 * Fill [ubuf, ubuf+len) in chunks that never cross a page, so a fault
 * part way leaves an exact count of bytes written.  Returns that count,
 * -EFAULT if it is 0, -EIO if the generator fails.
 */
static long
random_fill(uint64_t ubuf, uint64_t len)
{
	uint8_t kbuf[RANDOM_CHUNK];
	uint64_t done = 0, n;
	long ret = 0;

	while (done < len) {
		n = PAGE_SIZE - ((ubuf + done) & (PAGE_SIZE - 1));
		if (n > sizeof(kbuf))
			n = sizeof(kbuf);
		if (n > len - done)
			n = len - done;
		if (plat_crng_fill(kbuf, n) < 0) {
			ret = -EIO;
			break;
		}
		if (plat_copy_to_user(ubuf + done, kbuf, n) < 0) {
			ret = done > 0 ? 0 : -EFAULT;
			break;
		}
		done += n;
	}
	memset(kbuf, 0, sizeof(kbuf));
	__asm__ volatile ("" : : "r" (kbuf) : "memory");
	return ret < 0 ? ret : (long)done;
}

/*
 * GRND_INSECURE and GRND_RANDOM together make no sense (EINVAL).  The
 * generator is ready from boot, so no flag ever blocks.  Like Linux's
 * import_single_range, the length is cut to MAX_RW_COUNT and the whole
 * range must lie in user space before anything is written.
 */
long
sys_getrandom(SYSCALL_ARGS)
{
	uint32_t flags = (uint32_t)a2;
	uint64_t len = a1;

	if (flags & ~(uint32_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) ==
	    (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (len == 0)
		return 0;
	if (a0 >= PLAT_USER_END || len > PLAT_USER_END - a0)
		return -EFAULT;
	return random_fill(a0, len);
}
