/*
 * NETLINK_ROUTE sockets: socket, bind (port ids as Linux assigns them),
 * getsockname, the link and address dumps (walked with Linux's NLMSG_OK
 * and RTA_OK), one link by index with an ack, NLMSG_ERROR for what is
 * not served, malformed datagrams, MSG_PEEK and MSG_TRUNC, poll,
 * read/write, bad pointers and lengths, socket-to-socket datagrams, and
 * glibc's and musl's getifaddrs on top.  Only the loopback interface is
 * looked at (it is the same natively and in Cloister): compared with
 * Linux.
 *
 * With the argument "ifaces" it prints every interface and address
 * instead (getifaddrs, netlink's link dump, getaddrinfo with
 * AI_ADDRCONFIG), for tests/integration/net.sh under --net.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest.h"

#if __has_include(<linux/rtnetlink.h>)
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#else
/* musl's tree has no uapi headers: Linux's layouts and macros. */
struct sockaddr_nl {
	sa_family_t nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid, nl_groups;
};
struct nlmsghdr {
	uint32_t nlmsg_len;
	uint16_t nlmsg_type, nlmsg_flags;
	uint32_t nlmsg_seq, nlmsg_pid;
};
struct nlmsgerr {
	int error;
	struct nlmsghdr msg;
};
struct rtattr {
	unsigned short rta_len, rta_type;
};
struct ifinfomsg {
	unsigned char ifi_family, __ifi_pad;
	unsigned short ifi_type;
	int ifi_index;
	unsigned ifi_flags, ifi_change;
};
struct ifaddrmsg {
	uint8_t ifa_family, ifa_prefixlen, ifa_flags, ifa_scope;
	uint32_t ifa_index;
};
#define NETLINK_ROUTE	0
#define NLM_F_REQUEST	0x1
#define NLM_F_MULTI	0x2
#define NLM_F_ACK	0x4
#define NLM_F_DUMP	0x300
#define NLM_F_CAPPED	0x100
#define NLMSG_ERROR	2
#define NLMSG_DONE	3
#define RTM_NEWLINK	16
#define RTM_GETLINK	18
#define RTM_NEWADDR	20
#define RTM_GETADDR	22
#define IFLA_IFNAME	3
#define IFLA_MTU	4
#define IFA_ADDRESS	1
#define IFA_LOCAL	2
#define IFA_LABEL	3
#define RT_SCOPE_HOST	254
#define NLMSG_ALIGN(len)	(((len) + 3U) & ~3U)
#define NLMSG_HDRLEN	((int)NLMSG_ALIGN(sizeof(struct nlmsghdr)))
#define NLMSG_LENGTH(len)	((len) + NLMSG_HDRLEN)
#define NLMSG_DATA(nlh)	((void *)((char *)(nlh) + NLMSG_HDRLEN))
#define NLMSG_NEXT(nlh, len)	((len) -= NLMSG_ALIGN((nlh)->nlmsg_len), \
	(struct nlmsghdr *)((char *)(nlh) + NLMSG_ALIGN((nlh)->nlmsg_len)))
#define NLMSG_OK(nlh, len)	((len) >= (int)sizeof(struct nlmsghdr) && \
	(nlh)->nlmsg_len >= sizeof(struct nlmsghdr) && \
	(nlh)->nlmsg_len <= (len))
#define NLMSG_PAYLOAD(nlh, len)	((nlh)->nlmsg_len - NLMSG_LENGTH(len))
#define RTA_ALIGN(len)	(((len) + 3U) & ~3U)
#define RTA_OK(rta, len)	((len) >= (int)sizeof(struct rtattr) && \
	(rta)->rta_len >= sizeof(struct rtattr) && (rta)->rta_len <= (len))
#define RTA_NEXT(rta, attrlen)	((attrlen) -= RTA_ALIGN((rta)->rta_len), \
	(struct rtattr *)((char *)(rta) + RTA_ALIGN((rta)->rta_len)))
#define RTA_LENGTH(len)	(RTA_ALIGN(sizeof(struct rtattr)) + (len))
#define RTA_DATA(rta)	((void *)((char *)(rta) + RTA_LENGTH(0)))
#define IFLA_RTA(r)	((struct rtattr *)((char *)(r) + \
	NLMSG_ALIGN(sizeof(struct ifinfomsg))))
#define IFLA_PAYLOAD(n)	NLMSG_PAYLOAD(n, sizeof(struct ifinfomsg))
#define IFA_RTA(r)	((struct rtattr *)((char *)(r) + \
	NLMSG_ALIGN(sizeof(struct ifaddrmsg))))
#define IFA_PAYLOAD(n)	NLMSG_PAYLOAD(n, sizeof(struct ifaddrmsg))
#endif

#ifndef SOCK_RAW
#define SOCK_RAW	3
#endif
#define ARPHRD_LOOPBACK	772

static long
err(long rc)
{
	return rc < 0 ? -errno : rc;
}

static uint8_t buf[65536];

struct req {
	struct nlmsghdr h;
	struct ifinfomsg i;
};

/* A request of type with flags and a family byte (ifinfomsg room). */
static long
ask(int s, int type, int flags, int family, uint32_t seq, int index)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	struct req r;

	memset(&r, 0, sizeof(r));
	r.h.nlmsg_len = sizeof(r);
	r.h.nlmsg_type = type;
	r.h.nlmsg_flags = flags;
	r.h.nlmsg_seq = seq;
	r.i.ifi_family = family;
	r.i.ifi_index = index;
	return err(sendto(s, &r, sizeof(r), 0, (struct sockaddr *)&k,
	    sizeof(k)));
}

/* What a dump of lo said. */
struct seen {
	int msgs, done, bad_hdr, senders_bad;
	int lo_index, lo_type, lo_mtu, lo_up, lo_loop, lo_running;
	int lo4, lo4_prefix, lo4_scope, lo4_label;
	int lo6, lo6_prefix, lo6_scope;
	int other_family;
};

static void
link_attrs(struct ifinfomsg *i, int len, struct seen *w)
{
	struct rtattr *a = IFLA_RTA(i);
	const char *name = NULL;
	int mtu = 0;

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_IFNAME)
			name = RTA_DATA(a);
		if (a->rta_type == IFLA_MTU)
			memcpy(&mtu, RTA_DATA(a), sizeof(mtu));
	}
	if (name == NULL || strcmp(name, "lo") != 0)
		return;
	w->lo_index = i->ifi_index;
	w->lo_type = i->ifi_type;
	w->lo_mtu = mtu;
	w->lo_up = (i->ifi_flags & IFF_UP) != 0;
	w->lo_loop = (i->ifi_flags & IFF_LOOPBACK) != 0;
	w->lo_running = (i->ifi_flags & IFF_RUNNING) != 0;
}

static void
addr_attrs(struct ifaddrmsg *m, int len, struct seen *w, int want)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	struct rtattr *a = IFA_RTA(m);
	uint8_t lo4[4] = { 127, 0, 0, 1 };

	if (want != AF_UNSPEC && m->ifa_family != want)
		w->other_family++;
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFA_LOCAL && m->ifa_family == AF_INET &&
		    memcmp(RTA_DATA(a), lo4, 4) == 0) {
			w->lo4++;
			w->lo4_prefix = m->ifa_prefixlen;
			w->lo4_scope = m->ifa_scope;
		}
		if (a->rta_type == IFA_LABEL && m->ifa_family == AF_INET &&
		    strcmp(RTA_DATA(a), "lo") == 0)
			w->lo4_label++;
		if (a->rta_type == IFA_ADDRESS && m->ifa_family == AF_INET6 &&
		    memcmp(RTA_DATA(a), lo6, 16) == 0) {
			w->lo6++;
			w->lo6_prefix = m->ifa_prefixlen;
			w->lo6_scope = m->ifa_scope;
		}
	}
}

/* Read a dump's answers (datagrams) until NLMSG_DONE. */
static void
read_dump(int s, uint32_t me, uint32_t seq, int family, struct seen *w)
{
	struct sockaddr_nl from;
	struct iovec io = { buf, sizeof(buf) };
	struct msghdr m = { .msg_name = &from, .msg_iov = &io,
	    .msg_iovlen = 1 };
	int guard;

	memset(w, 0, sizeof(*w));
	for (guard = 0; guard < 100 && !w->done; guard++) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		long n;

		m.msg_namelen = sizeof(from);
		n = err(recvmsg(s, &m, MSG_DONTWAIT));
		if (n <= 0) {
			out("  recvmsg: %s\n", n < 0 ? errname(n) : "0");
			return;
		}
		if (m.msg_namelen != sizeof(from) || from.nl_pid != 0 ||
		    from.nl_family != AF_NETLINK || (m.msg_flags & MSG_TRUNC))
			w->senders_bad++;
		for (; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			w->msgs++;
			if (h->nlmsg_pid != me || h->nlmsg_seq != seq ||
			    !(h->nlmsg_flags & NLM_F_MULTI))
				w->bad_hdr++;
			if (h->nlmsg_type == NLMSG_DONE)
				w->done = 1;
			else if (h->nlmsg_type == RTM_NEWLINK)
				link_attrs(NLMSG_DATA(h), IFLA_PAYLOAD(h), w);
			else if (h->nlmsg_type == RTM_NEWADDR)
				addr_attrs(NLMSG_DATA(h), IFA_PAYLOAD(h), w,
				    family);
			else
				w->bad_hdr++;
		}
	}
}

static uint32_t
port_of(int s)
{
	struct sockaddr_nl a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	if (getsockname(s, (struct sockaddr *)&a, &len) != 0)
		return 0xdead;
	return a.nl_pid;
}

/* The NLMSG_ERROR a datagram carries: its error, or 1 if it is not one;
 * *echo: the bytes of the request's payload it carries. */
static int
error_in(long n, uint32_t seq, uint32_t me, int *echo)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);

	if (n < (long)NLMSG_LENGTH(sizeof(*e)) || !NLMSG_OK(h, n) ||
	    h->nlmsg_type != NLMSG_ERROR || h->nlmsg_seq != seq ||
	    h->nlmsg_pid != me || e->msg.nlmsg_seq != seq)
		return 1;
	*echo = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*e)));
	return e->error;
}

static void
dumps(int s)
{
	uint32_t me = port_of(s);
	struct seen w;
	struct pollfd p = { s, POLLIN | POLLOUT, 0 };

	expect_val("poll before a request", err(poll(&p, 1, 0)), 1);
	expect_val("  revents", p.revents, POLLOUT);
	expect_val("RTM_GETLINK dump", ask(s, RTM_GETLINK, NLM_F_REQUEST |
	    NLM_F_DUMP, AF_PACKET, 1, 0), sizeof(struct req));
	expect_val("poll after it", err(poll(&p, 1, 0)), 1);
	expect_val("  revents", p.revents, POLLIN | POLLOUT);
	read_dump(s, me, 1, AF_UNSPEC, &w);
	check("  ends with NLMSG_DONE", w.done);
	check("  headers: our port id, our seq, NLM_F_MULTI", w.bad_hdr == 0);
	check("  from the kernel (nl_pid 0, 12 bytes), whole",
	    w.senders_bad == 0);
	expect_val("  lo index", w.lo_index, 1);
	expect_val("  lo type", w.lo_type, ARPHRD_LOOPBACK);
	expect_val("  lo mtu", w.lo_mtu, 65536);
	check("  lo up, loopback, running", w.lo_up && w.lo_loop &&
	    w.lo_running);
	expect_err("  then nothing", err(recv(s, buf, sizeof(buf),
	    MSG_DONTWAIT)), EAGAIN);

	expect_val("RTM_GETADDR dump AF_INET", ask(s, RTM_GETADDR,
	    NLM_F_REQUEST | NLM_F_DUMP, AF_INET, 2, 0), sizeof(struct req));
	read_dump(s, me, 2, AF_INET, &w);
	check("  ends with NLMSG_DONE", w.done);
	check("  headers", w.bad_hdr == 0 && w.senders_bad == 0);
	check("  only AF_INET", w.other_family == 0);
	expect_val("  127.0.0.1 once", w.lo4, 1);
	expect_val("  its prefix", w.lo4_prefix, 8);
	expect_val("  its scope", w.lo4_scope, RT_SCOPE_HOST);
	expect_val("  its label lo", w.lo4_label, 1);
	expect_val("RTM_GETADDR dump AF_INET6", ask(s, RTM_GETADDR,
	    NLM_F_REQUEST | NLM_F_DUMP, AF_INET6, 3, 0), sizeof(struct req));
	read_dump(s, me, 3, AF_INET6, &w);
	check("  ends with NLMSG_DONE", w.done);
	check("  only AF_INET6", w.other_family == 0);
	expect_val("  ::1 once", w.lo6, 1);
	expect_val("  its prefix", w.lo6_prefix, 128);
	expect_val("  its scope", w.lo6_scope, RT_SCOPE_HOST);
	expect_val("RTM_GETADDR dump AF_UNSPEC", ask(s, RTM_GETADDR,
	    NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 4, 0), sizeof(struct req));
	read_dump(s, me, 4, AF_UNSPEC, &w);
	check("  both families", w.lo4 == 1 && w.lo6 == 1 && w.done);
}

static void
requests(int s)
{
	uint32_t me = port_of(s);
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsghdr hdr;
	char *big;
	int echo = -1;
	long n;

	expect_val("RTM_GETLINK index 1 with NLM_F_ACK", ask(s, RTM_GETLINK,
	    NLM_F_REQUEST | NLM_F_ACK, AF_UNSPEC, 5, 1), sizeof(struct req));
	n = err(recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	check("  one RTM_NEWLINK, alone in its datagram", n > 0 &&
	    NLMSG_OK(h, n) && h->nlmsg_type == RTM_NEWLINK &&
	    NLMSG_ALIGN(h->nlmsg_len) == n && !(h->nlmsg_flags & NLM_F_MULTI) &&
	    ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index == 1);
	n = err(recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	expect_val("  then the ack", error_in(n, 5, me, &echo), 0);
	expect_val("  which echoes the header alone", echo, 0);
	check("  NLM_F_CAPPED", n > 0 && (h->nlmsg_flags & NLM_F_CAPPED));
	expect_val("RTM_GETLINK index 9999", ask(s, RTM_GETLINK,
	    NLM_F_REQUEST, AF_UNSPEC, 6, 9999), sizeof(struct req));
	n = err(recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	expect_val("  NLMSG_ERROR", error_in(n, 6, me, &echo), -ENODEV);
	expect_val("  echoing the whole request", echo,
	    (int)(sizeof(struct req) - sizeof(struct nlmsghdr)));
	expect_val("type 0x1000", ask(s, 0x1000, NLM_F_REQUEST, AF_UNSPEC, 7,
	    0), sizeof(struct req));
	n = err(recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	expect_val("  NLMSG_ERROR", error_in(n, 7, me, &echo), -EOPNOTSUPP);

	/* Malformed: Linux answers nothing. */
	memset(&hdr, 0, sizeof(hdr));
	hdr.nlmsg_len = sizeof(hdr);
	hdr.nlmsg_type = RTM_GETADDR;
	hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	hdr.nlmsg_seq = 8;
	expect_val("a header without a family byte", err(send(s, &hdr,
	    sizeof(hdr), 0)), sizeof(hdr));
	expect_err("  no answer", err(recv(s, buf, sizeof(buf),
	    MSG_DONTWAIT)), EAGAIN);
	hdr.nlmsg_flags |= NLM_F_ACK;
	expect_val("  the same with NLM_F_ACK", err(send(s, &hdr, sizeof(hdr),
	    0)), sizeof(hdr));
	n = err(recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	expect_val("  an ack", error_in(n, 8, me, &echo), 0);
	expect_val("10 bytes (a truncated header)", err(send(s, &hdr, 10, 0)),
	    10);
	expect_err("  no answer", err(recv(s, buf, sizeof(buf),
	    MSG_DONTWAIT)), EAGAIN);
	hdr.nlmsg_len = 64;
	expect_val("nlmsg_len past the datagram", err(send(s, &hdr,
	    sizeof(hdr), 0)), sizeof(hdr));
	expect_err("  no answer", err(recv(s, buf, sizeof(buf),
	    MSG_DONTWAIT)), EAGAIN);
	hdr.nlmsg_len = 8;
	expect_val("nlmsg_len below a header", err(send(s, &hdr,
	    sizeof(hdr), 0)), sizeof(hdr));
	expect_err("  no answer", err(recv(s, buf, sizeof(buf),
	    MSG_DONTWAIT)), EAGAIN);
	hdr.nlmsg_len = sizeof(hdr);
	hdr.nlmsg_flags = NLM_F_DUMP;
	expect_val("no NLM_F_REQUEST", err(send(s, &hdr, sizeof(hdr), 0)),
	    sizeof(hdr));
	expect_err("  no answer", err(recv(s, buf, sizeof(buf),
	    MSG_DONTWAIT)), EAGAIN);
	big = map_anon(NULL, 1 << 20, PROT_READ | PROT_WRITE, 0);
	if (big != NULL)
		expect_err("1 MiB (past SO_SNDBUF)", err(send(s, big, 1 << 20,
		    0)), EMSGSIZE);
}

static void
truncation(int s)
{
	struct iovec io = { buf, 16 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1 };
	long full, n;

	ask(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 9, 0);
	full = err(recv(s, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT));
	check("MSG_PEEK|MSG_TRUNC gives the datagram's length", full > 16);
	n = err(recv(s, buf, sizeof(buf), MSG_PEEK));
	check("MSG_PEEK reads it and leaves it", n == full);
	n = err(recvmsg(s, &m, 0));
	expect_val("recvmsg into 16 bytes", n, 16);
	check("  MSG_TRUNC in msg_flags", (m.msg_flags & MSG_TRUNC) != 0);
	n = err(recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	check("  the rest of it is gone (lo's RTM_NEWLINK came first)",
	    n < 0 || ((struct nlmsghdr *)buf)->nlmsg_type != RTM_NEWLINK ||
	    ((struct ifinfomsg *)NLMSG_DATA((struct nlmsghdr *)buf))->
	    ifi_index != 1);
	while (err(recv(s, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	ask(s, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, AF_UNSPEC, 10, 0);
	n = err(recv(s, buf, 16, MSG_TRUNC));
	check("recv MSG_TRUNC into 16 bytes gives the full length", n > 16);
	while (err(recv(s, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		;
	/* write and read: one datagram each. */
	{
		struct req r;

		memset(&r, 0, sizeof(r));
		r.h.nlmsg_len = sizeof(r);
		r.h.nlmsg_type = RTM_GETLINK;
		r.h.nlmsg_flags = NLM_F_REQUEST;
		r.h.nlmsg_seq = 11;
		r.i.ifi_index = 1;
		expect_val("write a request", err(write(s, &r, sizeof(r))),
		    sizeof(r));
		n = err(read(s, buf, sizeof(buf)));
		check("read its answer", n > 0 &&
		    ((struct nlmsghdr *)buf)->nlmsg_type == RTM_NEWLINK);
	}
}

static long
bad_sendto(void *p)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	static int s = -1;

	if (s < 0)
		s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	return SYS6(SYS_sendto, s, p, 32, 0, &k, sizeof(k));
}

static long
bad_bind(void *p)
{
	int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	long rc = SYS3(SYS_bind, s, p, sizeof(struct sockaddr_nl));

	close(s);
	return rc;
}

static long
bad_name(void *p)
{
	static int s = -1;
	socklen_t len = sizeof(struct sockaddr_nl);

	if (s < 0)
		s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	return SYS3(SYS_getsockname, s, p, &len);
}

static long
bad_recv(void *p)
{
	static int s = -1;

	if (s < 0)
		s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	ask(s, RTM_GETLINK, NLM_F_REQUEST, AF_UNSPEC, 1, 1);
	return SYS6(SYS_recvfrom, s, p, 64, MSG_DONTWAIT, 0, 0);
}

static void
errors(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	struct sockaddr_in in = { .sin_family = AF_INET };
	int s = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE), v;
	socklen_t len = sizeof(v);

	expect_err("socket SOCK_STREAM", err(socket(AF_NETLINK, SOCK_STREAM,
	    NETLINK_ROUTE)), ESOCKTNOSUPPORT);
	expect_err("socket protocol 32", err(socket(AF_NETLINK, SOCK_RAW, 32)),
	    EPROTONOSUPPORT);
	expect_err("socket protocol -1", err(socket(AF_NETLINK, SOCK_RAW, -1)),
	    EPROTONOSUPPORT);
	expect_err("socket bad flags", err(socket(AF_NETLINK, SOCK_RAW | 0x10,
	    0)), EINVAL);
	expect_ok("socket SOCK_DGRAM", s);
	expect_ok("SO_TYPE", err(getsockopt(s, SOL_SOCKET, SO_TYPE, &v,
	    &len)));
	expect_val("  is SOCK_DGRAM", v, SOCK_DGRAM);
	expect_ok("SO_DOMAIN", err(getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v,
	    &len)));
	expect_val("  is AF_NETLINK", v, AF_NETLINK);
	expect_ok("SO_PROTOCOL", err(getsockopt(s, SOL_SOCKET, SO_PROTOCOL,
	    &v, &len)));
	expect_val("  is NETLINK_ROUTE", v, NETLINK_ROUTE);
	expect_err("bind 11 bytes", err(bind(s, (struct sockaddr *)&a, 11)),
	    EINVAL);
	expect_err("bind AF_INET", err(bind(s, (struct sockaddr *)&in,
	    sizeof(in))), EINVAL);
	expect_err("sendto 8 bytes of address", err(sendto(s, buf, 16, 0,
	    (struct sockaddr *)&a, 8)), EINVAL);
	expect_err("sendto AF_INET", err(sendto(s, buf, 16, 0,
	    (struct sockaddr *)&in, sizeof(in))), EINVAL);
	expect_err("listen", err(listen(s, 1)), EOPNOTSUPP);
	expect_err("accept", err(accept(s, NULL, NULL)), EOPNOTSUPP);
	expect_err("shutdown", err(shutdown(s, SHUT_RDWR)), EOPNOTSUPP);
	in.sin_family = AF_UNSPEC;
	expect_ok("connect AF_UNSPEC", err(connect(s, (struct sockaddr *)&in,
	    sizeof(sa_family_t))));
	close(s);
	expect_efault_all("sendto buffer", bad_sendto, 32, PTR_IN);
	expect_efault_all("bind address", bad_bind, sizeof(a), PTR_IN);
	expect_efault_all("getsockname address", bad_name, sizeof(a),
	    PTR_OUT);
	expect_efault_all("recvfrom buffer", bad_recv, 64, PTR_OUT);
}

static void
ports(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK }, from;
	socklen_t len = sizeof(a);
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int t = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, NETLINK_ROUTE);
	struct nlmsghdr hdr = { .nlmsg_len = sizeof(hdr) };	/* not a request */
	uint32_t ps, pt;
	char msg[8];

	expect_ok("socket SOCK_RAW|SOCK_CLOEXEC", s);
	memset(&from, 0xff, sizeof(from));
	expect_ok("getsockname before bind", err(getsockname(s,
	    (struct sockaddr *)&from, &len)));
	expect_val("  length", len, sizeof(a));
	check("  AF_NETLINK, nl_pid 0", from.nl_family == AF_NETLINK &&
	    from.nl_pid == 0 && from.nl_groups == 0);
	expect_ok("bind nl_pid 0", err(bind(s, (struct sockaddr *)&a,
	    sizeof(a))));
	ps = port_of(s);
	check("  assigned the pid", ps == (uint32_t)getpid());
	expect_err("bind again with nl_pid 0", err(bind(s,
	    (struct sockaddr *)&a, sizeof(a))), EINVAL);
	a.nl_pid = ps;
	expect_ok("bind again with its own nl_pid", err(bind(s,
	    (struct sockaddr *)&a, sizeof(a))));
	a.nl_pid = ps + 1;
	expect_err("bind another nl_pid", err(bind(s, (struct sockaddr *)&a,
	    sizeof(a))), EINVAL);
	a.nl_pid = ps;
	expect_err("bind a second socket to the pid", err(bind(t,
	    (struct sockaddr *)&a, sizeof(a))), EADDRINUSE);
	dumps(s);
	requests(s);
	truncation(s);
	/* t binds on its first send: not the pid, a negative number. */
	a.nl_pid = 0;
	expect_val("sendto from an unbound socket", err(sendto(t, &hdr,
	    sizeof(hdr), 0, (struct sockaddr *)&a, sizeof(a))), sizeof(hdr));
	pt = port_of(t);
	check("  autobound below -4095", (int32_t)pt <= -4096);
	a.nl_pid = pt;
	expect_val("a datagram to the other socket's port", err(sendto(s,
	    "hello", 5, 0, (struct sockaddr *)&a, sizeof(a))), 5);
	len = sizeof(from);
	expect_val("  arrives", err(recvfrom(t, msg, sizeof(msg), 0,
	    (struct sockaddr *)&from, &len)), 5);
	check("  from s's port", from.nl_pid == ps && len == sizeof(from) &&
	    memcmp(msg, "hello", 5) == 0);
	a.nl_pid = 0x7ffffff0;
	expect_err("to a port nobody has", err(sendto(s, "x", 1, 0,
	    (struct sockaddr *)&a, sizeof(a))), ECONNREFUSED);
	expect_err("recv on an empty non-blocking socket", err(recv(t, msg,
	    sizeof(msg), 0)), EAGAIN);
	a.nl_pid = 0;
	expect_ok("connect to the kernel", err(connect(t,
	    (struct sockaddr *)&a, sizeof(a))));
	len = sizeof(from);
	expect_ok("getpeername", err(getpeername(t, (struct sockaddr *)&from,
	    &len)));
	check("  nl_pid 0", from.nl_pid == 0 && len == sizeof(from));
	close(s);
	close(t);
}

static void
libc(void)
{
	struct ifaddrs *ifa, *i;
	int lo4 = 0, lo6 = 0, lopkt = 0, flags = 0;

	expect_ok("getifaddrs", err(getifaddrs(&ifa)));
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (strcmp(i->ifa_name, "lo") != 0 || i->ifa_addr == NULL)
			continue;
		flags = i->ifa_flags;
		if (i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr ==
		    htonl(INADDR_LOOPBACK))
			lo4++;
		if (i->ifa_addr->sa_family == AF_INET6 &&
		    IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)
		    i->ifa_addr)->sin6_addr))
			lo6++;
		if (i->ifa_addr->sa_family == AF_PACKET)
			lopkt++;
	}
	expect_val("  lo 127.0.0.1", lo4, 1);
	expect_val("  lo ::1", lo6, 1);
	expect_val("  lo AF_PACKET", lopkt, 1);
	check("  lo up and loopback", (flags & (IFF_UP | IFF_LOOPBACK)) ==
	    (IFF_UP | IFF_LOOPBACK));
	freeifaddrs(ifa);
	expect_val("if_nametoindex lo", if_nametoindex("lo"), 1);
}

/* "ifaces": what the guest sees, for net.sh (host-dependent). */
static int
ifaces(void)
{
	static const char *const fam[] = { [AF_INET] = "inet",
	    [AF_INET6] = "inet6", [AF_PACKET] = "packet" };
	struct addrinfo hints = { .ai_flags = AI_ADDRCONFIG |
	    AI_NUMERICHOST, .ai_socktype = SOCK_STREAM }, *ai;
	struct ifaddrs *ifa, *i;
	char text[64];
	int rc;

	if (getifaddrs(&ifa) != 0) {
		out("getifaddrs: %s\n", errname(errno));
		return 1;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		int f = i->ifa_addr ? i->ifa_addr->sa_family : 0;
		void *a = f == AF_INET ? (void *)&((struct sockaddr_in *)
		    i->ifa_addr)->sin_addr : f == AF_INET6 ? (void *)
		    &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr : NULL;

		text[0] = 0;
		if (a != NULL)
			inet_ntop(f, a, text, sizeof(text));
		out("ifaddr %s %s %s flags %#x\n", i->ifa_name,
		    f < AF_PACKET + 1 && fam[f] ? fam[f] : "?", text,
		    i->ifa_flags);
	}
	freeifaddrs(ifa);
	hints.ai_family = AF_INET;
	rc = getaddrinfo("10.0.2.2", "80", &hints, &ai);
	out("getaddrinfo AI_ADDRCONFIG inet: %s\n", rc == 0 ? "found" :
	    gai_strerror(rc));
	if (rc == 0)
		freeaddrinfo(ai);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "ifaces") == 0)
		return ifaces();
	ports();
	errors();
	libc();
	return finish();
}
