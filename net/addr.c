/*
 * Socket addresses <-> lwIP addresses.  An AF_INET6 socket is dual
 * stack, as on Linux by default: "::" binds both families, and IPv4
 * peers appear as v4-mapped addresses (::ffff:a.b.c.d, RFC 4291 2.5.5.2).
 */
#include "net/internal.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0xff, 0xff };
static const uint8_t zero16[16];

int
net_addr_to_ip(const struct net_addr *a, int sock_family, ip_addr_t *ip)
{
	uint32_t w[4];

	if (a->family != sock_family)
		return -EAFNOSUPPORT;
	if (a->family == NET_AF_INET) {
		memcpy(&w[0], a->ip, 4);
		ip_addr_set_ip4_u32(ip, w[0]);
		return 0;
	}
	if (memcmp(a->ip, zero16, 16) == 0) {
		*ip = *IP_ANY_TYPE;
		return 0;
	}
	if (memcmp(a->ip, v4mapped, 12) == 0) {
		memcpy(&w[0], a->ip + 12, 4);
		ip_addr_set_ip4_u32(ip, w[0]);
		return 0;
	}
	memcpy(w, a->ip, 16);
	IP_ADDR6(ip, w[0], w[1], w[2], w[3]);
	ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)a->scope);
	return 0;
}

void
net_ip_to_addr(const ip_addr_t *ip, uint16_t port, int sock_family,
    struct net_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = sock_family;
	out->port = port;
	if (ip == NULL)
		return;
	if (IP_IS_V4(ip) || IP_IS_ANY_TYPE_VAL(*ip)) {
		uint32_t v = ip4_addr_get_u32(ip_2_ip4(ip));

		if (sock_family == NET_AF_INET) {
			memcpy(out->ip, &v, 4);
		} else if (!IP_IS_ANY_TYPE_VAL(*ip) || v != 0) {
			memcpy(out->ip, v4mapped, 12);
			memcpy(out->ip + 12, &v, 4);
		}
		return;
	}
	memcpy(out->ip, ip_2_ip6(ip)->addr, 16);
	out->scope = ip6_addr_zone(ip_2_ip6(ip));
}
