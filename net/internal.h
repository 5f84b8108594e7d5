/*
 * net/internal.h: what net/ files share.  Never included from another
 * folder.  lwIP's headers come from the unpacked Debian source (see the
 * Makefile), its port headers from net/port.
 */
#ifndef NET_INTERNAL_H
#define NET_INTERNAL_H

#include <stdarg.h>

#include "platform/platform.h"
#include "net/net.h"

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/ip_addr.h"

/* The value of "KEY..." on the kernel command line, copied into buf
 * (NUL-terminated, cut at the first space), or NULL. */
const char *net_cmdline_value(const char *key, char *buf, size_t size);

/* Connections kept in TIME_WAIT at most (net/glue.c). */
#define NET_TW_MAX	128

/* Set by net/sock.c whenever it reports a socket's change. */
extern bool net_told;

/* lwIP's error -> Linux errno (net/sock.c). */
int net_errno(err_t e);
/* net_addr <-> lwIP address (net/addr.c). */
int net_addr_to_ip(const struct net_addr *a, int sock_family, ip_addr_t *ip);
void net_ip_to_addr(const ip_addr_t *ip, uint16_t port, int sock_family,
    struct net_addr *out);

#endif
