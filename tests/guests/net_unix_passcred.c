/*
 * SO_PASSCRED and SCM_CREDENTIALS on AF_UNIX sockets, as Linux: the
 * receiver with SO_PASSCRED gets the sender's pid, uid and gid with
 * every message (send, write and sendmsg alike), or the credentials
 * the sender gave (checked: -1 is EINVAL, a pid no process has ESRCH,
 * a short cmsg EINVAL), before any SCM_RIGHTS; a stream glues writes
 * with the same credentials; without SO_PASSCRED nothing comes.
 * Run as root natively and in Cloister: compared with Linux.
 */
#include <fcntl.h>
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

/* sendmsg with credentials c (NULL: none) and descriptor fd (-1: none);
 * credlen: the SCM_CREDENTIALS payload length. */
static long
send_ctl(int s, const char *data, const struct ucred *c, size_t credlen,
    int fd)
{
	char ctl[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int))];
	struct iovec io = { (void *)data, strlen(data) };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
	    .msg_control = ctl };
	struct cmsghdr *h;
	size_t used = 0;

	memset(ctl, 0, sizeof(ctl));
	m.msg_controllen = sizeof(ctl);
	h = CMSG_FIRSTHDR(&m);
	if (c != NULL) {
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_CREDENTIALS;
		h->cmsg_len = CMSG_LEN(credlen);
		memcpy(CMSG_DATA(h), c, sizeof(*c));
		used += CMSG_SPACE(credlen);
		h = (struct cmsghdr *)(ctl + used);
	}
	if (fd >= 0) {
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(int));
		used += CMSG_SPACE(sizeof(int));
	}
	m.msg_controllen = used;
	if (used == 0)
		m.msg_control = NULL;
	return err(sendmsg(s, &m, 0));
}

static const char *
who(const struct ucred *c)
{
	static char b[64];

	if (c->pid == getpid() && c->uid == getuid() && c->gid == getgid())
		return "self";
	snprintf(b, sizeof(b), "pid %s uid %u gid %u", c->pid == getpid() ?
	    "self" : c->pid == 0 ? "0" : "other", (unsigned)c->uid,
	    (unsigned)c->gid);
	return b;
}

/* recvmsg with ctlroom bytes of control; prints what came. */
static void
show(const char *what, int s, size_t ctlroom)
{
	char ctl[256], buf[32];
	struct iovec io = { buf, sizeof(buf) - 1 };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = ctlroom };
	struct cmsghdr *h;
	long rc;

	memset(ctl, 0, sizeof(ctl));
	rc = err(recvmsg(s, &m, MSG_DONTWAIT));
	if (rc < 0) {
		out("%s: %s\n", what, errname(rc));
		return;
	}
	buf[rc] = 0;
	out("%s: \"%s\"%s, controllen %zu:", what, buf,
	    (m.msg_flags & MSG_CTRUNC) ? " MSG_CTRUNC" : "",
	    (size_t)m.msg_controllen);
	for (h = CMSG_FIRSTHDR(&m); h != NULL; h = CMSG_NXTHDR(&m, h)) {
		if (h->cmsg_level == SOL_SOCKET &&
		    h->cmsg_type == SCM_CREDENTIALS &&
		    h->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred c;

			memcpy(&c, CMSG_DATA(h), sizeof(c));
			out(" creds %s;", who(&c));
		} else if (h->cmsg_level == SOL_SOCKET &&
		    h->cmsg_type == SCM_RIGHTS) {
			int n = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			int fd;

			out(" rights %d;", n);
			memcpy(&fd, CMSG_DATA(h), sizeof(fd));
			if (n > 0)
				close(fd);
		} else {
			out(" cmsg %d/%d len %zu;", h->cmsg_level,
			    h->cmsg_type, (size_t)h->cmsg_len);
		}
	}
	out("\n");
}

static void
kind(int type, const char *name)
{
	struct ucred c = { getpid(), getuid(), getgid() };
	struct ucred root0 = { getpid(), 0, 0 };
	int sv[2], on = 1, v = -1, p[2];
	socklen_t len = sizeof(v);

	out("%s:\n", name);
	socketpair(AF_UNIX, type, 0, sv);
	pipe(p);
	expect_val("  send without SO_PASSCRED", err(send(sv[0], "a", 1, 0)),
	    1);
	show("  received", sv[1], 256);
	expect_ok("  SO_PASSCRED on the receiver", err(setsockopt(sv[1],
	    SOL_SOCKET, SO_PASSCRED, &on, sizeof(on))));
	expect_ok("  read back", err(getsockopt(sv[1], SOL_SOCKET,
	    SO_PASSCRED, &v, &len)));
	expect_val("  is", v, 1);
	expect_val("  send", err(send(sv[0], "b", 1, 0)), 1);
	show("  received", sv[1], 256);
	expect_val("  write", err(write(sv[0], "c", 1)), 1);
	expect_val("  write", err(write(sv[0], "d", 1)), 1);
	show("  received", sv[1], 256);
	show("  received", sv[1], 256);
	expect_val("  sendmsg with our credentials", send_ctl(sv[0], "e", &c,
	    sizeof(c), -1), 1);
	show("  received", sv[1], 256);
	expect_val("  sendmsg with uid 0 gid 0 (root may)", send_ctl(sv[0],
	    "f", &root0, sizeof(c), -1), 1);
	show("  received", sv[1], 256);
	expect_val("  sendmsg with credentials and a descriptor",
	    send_ctl(sv[0], "g", &c, sizeof(c), p[1]), 1);
	show("  received", sv[1], 256);
	expect_val("  a descriptor, room for the credentials only",
	    send_ctl(sv[0], "h", NULL, 0, p[1]), 1);
	show("  received", sv[1], CMSG_SPACE(sizeof(struct ucred)));
	expect_val("  a descriptor, room for nothing", send_ctl(sv[0], "i",
	    NULL, 0, p[1]), 1);
	show("  received", sv[1], 0);
	c.uid = (uid_t)-1;
	expect_err("  uid -1", send_ctl(sv[0], "x", &c, sizeof(c), -1),
	    EINVAL);
	c.uid = getuid();
	c.pid = 0x3ffffff0;
	expect_err("  a pid nobody has", send_ctl(sv[0], "x", &c, sizeof(c),
	    -1), ESRCH);
	c.pid = getpid();
	expect_err("  a short SCM_CREDENTIALS", send_ctl(sv[0], "x", &c, 8,
	    -1), EINVAL);
	show("  nothing more", sv[1], 256);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	kind(SOCK_DGRAM, "datagram");
	kind(SOCK_STREAM, "stream");
	return finish();
}
