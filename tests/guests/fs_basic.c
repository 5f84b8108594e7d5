/*
 * fs_basic: open, read, write, lseek, pread/pwrite, truncate, stat and
 * access over the fs fixture (tests/integration/fs.sh): open flags
 * (O_CREAT|O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW), writes
 * to files that came with the root file system (copy-up), holes, and
 * the error cases.  Paths are relative: the fixture is the cwd natively
 * and the root inside Cloister.  Outside the fixture it only says so.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static char buf[65536];

static long
open3(const char *path, int flags, int mode)
{
	return SYS4(SYS_openat, AT_FDCWD, path, flags, mode);
}

static long
rd(long fd, size_t n)
{
	long r = SYS3(SYS_read, fd, buf, n);

	if (r >= 0 && (size_t)r < sizeof(buf))
		buf[r] = '\0';
	return r;
}

static void
test_read_archive_file(void)
{
	long fd = open3("hello.txt", O_RDONLY, 0);

	expect_ok("open hello.txt", fd);
	expect_val("read hello.txt", rd(fd, sizeof(buf) - 1), 13);
	check("content of hello.txt", strcmp(buf, "hello, world\n") == 0);
	expect_val("read at end", rd(fd, 10), 0);
	expect_val("lseek SEEK_SET 7", SYS3(SYS_lseek, fd, 7, SEEK_SET), 7);
	expect_val("read after lseek", rd(fd, 5), 5);
	check("read the right bytes", strcmp(buf, "world") == 0);
	expect_val("lseek SEEK_CUR -3", SYS3(SYS_lseek, fd, -3, SEEK_CUR), 9);
	expect_val("lseek SEEK_END", SYS3(SYS_lseek, fd, 0, SEEK_END), 13);
	expect_err("lseek before 0", SYS3(SYS_lseek, fd, -20, SEEK_CUR),
	    EINVAL);
	expect_err("lseek bad whence", SYS3(SYS_lseek, fd, 0, 77), EINVAL);
	expect_val("pread", SYS4(SYS_pread64, fd, buf, 5, 0), 5);
	check("pread content", memcmp(buf, "hello", 5) == 0);
	expect_err("pread negative", SYS4(SYS_pread64, fd, buf, 5, -1),
	    EINVAL);
	expect_err("write to O_RDONLY", SYS3(SYS_write, fd, "x", 1), EBADF);
	expect_ok("close", SYS1(SYS_close, fd));
	expect_err("close again", SYS1(SYS_close, fd), EBADF);
	expect_err("read closed fd", SYS3(SYS_read, fd, buf, 1), EBADF);
}

static void
test_copy_up(void)
{
	long fd;
	struct stat st;

	fd = open3("hello.txt", O_WRONLY | O_APPEND, 0);
	expect_ok("open hello.txt O_APPEND", fd);
	expect_val("append", SYS3(SYS_write, fd, "more\n", 5), 5);
	SYS1(SYS_close, fd);
	fd = open3("hello.txt", O_RDWR, 0);
	expect_val("read back", rd(fd, sizeof(buf) - 1), 18);
	check("appended content", strcmp(buf, "hello, world\nmore\n") == 0);
	expect_val("pwrite in the middle", SYS4(SYS_pwrite64, fd, "W", 1, 7),
	    1);
	expect_val("pread it", SYS4(SYS_pread64, fd, buf, 18, 0), 18);
	check("patched content", memcmp(buf, "hello, World\nmore\n", 18) == 0);
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_val("size after writes", st.st_size, 18);
	SYS1(SYS_close, fd);
	/* The other name of a hard link sees the change. */
	fd = open3("hard1", O_WRONLY | O_TRUNC, 0);
	expect_ok("open hard1 O_TRUNC", fd);
	expect_val("write hard1", SYS3(SYS_write, fd, "changed\n", 8), 8);
	SYS1(SYS_close, fd);
	fd = open3("hard2", O_RDONLY, 0);
	expect_val("read hard2", rd(fd, 100), 8);
	check("hard2 shows the change", strcmp(buf, "changed\n") == 0);
	SYS1(SYS_close, fd);
	expect_ok("stat hard2", SYS2(SYS_stat, "hard2", &st));
	expect_val("hard link count", st.st_nlink, 2);
	/* Read-only mode bits do not stop root; the guest is root. */
	expect_ok("truncate ro.txt", SYS2(SYS_truncate, "ro.txt", 4));
	fd = open3("ro.txt", O_RDONLY, 0);
	expect_val("read ro.txt", rd(fd, 100), 4);
	check("truncated content", strcmp(buf, "read") == 0);
	SYS1(SYS_close, fd);
}

static void
test_create_flags(void)
{
	long fd, fd2;
	struct stat st;

	fd = open3("new.txt", O_CREAT | O_EXCL | O_RDWR, 0640);
	expect_ok("O_CREAT|O_EXCL new", fd);
	expect_err("O_CREAT|O_EXCL again", open3("new.txt",
	    O_CREAT | O_EXCL | O_RDWR, 0640), EEXIST);
	expect_ok("stat new", SYS2(SYS_stat, "new.txt", &st));
	expect_val("mode of new (umask 022)", st.st_mode, S_IFREG | 0640);
	expect_val("write", SYS3(SYS_write, fd, "0123456789", 10), 10);
	fd2 = open3("new.txt", O_RDWR | O_TRUNC, 0);
	expect_ok("O_TRUNC", fd2);
	expect_ok("fstat via the first fd", SYS2(SYS_fstat, fd, &st));
	expect_val("size after O_TRUNC", st.st_size, 0);
	expect_val("write at the old offset", SYS3(SYS_write, fd, "x", 1), 1);
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_val("size with a hole", st.st_size, 11);
	expect_val("pread the hole", SYS4(SYS_pread64, fd2, buf, 20, 0), 11);
	check("hole reads as zeros", memcmp(buf, "\0\0\0\0\0\0\0\0\0\0x", 11)
	    == 0);
	SYS1(SYS_close, fd);
	SYS1(SYS_close, fd2);
	expect_ok("creat", fd = SYS2(SYS_creat, "creat.txt", 0777));
	expect_ok("stat creat.txt", SYS2(SYS_stat, "creat.txt", &st));
	expect_val("creat mode", st.st_mode, S_IFREG | 0755);
	expect_err("read O_WRONLY", SYS3(SYS_read, fd, buf, 1), EBADF);
	SYS1(SYS_close, fd);
	expect_err("open missing", open3("missing", O_RDONLY, 0), ENOENT);
	expect_err("open missing/x", open3("missing/x", O_RDONLY, 0), ENOENT);
	expect_err("create in missing dir", open3("missing/x", O_CREAT |
	    O_WRONLY, 0644), ENOENT);
	expect_err("open dir for writing", open3("data", O_WRONLY, 0), EISDIR);
	expect_err("O_CREAT on a dir", open3("data", O_CREAT | O_RDONLY, 0),
	    EISDIR);
	expect_err("O_DIRECTORY on a file", open3("hello.txt", O_RDONLY |
	    O_DIRECTORY, 0), ENOTDIR);
	expect_err("O_NOFOLLOW on a symlink", open3("link-to-hello",
	    O_RDONLY | O_NOFOLLOW, 0), ELOOP);
	expect_err("trailing slash on a file", open3("hello.txt/", O_RDONLY,
	    0), ENOTDIR);
	expect_err("create with a trailing slash", open3("newdir/",
	    O_CREAT | O_WRONLY, 0644), EISDIR);
	fd = open3("data", O_RDONLY | O_DIRECTORY, 0);
	expect_ok("O_DIRECTORY on a dir", fd);
	expect_err("read a directory", SYS3(SYS_read, fd, buf, 10), EISDIR);
	SYS1(SYS_close, fd);
	fd = open3("link-to-hello", O_PATH | O_NOFOLLOW, 0);
	expect_ok("O_PATH|O_NOFOLLOW on a symlink", fd);
	expect_err("read O_PATH", SYS3(SYS_read, fd, buf, 1), EBADF);
	expect_ok("fstatat AT_EMPTY_PATH", SYS4(SYS_newfstatat, fd, "", &st,
	    AT_EMPTY_PATH));
	check("it is the link", S_ISLNK(st.st_mode));
	SYS1(SYS_close, fd);
}

static void
test_stat(void)
{
	struct stat st;
	long fd;

	expect_ok("stat hello.txt", SYS2(SYS_stat, "hello.txt", &st));
	check("regular file", S_ISREG(st.st_mode));
	expect_val("permissions", st.st_mode & 07777, 0644);
	expect_val("size", st.st_size, 13);
	expect_val("mtime from the fixture", st.st_mtime, 1000000000);
	expect_ok("stat follows", SYS2(SYS_stat, "link-to-hello", &st));
	check("stat of link is a file", S_ISREG(st.st_mode));
	expect_ok("lstat", SYS2(SYS_lstat, "link-to-hello", &st));
	check("lstat is a link", S_ISLNK(st.st_mode));
	expect_val("link size", st.st_size, 9);
	expect_ok("stat dir", SYS2(SYS_stat, "data", &st));
	check("dir", S_ISDIR(st.st_mode));
	expect_ok("fstatat nofollow", SYS4(SYS_newfstatat, AT_FDCWD,
	    "link-to-data", &st, AT_SYMLINK_NOFOLLOW));
	check("still a link", S_ISLNK(st.st_mode));
	expect_ok("link-to-data/ follows", SYS4(SYS_newfstatat, AT_FDCWD,
	    "link-to-data/", &st, AT_SYMLINK_NOFOLLOW));
	check("trailing slash follows", S_ISDIR(st.st_mode));
	expect_err("stat bad flags", SYS4(SYS_newfstatat, AT_FDCWD,
	    "hello.txt", &st, 0x4000000), EINVAL);
	expect_err("stat empty path", SYS2(SYS_stat, "", &st), ENOENT);
	expect_err("stat NULL", SYS2(SYS_stat, NULL, &st), EFAULT);
	expect_err("stat bad buffer", SYS2(SYS_stat, "hello.txt",
	    ADDR_KERNEL), EFAULT);
	expect_err("stat dangling", SYS2(SYS_stat, "abs-link", &st), ENOENT);
	expect_err("fstat bad fd", SYS2(SYS_fstat, 999, &st), EBADF);
	fd = open3("data", O_RDONLY, 0);
	expect_ok("statx dirfd-relative", SYS5(SYS_statx, fd, "a.txt", 0,
	    0x7ff, buf));
	expect_val("statx size", *(uint64_t *)(buf + 40), 6);
	expect_val("statx mode", *(uint16_t *)(buf + 28), S_IFREG | 0644);
	expect_err("statx reserved mask", SYS5(SYS_statx, fd, "a.txt", 0,
	    0x80000000u, buf), EINVAL);
	SYS1(SYS_close, fd);
	expect_ok("access F_OK", SYS2(SYS_access, "hello.txt", F_OK));
	expect_ok("access R_OK|W_OK", SYS2(SYS_access, "hello.txt",
	    R_OK | W_OK));
	expect_err("access X_OK on 0644", SYS2(SYS_access, "hello.txt",
	    X_OK), EACCES);
	expect_ok("access X_OK on 0755", SYS2(SYS_access, "exec.sh", X_OK));
	expect_err("access missing", SYS2(SYS_access, "nope", F_OK), ENOENT);
	expect_err("access bad mode", SYS2(SYS_access, "hello.txt", 8),
	    EINVAL);
	expect_ok("faccessat", SYS3(SYS_faccessat, AT_FDCWD, "data/a.txt",
	    R_OK));
	expect_err("faccessat2 bad flags", SYS4(SYS_faccessat2, AT_FDCWD,
	    "data/a.txt", R_OK, 0x8000), EINVAL);
}

static void
test_truncate(void)
{
	struct stat st;
	long fd;

	fd = open3("data/b.txt", O_RDWR, 0);
	expect_ok("ftruncate grow", SYS2(SYS_ftruncate, fd, 4096 * 3 + 5));
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_val("grown size", st.st_size, 4096 * 3 + 5);
	expect_val("read across", SYS4(SYS_pread64, fd, buf, 8, 0), 8);
	check("old bytes then zeros", memcmp(buf, "beta\n\0\0\0", 8) == 0);
	expect_ok("ftruncate shrink", SYS2(SYS_ftruncate, fd, 2));
	expect_ok("ftruncate grow again", SYS2(SYS_ftruncate, fd, 6));
	expect_val("read", SYS4(SYS_pread64, fd, buf, 8, 0), 6);
	check("no old bytes come back", memcmp(buf, "be\0\0\0\0", 6) == 0);
	expect_err("ftruncate negative", SYS2(SYS_ftruncate, fd, -1), EINVAL);
	SYS1(SYS_close, fd);
	fd = open3("data/b.txt", O_RDONLY, 0);
	expect_err("ftruncate O_RDONLY", SYS2(SYS_ftruncate, fd, 0), EINVAL);
	SYS1(SYS_close, fd);
	expect_err("truncate a dir", SYS2(SYS_truncate, "data", 0), EISDIR);
	expect_err("truncate missing", SYS2(SYS_truncate, "nope", 0), ENOENT);
	expect_err("ftruncate bad fd", SYS2(SYS_ftruncate, 999, 0), EBADF);
}

static void
test_big_io(void)
{
	static char big[4 << 20];
	long fd = open3("big.out", O_CREAT | O_RDWR | O_TRUNC, 0644);
	int same = 1;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 13 + (i >> 9));
	expect_val("write 4 MiB at once", SYS3(SYS_write, fd, big,
	    sizeof(big)), sizeof(big));
	memset(big, 0, sizeof(big));
	expect_val("pread 4 MiB at once", SYS4(SYS_pread64, fd, big,
	    sizeof(big), 0), sizeof(big));
	for (size_t i = 0; i < sizeof(big); i++)
		same &= big[i] == (char)(i * 13 + (i >> 9));
	check("4 MiB round trip", same);
	expect_val("read past the end", SYS4(SYS_pread64, fd, big, 100,
	    sizeof(big)), 0);
	expect_val("write 0 bytes", SYS3(SYS_write, fd, big, 0), 0);
	SYS1(SYS_close, fd);
	fd = open3("big.bin", O_RDONLY, 0);
	expect_val("read the fixture's 1 MiB", SYS3(SYS_read, fd, big,
	    sizeof(big)), 1 << 20);
	same = 1;
	for (size_t i = 0; i < (1 << 20); i++)
		same &= big[i] == (char)('a' + i % 26);
	check("fixture's big.bin content", same);
	SYS1(SYS_close, fd);
}

int
main(void)
{
	if (SYS2(SYS_access, "FS_FIXTURE", F_OK) != 0) {
		out("not in the fs fixture: skipped\n");
		return 0;
	}
	test_read_archive_file();
	test_stat();
	test_copy_up();
	test_create_flags();
	test_truncate();
	test_big_io();
	return finish();
}
