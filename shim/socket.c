/*
 * Sockets: socket, bind, listen, accept(4), connect, send/recv and their
 * to/from/msg/mmsg forms, shutdown, get{sock,peer}name, {set,get}sockopt,
 * as Linux does them for AF_INET and AF_INET6 (TCP and UDP) on top of
 * net/ (lwIP), for AF_UNIX streams, datagrams and sequenced packets on
 * its loopback interface (names: see "AF_UNIX names" below; messages'
 * rights, credentials and boundaries: shim/sockmsg.c), and for
 * AF_NETLINK (shim/socknl.c).  A socket is a file: read, write, poll,
 * epoll, fcntl, dup and close work through kernel/file.c; this file adds
 * the waiting (net/ never blocks), the user copies and the address
 * formats.
 */
#include "shim/internal.h"

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

#define FIONREAD	0x541b
#define SOCK_SEQPACKET	5
#define SOCK_CHUNK	(64 * 1024)	/* bytes copied per step */

static const struct file_ops sock_ops;
static bool hooked;

static void
sock_changed(void *owner, unsigned events)
{
	file_changed(owner, events);
}

struct sock *
sock_of(struct file *f)
{
	return f->ops == &sock_ops ? f->priv : NULL;
}

/* The socket behind fd, with a reference, or NULL and *err. */
struct file *
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

long
sock_call(uint64_t fd, long (*fn)(struct file *f, uint64_t a, uint64_t b),
    uint64_t a, uint64_t b)
{
	struct file *f;
	long rc;

	if ((f = sock_get((int)fd, &rc)) == NULL)
		return rc;
	rc = fn(f, a, b);
	file_put(f);
	return rc;
}

/* ---- Waiting ---- */

/*
 * Run op until it stops saying -EAGAIN, waiting for readiness changes
 * unless the file or the call is non-blocking.  A timeout (SO_RCVTIMEO,
 * SO_SNDTIMEO) ends the wait with -EAGAIN, as on Linux.
 */
long
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

/* ---- AF_UNIX names ---- */

/*
 * A socket(AF_UNIX) is a loopback TCP or UDP socket (net/) with a name
 * table on top: binding a name binds the lwIP socket to 127.0.0.1 and an
 * ephemeral port and records name -> socket; connect and sendto look the
 * name up and go to that port; a peer's port maps back to its name.
 * Abstract names (sun_path[0] == 0, the length says where the name ends)
 * live only in the table and go with the socket; a path name is also a
 * socket node in the file tree (vfs_mknod S_IFSOCK), and the table finds
 * it by the node's (dev, ino), so a renamed node still works, an
 * unlinked one is gone and a stale one refuses.
 */
#define SUN_PATH_OFF	2	/* offsetof(struct sockaddr_un, sun_path) */
#define SUN_PATH_MAX	108

static struct sock *unix_bound;		/* the name table */
static struct sock *unix_all;		/* every socket(AF_UNIX) */

static bool
unix_is_pair(const struct sock *s)
{
	return s->peer != NULL || s->peer_closed;
}

/* The type the user asked for (a SOCK_SEQPACKET is a stream inside). */
static int
unix_utype(const struct sock *s)
{
	return s->seqpacket ? SOCK_SEQPACKET : s->type;
}

/* Abstract names are per type on Linux (the type is in the hash). */
static struct sock *
unix_find(const char *name, int len, int type)
{
	for (struct sock *b = unix_bound; b != NULL; b = b->next)
		if (b->name_len == len && unix_utype(b) == type &&
		    name[0] == 0 &&
		    memcmp(b->name, name, len) == 0)
			return b;
	return NULL;
}

/* The socket bound to the node at path, as Linux's unix_find_bsd. */
static long
unix_find_path(const char *path, int type, struct sock **out)
{
	struct kstat st;
	int rc;

	if ((rc = vfs_stat(AT_FDCWD, path, 0, &st)) != 0)
		return rc;
	if ((rc = vfs_access(AT_FDCWD, path, W_OK, 0)) != 0)
		return rc;
	if ((st.mode & S_IFMT) != S_IFSOCK)
		return -ECONNREFUSED;
	for (struct sock *b = unix_bound; b != NULL; b = b->next)
		if (b->name[0] != 0 && b->node_dev == st.dev &&
		    b->node_ino == st.ino) {
			if (unix_utype(b) != type)
				return -EPROTOTYPE;
			*out = b;
			return 0;
		}
	return -ECONNREFUSED;		/* a stale node */
}

/* The bound socket on loopback port port, for a peer's name. */
static struct sock *
unix_by_port(uint16_t port)
{
	struct net_addr at;

	for (struct sock *b = unix_bound; b != NULL; b = b->next)
		if (net_name(b->ns, false, &at) == 0 && at.port == port)
			return b;
	return NULL;
}

static void
unix_unbind(struct sock *s)
{
	for (struct sock **pp = &unix_bound; *pp != NULL; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	for (struct sock **pp = &unix_all; *pp != NULL; pp = &(*pp)->all_next)
		if (*pp == s) {
			*pp = s->all_next;
			break;
		}
}

/*
 * The socket at the other end: the pair's, the bound one at sendto's
 * port, or the one whose endpoints mirror s's loopback connection.
 */
struct sock *
unix_peer_sock(struct sock *s, const struct net_addr *to)
{
	struct net_addr me, them, bme, bthem;

	if (s->peer != NULL)
		return s->peer;
	if (to != NULL)
		return unix_by_port(to->port);
	if (net_name(s->ns, false, &me) != 0 ||
	    net_name(s->ns, true, &them) != 0)
		return NULL;
	if (s->type == SOCK_DGRAM)
		return unix_by_port(them.port);
	for (struct sock *b = unix_all; b != NULL; b = b->all_next)
		if (b != s && net_name(b->ns, false, &bme) == 0 &&
		    net_name(b->ns, true, &bthem) == 0 &&
		    bme.port == them.port && bthem.port == me.port)
			return b;
	return NULL;
}

/*
 * A sockaddr_un from the user as Linux's unix_validate_addr and
 * unix_mkname_bsd: the family, then a name of 1..108 bytes.  *len gets
 * the bytes of sun_path that make the name: all of them for an abstract
 * name, up to the first NUL and the NUL for a path (name is a string).
 */
static long
unix_name_in(uint64_t uaddr, uint64_t ulen, char *name, int *len)
{
	uint8_t buf[SUN_PATH_OFF + SUN_PATH_MAX];
	uint16_t family;

	if (ulen <= SUN_PATH_OFF || ulen > sizeof(buf))
		return -EINVAL;
	if (plat_copy_from_user(buf, uaddr, ulen) != 0)
		return -EFAULT;
	memcpy(&family, buf, sizeof(family));
	if (family != AF_UNIX)
		return -EINVAL;
	*len = (int)ulen - SUN_PATH_OFF;
	memcpy(name, buf + SUN_PATH_OFF, *len);
	if (name[0] != 0) {
		name[*len] = 0;
		*len = (int)strlen(name) + 1;
	}
	return 0;
}

/* A name to its socket's loopback endpoint (connect, sendto). */
static long
unix_addr_in(struct sock *s, uint64_t uaddr, uint64_t ulen,
    struct net_addr *a, bool unspec_ok)
{
	char name[SUN_PATH_MAX + 1];
	struct sock *to = NULL;
	uint16_t family;
	int len;
	long rc;

	if (unix_is_pair(s))
		return -EINVAL;		/* a pair: already bound, unnamed */
	if (unspec_ok && ulen >= sizeof(family) &&
	    plat_copy_from_user(&family, uaddr, sizeof(family)) == 0 &&
	    family == NET_AF_UNSPEC) {
		a->family = NET_AF_UNSPEC;
		return 0;
	}
	if ((rc = unix_name_in(uaddr, ulen, name, &len)) != 0)
		return rc;
	if (name[0] != 0 &&
	    (rc = unix_find_path(name, unix_utype(s), &to)) != 0)
		return rc;
	if (name[0] == 0 && (to = unix_find(name, len, unix_utype(s))) == NULL)
		return -ECONNREFUSED;
	if (s->type == SOCK_STREAM && !net_listening(to->ns))
		return -ECONNREFUSED;
	return net_name(to->ns, false, a);
}

/*
 * After a connect by name: remember the peer's name for getpeername,
 * which is the name it bound (a renamed node keeps its old one).
 */
static void
unix_connected(struct sock *s, uint64_t uaddr, uint64_t ulen)
{
	char name[SUN_PATH_MAX + 1];
	struct sock *to = NULL;
	int len;

	if (unix_name_in(uaddr, ulen, name, &len) != 0)
		return;
	if (name[0] == 0)
		to = unix_find(name, len, unix_utype(s));
	else if (unix_find_path(name, unix_utype(s), &to) != 0)
		to = NULL;
	if (to != NULL) {
		memcpy(s->peer_name, to->name, to->name_len);
		s->peer_len = to->name_len;
	}
	if (to != NULL && s->type == SOCK_STREAM) {
		/* SO_PEERCRED both ways, as Linux's unix_stream_connect. */
		sock_cred_now(&s->ocred);
		s->pcred = to->ocred;
		s->has_pcred = true;
	}
}

static long
unix_bind(struct sock *s, uint64_t uaddr, uint64_t ulen)
{
	struct net_addr lo = { .family = NET_AF_INET, .ip = { 127, 0, 0, 1 } };
	static unsigned autobind;
	char name[SUN_PATH_MAX + 1];
	struct kstat st;
	int len;
	long rc;

	if (unix_is_pair(s) || s->name_len != 0)
		return -EINVAL;
	if (ulen == SUN_PATH_OFF) {
		/* Autobind: "\0" and five hex digits, as Linux. */
		unsigned tries = 0;

		len = 6;
		do {
			unsigned n = autobind++ & 0xfffff;

			name[0] = 0;
			for (int i = 0; i < 5; i++)
				name[5 - i] = "0123456789abcdef"[(n >> 4 * i) & 15];
			if (++tries > 0x100000)
				return -ENOSPC;
		} while (unix_find(name, len, unix_utype(s)) != NULL);
	} else if ((rc = unix_name_in(uaddr, ulen, name, &len)) != 0) {
		return rc;
	} else if (name[0] == 0 &&
	    unix_find(name, len, unix_utype(s)) != NULL) {
		return -EADDRINUSE;
	}
	if (name[0] != 0) {
		/* The node, as Linux's unix_bind_bsd: mode 0777 & ~umask. */
		rc = vfs_mknod(AT_FDCWD, name, S_IFSOCK |
		    (0777 & ~shim_proc_cur()->umask),
		    0);
		if (rc == 0)
			rc = vfs_stat(AT_FDCWD, name, AT_SYMLINK_NOFOLLOW, &st);
		if (rc != 0)
			return rc == -EEXIST ? -EADDRINUSE : rc;
		s->node_dev = st.dev;
		s->node_ino = st.ino;
	}
	if ((rc = net_bind(s->ns, &lo)) != 0) {
		if (name[0] != 0)
			vfs_unlink(AT_FDCWD, name, 0);
		return rc;
	}
	memcpy(s->name, name, len);
	s->name_len = (uint8_t)len;
	s->next = unix_bound;
	unix_bound = s;
	return 0;
}

/*
 * len bytes of src to the user's (uaddr, *ulenp) as Linux's
 * move_addr_to_user: truncated to what *ulenp says, the full length
 * back in *ulenp.
 */
static long
addr_copy_out(const void *src, uint32_t len, uint64_t uaddr, uint64_t ulenp)
{
	uint32_t have;

	if (uaddr == 0 || ulenp == 0)
		return 0;
	if (plat_copy_from_user(&have, ulenp, sizeof(have)) != 0)
		return -EFAULT;
	if ((int32_t)have < 0)
		return -EINVAL;
	if (plat_copy_to_user(uaddr, src, have < len ? have : len) != 0 ||
	    plat_copy_to_user(ulenp, &len, sizeof(len)) != 0)
		return -EFAULT;
	return 0;
}

/* A name to the user as Linux: the family and the name's bytes. */
static long
unix_name_out(const char *name, int len, uint64_t uaddr, uint64_t ulenp)
{
	uint8_t buf[SUN_PATH_OFF + SUN_PATH_MAX + 1];
	uint16_t family = AF_UNIX;

	memcpy(buf, &family, sizeof(family));
	memcpy(buf + SUN_PATH_OFF, name, len);
	return addr_copy_out(buf, SUN_PATH_OFF + (uint32_t)len, uaddr, ulenp);
}

/* The name of the peer at a loopback endpoint, unnamed if none. */
static long
unix_peer_out(const struct net_addr *from, uint64_t uaddr, uint64_t ulenp)
{
	struct sock *b = unix_by_port(from->port);

	return b == NULL ? unix_name_out("", 0, uaddr, ulenp) :
	    unix_name_out(b->name, b->name_len, uaddr, ulenp);
}

/*
 * A datagram's sender to recvfrom's or recvmsg's (uaddr, *ulenp): its
 * name when it is bound, else no address (length 0), as Linux.
 */
long
unix_from_out(const struct net_addr *from, uint64_t uaddr, uint64_t ulenp)
{
	struct sock *b = from->family != 0 ? unix_by_port(from->port) : NULL;
	uint32_t zero = 0;

	if (b != NULL)
		return unix_name_out(b->name, b->name_len, uaddr, ulenp);
	return plat_copy_to_user(ulenp, &zero, sizeof(zero)) != 0 ?
	    -EFAULT : 0;
}

/* ---- Addresses ---- */

long
addr_in(struct sock *s, uint64_t uaddr, uint64_t len, struct net_addr *a,
    bool unspec_ok)
{
	uint16_t family;

	memset(a, 0, sizeof(*a));
	if (s->family == AF_UNIX)
		return unix_addr_in(s, uaddr, len, a, unspec_ok);
	if (s->family == AF_NETLINK)
		return nl_addr_in(uaddr, len, a);
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
long
addr_out(const struct net_addr *a, uint64_t uaddr, uint64_t ulenp)
{
	struct sockaddr_in_user in = { 0 };
	struct sockaddr_in6_user in6 = { 0 };
	const void *src;
	uint32_t len;

	if (a->family == AF_NETLINK)
		return nl_addr_out(a, uaddr, ulenp);
	if (a->family == AF_UNIX) {
		/* An unnamed AF_UNIX socket: the family alone. */
		in.family = AF_UNIX;
		src = &in;
		len = sizeof(in.family);
	} else if (a->family == NET_AF_INET) {
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
	return addr_copy_out(src, len, uaddr, ulenp);
}

/* ---- The file ---- */


/*
 * SOCK_SEQPACKET before a read: drop the rest of a message read short,
 * then wait until the whole next message is there (it was sent at once)
 * and note which one it is.
 */
static long
seq_prepare(struct sock *s)
{
	uint8_t scratch[512];
	uint64_t start, end;
	long rc;

	while (s->skip > 0) {
		rc = net_recv(s->ns, scratch, s->skip < sizeof(scratch) ?
		    (size_t)s->skip : sizeof(scratch), 0, NULL);
		if (rc == 0)
			s->skip = 0;		/* the end: nothing to drop */
		if (rc <= 0)
			return rc;
		s->skip -= (uint64_t)rc;
		s->rx_bytes += (uint64_t)rc;
	}
	if ((end = unix_seq_end(s, &start)) == 0)
		return 0;
	if (net_readable(s->ns) < end - s->rx_bytes)
		return -EAGAIN;
	if (s->rx_bytes == start) {
		s->cur_start = start;
		s->cur_end = end;
	}
	return 0;
}

/*
 * Receive from the stack; an AF_UNIX stream counts the bytes it takes
 * and stops at the end of a message carrying rights (shim/sockmsg.c).
 */
static long
sock_take(struct sock *s, void *buf, size_t len, int flags,
    struct net_addr *from, void **tag)
{
	bool ustream = s->family == AF_UNIX && s->type == SOCK_STREAM;
	long rc;

	if (s->nl != NULL)
		return nl_recv(s, buf, len, flags, from);
	if (tag != NULL && s->family == AF_UNIX && s->type == SOCK_DGRAM)
		return net_recv_tagged(s->ns, buf, len, flags, from, tag);
	if (s->seqpacket && (rc = seq_prepare(s)) != 0)
		return rc;
	if (ustream)
		len = unix_rights_limit(s, len);
	rc = net_recv(s->ns, buf, len, flags, from);
	if (ustream && rc > 0 && !(flags & MSG_PEEK))
		s->rx_bytes += (uint64_t)rc;
	return rc;
}

long
recv_op(struct file *f, void *arg)
{
	struct xfer *x = arg;

	return sock_take(sock_of(f), x->buf, x->len, x->flags, x->addr,
	    x->tagged ? &x->tag : NULL);
}

long
send_op(struct file *f, void *arg)
{
	struct xfer *x = arg;
	long rc;

	if (sock_of(f)->peer_closed && sock_of(f)->type == SOCK_STREAM)
		return -EPIPE;
	if (sock_of(f)->nl != NULL)
		return nl_send(sock_of(f), x->buf, x->len, x->addr);
	if (x->tag == NULL && sock_of(f)->family == AF_UNIX &&
	    !sock_of(f)->in_sendmsg && unix_wants_cred(sock_of(f), x->addr))
		return unix_send_cred(f, x);
	if (sock_of(f)->seqpacket) {
		/* A record goes whole or waits for room (Linux: EMSGSIZE
		 * past the send buffer). */
		struct sock *s = sock_of(f);
		uint64_t start = s->tx_bytes;
		size_t room = net_send_space(s->ns);

		if (x->len > (size_t)s->sndbuf - 32)
			return -EMSGSIZE;
		if (room > 0 && room < x->len)
			return -EAGAIN;
		/* The stack takes at most 64 KiB a call: all of it now. */
		for (size_t done = 0; ; ) {
			rc = net_send(s->ns, (const uint8_t *)x->buf + done,
			    x->len - done, x->flags, x->addr);
			if (rc <= 0) {
				rc = done > 0 ? (long)done : rc;
				break;
			}
			s->tx_bytes += (uint64_t)rc;
			done += (size_t)rc;
			if (done == x->len) {
				rc = (long)done;
				break;
			}
		}
		return s->in_sendmsg ? rc : unix_seq_sent(s, start, rc);
	}
	if (x->tag != NULL)
		return net_send_tagged(sock_of(f)->ns, x->buf, x->len,
		    x->flags, x->addr, x->tag, &x->tagged);
	rc = net_send(sock_of(f)->ns, x->buf, x->len, x->flags, x->addr);
	if (rc > 0 && sock_of(f)->family == AF_UNIX &&
	    sock_of(f)->type == SOCK_STREAM)
		sock_of(f)->tx_bytes += (uint64_t)rc;
	return rc;
}

/* read(2): recvmsg without room for rights, which are closed. */
static long
sock_read(struct file *f, void *buf, size_t len)
{
	long rc;
	size_t full;

	sock_of(f)->cur_end = 0;
	rc = sock_take(sock_of(f), buf, len, 0, NULL, NULL);
	if (rc > 0)
		unix_rights_discard(sock_of(f));
	unix_seq_finish(sock_of(f), rc, false, &full);
	return rc;
}

static long
sock_write(struct file *f, const void *buf, size_t len)
{
	struct xfer x = { (void *)buf, len, 0, NULL, NULL, false };

	return send_op(f, &x);
}

static unsigned
sock_poll(struct file *f)
{
	unsigned ev = sock_of(f)->nl != NULL ? nl_events(sock_of(f)) :
	    net_events(sock_of(f)->ns);

	if (sock_of(f)->peer_closed)
		ev |= POLLHUP;

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
		return sock_ifreq_ioctl(cmd, arg);
	if (sock_of(f)->nl != NULL)
		return -ENOTTY;		/* netlink has no FIONREAD */
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

	if (s->peer != NULL) {
		s->peer->peer = NULL;
		s->peer->peer_closed = true;
	}
	unix_unbind(s);
	unix_rights_drop(s);
	if (s->passcred)
		unix_passcred_socks--;
	if (s->nl != NULL)
		nl_release(s);
	else
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

/* A file and a descriptor for ns (NULL: a netlink socket, whose
 * caller sets s->nl); on failure ns is closed. */
long
sock_install(struct net_sock *ns, int family, int type, int flags,
    struct file **fp)
{
	struct sock *s = kzalloc(sizeof(*s));
	struct file *f;
	int fd;

	if (s == NULL) {
		if (ns != NULL)
			net_close(ns);
		return -ENOMEM;
	}
	s->ns = ns;
	s->family = family;
	s->type = type;
	s->rcvbuf = s->sndbuf = 131072;
	f = file_alloc(&sock_ops, O_RDWR | (flags & O_NONBLOCK), s);
	if (f == NULL) {
		if (ns != NULL)
			net_close(ns);
		kfree(s);
		return -ENOMEM;
	}
	*fp = f;
	if (family == AF_UNIX) {
		s->all_next = unix_all;
		unix_all = s;
	}
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

static void
hook_changes(void)
{
	if (!hooked) {
		net_set_changed(sock_changed);
		net_set_tag_release(unix_rights_release);
	}
	hooked = true;
}

long
sys_socket(SYSCALL_ARGS)
{
	int family = (int)a0, type = (int)a1 & SOCK_TYPE_MASK;
	int flags = (int)a1 & ~SOCK_TYPE_MASK, proto = (int)a2;
	struct net_sock *ns;
	struct file *f;
	bool seq = false;
	int rc;

	if (family != NET_AF_INET && family != NET_AF_INET6 &&
	    family != AF_UNIX && family != AF_NETLINK)
		return -EAFNOSUPPORT;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (family == AF_NETLINK)
		return nl_socket(type, flags, proto);
	if (family == AF_UNIX && type == SOCK_SEQPACKET) {
		seq = true;		/* a stream with records */
		type = SOCK_STREAM;
	}
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (proto != 0 && (family == AF_UNIX ||
	    (!(type == SOCK_STREAM && proto == IPPROTO_TCP) &&
	    !(type == SOCK_DGRAM && proto == IPPROTO_UDP))))
		return -EPROTONOSUPPORT;
	hook_changes();
	/* The owner is the file, which exists only after the socket: the
	 * stack reports nothing for a socket before its first call. */
	rc = net_socket(family == AF_UNIX ? NET_AF_INET : family,
	    type == SOCK_STREAM ? NET_STREAM : NET_DGRAM, NULL, &ns);
	if (rc != 0)
		return rc;
	/* AF_UNIX streams have no Nagle delay on Linux: a small write
	 * reaches the peer at once (accepted sockets inherit this). */
	if (family == AF_UNIX && type == SOCK_STREAM)
		net_set_nodelay(ns, true);
	rc = (int)sock_install(ns, family, type, flags, &f);
	if (rc >= 0) {
		net_set_owner(ns, f);
		sock_of(f)->seqpacket = seq;
	}
	return rc;
}

/*
 * socketpair(AF_UNIX): two sockets connected over the loopback interface
 * (TCP for SOCK_STREAM, UDP for SOCK_DGRAM) that present themselves as
 * AF_UNIX: unnamed addresses, EPIPE once the other end is closed.
 * SOCK_SEQPACKET is a stream pair whose messages are records.
 */
long
sys_socketpair(SYSCALL_ARGS)
{
	int type = (int)a1 & SOCK_TYPE_MASK, flags = (int)a1 & ~SOCK_TYPE_MASK;
	struct net_sock *x, *y;
	struct file *fx, *fy;
	bool seq = false;
	int fds[2];
	long rc;

	if ((int)a0 == NET_AF_INET || (int)a0 == NET_AF_INET6)
		return -EOPNOTSUPP;
	if ((int)a0 != AF_UNIX)
		return -EAFNOSUPPORT;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (type == SOCK_SEQPACKET) {
		seq = true;
		type = SOCK_STREAM;
	}
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (a2 != 0)
		return -EPROTONOSUPPORT;
	hook_changes();
	rc = net_pair(type == SOCK_STREAM ? NET_STREAM : NET_DGRAM, &x, &y);
	if (rc != 0)
		return rc;
	if (type == SOCK_STREAM) {
		net_set_nodelay(x, true);	/* as sys_socket */
		net_set_nodelay(y, true);
	}
	if ((rc = sock_install(x, AF_UNIX, type, flags, &fx)) < 0) {
		net_close(y);
		return rc;
	}
	fds[0] = (int)rc;
	if ((rc = sock_install(y, AF_UNIX, type, flags, &fy)) < 0) {
		fd_close(fds[0]);
		return rc;
	}
	fds[1] = (int)rc;
	net_set_owner(x, fx);
	net_set_owner(y, fy);
	sock_of(fx)->peer = sock_of(fy);
	sock_of(fy)->peer = sock_of(fx);
	sock_of(fx)->seqpacket = sock_of(fy)->seqpacket = seq;
	sock_cred_now(&sock_of(fx)->ocred);	/* SO_PEERCRED: the creator */
	sock_of(fy)->ocred = sock_of(fx)->pcred = sock_of(fy)->pcred =
	    sock_of(fx)->ocred;
	sock_of(fx)->has_pcred = sock_of(fy)->has_pcred = true;
	if (plat_copy_to_user(a3, fds, sizeof(fds)) != 0) {
		fd_close(fds[0]);
		fd_close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long
sys_bind(SYSCALL_ARGS)
{
	struct net_addr a;
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	if (sock_of(f)->family == AF_UNIX || sock_of(f)->nl != NULL) {
		rc = sock_of(f)->nl != NULL ? nl_bind(sock_of(f), a1, a2) :
		    unix_bind(sock_of(f), a1, a2);
		file_put(f);
		return rc;
	}
	rc = addr_in(sock_of(f), a1, a2, &a, false);
	if (rc == 0)
		rc = net_bind(sock_of(f)->ns, &a);
	file_put(f);
	return rc;
}

void
sock_cred_now(struct sock_cred *c)
{
	struct shim_proc *p = shim_proc_cur();

	c->pid = p->pid;
	c->uid = p->cred.uid.e;
	c->gid = p->cred.gid.e;
}

static long
do_listen(struct file *f, uint64_t backlog, uint64_t unused)
{
	if (sock_of(f)->nl != NULL)
		return -EOPNOTSUPP;
	/* What connectors see as SO_PEERCRED, and the listener's own
	 * (Linux's unix_listen: init_peercred). */
	sock_cred_now(&sock_of(f)->ocred);
	if (sock_of(f)->family == AF_UNIX) {
		sock_of(f)->pcred = sock_of(f)->ocred;
		sock_of(f)->has_pcred = true;
	}
	return net_listen(sock_of(f)->ns, (int)backlog);
}

long
sys_listen(SYSCALL_ARGS)
{
	return sock_call(a0, do_listen, a1, 0);
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
	if (s->nl != NULL || !net_listening(s->ns)) {
		file_put(f);
		return s->nl != NULL ? -EOPNOTSUPP : -EINVAL;
	}
	rc = sock_wait(f, false, s->rcvtimeo_ns, accept_op, &x);
	if (rc != 0) {
		file_put(f);
		return rc;
	}
	fd = sock_install(x.ns, s->family, s->type, (int)a3, &nf);
	if (fd >= 0 && s->family == AF_UNIX) {
		struct sock *ns = sock_of(nf), *b = unix_by_port(x.peer.port);

		struct sock *c = unix_peer_sock(ns, NULL);

		/* Its name is the listener's, its peer the connector's. */
		memcpy(ns->name, s->name, s->name_len);
		ns->name_len = s->name_len;
		if (b != NULL) {
			memcpy(ns->peer_name, b->name, b->name_len);
			ns->peer_len = b->name_len;
		}
		ns->ocred = s->ocred;
		ns->seqpacket = s->seqpacket;
		if (c != NULL) {
			ns->pcred = c->ocred;
			ns->has_pcred = true;
			unix_rights_adopt(ns, c);
		}
	}
	if (fd >= 0) {
		net_set_owner(x.ns, nf);
		rc = s->family == AF_UNIX ? unix_peer_out(&x.peer, a1, a2) :
		    addr_out(&x.peer, a1, a2);
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
	if (s->nl != NULL) {
		rc = nl_connect(s, a1, a2);
		file_put(f);
		return rc;
	}
	rc = addr_in(s, a1, a2, &a, s->type == SOCK_DGRAM);
	if (rc == 0)
		rc = net_connect(s->ns, &a);
	if (rc == -EINPROGRESS && !(f->flags & O_NONBLOCK)) {
		rc = sock_wait(f, false, s->sndtimeo_ns, connect_op, NULL);
		if (rc == -EAGAIN)
			rc = -EINPROGRESS;	/* SO_SNDTIMEO passed */
	}
	if ((rc == 0 || rc == -EINPROGRESS) && s->family == AF_UNIX &&
	    a.family != NET_AF_UNSPEC)
		unix_connected(s, a1, a2);
	file_put(f);
	return rc;
}

/* One send of len bytes from the user's ubuf (a stream may take less). */
long
send_user(struct file *f, uint64_t ubuf, size_t len, int flags,
    struct net_addr *to)
{
	struct sock *s = sock_of(f);
	size_t chunk = s->type == SOCK_DGRAM || s->seqpacket ? len : SOCK_CHUNK;
	size_t done = 0;
	uint8_t *kbuf;
	long rc = 0;

	if (chunk > len)
		chunk = len;
	if (s->type == SOCK_DGRAM && len > 65535)
		return -EMSGSIZE;
	if (s->seqpacket && len > (size_t)s->sndbuf - 32)
		return -EMSGSIZE;
	kbuf = kmalloc(chunk ? chunk : 1);
	if (kbuf == NULL)
		return -ENOMEM;
	do {
		struct xfer x = { kbuf, len - done < chunk ? len - done : chunk,
		    flags, to, NULL, false };

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
long
recv_user(struct file *f, uint64_t ubuf, size_t len, int flags,
    struct net_addr *from, bool *trunc)
{
	struct sock *s = sock_of(f);
	size_t chunk = len, got = 0;
	uint8_t *kbuf;
	long rc;

	if (s->type == SOCK_STREAM && chunk > (s->seqpacket ? 4 * SOCK_CHUNK :
	    SOCK_CHUNK))
		chunk = s->seqpacket ? 4 * SOCK_CHUNK : SOCK_CHUNK;
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
		struct xfer x = { kbuf, want, flags, from, NULL, false };

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
		if (!(flags & MSG_WAITALL) || (flags & MSG_PEEK) ||
		    got >= len || unix_rights_due(s) || s->seqpacket)
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
	sock_of(f)->cur_end = 0;
	rc = recv_user(f, a1, (size_t)a2, flags, &from, &trunc);
	{
		size_t full;

		/* SOCK_SEQPACKET: the rest of a longer message is gone. */
		if (unix_seq_finish(sock_of(f), rc, flags & MSG_PEEK, &full) &&
		    (flags & MSG_TRUNC))
			rc = (long)full;
	}
	/* No room for rights here: those the read reached are closed. */
	if (rc > 0 && !(flags & MSG_PEEK))
		unix_rights_discard(sock_of(f));
	/* A datagram's length: what was copied, unless MSG_TRUNC asked. */
	if (rc > 0 && trunc && !(flags & MSG_TRUNC))
		rc = (long)(a2 < 65536 ? a2 : 65536);
	if (rc >= 0 && sock_of(f)->family == AF_UNIX && a4 != 0 && a5 != 0) {
		if (sock_of(f)->type != SOCK_DGRAM)
			from.family = 0;	/* a stream: no address */
		if (unix_from_out(&from, a4, a5) != 0)
			rc = -EFAULT;
	} else if (rc >= 0 && from.family != 0 &&
	    sock_of(f)->type == SOCK_DGRAM && addr_out(&from, a4, a5) != 0) {
		rc = -EFAULT;
	}
	file_put(f);
	return rc;
}

static long
do_shutdown(struct file *f, uint64_t how, uint64_t unused)
{
	if (sock_of(f)->nl != NULL)
		return -EOPNOTSUPP;
	return net_shutdown(sock_of(f)->ns, (int)how);
}

long
sys_shutdown(SYSCALL_ARGS)
{
	return sock_call(a0, do_shutdown, a1, 0);
}

/* getsockname's *addrlen: readable and not negative. */
static long
ulen_check(uint64_t ulen)
{
	uint32_t have;

	if (plat_copy_from_user(&have, ulen, sizeof(have)) != 0)
		return -EFAULT;
	return (int32_t)have < 0 ? -EINVAL : 0;
}

static long
name_call(uint64_t fd, uint64_t uaddr, uint64_t ulen, bool peer)
{
	struct net_addr a;
	struct file *f;
	long rc;

	if ((f = sock_get((int)fd, &rc)) == NULL)
		return rc;
	if (sock_of(f)->nl != NULL) {
		if ((rc = ulen_check(ulen)) == 0)
			rc = nl_name(sock_of(f), peer, uaddr, ulen);
		file_put(f);
		return rc;
	}
	if (sock_of(f)->family == AF_UNIX && !unix_is_pair(sock_of(f))) {
		struct sock *s = sock_of(f);
		uint32_t have;

		rc = 0;
		if (peer && net_name(s->ns, true, &a) != 0)
			rc = -ENOTCONN;
		else if (plat_copy_from_user(&have, ulen, sizeof(have)) != 0)
			rc = -EFAULT;
		else if (peer)
			rc = unix_name_out(s->peer_name, s->peer_len, uaddr,
			    ulen);
		else
			rc = unix_name_out(s->name, s->name_len, uaddr, ulen);
		file_put(f);
		return rc;
	}
	if (sock_of(f)->family == AF_UNIX) {
		memset(&a, 0, sizeof(a));
		a.family = AF_UNIX;
		rc = peer && sock_of(f)->peer_closed ? -ENOTCONN : 0;
	} else {
		rc = net_name(sock_of(f)->ns, peer, &a);
	}
	if (rc == 0 && (rc = ulen_check(ulen)) == 0)
		rc = addr_out(&a, uaddr, ulen);
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
