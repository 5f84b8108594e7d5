/*
 * net.h: the network stack's interface to the shim (TCP and UDP over
 * IPv4 and IPv6, lwIP underneath).  Socket semantics are Linux's; the
 * shim does the user copies, the descriptor and the waiting.
 *
 * Conventions: 0 or a negative errno, never blocks (-EAGAIN where Linux
 * would wait: the caller waits for a readiness change and tries again).
 * Thread context only: the stack is not re-entrant, and the kernel being
 * non-preemptible is what serialises it (the idle loop's net_work runs
 * only while every thread is elsewhere).
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_AF_UNSPEC	0
#define NET_AF_INET	2
#define NET_AF_INET6	10
#define NET_STREAM	1
#define NET_DGRAM	2

/* Readiness bits, Linux's poll values. */
#define NET_POLLIN	0x001
#define NET_POLLOUT	0x004
#define NET_POLLERR	0x008
#define NET_POLLHUP	0x010
#define NET_POLLRDHUP	0x2000

/* recv/send flags, Linux's values. */
#define NET_MSG_PEEK	0x02
#define NET_MSG_TRUNC	0x20

#define NET_SHUT_RD	0
#define NET_SHUT_WR	1
#define NET_SHUT_RDWR	2

/* An endpoint: IPv4 in ip[0..3] (network order), IPv6 in ip[0..15]. */
struct net_addr {
	int family;
	uint16_t port;		/* host order */
	uint8_t ip[16];
	uint32_t scope;
};

struct net_sock;

/*
 * Start the stack (once; later calls return the first result): the
 * loopback interface, and the NIC when the platform has one (DHCP, or
 * the static address "net.ip=A.B.C.D/N,GW" on the kernel command line).
 * Waits up to a few seconds for DHCP.  -ENOMEM without room for the
 * stack's heap.
 */
int net_init(void);
/*
 * The callback that learns of readiness changes: the socket created with
 * owner may now be readable, writable, hung up or in error.  Called from
 * inside net_* calls and net_work.
 */
void net_set_changed(void (*fn)(void *owner, unsigned events));
/* Take in frames, run loopback and timers; returns the monotonic time by
 * which it wants to run again (0: none).  Also the idle loop's work. */
uint64_t net_work(void);

/* Has the stack been started (by a socket)? */
bool net_in_use(void);
/*
 * The guest is ending: let connections finish sending what they hold
 * (data and FINs, up to deadline_ns), as Linux's stack would after the
 * process is gone.  Blocks (thread context).
 */
void net_linger(uint64_t deadline_ns);

/* An interface, for the SIOCGIF* ioctls: index 1 "lo", 2 "eth0". */
#define NET_IFF_UP		0x1
#define NET_IFF_BROADCAST	0x2
#define NET_IFF_LOOPBACK	0x8
#define NET_IFF_RUNNING		0x40
#define NET_IFF_MULTICAST	0x1000

#define NET_IFACE_IP6		3	/* lwIP's LWIP_IPV6_NUM_ADDRESSES */
#define NET_IFACES		2	/* lo and eth0 */

struct net_iface {
	char name[16];
	int index;
	unsigned flags;
	unsigned mtu;
	uint8_t ip4[4], mask4[4];	/* 0.0.0.0 before DHCP */
	uint8_t gw4[4];			/* the default route's; 0.0.0.0: none */
	uint8_t mac[6];			/* zero for lo */
	bool loopback;
	int nip6;			/* valid IPv6 addresses, in ip6[] */
	uint8_t ip6[NET_IFACE_IP6][16];
	uint8_t ip6_prefix[NET_IFACE_IP6];
};
/* The interface with this index (1..): 0, or -ENODEV. */
int net_iface(int index, struct net_iface *out);

/*
 * NETLINK_ROUTE: the answer to the datagram req (len bytes) sent by port
 * id portid, given the interfaces ifs[0..nifs): RTM_GETLINK,
 * RTM_GETADDR and (IPv4) RTM_GETROUTE dumps, RTM_GETLINK of one index,
 * NLMSG_ERROR for the rest.
 * Writes at most cap bytes to out; their number (0: nothing to answer),
 * or -ENOBUFS when the answer does not fit.
 */
long net_nl_answer(const void *req, size_t len, uint32_t portid,
    const struct net_iface *ifs, int nifs, void *out, size_t cap);

/* A socket of family NET_AF_INET/INET6 and type NET_STREAM/NET_DGRAM. */
int net_socket(int family, int type, void *owner, struct net_sock **out);
/* The owner readiness changes are reported for (NULL: none). */
void net_set_owner(struct net_sock *s, void *owner);
/* Two sockets of type connected to each other over loopback. */
int net_pair(int type, struct net_sock **a, struct net_sock **b);
/* Close: a stream with unread data is reset, as Linux does. */
void net_close(struct net_sock *s);
int net_bind(struct net_sock *s, const struct net_addr *a);
int net_listen(struct net_sock *s, int backlog);
/* A pending connection, as a new socket with owner; -EAGAIN if none. */
int net_accept(struct net_sock *s, void *owner, struct net_sock **out,
    struct net_addr *peer);
/*
 * Streams: start connecting (-EINPROGRESS), then net_connect_done tells
 * the outcome (-EINPROGRESS still, 0, or the error).  Datagrams: set
 * (family NET_AF_UNSPEC: clear) the default peer, 0 at once.
 */
int net_connect(struct net_sock *s, const struct net_addr *a);
int net_connect_done(struct net_sock *s);
/* Bytes sent (possibly fewer than len), -EAGAIN, -EPIPE, -ENOTCONN... */
long net_send(struct net_sock *s, const void *buf, size_t len, int flags,
    const struct net_addr *to);
/* Bytes received, 0 at end of stream, -EAGAIN.  Datagrams: one per call,
 * the rest dropped; with NET_MSG_TRUNC the datagram's full length. */
long net_recv(struct net_sock *s, void *buf, size_t len, int flags,
    struct net_addr *from);
/*
 * Datagram tags: the shim's state of one message (its SCM_RIGHTS) goes
 * with the datagram.  net_send_tagged sends as net_send and gives tag to
 * the datagram when the loopback queues it on a socket during the call
 * (*tagged: it did; else the caller keeps tag).  net_recv_tagged also
 * takes the tag of the datagram it returns (NULL: none; a peek only
 * lends it, the datagram keeps it).  A tagged datagram that goes unread
 * (net_recv, a close) hands
 * its tag to the release function.
 */
void net_set_tag_release(void (*fn)(void *tag));
long net_send_tagged(struct net_sock *s, const void *buf, size_t len,
    int flags, const struct net_addr *to, void *tag, bool *tagged);
long net_recv_tagged(struct net_sock *s, void *buf, size_t len, int flags,
    struct net_addr *from, void **tag);
int net_shutdown(struct net_sock *s, int how);
unsigned net_events(struct net_sock *s);
/* Local (peer false) or remote address; -ENOTCONN without a peer. */
int net_name(struct net_sock *s, bool peer, struct net_addr *out);
/* The pending error (SO_ERROR), cleared by reading it. */
int net_take_error(struct net_sock *s);
/* Bytes a stream can take now without waiting (a record's room). */
size_t net_send_space(struct net_sock *s);
/* Bytes waiting to be read (FIONREAD). */
size_t net_readable(struct net_sock *s);
/* Options the stack itself keeps. */
void net_set_reuseaddr(struct net_sock *s, bool on);
void net_set_nodelay(struct net_sock *s, bool on);
bool net_nodelay(struct net_sock *s);
void net_set_keepalive(struct net_sock *s, bool on);
bool net_listening(struct net_sock *s);
int net_type(struct net_sock *s);

/* RFC 1071's sum, not inverted, as lwIP's LWIP_CHKSUM (chksum.c). */
unsigned short net_chksum(const void *data, int len);

#endif
