/*
 * fs_meta: metadata over the fs fixture: chmod/fchmod/fchmodat, chown
 * to the caller's own ids, the utime family (explicit times, UTIME_NOW,
 * UTIME_OMIT, futimens, utimes, utime), the umask on created files and
 * directories, statfs/fstatfs, and the sync family.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "guest.h"

#ifndef UTIME_NOW
#define UTIME_NOW	((1l << 30) - 1l)
#define UTIME_OMIT	((1l << 30) - 2l)
#endif

static long
open3(const char *p, int flags, int mode)
{
	return SYS4(SYS_openat, AT_FDCWD, p, flags, mode);
}

static unsigned
mode_of(const char *p)
{
	struct stat st;

	if (SYS4(SYS_newfstatat, AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return 0;
	return st.st_mode;
}

static void
test_chmod(void)
{
	long fd;

	expect_ok("chmod a fixture file", SYS2(SYS_chmod, "hello.txt", 0600));
	expect_val("its mode", mode_of("hello.txt"), S_IFREG | 0600);
	expect_ok("chmod with set-id and sticky bits", SYS2(SYS_chmod,
	    "data/a.txt", 07755));
	expect_val("kept", mode_of("data/a.txt"), S_IFREG | 07755);
	expect_ok("chmod a dir", SYS2(SYS_chmod, "data", 0700));
	expect_val("dir mode", mode_of("data"), S_IFDIR | 0700);
	expect_ok("chmod through a symlink", SYS2(SYS_chmod, "link-to-hello",
	    0640));
	expect_val("the target changed", mode_of("hello.txt"), S_IFREG | 0640);
	expect_val("the link did not", mode_of("link-to-hello"), S_IFLNK | 0777);
	expect_err("chmod missing", SYS2(SYS_chmod, "nope", 0644), ENOENT);
	fd = open3("data/b.txt", O_RDONLY, 0);
	expect_ok("fchmod", SYS2(SYS_fchmod, fd, 0604));
	expect_val("fchmod mode", mode_of("data/b.txt"), S_IFREG | 0604);
	SYS1(SYS_close, fd);
	fd = open3("data/b.txt", O_PATH, 0);
	expect_err("fchmod O_PATH", SYS2(SYS_fchmod, fd, 0600), EBADF);
	SYS1(SYS_close, fd);
	expect_err("fchmod bad fd", SYS2(SYS_fchmod, 999, 0600), EBADF);
	expect_ok("fchmodat", SYS3(SYS_fchmodat, AT_FDCWD, "data/c.txt",
	    0400));
	expect_val("fchmodat mode", mode_of("data/c.txt"), S_IFREG | 0400);
}

static void
test_chown(void)
{
	long uid = SYS0(SYS_getuid), gid = SYS0(SYS_getgid);
	struct stat st;
	long fd;

	expect_ok("chown to own ids", SYS3(SYS_chown, "hello.txt", uid, gid));
	expect_ok("stat", SYS2(SYS_stat, "hello.txt", &st));
	check("owner", st.st_uid == (uid_t)uid && st.st_gid == (gid_t)gid);
	expect_ok("chown -1 -1", SYS3(SYS_chown, "hello.txt", -1, -1));
	expect_ok("lchown a symlink", SYS3(SYS_lchown, "abs-link", uid, gid));
	expect_err("chown a dangling link", SYS3(SYS_chown, "abs-link", uid,
	    gid), ENOENT);
	fd = open3("data/b.txt", O_RDONLY, 0);
	expect_ok("fchown", SYS3(SYS_fchown, fd, uid, gid));
	SYS1(SYS_close, fd);
	expect_ok("fchownat nofollow", SYS5(SYS_fchownat, AT_FDCWD,
	    "link-to-data", uid, gid, AT_SYMLINK_NOFOLLOW));
	expect_err("fchownat bad flags", SYS5(SYS_fchownat, AT_FDCWD,
	    "hello.txt", uid, gid, 0x1), EINVAL);
}

static void
test_times(void)
{
	struct timespec ts[2] = { { 1234567890, 123456789 },
	    { 1111111111, 987654321 } };
	struct timeval tv[2] = { { 2000000000, 5 }, { 2100000000, 6 } };
	long ut[2] = { 300000000, 400000000 };
	struct stat st;
	long fd;

	expect_ok("utimensat", SYS4(SYS_utimensat, AT_FDCWD, "hello.txt", ts,
	    0));
	expect_ok("stat", SYS2(SYS_stat, "hello.txt", &st));
	check("atime", st.st_atim.tv_sec == 1234567890 &&
	    st.st_atim.tv_nsec == 123456789);
	check("mtime", st.st_mtim.tv_sec == 1111111111 &&
	    st.st_mtim.tv_nsec == 987654321);
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 5;
	ts[1].tv_nsec = 0;
	expect_ok("UTIME_OMIT", SYS4(SYS_utimensat, AT_FDCWD, "hello.txt", ts,
	    0));
	expect_ok("stat", SYS2(SYS_stat, "hello.txt", &st));
	check("atime kept", st.st_atim.tv_sec == 1234567890);
	check("mtime set", st.st_mtim.tv_sec == 5);
	ts[1].tv_nsec = UTIME_NOW;
	expect_ok("UTIME_NOW", SYS4(SYS_utimensat, AT_FDCWD, "hello.txt", ts,
	    0));
	expect_ok("stat", SYS2(SYS_stat, "hello.txt", &st));
	check("mtime is now", st.st_mtim.tv_sec > 1600000000);
	ts[1].tv_nsec = 1000000000;
	expect_err("bad nsec", SYS4(SYS_utimensat, AT_FDCWD, "hello.txt", ts,
	    0), EINVAL);
	expect_ok("utimensat NULL times", SYS4(SYS_utimensat, AT_FDCWD,
	    "data/a.txt", NULL, 0));
	expect_ok("stat", SYS2(SYS_stat, "data/a.txt", &st));
	check("both now", st.st_mtim.tv_sec > 1600000000 &&
	    st.st_atim.tv_sec > 1600000000);
	ts[0].tv_sec = 42, ts[0].tv_nsec = 0;
	ts[1].tv_sec = 43, ts[1].tv_nsec = 0;
	expect_ok("utimensat nofollow", SYS4(SYS_utimensat, AT_FDCWD,
	    "link-to-hello", ts, AT_SYMLINK_NOFOLLOW));
	expect_ok("lstat", SYS2(SYS_lstat, "link-to-hello", &st));
	check("the link's mtime", st.st_mtim.tv_sec == 43);
	fd = open3("data/b.txt", O_RDONLY, 0);
	expect_ok("futimens", SYS4(SYS_utimensat, fd, NULL, ts, 0));
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	check("futimens mtime", st.st_mtim.tv_sec == 43);
	SYS1(SYS_close, fd);
	expect_ok("utimes", SYS2(SYS_utimes, "data/c.txt", tv));
	expect_ok("stat", SYS2(SYS_stat, "data/c.txt", &st));
	check("utimes times", st.st_atim.tv_sec == 2000000000 &&
	    st.st_atim.tv_nsec == 5000 && st.st_mtim.tv_sec == 2100000000 &&
	    st.st_mtim.tv_nsec == 6000);
	tv[0].tv_usec = 1000000;
	expect_err("utimes bad usec", SYS2(SYS_utimes, "data/c.txt", tv),
	    EINVAL);
	expect_ok("utime", SYS2(SYS_utime, "data/c.txt", ut));
	expect_ok("stat", SYS2(SYS_stat, "data/c.txt", &st));
	check("utime times", st.st_atime == 300000000 &&
	    st.st_mtime == 400000000);
	expect_err("utimensat missing", SYS4(SYS_utimensat, AT_FDCWD, "nope",
	    NULL, 0), ENOENT);
}

static void
test_umask(void)
{
	long old = SYS1(SYS_umask, 077), fd;

	expect_val("old umask", old, 022);
	fd = open3("private.txt", O_CREAT | O_WRONLY, 0666);
	SYS1(SYS_close, fd);
	expect_val("file mode", mode_of("private.txt"), S_IFREG | 0600);
	SYS2(SYS_mkdir, "private", 0777);
	expect_val("dir mode", mode_of("private"), S_IFDIR | 0700);
	SYS2(SYS_symlink, "x", "private-link");
	expect_val("symlink mode", mode_of("private-link"), S_IFLNK | 0777);
	SYS1(SYS_umask, 0);
	fd = open3("open.txt", O_CREAT | O_WRONLY, 0666);
	SYS1(SYS_close, fd);
	expect_val("umask 0", mode_of("open.txt"), S_IFREG | 0666);
	SYS1(SYS_umask, 022);
}

static void
test_statfs_sync(void)
{
	struct statfs_raw {
		long type, bsize;
		unsigned long blocks, bfree, bavail, files, ffree;
		int fsid[2];
		long namelen, frsize, flags, spare[4];
	} sf;
	int p[2];
	long fd;

	expect_ok("statfs", SYS2(SYS_statfs, ".", &sf));
	check("namelen 255", sf.namelen == 255);
	check("block size", sf.bsize > 0);
	expect_err("statfs missing", SYS2(SYS_statfs, "nope", &sf), ENOENT);
	fd = open3("hello.txt", O_RDWR, 0);
	expect_ok("fstatfs", SYS2(SYS_fstatfs, fd, &sf));
	expect_ok("fsync", SYS1(SYS_fsync, fd));
	expect_ok("fdatasync", SYS1(SYS_fdatasync, fd));
	expect_ok("syncfs", SYS1(SYS_syncfs, fd));
	SYS1(SYS_close, fd);
	expect_err("fsync bad fd", SYS1(SYS_fsync, 999), EBADF);
	expect_err("fstatfs bad fd", SYS2(SYS_fstatfs, 999, &sf), EBADF);
	SYS1(SYS_pipe, p);
	expect_err("fsync a pipe", SYS1(SYS_fsync, p[0]), EINVAL);
	expect_ok("sync", SYS0(SYS_sync));
	expect_ok("statfs /proc", SYS2(SYS_statfs, "/proc", &sf));
	expect_val("proc magic", sf.type, 0x9fa0);
}

int
main(void)
{
	if (SYS2(SYS_access, "FS_FIXTURE", F_OK) != 0) {
		out("not in the fs fixture: skipped\n");
		return 0;
	}
	test_chmod();
	test_chown();
	test_times();
	test_umask();
	test_statfs_sync();
	return finish();
}
