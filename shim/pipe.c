/*
 * Descriptors: pipe, pipe2, eventfd, eventfd2, close, close_range, dup,
 * dup2, dup3, fcntl and ioctl, with Linux's argument checks.  Record
 * locks live in kernel/flock.c: POSIX locks never conflict (one
 * process), OFD locks of different open files do.
 */
#include "shim/internal.h"

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_GETLK		5
#define F_SETLK		6
#define F_SETLKW	7
#define F_OFD_GETLK	36
#define F_OFD_SETLK	37
#define F_OFD_SETLKW	38
#define F_DUPFD_CLOEXEC	1030
#define F_SETPIPE_SZ	1031
#define F_GETPIPE_SZ	1032
#define FD_CLOEXEC	1
#define F_RDLCK		0
#define F_WRLCK		1
#define F_UNLCK		2
#define O_ASYNC		020000
#define SETFL_MASK	(O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME)
#define EFD_SEMAPHORE	1
#define CLOSE_RANGE_UNSHARE	(1u << 1)
#define CLOSE_RANGE_CLOEXEC	(1u << 2)
#define O_NOTIFICATION_PIPE	O_EXCL

#define FIONBIO		0x5421
#define FIONREAD	0x541b
#define FIONCLEX	0x5450
#define FIOCLEX		0x5451

/* struct flock on x86_64. */
struct flock64 {
	int16_t l_type;
	int16_t l_whence;
	int32_t pad0;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
	int32_t pad1;
};
_Static_assert(sizeof(struct flock64) == 32, "struct flock");

/* Install both ends or neither; then tell the guest. */
static long
install_pair(struct file *a, struct file *b, bool cloexec, uint64_t ufds)
{
	int fds[2];

	fds[0] = fd_install(a, 0, cloexec);
	if (fds[0] < 0) {
		file_put(a);
		file_put(b);
		return fds[0];
	}
	fds[1] = fd_install(b, 0, cloexec);
	if (fds[1] < 0) {
		fd_close(fds[0]);
		file_put(b);
		return fds[1];
	}
	if (plat_copy_to_user(ufds, fds, sizeof(fds)) != 0) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long
sys_pipe2(SYSCALL_ARGS)
{
	struct file *rd, *wr;
	uint32_t flags = (uint32_t)a1;
	int rc;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT | O_NOTIFICATION_PIPE))
		return -EINVAL;
	if (flags & (O_DIRECT | O_NOTIFICATION_PIPE))
		return -EINVAL;		/* packet and notification pipes: no */
	rc = pipe_create(flags & O_NONBLOCK, &rd, &wr);
	if (rc != 0)
		return rc;
	return install_pair(rd, wr, flags & O_CLOEXEC, a0);
}

long
sys_pipe(SYSCALL_ARGS)
{
	return sys_pipe2(a0, 0, 0, 0, 0, 0);
}

long
sys_eventfd2(SYSCALL_ARGS)
{
	struct file *f;
	uint32_t flags = (uint32_t)a1;
	int rc, fd;

	if (flags & ~(EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	rc = eventfd_create((uint32_t)a0, flags & EFD_SEMAPHORE,
	    flags & O_NONBLOCK, &f);
	if (rc != 0)
		return rc;
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long
sys_eventfd(SYSCALL_ARGS)
{
	return sys_eventfd2(a0, 0, 0, 0, 0, 0);
}

long
sys_close(SYSCALL_ARGS)
{
	return fd_close((int)a0);
}

long
sys_close_range(SYSCALL_ARGS)
{
	uint32_t lo = (uint32_t)a0, hi = (uint32_t)a1, flags = (uint32_t)a2;

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (lo > hi)
		return -EINVAL;
	return fd_close_range(lo, hi, flags & CLOSE_RANGE_CLOEXEC);
}

/* F_DUPFD and dup(): the lowest free descriptor >= minfd. */
static long
dup_from(int fd, int minfd, bool cloexec)
{
	struct file *f = fd_get(fd);
	int nfd;

	if (f == NULL)
		return -EBADF;
	nfd = fd_install(f, minfd, cloexec);
	if (nfd < 0)
		file_put(f);
	return nfd;
}

long
sys_dup(SYSCALL_ARGS)
{
	return dup_from((int)a0, 0, false);
}

long
sys_dup2(SYSCALL_ARGS)
{
	struct file *f;

	if ((uint32_t)a0 == (uint32_t)a1) {
		f = fd_get((int)a0);
		if (f == NULL)
			return -EBADF;
		file_put(f);
		return (long)(uint32_t)a1;
	}
	return fd_dup_to((int)a0, (int)a1, false);
}

long
sys_dup3(SYSCALL_ARGS)
{
	if (a2 & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if ((uint32_t)a0 == (uint32_t)a1)
		return -EINVAL;
	if ((uint32_t)a1 >= FD_LIMIT)
		return -EBADF;
	return fd_dup_to((int)a0, (int)a1, a2 & O_CLOEXEC);
}

/* ---- fcntl ---- */

/* F_GETFL: Linux keeps neither the open-time-only flags nor O_CLOEXEC. */
static long
getfl(const struct file *f)
{
	return f->flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
}

static long
setfl(struct file *f, uint64_t arg)
{
	uint32_t keep = f->flags & ~SETFL_MASK;

	f->flags = keep | ((uint32_t)arg & SETFL_MASK);
	file_changed(f, 0);	/* O_NONBLOCK waiters re-check */
	return 0;
}

#define OFFSET_MAX	INT64_MAX
#define EOVERFLOW_	75

/*
 * The byte range of fl as Linux's flock_to_posix_lock: from SEEK_SET,
 * the position or the end; l_len 0 is "to the end of any file", a
 * negative l_len the bytes before l_start.  -EOVERFLOW past 2^63,
 * -EINVAL before byte 0.
 */
static int
lock_range(struct file *f, const struct flock64 *fl, struct flock_range *r)
{
	struct kstat st;
	int64_t base, start;

	switch (fl->l_whence) {
	case 0:
		base = 0;
		break;
	case 1:
		base = (int64_t)f->pos;
		break;
	case 2:
		memset(&st, 0, sizeof(st));
		if (f->ops->stat != NULL)
			f->ops->stat(f, &st);
		base = (int64_t)st.size;
		break;
	default:
		return -EINVAL;
	}
	if (fl->l_start > OFFSET_MAX - base)
		return -EOVERFLOW_;
	start = base + fl->l_start;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - start)
			return -EOVERFLOW_;
		r->start = start;
		r->end = start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		r->end = start - 1;
		r->start = start + fl->l_len;
		if (r->start < 0)
			return -EINVAL;
	} else {
		r->start = start;
		r->end = OFFSET_MAX;
	}
	return 0;
}

/*
 * Record locks (kernel/flock.c): checked like Linux (type, whence and
 * range, the access mode a lock needs, l_pid 0 for OFD locks).  POSIX
 * locks are the process's; OFD locks belong to the open file
 * description, so two opens of one file conflict.  F_GETLK reports a
 * holder's pid as Linux does: ours for a POSIX lock, -1 for an OFD one.
 */
static long
lock(struct file *f, int cmd, uint64_t arg)
{
	struct flock64 fl;
	struct flock_range r;
	bool ofd = cmd >= F_OFD_GETLK;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	const void *owner = ofd ? (const void *)f : FLOCK_POSIX, *holder;
	int rc;

	if (plat_copy_from_user(&fl, arg, sizeof(fl)) != 0)
		return -EFAULT;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	rc = lock_range(f, &fl, &r);
	if (rc != 0)
		return rc;
	r.type = fl.l_type;
	if (get) {
		if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK)
			return -EINVAL;
		flock_test(f, owner, &r, &holder);
		fl.l_type = (int16_t)r.type;
		if (r.type != F_UNLCK) {
			fl.l_whence = 0;
			fl.l_start = r.start;
			fl.l_len = r.end == OFFSET_MAX ? 0 :
			    r.end - r.start + 1;
			fl.l_pid = holder == FLOCK_POSIX ? 1 : -1;
		}
		return plat_copy_to_user(arg, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	switch (fl.l_type) {
	case F_RDLCK:
		if ((f->flags & O_ACCMODE) == O_WRONLY)
			return -EBADF;
		break;
	case F_WRLCK:
		if ((f->flags & O_ACCMODE) == O_RDONLY)
			return -EBADF;
		break;
	case F_UNLCK:
		break;
	default:
		return -EINVAL;
	}
	return flock_set(f, owner, &r, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

static long
fcntl_file(int fd, struct file *f, int cmd, uint64_t arg)
{
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= FD_LIMIT)
			return -EINVAL;
		return dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_get_cloexec(fd);
	case F_SETFD:
		return fd_set_cloexec(fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return getfl(f);
	}
	if (f->flags & O_PATH)
		return -EBADF;
	switch (cmd) {
	case F_SETFL:
		return setfl(f, arg);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return lock(f, cmd, arg);
	case F_GETPIPE_SZ:
		return pipe_get_size(f);
	case F_SETPIPE_SZ:
		return pipe_set_size(f, (uint32_t)arg);
	default:
		return -EINVAL;
	}
}

long
sys_fcntl(SYSCALL_ARGS)
{
	struct file *f = fd_get((int)a0);
	long rc;

	if (f == NULL)
		return -EBADF;
	rc = fcntl_file((int)a0, f, (int)a1, a2);
	file_put(f);
	return rc;
}

/* ---- ioctl ---- */

/* FIONREAD of a file without its own: what is left to read. */
static long
fionread_default(struct file *f, uint64_t arg)
{
	struct kstat st;
	int n;

	if (file_stat(f, &st) != 0 || (st.mode & S_IFMT) != S_IFREG)
		return -ENOTTY;
	n = st.size > f->pos ? (int)(st.size - f->pos) : 0;
	return plat_copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
}

long
sys_ioctl(SYSCALL_ARGS)
{
	struct file *f = fd_get((int)a0);
	unsigned cmd = (unsigned)a1;
	long rc;
	int on;

	if (f == NULL)
		return -EBADF;
	if (f->flags & O_PATH) {
		rc = -EBADF;
	} else if (cmd == FIOCLEX || cmd == FIONCLEX) {
		rc = fd_set_cloexec((int)a0, cmd == FIOCLEX);
	} else if (cmd == FIONBIO) {
		rc = plat_copy_from_user(&on, a2, sizeof(on)) ? -EFAULT :
		    setfl(f, on ? (f->flags | O_NONBLOCK) :
		    (f->flags & ~O_NONBLOCK));
	} else {
		rc = file_ioctl(f, cmd, a2);
		if (rc == -ENOTTY && cmd == FIONREAD)
			rc = fionread_default(f, a2);
	}
	file_put(f);
	return rc;
}
