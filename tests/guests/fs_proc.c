/*
 * fs_proc: the device nodes and /proc, checked for what is the same on
 * any Linux: /dev/null, zero, full, urandom, /dev/fd and /proc/self/fd
 * links (reopening, readlink of files opened here), /proc/self/exe,
 * cmdline, comm, stat, status, maps, and the format of meminfo and
 * cpuinfo.  Values that differ between machines (pids, sizes, CPU
 * names) are not printed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "guest.h"

static char buf[65536];

static long
open3(const char *p, int flags, int mode)
{
	return SYS4(SYS_openat, AT_FDCWD, p, flags, mode);
}

/* The whole of a /proc file (read in small pieces, as tools do). */
static long
slurp(const char *p)
{
	return guest_read_file(p, buf, sizeof(buf));
}

static void
test_devices(void)
{
	char b[64];
	long fd;
	int zero = 1, nonzero = 0;
	struct stat st;

	fd = open3("/dev/null", O_RDWR, 0);
	expect_val("read /dev/null", SYS3(SYS_read, fd, b, sizeof(b)), 0);
	expect_val("write /dev/null", SYS3(SYS_write, fd, b, sizeof(b)),
	    sizeof(b));
	expect_ok("fstat /dev/null", SYS2(SYS_fstat, fd, &st));
	check("/dev/null is char 1:3", S_ISCHR(st.st_mode) &&
	    st.st_rdev == makedev(1, 3));
	SYS1(SYS_close, fd);
	fd = open3("/dev/zero", O_RDONLY, 0);
	memset(b, 'x', sizeof(b));
	expect_val("read /dev/zero", SYS3(SYS_read, fd, b, sizeof(b)),
	    sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		zero &= b[i] == 0;
	check("zeros", zero);
	SYS1(SYS_close, fd);
	fd = open3("/dev/full", O_WRONLY, 0);
	expect_err("write /dev/full", SYS3(SYS_write, fd, b, 1), ENOSPC);
	SYS1(SYS_close, fd);
	fd = open3("/dev/urandom", O_RDONLY, 0);
	expect_val("read /dev/urandom", SYS3(SYS_read, fd, b, 32), 32);
	for (int i = 0; i < 32; i++)
		nonzero |= b[i];
	check("random bytes", nonzero != 0);
	SYS1(SYS_close, fd);
	expect_ok("stat /dev/random", SYS2(SYS_stat, "/dev/random", &st));
	check("/dev/random is char 1:8", st.st_rdev == makedev(1, 8));
	fd = open3("/dev/fd/1", O_WRONLY, 0);
	expect_ok("open /dev/fd/1", fd);
	SYS3(SYS_write, fd, "written through /dev/fd/1\n", 26);
	SYS1(SYS_close, fd);
	fd = open3("/dev/stdout", O_WRONLY, 0);
	expect_ok("open /dev/stdout", fd);
	SYS3(SYS_write, fd, "written through /dev/stdout\n", 28);
	SYS1(SYS_close, fd);
	expect_ok("lstat /dev/stdin", SYS2(SYS_lstat, "/dev/stdin", &st));
	check("/dev/stdin is a symlink", S_ISLNK(st.st_mode));
}

static void
test_fd_links(void)
{
	long fd = open3("data/a.txt", O_RDONLY, 0), fd2, n;
	char p[64], link[4096];
	struct stat a, b;

	snprintf(p, sizeof(p), "/proc/self/fd/%ld", fd);
	n = SYS3(SYS_readlink, p, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	check("fd link ends in /data/a.txt", n >= 11 &&
	    strcmp(link + n - 11, "/data/a.txt") == 0);
	fd2 = open3(p, O_RDONLY, 0);
	expect_ok("reopen through /proc/self/fd", fd2);
	expect_val("its own offset", SYS3(SYS_read, fd2, buf, 100), 6);
	expect_ok("fstat both", SYS2(SYS_fstat, fd, &a) |
	    SYS2(SYS_fstat, fd2, &b));
	check("the same file", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	SYS1(SYS_close, fd2);
	snprintf(p, sizeof(p), "/dev/fd/%ld", fd);
	expect_ok("stat /dev/fd/N", SYS2(SYS_stat, p, &b));
	check("same inode", a.st_ino == b.st_ino);
	SYS1(SYS_close, fd);
	expect_err("stat closed fd link", SYS2(SYS_stat, p, &b), ENOENT);
	expect_err("fd link to nothing", SYS2(SYS_stat,
	    "/proc/self/fd/999", &b), ENOENT);
	fd = SYS4(SYS_openat, AT_FDCWD, "/proc/self/fd", O_RDONLY |
	    O_DIRECTORY, 0);
	expect_ok("open /proc/self/fd", fd);
	SYS1(SYS_close, fd);
}

/* Is there a line starting with key in buf? */
static int
has_line(const char *key)
{
	size_t n = strlen(key);

	for (const char *s = buf; s != NULL && *s != '\0'; ) {
		if (strncmp(s, key, n) == 0)
			return 1;
		s = strchr(s, '\n');
		if (s != NULL)
			s++;
	}
	return 0;
}

static void
test_self(int argc, char **argv)
{
	char link[4096];
	long n;
	struct stat st;
	const char *base = strrchr(argv[0], '/');
	size_t blen;

	base = base != NULL ? base + 1 : argv[0];
	blen = strlen(base) < 15 ? strlen(base) : 15;
	n = SYS3(SYS_readlink, "/proc/self/exe", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	check("exe is absolute", n > 0 && link[0] == '/');
	check("exe names this program", n > 0 &&
	    strcmp(strrchr(link, '/') + 1, base) == 0);
	n = slurp("/proc/self/exe");
	check("exe opens as the ELF", n > 4 && memcmp(buf, "\177ELF", 4) == 0);
	n = slurp("/proc/self/cmdline");
	check("cmdline", n == (long)strlen(argv[0]) + 1 + 4 &&
	    strcmp(buf, argv[0]) == 0 && strcmp(buf + strlen(argv[0]) + 1,
	    "arg") == 0 && argc == 2);
	n = slurp("/proc/self/comm");
	check("comm", n > 0 && strncmp(buf, base, blen) == 0 &&
	    buf[blen] == '\n');
	n = slurp("/proc/self/status");
	check("status Name", has_line("Name:\t") && strncmp(buf + 6, base,
	    blen) == 0 && buf[6 + blen] == '\n');
	check("status Umask", has_line("Umask:\t0022"));
	check("status State running", has_line("State:\tR (running)"));
	check("status Pid", has_line("Pid:\t"));
	check("status PPid", has_line("PPid:\t"));
	check("status Uid", has_line("Uid:\t"));
	check("status Threads 1", has_line("Threads:\t1\n"));
	check("status VmRSS", has_line("VmRSS:\t"));
	check("status VmSize", has_line("VmSize:\t"));
	n = slurp("/proc/self/stat");
	check("stat (comm) R", n > 0 && strstr(buf, ") R ") != NULL &&
	    strncmp(strchr(buf, '(') + 1, base, strlen(base) < 15 ?
	    strlen(base) : 15) == 0);
	n = slurp("/proc/self/maps");
	check("maps has the stack", strstr(buf, "[stack]\n") != NULL);
	check("maps names the program", strstr(buf, base) != NULL);
	check("maps line format", n > 30 && buf[8] == '-' && buf[17] == ' ');
	n = slurp("/proc/self/statm");
	check("statm", n > 0 && buf[n - 1] == '\n');
	n = SYS3(SYS_readlink, "/proc/self", link, sizeof(link));
	check("/proc/self is a link to a number", n > 0 && link[0] >= '1' &&
	    link[0] <= '9');
	n = SYS3(SYS_readlink, "/proc/self/cwd", link, sizeof(link));
	check("/proc/self/cwd", n > 0 && link[0] == '/');
	n = open3("/proc/meminfo", O_WRONLY, 0);
	expect_ok("root opens /proc/meminfo to write", n);
	expect_err("but cannot write it", SYS3(SYS_write, n, "x", 1), EIO);
	SYS1(SYS_close, n);
	expect_err("create in /proc", open3("/proc/new", O_CREAT | O_WRONLY,
	    0644), ENOENT);
	expect_err("unlink in /proc", SYS1(SYS_unlink, "/proc/meminfo"),
	    EPERM);
	/* Root's chmod of a system entry stays (natively too): same mode. */
	expect_ok("chmod in /proc", SYS2(SYS_chmod, "/proc/meminfo",
	    stat("/proc/meminfo", &st) == 0 ? st.st_mode & 07777 : 0444));
}

static void
test_system(void)
{
	long n = slurp("/proc/meminfo");

	check("meminfo MemTotal", has_line("MemTotal:       ") &&
	    strstr(buf, " kB\n") != NULL);
	check("meminfo MemFree", has_line("MemFree:"));
	check("meminfo MemAvailable", has_line("MemAvailable:"));
	n = slurp("/proc/cpuinfo");
	check("cpuinfo processor 0", n > 0 && has_line("processor\t: 0\n"));
	check("cpuinfo vendor_id", has_line("vendor_id\t: "));
	check("cpuinfo cpu family", has_line("cpu family\t: "));
	check("cpuinfo model name", has_line("model name\t: "));
	check("cpuinfo flags fpu", has_line("flags\t\t: fpu "));
	check("cpuinfo bogomips", has_line("bogomips\t: "));
	n = slurp("/proc/uptime");
	check("uptime", n > 0 && strchr(buf, '.') != NULL);
	expect_err("missing /proc entry", open3("/proc/self/nonexistent",
	    O_RDONLY, 0), ENOENT);
}

int
main(int argc, char **argv)
{
	if (SYS2(SYS_access, "FS_FIXTURE", F_OK) != 0) {
		out("not in the fs fixture: skipped\n");
		return 0;
	}
	test_devices();
	test_fd_links();
	test_self(argc, argv);
	test_system();
	return finish();
}
