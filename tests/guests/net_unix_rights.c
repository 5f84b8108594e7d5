/*
 * SCM_RIGHTS over socketpair(AF_UNIX): a descriptor sent with sendmsg
 * arrives as a new descriptor for the same file, MSG_CMSG_CLOEXEC sets
 * FD_CLOEXEC on it, a short control buffer gives MSG_CTRUNC and what
 * fits, a bad descriptor is EBADF; then over named sockets, a stream
 * both ways and a datagram by name; compared with Linux.
 */
#include <fcntl.h>
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

static long
send_fds(int s, const int *fds, int n)
{
	char ctl[CMSG_SPACE(4 * sizeof(int))];
	struct iovec io = { "x", 1 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	memset(ctl, 0, sizeof(ctl));
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(h), fds, n * sizeof(int));
	return err(sendmsg(s, &m, 0));
}

/* Receive one byte with ctllen bytes of control room; fds get what came. */
static long
recv_fds(int s, size_t ctllen, int flags, int *fds, int *n,
    struct msghdr *out)
{
	static char ctl[256];
	static char byte;
	static struct iovec io;
	struct cmsghdr *h;
	long rc;

	io.iov_base = &byte;
	io.iov_len = 1;
	memset(out, 0, sizeof(*out));
	out->msg_iov = &io;
	out->msg_iovlen = 1;
	out->msg_control = ctl;
	out->msg_controllen = ctllen;
	memset(ctl, 0, sizeof(ctl));
	*n = 0;
	rc = err(recvmsg(s, out, flags));
	for (h = CMSG_FIRSTHDR(out); rc >= 0 && h != NULL;
	    h = CMSG_NXTHDR(out, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
			*n = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(h), *n * sizeof(int));
		}
	return rc;
}

/* Send p's write end from a to b, then check it arrived working. */
static void
pass(const char *what, int a, int b, const int *p)
{
	struct msghdr m;
	int got[4], n;
	char c;

	out("%s:\n", what);
	expect_val("  sendmsg", send_fds(a, &p[1], 1), 1);
	expect_val("  recvmsg", recv_fds(b, 256, 0, got, &n, &m), 1);
	expect_val("  one descriptor", n, 1);
	if (n == 1) {
		expect_val("  write through it", err(write(got[0], "q", 1)), 1);
		expect_val("  the pipe has it", err(read(p[0], &c, 1)), 1);
		close(got[0]);
	}
}

static void
named(const int *p)
{
	struct sockaddr_un a, d;
	socklen_t alen, dlen;
	int l, c, s, x, y;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	alen = offsetof(struct sockaddr_un, sun_path) + 1 + snprintf(
	    a.sun_path + 1, sizeof(a.sun_path) - 1, "rights-%d", (int)getpid());
	d = a;
	d.sun_path[1] = 'R';
	dlen = alen;
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_ok("bind", err(bind(l, (struct sockaddr *)&a, alen)));
	expect_ok("listen", err(listen(l, 2)));
	expect_ok("connect", err(connect(c, (struct sockaddr *)&a, alen)));
	s = accept(l, NULL, NULL);
	expect_ok("accept", err(s));
	pass("connector to accepted", c, s, p);
	pass("accepted to connector", s, c, p);
	close(s);
	close(c);
	close(l);
	x = socket(AF_UNIX, SOCK_DGRAM, 0);
	y = socket(AF_UNIX, SOCK_DGRAM, 0);
	expect_ok("bind datagram", err(bind(x, (struct sockaddr *)&d, dlen)));
	expect_ok("connect datagram", err(connect(y, (struct sockaddr *)&d,
	    dlen)));
	pass("datagram to a name", y, x, p);
	close(x);
	close(y);
}

int
main(void)
{
	int sv[2], p[2], q[2], got[4], n, bad = 999;
	struct msghdr m;
	char b[8];

	signal(SIGPIPE, SIG_IGN);
	expect_ok("socketpair", err(socketpair(AF_UNIX, SOCK_STREAM, 0, sv)));
	expect_ok("pipe", err(pipe(p)));
	expect_ok("pipe", err(pipe(q)));

	expect_val("sendmsg SCM_RIGHTS", send_fds(sv[0], &p[1], 1), 1);
	expect_val("recvmsg", recv_fds(sv[1], 256, 0, got, &n, &m), 1);
	expect_val("one descriptor", n, 1);
	check("no MSG_CTRUNC", !(m.msg_flags & MSG_CTRUNC));
	expect_val("msg_controllen", m.msg_controllen,
	    CMSG_SPACE(sizeof(int)));
	check("a new descriptor", n == 1 && got[0] != p[1]);
	check("without FD_CLOEXEC", n == 1 &&
	    (fcntl(got[0], F_GETFD) & FD_CLOEXEC) == 0);
	expect_val("write through it", err(write(got[0], "abc", 3)), 3);
	expect_val("the pipe has it", err(read(p[0], b, sizeof(b))), 3);
	check("bytes", memcmp(b, "abc", 3) == 0);
	close(got[0]);

	expect_val("send two", send_fds(sv[0], (int[]){ p[1], q[1] }, 2), 1);
	expect_val("recvmsg MSG_CMSG_CLOEXEC", recv_fds(sv[1], 256,
	    MSG_CMSG_CLOEXEC, got, &n, &m), 1);
	expect_val("two descriptors", n, 2);
	check("with FD_CLOEXEC", n == 2 &&
	    (fcntl(got[0], F_GETFD) & FD_CLOEXEC) != 0 &&
	    (fcntl(got[1], F_GETFD) & FD_CLOEXEC) != 0);
	if (n == 2) {
		close(got[0]);
		close(got[1]);
	}

	expect_val("send two again", send_fds(sv[0], (int[]){ p[1], q[1] },
	    2), 1);
	expect_val("recvmsg, room for one", recv_fds(sv[1],
	    CMSG_LEN(sizeof(int)), 0, got, &n, &m), 1);
	check("MSG_CTRUNC", (m.msg_flags & MSG_CTRUNC) != 0);
	expect_val("one came", n, 1);
	expect_val("msg_controllen", m.msg_controllen, CMSG_LEN(sizeof(int)));
	if (n == 1) {
		expect_val("it is the first", err(write(got[0], "z", 1)), 1);
		expect_val("in the first pipe", err(read(p[0], b, 1)), 1);
		close(got[0]);
	}

	expect_val("send one, receive without room", send_fds(sv[0], &q[1],
	    1), 1);
	expect_val("recvmsg, no control buffer", recv_fds(sv[1], 0, 0, got,
	    &n, &m), 1);
	check("MSG_CTRUNC without room", (m.msg_flags & MSG_CTRUNC) != 0);
	expect_val("msg_controllen 0", m.msg_controllen, 0);

	expect_err("sendmsg a bad descriptor", send_fds(sv[0], &bad, 1),
	    EBADF);
	named(p);
	close(p[1]);
	close(q[1]);
	expect_val("the pipe ends: every copy closed", err(read(p[0], b,
	    sizeof(b))), 0);
	expect_val("the other pipe too", err(read(q[0], b, sizeof(b))), 0);
	return finish();
}
