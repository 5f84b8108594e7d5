/*
 * Host tests of the file tree: an archive built here is mounted, then
 * path walks (., .., //, trailing slashes, symlinks, ELOOP, long names),
 * the layers (copy-up, whiteouts, renames of archive names, opaque
 * directories), open flags, getdents, the descriptor-facing calls and
 * /proc's texts are checked against Linux's behaviour.  No vnode may be
 * left behind.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/mock_user.h"

/* ---- A small tar writer ---- */

static uint8_t ar[256 * 512];
static size_t arlen;

static void
octal(uint8_t *f, size_t n, uint64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)n - 1, (unsigned long long)v);
	memcpy(f, tmp, n - 1);
}

static void
member(const char *name, char type, uint32_t mode, const char *data,
    const char *link)
{
	uint8_t *h = ar + arlen;
	size_t size = data != NULL ? strlen(data) : 0;
	unsigned sum = 0;

	memset(h, 0, 512);
	strncpy((char *)h, name, 100);
	octal(h + 100, 8, mode);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, size);
	octal(h + 136, 12, 1000);
	h[156] = (uint8_t)type;
	if (link != NULL)
		strncpy((char *)h + 157, link, 100);
	memcpy(h + 257, "ustar\0" "00", 8);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	arlen += 512;
	memcpy(ar + arlen, data != NULL ? data : "", size);
	arlen += (size + 511) & ~511ul;
}

/* The archive every test starts from. */
static void
build_archive(void)
{
	memset(ar, 0, sizeof(ar));
	arlen = 0;
	member("./", TAR_DIR, 0755, NULL, NULL);
	member("./etc/", TAR_DIR, 0755, NULL, NULL);
	member("./etc/passwd", TAR_REG, 0644, "root:x:0:0\n", NULL);
	member("./etc/hosts", TAR_REG, 0644, "127.0.0.1 localhost\n", NULL);
	member("./etc/hosts.link", TAR_HARDLINK, 0644, NULL, "etc/hosts");
	member("./bin/sh", TAR_REG, 0755, "#!binary", NULL);	/* implicit dir */
	member("./lib", TAR_SYMLINK, 0777, NULL, "usr/lib");
	member("./usr/lib/libc.so", TAR_REG, 0644, "libc", NULL);
	member("./loop1", TAR_SYMLINK, 0777, NULL, "loop2");
	member("./loop2", TAR_SYMLINK, 0777, NULL, "loop1");
	member("./abs", TAR_SYMLINK, 0777, NULL, "/etc/passwd");
	member("./dangling", TAR_SYMLINK, 0777, NULL, "nowhere/file");
	member("./data/a", TAR_REG, 0644, "A", NULL);
	member("./data/b", TAR_REG, 0644, "B", NULL);
	member("./data/c", TAR_REG, 0644, "C", NULL);
	member("./dup", TAR_REG, 0644, "first", NULL);
	member("./dup", TAR_REG, 0600, "second", NULL);	/* last wins */
	member("../escape", TAR_REG, 0644, "x", NULL);	/* refused */
	member("./dev/null", TAR_REG, 0644, "not a device", NULL);
	arlen += 1024;
}

static uint64_t base_vnodes;

static void
fresh(void)
{
	fd_reset();
	vfs_reset();
	CHECK(vnode_count() == 0);
	build_archive();
	CHECK(vfs_init(ar, arlen) == 0);
	vfs_set_cwd(vfs_root());
	base_vnodes = vnode_count();
}

/* ---- Helpers ---- */

static int
open_fd(const char *path, uint32_t flags, uint32_t mode)
{
	struct file *f;
	int rc = vfs_open(AT_FDCWD, path, flags, mode, &f);

	if (rc != 0)
		return rc;
	rc = fd_install(f, 0, false);
	if (rc < 0)
		file_put(f);
	return rc;
}

/* The whole content of path, or NULL. */
static const char *
slurp(const char *path)
{
	static char buf[8192];
	struct file *f;
	long n;

	if (vfs_open(AT_FDCWD, path, O_RDONLY, 0, &f) != 0)
		return NULL;
	n = file_read(f, buf, sizeof(buf) - 1, 0);
	file_put(f);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static int
write_file(const char *path, uint32_t flags, const char *s)
{
	struct file *f;
	int rc = vfs_open(AT_FDCWD, path, O_WRONLY | flags, 0644, &f);

	if (rc != 0)
		return rc;
	rc = (int)file_write(f, s, strlen(s), 0);
	file_put(f);
	return rc < 0 ? rc : 0;
}

/* The names getdents gives for path, sorted as it gives them. */
static const char *
listing(const char *path)
{
	static char out[4096];
	uint8_t buf[512];
	struct file *f;
	long n;

	out[0] = '\0';
	if (vfs_open(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0, &f) != 0)
		return NULL;
	while ((n = file_getdents(f, buf, sizeof(buf))) > 0) {
		for (long o = 0; o < n; ) {
			uint16_t reclen;

			memcpy(&reclen, buf + o + 16, 2);
			strcat(out, (char *)buf + o + 19);
			strcat(out, " ");
			o += reclen;
		}
	}
	file_put(f);
	return out;
}

static int
stat_mode(const char *path, int flags, uint32_t *mode)
{
	struct kstat st;
	int rc = vfs_stat(AT_FDCWD, path, flags, &st);

	if (rc == 0 && mode != NULL)
		*mode = st.mode;
	return rc;
}

/* ---- Tests ---- */

static void
test_archive_tree(void)
{
	uint32_t mode;
	struct kstat a, b;

	fresh();
	CHECK(strcmp(slurp("/etc/passwd"), "root:x:0:0\n") == 0);
	CHECK(strcmp(slurp("/bin/sh"), "#!binary") == 0);
	CHECK(stat_mode("/bin", 0, &mode) == 0 && mode == (S_IFDIR | 0755));
	CHECK(strcmp(slurp("/dup"), "second") == 0);
	CHECK(stat_mode("/dup", 0, &mode) == 0 && mode == (S_IFREG | 0600));
	CHECK(stat_mode("/escape", 0, NULL) == -ENOENT);
	CHECK(stat_mode("/../escape", 0, NULL) == -ENOENT);
	CHECK(vfs_stat(AT_FDCWD, "/etc/hosts", 0, &a) == 0);
	CHECK(vfs_stat(AT_FDCWD, "/etc/hosts.link", 0, &b) == 0);
	CHECK(a.ino == b.ino && a.nlink == 2);
	CHECK(a.mtime_ns == 1000ull * 1000000000ull);
	/* /tmp, /dev and /proc exist though the archive lacks them. */
	CHECK(stat_mode("/tmp", 0, &mode) == 0 && mode == (S_IFDIR | 01777));
	CHECK(stat_mode("/proc/self/status", 0, NULL) == 0);
	/* The archive's /dev/null is replaced by the device. */
	CHECK(stat_mode("/dev/null", 0, &mode) == 0 && mode == (S_IFCHR | 0666));
	CHECK(strcmp(slurp("/dev/null"), "") == 0);
}

static void
test_walk_basics(void)
{
	uint32_t mode;

	fresh();
	CHECK(strcmp(slurp("//etc///passwd"), "root:x:0:0\n") == 0);
	CHECK(strcmp(slurp("/etc/../etc/./passwd"), "root:x:0:0\n") == 0);
	CHECK(strcmp(slurp("/../../etc/passwd"), "root:x:0:0\n") == 0);
	CHECK(stat_mode("/etc/passwd/", 0, NULL) == -ENOTDIR);
	CHECK(stat_mode("/etc/passwd/.", 0, NULL) == -ENOTDIR);
	CHECK(stat_mode("/etc/passwd/x", 0, NULL) == -ENOTDIR);
	CHECK(stat_mode("/etc/", 0, &mode) == 0 && S_IFDIR == (mode & S_IFMT));
	CHECK(stat_mode("", 0, NULL) == -ENOENT);
	CHECK(stat_mode("/nonexistent/x", 0, NULL) == -ENOENT);
	CHECK(vfs_chdir(AT_FDCWD, "/etc", 0) == 0);
	CHECK(strcmp(slurp("passwd"), "root:x:0:0\n") == 0);
	CHECK(strcmp(slurp("../etc/hosts"), "127.0.0.1 localhost\n") == 0);
	CHECK(vfs_chdir(AT_FDCWD, "passwd", 0) == -ENOTDIR);
	CHECK(vfs_chdir(AT_FDCWD, "/", 0) == 0);
}

static void
test_symlinks(void)
{
	uint32_t mode;
	char buf[64];
	char path[512];

	fresh();
	CHECK(strcmp(slurp("/lib/libc.so"), "libc") == 0);
	CHECK(strcmp(slurp("/abs"), "root:x:0:0\n") == 0);
	CHECK(stat_mode("/abs", AT_SYMLINK_NOFOLLOW, &mode) == 0 &&
	    (mode & S_IFMT) == S_IFLNK);
	CHECK(stat_mode("/lib/", AT_SYMLINK_NOFOLLOW, &mode) == 0 &&
	    (mode & S_IFMT) == S_IFDIR);	/* a trailing slash follows */
	CHECK(stat_mode("/loop1", 0, NULL) == -ELOOP);
	CHECK(stat_mode("/loop1/x", 0, NULL) == -ELOOP);
	CHECK(stat_mode("/dangling", 0, NULL) == -ENOENT);
	CHECK(vfs_readlink(AT_FDCWD, "/lib", buf, sizeof(buf)) == 7 &&
	    memcmp(buf, "usr/lib", 7) == 0);
	CHECK(vfs_readlink(AT_FDCWD, "/lib", buf, 3) == 3);
	CHECK(vfs_readlink(AT_FDCWD, "/etc", buf, sizeof(buf)) == -EINVAL);
	/* 40 links in a chain resolve; 41 do not. */
	CHECK(vfs_mkdir(AT_FDCWD, "/chain", 0755) == 0);
	CHECK(write_file("/chain/l0", O_CREAT, "end") == 0);
	for (int i = 1; i <= 41; i++) {
		snprintf(buf, sizeof(buf), "l%d", i - 1);
		snprintf(path, sizeof(path), "/chain/l%d", i);
		CHECK(vfs_symlink(buf, AT_FDCWD, path) == 0);
	}
	CHECK(strcmp(slurp("/chain/l40"), "end") == 0);
	CHECK(slurp("/chain/l41") == NULL);
	CHECK(stat_mode("/chain/l41", 0, NULL) == -ELOOP);
	/* O_NOFOLLOW on a symlink: ELOOP; with O_PATH: the link itself. */
	CHECK(open_fd("/abs", O_RDONLY | O_NOFOLLOW, 0) == -ELOOP);
	CHECK(open_fd("/abs", O_PATH | O_NOFOLLOW, 0) >= 0);
	/* O_CREAT through a dangling symlink creates its target. */
	CHECK(vfs_symlink("target", AT_FDCWD, "/tmp/dl") == 0);
	CHECK(open_fd("/tmp/dl", O_CREAT | O_WRONLY, 0644) >= 0);
	CHECK(stat_mode("/tmp/target", 0, NULL) == 0);
	CHECK(open_fd("/tmp/dl", O_CREAT | O_EXCL | O_WRONLY, 0644) ==
	    -EEXIST);
	CHECK(vfs_symlink("", AT_FDCWD, "/tmp/empty") == -ENOENT);
}

static void
test_long_names(void)
{
	char name[300], path[5000];

	fresh();
	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(path, sizeof(path), "/tmp/%s", name);
	CHECK(write_file(path, O_CREAT, "ok") == 0);
	CHECK(strcmp(slurp(path), "ok") == 0);
	memset(name, 'n', 256);
	name[256] = '\0';
	snprintf(path, sizeof(path), "/tmp/%s", name);
	CHECK(open_fd(path, O_CREAT | O_WRONLY, 0644) == -ENAMETOOLONG);
	CHECK(stat_mode(path, 0, NULL) == -ENAMETOOLONG);
	memset(path, 'a', 4096);
	path[4096] = '\0';
	CHECK(stat_mode(path, 0, NULL) == -ENAMETOOLONG);
	/* 4095 bytes of "/" and "./" are fine. */
	for (int i = 0; i < 4094; i += 2)
		memcpy(path + i, "./", 2);
	path[4094] = '.';
	path[4095] = '\0';
	CHECK(stat_mode(path, 0, NULL) == 0);
}

static void
test_copy_up(void)
{
	uint8_t before[sizeof(ar)];
	struct kstat st;

	fresh();
	memcpy(before, ar, arlen);
	CHECK(write_file("/etc/passwd", O_APPEND, "user:x:1:1\n") == 0);
	CHECK(strcmp(slurp("/etc/passwd"), "root:x:0:0\nuser:x:1:1\n") == 0);
	CHECK(memcmp(before, ar, arlen) == 0);	/* the archive is untouched */
	/* Hard links share the copied-up file. */
	CHECK(write_file("/etc/hosts", 0, "::1") == 0);
	CHECK(strcmp(slurp("/etc/hosts.link"), "::1.0.0.1 localhost\n") == 0);
	/* Truncate below the archive data, then grow: zeros, not old bytes. */
	CHECK(vfs_truncate(AT_FDCWD, "/etc/hosts", 2) == 0);
	CHECK(vfs_truncate(AT_FDCWD, "/etc/hosts", 6) == 0);
	CHECK(memcmp(slurp("/etc/hosts"), "::\0\0\0\0", 6) == 0);
	CHECK(vfs_stat(AT_FDCWD, "/etc/hosts", 0, &st) == 0 && st.size == 6);
	CHECK(vfs_truncate(AT_FDCWD, "/bin/sh", 2) == 0);
	CHECK(vfs_truncate(AT_FDCWD, "/bin/sh", 4) == 0);
	CHECK(memcmp(slurp("/bin/sh"), "#!\0\0", 4) == 0);
	CHECK(memcmp(before, ar, arlen) == 0);
	CHECK(vfs_truncate(AT_FDCWD, "/etc", 0) == -EISDIR);
	CHECK(vfs_truncate(AT_FDCWD, "/etc/passwd", -1) == -EINVAL);
	/* Modes and owners of archive files change too. */
	CHECK(vfs_chmod(AT_FDCWD, "/etc/passwd", 0600, 0) == 0);
	CHECK(vfs_chown(AT_FDCWD, "/etc/passwd", 5, 6, 0) == 0);
	CHECK(vfs_stat(AT_FDCWD, "/etc/passwd", 0, &st) == 0);
	CHECK(st.mode == (S_IFREG | 0600) && st.uid == 5 && st.gid == 6);
}

/* execve's view of an image: only while the file is the archive's. */
static void
test_file_view(void)
{
	const void *p = NULL, *old;
	void *owned;
	struct file *f;
	size_t len = 0;

	fresh();
	CHECK(vfs_open(AT_FDCWD, "/etc/passwd", O_RDONLY, 0, &f) == 0);
	CHECK(file_view(f, &p, &len) == 0);
	CHECK(len == 11 && memcmp(p, "root:x:0:0\n", 11) == 0);
	old = p;
	CHECK(file_whole(f, 11, &p, &owned) == 0 && p == old && owned == NULL);
	CHECK(write_file("/etc/passwd", 0, "R") == 0);	/* same size */
	CHECK(file_view(f, &p, &len) == -EAGAIN);	/* copied up */
	/* file_whole reads it instead, into a buffer of the caller's. */
	CHECK(file_whole(f, 11, &p, &owned) == 0 && p == owned &&
	    memcmp(p, "Root:x:0:0\n", 11) == 0);
	kfree(owned);
	CHECK(file_whole(f, 12, &p, &owned) == -EIO);	/* ends early */
	CHECK(memcmp(old, "root:x:0:0\n", 11) == 0);	/* still readable */
	CHECK(strcmp(slurp("/etc/passwd"), "Root:x:0:0\n") == 0);
	file_put(f);
	/* Truncated: the rest of the archive's bytes; grown: zeros, no view. */
	CHECK(vfs_truncate(AT_FDCWD, "/bin/sh", 2) == 0);
	CHECK(vfs_open(AT_FDCWD, "/bin/sh", O_RDONLY, 0, &f) == 0);
	CHECK(file_view(f, &p, &len) == 0 && len == 2 &&
	    memcmp(p, "#!", 2) == 0);
	CHECK(vfs_truncate(AT_FDCWD, "/bin/sh", 4) == 0);
	CHECK(file_view(f, &p, &len) == -EAGAIN);
	file_put(f);
	CHECK(vfs_open(AT_FDCWD, "/etc", O_RDONLY | O_DIRECTORY, 0, &f) == 0);
	CHECK(file_view(f, &p, &len) == -EAGAIN);
	file_put(f);
}

/*
 * The page cache (kernel/fdata.c): a mapping shares the file's page;
 * writes to the file show through it, a write to the mapping copies,
 * and the file lets its pages go to the mappings that still hold them.
 */
static void
test_page_cache(void)
{
	static const uint64_t va = 0x10000, vb = 0x11000;
	uint64_t clean, own;
	struct file *f, *g;
	void *p, *q;
	char big[5001];

	fresh();
	mock_user_reset();
	clean = fdata_clean_total();
	own = fdata_pages_total();
	CHECK(vfs_open(AT_FDCWD, "/etc/passwd", O_RDONLY, 0, &f) == 0);
	CHECK(file_page(f, 0, &p) == 0);
	CHECK(memcmp(p, "root:x:0:0\n\0\0", 13) == 0);	/* zeros after */
	CHECK(fdata_clean_total() == clean + 1 && fdata_pages_total() == own);
	CHECK(file_page(f, 0, &q) == 0 && q == p);	/* made once */
	CHECK(file_view(f, (const void **)&q, &(size_t){0}) == 0);
	CHECK(file_page(f, 4096, &q) == -ENXIO);
	CHECK(file_page(f, 1, &q) == -ENODEV);
	CHECK(plat_user_map_shared(va, p, 3) == 0);
	CHECK(plat_user_map_shared(vb, p, 1) == 0);
	CHECK(plat_user_page(va) == p && plat_user_page(vb) == p);
	/* A write to the file moves the page to the written ones. */
	CHECK(write_file("/etc/passwd", 0, "R") == 0);
	CHECK(fdata_clean_total() == clean && fdata_pages_total() == own + 1);
	CHECK(((char *)plat_user_page(vb))[0] == 'R');
	CHECK(file_page(f, 0, &q) == 0 && q == p);
	/* The mapping's own copy: the file stays as it is. */
	CHECK(plat_user_own(va, 3) == 0 && plat_user_page(va) != p);
	((char *)plat_user_page(va))[1] = 'O';
	CHECK(strcmp(slurp("/etc/passwd"), "Root:x:0:0\n") == 0);
	file_put(f);
	mock_user_reset();

	/* Truncation zeros past the new end, in the mapped page too. */
	CHECK(vfs_open(AT_FDCWD, "/etc/hosts", O_RDONLY, 0, &f) == 0);
	CHECK(file_page(f, 0, &p) == 0 && plat_user_map_shared(va, p, 1) == 0);
	CHECK(vfs_truncate(AT_FDCWD, "/etc/hosts", 3) == 0);
	CHECK(memcmp(plat_user_page(va), "127\0\0", 5) == 0);
	CHECK(file_page(f, 0, &q) == 0 && q == p);
	CHECK(vfs_truncate(AT_FDCWD, "/etc/hosts", 0) == 0);
	CHECK(fdata_clean_total() == clean);
	CHECK(file_page(f, 0, &q) == -ENXIO);
	CHECK(memcmp(plat_user_page(va), "127", 3) == 0);  /* kept, mapped */
	file_put(f);
	mock_user_reset();

	/* A removed file's pages outlive it while mapped. */
	memset(big, 'b', 5000);
	big[5000] = '\0';
	CHECK(write_file("/tmp/m", O_CREAT, big) == 0);
	CHECK(vfs_open(AT_FDCWD, "/tmp/m", O_RDONLY, 0, &f) == 0);
	CHECK(file_page(f, 4096, &p) == 0 && plat_user_map_shared(vb, p, 1) == 0);
	CHECK(fdata_clean_total() == clean);	/* written pages: no copy */
	CHECK(vfs_unlink(AT_FDCWD, "/tmp/m", 0) == 0);
	file_put(f);
	CHECK(fdata_pages_total() == own + 1);	/* only /etc/passwd's */
	CHECK(memcmp(plat_user_page(vb), "bbbb", 4) == 0);
	CHECK(((char *)plat_user_page(vb))[5000 - 4096] == 0);
	mock_user_reset();			/* now freed: no double free */

	/*
	 * Reclaim frees the clean pages no mapping uses, and only those,
	 * but the one handed out last (its caller is about to map it).
	 */
	CHECK(vfs_open(AT_FDCWD, "/data/a", O_RDONLY, 0, &f) == 0);
	CHECK(file_page(f, 0, &p) == 0 && plat_user_map_shared(va, p, 1) == 0);
	CHECK(vfs_open(AT_FDCWD, "/data/b", O_RDONLY, 0, &g) == 0);
	CHECK(file_page(g, 0, &q) == 0);
	CHECK(fdata_clean_total() == clean + 2);
	CHECK(vfs_reclaim() == 0);		/* p mapped, q handed out */
	CHECK(file_page(f, 0, &q) == 0 && q == p);	/* still the cached one */
	CHECK(vfs_reclaim() == 1 && fdata_clean_total() == clean + 1);
	CHECK(((char *)plat_user_page(va))[0] == 'A');
	mock_user_reset();
	CHECK(file_page(g, 0, &q) == 0 && q != p);	/* made again */
	CHECK(vfs_reclaim() == 1 && fdata_clean_total() == clean + 1);
	file_put(f);
	file_put(g);
}

static void
test_whiteouts(void)
{
	fresh();
	CHECK(strcmp(listing("/data"), ". .. a b c ") == 0);
	CHECK(vfs_unlink(AT_FDCWD, "/data/b", 0) == 0);
	CHECK(stat_mode("/data/b", 0, NULL) == -ENOENT);
	CHECK(strcmp(listing("/data"), ". .. a c ") == 0);
	CHECK(vfs_unlink(AT_FDCWD, "/data/b", 0) == -ENOENT);
	CHECK(write_file("/data/b", O_CREAT | O_EXCL, "new b") == 0);
	CHECK(strcmp(slurp("/data/b"), "new b") == 0);
	CHECK(strcmp(listing("/data"), ". .. a b c ") == 0);
	/* rmdir needs it empty; then mkdir gives an empty (opaque) dir. */
	CHECK(vfs_unlink(AT_FDCWD, "/data", AT_REMOVEDIR) == -ENOTEMPTY);
	CHECK(vfs_unlink(AT_FDCWD, "/data/a", 0) == 0);
	CHECK(vfs_unlink(AT_FDCWD, "/data/b", 0) == 0);
	CHECK(vfs_unlink(AT_FDCWD, "/data/c", 0) == 0);
	CHECK(strcmp(listing("/data"), ". .. ") == 0);
	CHECK(vfs_unlink(AT_FDCWD, "/data", AT_REMOVEDIR) == 0);
	CHECK(stat_mode("/data", 0, NULL) == -ENOENT);
	CHECK(vfs_mkdir(AT_FDCWD, "/data", 0700) == 0);
	CHECK(strcmp(listing("/data"), ". .. ") == 0);
	CHECK(stat_mode("/data/a", 0, NULL) == -ENOENT);
	/* Errors of unlink and rmdir. */
	CHECK(vfs_unlink(AT_FDCWD, "/etc", 0) == -EISDIR);
	CHECK(vfs_unlink(AT_FDCWD, "/etc/passwd", AT_REMOVEDIR) == -ENOTDIR);
	CHECK(vfs_unlink(AT_FDCWD, "/etc/passwd/", 0) == -ENOTDIR);
	CHECK(vfs_unlink(AT_FDCWD, "/data/.", AT_REMOVEDIR) == -EINVAL);
	CHECK(vfs_unlink(AT_FDCWD, "/data/..", AT_REMOVEDIR) == -ENOTEMPTY);
	CHECK(vfs_unlink(AT_FDCWD, "/", AT_REMOVEDIR) == -EBUSY);
	CHECK(vfs_unlink(AT_FDCWD, "/proc", AT_REMOVEDIR) == -EBUSY);
	CHECK(vfs_unlink(AT_FDCWD, "/x", 0x1) == -EINVAL);
}

static void
test_rename(void)
{
	fresh();
	/* A whole archive directory moves with what is inside. */
	CHECK(vfs_rename(AT_FDCWD, "/data", AT_FDCWD, "/moved", 0) == 0);
	CHECK(stat_mode("/data", 0, NULL) == -ENOENT);
	CHECK(strcmp(slurp("/moved/a"), "A") == 0);
	CHECK(strcmp(listing("/moved"), ". .. a b c ") == 0);
	CHECK(vfs_rename(AT_FDCWD, "/moved/a", AT_FDCWD, "/moved/b", 0) == 0);
	CHECK(strcmp(listing("/moved"), ". .. b c ") == 0);
	CHECK(strcmp(slurp("/moved/b"), "A") == 0);
	CHECK(vfs_rename(AT_FDCWD, "/moved/b", AT_FDCWD, "/moved/c",
	    RENAME_NOREPLACE) == -EEXIST);
	CHECK(vfs_rename(AT_FDCWD, "/moved/b", AT_FDCWD, "/moved/c",
	    RENAME_EXCHANGE) == 0);
	CHECK(strcmp(slurp("/moved/b"), "C") == 0);
	CHECK(strcmp(slurp("/moved/c"), "A") == 0);
	CHECK(vfs_rename(AT_FDCWD, "/moved/b", AT_FDCWD, "/moved/zz",
	    RENAME_EXCHANGE) == -ENOENT);
	CHECK(vfs_rename(AT_FDCWD, "/moved", AT_FDCWD, "/moved/sub", 0) ==
	    -EINVAL);
	CHECK(vfs_rename(AT_FDCWD, "/moved", AT_FDCWD, "/etc", 0) ==
	    -ENOTEMPTY);
	CHECK(vfs_rename(AT_FDCWD, "/moved", AT_FDCWD, "/etc/passwd", 0) ==
	    -ENOTDIR);
	CHECK(vfs_rename(AT_FDCWD, "/etc/passwd", AT_FDCWD, "/moved", 0) ==
	    -EISDIR);
	CHECK(vfs_rename(AT_FDCWD, "/etc/passwd", AT_FDCWD, "/x/", 0) ==
	    -ENOTDIR);
	CHECK(vfs_rename(AT_FDCWD, "/nothere", AT_FDCWD, "/x", 0) == -ENOENT);
	CHECK(vfs_rename(AT_FDCWD, "/etc/hosts", AT_FDCWD, "/etc/hosts.link",
	    0) == 0);			/* the same file: nothing happens */
	CHECK(stat_mode("/etc/hosts", 0, NULL) == 0);
	CHECK(vfs_rename(AT_FDCWD, "/proc/meminfo", AT_FDCWD, "/m", 0) ==
	    -EXDEV);
	CHECK(vfs_rename(AT_FDCWD, ".", AT_FDCWD, "/m", 0) == -EBUSY);
	CHECK(vfs_mkdir(AT_FDCWD, "/empty", 0755) == 0);
	CHECK(vfs_rename(AT_FDCWD, "/moved", AT_FDCWD, "/empty", 0) == 0);
	CHECK(strcmp(listing("/empty"), ". .. b c ") == 0);
}

/* /dev is a mount of its own (devtmpfs): EXDEV, EBUSY, its st_dev. */
static void
test_dev_mount(void)
{
	struct kstat st, root;
	struct kstatfs sf;

	fresh();
	CHECK(vfs_stat(AT_FDCWD, "/", 0, &root) == 0);
	CHECK(vfs_stat(AT_FDCWD, "/dev", 0, &st) == 0 && st.dev != root.dev);
	CHECK(vfs_stat(AT_FDCWD, "/dev/null", 0, &st) == 0 &&
	    st.dev == VFS_DEV_DEV);
	CHECK(vfs_statfs(AT_FDCWD, "/dev", 0, &sf) == 0 &&
	    sf.type == TMPFS_MAGIC && sf.fsid[0] == VFS_DEV_DEV);
	CHECK(open_fd("/tmp/f", O_CREAT | O_WRONLY, 0644) >= 0);
	CHECK(vfs_rename(AT_FDCWD, "/tmp/f", AT_FDCWD, "/dev/f", 0) == -EXDEV);
	CHECK(vfs_rename(AT_FDCWD, "/tmp/f", AT_FDCWD, "/dev/null", 0) ==
	    -EXDEV);
	CHECK(vfs_rename(AT_FDCWD, "/tmp/nothere", AT_FDCWD, "/dev/x", 0) ==
	    -EXDEV);			/* before the names are looked at */
	CHECK(vfs_rename(AT_FDCWD, "/dev/null", AT_FDCWD, "/tmp/n", 0) ==
	    -EXDEV);
	CHECK(vfs_rename(AT_FDCWD, "/tmp/f", AT_FDCWD, "/dev/null",
	    RENAME_EXCHANGE) == -EXDEV);
	CHECK(vfs_link(AT_FDCWD, "/tmp/f", AT_FDCWD, "/dev/f", 0) == -EXDEV);
	CHECK(vfs_link(AT_FDCWD, "/dev/zero", AT_FDCWD, "/tmp/z", 0) ==
	    -EXDEV);
	CHECK(vfs_link(AT_FDCWD, "/tmp/f", AT_FDCWD, "/dev/null", 0) ==
	    -EEXIST);
	CHECK(vfs_mkdir(AT_FDCWD, "/tmp/d", 0755) == 0);
	CHECK(vfs_rename(AT_FDCWD, "/dev", AT_FDCWD, "/tmp/d", 0) == -EBUSY);
	CHECK(vfs_rename(AT_FDCWD, "/tmp/d", AT_FDCWD, "/dev", 0) == -EBUSY);
	CHECK(vfs_unlink(AT_FDCWD, "/dev", AT_REMOVEDIR) == -EBUSY);
	/* Inside /dev, as anywhere: new names are on its file system. */
	CHECK(vfs_mkdir(AT_FDCWD, "/dev/sub", 0755) == 0);
	CHECK(vfs_rename(AT_FDCWD, "/dev/zero", AT_FDCWD, "/dev/sub/z", 0) ==
	    0);
	CHECK(vfs_stat(AT_FDCWD, "/dev/sub/z", 0, &st) == 0 &&
	    st.dev == VFS_DEV_DEV);
	CHECK(vfs_rename(AT_FDCWD, "/dev/sub", AT_FDCWD, "/tmp/sub", 0) ==
	    -EXDEV);
	CHECK(vfs_stat(AT_FDCWD, "/tmp/f", 0, &st) == 0 && st.dev == root.dev);
}

static void
test_links_and_nodes(void)
{
	struct kstat st;

	fresh();
	CHECK(vfs_link(AT_FDCWD, "/etc/passwd", AT_FDCWD, "/tmp/pw", 0) == 0);
	CHECK(vfs_stat(AT_FDCWD, "/tmp/pw", 0, &st) == 0 && st.nlink == 2);
	CHECK(vfs_link(AT_FDCWD, "/etc", AT_FDCWD, "/tmp/e", 0) == -EPERM);
	CHECK(vfs_link(AT_FDCWD, "/etc/passwd", AT_FDCWD, "/tmp/pw", 0) ==
	    -EEXIST);
	CHECK(vfs_link(AT_FDCWD, "/abs", AT_FDCWD, "/tmp/l", 0) == 0);
	CHECK(stat_mode("/tmp/l", AT_SYMLINK_NOFOLLOW, NULL) == 0);
	CHECK(vfs_mknod(AT_FDCWD, "/tmp/z", S_IFCHR | 0666, KMKDEV(1, 5)) ==
	    0);
	CHECK(memcmp(slurp("/tmp/z"), "", 1) == 0);
	CHECK(vfs_mknod(AT_FDCWD, "/tmp/fifo", S_IFIFO | 0666, 0) == 0);
	CHECK(open_fd("/tmp/fifo", O_RDONLY, 0) == -ENXIO);
	CHECK(vfs_mknod(AT_FDCWD, "/tmp/d", S_IFDIR | 0755, 0) == -EPERM);
	CHECK(vfs_mkdir(AT_FDCWD, "/tmp", 0755) == -EEXIST);
	CHECK(vfs_mkdir(AT_FDCWD, "/tmp/new/", 0755) == 0);
	CHECK(vfs_mkdir(AT_FDCWD, "/tmp/a/b", 0755) == -ENOENT);
	CHECK(vfs_mkdir(AT_FDCWD, "/proc/x", 0755) == -ENOENT);
}

static void
test_open_flags(void)
{
	struct file *f;
	struct kstat st;
	char buf[16];
	int fd;

	fresh();
	CHECK(open_fd("/nope", O_RDONLY, 0) == -ENOENT);
	CHECK(open_fd("/etc", O_WRONLY, 0) == -EISDIR);
	CHECK(open_fd("/etc", O_RDONLY | O_CREAT, 0) == -EISDIR);
	CHECK(open_fd("/etc/passwd", O_RDONLY | O_DIRECTORY, 0) == -ENOTDIR);
	CHECK(open_fd("/etc/passwd", O_RDONLY | O_CREAT | O_EXCL, 0) ==
	    -EEXIST);
	CHECK(open_fd("/tmp/new/", O_RDWR | O_CREAT, 0644) == -EISDIR);
	CHECK(open_fd("/etc/passwd", O_TMPFILE | O_RDWR, 0600) ==
	    -EOPNOTSUPP);
	CHECK(vfs_open(AT_FDCWD, "/etc/passwd", O_RDWR | O_TRUNC, 0, &f) ==
	    0);
	CHECK(file_write(f, "abc", 3, 0) == 3);
	CHECK(file_lseek(f, 0, 0) == 0);
	CHECK(file_read(f, buf, sizeof(buf), 0) == 3);
	CHECK(file_lseek(f, 10, 0) == 10);
	CHECK(file_write(f, "z", 1, 0) == 1);	/* a hole of zeros */
	CHECK(file_pread(f, buf, sizeof(buf), 0) == 11);
	CHECK(memcmp(buf, "abc\0\0\0\0\0\0\0z", 11) == 0);
	CHECK(file_lseek(f, -1, 0) == -EINVAL);
	CHECK(file_lseek(f, 0, 2) == 11);
	CHECK(file_lseek(f, 0, 4) == 11);	/* SEEK_HOLE */
	CHECK(file_lseek(f, 20, 3) == -ENXIO);	/* SEEK_DATA */
	CHECK(file_truncate(f, 1) == 0);
	CHECK(file_stat(f, &st) == 0 && st.size == 1);
	file_put(f);
	CHECK(vfs_open(AT_FDCWD, "/etc/passwd", O_WRONLY | O_APPEND, 0, &f) ==
	    0);
	CHECK(file_pwrite(f, "Q", 1, 0) == 1);	/* appends, as Linux */
	CHECK(file_read(f, buf, 1, 0) == -EBADF);
	file_put(f);
	CHECK(strcmp(slurp("/etc/passwd"), "aQ") == 0);
	/* O_PATH files can be stat'ed, nothing else. */
	fd = open_fd("/etc/passwd", O_PATH, 0);
	CHECK(fd >= 0);
	f = fd_get(fd);
	CHECK(file_read(f, buf, 1, 0) == -EBADF);
	CHECK(file_stat(f, &st) == 0 && st.size == 2);
	file_put(f);
	/* An unlinked open file lives on. */
	CHECK(vfs_open(AT_FDCWD, "/tmp/gone", O_RDWR | O_CREAT, 0600, &f) ==
	    0);
	CHECK(vfs_unlink(AT_FDCWD, "/tmp/gone", 0) == 0);
	CHECK(file_write(f, "still", 5, 0) == 5);
	CHECK(file_pread(f, buf, 5, 0) == 5 && memcmp(buf, "still", 5) == 0);
	CHECK(file_stat(f, &st) == 0 && st.nlink == 0);
	file_put(f);
	/* Reading a directory. */
	CHECK(vfs_open(AT_FDCWD, "/etc", O_RDONLY, 0, &f) == 0);
	CHECK(file_read(f, buf, 1, 0) == -EISDIR);
	file_put(f);
	fd_reset();
}

static void
test_at_calls(void)
{
	struct kstat st;
	int dfd;

	fresh();
	dfd = open_fd("/etc", O_RDONLY | O_DIRECTORY, 0);
	CHECK(dfd >= 0);
	CHECK(vfs_stat(dfd, "passwd", 0, &st) == 0 && st.size == 11);
	CHECK(vfs_stat(dfd, "", AT_EMPTY_PATH, &st) == 0 &&
	    (st.mode & S_IFMT) == S_IFDIR);
	CHECK(vfs_stat(dfd, "", 0, &st) == -ENOENT);
	CHECK(vfs_stat(99, "passwd", 0, &st) == -EBADF);
	CHECK(vfs_stat(99, "/etc/passwd", 0, &st) == 0);	/* absolute */
	CHECK(vfs_stat(dfd, "x", 0x8000, &st) == -EINVAL);
	CHECK(vfs_chdir(dfd, "", AT_EMPTY_PATH) == 0);
	CHECK(strcmp(slurp("hosts"), "127.0.0.1 localhost\n") == 0);
	CHECK(vfs_access(AT_FDCWD, "passwd", R_OK | W_OK, 0) == 0);
	CHECK(vfs_access(AT_FDCWD, "passwd", X_OK, 0) == -EACCES);
	CHECK(vfs_access(AT_FDCWD, "/bin/sh", X_OK, 0) == 0);
	CHECK(vfs_access(AT_FDCWD, "/bin", X_OK, 0) == 0);
	CHECK(vfs_access(AT_FDCWD, "passwd", 8, 0) == -EINVAL);
	fd_reset();
}

static void
test_getcwd(void)
{
	char buf[256];

	fresh();
	CHECK(vfs_getcwd(buf, sizeof(buf)) == 2 && strcmp(buf, "/") == 0);
	CHECK(vfs_mkdir(AT_FDCWD, "/tmp/a", 0755) == 0);
	CHECK(vfs_mkdir(AT_FDCWD, "/tmp/a/b", 0755) == 0);
	CHECK(vfs_chdir(AT_FDCWD, "/tmp/a/b", 0) == 0);
	CHECK(vfs_getcwd(buf, sizeof(buf)) == 9 && strcmp(buf, "/tmp/a/b") ==
	    0);
	CHECK(vfs_getcwd(buf, 8) == -ERANGE);
	CHECK(vfs_rename(AT_FDCWD, "/tmp/a", AT_FDCWD, "/tmp/c", 0) == 0);
	CHECK(vfs_getcwd(buf, sizeof(buf)) > 0 && strcmp(buf, "/tmp/c/b") ==
	    0);
	CHECK(vfs_unlink(AT_FDCWD, "/tmp/c/b", AT_REMOVEDIR) == 0);
	CHECK(vfs_getcwd(buf, sizeof(buf)) == -ENOENT);
	CHECK(write_file("new", O_CREAT, "x") == -ENOENT);
	CHECK(strcmp(listing("."), "") == 0);
	CHECK(stat_mode("..", 0, NULL) == -ENOENT);
	CHECK(vfs_chdir(AT_FDCWD, "/proc/self/fd", 0) == 0);
	CHECK(vfs_getcwd(buf, sizeof(buf)) > 0 && strcmp(buf,
	    "/proc/1/fd") == 0);
	CHECK(vfs_chdir(AT_FDCWD, "../../..", 0) == 0);
	CHECK(vfs_getcwd(buf, sizeof(buf)) > 0 && strcmp(buf, "/") == 0);
}

static void
test_getdents_changes(void)
{
	uint8_t buf[64];
	struct file *f;
	char name[32];
	long n;
	int seen = 0;

	fresh();
	CHECK(vfs_mkdir(AT_FDCWD, "/tmp/d", 0755) == 0);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "/tmp/d/f%02d", i);
		CHECK(write_file(name, O_CREAT, "") == 0);
	}
	CHECK(vfs_open(AT_FDCWD, "/tmp/d", O_RDONLY, 0, &f) == 0);
	CHECK(file_getdents(f, buf, 10) == -EINVAL);	/* too small */
	while ((n = file_getdents(f, buf, sizeof(buf))) > 0) {
		for (long o = 0; o < n; ) {
			uint16_t reclen;

			memcpy(&reclen, buf + o + 16, 2);
			seen++;
			o += reclen;
		}
		/* Removing entries while listing never repeats others. */
		if (seen == 6) {
			CHECK(vfs_unlink(AT_FDCWD, "/tmp/d/f10", 0) == 0);
			CHECK(vfs_unlink(AT_FDCWD, "/tmp/d/f01", 0) == 0);
		}
	}
	CHECK(n == 0);
	CHECK(seen == 21);		/* . .. and 19 of 20 */
	CHECK(file_lseek(f, 0, 0) == 0);
	CHECK(file_lseek(f, 5, 0) == 5);
	CHECK(file_getdents(f, buf, sizeof(buf)) > 0);
	CHECK(strcmp((char *)buf + 19, "f04") == 0);
	file_put(f);
}

static void
test_proc(void)
{
	char buf[256];
	const char *s;
	static const char *const argv[] = { "/bin/prog", "arg", NULL };
	static const char *const envp[] = { "A=1", NULL };
	int fd;

	fresh();
	procfs_set_exe("/bin/prog", "\177ELF....", 8, 2, argv, 1, envp);
	s = slurp("/proc/meminfo");
	CHECK(s != NULL && strncmp(s, "MemTotal:       ", 16) == 0);
	CHECK(strstr(s, " kB\nMemFree:") != NULL);
	s = slurp("/proc/cpuinfo");
	CHECK(s != NULL && strstr(s, "vendor_id\t: GenuineIntel\n") != NULL);
	CHECK(strstr(s, "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic "
	    "sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht\n")
	    != NULL);
	CHECK(strstr(s, "model name\t: Cloister mock CPU\n") != NULL);
	s = slurp("/proc/self/status");
	CHECK(s != NULL && strncmp(s, "Name:\tprog\nUmask:\t0022\n", 22) == 0);
	CHECK(strstr(s, "\nPid:\t1\nPPid:\t0\n") != NULL);
	CHECK(strstr(s, "\nThreads:\t1\n") != NULL);
	s = slurp("/proc/self/stat");
	CHECK(s != NULL && strncmp(s, "1 (prog) R 0 1 1 ", 17) == 0);
	CHECK(memcmp(slurp("/proc/self/cmdline"), "/bin/prog\0arg\0", 14) ==
	    0);
	CHECK(memcmp(slurp("/proc/self/exe"), "\177ELF", 4) == 0);
	CHECK(vfs_readlink(AT_FDCWD, "/proc/self/exe", buf, sizeof(buf)) == 9);
	CHECK(vfs_readlink(AT_FDCWD, "/proc/self", buf, sizeof(buf)) == 1 &&
	    buf[0] == '1');
	CHECK(strcmp(listing("/proc/self/fd"), ". .. ") == 0);
	fd = open_fd("/etc/passwd", O_RDONLY, 0);
	CHECK(fd == 0);
	CHECK(strcmp(listing("/proc/self/fd"), ". .. 0 ") == 0);
	CHECK(vfs_readlink(AT_FDCWD, "/proc/self/fd/0", buf, sizeof(buf)) ==
	    11 && memcmp(buf, "/etc/passwd", 11) == 0);
	CHECK(strcmp(slurp("/dev/stdin"), "root:x:0:0\n") == 0);
	CHECK(strcmp(slurp("/proc/self/fd/0"), "root:x:0:0\n") == 0);
	CHECK(stat_mode("/proc/self/fd/7", 0, NULL) == -ENOENT);
	CHECK(stat_mode("/proc/self/fd/00", 0, NULL) == -ENOENT);
	CHECK(open_fd("/proc/meminfo", O_WRONLY, 0) >= 0);	/* root may */
	CHECK(strstr(listing("/proc"), " self ") != NULL);
	CHECK(strstr(listing("/proc/self"), " maps ") != NULL);
	CHECK(stat_mode("/proc/../etc/passwd", 0, NULL) == 0);
	CHECK(vfs_unlink(AT_FDCWD, "/proc/meminfo", 0) == -EPERM);
	fd_reset();
}

/*
 * /proc/<pid> for every process, from a stand-in for the shim's table:
 * the caller (pid 1, two threads), a live child (pid 5, with the
 * kernel's process record of its own) and a zombie (pid 7).
 */
static struct kproc *fake_child;
static bool fake_zombie_reaped;

static int
fake_fill(int pid, int tid, struct proc_facts *f)
{
	if (pid == 0)		/* the caller: thread 1 of pid 1 */
		pid = tid = 1;
	if ((pid != 1 && pid != 5 && pid != 7) ||
	    (pid == 7 && fake_zombie_reaped))
		return -ESRCH;
	if (tid != 0 && !(pid == 1 && (tid == 1 || tid == 3)) &&
	    !(pid == 5 && tid == 5))
		return -ESRCH;
	f->pid = pid;
	f->tid = tid;
	f->ppid = pid == 1 ? 0 : 1;
	f->pgid = f->sid = 1;
	f->state = pid == 1 ? 'R' : pid == 5 ? 'S' : 'Z';
	f->threads = pid == 1 ? 2 : pid == 5;
	f->kp = pid == 1 ? kproc_current() : pid == 5 ? fake_child : NULL;
	snprintf(f->comm, sizeof(f->comm), "%s", pid == 5 ? "child" : "prog");
	f->rlim_cur[7] = 1024;
	f->rlim_max[7] = 4096;
	f->rlim_cur[0] = f->rlim_max[0] = ~0ull;
	return 0;
}

static int
fake_next(int pid, int after)
{
	static const int pids[] = { 1, 5, 7 }, tids1[] = { 1, 3 };

	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			if (pids[i] > after && (pids[i] != 7 ||
			    !fake_zombie_reaped))
				return pids[i];
		return -1;
	}
	if (pid == 1) {
		for (int i = 0; i < 2; i++)
			if (tids1[i] > after)
				return tids1[i];
		return -1;
	}
	return pid == 5 && after < 5 ? 5 : -1;
}

static void
test_proc_pids(void)
{
	static const char *const argv[] = { "/bin/prog", NULL };
	static struct fd_slot child_fds[FD_LIMIT];
	static struct kproc child = { .fds = child_fds };
	char buf[256];
	struct file *f, *kept;
	const char *s;

	fresh();
	procfs_set_exe("/bin/prog", "\177ELF....", 8, 1, argv, 0, NULL);
	child.cwd = vnode_get(vfs_root());
	child.args = kargs_make(2, (const char *const[]){ "child", "-x" },
	    1, (const char *const[]){ "E=1" });
	CHECK(vfs_open(AT_FDCWD, "/etc/passwd", O_RDONLY, 0, &f) == 0);
	child_fds[9].file = f;
	child.fd_top = 10;
	fake_child = &child;
	fake_zombie_reaped = false;
	procfs_set_facts(fake_fill, fake_next);

	CHECK(strstr(listing("/proc"), " version 1 5 7 ") != NULL);
	CHECK(vfs_readlink(AT_FDCWD, "/proc/thread-self", buf, sizeof(buf)) ==
	    8 && memcmp(buf, "1/task/1", 8) == 0);
	CHECK(strcmp(listing("/proc/1/task"), ". .. 1 3 ") == 0);
	CHECK(strcmp(listing("/proc/5/fd"), ". .. 9 ") == 0);
	CHECK(strcmp(listing("/proc/1/fd"), ". .. ") == 0);
	CHECK(vfs_readlink(AT_FDCWD, "/proc/5/fd/9", buf, sizeof(buf)) ==
	    11 && memcmp(buf, "/etc/passwd", 11) == 0);
	CHECK(strcmp(slurp("/proc/5/fd/9"), "root:x:0:0\n") == 0);
	s = slurp("/proc/5/fdinfo/9");
	CHECK(s != NULL && strncmp(s, "pos:\t0\nflags:\t0100000\n", 22) == 0);
	CHECK(memcmp(slurp("/proc/5/cmdline"), "child\0-x\0", 9) == 0);
	CHECK(strcmp(slurp("/proc/5/environ"), "E=1") == 0);
	s = slurp("/proc/5/stat");
	CHECK(s != NULL && strncmp(s, "5 (child) S 1 1 1 ", 18) == 0);
	CHECK(strstr(slurp("/proc/1/task/3/status"),
	    "\nTgid:\t1\nNgid:\t0\nPid:\t3\nPPid:\t0\n") != NULL);
	CHECK(strncmp(slurp("/proc/1/task/3/stat"), "3 (prog) R 0 ", 13) == 0);
	CHECK(strstr(slurp("/proc/1/status"), "\nThreads:\t2\n") != NULL);
	CHECK(strstr(slurp("/proc/5/limits"), "\nMax open files            "
	    "1024                 4096                 files     \n") != NULL);
	CHECK(strncmp(slurp("/proc/5/limits"), "Limit                     "
	    "Soft Limit           Hard Limit           Units     \n"
	    "Max cpu time              unlimited            unlimited     "
	    "       seconds   \n", 140) == 0);
	CHECK(stat_mode("/proc/5/task/1", 0, NULL) == -ENOENT);
	CHECK(stat_mode("/proc/6", 0, NULL) == -ENOENT);
	CHECK(stat_mode("/proc/05", 0, NULL) == -ENOENT);
	/* A zombie: Z, no memory, files or directory. */
	CHECK(strncmp(slurp("/proc/7/stat"), "7 (prog) Z 1 ", 13) == 0);
	CHECK(strcmp(slurp("/proc/7/cmdline"), "") == 0);
	CHECK(strcmp(listing("/proc/7/fd"), ". .. ") == 0);
	CHECK(vfs_readlink(AT_FDCWD, "/proc/7/cwd", buf, sizeof(buf)) ==
	    -ENOENT);
	/* Reaped: gone from the listing, ESRCH through a kept descriptor. */
	CHECK(vfs_open(AT_FDCWD, "/proc/7/status", O_RDONLY, 0, &kept) == 0);
	fake_zombie_reaped = true;
	CHECK(strstr(listing("/proc"), " 1 5 ") != NULL &&
	    strstr(listing("/proc"), " 7 ") == NULL);
	CHECK(stat_mode("/proc/7", 0, NULL) == -ENOENT);
	CHECK(file_read(kept, buf, sizeof(buf), 0) == -ESRCH);
	file_put(kept);
	CHECK(strncmp(slurp("/proc/stat"), "cpu  ", 5) == 0);
	procfs_set_facts(NULL, NULL);
	child_fds[9].file = NULL;
	file_put(f);
	vnode_put(child.cwd);
	kargs_put(child.args);
	child.args = NULL;
}

/* chmod/chown on /proc: kept by the system's entries, EPERM for the
 * process's own (Linux's proc_notify_change and proc_setattr). */
static void
test_proc_attrs(void)
{
	uint32_t mode;
	struct kstat st;

	fresh();
	CHECK(vfs_chmod(AT_FDCWD, "/proc/meminfo", 0600, 0) == 0);
	CHECK(stat_mode("/proc/meminfo", 0, &mode) == 0 &&
	    mode == (S_IFREG | 0600));
	CHECK(vfs_chown(AT_FDCWD, "/proc/meminfo", 7, 8, 0) == 0);
	CHECK(vfs_stat(AT_FDCWD, "/proc/meminfo", 0, &st) == 0);
	CHECK(st.uid == 7 && st.gid == 8 && st.mode == (S_IFREG | 0600));
	CHECK(stat_mode("/proc/cpuinfo", 0, &mode) == 0 &&
	    mode == (S_IFREG | 0444));
	CHECK(vfs_chmod(AT_FDCWD, "/proc", 0700, 0) == 0);
	CHECK(stat_mode("/proc", 0, &mode) == 0 && mode == (S_IFDIR | 0700));
	CHECK(vfs_chmod(AT_FDCWD, "/proc", 0555, 0) == 0);
	CHECK(vfs_chmod(AT_FDCWD, "/proc/self/status", 0444, 0) == -EPERM);
	CHECK(vfs_chmod(AT_FDCWD, "/proc/self", 0555, 0) == -EPERM);
	CHECK(vfs_chmod(AT_FDCWD, "/proc/self/fd", 0500, 0) == -EPERM);
	CHECK(vfs_chmod(AT_FDCWD, "/proc/self/mounts", 0444, 0) == -EPERM);
	CHECK(vfs_chown(AT_FDCWD, "/proc/self/status", 7, 8, 0) == 0);
	CHECK(vfs_stat(AT_FDCWD, "/proc/self/status", 0, &st) == 0);
	CHECK(st.uid == 0 && st.gid == 0);	/* not kept */
	vfs_set_ids(1000, 1000);
	CHECK(vfs_chmod(AT_FDCWD, "/proc/cpuinfo", 0444, 0) == -EPERM);
	CHECK(vfs_chown(AT_FDCWD, "/proc/cpuinfo", 1000, 1000, 0) == -EPERM);
	vfs_set_ids(0, 0);
	fresh();			/* a new tree: defaults again */
	CHECK(stat_mode("/proc/meminfo", 0, &mode) == 0 &&
	    mode == (S_IFREG | 0444));
}

static void
test_statfs_and_times(void)
{
	struct ktimespec ts[2] = { { 5, 6 }, { 7, UTIME_OMIT } };
	struct kstatfs sf;
	struct kstat st;

	fresh();
	CHECK(vfs_statfs(AT_FDCWD, "/tmp", 0, &sf) == 0);
	CHECK(sf.type == TMPFS_MAGIC && sf.bsize == 4096 && sf.namelen == 255);
	CHECK(vfs_statfs(AT_FDCWD, "/proc/self", 0, &sf) == 0);
	CHECK(sf.type == PROC_SUPER_MAGIC);
	CHECK(vfs_utimens(AT_FDCWD, "/etc/passwd", ts, 0) == 0);
	CHECK(vfs_stat(AT_FDCWD, "/etc/passwd", 0, &st) == 0);
	CHECK(st.atime_ns == 5000000006ull);
	CHECK(st.mtime_ns == 1000ull * 1000000000ull);
	ts[1].nsec = 1000000000;
	CHECK(vfs_utimens(AT_FDCWD, "/etc/passwd", ts, 0) == -EINVAL);
	CHECK(vfs_utimens(AT_FDCWD, "/etc/passwd", NULL, 0) == 0);
}

/* Everything made is freed again once nothing names or holds it. */
static void
test_no_leaks(void)
{
	struct file *f;
	size_t heap;
	uint64_t pages;

	fresh();
	heap = kheap_in_use();
	pages = fdata_pages_total();
	for (int i = 0; i < 50; i++) {
		if (i == 1)		/* /tmp's list has grown once */
			heap = kheap_in_use();
		CHECK(vfs_mkdir(AT_FDCWD, "/tmp/x", 0755) == 0);
		CHECK(write_file("/tmp/x/f", O_CREAT, "data data data") == 0);
		CHECK(vfs_symlink("f", AT_FDCWD, "/tmp/x/l") == 0);
		CHECK(vfs_open(AT_FDCWD, "/tmp/x/l", O_RDONLY, 0, &f) == 0);
		CHECK(vfs_rename(AT_FDCWD, "/tmp/x/f", AT_FDCWD, "/tmp/g", 0)
		    == 0);
		CHECK(vfs_unlink(AT_FDCWD, "/tmp/x/l", 0) == 0);
		CHECK(vfs_unlink(AT_FDCWD, "/tmp/x", AT_REMOVEDIR) == 0);
		CHECK(vfs_unlink(AT_FDCWD, "/tmp/g", 0) == 0);
		CHECK(slurp("/proc/self/maps") != NULL);
		file_put(f);
	}
	CHECK(vnode_count() == base_vnodes);
	CHECK(fdata_pages_total() == pages);
	if (kheap_in_use() != heap)
		printf("heap: %zu then %zu\n", heap, kheap_in_use());
	CHECK(kheap_in_use() == heap);
}

/* vfs_reset takes everything, the archive's vnodes too. */
static void
test_reset_frees_all(void)
{
	size_t heap;

	fd_reset();
	vfs_reset();
	heap = kheap_in_use();
	build_archive();
	CHECK(vfs_init(ar, arlen) == 0);
	CHECK(write_file("/etc/passwd", O_APPEND, "more") == 0);
	CHECK(slurp("/proc/self/status") != NULL);
	CHECK(vfs_rename(AT_FDCWD, "/data", AT_FDCWD, "/tmp/d", 0) == 0);
	vfs_reset();
	CHECK(vnode_count() == 0);
	CHECK(fdata_pages_total() == 0);
	CHECK(kheap_in_use() == heap);
}

/* A damaged archive: what came before is kept, and -EINVAL says so. */
static void
test_damaged_archive(void)
{
	fd_reset();
	vfs_reset();
	build_archive();
	memset(ar + 512, 0x5a, 512);		/* the second header: junk */
	CHECK(vfs_init(ar, arlen) == -EINVAL);
	CHECK(vfs_root() != NULL);
	vfs_reset();
	CHECK(vnode_count() == 0);
	fresh();
}

int
main(void)
{
	harness_begin("vfs");
	RUN(test_archive_tree);
	RUN(test_walk_basics);
	RUN(test_symlinks);
	RUN(test_long_names);
	RUN(test_copy_up);
	RUN(test_file_view);
	RUN(test_page_cache);
	RUN(test_whiteouts);
	RUN(test_rename);
	RUN(test_links_and_nodes);
	RUN(test_open_flags);
	RUN(test_at_calls);
	RUN(test_getcwd);
	RUN(test_getdents_changes);
	RUN(test_proc);
	RUN(test_proc_pids);
	RUN(test_proc_attrs);
	RUN(test_dev_mount);
	RUN(test_statfs_and_times);
	RUN(test_no_leaks);
	RUN(test_reset_frees_all);
	RUN(test_damaged_archive);
	return harness_done();
}
