/*
 * TIME_WAIT is bounded (net/glue.c, tw_trim): a server that closes its
 * connections first keeps at most NET_TW_MAX of them in TIME_WAIT, the
 * newest; a socket still open in TIME_WAIT (after shutdown(SHUT_WR)) is
 * never freed under it; and connections still work after the trimming.
 * Real lwIP over its loopback interface, no NIC.
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
	mock_loglevel = 0;
	CHECK(net_init() == 0);
	CHECK(net_socket(NET_AF_INET, NET_STREAM, NULL, &listener) == 0);
	CHECK(net_bind(listener, &lo) == 0);
	CHECK(net_listen(listener, 64) == 0);
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
	harness_begin("net_tw");
	RUN(tw_bounded);
	return harness_done();
}
