/*
 * The interface ioctls on sockets (Linux's net/core/dev_ioctl.c): the
 * list (SIOCGIFCONF) and, per interface name, its index, flags, IPv4
 * address and netmask, hardware address, MTU and transmit queue length
 * (0: there is no queueing discipline).  Interfaces are
 * net/'s: "lo" and, with a NIC, "eth0".  Setting anything is EPERM, as
 * for a process without CAP_NET_ADMIN.
 */
#include "shim/internal.h"

#define SIOCGIFNAME	0x8910
#define SIOCGIFCONF	0x8912
#define SIOCGIFFLAGS	0x8913
#define SIOCSIFFLAGS	0x8914
#define SIOCGIFADDR	0x8915
#define SIOCSIFADDR	0x8916
#define SIOCGIFNETMASK	0x891b
#define SIOCGIFMTU	0x8921
#define SIOCGIFHWADDR	0x8927
#define SIOCGIFINDEX	0x8933
#define SIOCGIFTXQLEN	0x8942
#define ARPHRD_ETHER	1
#define ARPHRD_LOOPBACK	772
#define IFACES_MAX	2

struct ifreq_user {
	char name[16];
	union {
		struct {
			uint16_t family;
			uint8_t data[14];
		} addr;
		int16_t flags;
		int32_t ivalue;
	} u;
	uint8_t pad[8];
};
_Static_assert(sizeof(struct ifreq_user) == 40, "struct ifreq");

struct ifconf_user {
	int32_t len;
	uint32_t pad;
	uint64_t buf;
};
_Static_assert(sizeof(struct ifconf_user) == 16, "struct ifconf");

static void
set_in(struct ifreq_user *r, const uint8_t ip[4])
{
	memset(&r->u, 0, sizeof(r->u));
	r->u.addr.family = NET_AF_INET;
	memcpy(r->u.addr.data + 2, ip, 4);	/* after sin_port */
}

/* SIOCGIFCONF: an ifreq with the address of each interface that has
 * one; with a NULL buffer, the length needed. */
static long
ifconf(uint64_t arg)
{
	struct ifconf_user c;
	struct net_iface ifc;
	int32_t used = 0;

	if (plat_copy_from_user(&c, arg, sizeof(c)) != 0)
		return -EFAULT;
	for (int i = 1; i <= IFACES_MAX; i++) {
		struct ifreq_user r;

		if (net_iface(i, &ifc) != 0)
			continue;
		if (c.buf != 0) {
			if (c.len - used < (int32_t)sizeof(r))
				break;
			memset(&r, 0, sizeof(r));
			memcpy(r.name, ifc.name, sizeof(r.name));
			set_in(&r, ifc.ip4);
			if (plat_copy_to_user(c.buf + (uint64_t)used, &r,
			    sizeof(r)) != 0)
				return -EFAULT;
		}
		used += (int32_t)sizeof(r);
	}
	c.len = used;
	return plat_copy_to_user(arg, &c, sizeof(c)) ? -EFAULT : 0;
}

static int
find(const struct ifreq_user *r, struct net_iface *out)
{
	for (int i = 1; i <= IFACES_MAX; i++) {
		if (net_iface(i, out) == 0 &&
		    strncmp(out->name, r->name, sizeof(r->name)) == 0)
			return 0;
	}
	return -ENODEV;
}

long
sock_ifreq_ioctl(unsigned long cmd, uint64_t arg)
{
	struct ifreq_user r;
	struct net_iface ifc;

	if (cmd == SIOCGIFCONF)
		return ifconf(arg);
	if (cmd == SIOCSIFFLAGS || cmd == SIOCSIFADDR)
		return -EPERM;
	if (cmd != SIOCGIFNAME && cmd != SIOCGIFFLAGS && cmd != SIOCGIFADDR &&
	    cmd != SIOCGIFNETMASK && cmd != SIOCGIFMTU &&
	    cmd != SIOCGIFHWADDR && cmd != SIOCGIFINDEX &&
	    cmd != SIOCGIFTXQLEN)
		return -ENOTTY;
	if (plat_copy_from_user(&r, arg, sizeof(r)) != 0)
		return -EFAULT;
	r.name[sizeof(r.name) - 1] = '\0';
	if (cmd == SIOCGIFNAME) {
		if (net_iface(r.u.ivalue, &ifc) != 0)
			return -ENODEV;
		memcpy(r.name, ifc.name, sizeof(r.name));
	} else if (find(&r, &ifc) != 0) {
		return -ENODEV;
	}
	switch (cmd) {
	case SIOCGIFFLAGS:
		r.u.flags = (int16_t)ifc.flags;
		break;
	case SIOCGIFADDR:
		set_in(&r, ifc.ip4);
		break;
	case SIOCGIFNETMASK:
		set_in(&r, ifc.mask4);
		break;
	case SIOCGIFMTU:
		r.u.ivalue = (int32_t)ifc.mtu;
		break;
	case SIOCGIFINDEX:
		r.u.ivalue = ifc.index;
		break;
	case SIOCGIFTXQLEN:
		/* No queueing discipline: frames go straight to the ring. */
		r.u.ivalue = 0;
		break;
	case SIOCGIFHWADDR:
		memset(&r.u, 0, sizeof(r.u));
		r.u.addr.family = ifc.loopback ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
		memcpy(r.u.addr.data, ifc.mac, 6);
		break;
	}
	return plat_copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
}
