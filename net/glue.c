/*
 * lwIP glue: the stack's heap, its clock, the loopback and NIC
 * interfaces, and net_work, which feeds received frames to lwIP and
 * runs its timers.  lwIP runs with NO_SYS=1: nothing here blocks except
 * net_init's wait for DHCP.
 *
 * A received frame moves once: plat_net_recv copies it out of the
 * platform's shared bounce buffer straight into a private pbuf, which
 * ethernet_input then parses.  A frame to send is one pbuf
 * (LWIP_NETIF_TX_SINGLE_PBUF) handed to plat_net_send, which copies it
 * into a bounce buffer.
 */
#include "net/internal.h"

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/nd6.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define HEAP_ORDER	11		/* 8 MiB: MEM_SIZE */
#define RX_BURST	128		/* frames per net_work */
#define TX_SPIN_NS	2000000ull	/* wait for a transmit buffer */
#define DHCP_WAIT_NS	5000000000ull
#define LINGER_POLL_NS	1000000ull

/* mem.c uses MEM_SIZE plus two headers and an alignment slack. */
_Static_assert(MEM_SIZE + 256 <= (PAGE_SIZE << HEAP_ORDER), "heap order");

unsigned char *net_heap;
static struct netif nic;
static bool nic_up;
static int init_rc = 1;			/* 1: not tried yet */
static uint32_t rx_word;		/* bumped by the NIC interrupt */
static uint64_t net_idle_work(void);

u32_t
sys_now(void)
{
	return (u32_t)(plat_now_ns() / 1000000);
}

uint32_t
net_rand(void)
{
	uint32_t v = 0;

	plat_crng_fill(&v, sizeof(v));
	return v;
}

void
net_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvlog(fmt, ap);
	va_end(ap);
}

int
atoi(const char *s)
{
	int v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

static err_t
nic_linkoutput(struct netif *n, struct pbuf *p)
{
	uint64_t until = 0;
	int rc;

	if (p->len != p->tot_len)
		return ERR_BUF;		/* TX_SINGLE_PBUF promises one */
	/* Every transmit buffer busy: the device drains them quickly. */
	while ((rc = plat_net_send(p->payload, p->len)) == -EAGAIN) {
		if (until == 0)
			until = plat_now_ns() + TX_SPIN_NS;
		else if (plat_now_ns() > until)
			return ERR_MEM;	/* dropped: TCP retransmits */
		__asm__ volatile("pause");
	}
	return rc == 0 ? ERR_OK : ERR_IF;
}

static err_t
nic_netif_init(struct netif *n)
{
	struct plat_net_info info;

	if (plat_net_info(&info) != 0)
		return ERR_IF;
	n->name[0] = 'e';
	n->name[1] = 'n';
	n->mtu = info.mtu;
	n->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(n->hwaddr, info.mac, ETH_HWADDR_LEN);
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
	    NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
	n->output = etharp_output;
	n->output_ip6 = ethip6_output;
	n->linkoutput = nic_linkoutput;
	return ERR_OK;
}

static void
nic_rx_notify(void)
{
	rx_word++;
	plat_wake(&rx_word, 1);
}

/* "net.ip=A.B.C.D/N,GW" on the kernel command line. */
static bool
static_config(ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
	char buf[64];
	const char *c = net_cmdline_value("net.ip=", buf, sizeof(buf));
	char *slash, *comma;
	int bits;

	if (c == NULL)
		return false;
	slash = strchr(buf, '/');
	comma = strchr(buf, ',');
	if (slash == NULL || comma == NULL || comma < slash) {
		klog_always("net: net.ip= wants A.B.C.D/N,GW; using DHCP");
		return false;
	}
	*slash = *comma = '\0';
	bits = atoi(slash + 1);
	if (!ip4addr_aton(buf, ip) || !ip4addr_aton(comma + 1, gw) ||
	    bits < 1 || bits > 32) {
		klog_always("net: bad net.ip=; using DHCP");
		return false;
	}
	ip4_addr_set_u32(mask, lwip_htonl(0xffffffffu << (32 - bits)));
	return true;
}

static void
nic_start(void)
{
	ip4_addr_t ip, mask, gw;
	bool fixed = static_config(&ip, &mask, &gw);

	if (!fixed)
		ip4_addr_set_zero(&ip), ip4_addr_set_zero(&mask),
		    ip4_addr_set_zero(&gw);
	if (netif_add(&nic, &ip, &mask, &gw, NULL, nic_netif_init,
	    ethernet_input) == NULL)
		return;
	netif_set_default(&nic);
	netif_create_ip6_linklocal_address(&nic, 1);
	nic.ip6_autoconfig_enabled = 1;
	netif_set_up(&nic);
	netif_set_link_up(&nic);
	plat_net_set_notify(nic_rx_notify);
	nic_up = true;
	if (!fixed)
		dhcp_start(&nic);
}

/* Wait (a thread may) until DHCP has an address or time runs out. */
static void
dhcp_wait(void)
{
	uint64_t until = plat_now_ns() + DHCP_WAIT_NS;

	while (!dhcp_supplied_address(&nic) && plat_now_ns() < until) {
		uint64_t next = net_work(), seen = rx_word;

		if (next == 0 || next > until)
			next = until;
		plat_block(&rx_word, (uint32_t)seen, next);
	}
	if (dhcp_supplied_address(&nic))
		klog("net: %s by DHCP", ip4addr_ntoa(netif_ip4_addr(&nic)));
	else
		klog_always("net: no DHCP answer yet; IPv4 waits for it");
}

int
net_init(void)
{
	struct plat_net_info info;

	if (init_rc != 1)
		return init_rc;
	net_heap = plat_pages_alloc(HEAP_ORDER);
	if (net_heap == NULL) {
		klog_always("net: no memory for the stack's %u MiB heap",
		    (unsigned)(MEM_SIZE >> 20));
		return init_rc = -ENOMEM;
	}
	lwip_init();		/* brings up the loopback interface too */
	init_rc = 0;		/* net_work may run from here on */
	if (plat_net_info(&info) == 0) {
		nic_start();
		if (nic_up && !ip4_addr_isany_val(*netif_ip4_addr(&nic)))
			klog("net: %s (static)",
			    ip4addr_ntoa(netif_ip4_addr(&nic)));
		else if (nic_up)
			dhcp_wait();
	}
	plat_idle_set_work(net_idle_work);
	return 0;
}

const char *
net_cmdline_value(const char *key, char *buf, size_t size)
{
	const char *c = plat_cmdline();
	size_t kl = strlen(key), n = 0;

	for (; *c != '\0'; c++) {
		if ((c == plat_cmdline() || c[-1] == ' ') &&
		    strncmp(c, key, kl) == 0)
			break;
		if (c[0] == '-' && c[1] == '-' && (c[2] == ' ' || !c[2]))
			return NULL;	/* the guest's words follow */
	}
	if (*c == '\0' || size == 0)
		return NULL;
	for (c += kl; *c != '\0' && *c != ' ' && n + 1 < size; c++)
		buf[n++] = *c;
	buf[n] = '\0';
	return buf;
}

/*
 * A SYN that meets a connection in TIME_WAIT reopens it, as RFC 1122
 * 4.2.2.13 allows and Linux does (tcp_timewait_state_process): when the
 * SYN's sequence number is past everything the old connection received,
 * the TIME_WAIT pcb goes and lwIP's listener takes the SYN.  lwIP alone
 * answers such a SYN with an ACK, and a peer that reuses its port (QEMU's
 * hostfwd passes the host client's port through) waits out TIME_WAIT: at
 * a few hundred connections a second that was most of them.  IPv4 only,
 * read from the frame before lwIP sees it; anything that is not a plain
 * IPv4 TCP SYN is left alone.
 */
static void
tw_reopen(const uint8_t *f, long n)
{
	const uint8_t *ip = f + 14, *th;
	ip_addr_t src, dst;
	uint16_t sport, dport;
	uint32_t seq;
	long ihl;

	/* Ethernet II, IPv4 (RFC 791), first fragment and unfragmented. */
	if (n < 14 + 20 || f[12] != 0x08 || f[13] != 0x00 ||
	    (ip[0] >> 4) != 4 || ip[9] != 6 ||
	    ((ip[6] & 0x3f) | ip[7]) != 0)
		return;
	ihl = (long)(ip[0] & 0xf) * 4;
	if (ihl < 20 || n < 14 + ihl + 20)
		return;
	th = ip + ihl;
	/* RFC 793 3.1: SYN without ACK or RST. */
	if ((th[13] & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN)
		return;
	sport = (uint16_t)(th[0] << 8 | th[1]);
	dport = (uint16_t)(th[2] << 8 | th[3]);
	seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 |
	    (uint32_t)th[6] << 8 | th[7];
	IP_ADDR4(&src, ip[12], ip[13], ip[14], ip[15]);
	IP_ADDR4(&dst, ip[16], ip[17], ip[18], ip[19]);
	for (struct tcp_pcb *p = tcp_tw_pcbs; p != NULL; p = p->next) {
		if (p->remote_port != sport || p->local_port != dport ||
		    !ip_addr_cmp(&p->remote_ip, &src) ||
		    !ip_addr_cmp(&p->local_ip, &dst))
			continue;
		/* Not while a socket still holds it (see tw_trim). */
		if (TCP_SEQ_GT(seq, p->rcv_nxt) && p->callback_arg == NULL)
			tcp_abort(p);	/* TIME_WAIT: freed, nothing sent */
		return;
	}
}

/*
 * At most NET_TW_MAX connections wait in TIME_WAIT, as Linux's
 * tcp_max_tw_buckets bounds them (Linux lets the newest skip TIME_WAIT;
 * here the oldest goes, nearest its end anyway).  lwIP keeps them in one
 * list that every SYN walks (tw_reopen too), and each holds a block of
 * the stack's first-fit heap for 2 * TCP_MSL: a server that closes a few
 * hundred connections a second had thousands, and every segment and
 * allocation slowed tenfold as they piled up.  New ones join at the
 * head of the list (TCP_REG), so the walk runs only when the head
 * changed.  One whose socket is still open (callback_arg: after
 * shutdown(SHUT_WR) and the peer's FIN) is left alone: the socket holds
 * the pcb.
 */
static void
tw_trim(void)
{
	static struct tcp_pcb *head;
	struct tcp_pcb *p = tcp_tw_pcbs;

	if (p == head)
		return;
	for (int n = 1; p != NULL && n < NET_TW_MAX; n++)
		p = p->next;
	while (p != NULL && p->next != NULL) {
		if (p->next->callback_arg != NULL)
			p = p->next;
		else
			tcp_abort(p->next);	/* freed, nothing sent */
	}
	head = tcp_tw_pcbs;
}

/*
 * True when the burst limit left frames waiting.  Most calls find no
 * frame (every socket call makes one): the buffer they allocated is kept
 * for the next, not returned to lwIP's first-fit heap and taken again.
 */
static bool
rx_frames(void)
{
	static struct pbuf *spare;

	for (int i = 0; i < RX_BURST; i++) {
		struct pbuf *p = spare != NULL ? spare :
		    pbuf_alloc(PBUF_RAW, PLAT_NET_FRAME_MAX, PBUF_RAM);
		long n;

		spare = NULL;
		if (p == NULL)
			return false;	/* frames wait in the ring */
		n = plat_net_recv(p->payload, PLAT_NET_FRAME_MAX);
		if (n <= 0) {
			spare = p;	/* untouched: still full size */
			return false;
		}
		pbuf_realloc(p, (u16_t)n);
		if (tcp_tw_pcbs != NULL)
			tw_reopen(p->payload, n);
		if (nic.input(p, &nic) != ERR_OK)
			pbuf_free(p);
	}
	return true;
}

uint64_t
net_work(void)
{
	bool more = false;
	u32_t ms;

	if (init_rc != 0)
		return 0;
	if (nic_up)
		more = rx_frames();
	netif_poll_all();
	sys_check_timeouts();
	tw_trim();
	ms = sys_timeouts_sleeptime();
	if (more)
		return plat_now_ns();	/* come back at once */
	if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		return 0;
	return plat_now_ns() + (uint64_t)ms * 1000000;
}

/*
 * The idle loop's work.  When it woke no thread (no socket changed), the
 * CPU is about to wait: delayed ACKs go now, not at lwIP's next fast
 * timer (up to TCP_TMR_INTERVAL, 250 ms, later).  A reader that took
 * what came and waits for more has nothing to piggyback them on, and a
 * sender in slow start waits for them: a 4 MiB stream to the guest took
 * 320 ms, not 55.  A server that answered already sent its ACK with the
 * answer, so request/response exchanges send no extra frame (Linux gets
 * there with its delayed-ACK timer and quickack mode).
 */
static uint64_t
net_idle_work(void)
{
	uint64_t next;

	net_told = false;
	next = net_work();
	if (net_told)
		return next;
	for (struct tcp_pcb *p = tcp_active_pcbs; p != NULL; p = p->next) {
		if (p->flags & TF_ACK_DELAY) {
			tcp_ack_now(p);
			tcp_output(p);
		}
	}
	return next;
}

bool
net_in_use(void)
{
	return init_rc == 0;
}

/* Is some connection still sending (data unsent, unacknowledged, or a
 * FIN not yet acknowledged)? */
static bool
still_sending(void)
{
	for (struct tcp_pcb *p = tcp_active_pcbs; p != NULL; p = p->next) {
		if (p->snd_queuelen > 0 || p->unsent != NULL ||
		    p->unacked != NULL || p->state == FIN_WAIT_1 ||
		    p->state == CLOSING || p->state == LAST_ACK)
			return true;
	}
	return false;
}

void
net_linger(uint64_t deadline_ns)
{
	if (init_rc != 0)
		return;
	for (;;) {
		uint64_t next = net_work();
		uint32_t seen = rx_word;

		if ((!still_sending() && (!nic_up || plat_net_tx_done())) ||
		    plat_now_ns() >= deadline_ns)
			return;
		/* Transmit completions do not interrupt: look again soon. */
		if (next == 0 || next > plat_now_ns() + LINGER_POLL_NS)
			next = plat_now_ns() + LINGER_POLL_NS;
		if (next > deadline_ns)
			next = deadline_ns;
		plat_block(&rx_word, seen, next);
	}
}

int
net_iface(int index, struct net_iface *out)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 }, lomask[4] = { 255 };
	uint32_t v;
	int i;

	memset(out, 0, sizeof(*out));
	out->index = index;
	if (index == 1) {
		memcpy(out->name, "lo", 3);
		out->flags = NET_IFF_UP | NET_IFF_LOOPBACK | NET_IFF_RUNNING;
		out->mtu = 65536;	/* Linux's; lwIP's loopback has none */
		memcpy(out->ip4, lo4, 4);
		memcpy(out->mask4, lomask, 4);
		out->loopback = true;
		out->ip6[0][15] = 1;		/* ::1/128 */
		out->ip6_prefix[0] = 128;
		out->nip6 = 1;
		return 0;
	}
	if (index != 2 || !nic_up)
		return -ENODEV;
	memcpy(out->name, "eth0", 5);
	out->flags = NET_IFF_BROADCAST | NET_IFF_MULTICAST;
	if (netif_is_up(&nic))
		out->flags |= NET_IFF_UP;
	if (netif_is_link_up(&nic))
		out->flags |= NET_IFF_RUNNING;
	out->mtu = nic.mtu;
	v = ip4_addr_get_u32(netif_ip4_addr(&nic));
	memcpy(out->ip4, &v, 4);
	v = ip4_addr_get_u32(netif_ip4_netmask(&nic));
	memcpy(out->mask4, &v, 4);
	v = ip4_addr_get_u32(netif_ip4_gw(&nic));
	memcpy(out->gw4, &v, 4);
	memcpy(out->mac, nic.hwaddr, 6);
	for (i = 0; i < LWIP_IPV6_NUM_ADDRESSES && out->nip6 < NET_IFACE_IP6;
	    i++) {
		if (!ip6_addr_isvalid(netif_ip6_addr_state(&nic, i)))
			continue;
		memcpy(out->ip6[out->nip6], netif_ip6_addr(&nic, i)->addr, 16);
		out->ip6_prefix[out->nip6++] = 64;	/* SLAAC's and fe80's */
	}
	return 0;
}
