/*
 * fs_xdev: /dev and /proc are file systems of their own (devtmpfs and
 * proc), so rename and link between them and /tmp fail with EXDEV, even
 * for a name that does not exist (Linux checks the mounts first), and
 * /dev has an st_dev of its own.  Natively this runs on the host's real
 * /dev: it only ever tries to put a test file there, and removes it if
 * a broken kernel let it in.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "guest.h"

/* The musl and glibc builds run natively at the same time: own names. */
#ifdef __GLIBC__
#define LIBC	"glibc"
#else
#define LIBC	"musl"
#endif
#define FILE_TMP	"/tmp/fs_xdev." LIBC ".tmp"
#define FILE_DEV	"/dev/fs_xdev." LIBC ".tmp"
#define FILE_NULL	"/tmp/fs_xdev." LIBC ".null"
#define TMPFS_MAGIC	0x01021994

int
main(void)
{
	struct stat d, t;
	struct statfs sf;
	long fd;

	SYS1(SYS_unlink, FILE_TMP);
	fd = SYS4(SYS_openat, AT_FDCWD, FILE_TMP, O_CREAT | O_WRONLY, 0644);
	expect_ok("create " FILE_TMP, fd);
	SYS1(SYS_close, fd);
	expect_ok("stat /dev", SYS2(SYS_stat, "/dev", &d));
	expect_ok("stat /tmp file", SYS2(SYS_stat, FILE_TMP, &t));
	check("/dev is another file system", d.st_dev != t.st_dev);
	expect_ok("statfs /dev", SYS2(SYS_statfs, "/dev", &sf));
	check("/dev is tmpfs-like", sf.f_type == TMPFS_MAGIC);
	expect_err("rename /tmp -> /dev", SYS2(SYS_rename, FILE_TMP,
	    FILE_DEV), EXDEV);
	expect_err("rename /tmp -> /dev/null", SYS2(SYS_rename, FILE_TMP,
	    "/dev/null"), EXDEV);
	expect_err("rename a missing name -> /dev", SYS2(SYS_rename,
	    "/tmp/fs_xdev.none", FILE_DEV), EXDEV);
	expect_err("renameat2 RENAME_NOREPLACE -> /dev", SYS5(SYS_renameat2,
	    AT_FDCWD, FILE_TMP, AT_FDCWD, FILE_DEV, 1), EXDEV);
	expect_err("link /tmp -> /dev", SYS2(SYS_link, FILE_TMP, FILE_DEV),
	    EXDEV);
	expect_err("link /dev/null -> /tmp", SYS2(SYS_link, "/dev/null",
	    FILE_NULL), EXDEV);
	expect_err("link over an existing name", SYS2(SYS_link, FILE_TMP,
	    "/dev/null"), EEXIST);
	expect_err("rename /tmp -> /proc", SYS2(SYS_rename, FILE_TMP,
	    "/proc/fs_xdev"), EXDEV);
	check("still in /tmp", SYS2(SYS_stat, FILE_TMP, &t) == 0);
	if (SYS2(SYS_stat, FILE_DEV, &t) == 0)
		SYS1(SYS_unlink, FILE_DEV);
	SYS1(SYS_unlink, FILE_NULL);
	SYS1(SYS_unlink, FILE_TMP);
	return finish();
}
