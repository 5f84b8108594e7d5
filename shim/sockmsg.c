/*
 * sendmsg, recvmsg, sendmmsg, recvmmsg on sockets (shim/socket.c): the
 * iovec goes through socket.c's bounce copies; no ancillary data (the
 * control length comes back 0) but SCM_RIGHTS on AF_UNIX, which goes
 * with its message as on Linux: a datagram's as the datagram's tag in
 * net/, a stream's as a record of the bytes that carried it.
 */
#include "shim/internal.h"

struct msghdr_user {
	uint64_t name;
	uint32_t namelen;
	uint32_t pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	int32_t flags;
	uint32_t pad1;
};
_Static_assert(sizeof(struct msghdr_user) == 56, "msghdr");

struct mmsghdr_user {
	struct msghdr_user hdr;
	uint32_t len;
	uint32_t pad;
};
_Static_assert(sizeof(struct mmsghdr_user) == 64, "mmsghdr");

struct iovec_u {
	uint64_t base;
	uint64_t len;
};

static long
msg_in(uint64_t umsg, struct msghdr_user *m, struct iovec_u **iov)
{
	if (plat_copy_from_user(m, umsg, sizeof(*m)) != 0)
		return -EFAULT;
	if (m->iovlen > 1024)
		return -EMSGSIZE;
	*iov = kmalloc((m->iovlen ? m->iovlen : 1) * sizeof(**iov));
	if (*iov == NULL)
		return -ENOMEM;
	if (plat_copy_from_user(*iov, m->iov, m->iovlen * sizeof(**iov))) {
		kfree(*iov);
		return -EFAULT;
	}
	return 0;
}

struct cmsghdr_user {
	uint64_t len;
	int32_t level;
	int32_t type;
};
_Static_assert(sizeof(struct cmsghdr_user) == 16, "cmsghdr");

#define SOL_SOCKET_LEVEL	1
#define SCM_RIGHTS_TYPE		1
#define CMSG_ALIGN_U(n)		(((n) + 7) & ~(uint64_t)7)

#define SCM_MAX_FD		253	/* per message, as Linux */
#define MSG_CTRUNC_FLAG		0x08

/* The files of one message's SCM_RIGHTS, held for the receiver. */
struct rights_rec {
	struct rights_rec *next;
	uint64_t off;		/* streams: the message's first byte ... */
	uint64_t len;		/* ... and its length */
	struct file **files;
	int n;
};

static void
rights_put(struct file **files, int n)
{
	for (int i = 0; i < n; i++)
		file_put(files[i]);
	kfree(files);
}

void
unix_rights_release(void *rec)
{
	struct rights_rec *r = rec;

	rights_put(r->files, r->n);
	kfree(r);
}

static void
rec_pop_free(struct sock *s)
{
	struct rights_rec *r = s->rq;

	s->rq = r->next;
	unix_rights_release(r);
}

void
unix_rights_drop(struct sock *s)
{
	while (s->rq != NULL)
		rec_pop_free(s);
}

/*
 * Linux's unix_stream_read_generic stops a read at the end of the first
 * buffer whose rights it took: a read may run into a message carrying
 * rights, never past it.  (A datagram's record travels as its tag.)
 */
size_t
unix_rights_limit(struct sock *s, size_t len)
{
	uint64_t end;

	if (s->rq == NULL || s->family != AF_UNIX || s->type != SOCK_STREAM)
		return len;
	end = s->rq->off + s->rq->len;
	if (end > s->rx_bytes && end - s->rx_bytes < len)
		return (size_t)(end - s->rx_bytes);
	return len;
}

bool
unix_rights_due(struct sock *s)
{
	return s->rq != NULL && s->rq->off < s->rx_bytes;
}

void
unix_rights_discard(struct sock *s)
{
	if (unix_rights_due(s))
		rec_pop_free(s);
}

/*
 * SCM_RIGHTS (unix(7)): the files behind the descriptors of a message's
 * control data, with references, in *files (*n of them).  Other control
 * messages are ignored, as before.
 */
static long
unix_rights_in(struct file *f, const struct msghdr_user *m,
    struct file ***files, int *n)
{
	struct cmsghdr_user c;
	uint64_t at = 0;
	int fds[SCM_MAX_FD];

	*files = NULL;
	*n = 0;
	if (sock_of(f)->family != AF_UNIX || m->control == 0)
		return 0;
	while (m->controllen >= sizeof(c) && at <= m->controllen - sizeof(c)) {
		if (plat_copy_from_user(&c, m->control + at, sizeof(c)) != 0)
			return -EFAULT;
		if (c.len < sizeof(c) || c.len > m->controllen - at)
			return -EINVAL;
		if (c.level == SOL_SOCKET_LEVEL && c.type == SCM_RIGHTS_TYPE) {
			int k = (int)((c.len - sizeof(c)) / sizeof(int));

			if (*files != NULL || k <= 0 || k > SCM_MAX_FD)
				return -EINVAL;
			if (plat_copy_from_user(fds, m->control + at +
			    sizeof(c), k * sizeof(int)) != 0)
				return -EFAULT;
			if ((*files = kmalloc(k * sizeof(**files))) == NULL)
				return -ENOMEM;
			for (*n = 0; *n < k; (*n)++)
				if (((*files)[*n] = fd_get(fds[*n])) == NULL)
					return -EBADF;
		}
		at += CMSG_ALIGN_U(c.len);
	}
	return 0;
}

/* A record of files (NULL and files dropped without memory). */
static struct rights_rec *
rec_new(struct file **files, int n)
{
	struct rights_rec *r = kzalloc(sizeof(*r));

	if (r == NULL) {
		rights_put(files, n);
		return NULL;
	}
	r->files = files;
	r->n = n;
	return r;
}

/*
 * A stream message's files become a record on the socket at the other
 * end, saying which bytes (off, len) carried them; with no such socket
 * or no bytes sent they are dropped, as Linux sends no rights without
 * data on a stream.
 */
static long
unix_rights_send(struct sock *s, struct file **files, int n, uint64_t off,
    uint64_t len)
{
	struct sock *to = unix_peer_sock(s, NULL);
	struct rights_rec *r, **pp;

	if (to == NULL || len == 0) {
		rights_put(files, n);
		return 0;
	}
	if ((r = rec_new(files, n)) == NULL)
		return -ENOMEM;
	r->off = off;
	r->len = len;
	for (pp = &to->rq; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = r;
	return 0;
}

/*
 * A receive that reached a message with rights takes its files as new
 * descriptors (MSG_CMSG_CLOEXEC honoured) into one SCM_RIGHTS message;
 * those that do not fit the control buffer are closed and MSG_CTRUNC
 * set, as Linux's scm_detach_fds.  *ctllen gets the control bytes used.
 */
static long
unix_rights_recv(struct rights_rec *r, const struct msghdr_user *m,
    int flags, uint64_t *ctllen, int32_t *oflags)
{
	struct cmsghdr_user c = { .level = SOL_SOCKET_LEVEL,
	    .type = SCM_RIGHTS_TYPE };
	uint64_t room = m->control != 0 ? m->controllen : 0;
	int fit = room > sizeof(c) ? (int)((room - sizeof(c)) / sizeof(int)) :
	    0, got = 0;
	long rc = 0;

	*ctllen = 0;
	if (r == NULL)
		return 0;
	if (fit > r->n)
		fit = r->n;
	for (int i = 0; i < r->n; i++) {
		int fd = i < fit ? fd_install(r->files[i], 0,
		    flags & MSG_CMSG_CLOEXEC) : -1;

		if (fd < 0) {
			file_put(r->files[i]);
			*oflags |= MSG_CTRUNC_FLAG;
			continue;
		}
		if (plat_copy_to_user(m->control + sizeof(c) + got * sizeof(int),
		    &fd, sizeof(fd)) != 0)
			rc = -EFAULT;
		got++;
	}
	kfree(r->files);
	kfree(r);
	if (got > 0) {
		c.len = sizeof(c) + got * sizeof(int);
		*ctllen = CMSG_ALIGN_U(c.len) < room ? CMSG_ALIGN_U(c.len) :
		    room;
		if (plat_copy_to_user(m->control, &c, sizeof(c)) != 0)
			rc = -EFAULT;
	}
	return rc;
}

static long
do_sendmsg(struct file *f, uint64_t umsg, int flags)
{
	struct file **files = NULL;
	int nfiles = 0;
	struct net_addr to, *top = NULL;
	struct msghdr_user m;
	struct iovec_u *iov;
	long rc, done = 0;
	uint64_t start = sock_of(f)->tx_bytes;

	if ((rc = msg_in(umsg, &m, &iov)) != 0)
		return rc;
	if ((rc = unix_rights_in(f, &m, &files, &nfiles)) != 0) {
		rights_put(files, nfiles);
		files = NULL;
		goto out;
	}
	if (m.name != 0 && sock_of(f)->type == SOCK_DGRAM) {
		if ((rc = addr_in(sock_of(f), m.name, m.namelen, &to,
		    false)) != 0)
			goto out;
		top = &to;
	}
	if (sock_of(f)->type == SOCK_DGRAM && (m.iovlen > 1 || files != NULL)) {
		/* One datagram: gather it first; its rights are its tag. */
		struct rights_rec *rec = NULL;
		size_t total = 0, at = 0;
		uint8_t *kbuf;

		for (uint64_t i = 0; i < m.iovlen; i++)
			total += iov[i].len;
		if (total > 65535) {
			rc = -EMSGSIZE;
			goto out;
		}
		if ((kbuf = kmalloc(total ? total : 1)) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		for (uint64_t i = 0; i < m.iovlen; i++) {
			if (plat_copy_from_user(kbuf + at, iov[i].base,
			    iov[i].len) != 0) {
				kfree(kbuf);
				rc = -EFAULT;
				goto out;
			}
			at += iov[i].len;
		}
		if (files != NULL && (rec = rec_new(files, nfiles)) == NULL) {
			files = NULL;
			kfree(kbuf);
			rc = -ENOMEM;
			goto out;
		}
		files = NULL;
		{
			struct xfer x = { kbuf, total, flags, top, rec, false };

			rc = sock_wait(f, flags & MSG_DONTWAIT,
			    sock_of(f)->sndtimeo_ns, send_op, &x);
			/* Not delivered (an error, a full queue, no AF_UNIX
			 * socket there): the rights go as the data did. */
			if (rec != NULL && !x.tagged)
				unix_rights_release(rec);
		}
		kfree(kbuf);
		goto out;
	}
	for (uint64_t i = 0; i < m.iovlen || (i == 0 && m.iovlen == 0); i++) {
		uint64_t base = m.iovlen ? iov[i].base : 0;
		size_t len = m.iovlen ? iov[i].len : 0;

		rc = send_user(f, base, len, flags | (done ? MSG_NOSIGNAL : 0),
		    top);
		if (rc < 0)
			break;
		done += rc;
		if ((size_t)rc < len)
			break;
	}
	if (done > 0)
		rc = done;
out:
	if (files != NULL && rc >= 0) {
		long r = unix_rights_send(sock_of(f), files, nfiles, start,
		    (uint64_t)rc);

		rc = r < 0 ? r : rc;
	} else if (files != NULL) {
		rights_put(files, nfiles);
	}
	kfree(iov);
	return rc;
}

#define MSG_FLAGS_OFF	48	/* msghdr.msg_flags */
#define MSG_NAMELEN_OFF	8
#define MSG_CTLLEN_OFF	40

static long
do_recvmsg(struct file *f, uint64_t umsg, int flags)
{
	struct net_addr from;
	struct msghdr_user m;
	struct iovec_u *iov;
	struct sock *s = sock_of(f);
	struct rights_rec *rec = NULL;
	long rc = 0, done = 0;
	int32_t oflags = 0;
	uint64_t ctllen = 0;
	bool trunc = false;

	if (flags & ~RECV_FLAGS)
		return -EOPNOTSUPP;
	if ((rc = msg_in(umsg, &m, &iov)) != 0)
		return rc;
	memset(&from, 0, sizeof(from));
	if (s->type == SOCK_DGRAM) {
		/* One datagram scattered over the iovec. */
		size_t total = 0, at = 0;
		uint8_t *kbuf;

		for (uint64_t i = 0; i < m.iovlen; i++)
			total += iov[i].len < 65536 ? iov[i].len : 65536;
		if (total > 65536)
			total = 65536;
		if ((kbuf = kmalloc(total ? total : 1)) == NULL) {
			kfree(iov);
			return -ENOMEM;
		}
		{
			struct xfer x = { kbuf, total, flags | MSG_TRUNC,
			    &from, NULL, s->family == AF_UNIX };

			rc = sock_wait(f, flags & MSG_DONTWAIT,
			    s->rcvtimeo_ns, recv_op, &x);
			rec = x.tag;
		}
		if (rc >= 0) {
			size_t copy = (size_t)rc < total ? (size_t)rc : total;

			trunc = (size_t)rc > total;
			for (uint64_t i = 0; i < m.iovlen && at < copy; i++) {
				size_t n = copy - at < iov[i].len ?
				    copy - at : iov[i].len;

				if (plat_copy_to_user(iov[i].base, kbuf + at,
				    n) != 0) {
					rc = -EFAULT;
					break;
				}
				at += n;
			}
			if (rc >= 0 && !(flags & MSG_TRUNC))
				rc = (long)copy;
		}
		kfree(kbuf);
		done = rc;
	} else {
		for (uint64_t i = 0; i < m.iovlen; i++) {
			if (iov[i].len == 0)
				continue;
			rc = recv_user(f, iov[i].base, iov[i].len,
			    flags | (done ? MSG_DONTWAIT : 0), &from, &trunc);
			if (rc < 0)
				break;
			done += rc;
			/* A read ends with a message's rights (Linux). */
			if ((size_t)rc < iov[i].len || unix_rights_due(s))
				break;
		}
		if (done > 0 || rc == -EAGAIN)
			rc = done > 0 ? done : rc;
		else if (rc >= 0)
			rc = done;
		done = rc;
	}
	kfree(iov);
	if (done < 0) {
		if (rec != NULL)
			unix_rights_release(rec);
		return done;
	}
	if (s->type == SOCK_STREAM && done > 0 && !(flags & MSG_PEEK) &&
	    unix_rights_due(s)) {
		rec = s->rq;
		s->rq = rec->next;
	}
	if (trunc)
		oflags |= MSG_TRUNC;
	if (m.name != 0 && s->type == SOCK_DGRAM && s->family == AF_UNIX) {
		if (unix_from_out(&from, m.name, umsg + MSG_NAMELEN_OFF) != 0)
			goto fault;
	} else if (m.name != 0 && s->type == SOCK_DGRAM && from.family != 0) {
		if (addr_out(&from, m.name, umsg + MSG_NAMELEN_OFF) != 0)
			goto fault;
	} else if (m.name != 0) {
		uint32_t z = 0;

		if (plat_copy_to_user(umsg + MSG_NAMELEN_OFF, &z, 4) != 0)
			goto fault;
	}
	/* The record's files become descriptors or are closed. */
	if (unix_rights_recv(rec, &m, flags, &ctllen, &oflags) != 0)
		return -EFAULT;
	if (plat_copy_to_user(umsg + MSG_CTLLEN_OFF, &ctllen, 8) != 0 ||
	    plat_copy_to_user(umsg + MSG_FLAGS_OFF, &oflags, 4) != 0)
		return -EFAULT;
	return done;
fault:
	if (rec != NULL)
		unix_rights_release(rec);
	return -EFAULT;
}

static long
sendmsg_call(struct file *f, uint64_t umsg, uint64_t flags)
{
	return do_sendmsg(f, umsg, (int)flags);
}

static long
recvmsg_call(struct file *f, uint64_t umsg, uint64_t flags)
{
	return do_recvmsg(f, umsg, (int)flags);
}

long
sys_sendmsg(SYSCALL_ARGS)
{
	return sock_call(a0, sendmsg_call, a1, a2);
}

long
sys_recvmsg(SYSCALL_ARGS)
{
	return sock_call(a0, recvmsg_call, a1, a2);
}

/* sendmmsg/recvmmsg: each message in turn; the count done, or the first
 * message's error. */
static long
mmsg(uint64_t fd, uint64_t uvec, uint64_t vlen, int flags, bool send)
{
	struct file *f;
	unsigned i;
	long rc = 0;

	if ((f = sock_get((int)fd, &rc)) == NULL)
		return rc;
	if (vlen > 1024)
		vlen = 1024;
	for (i = 0; i < vlen; i++) {
		uint64_t at = uvec + i * sizeof(struct mmsghdr_user);
		uint32_t len;

		rc = send ? do_sendmsg(f, at, flags) :
		    do_recvmsg(f, at, flags | (i ? MSG_DONTWAIT : 0));
		if (rc < 0)
			break;
		len = (uint32_t)rc;
		if (plat_copy_to_user(at + offsetof(struct mmsghdr_user, len),
		    &len, sizeof(len)) != 0) {
			rc = -EFAULT;
			break;
		}
	}
	file_put(f);
	return i > 0 ? (long)i : rc;
}

long
sys_sendmmsg(SYSCALL_ARGS)
{
	return mmsg(a0, a1, a2, (int)a3, true);
}

long
sys_recvmmsg(SYSCALL_ARGS)
{
	/* The timeout (a4) is checked by Linux only between messages; the
	 * later messages here never wait, so it cannot be passed. */
	return mmsg(a0, a1, a2, (int)a3, false);
}
