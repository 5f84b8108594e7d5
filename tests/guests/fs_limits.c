/*
 * fs_limits: descriptor exhaustion (EMFILE at RLIMIT_NOFILE, 1024 here
 * and natively), file mappings (private copies at an offset, the tail
 * of the last page, MAP_PRIVATE writes that never reach the file, the
 * access-mode errors), sendfile and copy_file_range, and a file grown
 * past the memory of one write.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static char buf[65536];

static long
open3(const char *p, int flags, int mode)
{
	return SYS4(SYS_openat, AT_FDCWD, p, flags, mode);
}

static void
test_emfile(void)
{
	static long fds[2048];
	long fd = 0, last = -1;
	int n = 0;

	while (n < 2048) {
		fd = open3("hello.txt", O_RDONLY, 0);
		if (fd < 0)
			break;
		fds[n++] = fd;
		last = fd;
	}
	expect_err("open until the table is full", fd, EMFILE);
	check("about 1024 descriptors", n > 1000 && n < 1024);
	expect_val("the last one", last, 1023);
	expect_err("dup when full", SYS1(SYS_dup, 0), EMFILE);
	expect_err("pipe when full", SYS1(SYS_pipe, buf), EMFILE);
	SYS1(SYS_close, fds[10]);
	fd = open3("hello.txt", O_RDONLY, 0);
	check("the freed one is reused", fd == fds[10]);
	for (int i = 0; i < n; i++)
		SYS1(SYS_close, fds[i]);
	fd = open3("hello.txt", O_RDONLY, 0);
	expect_val("lowest free again", fd, 3);
	SYS1(SYS_close, fd);
}

static void
test_mmap(void)
{
	long fd = open3("big.bin", O_RDONLY, 0), wfd;
	char *p, *q;
	int ok = 1;

	p = (char *)SYS6(SYS_mmap, 0, 3 * PAGE, PROT_READ, MAP_PRIVATE, fd,
	    2 * PAGE);
	expect_ok("mmap big.bin at 2 pages", (long)p);
	for (size_t i = 0; !IS_ERR(p) && i < 3 * PAGE; i++)
		ok &= p[i] == (char)('a' + (i + 2 * PAGE) % 26);
	check("the file's bytes at the offset", ok);
	SYS2(SYS_munmap, p, 3 * PAGE);
	p = (char *)SYS6(SYS_mmap, 0, PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE, fd, 0);
	expect_ok("MAP_PRIVATE writable of a read-only fd", (long)p);
	if (!IS_ERR(p))
		p[0] = 'Z';
	expect_val("pread after writing the mapping", SYS4(SYS_pread64, fd,
	    buf, 1, 0), 1);
	check("the file is unchanged", buf[0] == 'a');
	SYS2(SYS_munmap, p, PAGE);
	expect_err("MAP_SHARED writable of a read-only fd", SYS6(SYS_mmap, 0,
	    PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	expect_err("unaligned offset", SYS6(SYS_mmap, 0, PAGE, PROT_READ,
	    MAP_PRIVATE, fd, 100), EINVAL);
	SYS1(SYS_close, fd);
	/* A short file: the rest of its last page reads as zeros. */
	fd = open3("hello.txt", O_RDONLY, 0);
	p = (char *)SYS6(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	expect_ok("mmap hello.txt", (long)p);
	check("content and zeros", !IS_ERR(p) &&
	    memcmp(p, "hello, world\n", 13) == 0 && p[13] == 0 &&
	    p[PAGE - 1] == 0);
	SYS2(SYS_munmap, p, PAGE);
	q = (char *)SYS6(SYS_mmap, p, PAGE, PROT_READ, MAP_PRIVATE |
	    MAP_FIXED, fd, 0);
	check("MAP_FIXED at the same place", q == p && q[0] == 'h');
	SYS2(SYS_munmap, q, PAGE);
	SYS1(SYS_close, fd);
	wfd = open3("hello.txt", O_WRONLY, 0);
	expect_err("mmap a write-only fd", SYS6(SYS_mmap, 0, PAGE, PROT_READ,
	    MAP_PRIVATE, wfd, 0), EACCES);
	SYS1(SYS_close, wfd);
	fd = open3("data", O_RDONLY, 0);
	expect_err("mmap a directory", SYS6(SYS_mmap, 0, PAGE, PROT_READ,
	    MAP_PRIVATE, fd, 0), ENODEV);
	SYS1(SYS_close, fd);
	expect_err("mmap a closed fd", SYS6(SYS_mmap, 0, PAGE, PROT_READ,
	    MAP_PRIVATE, 999, 0), EBADF);
	fd = open3("/dev/zero", O_RDWR, 0);
	p = (char *)SYS6(SYS_mmap, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE, fd, 0);
	expect_ok("mmap /dev/zero", (long)p);
	check("zeros, writable", !IS_ERR(p) && p[PAGE] == 0 &&
	    (p[PAGE] = 1) == 1);
	SYS1(SYS_close, fd);
}

static void
test_copies(void)
{
	long in = open3("data/a.txt", O_RDONLY, 0);
	long out = open3("copy.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	long off = 2;

	expect_val("sendfile", SYS4(SYS_sendfile, out, in, NULL, 100), 6);
	expect_val("sendfile at the end", SYS4(SYS_sendfile, out, in, NULL,
	    100), 0);
	expect_val("sendfile with an offset", SYS4(SYS_sendfile, out, in,
	    &off, 3), 3);
	expect_val("offset advanced", off, 5);
	expect_val("file position kept", SYS3(SYS_lseek, in, 0, SEEK_CUR), 6);
	expect_val("read the copy", SYS4(SYS_pread64, out, buf, 100, 0), 9);
	check("copy content", memcmp(buf, "alpha\npha", 9) == 0);
	expect_val("sendfile to stdout", SYS4(SYS_sendfile, 1,
	    open3("data/b.txt", O_RDONLY, 0), NULL, 100), 5);
	expect_err("sendfile bad fd", SYS4(SYS_sendfile, out, 999, NULL, 1),
	    EBADF);
	off = 0;
	long outoff = 1;
	expect_val("copy_file_range", SYS6(SYS_copy_file_range, in, &off, out,
	    &outoff, 4, 0), 4);
	expect_val("in offset", off, 4);
	expect_val("out offset", outoff, 5);
	expect_val("read it", SYS4(SYS_pread64, out, buf, 100, 0), 9);
	check("copy_file_range content", memcmp(buf, "aalph\npha", 9) == 0);
	expect_err("copy_file_range flags", SYS6(SYS_copy_file_range, in,
	    NULL, out, NULL, 4, 1), EINVAL);
	expect_err("copy_file_range to a dir", SYS6(SYS_copy_file_range, in,
	    NULL, open3("data", O_RDONLY, 0), NULL, 4, 0), EISDIR);
	SYS1(SYS_close, in);
	SYS1(SYS_close, out);
}

static void
test_grow(void)
{
	long fd = open3("grow.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
	struct stat st;
	int ok = 1;

	memset(buf, 'g', sizeof(buf));
	for (int i = 0; i < 256; i++)
		ok &= SYS3(SYS_write, fd, buf, sizeof(buf)) == sizeof(buf);
	check("256 writes of 64 KiB", ok);
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_val("16 MiB", st.st_size, 16 << 20);
	expect_val("sparse write far away", SYS4(SYS_pwrite64, fd, "end", 3,
	    (1L << 32)), 3);
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_val("size past 4 GiB", st.st_size, (1L << 32) + 3);
	expect_val("read in the hole", SYS4(SYS_pread64, fd, buf, 4,
	    (1L << 31)), 4);
	check("zeros", memcmp(buf, "\0\0\0\0", 4) == 0);
	expect_ok("shrink", SYS2(SYS_ftruncate, fd, 0));
	SYS1(SYS_close, fd);
	expect_ok("unlink", SYS1(SYS_unlink, "grow.bin"));
}

static void
test_fallocate_fadvise(void)
{
	long fd = open3("alloc.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
	struct stat st;
	int p[2];

	expect_ok("fallocate", SYS4(SYS_fallocate, fd, 0, 0, 10000));
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_val("size after fallocate", st.st_size, 10000);
	expect_ok("fallocate inside", SYS4(SYS_fallocate, fd, 0, 100, 10));
	expect_ok("fallocate KEEP_SIZE", SYS4(SYS_fallocate, fd,
	    FALLOC_FL_KEEP_SIZE, 0, 50000));
	expect_ok("fstat", SYS2(SYS_fstat, fd, &st));
	expect_val("size kept", st.st_size, 10000);
	expect_err("fallocate len 0", SYS4(SYS_fallocate, fd, 0, 0, 0),
	    EINVAL);
	expect_ok("fadvise SEQUENTIAL", SYS4(SYS_fadvise64, fd, 0, 0,
	    POSIX_FADV_SEQUENTIAL));
	expect_err("fadvise bad advice", SYS4(SYS_fadvise64, fd, 0, 0, 99),
	    EINVAL);
	SYS1(SYS_close, fd);
	fd = open3("alloc.bin", O_RDONLY, 0);
	expect_err("fallocate read-only", SYS4(SYS_fallocate, fd, 0, 0, 10),
	    EBADF);
	SYS1(SYS_close, fd);
	SYS1(SYS_pipe, p);
	expect_err("fadvise a pipe", SYS4(SYS_fadvise64, p[0], 0, 0,
	    POSIX_FADV_NORMAL), ESPIPE);
	expect_err("fallocate a pipe", SYS4(SYS_fallocate, p[1], 0, 0, 10),
	    ESPIPE);
	expect_err("fadvise bad fd", SYS4(SYS_fadvise64, 999, 0, 0, 0), EBADF);
}

int
main(void)
{
	if (SYS2(SYS_access, "FS_FIXTURE", F_OK) != 0) {
		out("not in the fs fixture: skipped\n");
		return 0;
	}
	test_emfile();
	test_mmap();
	test_copies();
	test_grow();
	test_fallocate_fadvise();
	return finish();
}
