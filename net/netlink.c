/*
 * NETLINK_ROUTE requests and answers (RFC 3549 sections 2.2 and 3.1.1;
 * Linux's uapi linux/netlink.h, linux/rtnetlink.h, linux/if_link.h and
 * linux/if_addr.h give the layouts and numbers): the link and address
 * dumps that glibc's getaddrinfo (AI_ADDRCONFIG), getifaddrs and
 * busybox's ip ask for.  Pure bytes in, bytes out: the caller supplies
 * the interfaces (net_iface) and owns the socket.
 *
 * The request is untrusted: every header and length is checked against
 * what is left of the datagram before use.  Like Linux's
 * netlink_rcv_skb, a message whose length does not fit ends the
 * datagram, one without NLM_F_REQUEST or of a control type is skipped,
 * and a request Cloister does not serve gets NLMSG_ERROR -EOPNOTSUPP.
 */
#include <stdint.h>
#include <string.h>

#include "platform/platform.h"
#include "net/net.h"

/* linux/netlink.h */
struct nlmsghdr {
	uint32_t len;
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	uint32_t pid;
};
_Static_assert(sizeof(struct nlmsghdr) == 16, "nlmsghdr is Linux's");

#define NLMSG_ERROR	2
#define NLMSG_DONE	3
#define NLMSG_MIN_TYPE	0x10
#define NLM_F_REQUEST	0x1
#define NLM_F_MULTI	0x2
#define NLM_F_ACK	0x4
#define NLM_F_CAPPED	0x100	/* NLMSG_ERROR: the request cut to its header */
#define NLM_F_DUMP	0x300	/* NLM_F_ROOT | NLM_F_MATCH */
#define NL_ALIGN(n)	(((n) + 3u) & ~3u)

/* linux/rtnetlink.h */
#define RTM_NEWLINK	16
#define RTM_GETLINK	18
#define RTM_NEWADDR	20
#define RTM_GETADDR	22
#define RTM_NEWROUTE	24
#define RTM_GETROUTE	26
#define RTM_MAX		123	/* Linux 6.x: (((__RTM_MAX + 3) & ~3) - 1) */

struct ifinfomsg {
	uint8_t family;
	uint8_t pad;
	uint16_t type;
	int32_t index;
	uint32_t flags;
	uint32_t change;
};
_Static_assert(sizeof(struct ifinfomsg) == 16, "ifinfomsg is Linux's");

struct ifaddrmsg {
	uint8_t family;
	uint8_t prefixlen;
	uint8_t flags;
	uint8_t scope;
	uint32_t index;
};
_Static_assert(sizeof(struct ifaddrmsg) == 8, "ifaddrmsg is Linux's");

struct rtattr {
	uint16_t len;
	uint16_t type;
};
_Static_assert(sizeof(struct rtattr) == 4, "rtattr is Linux's");

#define IFLA_ADDRESS	1
#define IFLA_BROADCAST	2
#define IFLA_IFNAME	3
#define IFLA_MTU	4
#define IFLA_OPERSTATE	16
#define IF_OPER_UNKNOWN	0
#define IF_OPER_DOWN	2
#define IF_OPER_UP	6
#define IFF_LOWER_UP	0x10000
#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772

#define IFA_ADDRESS	1
#define IFA_LOCAL	2
#define IFA_LABEL	3
#define IFA_BROADCAST	4
#define IFA_F_PERMANENT	0x80
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_LINK	253
#define RT_SCOPE_HOST	254

struct rtmsg {
	uint8_t family;
	uint8_t dst_len;
	uint8_t src_len;
	uint8_t tos;
	uint8_t table;
	uint8_t protocol;
	uint8_t scope;
	uint8_t type;
	uint32_t flags;
};
_Static_assert(sizeof(struct rtmsg) == 12, "rtmsg is Linux's");

#define RTA_DST		1
#define RTA_OIF		4
#define RTA_GATEWAY	5
#define RTA_PREFSRC	7
#define RTA_TABLE	15
#define RT_TABLE_MAIN	254
#define RTPROT_KERNEL	2
#define RTPROT_BOOT	3
#define RTN_UNICAST	1

/* The answer being built: out of room sets full, and nothing more fits. */
struct nl_out {
	uint8_t *p;
	size_t cap, len;
	bool full;
};

static void *
put(struct nl_out *o, const void *src, size_t n)
{
	size_t pad = NL_ALIGN(n) - n;
	void *at;

	if (o->full || o->cap - o->len < n + pad) {
		o->full = true;
		return NULL;
	}
	at = o->p + o->len;
	if (src != NULL)
		memcpy(at, src, n);
	else
		memset(at, 0, n);
	memset(o->p + o->len + n, 0, pad);
	o->len += n + pad;
	return at;
}

static void
attr(struct nl_out *o, uint16_t type, const void *data, size_t n)
{
	struct rtattr a = { (uint16_t)(sizeof(a) + n), type };

	put(o, &a, sizeof(a));
	put(o, data, n);
}

/* Start a message; msg_end fills in its length. */
static size_t
msg_start(struct nl_out *o, uint16_t type, uint16_t flags,
    const struct nlmsghdr *req, uint32_t portid)
{
	struct nlmsghdr h = { 0, type, flags, req->seq, portid };
	size_t at = o->len;

	put(o, &h, sizeof(h));
	return at;
}

static void
msg_end(struct nl_out *o, size_t at)
{
	uint32_t len = (uint32_t)(o->len - at);

	if (!o->full)
		memcpy(o->p + at, &len, sizeof(len));
}

/*
 * NLMSG_ERROR carrying error, as Linux's netlink_ack: an ack (0) carries
 * the request's header alone (NLM_F_CAPPED), an error the whole request
 * (payload, plen bytes after its header).
 */
static void
error_msg(struct nl_out *o, const struct nlmsghdr *req, const uint8_t *payload,
    size_t plen, uint32_t portid, int error)
{
	size_t at = msg_start(o, NLMSG_ERROR, error == 0 ? NLM_F_CAPPED : 0,
	    req, portid);
	uint32_t len;

	put(o, &error, sizeof(error));
	put(o, req, sizeof(*req));
	if (error != 0)
		put(o, payload, plen);
	msg_end(o, at);
	/* The length counts the echoed request unpadded (nlmsg_put). */
	len = (uint32_t)(sizeof(*req) + sizeof(error) + sizeof(*req) +
	    (error != 0 ? plen : 0));
	if (!o->full)
		memcpy(o->p + at, &len, sizeof(len));
}

/* The name's length, at most 15: the attribute carries it and a NUL. */
static size_t
name_len(const struct net_iface *ifc)
{
	size_t n = 0;

	while (n < sizeof(ifc->name) - 1 && ifc->name[n] != '\0')
		n++;
	return n;
}

static void
link_msg(struct nl_out *o, const struct nlmsghdr *req, uint32_t portid,
    uint16_t flags, const struct net_iface *ifc)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct ifinfomsg m = { 0 };
	uint32_t mtu = ifc->mtu;
	uint8_t oper;
	size_t at, n;

	m.family = NET_AF_UNSPEC;
	m.type = ifc->loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
	m.index = ifc->index;
	m.flags = ifc->flags;
	if (ifc->flags & NET_IFF_RUNNING)
		m.flags |= IFF_LOWER_UP;
	/* Linux reports lo's operstate as unknown (it has no carrier). */
	oper = ifc->loopback ? IF_OPER_UNKNOWN :
	    (ifc->flags & NET_IFF_RUNNING) ? IF_OPER_UP : IF_OPER_DOWN;
	at = msg_start(o, RTM_NEWLINK, flags, req, portid);
	put(o, &m, sizeof(m));
	n = name_len(ifc);
	attr(o, IFLA_IFNAME, ifc->name, n + 1);
	attr(o, IFLA_MTU, &mtu, sizeof(mtu));
	attr(o, IFLA_OPERSTATE, &oper, 1);
	attr(o, IFLA_ADDRESS, ifc->mac, 6);
	attr(o, IFLA_BROADCAST, ifc->loopback ? ifc->mac : bcast, 6);
	msg_end(o, at);
}

static unsigned
prefix4(const uint8_t mask[4])
{
	unsigned n = 0;
	int i, b;

	for (i = 0; i < 4; i++)
		for (b = 7; b >= 0; b--)
			n += mask[i] >> b & 1;
	return n;
}

static void
addr4_msg(struct nl_out *o, const struct nlmsghdr *req, uint32_t portid,
    const struct net_iface *ifc)
{
	struct ifaddrmsg m = { 0 };
	uint8_t bc[4];
	size_t at;
	int i;

	m.family = NET_AF_INET;
	m.prefixlen = (uint8_t)prefix4(ifc->mask4);
	m.flags = IFA_F_PERMANENT;
	m.scope = ifc->ip4[0] == 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	m.index = (uint32_t)ifc->index;
	at = msg_start(o, RTM_NEWADDR, NLM_F_MULTI, req, portid);
	put(o, &m, sizeof(m));
	attr(o, IFA_ADDRESS, ifc->ip4, 4);
	attr(o, IFA_LOCAL, ifc->ip4, 4);
	if (!ifc->loopback) {
		for (i = 0; i < 4; i++)
			bc[i] = (uint8_t)(ifc->ip4[i] | ~ifc->mask4[i]);
		attr(o, IFA_BROADCAST, bc, 4);
	}
	attr(o, IFA_LABEL, ifc->name, name_len(ifc) + 1);
	msg_end(o, at);
}

static void
addr6_msg(struct nl_out *o, const struct nlmsghdr *req, uint32_t portid,
    const struct net_iface *ifc, int k)
{
	const uint8_t *a = ifc->ip6[k];
	struct ifaddrmsg m = { 0 };
	size_t at;

	m.family = NET_AF_INET6;
	m.prefixlen = ifc->ip6_prefix[k];
	m.flags = IFA_F_PERMANENT;
	if (ifc->loopback)
		m.scope = RT_SCOPE_HOST;
	else if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		m.scope = RT_SCOPE_LINK;
	else
		m.scope = RT_SCOPE_UNIVERSE;
	m.index = (uint32_t)ifc->index;
	at = msg_start(o, RTM_NEWADDR, NLM_F_MULTI, req, portid);
	put(o, &m, sizeof(m));
	attr(o, IFA_ADDRESS, a, 16);
	msg_end(o, at);
}

/*
 * An IPv4 route of the main table through ifc: the default route via
 * its gateway (gw true), or its subnet's, as Linux's fib_dump_info.
 */
static void
route4_msg(struct nl_out *o, const struct nlmsghdr *req, uint32_t portid,
    const struct net_iface *ifc, bool gw)
{
	struct rtmsg m = { 0 };
	uint32_t table = RT_TABLE_MAIN, oif = (uint32_t)ifc->index;
	uint8_t dst[4];
	size_t at;
	int i;

	m.family = NET_AF_INET;
	m.dst_len = gw ? 0 : (uint8_t)prefix4(ifc->mask4);
	m.table = RT_TABLE_MAIN;
	m.protocol = gw ? RTPROT_BOOT : RTPROT_KERNEL;
	m.scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	m.type = RTN_UNICAST;
	for (i = 0; i < 4; i++)
		dst[i] = ifc->ip4[i] & ifc->mask4[i];
	at = msg_start(o, RTM_NEWROUTE, NLM_F_MULTI, req, portid);
	put(o, &m, sizeof(m));
	attr(o, RTA_TABLE, &table, sizeof(table));
	if (gw) {
		attr(o, RTA_GATEWAY, ifc->gw4, 4);
	} else {
		attr(o, RTA_DST, dst, 4);
		attr(o, RTA_PREFSRC, ifc->ip4, 4);
	}
	attr(o, RTA_OIF, &oif, sizeof(oif));
	msg_end(o, at);
}

static bool
is_zero4(const uint8_t a[4])
{
	return (a[0] | a[1] | a[2] | a[3]) == 0;
}

static void
done_msg(struct nl_out *o, const struct nlmsghdr *req, uint32_t portid)
{
	int32_t zero = 0;
	size_t at = msg_start(o, NLMSG_DONE, NLM_F_MULTI, req, portid);

	put(o, &zero, sizeof(zero));
	msg_end(o, at);
}

/* One request; payload and plen are what follows its header. */
static void
answer_one(struct nl_out *o, const struct nlmsghdr *h, const uint8_t *payload,
    size_t plen, uint32_t portid, const struct net_iface *ifs, int nifs)
{
	bool dump = (h->flags & NLM_F_DUMP) == NLM_F_DUMP;
	int family = plen >= 1 ? payload[0] : NET_AF_UNSPEC;
	struct ifinfomsg want;
	int i, k;

	/* rtnetlink_rcv_msg: a type past RTM_MAX is -EOPNOTSUPP; any other
	 * request needs at least its family byte, else it is dropped (and
	 * acked when asked, as netlink_rcv_skb does for a 0 result). */
	if (h->type > RTM_MAX) {
		error_msg(o, h, payload, plen, portid, -EOPNOTSUPP);
		return;
	}
	if (plen < 1) {
		if (h->flags & NLM_F_ACK)
			error_msg(o, h, payload, plen, portid, 0);
		return;
	}
	if (h->type == RTM_GETLINK && dump) {
		/* Links have no family of their own: every filter dumps all. */
		for (i = 0; i < nifs; i++)
			link_msg(o, h, portid, NLM_F_MULTI, &ifs[i]);
		done_msg(o, h, portid);
		return;
	}
	if (h->type == RTM_GETADDR && dump) {
		/* Linux: a family without its own handler dumps them all. */
		for (i = 0; i < nifs; i++) {
			if (family != NET_AF_INET6 && !is_zero4(ifs[i].ip4))
				addr4_msg(o, h, portid, &ifs[i]);
			for (k = 0; family != NET_AF_INET && k < ifs[i].nip6 &&
			    k < NET_IFACE_IP6; k++)
				addr6_msg(o, h, portid, &ifs[i], k);
		}
		done_msg(o, h, portid);
		return;
	}
	if (h->type == RTM_GETROUTE && dump && family != NET_AF_INET6) {
		/* The main table's IPv4 routes (the local table's and IPv6
		 * routes are not served): default routes first, as Linux. */
		for (k = 0; k < 2; k++)
			for (i = 0; i < nifs; i++)
				if (!ifs[i].loopback && !is_zero4(ifs[i].ip4) &&
				    (k == 1 || !is_zero4(ifs[i].gw4)))
					route4_msg(o, h, portid, &ifs[i],
					    k == 0);
		done_msg(o, h, portid);
		return;
	}
	if (h->type == RTM_GETLINK && plen >= sizeof(want)) {
		/* One link by index (rtnl_getlink; by name is not served). */
		memcpy(&want, payload, sizeof(want));
		for (i = 0; i < nifs; i++)
			if (ifs[i].index == want.index && want.index > 0)
				break;
		if (i == nifs) {
			/* By name (attributes) is not served; neither given
			 * is Linux's -EINVAL. */
			error_msg(o, h, payload, plen, portid,
			    want.index > 0 ? -ENODEV :
			    plen > sizeof(want) ? -EOPNOTSUPP : -EINVAL);
			return;
		}
		link_msg(o, h, portid, 0, &ifs[i]);
		if (h->flags & NLM_F_ACK)
			error_msg(o, h, payload, plen, portid, 0);
		return;
	}
	if (h->type == RTM_GETLINK)
		error_msg(o, h, payload, plen, portid, -EINVAL);
	else
		error_msg(o, h, payload, plen, portid, -EOPNOTSUPP);
}

long
net_nl_answer(const void *req, size_t len, uint32_t portid,
    const struct net_iface *ifs, int nifs, void *out, size_t cap)
{
	const uint8_t *p = req;
	struct nl_out o = { out, cap, 0, false };
	struct nlmsghdr h;
	size_t step;

	while (len >= sizeof(h)) {
		memcpy(&h, p, sizeof(h));
		if (h.len < sizeof(h) || h.len > len)
			break;
		if ((h.flags & NLM_F_REQUEST) && h.type >= NLMSG_MIN_TYPE)
			answer_one(&o, &h, p + sizeof(h), h.len - sizeof(h),
			    portid, ifs, nifs);
		if (o.full)
			return -ENOBUFS;
		step = NL_ALIGN(h.len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return (long)o.len;
}
