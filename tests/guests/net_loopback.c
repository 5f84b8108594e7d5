/*
 * Sockets on the loopback interface, where Linux and Cloister must agree:
 * TCP over 127.0.0.1 and ::1 (connect, accept, a 1 MiB exchange with a
 * checksum, shutdown, names, poll and epoll readiness), UDP datagrams
 * (addresses, MSG_PEEK, MSG_TRUNC, connect), and the errors: EADDRINUSE,
 * ECONNREFUSED, EAGAIN, EPIPE with MSG_NOSIGNAL, EFAULT, ENOTSOCK,
 * EAFNOSUPPORT, ENOTCONN.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "guest.h"

#define BIG	(1024 * 1024)

static char sbuf[BIG], rbuf[BIG];

static long
err(long rc)
{
	return rc < 0 ? -errno : rc;
}

static struct sockaddr_in
lo4(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static uint16_t
port_of(int fd)
{
	struct sockaddr_in6 a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return 0;
	return ntohs(a.sin6_port);	/* same offset in sockaddr_in */
}

static int
listener4(void)
{
	struct sockaddr_in a = lo4(0);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, 8) != 0)
		return -1;
	return fd;
}

static uint32_t
sum(const char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	for (size_t i = 0; i < n; i++) {
		a = (a + (uint8_t)p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

/* Move n bytes from sbuf over c to s's rbuf with poll, both ways
 * non-blocking, as one event loop would. */
static int
pump(int c, int s, size_t n)
{
	size_t sent = 0, got = 0;

	fcntl(c, F_SETFL, O_NONBLOCK);
	fcntl(s, F_SETFL, O_NONBLOCK);
	while (got < n) {
		struct pollfd p[2] = { { c, POLLOUT, 0 }, { s, POLLIN, 0 } };

		if (poll(p, 2, 10000) <= 0)
			return -1;
		if (sent < n && (p[0].revents & POLLOUT)) {
			long w = write(c, sbuf + sent, n - sent);

			if (w > 0)
				sent += w;
			else if (errno != EAGAIN)
				return -2;
		}
		if (p[1].revents & POLLIN) {
			long r = read(s, rbuf + got, n - got);

			if (r > 0)
				got += r;
			else if (r == 0 || errno != EAGAIN)
				return -3;
		}
	}
	return 0;
}

static void
tcp4(void)
{
	int l = listener4(), c, s, v;
	struct sockaddr_in a = lo4(port_of(l)), peer;
	socklen_t len = sizeof(peer);
	char b[16];

	check("tcp listener", l >= 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	v = connect(c, (struct sockaddr *)&a, sizeof(a));
	check("non-blocking connect: 0 or EINPROGRESS",
	    v == 0 || errno == EINPROGRESS);
	{
		struct pollfd p = { c, POLLOUT, 0 };

		check("connect completes (POLLOUT)",
		    poll(&p, 1, 10000) == 1 && (p.revents & POLLOUT));
	}
	len = sizeof(v);
	getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len);
	expect_val("SO_ERROR after connect", v, 0);
	len = sizeof(peer);
	s = accept(l, (struct sockaddr *)&peer, &len);
	check("accept", s >= 0);
	check("accept: peer is 127.0.0.1", len == sizeof(peer) &&
	    peer.sin_family == AF_INET &&
	    peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	    ntohs(peer.sin_port) == port_of(c));
	len = sizeof(peer);
	check("getpeername = listener's address",
	    getpeername(c, (struct sockaddr *)&peer, &len) == 0 &&
	    peer.sin_port == a.sin_port);
	for (int i = 0; i < BIG; i++)
		sbuf[i] = (char)(i * 131 + i / 977);
	expect_val("1 MiB client -> server", pump(c, s, BIG), 0);
	check("checksum matches", sum(sbuf, BIG) == sum(rbuf, BIG));
	expect_val("1 MiB server -> client", pump(s, c, BIG), 0);
	check("checksum matches", sum(sbuf, BIG) == sum(rbuf, BIG));
	expect_err("read with nothing there", err(read(s, b, 1)), EAGAIN);
	expect_val("send 5", err(send(c, "hello", 5, 0)), 5);
	{
		struct pollfd p = { s, POLLIN, 0 };

		poll(&p, 1, 10000);
	}
	ioctl(s, FIONREAD, &v);
	expect_val("FIONREAD", v, 5);
	expect_val("MSG_PEEK", err(recv(s, b, 3, MSG_PEEK)), 3);
	expect_val("then read", err(recv(s, b, sizeof(b), 0)), 5);
	check("the bytes", memcmp(b, "hello", 5) == 0);
	expect_ok("shutdown(SHUT_WR)", err(shutdown(c, SHUT_WR)));
	{
		struct pollfd p = { s, POLLIN | POLLRDHUP, 0 };

		check("peer sees POLLIN|POLLRDHUP", poll(&p, 1, 10000) == 1 &&
		    (p.revents & (POLLIN | POLLRDHUP)) ==
		    (POLLIN | POLLRDHUP));
	}
	expect_val("read at end of stream", err(read(s, b, 1)), 0);
	expect_err("send after SHUT_WR (MSG_NOSIGNAL)",
	    err(send(c, "x", 1, MSG_NOSIGNAL)), EPIPE);
	expect_val("the other way still works", err(write(s, "ok", 2)), 2);
	{
		struct pollfd p = { c, POLLIN, 0 };

		poll(&p, 1, 10000);
	}
	expect_val("read it", err(read(c, b, 2)), 2);
	close(c);
	close(s);
	close(l);
}

static void
tcp_errors(void)
{
	int l = listener4(), c, d;
	struct sockaddr_in a = lo4(port_of(l));
	char b[4];

	d = socket(AF_INET, SOCK_STREAM, 0);
	expect_err("bind to a port in use", err(bind(d, (struct sockaddr *)&a,
	    sizeof(a))), EADDRINUSE);
	close(d);
	close(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	expect_err("connect to a closed port", err(connect(c,
	    (struct sockaddr *)&a, sizeof(a))), ECONNREFUSED);
	close(c);
	c = socket(AF_INET, SOCK_STREAM, 0);
	expect_err("read on an unconnected socket", err(read(c, b, 1)),
	    ENOTCONN);
	expect_err("getpeername unconnected", err(getpeername(c,
	    (struct sockaddr *)&a, &(socklen_t){ sizeof(a) })), ENOTCONN);
	expect_err("bind with a short address",
	    err(bind(c, (struct sockaddr *)&a, 4)), EINVAL);
	expect_err("bind with a bad pointer", err(bind(c, (void *)16,
	    sizeof(a))), EFAULT);
	expect_err("accept on a non-listener", err(accept(c, NULL, NULL)),
	    EINVAL);
	close(c);
	expect_err("socket(255, ...)", err(socket(255, SOCK_STREAM, 0)),
	    EAFNOSUPPORT);
	expect_err("bind on a pipe", err(bind(1, (struct sockaddr *)&a,
	    sizeof(a))), ENOTSOCK);
	expect_err("bind on a bad fd", err(bind(999, (struct sockaddr *)&a,
	    sizeof(a))), EBADF);
}

static void
tcp6(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
	    .sin6_addr = IN6ADDR_LOOPBACK_INIT }, got;
	socklen_t len = sizeof(got);
	int l = socket(AF_INET6, SOCK_STREAM, 0), c, s;
	char b[8];

	expect_ok("bind [::1]:0", err(bind(l, (struct sockaddr *)&a,
	    sizeof(a))));
	expect_ok("listen", err(listen(l, 4)));
	a.sin6_port = htons(port_of(l));
	c = socket(AF_INET6, SOCK_STREAM, 0);
	expect_ok("connect [::1]", err(connect(c, (struct sockaddr *)&a,
	    sizeof(a))));
	s = accept(l, (struct sockaddr *)&got, &len);
	check("accept from ::1", s >= 0 && got.sin6_family == AF_INET6 &&
	    len == sizeof(got) &&
	    memcmp(&got.sin6_addr, &in6addr_loopback, 16) == 0);
	expect_val("send", err(send(c, "six", 3, 0)), 3);
	expect_val("recv (blocking)", err(recv(s, b, sizeof(b), 0)), 3);
	close(c);
	expect_val("recv after close: end", err(recv(s, b, sizeof(b), 0)), 0);
	close(s);
	close(l);
}

static void
udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET,
	    SOCK_DGRAM, 0);
	struct sockaddr_in aa = lo4(0), ba = lo4(0), from;
	socklen_t len = sizeof(from);
	char buf[64];

	expect_ok("udp bind", err(bind(a, (struct sockaddr *)&aa,
	    sizeof(aa))));
	expect_ok("udp bind", err(bind(b, (struct sockaddr *)&ba,
	    sizeof(ba))));
	aa.sin_port = htons(port_of(a));
	ba.sin_port = htons(port_of(b));
	expect_err("recv with nothing (MSG_DONTWAIT)",
	    err(recv(b, buf, sizeof(buf), MSG_DONTWAIT)), EAGAIN);
	expect_err("send without an address", err(send(a, "x", 1, 0)),
	    EDESTADDRREQ);
	expect_val("sendto", err(sendto(a, "datagram one", 12, 0,
	    (struct sockaddr *)&ba, sizeof(ba))), 12);
	expect_val("sendto", err(sendto(a, "two", 3, 0,
	    (struct sockaddr *)&ba, sizeof(ba))), 3);
	expect_val("MSG_PEEK", err(recv(b, buf, 4, MSG_PEEK)), 4);
	expect_val("MSG_TRUNC gives the full length",
	    err(recv(b, buf, 4, MSG_PEEK | MSG_TRUNC)), 12);
	expect_val("recvfrom: cut to the buffer", err(recvfrom(b, buf, 8, 0,
	    (struct sockaddr *)&from, &len)), 8);
	check("from = a's address", len == sizeof(from) &&
	    from.sin_port == aa.sin_port &&
	    from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	expect_val("the rest of it was dropped",
	    err(recv(b, buf, sizeof(buf), 0)), 3);
	expect_ok("connect", err(connect(a, (struct sockaddr *)&ba,
	    sizeof(ba))));
	expect_val("send after connect", err(send(a, "three", 5, 0)), 5);
	{
		struct pollfd p = { b, POLLIN, 0 };

		check("poll POLLIN", poll(&p, 1, 10000) == 1);
	}
	expect_val("read", err(read(b, buf, sizeof(buf))), 5);
	expect_err("sendto a bad pointer", err(sendto(b, (void *)16, 5, 0,
	    (struct sockaddr *)&aa, sizeof(aa))), EFAULT);
	close(a);
	close(b);
}

static void
msgs(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET,
	    SOCK_DGRAM, 0);
	struct sockaddr_in ba = lo4(0), from;
	char p1[] = "scatter ", p2[] = "gather", in1[4], in2[32];
	struct iovec out[2] = { { p1, 8 }, { p2, 6 } };
	struct iovec in[2] = { { in1, sizeof(in1) }, { in2, sizeof(in2) } };
	struct msghdr m = { 0 };
	struct mmsghdr mm[3];
	struct iovec mv[3];
	char mb[3][16];

	bind(b, (struct sockaddr *)&ba, sizeof(ba));
	ba.sin_port = htons(port_of(b));
	m.msg_name = &ba;
	m.msg_namelen = sizeof(ba);
	m.msg_iov = out;
	m.msg_iovlen = 2;
	expect_val("sendmsg, two iovecs", err(sendmsg(a, &m, 0)), 14);
	memset(&m, 0, sizeof(m));
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	m.msg_iov = in;
	m.msg_iovlen = 2;
	expect_val("recvmsg, scattered", err(recvmsg(b, &m, 0)), 14);
	check("recvmsg: bytes and sender", memcmp(in1, "scat", 4) == 0 &&
	    memcmp(in2, "ter gather", 10) == 0 &&
	    m.msg_namelen == sizeof(from) && from.sin_family == AF_INET &&
	    m.msg_flags == 0);
	sendto(a, "0123456789", 10, 0, (struct sockaddr *)&ba, sizeof(ba));
	in[0].iov_len = 4;
	m.msg_iovlen = 1;
	expect_val("recvmsg, short buffer", err(recvmsg(b, &m, 0)), 4);
	check("recvmsg: MSG_TRUNC in msg_flags", m.msg_flags == MSG_TRUNC);
	for (int i = 0; i < 3; i++) {
		mv[i].iov_base = mb[i];
		mv[i].iov_len = (size_t)snprintf(mb[i], sizeof(mb[i]),
		    "mmsg %d", i);
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &mv[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &ba;
		mm[i].msg_hdr.msg_namelen = sizeof(ba);
	}
	expect_val("sendmmsg, 3 messages", err(sendmmsg(a, mm, 3, 0)), 3);
	check("sendmmsg: lengths", mm[0].msg_len == 6 && mm[2].msg_len == 6);
	for (int i = 0; i < 3; i++) {
		memset(mb[i], 0, sizeof(mb[i]));
		mv[i].iov_len = sizeof(mb[i]);
		mm[i].msg_hdr.msg_name = NULL;
		mm[i].msg_hdr.msg_namelen = 0;
	}
	expect_val("recvmmsg, 3 messages", err(recvmmsg(b, mm, 3, 0, NULL)),
	    3);
	check("recvmmsg: in order", strcmp(mb[0], "mmsg 0") == 0 &&
	    strcmp(mb[2], "mmsg 2") == 0 && mm[1].msg_len == 6);
	/* Raw: musl's wrapper reads the msghdr itself. */
	expect_err("recvmsg with a bad msghdr", SYS3(SYS_recvmsg, b, 16,
	    MSG_DONTWAIT), EFAULT);
	close(a);
	close(b);
}

static void
sendfile_socket(void)
{
	int l = listener4(), c = socket(AF_INET, SOCK_STREAM, 0), s, fd;
	struct sockaddr_in a = lo4(port_of(l));
	char path[] = "/tmp/net_loopback.XXXXXX", b[64] = { 0 };
	off_t off = 6;

	connect(c, (struct sockaddr *)&a, sizeof(a));
	s = accept(l, NULL, NULL);
	fd = mkstemp(path);
	write(fd, "skip: sendfile to a socket", 26);
	expect_val("sendfile file -> socket", err(sendfile(c, fd, &off, 20)),
	    20);
	expect_val("offset moved", off, 26);
	expect_val("the peer reads it (MSG_WAITALL)", err(recv(s, b, 20,
	    MSG_WAITALL)), 20);
	check("the bytes", strncmp(b, "sendfile to a socket", 20) == 0);
	unlink(path);
	close(fd);
	close(c);
	close(s);
	close(l);
}

static void
epoll_socket(void)
{
	int l = listener4(), c = socket(AF_INET, SOCK_STREAM, 0), s;
	struct sockaddr_in a = lo4(port_of(l));
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP }, got;
	int ep = epoll_create1(0);

	connect(c, (struct sockaddr *)&a, sizeof(a));
	ev.data.fd = l;
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	check("epoll: listener readable", epoll_wait(ep, &got, 1, 10000) == 1 &&
	    got.data.fd == l);
	s = accept(l, NULL, NULL);
	ev.data.fd = s;
	ev.events = EPOLLIN | EPOLLET | EPOLLRDHUP;
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	epoll_ctl(ep, EPOLL_CTL_DEL, l, NULL);
	expect_val("epoll: nothing yet", epoll_wait(ep, &got, 1, 0), 0);
	write(c, "e", 1);
	check("epoll: data (edge)", epoll_wait(ep, &got, 1, 10000) == 1 &&
	    got.data.fd == s && (got.events & EPOLLIN));
	close(c);
	check("epoll: peer closed (EPOLLRDHUP)",
	    epoll_wait(ep, &got, 1, 10000) == 1 &&
	    (got.events & EPOLLRDHUP));
	close(s);
	close(l);
	close(ep);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	tcp4();
	tcp_errors();
	tcp6();
	udp();
	msgs();
	sendfile_socket();
	epoll_socket();
	return finish();
}
