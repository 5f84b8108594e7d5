/*
 * sysinfo: uname, sysinfo, sched_getaffinity and sched_yield.  Host
 * specific values (release, node name, memory size, CPU count, uptime) are
 * not printed; what every Linux x86_64 system shares is, and the rest is
 * checked for consistency.
 */
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include "guest.h"

static long
uname_at(void *p)
{
	return SYS1(SYS_uname, p);
}

static long
sysinfo_at(void *p)
{
	return SYS1(SYS_sysinfo, p);
}

static long
affinity_at(void *p)
{
	return SYS3(SYS_sched_getaffinity, 0, 8, p);
}

static void
test_uname(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	memset(&u, 0x7f, sizeof(u));
	expect_val("uname", SYS1(SYS_uname, &u), 0);
	out("uname sysname=%s machine=%s\n", u.sysname, u.machine);
	check("release is N.N...", sscanf(u.release, "%d.%d", &major,
	    &minor) == 2);
	check("release >= 3.2", major > 3 || (major == 3 && minor >= 2));
	check("version non-empty", u.version[0] != '\0');
	check("nodename non-empty", u.nodename[0] != '\0');
	check("fields NUL-terminated",
	    memchr(u.nodename, 0, sizeof(u.nodename)) != NULL &&
	    memchr(u.release, 0, sizeof(u.release)) != NULL &&
	    memchr(u.version, 0, sizeof(u.version)) != NULL &&
	    memchr(u.domainname, 0, sizeof(u.domainname)) != NULL);
	expect_efault_all("uname", uname_at, sizeof(u), PTR_OUT);
}

static void
test_sysinfo(void)
{
	struct sysinfo si;
	unsigned long unit;

	memset(&si, 0x7f, sizeof(si));
	expect_val("sysinfo", SYS1(SYS_sysinfo, &si), 0);
	unit = si.mem_unit;
	check("mem_unit >= 1", unit >= 1);
	check("totalram >= 16 MiB", si.totalram * unit >= 16UL << 20);
	check("freeram <= totalram", si.freeram <= si.totalram);
	check("uptime >= 0", (long)si.uptime >= 0);
	check("procs >= 1", si.procs >= 1);
	/* musl pads struct sysinfo; the kernel writes 112 bytes. */
	expect_efault_all("sysinfo", sysinfo_at, 112, PTR_OUT);
}

static void
test_affinity(void)
{
	unsigned long mask[16];
	long ret;
	int cpus = 0;

	memset(mask, 0, sizeof(mask));
	ret = SYS3(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	check("sched_getaffinity returns a size",
	    ret > 0 && ret % 8 == 0 && ret <= (long)sizeof(mask));
	for (int i = 0; i < 16; i++)
		cpus += __builtin_popcountl(mask[i]);
	check("at least one CPU", cpus >= 1);
	check("by own pid", SYS3(SYS_sched_getaffinity, SYS0(SYS_getpid),
	    sizeof(mask), mask) == ret);
	expect_err("length 0", SYS3(SYS_sched_getaffinity, 0, 0, mask), EINVAL);
	expect_err("length 4", SYS3(SYS_sched_getaffinity, 0, 4, mask), EINVAL);
	expect_err("pid 999999", SYS3(SYS_sched_getaffinity, 999999,
	    sizeof(mask), mask), ESRCH);
	expect_efault_all("sched_getaffinity", affinity_at, 8, PTR_OUT);
	expect_val("sched_yield", SYS0(SYS_sched_yield), 0);
	for (int i = 0; i < 1000; i++)
		ret = SYS0(SYS_sched_yield);
	expect_val("sched_yield x1000", ret, 0);
}

int
main(void)
{
	test_uname();
	test_sysinfo();
	test_affinity();
	return finish();
}
