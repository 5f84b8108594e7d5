/*
 * SCM_RIGHTS travel with their message, as Linux: on a datagram socket
 * the descriptors come with the datagram they were sent with; on a
 * stream, a read may run into the bytes of a message carrying rights
 * and takes them, but stops at that message's end, and a partial read
 * of it takes them with its first byte.  Rights never read are closed
 * when the socket is (the file is released: a pipe sees its end), and
 * read(2), which has no room for them, closes them.  Compared with
 * Linux.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "guest.h"

static long
err(long rc)
{
	return rc < 0 ? -errno : rc;
}

/* Send len bytes of data with the descriptor fd (-1: none). */
static long
send_with(int s, const char *data, size_t len, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec io = { (void *)data, len };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1 };
	struct cmsghdr *h;

	if (fd >= 0) {
		memset(ctl, 0, sizeof(ctl));
		m.msg_control = ctl;
		m.msg_controllen = sizeof(ctl);
		h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(int));
	}
	return err(sendmsg(s, &m, 0));
}

/*
 * One recvmsg of up to len bytes into buf (NUL-terminated); *got is the
 * descriptor that came (-1: none), *n how many came.
 */
static long
recv_with(int s, char *buf, size_t len, int *got, int *n)
{
	char ctl[CMSG_SPACE(4 * sizeof(int))];
	struct iovec io = { buf, len };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *h;
	long rc;

	*got = -1;
	*n = 0;
	memset(ctl, 0, sizeof(ctl));
	rc = err(recvmsg(s, &m, MSG_DONTWAIT));
	buf[rc > 0 ? rc : 0] = 0;
	for (h = CMSG_FIRSTHDR(&m); rc >= 0 && h != NULL;
	    h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
			*n += (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(got, CMSG_DATA(h), sizeof(int));
		}
	return rc;
}

/* Which pipe a received write end belongs to: "p", "q" or "?". */
static const char *
which(int fd, const int *p, const int *q)
{
	char c;

	if (fd < 0)
		return "none";
	if (write(fd, "!", 1) != 1)
		return "?";
	close(fd);
	if (read(p[0], &c, 1) == 1)
		return "p";
	if (read(q[0], &c, 1) == 1)
		return "q";
	return "?";
}

static void
report(const char *what, long rc, const char *buf, int got, int n,
    const int *p, const int *q)
{
	out("%s: %s \"%s\", %d descriptor(s), %s\n", what,
	    rc < 0 ? errname(rc) : "ok", rc > 0 ? buf : "", n,
	    which(got, p, q));
}

/* One recv_with of up to len bytes (0: all the buffer), reported. */
static void
step(const char *what, int s, size_t len, const int *p, const int *q)
{
	char buf[64];
	int got, n;
	long rc = recv_with(s, buf, len ? len : sizeof(buf) - 1, &got, &n);

	report(what, rc, buf, got, n, p, q);
}

static void
stream(const int *p, const int *q)
{
	char buf[64];
	int sv[2];
	long rc;

	out("stream:\n");
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	expect_val("  send aaa", send_with(sv[0], "aaa", 3, -1), 3);
	expect_val("  send bbb with p", send_with(sv[0], "bbb", 3, p[1]), 3);
	expect_val("  send ccc with q", send_with(sv[0], "ccc", 3, q[1]), 3);
	expect_val("  send ddd", send_with(sv[0], "ddd", 3, -1), 3);
	step("  first read (runs into bbb, stops at its end)", sv[1], 0, p,
	    q);
	step("  second read", sv[1], 0, p, q);
	step("  third read", sv[1], 0, p, q);
	step("  then", sv[1], 0, p, q);

	expect_val("  send xyz with q", send_with(sv[0], "xyz", 3, q[1]), 3);
	expect_val("  send uvw with p", send_with(sv[0], "uvw", 3, p[1]), 3);
	step("  one byte of xyz", sv[1], 1, p, q);
	step("  the rest of it", sv[1], 0, p, q);
	step("  uvw", sv[1], 0, p, q);

	/* MSG_WAITALL stops at the end of the message too. */
	expect_val("  send 12 with p", send_with(sv[0], "12", 2, p[1]), 2);
	expect_val("  send 34", send_with(sv[0], "34", 2, -1), 2);
	{
		char ctl[CMSG_SPACE(sizeof(int))];
		struct iovec io = { buf, 4 };
		struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
		    .msg_control = ctl, .msg_controllen = sizeof(ctl) };

		rc = err(recvmsg(sv[1], &m, MSG_WAITALL));
		expect_val("  MSG_WAITALL for 4 bytes", rc, 2);
		if (m.msg_controllen > 0)
			close(*(int *)CMSG_DATA(CMSG_FIRSTHDR(&m)));
		rc = err(recv(sv[1], buf, 4, 0));
		expect_val("  then the other 2", rc, 2);
	}
	close(sv[0]);
	close(sv[1]);
}

static void
datagram(const int *p, const int *q)
{
	char buf[64];
	int sv[2];

	out("datagram:\n");
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	expect_val("  send d1", send_with(sv[0], "d1", 2, -1), 2);
	expect_val("  send d2 with p", send_with(sv[0], "d2", 2, p[1]), 2);
	expect_val("  send d3 with q", send_with(sv[0], "d3", 2, q[1]), 2);
	expect_val("  send d4 with p", send_with(sv[0], "d4", 2, p[1]), 2);
	step("  d1", sv[1], 0, p, q);
	step("  d2", sv[1], 0, p, q);
	expect_val("  recv d3 (no room for its rights)", err(recv(sv[1], buf,
	    sizeof(buf), 0)), 2);
	step("  d4", sv[1], 0, p, q);
	step("  then", sv[1], 0, p, q);
	close(sv[0]);
	close(sv[1]);
}

/*
 * A socketpair of type whose sv[1] has a pipe's write end in flight
 * (sent from sv[0], our copy closed); r[0] is the pipe's read end,
 * non-blocking.
 */
static void
in_flight(int type, const char *what, int *sv, int *r)
{
	out("%s:\n", what);
	socketpair(AF_UNIX, type, 0, sv);
	pipe(r);
	expect_val("  send the write end", send_with(sv[0], "w", 1, r[1]), 1);
	close(r[1]);
	fcntl(r[0], F_SETFL, O_NONBLOCK);
}

/* A write end sent and never read: closing the sockets releases it. */
static void
unread(int type, const char *what)
{
	int sv[2], r[2];
	char c;

	in_flight(type, what, sv, r);
	expect_err("  the pipe still has a writer", err(read(r[0], &c, 1)),
	    EAGAIN);
	close(sv[1]);
	close(sv[0]);
	expect_val("  after close, the pipe has none", err(read(r[0], &c, 1)),
	    0);
	close(r[0]);
}

/* MSG_PEEK hands out copies of the descriptors; the message keeps its. */
static void
peek(int type, const char *what, const int *p, const int *q)
{
	char buf[64], ctl[CMSG_SPACE(sizeof(int))];
	struct iovec io = { buf, sizeof(buf) - 1 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	int sv[2], fd = -1;
	long rc;

	out("%s:\n", what);
	socketpair(AF_UNIX, type, 0, sv);
	expect_val("  send pk with q", send_with(sv[0], "pk", 2, q[1]), 2);
	rc = err(recvmsg(sv[1], &m, MSG_PEEK));
	expect_val("  MSG_PEEK", rc, 2);
	expect_val("  a descriptor", m.msg_controllen,
	    CMSG_SPACE(sizeof(int)));
	if (m.msg_controllen > 0)
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(fd));
	out("  it is: %s\n", which(fd, p, q));
	step("  then the message itself", sv[1], 0, p, q);
	close(sv[0]);
	close(sv[1]);
}

/* read(2) and recv(2) have no room for rights: they are closed. */
static void
by_read(int type, const char *what, int use_recv)
{
	int sv[2], r[2];
	char c[4];

	in_flight(type, what, sv, r);
	if (use_recv)
		expect_val("  recv(2) the byte", err(recv(sv[1], c, sizeof(c),
		    0)), 1);
	else
		expect_val("  read(2) the byte", err(read(sv[1], c,
		    sizeof(c))), 1);
	expect_val("  the pipe has no writer", err(read(r[0], c, 1)), 0);
	close(r[0]);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	int p[2], q[2];

	signal(SIGPIPE, SIG_IGN);
	expect_ok("pipe", err(pipe(p)));
	expect_ok("pipe", err(pipe(q)));
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(q[0], F_SETFL, O_NONBLOCK);
	stream(p, q);
	datagram(p, q);
	peek(SOCK_STREAM, "MSG_PEEK on a stream", p, q);
	peek(SOCK_DGRAM, "MSG_PEEK on a datagram socket", p, q);
	unread(SOCK_STREAM, "unread on a stream");
	unread(SOCK_DGRAM, "unread on a datagram socket");
	by_read(SOCK_STREAM, "read(2) on a stream", 0);
	by_read(SOCK_DGRAM, "read(2) on a datagram socket", 0);
	by_read(SOCK_STREAM, "recv(2) on a stream", 1);
	by_read(SOCK_DGRAM, "recv(2) on a datagram socket", 1);
	return finish();
}
