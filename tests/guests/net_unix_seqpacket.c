/*
 * AF_UNIX SOCK_SEQPACKET, as Linux: record boundaries kept (each recv
 * one message, a longer one cut with MSG_TRUNC and its rest dropped,
 * MSG_TRUNC in the flags giving its length, MSG_PEEK, a message over
 * several iovecs), write/read, MSG_EOR accepted, EMSGSIZE past the send
 * buffer, SCM_RIGHTS with their message, EOF and EPIPE once the other
 * end is closed; socketpair and named sockets (abstract and path, a
 * message sent before accept) and the type kept apart from
 * SOCK_STREAM's names.  Compared with Linux.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

static char big[300000];

/* recvmsg into len bytes: the result, and "MSG_TRUNC" if flagged. */
static void
recv_show(const char *what, int s, size_t len, int flags)
{
	char buf[4096];
	struct iovec io = { buf, len };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1 };
	long rc = err(recvmsg(s, &m, flags | MSG_DONTWAIT));

	if (rc < 0) {
		out("%s: %s\n", what, errname(rc));
		return;
	}
	out("%s: %ld%s \"%.*s\"\n", what, rc, (m.msg_flags & MSG_TRUNC) ?
	    " MSG_TRUNC" : "", (int)(rc < 8 ? rc : 8), buf);
}

static void
exchange(int a, int b)
{
	char buf[16];
	struct iovec io[2] = { { buf, 3 }, { buf + 3, 3 } };
	struct msghdr m = { .msg_iov = io, .msg_iovlen = 2 };
	int v = 0, p[2];
	socklen_t len = sizeof(v);

	expect_ok("  SO_TYPE", err(getsockopt(a, SOL_SOCKET, SO_TYPE, &v,
	    &len)));
	expect_val("  is SOCK_SEQPACKET", v, SOCK_SEQPACKET);
	expect_val("  send hello", err(send(a, "hello", 5, 0)), 5);
	expect_val("  send hi with MSG_EOR", err(send(a, "hi", 2, MSG_EOR)),
	    2);
	expect_val("  send 3000 bytes", err(send(a, big, 3000, 0)), 3000);
	expect_val("  send abcdef", err(send(a, "abcdef", 6, 0)), 6);
	expect_val("  write xyz", err(write(a, "xyz", 3)), 3);
	recv_show("  recv into 100", b, 100, 0);
	recv_show("  MSG_PEEK", b, 100, MSG_PEEK);
	recv_show("  recv into 100", b, 100, 0);
	recv_show("  recv 3000 into 1000", b, 1000, 0);
	m.msg_flags = 0;
	expect_val("  recvmsg over 3+3 iovecs", err(recvmsg(b, &m, 0)), 6);
	check("  abcdef", memcmp(buf, "abcdef", 6) == 0);
	expect_val("  read xyz", err(read(b, buf, sizeof(buf))), 3);
	recv_show("  then", b, 100, 0);
	expect_val("  send 3000 again", err(send(a, big, 3000, 0)), 3000);
	expect_val("  recv MSG_TRUNC into 10", err(recv(b, buf, 10,
	    MSG_TRUNC)), 3000);
	recv_show("  then", b, 100, 0);
	expect_val("  send 100000", err(send(a, big, 100000, 0)), 100000);
	expect_val("  recv it whole", err(recv(b, big + 100000, 200000, 0)),
	    100000);
	expect_err("  send 1 MiB", err(send(a, malloc(1 << 20), 1 << 20, 0)),
	    EMSGSIZE);
	pipe(p);
	{
		char ctl[CMSG_SPACE(sizeof(int))];
		struct iovec io1 = { "r", 1 };
		struct msghdr sm = { .msg_iov = &io1, .msg_iovlen = 1,
		    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		struct cmsghdr *h = CMSG_FIRSTHDR(&sm);

		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &p[1], sizeof(int));
		expect_val("  send q", err(send(a, "q", 1, 0)), 1);
		expect_val("  sendmsg r with a descriptor", err(sendmsg(a, &sm,
		    0)), 1);
		memset(ctl, 0, sizeof(ctl));
		io[0].iov_len = sizeof(buf);
		m.msg_iovlen = 1;
		m.msg_control = ctl;
		m.msg_controllen = sizeof(ctl);
		expect_val("  recvmsg q", err(recvmsg(b, &m, 0)), 1);
		expect_val("  without rights", m.msg_controllen, 0);
		m.msg_controllen = sizeof(ctl);
		expect_val("  recvmsg r", err(recvmsg(b, &m, 0)), 1);
		expect_val("  with its descriptor", m.msg_controllen,
		    CMSG_SPACE(sizeof(int)));
		if (m.msg_controllen > 0)
			close(*(int *)CMSG_DATA(CMSG_FIRSTHDR(&m)));
	}
	close(p[0]);
	close(p[1]);
	close(a);
	recv_show("  after the other end closed", b, 100, 0);
	expect_err("  send", err(send(b, "z", 1, MSG_NOSIGNAL)), EPIPE);
	close(b);
}

static void
named(int abstract)
{
	struct sockaddr_un a;
	socklen_t alen;
	int l, c, s, t;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (abstract)
		alen = offsetof(struct sockaddr_un, sun_path) + 1 + snprintf(
		    a.sun_path + 1, sizeof(a.sun_path) - 1, "seq-%d",
		    (int)getpid());
	else
		alen = offsetof(struct sockaddr_un, sun_path) + 1 + snprintf(
		    a.sun_path, sizeof(a.sun_path), "/tmp/seq-%d",
		    (int)getpid());
	out("%s name:\n", abstract ? "abstract" : "path");
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
	t = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_ok("  bind", err(bind(l, (struct sockaddr *)&a, alen)));
	expect_ok("  listen", err(listen(l, 2)));
	if (abstract)
		expect_err("  a SOCK_STREAM connecting", err(connect(t,
		    (struct sockaddr *)&a, alen)), ECONNREFUSED);
	else
		expect_err("  a SOCK_STREAM connecting", err(connect(t,
		    (struct sockaddr *)&a, alen)), EPROTOTYPE);
	expect_ok("  connect", err(connect(c, (struct sockaddr *)&a, alen)));
	expect_val("  send one before accept", err(send(c, "one", 3, 0)), 3);
	expect_val("  send two", err(send(c, "two", 3, 0)), 3);
	s = accept(l, NULL, NULL);
	expect_ok("  accept", err(s));
	recv_show("  recv", s, 100, 0);
	recv_show("  recv", s, 100, 0);
	expect_val("  reply", err(send(s, "back", 4, 0)), 4);
	recv_show("  recv the reply", c, 100, 0);
	close(s);
	close(c);
	close(t);
	close(l);
	if (!abstract)
		unlink(a.sun_path);
}

int
main(void)
{
	int sv[2];

	signal(SIGPIPE, SIG_IGN);
	memset(big, 'B', sizeof(big));
	out("socketpair:\n");
	expect_ok("  socketpair", err(socketpair(AF_UNIX, SOCK_SEQPACKET, 0,
	    sv)));
	exchange(sv[0], sv[1]);
	named(1);
	named(0);
	return finish();
}
