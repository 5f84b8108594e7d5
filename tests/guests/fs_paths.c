/*
 * fs_paths: path resolution and the calls that make, remove and rename
 * names, over the fs fixture: ".", "..", "//", trailing slashes, names
 * of 255 and 256 bytes, paths of 4096 bytes, symlink loops and chains
 * (ELOOP after 40), readlink, *at calls with directory descriptors,
 * chdir/fchdir/getcwd, mkdir/rmdir/unlink/link/symlink/rename(at2) and
 * their errors, and removing or renaming names that came with the root
 * file system (whiteouts).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	1
#define RENAME_EXCHANGE		2
#endif

static char buf[8192];
static char path[8192];

static long
open3(const char *p, int flags, int mode)
{
	return SYS4(SYS_openat, AT_FDCWD, p, flags, mode);
}

/* The content of a small file, or "" if it cannot be read. */
static const char *
slurp(const char *p)
{
	long fd = open3(p, O_RDONLY, 0), n;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = SYS3(SYS_read, fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	SYS1(SYS_close, fd);
	return buf;
}

static int
exists(const char *p)
{
	struct stat st;

	return SYS4(SYS_newfstatat, AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void
test_dots_and_slashes(void)
{
	check("data/../hello.txt", strcmp(slurp("data/../hello.txt"),
	    "hello, world\n") == 0);
	check("./data//a.txt", strcmp(slurp("./data//a.txt"), "alpha\n") == 0);
	check("data/./sub/../a.txt", strcmp(slurp("data/./sub/../a.txt"),
	    "alpha\n") == 0);
	check("data///sub//deep///file", strcmp(slurp(
	    "data///sub//deep///file"), "deep\n") == 0);
	expect_err("hello.txt/", open3("hello.txt/", O_RDONLY, 0), ENOTDIR);
	expect_err("hello.txt/.", open3("hello.txt/.", O_RDONLY, 0), ENOTDIR);
	expect_err("hello.txt/..", open3("hello.txt/..", O_RDONLY, 0),
	    ENOTDIR);
	expect_ok("data/", SYS2(SYS_access, "data/", F_OK));
	expect_ok("data/.", SYS2(SYS_access, "data/.", F_OK));
	expect_err("empty path", open3("", O_RDONLY, 0), ENOENT);
	expect_err("missing/..", SYS2(SYS_access, "missing/..", F_OK), ENOENT);
}

static void
test_long_names(void)
{
	long fd;

	memset(path, 'x', 255);
	path[255] = '\0';
	fd = open3(path, O_CREAT | O_WRONLY, 0644);
	expect_ok("create a 255-byte name", fd);
	SYS1(SYS_close, fd);
	expect_ok("stat it", SYS2(SYS_access, path, F_OK));
	memset(path, 'n', 255);
	check("fixture's 255-byte name", strcmp(slurp(path), "long name\n") ==
	    0);
	memset(path, 'x', 256);
	path[256] = '\0';
	expect_err("create a 256-byte name", open3(path, O_CREAT | O_WRONLY,
	    0644), ENAMETOOLONG);
	expect_err("mkdir a 256-byte name", SYS2(SYS_mkdir, path, 0755),
	    ENAMETOOLONG);
	/* A path of 4095 bytes is fine, 4096 is too long. */
	for (int i = 0; i < 4094; i += 2)
		memcpy(path + i, "./", 2);
	memcpy(path + 4094, ".", 2);
	expect_ok("4095-byte path", SYS2(SYS_access, path, F_OK));
	memcpy(path + 4094, "./", 2);
	path[4096] = '\0';
	expect_err("4096-byte path", SYS2(SYS_access, path, F_OK),
	    ENAMETOOLONG);
}

static void
test_symlinks(void)
{
	long n;

	check("through a symlink", strcmp(slurp("link-to-hello"),
	    "hello, world\n") == 0);
	check("through a dir symlink", strcmp(slurp("link-to-data/b.txt"),
	    "beta\n") == 0);
	expect_err("loop", open3("loop1", O_RDONLY, 0), ELOOP);
	expect_err("loop in the middle", open3("loop1/x", O_RDONLY, 0), ELOOP);
	expect_err("self loop", SYS2(SYS_access, "self", F_OK), ELOOP);
	expect_ok("lstat of a loop", SYS2(SYS_lstat, "loop1", buf));
	expect_err("dangling", open3("abs-link", O_RDONLY, 0), ENOENT);
	n = SYS3(SYS_readlink, "abs-link", buf, sizeof(buf));
	expect_val("readlink length", n, 19);
	check("readlink text", n == 19 && memcmp(buf, "/nonexistent/target",
	    19) == 0);
	expect_val("readlink cut short", SYS3(SYS_readlink, "abs-link", buf,
	    4), 4);
	expect_err("readlink size 0", SYS3(SYS_readlink, "abs-link", buf, 0),
	    EINVAL);
	expect_err("readlink a file", SYS3(SYS_readlink, "hello.txt", buf,
	    64), EINVAL);
	expect_err("readlink missing", SYS3(SYS_readlink, "nope", buf, 64),
	    ENOENT);
	expect_err("readlink bad buffer", SYS3(SYS_readlink, "abs-link",
	    ADDR_KERNEL, 64), EFAULT);
	/* A chain of 40 links resolves, 41 do not. */
	expect_ok("mkdir chain", SYS2(SYS_mkdir, "chain", 0755));
	expect_ok("chain/l0", SYS2(SYS_symlink, "../hello.txt", "chain/l0"));
	for (int i = 1; i <= 41; i++) {
		char t[16], l[32];

		snprintf(t, sizeof(t), "l%d", i - 1);
		snprintf(l, sizeof(l), "chain/l%d", i);
		if (SYS2(SYS_symlink, t, l) != 0)
			check("make the chain", 0);
	}
	check("40 links", strcmp(slurp("chain/l39"), "hello, world\n") == 0);
	expect_err("41 links", open3("chain/l41", O_RDONLY, 0), ELOOP);
	expect_err("symlink over a name", SYS2(SYS_symlink, "x", "hello.txt"),
	    EEXIST);
	expect_err("empty symlink target", SYS2(SYS_symlink, "", "empty-l"),
	    ENOENT);
	expect_ok("symlinkat", SYS3(SYS_symlinkat, "a.txt", AT_FDCWD,
	    "data/alias"));
	check("relative to its directory", strcmp(slurp("data/alias"),
	    "alpha\n") == 0);
}

static void
test_at_and_cwd(void)
{
	long dfd = open3("data", O_RDONLY | O_DIRECTORY, 0), fd;
	char cwd[4096], cwd2[4096];
	long n;

	expect_ok("open data", dfd);
	fd = SYS4(SYS_openat, dfd, "sub/deep/file", O_RDONLY, 0);
	expect_ok("openat relative to data", fd);
	SYS1(SYS_close, fd);
	expect_ok("openat absolute ignores dirfd", SYS4(SYS_openat, 9999,
	    "/", O_RDONLY, 0) >= 0 ? 0 : -1);
	expect_err("openat bad dirfd", SYS4(SYS_openat, 9999, "a.txt",
	    O_RDONLY, 0), EBADF);
	fd = open3("hello.txt", O_RDONLY, 0);
	expect_err("openat file as dirfd", SYS4(SYS_openat, fd, "x",
	    O_RDONLY, 0), ENOTDIR);
	expect_err("fchdir to a file", SYS1(SYS_fchdir, fd), ENOTDIR);
	SYS1(SYS_close, fd);
	n = SYS2(SYS_getcwd, cwd, sizeof(cwd));
	check("getcwd", n > 0);
	expect_ok("fchdir data", SYS1(SYS_fchdir, dfd));
	check("now in data", strcmp(slurp("a.txt"), "alpha\n") == 0);
	n = SYS2(SYS_getcwd, cwd2, sizeof(cwd2));
	check("getcwd grows by /data", n > 0 && strlen(cwd2) ==
	    strlen(cwd) + (strcmp(cwd, "/") == 0 ? 4 : 5) &&
	    strcmp(cwd2 + strlen(cwd2) - 5, "/data") == 0);
	expect_err("getcwd too small", SYS2(SYS_getcwd, cwd2, 2), ERANGE);
	expect_err("getcwd bad buffer", SYS2(SYS_getcwd, ADDR_KERNEL, 4096),
	    EFAULT);
	expect_ok("chdir sub/deep", SYS1(SYS_chdir, "sub/deep"));
	check("now in deep", strcmp(slurp("file"), "deep\n") == 0);
	expect_ok("chdir ../../..", SYS1(SYS_chdir, "../../.."));
	expect_err("chdir to a file", SYS1(SYS_chdir, "hello.txt"), ENOTDIR);
	expect_err("chdir missing", SYS1(SYS_chdir, "missing"), ENOENT);
	expect_err("fchdir bad fd", SYS1(SYS_fchdir, 9999), EBADF);
	n = SYS2(SYS_getcwd, cwd2, sizeof(cwd2));
	check("back where we were", n > 0 && strcmp(cwd, cwd2) == 0);
	SYS1(SYS_close, dfd);
}

static void
test_mkdir_rmdir_unlink(void)
{
	struct stat st;

	expect_ok("mkdir", SYS2(SYS_mkdir, "newdir", 0777));
	expect_ok("stat", SYS2(SYS_stat, "newdir", &st));
	expect_val("mode with umask", st.st_mode, S_IFDIR | 0755);
	expect_err("mkdir again", SYS2(SYS_mkdir, "newdir", 0777), EEXIST);
	expect_err("mkdir over a file", SYS2(SYS_mkdir, "hello.txt", 0777),
	    EEXIST);
	expect_ok("mkdir trailing slash", SYS2(SYS_mkdir, "newdir2/", 0777));
	expect_err("mkdir in missing", SYS2(SYS_mkdir, "no/dir", 0777),
	    ENOENT);
	expect_err("mkdir under a file", SYS2(SYS_mkdir, "hello.txt/d", 0777),
	    ENOTDIR);
	expect_err("mkdir .", SYS2(SYS_mkdir, ".", 0777), EEXIST);
	expect_ok("mkdirat", SYS3(SYS_mkdirat, AT_FDCWD, "newdir/in", 0700));
	expect_err("rmdir non-empty", SYS1(SYS_rmdir, "newdir"), ENOTEMPTY);
	expect_err("rmdir a file", SYS1(SYS_rmdir, "hello.txt"), ENOTDIR);
	expect_err("rmdir missing", SYS1(SYS_rmdir, "missing"), ENOENT);
	expect_err("rmdir .", SYS1(SYS_rmdir, "newdir/."), EINVAL);
	expect_err("rmdir ..", SYS1(SYS_rmdir, "newdir/in/.."), ENOTEMPTY);
	expect_ok("rmdir", SYS1(SYS_rmdir, "newdir/in"));
	expect_ok("rmdir trailing slash", SYS1(SYS_rmdir, "newdir2/"));
	expect_err("unlink a dir", SYS1(SYS_unlink, "newdir"), EISDIR);
	expect_err("unlinkat dir without AT_REMOVEDIR", SYS3(SYS_unlinkat,
	    AT_FDCWD, "newdir", 0), EISDIR);
	expect_err("unlinkat bad flags", SYS3(SYS_unlinkat, AT_FDCWD,
	    "newdir", 0x1), EINVAL);
	expect_ok("unlinkat AT_REMOVEDIR", SYS3(SYS_unlinkat, AT_FDCWD,
	    "newdir", AT_REMOVEDIR));
	expect_err("unlink missing", SYS1(SYS_unlink, "missing"), ENOENT);
	expect_err("unlink file/", SYS1(SYS_unlink, "hello.txt/"), ENOTDIR);
	/* Names from the root file system go, and can come back. */
	expect_ok("unlink a fixture file", SYS1(SYS_unlink, "data/c.txt"));
	check("gone", !exists("data/c.txt"));
	expect_err("unlink it again", SYS1(SYS_unlink, "data/c.txt"), ENOENT);
	expect_ok("unlink a fixture symlink", SYS1(SYS_unlink,
	    "link-to-data"));
	check("the target stays", exists("data/a.txt"));
	expect_ok("unlink the fixture's deep file", SYS1(SYS_unlink,
	    "data/sub/deep/file"));
	expect_ok("rmdir a fixture dir", SYS1(SYS_rmdir, "data/sub/deep"));
	expect_ok("mkdir it again", SYS2(SYS_mkdir, "data/sub/deep", 0755));
	check("it is empty now", !exists("data/sub/deep/file"));
	expect_ok("rmdir empty fixture dir", SYS1(SYS_rmdir, "empty"));
	expect_ok("unlink the fixture's hard link", SYS1(SYS_unlink, "hard1"));
	expect_ok("stat the other name", SYS2(SYS_stat, "hard2", &st));
	expect_val("its link count", st.st_nlink, 1);
}

static void
test_link(void)
{
	struct stat st;

	expect_ok("link", SYS2(SYS_link, "data/a.txt", "a-link"));
	expect_ok("stat", SYS2(SYS_stat, "a-link", &st));
	expect_val("two links", st.st_nlink, 2);
	expect_err("link over a name", SYS2(SYS_link, "data/a.txt",
	    "hello.txt"), EEXIST);
	expect_err("link a dir", SYS2(SYS_link, "data", "data-link"), EPERM);
	expect_err("link missing", SYS2(SYS_link, "missing", "x"), ENOENT);
	expect_ok("linkat a symlink itself", SYS5(SYS_linkat, AT_FDCWD,
	    "link-to-hello", AT_FDCWD, "l2", 0));
	expect_ok("lstat", SYS2(SYS_lstat, "l2", &st));
	check("still a symlink", S_ISLNK(st.st_mode));
	expect_ok("linkat AT_SYMLINK_FOLLOW", SYS5(SYS_linkat, AT_FDCWD,
	    "link-to-hello", AT_FDCWD, "l3", AT_SYMLINK_FOLLOW));
	expect_ok("lstat", SYS2(SYS_lstat, "l3", &st));
	check("the file", S_ISREG(st.st_mode));
	expect_err("linkat bad flags", SYS5(SYS_linkat, AT_FDCWD, "l3",
	    AT_FDCWD, "l4", 0x1), EINVAL);
}

static void
test_rename(void)
{
	expect_ok("rename a fixture file", SYS2(SYS_rename, "data/a.txt",
	    "data/z.txt"));
	check("old name gone", !exists("data/a.txt"));
	check("new name", strcmp(slurp("data/z.txt"), "alpha\n") == 0);
	expect_ok("rename over a file", SYS2(SYS_rename, "data/z.txt",
	    "data/b.txt"));
	check("replaced", strcmp(slurp("data/b.txt"), "alpha\n") == 0);
	expect_ok("rename a fixture dir", SYS2(SYS_rename, "data", "data2"));
	check("contents move along", strcmp(slurp("data2/b.txt"), "alpha\n")
	    == 0);
	check("old dir gone", !exists("data"));
	expect_ok("mkdir data again", SYS2(SYS_mkdir, "data", 0755));
	check("the new data is empty", !exists("data/b.txt"));
	expect_err("dir into itself", SYS2(SYS_rename, "data2",
	    "data2/sub/x"), EINVAL);
	expect_err("dir over a file", SYS2(SYS_rename, "data2", "hello.txt"),
	    ENOTDIR);
	expect_err("file over a dir", SYS2(SYS_rename, "hello.txt", "data2"),
	    EISDIR);
	expect_err("dir over non-empty dir", SYS2(SYS_rename, "data",
	    "data2"), ENOTEMPTY);
	expect_ok("dir over empty dir", SYS2(SYS_rename, "data2", "data"));
	expect_err("file with trailing slash", SYS2(SYS_rename, "hello.txt",
	    "h2/"), ENOTDIR);
	expect_err("rename missing", SYS2(SYS_rename, "missing", "x"), ENOENT);
	expect_err("rename to missing dir", SYS2(SYS_rename, "hello.txt",
	    "no/x"), ENOENT);
	expect_ok("rename to itself", SYS2(SYS_rename, "hello.txt",
	    "hello.txt"));
	expect_ok("rename hard links of one file", SYS2(SYS_rename, "l3",
	    "hello.txt"));
	check("both names stay", exists("l3") && exists("hello.txt"));
	expect_err("RENAME_NOREPLACE", SYS5(SYS_renameat2, AT_FDCWD,
	    "ro.txt", AT_FDCWD, "exec.sh", RENAME_NOREPLACE), EEXIST);
	expect_ok("RENAME_EXCHANGE", SYS5(SYS_renameat2, AT_FDCWD, "ro.txt",
	    AT_FDCWD, "exec.sh", RENAME_EXCHANGE));
	check("swapped", strcmp(slurp("ro.txt"), "#!/bin/sh\n") == 0 &&
	    strcmp(slurp("exec.sh"), "read-only\n") == 0);
	expect_err("RENAME_EXCHANGE with missing", SYS5(SYS_renameat2,
	    AT_FDCWD, "ro.txt", AT_FDCWD, "nope", RENAME_EXCHANGE), ENOENT);
	expect_err("both flags", SYS5(SYS_renameat2, AT_FDCWD, "ro.txt",
	    AT_FDCWD, "exec.sh", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
	expect_ok("renameat", SYS4(SYS_renameat, AT_FDCWD, "ro.txt",
	    AT_FDCWD, "data/ro.txt"));
}

int
main(void)
{
	if (SYS2(SYS_access, "FS_FIXTURE", F_OK) != 0) {
		out("not in the fs fixture: skipped\n");
		return 0;
	}
	test_dots_and_slashes();
	test_long_names();
	test_symlinks();
	test_at_and_cwd();
	test_mkdir_rmdir_unlink();
	test_link();
	test_rename();
	return finish();
}
