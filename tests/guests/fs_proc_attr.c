/*
 * fs_proc_attr: chmod, fchmod, fchmodat and chown on /proc, as Linux.
 * The process's own entries (/proc/self, its files and fd directory)
 * refuse a new mode with EPERM, even for root, and accept an owner;
 * the system's entries and /proc itself take root's changes and keep
 * them (so this test only ever gives them the mode and owner they
 * already have: natively it runs on the host's real /proc).  Without
 * root (an effective uid of 65534), every change is EPERM.  A magic
 * link, /proc/self/fd/N, leads to the file itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "guest.h"

#define NOBODY	65534

static unsigned
mode_of(const char *p)
{
	struct stat st;

	if (SYS2(SYS_stat, p, &st) != 0)
		return 0;
	return st.st_mode & 07777;
}

/* The system's entries: root's chmod and chown succeed and stay. */
static void
test_system_entries(void)
{
	unsigned m = mode_of("/proc/meminfo");
	struct stat st;
	long fd;

	expect_ok("chmod /proc/meminfo (its own mode)",
	    SYS2(SYS_chmod, "/proc/meminfo", m));
	check("mode unchanged", mode_of("/proc/meminfo") == m);
	fd = SYS2(SYS_open, "/proc/meminfo", O_RDONLY);
	expect_ok("fchmod /proc/meminfo", SYS2(SYS_fchmod, fd, m));
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_ok("fchown /proc/meminfo (its own owner)",
	    SYS3(SYS_fchown, fd, st.st_uid, st.st_gid));
	SYS1(SYS_close, fd);
	expect_ok("chown /proc/cpuinfo -1 -1",
	    SYS3(SYS_chown, "/proc/cpuinfo", -1, -1));
	m = mode_of("/proc");
	expect_ok("chmod /proc (its own mode)", SYS2(SYS_chmod, "/proc", m));
	check("/proc mode unchanged", mode_of("/proc") == m);
}

/* The process's own entries: no mode change, even for root. */
static void
test_pid_entries(void)
{
	struct stat st;
	long fd;

	expect_err("chmod /proc/self/status", SYS2(SYS_chmod,
	    "/proc/self/status", 0444), EPERM);
	expect_err("chmod /proc/self/stat 0600", SYS2(SYS_chmod,
	    "/proc/self/stat", 0600), EPERM);
	expect_err("fchmodat /proc/self/statm", SYS4(SYS_fchmodat,
	    AT_FDCWD, "/proc/self/statm", 0444, 0), EPERM);
	expect_err("chmod /proc/self (its directory)", SYS2(SYS_chmod,
	    "/proc/self", 0555), EPERM);
	expect_err("chmod /proc/self/fd", SYS2(SYS_chmod, "/proc/self/fd",
	    0500), EPERM);
	fd = SYS2(SYS_open, "/proc/self/status", O_RDONLY);
	expect_err("fchmod /proc/self/status", SYS2(SYS_fchmod, fd, 0444),
	    EPERM);
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_ok("fchown /proc/self/status (its own owner)",
	    SYS3(SYS_fchown, fd, st.st_uid, st.st_gid));
	SYS1(SYS_close, fd);
	check("/proc/self/status still 0444",
	    mode_of("/proc/self/status") == 0444);
}

/* /proc/self/fd/N leads to the open file: chmod changes that file. */
static void
test_magic_link(void)
{
	const char *path = "/tmp/fs_proc_attr.tmp";
	char link[64];
	struct stat st;
	long fd;

	SYS1(SYS_unlink, path);
	fd = SYS3(SYS_open, path, O_CREAT | O_RDWR | O_EXCL, 0644);
	expect_ok("create a file in /tmp", fd);
	if (fd < 0)
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%ld", fd);
	expect_ok("chmod /proc/self/fd/N", SYS2(SYS_chmod, link, 0600));
	expect_ok("fstat the file", SYS2(SYS_fstat, fd, &st));
	check("the file is 0600 now", (st.st_mode & 07777) == 0600);
	SYS1(SYS_close, fd);
	SYS1(SYS_unlink, path);
}

/* Not root: the owner of everything here is someone else. */
static void
test_not_root(void)
{
	unsigned m = mode_of("/proc/meminfo");

	expect_ok("seteuid nobody (saved uid kept)",
	    SYS3(SYS_setresuid, -1, NOBODY, -1));
	expect_err("chmod /proc/meminfo", SYS2(SYS_chmod, "/proc/meminfo", m),
	    EPERM);
	expect_err("chown /proc/meminfo", SYS3(SYS_chown, "/proc/meminfo",
	    NOBODY, NOBODY), EPERM);
	expect_err("chmod /proc", SYS2(SYS_chmod, "/proc", mode_of("/proc")),
	    EPERM);
	expect_err("chmod /proc/self/status", SYS2(SYS_chmod,
	    "/proc/self/status", 0444), EPERM);
	expect_ok("back to root", SYS3(SYS_setresuid, -1, 0, -1));
	check("/proc/meminfo mode unchanged", mode_of("/proc/meminfo") == m);
}

int
main(void)
{
	if (SYS0(SYS_geteuid) != 0) {
		out("fs_proc_attr: needs root (natively too)\n");
		return 1;
	}
	test_system_entries();
	test_pid_entries();
	test_magic_link();
	test_not_root();
	return finish();
}
