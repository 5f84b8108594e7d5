/*
 * net/glue.c with real lwIP over its loopback interface, no NIC.
 *
 * TIME_WAIT is bounded (tw_trim): a server that closes its connections
 * first keeps at most NET_TW_MAX of them in TIME_WAIT, the newest; a
 * socket still open in TIME_WAIT (after shutdown(SHUT_WR)) is never freed
 * under it; and connections still work after the trimming.
 *
 * Delayed ACKs go when the CPU is about to idle (net_idle_work), unless
 * the idle work woke a reader, which may answer (and so carry the ACK).
 */

#include "net/internal.h"
#include "lwip/priv/tcp_priv.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

int
plat_net_info(struct plat_net_info *out)
{
	return -ENODEV;
}

int
plat_net_send(const void *frame, size_t len)
{
	return -ENODEV;
}

long
plat_net_recv(void *buf, size_t len)
{
	return -ENODEV;
}

bool
plat_net_tx_done(void)
{
	return true;
}

void
plat_net_set_notify(void (*fn)(void))
{
}

static struct net_addr lo = { .family = NET_AF_INET, .ip = { 127, 0, 0, 1 },
    .port = 7000 };
static struct net_sock *listener;

static int
tw_count(void)
{
	int n = 0;

	for (struct tcp_pcb *p = tcp_tw_pcbs; p != NULL; p = p->next)
		n++;
	return n;
}

/* A connection to the listener: the client end and the accepted one. */
static int
connected(struct net_sock **c, struct net_sock **s)
{
	int rc = net_socket(NET_AF_INET, NET_STREAM, NULL, c);

	if (rc != 0)
		return rc;
	rc = net_connect(*c, &lo);
	for (int i = 0; i < 16 && (rc == 0 || rc == -EINPROGRESS); i++) {
		rc = net_accept(listener, NULL, s, NULL);
		if (rc == 0)
			return net_connect_done(*c);
		rc = net_connect_done(*c);
	}
	return rc == 0 ? -EAGAIN : rc;
}

/* One exchange, the server closing first (it ends in TIME_WAIT). */
static bool
server_closes_first(void)
{
	struct net_sock *c, *s;
	char buf[8];

	if (connected(&c, &s) != 0)
		return false;
	if (net_send(s, "hi", 2, 0, NULL) != 2)
		return false;
	if (net_recv(c, buf, sizeof(buf), 0, NULL) != 2)
		return false;
	net_close(s);
	if (net_recv(c, buf, sizeof(buf), 0, NULL) != 0)	/* its FIN */
		return false;
	net_close(c);
	net_work();
	return true;
}

static void
setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	mock_loglevel = 0;
	CHECK(net_init() == 0);
	CHECK(net_socket(NET_AF_INET, NET_STREAM, NULL, &listener) == 0);
	CHECK(net_bind(listener, &lo) == 0);
	CHECK(net_listen(listener, 64) == 0);
}

/* The pcb of the connection whose local port is port. */
static struct tcp_pcb *
pcb_at(uint16_t port)
{
	for (struct tcp_pcb *p = tcp_active_pcbs; p != NULL; p = p->next)
		if (p->local_port == port)
			return p;
	return NULL;
}

static void
ack_before_idle(void)
{
	struct net_sock *c, *s;
	struct net_addr ca;
	struct tcp_pcb *cp, *sp;
	char buf[8];

	setup();
	CHECK(mock_idle_work != NULL);
	CHECK(connected(&c, &s) == 0);
	CHECK(net_name(c, false, &ca) == 0);
	cp = pcb_at(ca.port);
	CHECK(cp != NULL);
	CHECK(cp->remote_port == lo.port);
	/* One segment: its ACK is delayed (every second one goes at once). */
	CHECK(net_send(c, "one", 3, 0, NULL) == 3);
	net_work();
	CHECK(net_recv(s, buf, sizeof(buf), 0, NULL) == 3);
	for (sp = tcp_active_pcbs; sp != NULL; sp = sp->next)
		if (sp->remote_port == ca.port && sp->local_port == lo.port)
			break;
	CHECK(sp != NULL);
	CHECK(sp->flags & TF_ACK_DELAY);
	CHECK(cp->unacked != NULL);
	/* The idle work: the data came in earlier, nobody is woken now. */
	mock_idle_work();
	CHECK(!(sp->flags & TF_ACK_DELAY));
	net_work();			/* the loopback delivers the ACK */
	CHECK(cp->unacked == NULL);
	/* When the idle work itself brings data in, the ACK waits for the
	 * reader (it may answer).  Sent under the socket layer, so that only
	 * the idle work's poll of the loopback delivers it. */
	CHECK(tcp_write(cp, "two", 3, TCP_WRITE_FLAG_COPY) == ERR_OK);
	CHECK(tcp_output(cp) == ERR_OK);
	mock_idle_work();
	CHECK(sp->flags & TF_ACK_DELAY);
	CHECK(net_recv(s, buf, sizeof(buf), 0, NULL) == 3);
	CHECK(net_send(s, "ans", 3, 0, NULL) == 3);	/* carries it */
	CHECK(!(sp->flags & TF_ACK_DELAY));
	net_close(c);
	net_close(s);
	net_work();
}

static void
tw_bounded(void)
{
	struct net_sock *c, *s;
	char buf[8];
	int ok = 0, held;

	setup();
	for (int i = 0; i < NET_TW_MAX / 2; i++)
		ok += server_closes_first();
	CHECK(ok == NET_TW_MAX / 2);
	CHECK(tw_count() == NET_TW_MAX / 2);	/* below the bound: all */
	/* A socket open in TIME_WAIT: shut for writing, the peer's FIN in. */
	CHECK(connected(&c, &s) == 0);
	CHECK(net_shutdown(s, NET_SHUT_WR) == 0);
	net_work();
	CHECK(net_recv(c, buf, sizeof(buf), 0, NULL) == 0);
	net_close(c);
	net_work();
	CHECK(net_recv(s, buf, sizeof(buf), 0, NULL) == 0);
	held = 0;
	for (struct tcp_pcb *p = tcp_tw_pcbs; p != NULL; p = p->next)
		held += p->callback_arg != NULL;
	CHECK(held == 1);
	for (int i = 0; i < 3 * NET_TW_MAX; i++)
		ok += server_closes_first();
	CHECK(ok == NET_TW_MAX / 2 + 3 * NET_TW_MAX);
	/* The bound, plus the one the open socket holds. */
	CHECK(tw_count() == NET_TW_MAX + 1);
	held = 0;
	for (struct tcp_pcb *p = tcp_tw_pcbs; p != NULL; p = p->next)
		held += p->callback_arg != NULL;
	CHECK(held == 1);
	net_close(s);
	net_work();
	CHECK(server_closes_first());
	CHECK(tw_count() == NET_TW_MAX);
}

int
main(void)
{
	harness_begin("net_lwip");
	RUN(ack_before_idle);
	RUN(tw_bounded);
	return harness_done();
}
