/*
 * socket(AF_NETLINK, SOCK_RAW or SOCK_DGRAM, NETLINK_ROUTE): Linux's
 * net/netlink/af_netlink.c semantics (netlink(7), RFC 3549 section 2.3)
 * for the part programs use to learn the interfaces.  A message to the
 * kernel (port id 0) is answered at once by net/netlink.c from the
 * interfaces net/ has (lo, and eth0 under --net); the answers wait on
 * the socket's queue, one datagram per recv as Linux's skbs: a dump's
 * messages packed up to NL_DGRAM_MAX bytes, an error or ack alone.
 * Messages to another netlink socket's port id are delivered to it.
 *
 * The socket is a struct sock without a net_sock (ns NULL, type
 * SOCK_DGRAM so the datagram paths of socket.c and sockmsg.c apply;
 * SO_TYPE gives the type asked for).  Port ids: bind's nl_pid, or at
 * the first bind, connect or send without one, the process's pid if it
 * is free, else -4096, -4097... as Linux's netlink_autobind.
 * Multicast groups may be joined (bind's nl_groups) but Cloister sends
 * no notifications: its interfaces do not change after boot.
 */
#include "shim/internal.h"

#define NETLINK_ROUTE	0
#define NETLINK_LINKS	32	/* Linux's MAX_LINKS */
#define SOCK_RAW	3
#define NL_DGRAM_MAX	3776	/* Linux's NLMSG_GOODSIZE on 4 KiB pages */
#define NL_ANSWER_MAX	65536	/* one request datagram's answers */
#define NL_SNDBUF_SLACK	32	/* netlink_sendmsg: len > sndbuf - 32 */
#define NLM_F_MULTI	0x2

/* linux/netlink.h */
struct sockaddr_nl_user {
	uint16_t family;
	uint16_t pad;
	uint32_t pid;
	uint32_t groups;
};
_Static_assert(sizeof(struct sockaddr_nl_user) == 12, "sockaddr_nl");

struct nl_hdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};
_Static_assert(sizeof(struct nl_hdr) == 16, "nlmsghdr");

struct nl_dgram {
	struct nl_dgram *next;
	uint32_t from;		/* the sender's port id, 0: the kernel */
	uint32_t group;		/* multicast group number, 0: unicast */
	size_t len;
	uint8_t data[];
};

struct nl_sock {
	struct file *f;		/* for readiness changes */
	struct sock *s;
	int type;		/* SOCK_RAW or SOCK_DGRAM, as created */
	bool bound;
	uint32_t portid, groups, dst_portid, dst_group;
	struct nl_dgram *head, **tail;
	size_t queued;		/* bytes on the queue */
	int err;		/* pending error (ENOBUFS), positive */
	struct nl_sock *next;	/* every netlink socket */
};

static struct nl_sock *nl_all;

static struct nl_sock *
nl_by_port(uint32_t portid)
{
	for (struct nl_sock *n = nl_all; n != NULL; n = n->next)
		if (n->bound && n->portid == portid)
			return n;
	return NULL;
}

/* netlink_autobind: the pid when free, else -4096 downwards. */
static void
nl_autobind(struct nl_sock *n)
{
	static int32_t rover = -4096;
	uint32_t id = (uint32_t)shim_proc_cur()->pid;

	if (n->bound)
		return;
	while (id == 0 || nl_by_port(id) != NULL) {
		id = (uint32_t)rover--;
		if (rover > -4096)
			rover = -4096;
	}
	n->portid = id;
	n->bound = true;
}

long
nl_socket(int type, int flags, int proto)
{
	struct nl_sock *n;
	struct file *f;
	long rc;

	if (type != SOCK_RAW && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (proto < 0 || proto >= NETLINK_LINKS)
		return -EPROTONOSUPPORT;
	if (proto != NETLINK_ROUTE) {
		static bool said;

		if (!said)
			klog("shim: netlink protocol %d: not implemented "
			    "(EPROTONOSUPPORT, logged once)", proto);
		said = true;
		return -EPROTONOSUPPORT;
	}
	/* The interfaces (eth0 and its DHCP lease) come from the stack. */
	if ((rc = net_init()) != 0)
		return rc;
	if ((n = kzalloc(sizeof(*n))) == NULL)
		return -ENOMEM;
	rc = sock_install(NULL, AF_NETLINK, SOCK_DGRAM, flags, &f);
	if (rc < 0) {
		kfree(n);
		return rc;
	}
	n->f = f;
	n->s = sock_of(f);
	n->type = type;
	n->tail = &n->head;
	n->s->nl = n;
	n->s->rcvbuf = n->s->sndbuf = 212992;	/* Linux's defaults */
	n->next = nl_all;
	nl_all = n;
	return rc;
}

void
nl_release(struct sock *s)
{
	struct nl_sock *n = s->nl;
	struct nl_dgram *d;

	for (struct nl_sock **pp = &nl_all; *pp != NULL; pp = &(*pp)->next)
		if (*pp == n) {
			*pp = n->next;
			break;
		}
	while ((d = n->head) != NULL) {
		n->head = d->next;
		kfree(d);
	}
	kfree(n);
	s->nl = NULL;
}

int
nl_sock_type(const struct sock *s)
{
	return s->nl->type;
}

/* ---- Addresses: a sockaddr_nl in a net_addr (scope: nl_pid, ip[0..3]:
 * nl_groups) ---- */

static long
nl_sa_in(uint64_t uaddr, uint64_t len, struct sockaddr_nl_user *sa)
{
	if (len < sizeof(*sa))
		return -EINVAL;
	if (plat_copy_from_user(sa, uaddr, sizeof(*sa)) != 0)
		return -EFAULT;
	return sa->family != AF_NETLINK ? -EINVAL : 0;
}

long
nl_addr_in(uint64_t uaddr, uint64_t len, struct net_addr *a)
{
	struct sockaddr_nl_user sa;
	long rc;

	if ((rc = nl_sa_in(uaddr, len, &sa)) != 0)
		return rc;
	a->family = AF_NETLINK;
	a->scope = sa.pid;
	memcpy(a->ip, &sa.groups, sizeof(sa.groups));
	return 0;
}

/* As Linux's move_addr_to_user: cut to *ulenp, the full length back. */
static long
nl_sa_out(const struct net_addr *a, uint64_t uaddr, uint64_t ulenp)
{
	struct sockaddr_nl_user sa = { .family = AF_NETLINK };
	uint32_t have, len = sizeof(sa);

	sa.pid = a->scope;
	memcpy(&sa.groups, a->ip, sizeof(sa.groups));
	if (plat_copy_from_user(&have, ulenp, sizeof(have)) != 0)
		return -EFAULT;
	if ((int32_t)have < 0)
		return -EINVAL;
	if (plat_copy_to_user(uaddr, &sa, have < len ? have : len) != 0 ||
	    plat_copy_to_user(ulenp, &len, sizeof(len)) != 0)
		return -EFAULT;
	return 0;
}

/* A sender's address for recvfrom and recvmsg (none asked: nothing). */
long
nl_addr_out(const struct net_addr *a, uint64_t uaddr, uint64_t ulenp)
{
	if (uaddr == 0 || ulenp == 0)
		return 0;
	return nl_sa_out(a, uaddr, ulenp);
}

long
nl_bind(struct sock *s, uint64_t uaddr, uint64_t ulen)
{
	struct nl_sock *n = s->nl;
	struct sockaddr_nl_user sa;
	long rc;

	if ((rc = nl_sa_in(uaddr, ulen, &sa)) != 0)
		return rc;
	/* NETLINK_ROUTE lets anyone join its groups (NONROOT_RECV). */
	if (n->bound && sa.pid != n->portid)
		return -EINVAL;
	if (!n->bound && sa.pid != 0) {
		if (nl_by_port(sa.pid) != NULL)
			return -EADDRINUSE;
		n->portid = sa.pid;
		n->bound = true;
	}
	nl_autobind(n);
	n->groups = sa.groups;
	return 0;
}

long
nl_connect(struct sock *s, uint64_t uaddr, uint64_t ulen)
{
	struct nl_sock *n = s->nl;
	struct sockaddr_nl_user sa;
	uint16_t family;
	long rc;

	if (ulen < sizeof(family))
		return -EINVAL;
	if (plat_copy_from_user(&family, uaddr, sizeof(family)) != 0)
		return -EFAULT;
	if (family == NET_AF_UNSPEC) {
		n->dst_portid = n->dst_group = 0;
		return 0;
	}
	if ((rc = nl_sa_in(uaddr, ulen, &sa)) != 0)
		return rc;
	if ((sa.groups != 0 || sa.pid != 0) && !proc_capable())
		return -EPERM;	/* rtnetlink: no NL_CFG_F_NONROOT_SEND */
	nl_autobind(n);
	n->dst_portid = sa.pid;
	n->dst_group = sa.groups ? (uint32_t)__builtin_ffs((int)sa.groups) :
	    0;
	return 0;
}

/* getsockname, or getpeername (the connected destination, 0 if none). */
long
nl_name(struct sock *s, bool peer, uint64_t uaddr, uint64_t ulenp)
{
	struct nl_sock *n = s->nl;
	struct net_addr a = { .family = AF_NETLINK };
	uint32_t groups = peer ? (n->dst_group ? 1u << (n->dst_group - 1) :
	    0) : n->groups;

	a.scope = peer ? n->dst_portid : n->portid;
	memcpy(a.ip, &groups, sizeof(groups));
	return nl_sa_out(&a, uaddr, ulenp);
}

/* ---- The queue ---- */

static int
nl_enqueue(struct nl_sock *n, const void *data, size_t len, uint32_t from,
    uint32_t group)
{
	struct nl_dgram *d;

	if (n->queued > (size_t)n->s->rcvbuf ||
	    (d = kmalloc(sizeof(*d) + len)) == NULL) {
		/* Linux's netlink_overrun: the reader learns of the loss. */
		n->err = ENOBUFS;
		file_changed(n->f, POLLERR);
		return -ENOBUFS;
	}
	d->next = NULL;
	d->from = from;
	d->group = group;
	d->len = len;
	memcpy(d->data, data, len);
	*n->tail = d;
	n->tail = &d->next;
	n->queued += len;
	file_changed(n->f, POLLIN);
	return 0;
}

/*
 * The kernel's answers, split into datagrams as Linux's skbs: a dump's
 * messages (NLM_F_MULTI, one sequence number) share datagrams of up to
 * NL_DGRAM_MAX bytes; any other message goes alone.  The messages are
 * net_nl_answer's, so their lengths are sound.
 */
static void
nl_deliver_answer(struct nl_sock *n, const uint8_t *p, size_t len)
{
	size_t start = 0, at = 0;
	struct nl_hdr h, first;

	while (at < len) {
		memcpy(&h, p + at, sizeof(h));
		if (at > start) {
			memcpy(&first, p + start, sizeof(first));
			if (!(first.flags & NLM_F_MULTI) ||
			    !(h.flags & NLM_F_MULTI) || h.seq != first.seq ||
			    at - start + h.len > NL_DGRAM_MAX) {
				if (nl_enqueue(n, p + start, at - start, 0,
				    0) != 0)
					return;
				start = at;
			}
		}
		at += (h.len + 3u) & ~3u;
	}
	if (at > start)
		nl_enqueue(n, p + start, len - start, 0, 0);
}

/* A request to the kernel: answer it from the interfaces net/ has. */
static long
nl_to_kernel(struct nl_sock *n, const void *req, size_t len)
{
	struct net_iface ifs[NET_IFACES];
	int nifs = 0;
	uint8_t *out;
	long rc;

	for (int i = 1; i <= NET_IFACES; i++)
		if (net_iface(i, &ifs[nifs]) == 0)
			nifs++;
	if ((out = kmalloc(NL_ANSWER_MAX)) == NULL)
		return -ENOMEM;
	rc = net_nl_answer(req, len, n->portid, ifs, nifs, out, NL_ANSWER_MAX);
	if (rc == -ENOBUFS) {
		/* More than the receive queue takes: lost, as Linux's
		 * overrun (the datagram itself was sent). */
		n->err = ENOBUFS;
		file_changed(n->f, POLLERR);
	} else if (rc > 0) {
		nl_deliver_answer(n, out, (size_t)rc);
	}
	kfree(out);
	return 0;
}

/*
 * sendto/sendmsg/write: to (NULL: the connected destination) names a
 * port id (0: the kernel) and groups; another socket or a group needs
 * root (CAP_NET_ADMIN).
 */
long
nl_send(struct sock *s, const void *buf, size_t len,
    const struct net_addr *to)
{
	struct nl_sock *n = s->nl, *peer;
	uint32_t dport = n->dst_portid, dgroup = n->dst_group, mask;
	long rc;

	if (to != NULL) {
		memcpy(&mask, to->ip, sizeof(mask));
		dport = to->scope;
		dgroup = mask ? (uint32_t)__builtin_ffs((int)mask) : 0;
		if ((mask != 0 || dport != 0) && !proc_capable())
			return -EPERM;	/* as connect */
	}
	if (len > (size_t)s->sndbuf - NL_SNDBUF_SLACK)
		return -EMSGSIZE;
	nl_autobind(n);
	if (dgroup != 0) {
		for (peer = nl_all; peer != NULL; peer = peer->next)
			if (peer != n && (peer->groups >> (dgroup - 1) & 1))
				nl_enqueue(peer, buf, len, n->portid, dgroup);
	}
	if (dport == 0) {
		if ((rc = nl_to_kernel(n, buf, len)) != 0)
			return rc;
		return (long)len;
	}
	if ((peer = nl_by_port(dport)) == NULL)
		return -ECONNREFUSED;
	if (peer->queued > (size_t)peer->s->rcvbuf)
		return -EAGAIN;		/* netlink_unicast waits for room */
	if ((rc = nl_enqueue(peer, buf, len, n->portid, 0)) != 0)
		return rc;
	return (long)len;
}

/*
 * One datagram into buf (len bytes): its full length with MSG_TRUNC in
 * flags, else what was copied; MSG_PEEK leaves it queued; from gets the
 * sender.  -EAGAIN when the queue is empty, a pending error once.
 */
long
nl_recv(struct sock *s, void *buf, size_t len, int flags,
    struct net_addr *from)
{
	struct nl_sock *n = s->nl;
	struct nl_dgram *d = n->head;
	size_t copy;

	if (d == NULL) {
		if (n->err != 0) {
			int e = n->err;

			n->err = 0;
			return -e;
		}
		return -EAGAIN;
	}
	copy = d->len < len ? d->len : len;
	memcpy(buf, d->data, copy);
	if (from != NULL) {
		uint32_t groups = d->group ? 1u << (d->group - 1) : 0;

		memset(from, 0, sizeof(*from));
		from->family = AF_NETLINK;
		from->scope = d->from;
		memcpy(from->ip, &groups, sizeof(groups));
	}
	if (!(flags & MSG_PEEK)) {
		n->head = d->next;
		if (n->head == NULL)
			n->tail = &n->head;
		n->queued -= d->len;
		copy = (flags & MSG_TRUNC) ? d->len : copy;
		kfree(d);
		file_changed(n->f, POLLOUT);	/* room for a peer's send */
		return (long)copy;
	}
	return (long)((flags & MSG_TRUNC) ? d->len : copy);
}

unsigned
nl_events(struct sock *s)
{
	unsigned ev = POLLOUT;

	if (s->nl->head != NULL)
		ev |= POLLIN;
	if (s->nl->err != 0)
		ev |= POLLERR;
	return ev;
}

/* SO_ERROR: the pending error, cleared. */
int
nl_take_error(struct sock *s)
{
	int e = s->nl->err;

	s->nl->err = 0;
	return -e;
}
