/*
 * socket(AF_UNIX) in the abstract namespace: bind, listen, connect and
 * accept by name, the names and their lengths from getsockname,
 * getpeername and accept, autobind, datagrams by name with the sender's
 * name, and the errors (EADDRINUSE, ECONNREFUSED, EINVAL);
 * compared with Linux.  The names carry the process id so that native
 * runs side by side do not collide.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest.h"

static long
err(long rc)
{
	return rc < 0 ? -errno : rc;
}

/* An abstract name "\0cloister-<pid>-<tag>"; returns its length. */
static socklen_t
name(struct sockaddr_un *a, const char *tag)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1,
	    "cloister-%d-%s", (int)getpid(), tag);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/* The name got equals want (length and bytes). */
static int
same(const struct sockaddr_un *got, socklen_t glen,
    const struct sockaddr_un *want, socklen_t wlen)
{
	return glen == wlen && got->sun_family == AF_UNIX &&
	    memcmp(got->sun_path, want->sun_path,
	    wlen - offsetof(struct sockaddr_un, sun_path)) == 0;
}

static void
stream(void)
{
	struct sockaddr_un a, g;
	socklen_t alen = name(&a, "stream"), glen;
	int l, c, s, l2;
	char b[16];

	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	expect_ok("socket(AF_UNIX, SOCK_STREAM)", err(l));
	check("SOCK_CLOEXEC", (fcntl(l, F_GETFD) & FD_CLOEXEC) != 0);
	glen = sizeof(g);
	check("getsockname before bind: unnamed, length 2",
	    getsockname(l, (struct sockaddr *)&g, &glen) == 0 &&
	    glen == sizeof(sa_family_t) && g.sun_family == AF_UNIX);
	expect_ok("bind abstract", err(bind(l, (struct sockaddr *)&a, alen)));
	expect_err("bind again", err(bind(l, (struct sockaddr *)&a, alen)),
	    EINVAL);
	glen = sizeof(g);
	check("getsockname: the name, exact length",
	    getsockname(l, (struct sockaddr *)&g, &glen) == 0 &&
	    same(&g, glen, &a, alen));

	c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_err("connect before listen", err(connect(c,
	    (struct sockaddr *)&a, alen)), ECONNREFUSED);
	close(c);

	l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_err("bind a name in use", err(bind(l2, (struct sockaddr *)&a,
	    alen)), EADDRINUSE);
	close(l2);

	expect_ok("listen", err(listen(l, 4)));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	glen = sizeof(g);
	expect_err("getpeername before connect", err(getpeername(c,
	    (struct sockaddr *)&g, &glen)), ENOTCONN);
	expect_ok("connect", err(connect(c, (struct sockaddr *)&a, alen)));
	glen = sizeof(g);
	memset(&g, 0x55, sizeof(g));
	s = accept(l, (struct sockaddr *)&g, &glen);
	expect_ok("accept", err(s));
	check("accept: the connector is unnamed, length 2",
	    glen == sizeof(sa_family_t) && g.sun_family == AF_UNIX);
	glen = sizeof(g);
	check("getpeername: the listener's name",
	    getpeername(c, (struct sockaddr *)&g, &glen) == 0 &&
	    same(&g, glen, &a, alen));
	glen = sizeof(g);
	check("accepted socket's name: the listener's",
	    getsockname(s, (struct sockaddr *)&g, &glen) == 0 &&
	    same(&g, glen, &a, alen));
	glen = sizeof(g);
	check("accepted socket's peer: unnamed",
	    getpeername(s, (struct sockaddr *)&g, &glen) == 0 &&
	    glen == sizeof(sa_family_t));
	glen = 4;
	memset(&g, 0, sizeof(g));
	check("getsockname, short buffer: truncated, full length",
	    getsockname(l, (struct sockaddr *)&g, &glen) == 0 &&
	    glen == alen && g.sun_path[0] == 0 && g.sun_path[1] == 'c' &&
	    g.sun_path[2] == 0);

	expect_val("write", err(write(c, "ping", 4)), 4);
	expect_val("read", err(read(s, b, sizeof(b))), 4);
	expect_val("write back", err(write(s, "pong", 4)), 4);
	expect_val("read back", err(read(c, b, sizeof(b))), 4);
	check("bytes", memcmp(b, "pong", 4) == 0);
	close(s);
	expect_val("end of stream", err(read(c, b, sizeof(b))), 0);
	close(c);

	/* A named connector shows its name to accept. */
	{
		struct sockaddr_un cn;
		socklen_t cnlen = name(&cn, "client");

		c = socket(AF_UNIX, SOCK_STREAM, 0);
		expect_ok("bind the client", err(bind(c,
		    (struct sockaddr *)&cn, cnlen)));
		expect_ok("connect named", err(connect(c,
		    (struct sockaddr *)&a, alen)));
		glen = sizeof(g);
		s = accept(l, (struct sockaddr *)&g, &glen);
		expect_ok("accept named", err(s));
		check("accept: the connector's name", same(&g, glen, &cn,
		    cnlen));
		close(s);
		close(c);
	}

	close(l);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_err("connect after the listener closed", err(connect(c,
	    (struct sockaddr *)&a, alen)), ECONNREFUSED);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_ok("the name is free again", err(bind(l,
	    (struct sockaddr *)&a, alen)));
	close(l);
	close(c);
}

static void
dgram(void)
{
	struct sockaddr_un a, b, g;
	socklen_t alen = name(&a, "dg-a"), blen = name(&b, "dg-b"), glen;
	int x, y, z;
	char buf[16];

	x = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	y = socket(AF_UNIX, SOCK_DGRAM, 0);
	z = socket(AF_UNIX, SOCK_DGRAM, 0);
	expect_ok("socket(AF_UNIX, SOCK_DGRAM)", err(x));
	check("SOCK_NONBLOCK", (fcntl(x, F_GETFL) & O_NONBLOCK) != 0);
	expect_ok("bind a", err(bind(x, (struct sockaddr *)&a, alen)));
	expect_ok("bind b", err(bind(y, (struct sockaddr *)&b, blen)));
	expect_err("recv, nothing there", err(recv(x, buf, sizeof(buf), 0)),
	    EAGAIN);
	expect_val("sendto a from b", err(sendto(y, "one", 3, 0,
	    (struct sockaddr *)&a, alen)), 3);
	glen = sizeof(g);
	memset(&g, 0, sizeof(g));
	expect_val("recvfrom", err(recvfrom(x, buf, sizeof(buf), 0,
	    (struct sockaddr *)&g, &glen)), 3);
	check("recvfrom: the sender's name", same(&g, glen, &b, blen));
	expect_val("sendto a from unnamed", err(sendto(z, "three", 5, 0,
	    (struct sockaddr *)&a, alen)), 5);
	glen = sizeof(g);
	expect_val("recvfrom unnamed", err(recvfrom(x, buf, sizeof(buf), 0,
	    (struct sockaddr *)&g, &glen)), 5);
	check("recvfrom: an unnamed sender has no address", glen == 0);
	expect_ok("connect b to a", err(connect(y, (struct sockaddr *)&a,
	    alen)));
	glen = sizeof(g);
	check("getpeername: a", getpeername(y, (struct sockaddr *)&g,
	    &glen) == 0 && same(&g, glen, &a, alen));
	expect_val("send connected", err(send(y, "two", 3, 0)), 3);
	{
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_name = &g, .msg_namelen = sizeof(g),
		    .msg_iov = &iov, .msg_iovlen = 1 };

		memset(&g, 0, sizeof(g));
		expect_val("recvmsg", err(recvmsg(x, &m, 0)), 3);
		check("recvmsg: the sender's name", same(&g, m.msg_namelen,
		    &b, blen));
	}
	check("bytes", memcmp(buf, "two", 3) == 0);
	close(x);
	expect_err("sendto a closed name", err(sendto(z, "x", 1, 0,
	    (struct sockaddr *)&a, alen)), ECONNREFUSED);
	close(y);
	close(z);
}

static void
autobind(void)
{
	struct sockaddr_un g, h;
	socklen_t glen = sizeof(g), hlen = sizeof(h);
	sa_family_t fam = AF_UNIX;
	int x = socket(AF_UNIX, SOCK_STREAM, 0), y;

	expect_ok("autobind", err(bind(x, (struct sockaddr *)&fam,
	    sizeof(fam))));
	check("autobind: \\0 and five hex digits",
	    getsockname(x, (struct sockaddr *)&g, &glen) == 0 &&
	    glen == offsetof(struct sockaddr_un, sun_path) + 6 &&
	    g.sun_path[0] == 0 && strspn(g.sun_path + 1,
	    "0123456789abcdef") >= 5);
	expect_ok("listen on the autobound name", err(listen(x, 1)));
	y = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_ok("connect to the autobound name", err(connect(y,
	    (struct sockaddr *)&g, glen)));
	check("getpeername: the autobound name",
	    getpeername(y, (struct sockaddr *)&h, &hlen) == 0 &&
	    same(&h, hlen, &g, glen));
	close(y);
	close(x);
}

static void
errors(void)
{
	struct sockaddr_un a, d;
	socklen_t alen = name(&a, "errors"), dlen = name(&d, "errors-dg");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	int t = socket(AF_UNIX, SOCK_DGRAM, 0);

	expect_err("socket(AF_UNIX, SOCK_STREAM, 6)", err(socket(AF_UNIX,
	    SOCK_STREAM, 6)), EPROTONOSUPPORT);
	expect_err("bind, length 1", err(bind(s, (struct sockaddr *)&a, 1)),
	    EINVAL);
	expect_err("bind, length past sockaddr_un", err(bind(s,
	    (struct sockaddr *)&a, sizeof(a) + 1)), EINVAL);
	a.sun_family = AF_INET;
	expect_err("bind, wrong family", err(bind(s, (struct sockaddr *)&a,
	    alen)), EINVAL);
	a.sun_family = AF_UNIX;
	expect_err("connect, length 2", err(connect(s, (struct sockaddr *)&a,
	    sizeof(sa_family_t))), EINVAL);
	expect_err("connect, no such name", err(connect(s,
	    (struct sockaddr *)&a, alen)), ECONNREFUSED);
	expect_err("bind, bad pointer", SYS3(SYS_bind, s, 16, alen), EFAULT);
	expect_ok("bind a datagram socket", err(bind(t, (struct sockaddr *)&d,
	    dlen)));
	expect_err("connect a stream to a datagram name", err(connect(s,
	    (struct sockaddr *)&d, dlen)), ECONNREFUSED);
	expect_ok("the same name for a stream (names are per type)",
	    err(bind(s, (struct sockaddr *)&d, dlen)));
	close(s);
	close(t);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	stream();
	dgram();
	autobind();
	errors();
	return finish();
}
