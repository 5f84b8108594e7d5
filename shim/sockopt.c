/*
 * setsockopt and getsockopt: the options real programs set.  What the
 * stack acts on goes to net/; the rest is kept and read back where Linux
 * would accept it (README: "Networking gaps"); anything else ENOPROTOOPT.
 */
#include "shim/internal.h"

#define SOL_SOCKET	1
#define SO_REUSEADDR	2
#define SO_TYPE		3
#define SO_ERROR	4
#define SO_BROADCAST	6
#define SO_SNDBUF	7
#define SO_RCVBUF	8
#define SO_KEEPALIVE	9
#define SO_LINGER	13
#define SO_REUSEPORT	15
#define SO_RCVTIMEO	20
#define SO_SNDTIMEO	21
#define SO_PASSCRED	16
#define SO_PEERCRED	17
#define SO_ACCEPTCONN	30
#define SO_PROTOCOL	38
#define SO_DOMAIN	39
#define TCP_NODELAY	1
#define TCP_MAXSEG	2
#define TCP_CORK	3
#define TCP_KEEPIDLE	4
#define TCP_KEEPINTVL	5
#define TCP_KEEPCNT	6
#define TCP_DEFER_ACCEPT 9
#define IPV6_V6ONLY	26
#define BUF_MIN		2304	/* Linux's SOCK_MIN_RCVBUF, doubled */
#define BUF_MAX		(4 << 20)

_Static_assert(sizeof(struct sock_cred) == 12, "struct ucred");

struct timeval_user {
	int64_t sec, usec;
};

static long
int_in(uint64_t uval, uint64_t len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	return plat_copy_from_user(v, uval, sizeof(int)) ? -EFAULT : 0;
}

static long
timeo_in(uint64_t uval, uint64_t len, uint64_t *ns)
{
	struct timeval_user tv;

	if (len < sizeof(tv))
		return -EINVAL;
	if (plat_copy_from_user(&tv, uval, sizeof(tv)) != 0)
		return -EFAULT;
	if (tv.usec < 0 || tv.usec >= 1000000)
		return -EDOM;
	if (tv.sec < 0)
		*ns = 0;		/* Linux: negative is "no timeout" */
	else
		*ns = (uint64_t)tv.sec * 1000000000ull +
		    (uint64_t)tv.usec * 1000;
	return 0;
}

static long
setopt_socket(struct sock *s, int name, uint64_t uval, uint64_t len)
{
	int v = 0;
	long rc;

	if (name == SO_RCVTIMEO)
		return timeo_in(uval, len, &s->rcvtimeo_ns);
	if (name == SO_SNDTIMEO)
		return timeo_in(uval, len, &s->sndtimeo_ns);
	if (name == SO_LINGER) {
		int l[2];

		if (len < sizeof(l))
			return -EINVAL;
		if (plat_copy_from_user(l, uval, sizeof(l)) != 0)
			return -EFAULT;
		s->linger_on = l[0] != 0;
		s->linger_s = l[1];
		return 0;
	}
	if ((rc = int_in(uval, len, &v)) != 0)
		return rc;
	switch (name) {
	case SO_REUSEADDR:
		s->reuseaddr = v != 0;
		if (s->ns != NULL)
			net_set_reuseaddr(s->ns, v != 0);
		return 0;
	case SO_REUSEPORT:
		/* Several sockets on one port share its load on Linux;
		 * with one process here, binding reuses the address. */
		s->reuseport = v != 0;
		if (s->ns != NULL)
			net_set_reuseaddr(s->ns, v != 0 || s->reuseaddr);
		return 0;
	case SO_KEEPALIVE:
		s->keepalive = v != 0;
		if (s->ns != NULL)
			net_set_keepalive(s->ns, v != 0);
		return 0;
	case SO_BROADCAST:
		s->broadcast = v != 0;
		return 0;
	case SO_PASSCRED:
		/* SCM_CREDENTIALS (sockmsg.c) */
		if (s->passcred != (v != 0))
			unix_passcred_socks += v != 0 ? 1 : -1u;
		s->passcred = v != 0;
		return 0;
	case SO_SNDBUF:
	case SO_RCVBUF:
		/* Linux doubles the value (room for its bookkeeping). */
		v = v < BUF_MIN / 2 ? BUF_MIN : v > BUF_MAX / 2 ? BUF_MAX :
		    2 * v;
		*(name == SO_SNDBUF ? &s->sndbuf : &s->rcvbuf) = v;
		return 0;
	case SO_TYPE: case SO_ERROR: case SO_ACCEPTCONN: case SO_DOMAIN:
	case SO_PROTOCOL: case SO_PEERCRED:
		return -ENOPROTOOPT;	/* read-only on Linux */
	default:
		return -ENOPROTOOPT;
	}
}

static long
setopt_tcp(struct sock *s, int name, uint64_t uval, uint64_t len)
{
	int v;
	long rc;

	if (s->family == AF_UNIX)
		return -EOPNOTSUPP;	/* Linux: no TCP level on AF_UNIX */
	if (s->type != SOCK_STREAM)
		return -ENOPROTOOPT;
	if ((rc = int_in(uval, len, &v)) != 0)
		return rc;
	switch (name) {
	case TCP_NODELAY:
		net_set_nodelay(s->ns, v != 0);
		return 0;
	case TCP_CORK:
		s->cork = v != 0;	/* a hint: segments go out as written */
		return 0;
	case TCP_MAXSEG:
		return v < 88 || v > 32767 ? -EINVAL : 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		*(name == TCP_KEEPIDLE ? &s->keepidle : &s->keepintvl) = v;
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		s->keepcnt = v;
		return 0;
	case TCP_DEFER_ACCEPT:
		s->defer_accept = v < 0 ? 0 : v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

long
sys_setsockopt(SYSCALL_ARGS)
{
	int level = (int)a1, name = (int)a2, v;
	struct file *f;
	struct sock *s;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	s = sock_of(f);
	if ((int)a4 < 0)
		rc = -EINVAL;
	else if (level == SOL_SOCKET)
		rc = setopt_socket(s, name, a3, a4);
	else if (level == IPPROTO_TCP)
		rc = setopt_tcp(s, name, a3, a4);
	else if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY &&
	    s->family == NET_AF_INET6) {
		if ((rc = int_in(a3, a4, &v)) == 0)
			s->v6only = v != 0;
	} else {
		rc = -ENOPROTOOPT;
	}
	file_put(f);
	return rc;
}

static long
getopt_value(struct sock *s, int level, int name, void *out, uint32_t *len)
{
	int *v = out;

	*len = sizeof(int);
	if (level == IPPROTO_TCP && s->type == SOCK_STREAM) {
		switch (name) {
		case TCP_NODELAY: *v = net_nodelay(s->ns); return 0;
		case TCP_CORK: *v = s->cork; return 0;
		case TCP_MAXSEG: *v = 1460; return 0;
		case TCP_KEEPIDLE: *v = s->keepidle ? s->keepidle : 7200;
			return 0;
		case TCP_KEEPINTVL: *v = s->keepintvl ? s->keepintvl : 75;
			return 0;
		case TCP_KEEPCNT: *v = s->keepcnt ? s->keepcnt : 9; return 0;
		case TCP_DEFER_ACCEPT: *v = s->defer_accept; return 0;
		}
		return -ENOPROTOOPT;
	}
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY &&
	    s->family == NET_AF_INET6) {
		*v = s->v6only;
		return 0;
	}
	if (level != SOL_SOCKET)
		return -ENOPROTOOPT;
	switch (name) {
	case SO_TYPE: *v = s->nl != NULL ? nl_sock_type(s) :
		    s->seqpacket ? 5 : s->type;	/* SOCK_SEQPACKET */
		return 0;
	case SO_ERROR: *v = -(s->nl != NULL ? nl_take_error(s) :
		    net_take_error(s->ns));
		return 0;
	case SO_REUSEADDR: *v = s->reuseaddr; return 0;
	case SO_REUSEPORT: *v = s->reuseport; return 0;
	case SO_KEEPALIVE: *v = s->keepalive; return 0;
	case SO_BROADCAST: *v = s->broadcast; return 0;
	case SO_PASSCRED: *v = s->passcred; return 0;
	case SO_SNDBUF: *v = s->sndbuf; return 0;
	case SO_RCVBUF: *v = s->rcvbuf; return 0;
	case SO_ACCEPTCONN: *v = s->ns != NULL && net_listening(s->ns);
		return 0;
	case SO_DOMAIN: *v = s->family; return 0;
	case SO_PROTOCOL:
		*v = s->family == AF_UNIX || s->nl != NULL ? 0 :
		    s->type == SOCK_STREAM ?
		    IPPROTO_TCP : IPPROTO_UDP;
		return 0;
	case SO_PEERCRED: {
		/* struct ucred; no peer: pid 0, uid and gid -1, as Linux. */
		struct sock_cred c = { 0, ~0u, ~0u };

		if (s->family == AF_UNIX && s->has_pcred)
			c = s->pcred;
		memcpy(out, &c, sizeof(c));
		*len = sizeof(c);
		return 0;
	}
	case SO_LINGER:
		v[0] = s->linger_on;
		v[1] = s->linger_s;
		*len = 2 * sizeof(int);
		return 0;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo_ns :
		    s->sndtimeo_ns;
		struct timeval_user tv = { (int64_t)(ns / 1000000000ull),
		    (int64_t)(ns % 1000000000ull / 1000) };

		memcpy(out, &tv, sizeof(tv));
		*len = sizeof(tv);
		return 0;
	}
	}
	return -ENOPROTOOPT;
}

long
sys_getsockopt(SYSCALL_ARGS)
{
	uint64_t val[2] = { 0, 0 };
	uint32_t have, len;
	struct file *f;
	long rc;

	if ((f = sock_get((int)a0, &rc)) == NULL)
		return rc;
	if (plat_copy_from_user(&have, a4, sizeof(have)) != 0) {
		rc = -EFAULT;
	} else if ((int32_t)have < 0) {
		rc = -EINVAL;
	} else if ((rc = getopt_value(sock_of(f), (int)a1, (int)a2, val,
	    &len)) == 0) {
		if (have < len)
			len = have;
		if (plat_copy_to_user(a3, val, len) != 0 ||
		    plat_copy_to_user(a4, &len, sizeof(len)) != 0)
			rc = -EFAULT;
	}
	file_put(f);
	return rc;
}
