/*
 * Sockets: socket, bind, listen, accept(4), connect, send/recv and their
 * to/from/msg/mmsg forms, shutdown, get{sock,peer}name, {set,get}sockopt,
 * as Linux does them for AF_INET and AF_INET6 (TCP and UDP) on top of
 * net/ (lwIP).  A socket is a file: read, write, poll, epoll, fcntl,
 * dup and close work through kernel/file.c; this file adds the waiting
 * (net/ never blocks), the user copies and the address formats.
 */
#include "shim/internal.h"
#include "net/net.h"

#define AF_UNIX		1
#define SOCK_STREAM	1
#define SOCK_DGRAM	2
#define SOCK_TYPE_MASK	0xf
#define SOCK_NONBLOCK	O_NONBLOCK
#define SOCK_CLOEXEC	O_CLOEXEC
#define IPPROTO_IP	0
#define IPPROTO_TCP	6
#define IPPROTO_UDP	17
#define IPPROTO_IPV6	41

#define MSG_PEEK	0x02
#define MSG_TRUNC	0x20
#define MSG_DONTWAIT	0x40
#define MSG_EOR		0x80
#define MSG_WAITALL	0x100
#define MSG_NOSIGNAL	0x4000
#define MSG_MORE	0x8000
#define MSG_CMSG_CLOEXEC 0x40000000
#define SEND_FLAGS	(MSG_DONTWAIT | MSG_EOR | MSG_NOSIGNAL | MSG_MORE)
#define RECV_FLAGS	(MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT | MSG_WAITALL | \
			 MSG_CMSG_CLOEXEC)

#define FIONREAD	0x541b
#define SOCK_CHUNK	(64 * 1024)	/* bytes copied per step */

struct sockaddr_in_user {
	uint16_t family;
	uint16_t port;		/* network order */
	uint32_t addr;
	uint8_t zero[8];
};
_Static_assert(sizeof(struct sockaddr_in_user) == 16, "sockaddr_in");

struct sockaddr_in6_user {
	uint16_t family;
	uint16_t port;
	uint32_t flowinfo;
	uint8_t addr[16];
	uint32_t scope_id;
};
_Static_assert(sizeof(struct sockaddr_in6_user) == 28, "sockaddr_in6");

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

struct sock {
	struct net_sock *ns;
	int family, type;
	uint64_t rcvtimeo_ns, sndtimeo_ns;	/* 0: none */
	int rcvbuf, sndbuf;
	bool reuseaddr, reuseport, keepalive, cork, v6only, broadcast;
	int linger_on, linger_s;
	int keepidle, keepintvl, keepcnt, defer_accept;
};

static const struct file_ops sock_ops;
static bool hooked;

static void
sock_changed(void *owner, unsigned events)
{
	file_changed(owner, events);
}

static struct sock *
sock_of(struct file *f)
{
	return f->ops == &sock_ops ? f->priv : NULL;
}

/* The socket behind fd, with a reference, or NULL and *err. */
static struct file *
sock_get(int fd, long *err)
{
	struct file *f = fd_get(fd);

	if (f == NULL) {
		*err = -EBADF;
		return NULL;
	}
	if (sock_of(f) == NULL) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	return f;
}

/* ---- Waiting ---- */

/*
 * Run op until it stops saying -EAGAIN, waiting for readiness changes
 * unless the file or the call is non-blocking.  A timeout (SO_RCVTIMEO,
 * SO_SNDTIMEO) ends the wait with -EAGAIN, as on Linux.
 */
static long
sock_wait(struct file *f, bool nowait, uint64_t timeo_ns,
    long (*op)(struct file *f, void *arg), void *arg)
{
	uint64_t deadline = timeo_ns ? plat_now_ns() + timeo_ns : 0;

	for (;;) {
		uint32_t seen = file_epoch();
		long rc = op(f, arg);
		int w;

		if (rc != -EAGAIN || nowait || (f->flags & O_NONBLOCK))
			return rc;
		w = file_wait(seen, deadline);
		if (w == -ETIMEDOUT)
			return -EAGAIN;
		if (w != 0)
			return w;
	}
}

/* ---- Addresses ---- */

static long
addr_in(struct sock *s, uint64_t uaddr, uint64_t len, struct net_addr *a,
    bool unspec_ok)
{
	uint16_t family;

	memset(a, 0, sizeof(*a));
	if (len < sizeof(family) || len > 128)
		return -EINVAL;
	if (plat_copy_from_user(&family, uaddr, sizeof(family)) != 0)
		return -EFAULT;
	if (family == NET_AF_UNSPEC && unspec_ok) {
		a->family = NET_AF_UNSPEC;
		return 0;
	}
	if (s->family == NET_AF_INET) {
		struct sockaddr_in_user in;

		if (len < sizeof(in))
			return -EINVAL;
		if (plat_copy_from_user(&in, uaddr, sizeof(in)) != 0)
			return -EFAULT;
		if (in.family != NET_AF_INET)
			return -EAFNOSUPPORT;
		a->family = NET_AF_INET;
		a->port = __builtin_bswap16(in.port);
		memcpy(a->ip, &in.addr, 4);
		return 0;
	} else {
		struct sockaddr_in6_user in6;

		if (len < 24)		/* SIN6_LEN_RFC2133: no scope */
			return -EINVAL;
		memset(&in6, 0, sizeof(in6));
		if (plat_copy_from_user(&in6, uaddr,
		    len < sizeof(in6) ? len : sizeof(in6)) != 0)
			return -EFAULT;
		if (in6.family != NET_AF_INET6)
			return -EAFNOSUPPORT;
		a->family = NET_AF_INET6;
		a->port = __builtin_bswap16(in6.port);
		memcpy(a->ip, in6.addr, 16);
		a->scope = in6.scope_id;
		return 0;
	}
}

/* Write a to the user's (uaddr, *ulen) as Linux's move_addr_to_user. */
static long
addr_out(const struct net_addr *a, uint64_t uaddr, uint64_t ulenp)
{
	struct sockaddr_in_user in = { 0 };
	struct sockaddr_in6_user in6 = { 0 };
	const void *src;
	uint32_t have, len;

	if (uaddr == 0 || ulenp == 0)
		return 0;
	if (plat_copy_from_user(&have, ulenp, sizeof(have)) != 0)
		return -EFAULT;
	if ((int32_t)have < 0)
		return -EINVAL;
	if (a->family == NET_AF_INET) {
		in.family = NET_AF_INET;
		in.port = __builtin_bswap16(a->port);
		memcpy(&in.addr, a->ip, 4);
		src = &in;
		len = sizeof(in);
	} else {
		in6.family = NET_AF_INET6;
		in6.port = __builtin_bswap16(a->port);
		memcpy(in6.addr, a->ip, 16);
		in6.scope_id = a->scope;
		src = &in6;
		len = sizeof(in6);
	}
	if (plat_copy_to_user(uaddr, src, have < len ? have : len) != 0)
		return -EFAULT;
	if (plat_copy_to_user(ulenp, &len, sizeof(len)) != 0)
		return -EFAULT;
	return 0;
}

/* ---- The file ---- */

struct xfer {
	void *buf;
	size_t len;
	int flags;
	struct net_addr *addr;	/* from (recv) or to (send) */
};

static long
recv_op(struct file *f, void *arg)
{
	struct xfer *x = arg;

	return net_recv(sock_of(f)->ns, x->buf, x->len, x->flags, x->addr);
}

static long
send_op(struct file *f, void *arg)
{
	struct xfer *x = arg;

	return net_send(sock_of(f)->ns, x->buf, x->len, x->flags, x->addr);
}

static long
sock_read(struct file *f, void *buf, size_t len)
{
	return net_recv(sock_of(f)->ns, buf, len, 0, NULL);
}

static long
sock_write(struct file *f, const void *buf, size_t len)
{
	return net_send(sock_of(f)->ns, buf, len, 0, NULL);
}

static unsigned
sock_poll(struct file *f)
{
	unsigned ev = net_events(sock_of(f)->ns);

	if (ev & POLLIN)
		ev |= POLLRDNORM;
	if (ev & POLLOUT)
		ev |= POLLWRNORM;
	return ev;
}

static long
sock_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	n = (int)net_readable(sock_of(f)->ns);
	return plat_copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static int
sock_stat(struct file *f, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = S_IFSOCK | 0777;
	st->nlink = 1;
	st->blksize = 4096;
	return 0;
}

static void
sock_release(struct file *f)
{
	struct sock *s = f->priv;

	net_close(s->ns);
	kfree(s);
}

static const struct file_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.poll = sock_poll,
	.ioctl = sock_ioctl,
	.stat = sock_stat,
	.release = sock_release,
};

/* A file and a descriptor for ns; on failure ns is closed. */
static long
sock_install(struct net_sock *ns, int family, int type, int flags,
    struct file **fp)
{
	struct sock *s = kzalloc(sizeof(*s));
	struct file *f;
	int fd;

	if (s == NULL) {
		net_close(ns);
		return -ENOMEM;
	}
	s->ns = ns;
	s->family = family;
	s->type = type;
	s->rcvbuf = s->sndbuf = 131072;
	f = file_alloc(&sock_ops, O_RDWR | (flags & O_NONBLOCK), s);
	if (f == NULL) {
		net_close(ns);
		kfree(s);
		return -ENOMEM;
	}
	*fp = f;
	fd = fd_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* ---- The calls ---- */

#define LINGER_NS	10000000000ull	/* at exit, at most */

/*
 * The guest is ending normally: close every descriptor (sockets send
 * their FINs) and give the stack a moment to deliver what is queued,
 * which Linux would go on sending after the process is gone.
 */
void
sock_exit_linger(void)
{
	if (!net_in_use())
		return;
	fd_close_range(0, ~0u, false);
	net_linger(plat_now_ns() + LINGER_NS);
}

/* AF_UNIX is not there yet: say so once, fail as an absent family. */
static long
unix_missing(const char *call)
{
	static bool said;

	if (!said)
		klog("shim: %s: AF_UNIX sockets are not implemented yet "
		    "(EAFNOSUPPORT, logged once)", call);
	said = true;
	return -EAFNOSUPPORT;
}

long
sys_socket(SYSCALL_ARGS)
{
	int family = (int)a0, type = (int)a1 & SOCK_TYPE_MASK;
	int flags = (int)a1 & ~SOCK_TYPE_MASK, proto = (int)a2;
	struct net_sock *ns;
	struct file *f;
	int rc;

	if (family == AF_UNIX)
		return unix_missing("socket");
	if (family != NET_AF_INET && family != NET_AF_INET6)
		return -EAFNOSUPPORT;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (proto != 0 && !(type == SOCK_STREAM && proto == IPPROTO_TCP) &&
	    !(type == SOCK_DGRAM && proto == IPPROTO_UDP))
		return -EPROTONOSUPPORT;
	if (!hooked) {
		net_set_changed(sock_changed);
		hooked = true;
	}
	/* The owner is the file, which exists only after the socket: the
	 * stack reports nothing for a socket before its first call. */
	rc = net_socket(family, type == SOCK_STREAM ? NET_STREAM : NET_DGRAM,
	    NULL, &ns);
	if (rc != 0)
		return rc;
	rc = (int)sock_install(ns, family, type, flags, &f);
	if (rc >= 0)
		net_set_owner(ns, f);
	return rc;
}

long
sys_socketpair(SYSCALL_ARGS)
{
	if ((int)a0 == AF_UNIX)
		return unix_missing("socketpair");
	if ((int)a0 == NET_AF_INET || (int)a0 == NET_AF_INET6)
		return -EOPNOTSUPP;
	return -EAFNOSUPPORT;
}

long
sys_bind(SYSCALL_ARGS)
{
	struct net_addr a;
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	rc = addr_in(sock_of(f), a1, a2, &a, false);
	if (rc == 0)
		rc = net_bind(sock_of(f)->ns, &a);
	file_put(f);
	return rc;
}

long
sys_listen(SYSCALL_ARGS)
{
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	rc = net_listen(sock_of(f)->ns, (int)a1);
	file_put(f);
	return rc;
}

struct accept_arg {
	struct net_sock *ns;
	struct net_addr peer;
};

static long
accept_op(struct file *f, void *arg)
{
	struct accept_arg *x = arg;

	return net_accept(sock_of(f)->ns, NULL, &x->ns, &x->peer);
}

long
sys_accept4(SYSCALL_ARGS)
{
	struct accept_arg x;
	struct file *f, *nf;
	struct sock *s;
	long rc, fd;

	if ((int)a3 & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	s = sock_of(f);
	if (!net_listening(s->ns)) {
		file_put(f);
		return -EINVAL;
	}
	rc = sock_wait(f, false, s->rcvtimeo_ns, accept_op, &x);
	if (rc != 0) {
		file_put(f);
		return rc;
	}
	fd = sock_install(x.ns, s->family, s->type, (int)a3, &nf);
	if (fd >= 0) {
		net_set_owner(x.ns, nf);
		rc = addr_out(&x.peer, a1, a2);
		if (rc != 0) {
			fd_close((int)fd);
			fd = rc;
		}
	}
	file_put(f);
	return fd;
}

long
sys_accept(SYSCALL_ARGS)
{
	return sys_accept4(a0, a1, a2, 0, 0, 0);
}

static long
connect_op(struct file *f, void *arg)
{
	long rc = net_connect_done(sock_of(f)->ns);

	return rc == -EINPROGRESS ? -EAGAIN : rc;
}

long
sys_connect(SYSCALL_ARGS)
{
	struct net_addr a;
	struct file *f;
	struct sock *s;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	s = sock_of(f);
	rc = addr_in(s, a1, a2, &a, s->type == SOCK_DGRAM);
	if (rc == 0)
		rc = net_connect(s->ns, &a);
	if (rc == -EINPROGRESS && !(f->flags & O_NONBLOCK)) {
		rc = sock_wait(f, false, s->sndtimeo_ns, connect_op, NULL);
		if (rc == -EAGAIN)
			rc = -EINPROGRESS;	/* SO_SNDTIMEO passed */
	}
	file_put(f);
	return rc;
}

/* One send of len bytes from the user's ubuf (a stream may take less). */
static long
send_user(struct file *f, uint64_t ubuf, size_t len, int flags,
    struct net_addr *to)
{
	struct sock *s = sock_of(f);
	size_t chunk = s->type == SOCK_DGRAM ? len : SOCK_CHUNK;
	size_t done = 0;
	uint8_t *kbuf;
	long rc = 0;

	if (chunk > len)
		chunk = len;
	if (s->type == SOCK_DGRAM && len > 65535)
		return -EMSGSIZE;
	kbuf = kmalloc(chunk ? chunk : 1);
	if (kbuf == NULL)
		return -ENOMEM;
	do {
		struct xfer x = { kbuf, len - done < chunk ? len - done : chunk,
		    flags, to };

		if (plat_copy_from_user(kbuf, ubuf + done, x.len) != 0) {
			rc = -EFAULT;
			break;
		}
		rc = sock_wait(f, flags & MSG_DONTWAIT, s->sndtimeo_ns,
		    send_op, &x);
		if (rc <= 0)
			break;
		done += (size_t)rc;
		if ((size_t)rc < x.len)
			break;
	} while (done < len);
	kfree(kbuf);
	if (done > 0)
		return (long)done;
	if (rc == -EPIPE && !(flags & MSG_NOSIGNAL))
		shim_raise_sigpipe();
	return rc;
}

long
sys_sendto(SYSCALL_ARGS)
{
	struct net_addr to, *top = NULL;
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	rc = 0;
	/* A stream ignores the address, as Linux's TCP does. */
	if (a4 != 0 && sock_of(f)->type == SOCK_DGRAM) {
		rc = addr_in(sock_of(f), a4, a5, &to, false);
		top = &to;
	}
	if (rc == 0)
		rc = send_user(f, a1, (size_t)a2, (int)a3, top);
	file_put(f);
	return rc;
}

/*
 * Receive into the user's ubuf: a stream gives what is there (all of
 * len with MSG_WAITALL), a datagram one message (its full length with
 * MSG_TRUNC; *trunc says whether it was cut).
 */
static long
recv_user(struct file *f, uint64_t ubuf, size_t len, int flags,
    struct net_addr *from, bool *trunc)
{
	struct sock *s = sock_of(f);
	size_t chunk = len, got = 0;
	uint8_t *kbuf;
	long rc;

	if (s->type == SOCK_STREAM && chunk > SOCK_CHUNK)
		chunk = SOCK_CHUNK;
	if (s->type == SOCK_DGRAM)
		flags |= MSG_TRUNC;	/* we want the full length */
	if (s->type == SOCK_DGRAM && chunk > 65536)
		chunk = 65536;
	kbuf = kmalloc(chunk ? chunk : 1);
	if (kbuf == NULL)
		return -ENOMEM;
	*trunc = false;
	for (;;) {
		size_t want = len - got < chunk ? len - got : chunk;
		struct xfer x = { kbuf, want, flags, from };

		rc = sock_wait(f, flags & MSG_DONTWAIT, s->rcvtimeo_ns,
		    recv_op, &x);
		if (rc < 0 || (rc == 0 && s->type == SOCK_STREAM))
			break;
		if (s->type == SOCK_DGRAM) {
			size_t copy = (size_t)rc < want ? (size_t)rc : want;

			*trunc = (size_t)rc > want;
			if (plat_copy_to_user(ubuf, kbuf, copy) != 0)
				rc = -EFAULT;
			kfree(kbuf);
			return rc;	/* the datagram's full length */
		}
		if (plat_copy_to_user(ubuf + got, kbuf, (size_t)rc) != 0) {
			rc = -EFAULT;
			break;
		}
		got += (size_t)rc;
		/* MSG_WAITALL: go on until the whole buffer is full. */
		if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK) || got >= len)
			break;
		flags &= ~MSG_DONTWAIT;
	}
	kfree(kbuf);
	return got > 0 ? (long)got : rc;
}

long
sys_recvfrom(SYSCALL_ARGS)
{
	struct net_addr from;
	struct file *f;
	int flags = (int)a3;
	bool trunc;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	if (flags & ~RECV_FLAGS) {
		file_put(f);
		return -EOPNOTSUPP;
	}
	memset(&from, 0, sizeof(from));
	rc = recv_user(f, a1, (size_t)a2, flags, &from, &trunc);
	/* A datagram's length: what was copied, unless MSG_TRUNC asked. */
	if (rc > 0 && trunc && !(flags & MSG_TRUNC))
		rc = (long)(a2 < 65536 ? a2 : 65536);
	if (rc >= 0 && from.family != 0 && sock_of(f)->type == SOCK_DGRAM &&
	    addr_out(&from, a4, a5) != 0)
		rc = -EFAULT;
	file_put(f);
	return rc;
}

long
sys_shutdown(SYSCALL_ARGS)
{
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	rc = net_shutdown(sock_of(f)->ns, (int)a1);
	file_put(f);
	return rc;
}

static long
name_call(uint64_t fd, uint64_t uaddr, uint64_t ulen, bool peer)
{
	struct net_addr a;
	struct file *f;
	long rc;

	if ((f = sock_get((int)fd, &rc)) == NULL)
		return rc;
	rc = net_name(sock_of(f)->ns, peer, &a);
	if (rc == 0) {
		uint32_t have;

		if (plat_copy_from_user(&have, ulen, sizeof(have)) != 0)
			rc = -EFAULT;
		else if ((int32_t)have < 0)
			rc = -EINVAL;
		else
			rc = addr_out(&a, uaddr, ulen);
	}
	file_put(f);
	return rc;
}

long
sys_getsockname(SYSCALL_ARGS)
{
	return name_call(a0, a1, a2, false);
}

long
sys_getpeername(SYSCALL_ARGS)
{
	return name_call(a0, a1, a2, true);
}

/* ---- sendmsg / recvmsg: one iovec gathered through a bounce ---- */

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

static long
do_sendmsg(struct file *f, uint64_t umsg, int flags)
{
	struct net_addr to, *top = NULL;
	struct msghdr_user m;
	struct iovec_u *iov;
	long rc, done = 0;

	if ((rc = msg_in(umsg, &m, &iov)) != 0)
		return rc;
	if (m.name != 0 && sock_of(f)->type == SOCK_DGRAM) {
		if ((rc = addr_in(sock_of(f), m.name, m.namelen, &to,
		    false)) != 0)
			goto out;
		top = &to;
	}
	if (sock_of(f)->type == SOCK_DGRAM && m.iovlen > 1) {
		/* One datagram: gather it first. */
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
		{
			struct xfer x = { kbuf, total, flags, top };

			rc = sock_wait(f, flags & MSG_DONTWAIT,
			    sock_of(f)->sndtimeo_ns, send_op, &x);
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
	long rc = 0, done = 0;
	int32_t oflags = 0;
	uint64_t zero = 0;
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
			    &from };

			rc = sock_wait(f, flags & MSG_DONTWAIT,
			    s->rcvtimeo_ns, recv_op, &x);
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
			if ((size_t)rc < iov[i].len)
				break;
		}
		if (done > 0 || rc == -EAGAIN)
			rc = done > 0 ? done : rc;
		else if (rc >= 0)
			rc = done;
		done = rc;
	}
	kfree(iov);
	if (done < 0)
		return done;
	if (trunc)
		oflags |= MSG_TRUNC;
	if (m.name != 0 && s->type == SOCK_DGRAM && from.family != 0) {
		if (addr_out(&from, m.name, umsg + MSG_NAMELEN_OFF) != 0)
			return -EFAULT;
	} else if (m.name != 0) {
		uint32_t z = 0;

		if (plat_copy_to_user(umsg + MSG_NAMELEN_OFF, &z, 4) != 0)
			return -EFAULT;
	}
	if (plat_copy_to_user(umsg + MSG_CTLLEN_OFF, &zero, 8) != 0 ||
	    plat_copy_to_user(umsg + MSG_FLAGS_OFF, &oflags, 4) != 0)
		return -EFAULT;
	return done;
}

long
sys_sendmsg(SYSCALL_ARGS)
{
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	rc = do_sendmsg(f, a1, (int)a2);
	file_put(f);
	return rc;
}

long
sys_recvmsg(SYSCALL_ARGS)
{
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	rc = do_recvmsg(f, a1, (int)a2);
	file_put(f);
	return rc;
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

/* ---- Options ---- */

#define SOL_SOCKET	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_RCVTIMEO	20
#define SO_SNDTIMEO	21
#define SO_ACCEPTCONN	30
#define SO_PROTOCOL	38
#define SO_DOMAIN	39
#define TCP_NODELAY	1
#define TCP_MAXSEG	2
#define TCP_CORK	3
#define TCP_KEEPIDLE	4
#define TCP_KEEPINTVL	5
#define TCP_KEEPCNT	6
#define TCP_DEFER_ACCEPT 9
#define IPV6_V6ONLY	26
#define BUF_MIN		2304	/* Linux's SOCK_MIN_RCVBUF, doubled */
#define BUF_MAX		(4 << 20)

struct timeval_user {
	int64_t sec, usec;
};

static long
int_in(uint64_t uval, uint64_t len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	return plat_copy_from_user(v, uval, sizeof(int)) ? -EFAULT : 0;
}

static long
timeo_in(uint64_t uval, uint64_t len, uint64_t *ns)
{
	struct timeval_user tv;

	if (len < sizeof(tv))
		return -EINVAL;
	if (plat_copy_from_user(&tv, uval, sizeof(tv)) != 0)
		return -EFAULT;
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	if (tv.sec < 0)
		*ns = 0;		/* Linux: negative is "no timeout" */
	else
		*ns = (uint64_t)tv.sec * 1000000000ull +
		    (uint64_t)tv.usec * 1000;
	return 0;
}

static long
setopt_socket(struct sock *s, int name, uint64_t uval, uint64_t len)
{
	int v = 0;
	long rc;

	if (name == SO_RCVTIMEO)
		return timeo_in(uval, len, &s->rcvtimeo_ns);
	if (name == SO_SNDTIMEO)
		return timeo_in(uval, len, &s->sndtimeo_ns);
	if (name == SO_LINGER) {
		int l[2];

		if (len < sizeof(l))
			return -EINVAL;
		if (plat_copy_from_user(l, uval, sizeof(l)) != 0)
			return -EFAULT;
		s->linger_on = l[0] != 0;
		s->linger_s = l[1];
		return 0;
	}
	if ((rc = int_in(uval, len, &v)) != 0)
		return rc;
	switch (name) {
	case SO_REUSEADDR:
		s->reuseaddr = v != 0;
		net_set_reuseaddr(s->ns, v != 0);
		return 0;
	case SO_REUSEPORT:
		/* Several sockets on one port share its load on Linux;
		 * with one process here, binding reuses the address. */
		s->reuseport = v != 0;
		net_set_reuseaddr(s->ns, v != 0 || s->reuseaddr);
		return 0;
	case SO_KEEPALIVE:
		s->keepalive = v != 0;
		net_set_keepalive(s->ns, v != 0);
		return 0;
	case SO_BROADCAST:
		s->broadcast = v != 0;
		return 0;
	case SO_SNDBUF:
	case SO_RCVBUF:
		/* Linux doubles the value (room for its bookkeeping). */
		v = v < BUF_MIN / 2 ? BUF_MIN : v > BUF_MAX / 2 ? BUF_MAX :
		    2 * v;
		*(name == SO_SNDBUF ? &s->sndbuf : &s->rcvbuf) = v;
		return 0;
	case SO_TYPE: case SO_ERROR: case SO_ACCEPTCONN: case SO_DOMAIN:
	case SO_PROTOCOL:
		return -ENOPROTOOPT;	/* read-only on Linux */
	default:
		return -ENOPROTOOPT;
	}
}

static long
setopt_tcp(struct sock *s, int name, uint64_t uval, uint64_t len)
{
	int v;
	long rc;

	if (s->type != SOCK_STREAM)
		return -ENOPROTOOPT;
	if ((rc = int_in(uval, len, &v)) != 0)
		return rc;
	switch (name) {
	case TCP_NODELAY:
		net_set_nodelay(s->ns, v != 0);
		return 0;
	case TCP_CORK:
		s->cork = v != 0;	/* a hint: segments go out as written */
		return 0;
	case TCP_MAXSEG:
		return v < 88 || v > 32767 ? -EINVAL : 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		*(name == TCP_KEEPIDLE ? &s->keepidle : &s->keepintvl) = v;
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		s->keepcnt = v;
		return 0;
	case TCP_DEFER_ACCEPT:
		s->defer_accept = v < 0 ? 0 : v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

long
sys_setsockopt(SYSCALL_ARGS)
{
	int level = (int)a1, name = (int)a2, v;
	struct file *f;
	struct sock *s;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	s = sock_of(f);
	if ((int)a4 < 0)
		rc = -EINVAL;
	else if (level == SOL_SOCKET)
		rc = setopt_socket(s, name, a3, a4);
	else if (level == IPPROTO_TCP)
		rc = setopt_tcp(s, name, a3, a4);
	else if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY &&
	    s->family == NET_AF_INET6) {
		if ((rc = int_in(a3, a4, &v)) == 0)
			s->v6only = v != 0;
	} else {
		rc = -ENOPROTOOPT;
	}
	file_put(f);
	return rc;
}

static long
getopt_value(struct sock *s, int level, int name, void *out, uint32_t *len)
{
	int *v = out;

	*len = sizeof(int);
	if (level == IPPROTO_TCP && s->type == SOCK_STREAM) {
		switch (name) {
		case TCP_NODELAY: *v = net_nodelay(s->ns); return 0;
		case TCP_CORK: *v = s->cork; return 0;
		case TCP_MAXSEG: *v = 1460; return 0;
		case TCP_KEEPIDLE: *v = s->keepidle ? s->keepidle : 7200;
			return 0;
		case TCP_KEEPINTVL: *v = s->keepintvl ? s->keepintvl : 75;
			return 0;
		case TCP_KEEPCNT: *v = s->keepcnt ? s->keepcnt : 9; return 0;
		case TCP_DEFER_ACCEPT: *v = s->defer_accept; return 0;
		}
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY &&
	    s->family == NET_AF_INET6) {
		*v = s->v6only;
		return 0;
	}
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	switch (name) {
	case SO_TYPE: *v = s->type; return 0;
	case SO_ERROR: *v = -net_take_error(s->ns); return 0;
	case SO_REUSEADDR: *v = s->reuseaddr; return 0;
	case SO_REUSEPORT: *v = s->reuseport; return 0;
	case SO_KEEPALIVE: *v = s->keepalive; return 0;
	case SO_BROADCAST: *v = s->broadcast; return 0;
	case SO_SNDBUF: *v = s->sndbuf; return 0;
	case SO_RCVBUF: *v = s->rcvbuf; return 0;
	case SO_ACCEPTCONN: *v = net_listening(s->ns); return 0;
	case SO_DOMAIN: *v = s->family; return 0;
	case SO_PROTOCOL:
		*v = s->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
		return 0;
	case SO_LINGER:
		v[0] = s->linger_on;
		v[1] = s->linger_s;
		*len = 2 * sizeof(int);
		return 0;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo_ns :
		    s->sndtimeo_ns;
		struct timeval_user tv = { (int64_t)(ns / 1000000000ull),
		    (int64_t)(ns % 1000000000ull / 1000) };

		memcpy(out, &tv, sizeof(tv));
		*len = sizeof(tv);
		return 0;
	}
	}
	return -ENOPROTOOPT;
}

long
sys_getsockopt(SYSCALL_ARGS)
{
	uint64_t val[2] = { 0, 0 };
	uint32_t have, len;
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	if (plat_copy_from_user(&have, a4, sizeof(have)) != 0) {
		rc = -EFAULT;
	} else if ((int32_t)have < 0) {
		rc = -EINVAL;
	} else if ((rc = getopt_value(sock_of(f), (int)a1, (int)a2, val,
	    &len)) == 0) {
		if (have < len)
			len = have;
		if (plat_copy_to_user(a3, val, len) != 0 ||
		    plat_copy_to_user(a4, &len, sizeof(len)) != 0)
			rc = -EFAULT;
	}
	file_put(f);
	return rc;
}
