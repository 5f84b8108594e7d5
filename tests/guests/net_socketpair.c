/*
 * socketpair(AF_UNIX): streams both ways, end of stream and EPIPE after
 * the other end closes, datagrams keeping their boundaries, poll and
 * epoll readiness, names, and the errors; compared with Linux.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest.h"

static char big[300000], got[300000];

static long
err(long rc)
{
	return rc < 0 ? -errno : rc;
}

static void
stream(void)
{
	int sv[2], v = 0;
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	char b[16];
	size_t sent = 0, recvd = 0;

	expect_ok("socketpair(AF_UNIX, SOCK_STREAM)",
	    err(socketpair(AF_UNIX, SOCK_STREAM, 0, sv)));
	expect_val("write", err(write(sv[0], "ping", 4)), 4);
	expect_val("read", err(read(sv[1], b, sizeof(b))), 4);
	expect_val("write back", err(write(sv[1], "pong", 4)), 4);
	expect_val("read back", err(read(sv[0], b, sizeof(b))), 4);
	check("bytes", memcmp(b, "pong", 4) == 0);
	check("getsockname: AF_UNIX, unnamed",
	    getsockname(sv[0], (struct sockaddr *)&a, &len) == 0 &&
	    len == sizeof(sa_family_t) && a.sun_family == AF_UNIX);
	len = sizeof(v);
	getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len);
	expect_val("SO_DOMAIN", v, AF_UNIX);
	getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len);
	expect_val("SO_TYPE", v, SOCK_STREAM);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 251);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	while (recvd < sizeof(big)) {
		struct pollfd p[2] = { { sv[0], POLLOUT, 0 },
		    { sv[1], POLLIN, 0 } };

		if (poll(p, 2, 10000) <= 0)
			break;
		if (sent < sizeof(big) && (p[0].revents & POLLOUT)) {
			long w = write(sv[0], big + sent, sizeof(big) - sent);

			if (w > 0)
				sent += (size_t)w;
		}
		if (p[1].revents & POLLIN) {
			long r = read(sv[1], got + recvd, sizeof(got) - recvd);

			if (r <= 0)
				break;
			recvd += (size_t)r;
		}
	}
	check("300000 bytes through, in order", recvd == sizeof(big) &&
	    memcmp(big, got, sizeof(big)) == 0);
	close(sv[1]);
	expect_err("send after the other end closed (MSG_NOSIGNAL)",
	    err(send(sv[0], "x", 1, MSG_NOSIGNAL)), EPIPE);
	{
		struct pollfd p = { sv[0], POLLIN | POLLOUT, 0 };

		check("poll: POLLHUP", poll(&p, 1, 1000) == 1 &&
		    (p.revents & POLLHUP));
	}
	expect_val("read: end of stream", err(read(sv[0], b, 1)), 0);
	close(sv[0]);
}

static void
dgram(void)
{
	int sv[2], ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	char b[64];

	expect_ok("socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC)",
	    err(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)));
	check("FD_CLOEXEC set", fcntl(sv[0], F_GETFD) == FD_CLOEXEC);
	ev.data.fd = sv[1];
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev);
	expect_val("epoll: nothing yet", epoll_wait(ep, &out, 1, 0), 0);
	expect_val("send one", err(send(sv[0], "first", 5, 0)), 5);
	expect_val("send two", err(send(sv[0], "second!", 7, 0)), 7);
	check("epoll: readable", epoll_wait(ep, &out, 1, 10000) == 1 &&
	    out.data.fd == sv[1]);
	expect_val("recv keeps boundaries", err(recv(sv[1], b, sizeof(b),
	    0)), 5);
	expect_val("and the next", err(recv(sv[1], b, sizeof(b), 0)), 7);
	expect_err("nothing left (MSG_DONTWAIT)", err(recv(sv[1], b,
	    sizeof(b), MSG_DONTWAIT)), EAGAIN);
	close(sv[0]);
	close(sv[1]);
	close(ep);
}

static void
errors(void)
{
	int sv[2];

	expect_err("socketpair(AF_INET)", err(socketpair(AF_INET,
	    SOCK_STREAM, 0, sv)), EOPNOTSUPP);
	expect_err("socketpair(255)", err(socketpair(255, SOCK_STREAM, 0,
	    sv)), EAFNOSUPPORT);
	expect_err("socketpair with a protocol", err(socketpair(AF_UNIX,
	    SOCK_STREAM, 6, sv)), EPROTONOSUPPORT);
	expect_err("socketpair with a bad pointer",
	    SYS4(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, 16), EFAULT);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	stream();
	dgram();
	errors();
	return finish();
}
