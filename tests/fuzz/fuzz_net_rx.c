/*
 * The whole receive path: a virtio device model (tests/unit/vnet_model.c)
 * puts the input's frames into the used ring, or lies about it; the
 * driver's ring code (platform/virtq.c, vnet.c) takes them out; net/glue.c
 * hands them to lwIP (Ethernet, ARP, IPv4/IPv6, ICMP, UDP, TCP), where a
 * listening TCP socket and a bound UDP socket wait at 10.0.2.15.
 *
 * Input: records [op][len:2][len bytes]; op 0 a frame, 1 a made-up used
 * entry, 2 a made-up used index, 3 run the stack's timers.
 */
#include <stdlib.h>
#include <string.h>

#include "platform/internal.h"
#include "net/net.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/vnet_model.h"

static struct vnet_rings rings;
static struct model_q mrx, mtx;
static bool broken;

int
plat_net_info(struct plat_net_info *out)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

	memcpy(out->mac, mac, 6);
	out->mtu = 1500;
	out->link_up = true;
	return 0;
}

int
plat_net_send(const void *frame, size_t len)
{
	uint8_t sink[2048];
	const char *why;
	int rc;

	if (broken)
		return -ENETDOWN;
	rc = vnet_tx(&rings, frame, len, &why);
	if (rc == -EIO)
		broken = true;
	while (model_tx_take(&mtx, sink, sizeof(sink)) >= 0)
		;
	return rc == -EIO ? -ENETDOWN : rc;
}

long
plat_net_recv(void *buf, size_t len)
{
	const char *why;
	bool repost;
	long n;

	if (broken)
		return -ENETDOWN;
	n = vnet_rx(&rings, buf, len, &repost, &why);
	if (n == -EIO)
		broken = true;
	return n == -EIO ? -ENETDOWN : n;
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

static void
setup(void)
{
	static const uint8_t lo[4] = { 10, 0, 2, 15 };
	struct net_sock *t, *u;
	struct net_addr a = { .family = NET_AF_INET, .port = 80 };

	mock_cmdline = "net.ip=10.0.2.15/24,10.0.2.2";
	mock_loglevel = 0;
	if (vnet_rings_init(&rings) != 0)
		abort();
	model_attach(&mrx, &rings.rx);
	model_attach(&mtx, &rings.tx);
	if (net_init() != 0)
		abort();
	memcpy(a.ip, lo, 4);
	if (net_socket(NET_AF_INET, NET_STREAM, NULL, &t) != 0 ||
	    net_bind(t, &a) != 0 || net_listen(t, 64) != 0)
		abort();
	a.port = 53;
	if (net_socket(NET_AF_INET, NET_DGRAM, NULL, &u) != 0 ||
	    net_bind(u, &a) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		setup();
		ready = true;
	}
	/* A fresh, honest ring for every input. */
	vnet_rings_free(&rings);
	if (vnet_rings_init(&rings) != 0)
		abort();
	model_attach(&mrx, &rings.rx);
	model_attach(&mtx, &rings.tx);
	broken = false;
	while (size >= 3) {
		uint8_t op = data[0];
		size_t len = (size_t)(data[1] | data[2] << 8);

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		switch (op % 4) {
		case 0:
			model_rx_deliver(&mrx, data, len);
			break;
		case 1:
			model_used_raw(&mrx, len, len >= 4 ?
			    (uint32_t)data[0] << 8 | data[1] : 60);
			break;
		case 2:
			model_used_idx(&mrx, (uint16_t)len);
			break;
		case 3:
			break;
		}
		data += len;
		size -= len;
		net_work();
	}
	net_work();
	return 0;
}
