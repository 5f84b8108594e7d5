/*
 * test_netlink.c: net_nl_answer (net/netlink.c) against the layouts of
 * Linux's uapi netlink and rtnetlink headers (the host's own, so the
 * numbers are checked against Linux's, not against themselves): link
 * and address dumps with each family filter, the echoed sequence number
 * and port id, NLMSG_DONE, NLMSG_ERROR for what is not served, and
 * malformed datagrams.
 */
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/if_arp.h>
#include <errno.h>
#include <stdint.h>

#include "net/net.h"
#include "tests/unit/harness.h"

static struct net_iface ifs[2];
static uint8_t out[4096];

static void
setup(void)
{
	memset(ifs, 0, sizeof(ifs));
	strcpy(ifs[0].name, "lo");
	ifs[0].index = 1;
	ifs[0].flags = NET_IFF_UP | NET_IFF_LOOPBACK | NET_IFF_RUNNING;
	ifs[0].mtu = 65536;
	memcpy(ifs[0].ip4, "\x7f\0\0\x01", 4);
	memcpy(ifs[0].mask4, "\xff\0\0\0", 4);
	ifs[0].loopback = true;
	ifs[0].ip6[0][15] = 1;
	ifs[0].ip6_prefix[0] = 128;
	ifs[0].nip6 = 1;
	strcpy(ifs[1].name, "eth0");
	ifs[1].index = 2;
	ifs[1].flags = NET_IFF_UP | NET_IFF_BROADCAST | NET_IFF_RUNNING |
	    NET_IFF_MULTICAST;
	ifs[1].mtu = 1500;
	memcpy(ifs[1].ip4, "\x0a\0\x02\x0f", 4);
	memcpy(ifs[1].mask4, "\xff\xff\xff\0", 4);
	memcpy(ifs[1].mac, "\x52\x54\0\x12\x34\x56", 6);
	memcpy(ifs[1].ip6[0], "\xfe\x80\0\0\0\0\0\0\x50\x54\0\xff\xfe\x12\x34\x56",
	    16);
	ifs[1].ip6_prefix[0] = 64;
	ifs[1].nip6 = 1;
	memcpy(ifs[1].gw4, "\x0a\0\x02\x02", 4);
}

struct req {
	struct nlmsghdr h;
	union {
		struct rtgenmsg g;
		struct ifinfomsg i;
		struct ifaddrmsg a;
	} u;
};

static long
ask(int type, int flags, int family, uint32_t seq)
{
	struct req r;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = sizeof(r);
	r.h.nlmsg_type = (uint16_t)type;
	r.h.nlmsg_flags = (uint16_t)flags;
	r.h.nlmsg_seq = seq;
	r.u.g.rtgen_family = (unsigned char)family;
	return net_nl_answer(&r, sizeof(r), 4242, ifs, 2, out, sizeof(out));
}

/* The attribute of type in the message h (payload of fixed bytes). */
static struct rtattr *
find_attr(struct nlmsghdr *h, size_t fixed, int type)
{
	struct rtattr *a = (struct rtattr *)((char *)NLMSG_DATA(h) +
	    NLMSG_ALIGN(fixed));
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(fixed));

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == type)
			return a;
	return NULL;
}

/* Walk the answer as glibc does: every message checked with NLMSG_OK. */
static int
count(long n, int type, uint32_t seq, int *done)
{
	struct nlmsghdr *h = (struct nlmsghdr *)out;
	int len = (int)n, c = 0;

	*done = 0;
	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_seq != seq || h->nlmsg_pid != 4242)
			return -1;
		if (h->nlmsg_type == NLMSG_DONE)
			(*done)++;
		else if (h->nlmsg_type == type &&
		    (h->nlmsg_flags & NLM_F_MULTI))
			c++;
		else
			return -1;
	}
	return len == 0 ? c : -1;
}

static void
link_dump(void)
{
	struct nlmsghdr *h = (struct nlmsghdr *)out;
	struct ifinfomsg *m;
	struct rtattr *a;
	long n;
	int done;

	setup();
	n = ask(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_PACKET, 7);
	CHECK(n > 0);
	CHECK(count(n, RTM_NEWLINK, 7, &done) == 2 && done == 1);
	m = NLMSG_DATA(h);
	CHECK(m->ifi_index == 1 && m->ifi_type == ARPHRD_LOOPBACK);
	CHECK((m->ifi_flags & (IFF_UP | IFF_LOOPBACK | IFF_RUNNING |
	    IFF_LOWER_UP)) == (IFF_UP | IFF_LOOPBACK | IFF_RUNNING |
	    IFF_LOWER_UP));
	a = find_attr(h, sizeof(*m), IFLA_IFNAME);
	CHECK(a != NULL && strcmp(RTA_DATA(a), "lo") == 0);
	a = find_attr(h, sizeof(*m), IFLA_MTU);
	CHECK(a != NULL && *(uint32_t *)RTA_DATA(a) == 65536);
	h = (struct nlmsghdr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	m = NLMSG_DATA(h);
	CHECK(m->ifi_index == 2 && m->ifi_type == ARPHRD_ETHER);
	CHECK(!(m->ifi_flags & IFF_LOOPBACK) && (m->ifi_flags & IFF_BROADCAST));
	a = find_attr(h, sizeof(*m), IFLA_ADDRESS);
	CHECK(a != NULL && RTA_PAYLOAD(a) == 6 &&
	    memcmp(RTA_DATA(a), "\x52\x54\0\x12\x34\x56", 6) == 0);
	a = find_attr(h, sizeof(*m), IFLA_IFNAME);
	CHECK(a != NULL && strcmp(RTA_DATA(a), "eth0") == 0);
}

static void
addr_dump(void)
{
	struct nlmsghdr *h = (struct nlmsghdr *)out;
	struct ifaddrmsg *m;
	struct rtattr *a;
	long n;
	int done;

	setup();
	n = ask(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 9);
	CHECK(count(n, RTM_NEWADDR, 9, &done) == 4 && done == 1);
	m = NLMSG_DATA(h);
	CHECK(m->ifa_family == AF_INET && m->ifa_prefixlen == 8 &&
	    m->ifa_index == 1 && m->ifa_scope == RT_SCOPE_HOST);
	a = find_attr(h, sizeof(*m), IFA_LOCAL);
	CHECK(a != NULL && memcmp(RTA_DATA(a), "\x7f\0\0\x01", 4) == 0);
	a = find_attr(h, sizeof(*m), IFA_LABEL);
	CHECK(a != NULL && strcmp(RTA_DATA(a), "lo") == 0);
	h = (struct nlmsghdr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	m = NLMSG_DATA(h);
	CHECK(m->ifa_family == AF_INET6 && m->ifa_prefixlen == 128 &&
	    m->ifa_scope == RT_SCOPE_HOST);
	h = (struct nlmsghdr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	m = NLMSG_DATA(h);
	CHECK(m->ifa_family == AF_INET && m->ifa_prefixlen == 24 &&
	    m->ifa_index == 2 && m->ifa_scope == RT_SCOPE_UNIVERSE);
	a = find_attr(h, sizeof(*m), IFA_BROADCAST);
	CHECK(a != NULL && memcmp(RTA_DATA(a), "\x0a\0\x02\xff", 4) == 0);
	h = (struct nlmsghdr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
	m = NLMSG_DATA(h);
	CHECK(m->ifa_family == AF_INET6 && m->ifa_prefixlen == 64 &&
	    m->ifa_scope == RT_SCOPE_LINK);

	n = ask(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 10);
	CHECK(count(n, RTM_NEWADDR, 10, &done) == 2 && done == 1);
	n = ask(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, AF_INET6, 11);
	CHECK(count(n, RTM_NEWADDR, 11, &done) == 2 && done == 1);
	/* Before DHCP, eth0 has no IPv4 address to report. */
	memset(ifs[1].ip4, 0, 4);
	n = ask(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 12);
	CHECK(count(n, RTM_NEWADDR, 12, &done) == 1 && done == 1);
}

static int
error_of(long n, uint32_t seq)
{
	struct nlmsghdr *h = (struct nlmsghdr *)out;
	struct nlmsgerr *e = NLMSG_DATA(h);

	size_t echo;

	if (n < (long)NLMSG_LENGTH(sizeof(*e)) ||
	    h->nlmsg_type != NLMSG_ERROR ||
	    h->nlmsg_seq != seq || e->msg.nlmsg_seq != seq)
		return 1;
	/* As Linux's netlink_ack: an ack carries the request's header
	 * (NLM_F_CAPPED), an error the whole request. */
	echo = e->error == 0 ? 0 : e->msg.nlmsg_len - sizeof(e->msg);
	if (h->nlmsg_len != NLMSG_LENGTH(sizeof(*e)) + echo ||
	    NLMSG_ALIGN(h->nlmsg_len) != (size_t)n ||
	    !!(h->nlmsg_flags & NLM_F_CAPPED) != (e->error == 0))
		return 1;
	return e->error;
}

static void
not_served(void)
{
	setup();
	CHECK(error_of(ask(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP,
	    AF_INET6, 3), 3) == -EOPNOTSUPP);
	CHECK(error_of(ask(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK,
	    AF_INET, 4), 4) == -EOPNOTSUPP);
	CHECK(error_of(ask(RTM_GETADDR, NLM_F_REQUEST, AF_INET, 5), 5) ==
	    -EOPNOTSUPP);
	/* Not a request, or a control message: nothing to answer. */
	CHECK(ask(RTM_GETLINK, NLM_F_DUMP, 0, 6) == 0);
	CHECK(ask(NLMSG_NOOP, NLM_F_REQUEST, 0, 6) == 0);
}

/* The IPv4 main table: eth0's default route first, then its subnet. */
static void
routes(void)
{
	struct nlmsghdr *h = (struct nlmsghdr *)out;
	struct rtmsg *m;
	struct rtattr *a;
	int done, oif;
	long n;

	setup();
	n = ask(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 30);
	CHECK(count(n, RTM_NEWROUTE, 30, &done) == 2 && done == 1);
	m = NLMSG_DATA(h);
	CHECK(m->rtm_family == AF_INET && m->rtm_dst_len == 0 &&
	    m->rtm_table == RT_TABLE_MAIN && m->rtm_type == RTN_UNICAST &&
	    m->rtm_scope == RT_SCOPE_UNIVERSE);
	a = find_attr(h, sizeof(*m), RTA_GATEWAY);
	CHECK(a != NULL && RTA_PAYLOAD(a) == 4 &&
	    memcmp(RTA_DATA(a), "\x0a\0\x02\x02", 4) == 0);
	a = find_attr(h, sizeof(*m), RTA_OIF);
	CHECK(a != NULL && (memcpy(&oif, RTA_DATA(a), 4), oif == 2));
	CHECK(find_attr(h, sizeof(*m), RTA_DST) == NULL);
	h = NLMSG_NEXT(h, n);
	m = NLMSG_DATA(h);
	CHECK(m->rtm_dst_len == 24 && m->rtm_scope == RT_SCOPE_LINK &&
	    m->rtm_protocol == RTPROT_KERNEL);
	a = find_attr(h, sizeof(*m), RTA_DST);
	CHECK(a != NULL && memcmp(RTA_DATA(a), "\x0a\0\x02\0", 4) == 0);
	a = find_attr(h, sizeof(*m), RTA_PREFSRC);
	CHECK(a != NULL && memcmp(RTA_DATA(a), "\x0a\0\x02\x0f", 4) == 0);
	/* AF_UNSPEC: the same (IPv6 routes are not served). */
	n = ask(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 31);
	CHECK(count(n, RTM_NEWROUTE, 31, &done) == 2 && done == 1);
	/* Without a gateway, the subnet alone; without an address, none. */
	memset(ifs[1].gw4, 0, 4);
	n = ask(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 32);
	CHECK(count(n, RTM_NEWROUTE, 32, &done) == 1 && done == 1);
	memset(ifs[1].ip4, 0, 4);
	n = ask(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 33);
	CHECK(count(n, RTM_NEWROUTE, 33, &done) == 0 && done == 1);
}

static void
one_link(void)
{
	struct req r;
	struct nlmsghdr *h = (struct nlmsghdr *)out;
	long n;

	setup();
	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = sizeof(r);
	r.h.nlmsg_type = RTM_GETLINK;
	r.h.nlmsg_flags = NLM_F_REQUEST;
	r.h.nlmsg_seq = 20;
	r.u.i.ifi_index = 2;
	n = net_nl_answer(&r, sizeof(r), 4242, ifs, 2, out, sizeof(out));
	CHECK(n > 0 && h->nlmsg_type == RTM_NEWLINK && h->nlmsg_len == n &&
	    !(h->nlmsg_flags & NLM_F_MULTI));
	CHECK(((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == 2);
	r.u.i.ifi_index = 9;
	n = net_nl_answer(&r, sizeof(r), 4242, ifs, 2, out, sizeof(out));
	CHECK(error_of(n, 20) == -ENODEV);
}

static void
malformed(void)
{
	struct req r[2];
	long n;

	setup();
	memset(r, 0, sizeof(r));
	/* Length below the header's, beyond the datagram, or truncated. */
	r[0].h.nlmsg_len = 8;
	r[0].h.nlmsg_type = RTM_GETLINK;
	r[0].h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	CHECK(net_nl_answer(r, sizeof(r[0]), 1, ifs, 2, out, sizeof(out)) == 0);
	r[0].h.nlmsg_len = sizeof(r[0]) + 1;
	CHECK(net_nl_answer(r, sizeof(r[0]), 1, ifs, 2, out, sizeof(out)) == 0);
	CHECK(net_nl_answer(r, 15, 1, ifs, 2, out, sizeof(out)) == 0);
	/* A header alone (no family byte) is dropped, as Linux's
	 * rtnetlink_rcv_msg, and acked when asked; a type past RTM_MAX is
	 * -EOPNOTSUPP even so. */
	r[0].h.nlmsg_len = sizeof(r[0].h);
	r[0].h.nlmsg_type = RTM_GETADDR;
	CHECK(net_nl_answer(r, sizeof(r[0].h), 4242, ifs, 2, out,
	    sizeof(out)) == 0);
	r[0].h.nlmsg_flags |= NLM_F_ACK;
	n = net_nl_answer(r, sizeof(r[0].h), 4242, ifs, 2, out, sizeof(out));
	CHECK(error_of(n, 0) == 0);
	r[0].h.nlmsg_type = RTM_MAX + 1;
	n = net_nl_answer(r, sizeof(r[0].h), 4242, ifs, 2, out, sizeof(out));
	CHECK(error_of(n, 0) == -EOPNOTSUPP);
	r[0].h.nlmsg_type = RTM_GETADDR;
	r[0].h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	/* Two requests in one datagram get both answers. */
	r[0].h.nlmsg_len = sizeof(r[0]);
	r[1] = r[0];
	r[1].h.nlmsg_type = RTM_GETLINK;
	n = net_nl_answer(r, sizeof(r), 4242, ifs, 2, out, sizeof(out));
	CHECK(n > 0);
	/* Too small a buffer: -ENOBUFS, not a torn answer. */
	CHECK(net_nl_answer(r, sizeof(r), 4242, ifs, 2, out, 100) == -ENOBUFS);
}

int
main(void)
{
	harness_prog = "netlink";
	RUN(link_dump);
	RUN(addr_dump);
	RUN(not_served);
	RUN(one_link);
	RUN(routes);
	RUN(malformed);
	return harness_done();
}
