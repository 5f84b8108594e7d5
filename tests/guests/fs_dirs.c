/*
 * fs_dirs: listing directories with getdents64 (through the libc's
 * opendir/readdir and raw), over the fs fixture: names are sorted here
 * since each file system has its own order.  Listings after removing,
 * recreating and renaming names of the root file system, many entries,
 * removal while listing, rewinddir and seekdir/telldir, a small buffer,
 * a removed cwd.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"

static char names[512][260];
static int nnames;

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Print the sorted listing of p with each entry's type from d_type. */
static void
show(const char *p)
{
	DIR *d = opendir(p);
	struct dirent *e;

	nnames = 0;
	if (d == NULL) {
		out("%s: cannot list (%s)\n", p, errname(errno));
		return;
	}
	while ((e = readdir(d)) != NULL && nnames < 512) {
		const char *t = e->d_type == DT_DIR ? "/" : e->d_type ==
		    DT_LNK ? "@" : e->d_type == DT_REG ? "" : "?";

		snprintf(names[nnames++], sizeof(names[0]), "%s%s", e->d_name,
		    t);
	}
	closedir(d);
	qsort(names, (size_t)nnames, sizeof(names[0]), cmp);
	out("%s:", p);
	for (int i = 0; i < nnames; i++)
		out(" %s", names[i]);
	out("\n");
}

static void
touch(const char *p)
{
	long fd = SYS4(SYS_openat, AT_FDCWD, p, O_CREAT | O_WRONLY, 0644);

	if (fd < 0)
		out("create %s: %s\n", p, errname(fd));
	SYS1(SYS_close, fd);
}

static void
test_listings(void)
{
	show("data");
	show("data/sub");
	show("empty");
	show("link-to-data");
	show("link-to-data/");
	expect_err("opendir a file", opendir("hello.txt") == NULL ? -errno :
	    0, ENOTDIR);
	expect_err("opendir missing", opendir("missing") == NULL ? -errno : 0,
	    ENOENT);
}

static void
test_changes(void)
{
	SYS1(SYS_unlink, "data/b.txt");
	show("data");
	touch("data/b.txt");
	touch("data/new.txt");
	SYS2(SYS_mkdir, "data/newdir", 0755);
	SYS2(SYS_symlink, "a.txt", "data/alias");
	show("data");
	SYS2(SYS_rename, "data/a.txt", "data/sub/a.txt");
	show("data");
	show("data/sub");
	SYS1(SYS_unlink, "data/sub/deep/file");
	SYS1(SYS_rmdir, "data/sub/deep");
	show("data/sub");
	SYS2(SYS_mkdir, "data/sub/deep", 0755);
	show("data/sub/deep");
	SYS2(SYS_rename, "data", "moved");
	show("moved");
	show("moved/sub");
}

static void
test_many(void)
{
	char p[64];
	DIR *d;
	struct dirent *e;
	long pos = -1;
	char at[260] = "", again[260] = "";
	int count = 0, dups = 0;

	SYS2(SYS_mkdir, "many", 0755);
	for (int i = 0; i < 300; i++) {
		snprintf(p, sizeof(p), "many/file-%03d", i);
		touch(p);
	}
	d = opendir("many");
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (count == 100) {
			/* Remove some not yet seen and some seen. */
			for (int i = 0; i < 300; i += 3) {
				snprintf(p, sizeof(p), "many/file-%03d", i);
				SYS1(SYS_unlink, p);
			}
		}
		if (count == 50) {
			pos = telldir(d);
		}
		if (count == 51)
			snprintf(at, sizeof(at), "%s", e->d_name);
		count++;
	}
	check("listing ends", count >= 200 && count <= 300);
	rewinddir(d);
	count = 0;
	while ((e = readdir(d)) != NULL)
		count += e->d_name[0] != '.';
	expect_val("entries after removal", count, 200);
	seekdir(d, pos);
	e = readdir(d);
	if (e != NULL)
		snprintf(again, sizeof(again), "%s", e->d_name);
	check("seekdir to a telldir position", at[0] != '\0' &&
	    (strcmp(at, again) == 0 || access(at, F_OK) != 0));
	closedir(d);
	(void)dups;
}

static void
test_raw(void)
{
	char buf[64];
	long fd = SYS4(SYS_openat, AT_FDCWD, "moved", O_RDONLY | O_DIRECTORY,
	    0), n;

	expect_err("getdents64 buffer too small", SYS3(SYS_getdents64, fd,
	    buf, 8), EINVAL);
	n = SYS3(SYS_getdents64, fd, buf, sizeof(buf));
	check("getdents64 small buffer", n > 0 && n <= (long)sizeof(buf));
	expect_err("getdents64 bad buffer", SYS3(SYS_getdents64, fd,
	    ADDR_KERNEL, 4096), EFAULT);
	SYS1(SYS_close, fd);
	fd = SYS4(SYS_openat, AT_FDCWD, "hello.txt", O_RDONLY, 0);
	expect_err("getdents64 on a file", SYS3(SYS_getdents64, fd, buf,
	    sizeof(buf)), ENOTDIR);
	SYS1(SYS_close, fd);
	expect_err("getdents64 bad fd", SYS3(SYS_getdents64, 9999, buf,
	    sizeof(buf)), EBADF);
}

static void
test_removed_cwd(void)
{
	char cwd[4096];
	long fd;

	SYS2(SYS_mkdir, "gone", 0755);
	fd = SYS4(SYS_openat, AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0);
	expect_ok("chdir gone", SYS1(SYS_chdir, "gone"));
	expect_ok("rmdir the cwd", SYS1(SYS_rmdir, "../gone"));
	expect_err("getcwd", SYS2(SYS_getcwd, cwd, sizeof(cwd)), ENOENT);
	expect_err("create in it", SYS4(SYS_openat, AT_FDCWD, "f",
	    O_CREAT | O_WRONLY, 0644), ENOENT);
	show(".");
	expect_ok("fchdir back", SYS1(SYS_fchdir, fd));
	SYS1(SYS_close, fd);
	check("back in the fixture", access("FS_FIXTURE", F_OK) == 0);
}

int
main(void)
{
	if (SYS2(SYS_access, "FS_FIXTURE", F_OK) != 0) {
		out("not in the fs fixture: skipped\n");
		return 0;
	}
	test_listings();
	test_changes();
	test_many();
	test_raw();
	test_removed_cwd();
	return finish();
}
