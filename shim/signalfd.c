/*
 * signalfd: pending signals as a file (Linux's fs/signalfd.c).  A read
 * takes pending signals of the file's mask, the reading thread's own
 * first, whether they are blocked or not, as struct signalfd_siginfo
 * records; it waits while none is pending.  The file is readable (poll,
 * epoll) while one is pending for the thread that asks.  Every queued
 * signal wakes the files' waiters (signalfd_notify).
 */
#include "shim/internal.h"

#define SFD_CLOEXEC	O_CLOEXEC
#define SFD_NONBLOCK	O_NONBLOCK
#define UNBLOCKABLE	(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))

/* include/uapi/linux/signalfd.h */
struct signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno;
	int32_t ssi_code;
	uint32_t ssi_pid;
	uint32_t ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid;
	uint32_t ssi_band;
	uint32_t ssi_overrun;
	uint32_t ssi_trapno;
	int32_t ssi_status;
	int32_t ssi_int;
	uint64_t ssi_ptr;
	uint64_t ssi_utime;
	uint64_t ssi_stime;
	uint64_t ssi_addr;
	uint16_t ssi_addr_lsb;
	uint16_t pad2;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t pad[28];
};
_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo");
_Static_assert(__builtin_offsetof(struct signalfd_siginfo, ssi_ptr) == 48,
    "ssi_ptr");
_Static_assert(__builtin_offsetof(struct signalfd_siginfo, ssi_addr_lsb) ==
    80, "ssi_addr_lsb");
_Static_assert(__builtin_offsetof(struct signalfd_siginfo, ssi_arch) == 96,
    "ssi_arch");

struct sigfd {
	struct sigfd *next;		/* all signalfds */
	struct file *file;
	uint64_t mask;
};

static struct sigfd *sigfds;

/* signalfd_copyinfo: the fields of the siginfo layout of ki. */
static void
copyinfo(const struct ksiginfo *ki, struct signalfd_siginfo *o)
{
	memset(o, 0, sizeof(*o));
	o->ssi_signo = (uint32_t)ki->signo;
	o->ssi_code = ki->code;
	if (ki->is_fault) {
		o->ssi_addr = ki->addr;
	} else if (ki->code == SI_TIMER) {
		o->ssi_tid = (uint32_t)ki->timerid;
		o->ssi_overrun = (uint32_t)ki->overrun;
		o->ssi_ptr = ki->value;
		o->ssi_int = (int32_t)ki->value;
	} else {
		o->ssi_pid = (uint32_t)ki->pid;
		o->ssi_uid = ki->uid;
	}
}

/* Whole records only; at least one, or -EAGAIN (the caller waits). */
static long
sigfd_read(struct file *f, void *buf, size_t len)
{
	struct sigfd *s = f->priv;
	struct shim_thread *t = shim_thread_current();
	struct signalfd_siginfo info;
	struct ksiginfo ki;
	size_t n = 0;

	if (len < sizeof(info))
		return -EINVAL;
	while (n + sizeof(info) <= len) {
		memset(&ki, 0, sizeof(ki));
		if (sig_dequeue(t, s->mask, &ki) == 0)
			break;
		copyinfo(&ki, &info);
		memcpy((char *)buf + n, &info, sizeof(info));
		n += sizeof(info);
	}
	return n > 0 ? (long)n : -EAGAIN;
}

static unsigned
sigfd_poll(struct file *f)
{
	struct sigfd *s = f->priv;
	struct shim_thread *t = shim_thread_current();

	if (t == NULL)
		return 0;
	return (sig_pending(t) & s->mask) ? POLLIN | POLLRDNORM : 0;
}

static long
sigfd_lseek(struct file *f, int64_t off, int whence)
{
	return (long)f->pos;
}

static void
sigfd_release(struct file *f)
{
	struct sigfd *s = f->priv, **pp;

	for (pp = &sigfds; *pp != s; pp = &(*pp)->next)
		;
	*pp = s->next;
	kfree(s);
}

static const struct file_ops sigfd_ops = {
	.read = sigfd_read,
	.poll = sigfd_poll,
	.lseek = sigfd_lseek,
	.release = sigfd_release,
};

void
signalfd_notify(void)
{
	for (struct sigfd *s = sigfds; s != NULL; s = s->next)
		file_changed(s->file, POLLIN);
}

static long
sigfd_new(uint64_t mask, int flags)
{
	struct sigfd *s = kzalloc(sizeof(*s));
	int fd;

	if (s == NULL)
		return -ENOMEM;
	s->mask = mask;
	s->file = file_alloc(&sigfd_ops, O_RDWR | (flags & SFD_NONBLOCK), s);
	if (s->file == NULL) {
		kfree(s);
		return -ENOMEM;
	}
	s->next = sigfds;
	sigfds = s;
	fd = fd_install(s->file, 0, flags & SFD_CLOEXEC);
	if (fd < 0)
		file_put(s->file);
	return fd;
}

/* Linux's order: size, the mask (EFAULT), flags, then the descriptor. */
long
sys_signalfd4(SYSCALL_ARGS)
{
	int ufd = (int)a0, flags = (int)a3;
	uint64_t mask;
	struct file *f;

	if (a2 != sizeof(mask))
		return -EINVAL;
	if (plat_copy_from_user(&mask, a1, sizeof(mask)) != 0)
		return -EFAULT;
	if (flags & ~(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	mask &= ~UNBLOCKABLE;
	if (ufd == -1)
		return sigfd_new(mask, flags);
	f = fd_get(ufd);
	if (f == NULL)
		return -EBADF;
	if (f->ops != &sigfd_ops) {
		file_put(f);
		return -EINVAL;
	}
	((struct sigfd *)f->priv)->mask = mask;
	file_changed(f, POLLIN);
	file_put(f);
	return ufd;
}

long
sys_signalfd(SYSCALL_ARGS)
{
	return sys_signalfd4(a0, a1, a2, 0, 0, 0);
}
