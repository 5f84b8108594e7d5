/*
 * libFuzzer target for net_nl_answer (net/netlink.c): any datagram a
 * guest sends to a NETLINK_ROUTE socket.  The answer stays within the
 * buffer it is given, and is a well-formed stream of messages: each one
 * 4-aligned, at least a header long, and within the answer.
 */
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[8192];
	struct net_iface ifs[2];
	size_t cap, at;
	uint32_t len;
	long n;

	memset(ifs, 0, sizeof(ifs));
	memcpy(ifs[0].name, "lo", 3);
	ifs[0].index = 1;
	ifs[0].mtu = 65536;
	ifs[0].ip4[0] = 127;
	ifs[0].ip4[3] = 1;
	ifs[0].mask4[0] = 255;
	ifs[0].loopback = true;
	ifs[0].ip6[0][15] = 1;
	ifs[0].ip6_prefix[0] = 128;
	ifs[0].nip6 = 1;
	memcpy(ifs[1].name, "eth0", 5);
	ifs[1].index = 2;
	ifs[1].mtu = 1500;
	memcpy(ifs[1].ip4, "\x0a\0\x02\x0f", 4);
	memcpy(ifs[1].mask4, "\xff\xff\xff\0", 4);
	memcpy(ifs[1].gw4, "\x0a\0\x02\x02", 4);	/* routes too */
	ifs[1].nip6 = NET_IFACE_IP6;
	/* The first byte picks the room for the answer: small ones too. */
	cap = size > 0 ? (size_t)data[0] * 32 : sizeof(out);
	n = net_nl_answer(data, size, 77, ifs, 2, out, cap);
	PROMISE(n == -ENOBUFS || (n >= 0 && (size_t)n <= cap));
	for (at = 0; n > 0 && at < (size_t)n; at += (len + 3) & ~3u) {
		PROMISE((size_t)n - at >= 16);
		memcpy(&len, out + at, 4);
		PROMISE(len >= 16 && len <= (size_t)n - at);
	}
	return 0;
}
