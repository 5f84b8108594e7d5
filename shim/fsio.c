/*
 * Descriptor calls of files in the tree: truncate and ftruncate, the
 * sync family, getdents64, and the in-kernel copies sendfile and
 * copy_file_range (through a bounce buffer, over the generic file
 * calls of kernel/file.c).
 */
#include "shim/internal.h"

#define COPY_CHUNK	(64 * 1024)
#define MAX_RW_COUNT	(0x7fffffffull & ~(PAGE_SIZE - 1))
#define GETDENTS_MAX	(64 * 1024)

long
sys_truncate(SYSCALL_ARGS)
{
	char *path;
	long rc;

	rc = fs_path_in(a0, &path);
	if (rc < 0)
		return rc;
	rc = vfs_truncate(AT_FDCWD, path, (int64_t)a1);
	kfree(path);
	return rc;
}

long
sys_ftruncate(SYSCALL_ARGS)
{
	struct file *f;
	long rc;

	if ((int64_t)a1 < 0)
		return -EINVAL;
	f = fd_get((int)a0);
	if (f == NULL)
		return -EBADF;
	rc = file_truncate(f, a1);
	file_put(f);
	return rc;
}

static long
do_fsync(uint64_t fd)
{
	struct file *f = fd_get((int)fd);
	long rc;

	if (f == NULL)
		return -EBADF;
	rc = vfs_fsync(f);
	file_put(f);
	return rc;
}

long
sys_fsync(SYSCALL_ARGS)
{
	return do_fsync(a0);
}

long
sys_fdatasync(SYSCALL_ARGS)
{
	return do_fsync(a0);
}

/* Everything is in memory: there is nothing to write back. */
long
sys_syncfs(SYSCALL_ARGS)
{
	struct file *f = fd_get((int)a0);

	if (f == NULL)
		return -EBADF;
	file_put(f);
	return 0;
}

long
sys_sync(SYSCALL_ARGS)
{
	return 0;
}

long
sys_getdents64(SYSCALL_ARGS)
{
	size_t len = a2 < GETDENTS_MAX ? (size_t)a2 : GETDENTS_MAX;
	struct file *f;
	void *buf;
	long n;

	f = fd_get((int)a0);
	if (f == NULL)
		return -EBADF;
	buf = kmalloc(len ? len : 1);
	if (buf == NULL) {
		file_put(f);
		return -ENOMEM;
	}
	n = file_getdents(f, buf, len);
	if (n > 0 && plat_copy_to_user(a1, buf, (size_t)n) != 0)
		n = -EFAULT;
	kfree(buf);
	file_put(f);
	return n;
}

/*
 * Copy up to len bytes from in (at *inoff, or its position when inoff
 * is NULL) to out (at *outoff, or its position).  Returns the bytes
 * copied, or -errno if none were.
 */
static long
copy_files(struct file *in, int64_t *inoff, struct file *out,
    int64_t *outoff, size_t len)
{
	uint8_t *buf = kmalloc(COPY_CHUNK);
	size_t done = 0;
	long n = 0, w;

	if (buf == NULL)
		return -ENOMEM;
	while (done < len) {
		size_t want = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;

		n = inoff != NULL ? file_pread(in, buf, want, (uint64_t)*inoff) :
		    file_read(in, buf, want, done ? FILE_IO_NOWAIT : 0);
		if (n <= 0)
			break;
		w = outoff != NULL ? file_pwrite(out, buf, (size_t)n,
		    (uint64_t)*outoff) : file_write(out, buf, (size_t)n, 0);
		if (w <= 0) {
			n = w;
			break;
		}
		if (inoff != NULL)
			*inoff += w;
		if (outoff != NULL)
			*outoff += w;
		done += (size_t)w;
		if (w < n)
			break;
	}
	kfree(buf);
	return done > 0 || n >= 0 ? (long)done : n;
}

/* An optional user offset: fetched, checked. */
static long
offset_in(uint64_t u, int64_t *off, int64_t **p)
{
	*p = NULL;
	if (u == 0)
		return 0;
	if (plat_copy_from_user(off, u, sizeof(*off)) != 0)
		return -EFAULT;
	if (*off < 0)
		return -EINVAL;
	*p = off;
	return 0;
}

long
sys_sendfile(SYSCALL_ARGS)
{
	struct file *out = fd_get((int)a0), *in = fd_get((int)a1);
	int64_t off, *poff;
	size_t len = a3 < MAX_RW_COUNT ? (size_t)a3 : MAX_RW_COUNT;
	long rc;

	rc = in == NULL || out == NULL ? -EBADF : offset_in(a2, &off, &poff);
	if (rc == 0 && ((in->flags & O_ACCMODE) == O_WRONLY ||
	    (out->flags & O_ACCMODE) == O_RDONLY))
		rc = -EBADF;
	if (rc == 0 && (out->flags & O_APPEND))
		rc = -EINVAL;
	if (rc == 0)
		rc = copy_files(in, poff, out, NULL, len);
	if (rc >= 0 && poff != NULL &&
	    plat_copy_to_user(a2, &off, sizeof(off)) != 0)
		rc = -EFAULT;
	if (in != NULL)
		file_put(in);
	if (out != NULL)
		file_put(out);
	return rc;
}

/* Linux's generic_file_rw_checks: directories, then other non-files. */
static long
copy_types(struct file *in, struct file *out)
{
	struct kstat a, b;

	file_stat(in, &a);
	file_stat(out, &b);
	if ((a.mode & S_IFMT) == S_IFDIR || (b.mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	if ((a.mode & S_IFMT) != S_IFREG || (b.mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	return 0;
}

long
sys_copy_file_range(SYSCALL_ARGS)
{
	struct file *in = fd_get((int)a0), *out = fd_get((int)a2);
	int64_t inoff, outoff, *pin, *pout;
	size_t len = a4 < MAX_RW_COUNT ? (size_t)a4 : MAX_RW_COUNT;
	long rc;

	rc = a5 != 0 ? -EINVAL : in == NULL || out == NULL ? -EBADF :
	    offset_in(a1, &inoff, &pin);
	if (rc == 0)
		rc = offset_in(a3, &outoff, &pout);
	if (rc == 0)
		rc = copy_types(in, out);
	if (rc == 0 && ((in->flags & O_ACCMODE) == O_WRONLY ||
	    (out->flags & O_ACCMODE) == O_RDONLY || (out->flags & O_APPEND)))
		rc = -EBADF;
	if (rc == 0 && in == out) {
		int64_t ip = pin ? inoff : (int64_t)in->pos;
		int64_t op = pout ? outoff : (int64_t)out->pos;

		if (ip < op + (int64_t)len && op < ip + (int64_t)len)
			rc = -EINVAL;	/* overlapping ranges of one file */
	}
	if (rc == 0)
		rc = copy_files(in, pin, out, pout, len);
	if (rc >= 0 && pin != NULL &&
	    plat_copy_to_user(a1, &inoff, sizeof(inoff)) != 0)
		rc = -EFAULT;
	if (rc >= 0 && pout != NULL &&
	    plat_copy_to_user(a3, &outoff, sizeof(outoff)) != 0)
		rc = -EFAULT;
	if (in != NULL)
		file_put(in);
	if (out != NULL)
		file_put(out);
	return rc;
}

#define POSIX_FADV_NOREUSE	5
#define FALLOC_FL_KEEP_SIZE	0x01

/*
 * Advice about future access: checked as Linux checks it, then there is
 * nothing to do, every file being in memory already.
 */
long
sys_fadvise64(SYSCALL_ARGS)
{
	struct file *f = fd_get((int)a0);
	struct kstat st;
	long rc = 0;

	if (f == NULL)
		return -EBADF;
	file_stat(f, &st);
	if ((st.mode & S_IFMT) == S_IFIFO || file_is_pipe(f))
		rc = -ESPIPE;
	else if (a3 > POSIX_FADV_NOREUSE || (int64_t)a2 < 0)
		rc = -EINVAL;
	file_put(f);
	return rc;
}

/*
 * fallocate: mode 0 grows the file to cover the range (the memory comes
 * at the first write, as on tmpfs without quotas); KEEP_SIZE has nothing
 * to reserve.  Punching holes and the other modes: EOPNOTSUPP.
 */
long
sys_fallocate(SYSCALL_ARGS)
{
	struct file *f = fd_get((int)a0);
	int64_t off = (int64_t)a2, len = (int64_t)a3;
	struct kstat st;
	long rc = 0;

	if (f == NULL)
		return -EBADF;
	file_stat(f, &st);
	if (off < 0 || len <= 0)
		rc = -EINVAL;
	else if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
		rc = -EBADF;
	else if ((st.mode & S_IFMT) == S_IFIFO || file_is_pipe(f))
		rc = -ESPIPE;
	else if ((st.mode & S_IFMT) == S_IFDIR)
		rc = -EISDIR;
	else if ((st.mode & S_IFMT) != S_IFREG)
		rc = -ENODEV;
	else if (a1 & ~(uint64_t)FALLOC_FL_KEEP_SIZE)
		rc = -EOPNOTSUPP;
	else if (off > INT64_MAX - len)
		rc = -EFBIG;
	else if (!(a1 & FALLOC_FL_KEEP_SIZE) && (uint64_t)(off + len) > st.size)
		rc = file_truncate(f, (uint64_t)(off + len));
	file_put(f);
	return rc;
}
