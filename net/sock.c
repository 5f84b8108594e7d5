/*
 * Sockets on lwIP's raw API: TCP streams and UDP datagrams with Linux's
 * semantics, never blocking (the shim waits).  lwIP calls back into this
 * file when data, acknowledgements, connections or errors arrive; each
 * callback records the change and reports it through the changed hook.
 *
 * Received data waits in a queue of pbuf chains (one per lwIP delivery:
 * a chain's tot_len is 16 bits, a 256 KiB window is not).  A stream is
 * read from rx_off into the first chain, and the window opens
 * (tcp_recved) as the reader consumes; a datagram socket keeps one
 * chain per datagram, with its sender.  A listening
 * socket keeps accepted-but-not-yet-taken connections as sockets.
 */
#include "net/internal.h"

#include "lwip/mem.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#define DGRAM_QUEUE_MAX	(256 * 1024)	/* bytes queued per UDP socket */
#define DGRAM_MAX	65507		/* IPv4's largest UDP payload */

struct dgram {
	struct dgram *next;
	struct pbuf *p;
	ip_addr_t from;
	uint16_t port;
	void *tag;		/* net_send_tagged's, NULL: none */
};

/* The datagram net_send_tagged is sending: the tag goes to it when the
 * loopback delivers it (within the call). */
static struct {
	struct net_sock *src;
	size_t len;
	void *tag;
	bool *tagged;
} pend;
static void (*tag_release)(void *tag);

struct net_sock {
	int family, type;
	void *owner;
	struct tcp_pcb *tcp;
	struct udp_pcb *udp;
	/* streams */
	uint16_t rx_off;
	bool eof, shut_rd, shut_wr, connecting, connected, listening;
	bool reuse, nodelay, keepalive;
	int err;			/* pending error, SO_ERROR */
	struct net_sock *pending;	/* listener: accepted, not taken */
	struct net_sock *next_pending;
	int npending, backlog;
	/* received data, both kinds */
	struct dgram *dq, *dq_tail;
	size_t dq_bytes;
	bool has_peer;
};

static void (*changed)(void *owner, unsigned events);

void
net_set_changed(void (*fn)(void *owner, unsigned events))
{
	changed = fn;
}

bool net_told;		/* a socket changed since net_idle_work looked */

static void
tell(struct net_sock *s, unsigned events)
{
	net_told = true;
	if (changed != NULL && s->owner != NULL)
		changed(s->owner, events);
}

int
net_errno(err_t e)
{
	switch (e) {
	case ERR_OK:		return 0;
	case ERR_MEM:		return -ENOBUFS;
	case ERR_BUF:		return -ENOBUFS;
	case ERR_TIMEOUT:	return -ETIMEDOUT;
	case ERR_RTE:		return -ENETUNREACH;
	case ERR_INPROGRESS:	return -EINPROGRESS;
	case ERR_VAL:		return -EINVAL;
	case ERR_WOULDBLOCK:	return -EAGAIN;
	case ERR_USE:		return -EADDRINUSE;
	case ERR_ALREADY:	return -EALREADY;
	case ERR_ISCONN:	return -EISCONN;
	case ERR_CONN:		return -ENOTCONN;
	case ERR_IF:		return -EIO;
	case ERR_ABRT:		return -ECONNABORTED;
	case ERR_RST:		return -ECONNRESET;
	case ERR_CLSD:		return -ENOTCONN;
	default:		return -EIO;
	}
}

static struct net_sock *
sock_new(int family, int type, void *owner)
{
	struct net_sock *s = mem_malloc(sizeof(*s));

	if (s == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->family = family;
	s->type = type;
	s->owner = owner;
	return s;
}

static int
enqueue(struct net_sock *s, struct pbuf *p, const ip_addr_t *from,
    uint16_t port)
{
	struct dgram *d = mem_malloc(sizeof(*d));

	if (d == NULL)
		return -ENOBUFS;
	d->next = NULL;
	d->p = p;
	d->tag = NULL;
	if (from != NULL)
		ip_addr_copy(d->from, *from);
	d->port = port;
	if (s->dq_tail != NULL)
		s->dq_tail->next = d;
	else
		s->dq = d;
	s->dq_tail = d;
	s->dq_bytes += p->tot_len;
	return 0;
}

static void
dequeue(struct net_sock *s)
{
	struct dgram *d = s->dq;

	s->dq = d->next;
	if (s->dq == NULL)
		s->dq_tail = NULL;
	s->dq_bytes -= d->p->tot_len;
	pbuf_free(d->p);
	if (d->tag != NULL && tag_release != NULL)
		tag_release(d->tag);	/* dropped unread */
	mem_free(d);
}

/* ---- TCP callbacks ---- */

static err_t
tcp_recv_cb(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct net_sock *s = arg;

	if (p == NULL) {
		s->eof = true;
		tell(s, NET_POLLIN | NET_POLLRDHUP);
		return ERR_OK;
	}
	if (s->shut_rd) {		/* Linux discards it too */
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	if (enqueue(s, p, NULL, 0) != 0)
		return ERR_MEM;		/* lwIP keeps p and retries */
	tell(s, NET_POLLIN);
	return ERR_OK;
}

static err_t
tcp_sent_cb(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	tell(arg, NET_POLLOUT);
	return ERR_OK;
}

/* The pcb is already gone when lwIP reports an error. */
static void
tcp_err_cb(void *arg, err_t err)
{
	struct net_sock *s = arg;

	s->tcp = NULL;
	if (s->connecting && (err == ERR_RST || err == ERR_ABRT))
		s->err = -ECONNREFUSED;
	else
		s->err = net_errno(err);
	s->connecting = false;
	s->eof = true;
	tell(s, NET_POLLIN | NET_POLLOUT | NET_POLLERR | NET_POLLHUP);
}

static void
tcp_hook(struct net_sock *s, struct tcp_pcb *pcb)
{
	s->tcp = pcb;
	tcp_arg(pcb, s);
	tcp_recv(pcb, tcp_recv_cb);
	tcp_sent(pcb, tcp_sent_cb);
	tcp_err(pcb, tcp_err_cb);
}

static err_t
tcp_connected_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_sock *s = arg;

	s->connecting = false;
	s->connected = true;
	tell(s, NET_POLLOUT);
	return ERR_OK;
}

static err_t
tcp_accept_cb(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_sock *l = arg, *c, **tail;

	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	if (l->npending >= l->backlog || (c = sock_new(l->family, NET_STREAM,
	    NULL)) == NULL) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	tcp_hook(c, pcb);
	c->connected = true;
	if (l->nodelay)
		tcp_nagle_disable(pcb);
	for (tail = &l->pending; *tail != NULL; tail = &(*tail)->next_pending)
		;
	*tail = c;
	l->npending++;
	tell(l, NET_POLLIN);
	return ERR_OK;
}

/* ---- UDP ---- */

static void
udp_recv_cb(void *arg, struct udp_pcb *pcb, struct pbuf *p,
    const ip_addr_t *addr, u16_t port)
{
	struct net_sock *s = arg;

	/* A full queue drops, as Linux does. */
	if (s->dq_bytes + p->tot_len > DGRAM_QUEUE_MAX ||
	    enqueue(s, p, addr, port) != 0) {
		pbuf_free(p);
		return;
	}
	if (pend.tag != NULL && pend.src->udp != NULL &&
	    port == pend.src->udp->local_port && p->tot_len == pend.len) {
		s->dq_tail->tag = pend.tag;
		*pend.tagged = true;
		pend.tag = NULL;
	}
	tell(s, NET_POLLIN);
}

/* ---- The interface ---- */

int
net_socket(int family, int type, void *owner, struct net_sock **out)
{
	u8_t iptype = family == NET_AF_INET ? IPADDR_TYPE_V4 :
	    IPADDR_TYPE_ANY;
	struct net_sock *s;
	int rc;

	if (family != NET_AF_INET && family != NET_AF_INET6)
		return -EAFNOSUPPORT;
	if (type != NET_STREAM && type != NET_DGRAM)
		return -ESOCKTNOSUPPORT;
	if ((rc = net_init()) != 0)
		return rc;
	net_work();
	if ((s = sock_new(family, type, owner)) == NULL)
		return -ENOBUFS;
	if (type == NET_STREAM) {
		struct tcp_pcb *pcb = tcp_new_ip_type(iptype);

		if (pcb == NULL) {
			mem_free(s);
			return -ENOBUFS;
		}
		tcp_hook(s, pcb);
	} else {
		s->udp = udp_new_ip_type(iptype);
		if (s->udp == NULL) {
			mem_free(s);
			return -ENOBUFS;
		}
		udp_recv(s->udp, udp_recv_cb, s);
	}
	*out = s;
	return 0;
}

static void
drop_rx(struct net_sock *s)
{
	while (s->dq != NULL)
		dequeue(s);
	s->rx_off = 0;
}

static void
tcp_unhook(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	if (pcb->state == LISTEN) {
		tcp_accept(pcb, NULL);
		return;
	}
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

void
net_close(struct net_sock *s)
{
	while (s->pending != NULL) {
		struct net_sock *c = s->pending;

		s->pending = c->next_pending;
		c->owner = NULL;
		net_close(c);
	}
	if (s->tcp != NULL) {
		struct tcp_pcb *pcb = s->tcp;
		bool unread = s->dq != NULL;

		tcp_unhook(pcb);
		/* RFC 2525 2.17 (and Linux): unread data means a reset. */
		if (unread || tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
		s->tcp = NULL;
	}
	if (s->udp != NULL)
		udp_remove(s->udp);
	drop_rx(s);
	mem_free(s);
	net_work();
}

int
net_bind(struct net_sock *s, const struct net_addr *a)
{
	ip_addr_t ip;
	int rc;

	net_work();
	if ((rc = net_addr_to_ip(a, s->family, &ip)) != 0)
		return rc;
	if (s->type == NET_STREAM) {
		if (s->tcp == NULL)
			return -EINVAL;
		if (s->tcp->local_port != 0 || s->tcp->state != CLOSED)
			return -EINVAL;
		if (s->reuse)
			ip_set_option(s->tcp, SOF_REUSEADDR);
		return net_errno(tcp_bind(s->tcp, &ip, a->port));
	}
	if (s->udp->local_port != 0)
		return -EINVAL;
	if (s->reuse)
		ip_set_option(s->udp, SOF_REUSEADDR);
	return net_errno(udp_bind(s->udp, &ip, a->port));
}

int
net_listen(struct net_sock *s, int backlog)
{
	struct tcp_pcb *l;
	err_t e = ERR_OK;

	if (s->type != NET_STREAM)
		return -EOPNOTSUPP;
	if (backlog < 1)
		backlog = 1;
	if (backlog > 4096)
		backlog = 4096;
	if (s->listening) {
		s->backlog = backlog;
		return 0;
	}
	if (s->tcp == NULL || s->tcp->state != CLOSED || s->connecting)
		return -EINVAL;
	if (s->tcp->local_port == 0) {
		if (s->reuse)
			ip_set_option(s->tcp, SOF_REUSEADDR);
		e = tcp_bind(s->tcp, IP_ANY_TYPE, 0);
		if (e != ERR_OK)
			return net_errno(e);
	}
	l = tcp_listen_with_backlog_and_err(s->tcp, 255, &e);
	if (l == NULL)
		return net_errno(e);
	s->tcp = l;
	s->listening = true;
	s->backlog = backlog;
	tcp_arg(l, s);
	tcp_accept(l, tcp_accept_cb);
	return 0;
}

int
net_accept(struct net_sock *s, void *owner, struct net_sock **out,
    struct net_addr *peer)
{
	struct net_sock *c;

	net_work();
	if (!s->listening)
		return -EINVAL;
	if ((c = s->pending) == NULL)
		return -EAGAIN;
	s->pending = c->next_pending;
	s->npending--;
	c->next_pending = NULL;
	c->owner = owner;
	if (peer != NULL) {
		if (c->tcp != NULL)
			net_ip_to_addr(&c->tcp->remote_ip, c->tcp->remote_port,
			    c->family, peer);
		else
			net_ip_to_addr(NULL, 0, c->family, peer);
	}
	*out = c;
	return 0;
}

static int
udp_connect_to(struct net_sock *s, const struct net_addr *a)
{
	ip_addr_t ip;
	int rc;

	if (a->family == NET_AF_UNSPEC) {
		udp_disconnect(s->udp);
		s->has_peer = false;
		return 0;
	}
	if ((rc = net_addr_to_ip(a, s->family, &ip)) != 0)
		return rc;
	if ((rc = net_errno(udp_connect(s->udp, &ip, a->port))) == 0)
		s->has_peer = true;
	return rc;
}

int
net_connect(struct net_sock *s, const struct net_addr *a)
{
	ip_addr_t ip;
	int rc;

	net_work();
	if (s->type == NET_DGRAM)
		return udp_connect_to(s, a);
	if (s->listening)
		return -EISCONN;
	if (s->connected)
		return -EISCONN;
	if (s->connecting)
		return -EALREADY;
	if (s->tcp == NULL)
		return s->err != 0 ? net_take_error(s) : -EINVAL;
	if ((rc = net_addr_to_ip(a, s->family, &ip)) != 0)
		return rc;
	if (a->port == 0)
		return -ECONNREFUSED;
	if (s->nodelay)
		tcp_nagle_disable(s->tcp);
	rc = net_errno(tcp_connect(s->tcp, &ip, a->port, tcp_connected_cb));
	if (rc != 0)
		return rc;
	s->connecting = true;
	net_work();
	return s->connected ? 0 : -EINPROGRESS;
}

int
net_connect_done(struct net_sock *s)
{
	net_work();
	if (s->connecting)
		return -EINPROGRESS;
	if (s->connected)
		return 0;
	return s->err != 0 ? net_take_error(s) : -ECONNREFUSED;
}

static long
tcp_send_some(struct net_sock *s, const void *buf, size_t len)
{
	size_t room, n;
	err_t e;

	if (s->err != 0)
		return net_take_error(s);
	if (s->shut_wr || (s->tcp == NULL && s->connected))
		return -EPIPE;
	if (!s->connected || s->tcp == NULL)
		return -ENOTCONN;
	room = tcp_sndbuf(s->tcp);
	if (room == 0 || tcp_sndqueuelen(s->tcp) >= TCP_SND_QUEUELEN - 1)
		return -EAGAIN;
	n = len < room ? len : room;
	if (n > 0xffff)
		n = 0xffff;		/* tcp_write takes a u16_t */
	e = tcp_write(s->tcp, buf, (u16_t)n, TCP_WRITE_FLAG_COPY);
	if (e == ERR_MEM)
		return -EAGAIN;
	if (e != ERR_OK)
		return net_errno(e);
	tcp_output(s->tcp);
	return (long)n;
}

static long
udp_send_to(struct net_sock *s, const void *buf, size_t len,
    const struct net_addr *to)
{
	struct pbuf *p;
	ip_addr_t ip;
	err_t e;
	int rc;

	if (len > DGRAM_MAX)
		return -EMSGSIZE;
	if (to == NULL && !s->has_peer)
		return -EDESTADDRREQ;
	if (to != NULL && (rc = net_addr_to_ip(to, s->family, &ip)) != 0)
		return rc;
	if (to != NULL && to->port == 0)
		return -EINVAL;
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (p == NULL)
		return -ENOBUFS;
	if (len > 0)
		pbuf_take(p, buf, (u16_t)len);
	e = to != NULL ? udp_sendto(s->udp, p, &ip, to->port) :
	    udp_send(s->udp, p);
	pbuf_free(p);
	if (e != ERR_OK)
		return net_errno(e);
	return (long)len;
}

long
net_send(struct net_sock *s, const void *buf, size_t len, int flags,
    const struct net_addr *to)
{
	long n;

	net_work();
	if (s->type == NET_STREAM)
		n = tcp_send_some(s, buf, len);
	else
		n = udp_send_to(s, buf, len, to);
	net_work();
	return n;
}

/* Copy up to len stream bytes; consume them unless peeking. */
static long
tcp_take(struct net_sock *s, uint8_t *buf, size_t len, bool peek)
{
	struct dgram *d = s->dq;
	size_t done = 0, off = s->rx_off;

	while (d != NULL && done < len) {
		size_t avail = d->p->tot_len - off;
		size_t n = len - done < avail ? len - done : avail;

		pbuf_copy_partial(d->p, buf + done, (u16_t)n, (u16_t)off);
		done += n;
		off += n;
		if (off < d->p->tot_len)
			break;
		d = d->next;
		off = 0;
		if (!peek) {
			dequeue(s);
			s->rx_off = 0;
		}
	}
	if (peek)
		return (long)done;
	s->rx_off = (uint16_t)off;
	/* tcp_recved takes at most 64 KiB - 1 at a time. */
	for (size_t left = done; s->tcp != NULL && left > 0; ) {
		u16_t step = left > 0xffff ? 0xffff : (u16_t)left;

		tcp_recved(s->tcp, step);
		left -= step;
	}
	return (long)done;
}

static long
tcp_recv_some(struct net_sock *s, void *buf, size_t len, int flags)
{
	if (s->listening)
		return -ENOTCONN;
	if (s->dq != NULL && len > 0)
		return tcp_take(s, buf, len, flags & NET_MSG_PEEK);
	if (s->dq != NULL)
		return 0;		/* a zero-length read */
	if (s->err != 0 && s->err != -ECONNREFUSED)
		return net_take_error(s);
	if (s->eof || s->shut_rd)
		return 0;
	if (!s->connected && !s->connecting)
		return -ENOTCONN;
	return -EAGAIN;
}

static long
udp_recv_one(struct net_sock *s, void *buf, size_t len, int flags,
    struct net_addr *from, void **tag)
{
	struct dgram *d = s->dq;
	size_t full, n;

	if (d == NULL)
		return -EAGAIN;
	full = d->p->tot_len;
	n = len < full ? len : full;
	pbuf_copy_partial(d->p, buf, (u16_t)n, 0);
	if (from != NULL)
		net_ip_to_addr(&d->from, d->port, s->family, from);
	if (tag != NULL) {
		*tag = d->tag;
		if (!(flags & NET_MSG_PEEK))
			d->tag = NULL;	/* else lent: the datagram keeps it */
	}
	if (!(flags & NET_MSG_PEEK))
		dequeue(s);
	return (long)((flags & NET_MSG_TRUNC) ? full : n);
}

void
net_set_tag_release(void (*fn)(void *tag))
{
	tag_release = fn;
}

long
net_send_tagged(struct net_sock *s, const void *buf, size_t len, int flags,
    const struct net_addr *to, void *tag, bool *tagged)
{
	long n;

	*tagged = false;
	if (s->type != NET_DGRAM)
		return -EINVAL;
	pend.src = s;
	pend.len = len;
	pend.tag = tag;
	pend.tagged = tagged;
	n = net_send(s, buf, len, flags, to);
	pend.tag = NULL;
	return n;
}

long
net_recv_tagged(struct net_sock *s, void *buf, size_t len, int flags,
    struct net_addr *from, void **tag)
{
	*tag = NULL;
	if (s->type != NET_DGRAM)
		return net_recv(s, buf, len, flags, from);
	net_work();
	return udp_recv_one(s, buf, len, flags, from, tag);
}

long
net_recv(struct net_sock *s, void *buf, size_t len, int flags,
    struct net_addr *from)
{
	long n;

	net_work();
	if (s->type == NET_DGRAM)
		return udp_recv_one(s, buf, len, flags, from, NULL);
	n = tcp_recv_some(s, buf, len, flags);
	if (n > 0 && from != NULL && s->tcp != NULL)
		net_ip_to_addr(&s->tcp->remote_ip, s->tcp->remote_port,
		    s->family, from);
	net_work();		/* window updates go out now */
	return n;
}

int
net_shutdown(struct net_sock *s, int how)
{
	net_work();
	if (how < NET_SHUT_RD || how > NET_SHUT_RDWR)
		return -EINVAL;
	if (s->type == NET_DGRAM) {
		if (!s->has_peer)
			return -ENOTCONN;
		s->shut_rd |= how != NET_SHUT_WR;
		s->shut_wr |= how != NET_SHUT_RD;
		tell(s, NET_POLLIN | NET_POLLOUT);
		return 0;
	}
	if (s->listening) {
		/* Linux: shutting down a listener stops it accepting. */
		s->eof = true;
		tell(s, NET_POLLIN);
		return 0;
	}
	if (!s->connected)
		return -ENOTCONN;
	if (how != NET_SHUT_WR)
		s->shut_rd = true;
	if (how != NET_SHUT_RD && !s->shut_wr) {
		s->shut_wr = true;
		if (s->tcp != NULL)
			tcp_shutdown(s->tcp, 0, 1);
	}
	tell(s, NET_POLLIN | NET_POLLOUT);
	net_work();
	return 0;
}

unsigned
net_events(struct net_sock *s)
{
	unsigned ev = 0;

	net_work();
	if (s->type == NET_DGRAM) {
		if (s->dq != NULL || s->shut_rd)
			ev |= NET_POLLIN;
		return ev | NET_POLLOUT;
	}
	if (s->listening)
		return s->pending != NULL || s->eof ? NET_POLLIN : 0;
	if (s->dq != NULL || s->eof || s->shut_rd)
		ev |= NET_POLLIN;
	if (s->eof)
		ev |= NET_POLLRDHUP;
	if (s->err != 0)
		ev |= NET_POLLERR;
	if (s->tcp == NULL && (s->connected || s->err != 0))
		ev |= NET_POLLHUP | NET_POLLOUT;
	else if (s->eof && s->shut_wr)
		ev |= NET_POLLHUP;
	if (s->connected && s->tcp != NULL && !s->shut_wr &&
	    tcp_sndbuf(s->tcp) > 0)
		ev |= NET_POLLOUT;
	if (s->shut_wr)
		ev |= NET_POLLOUT;
	if (!s->connected && !s->connecting && s->err == 0)
		ev |= NET_POLLOUT | NET_POLLHUP;	/* never connected */
	return ev;
}

int
net_name(struct net_sock *s, bool peer, struct net_addr *out)
{
	if (s->type == NET_STREAM && s->tcp != NULL) {
		if (peer && !s->connected)
			return -ENOTCONN;
		if (peer)
			net_ip_to_addr(&s->tcp->remote_ip, s->tcp->remote_port,
			    s->family, out);
		else
			net_ip_to_addr(&s->tcp->local_ip, s->tcp->local_port,
			    s->family, out);
		return 0;
	}
	if (s->type == NET_DGRAM) {
		if (peer && !s->has_peer)
			return -ENOTCONN;
		if (peer)
			net_ip_to_addr(&s->udp->remote_ip, s->udp->remote_port,
			    s->family, out);
		else
			net_ip_to_addr(&s->udp->local_ip, s->udp->local_port,
			    s->family, out);
		return 0;
	}
	if (peer)
		return -ENOTCONN;
	net_ip_to_addr(NULL, 0, s->family, out);
	return 0;
}

int
net_take_error(struct net_sock *s)
{
	int e = s->err;

	s->err = 0;
	return e;
}

size_t
net_send_space(struct net_sock *s)
{
	net_work();
	/* snd_buf itself: tcp_sndbuf caps it at 64 KiB - 1. */
	return s->type == NET_STREAM && s->tcp != NULL ?
	    (size_t)s->tcp->snd_buf : 0;
}

size_t
net_readable(struct net_sock *s)
{
	net_work();
	if (s->type == NET_DGRAM)
		return s->dq != NULL ? s->dq->p->tot_len : 0;
	return s->dq_bytes - s->rx_off;
}

void
net_set_owner(struct net_sock *s, void *owner)
{
	s->owner = owner;
}

void
net_set_reuseaddr(struct net_sock *s, bool on)
{
	s->reuse = on;
}

void
net_set_nodelay(struct net_sock *s, bool on)
{
	s->nodelay = on;
	if (s->tcp != NULL && on)
		tcp_nagle_disable(s->tcp);
	else if (s->tcp != NULL)
		tcp_nagle_enable(s->tcp);
}

bool
net_nodelay(struct net_sock *s)
{
	return s->nodelay;
}

void
net_set_keepalive(struct net_sock *s, bool on)
{
	s->keepalive = on;
	if (s->tcp == NULL)
		return;
	if (on)
		ip_set_option(s->tcp, SOF_KEEPALIVE);
	else
		ip_reset_option(s->tcp, SOF_KEEPALIVE);
}

bool
net_listening(struct net_sock *s)
{
	return s->listening;
}

int
net_type(struct net_sock *s)
{
	return s->type;
}

/*
 * Two connected sockets over the loopback interface (TCP for streams,
 * UDP for datagrams): what the shim's socketpair(AF_UNIX) stands on.
 * The handshake runs to its end here (loopback frames are delivered by
 * net_work), so both are connected on return.
 */
int
net_pair(int type, struct net_sock **a, struct net_sock **b)
{
	struct net_addr lo = { .family = NET_AF_INET, .ip = { 127, 0, 0, 1 } };
	struct net_sock *l = NULL, *x = NULL, *y = NULL;
	struct net_addr at;
	int rc;

	if ((rc = net_socket(NET_AF_INET, type, NULL, &x)) != 0)
		return rc;
	if (type == NET_DGRAM) {
		if ((rc = net_socket(NET_AF_INET, type, NULL, &y)) != 0 ||
		    (rc = net_bind(x, &lo)) != 0 ||
		    (rc = net_bind(y, &lo)) != 0)
			goto fail;
		net_name(y, false, &at);
		if ((rc = net_connect(x, &at)) != 0)
			goto fail;
		net_name(x, false, &at);
		if ((rc = net_connect(y, &at)) != 0)
			goto fail;
	} else {
		if ((rc = net_socket(NET_AF_INET, type, NULL, &l)) != 0 ||
		    (rc = net_bind(l, &lo)) != 0 ||
		    (rc = net_listen(l, 1)) != 0)
			goto fail;
		net_name(l, false, &at);
		rc = net_connect(x, &at);
		for (int i = 0; i < 8 && (rc == -EINPROGRESS || rc == 0); i++) {
			rc = net_accept(l, NULL, &y, NULL);
			if (rc == 0)
				break;
			rc = net_connect_done(x);
		}
		net_close(l);
		l = NULL;
		if (rc == 0)
			rc = net_connect_done(x);
		if (rc != 0)
			goto fail;
	}
	*a = x;
	*b = y;
	return 0;
fail:
	if (l != NULL)
		net_close(l);
	if (y != NULL)
		net_close(y);
	if (x != NULL)
		net_close(x);
	return rc == -EINPROGRESS || rc == -EAGAIN ? -ENOBUFS : rc;
}
