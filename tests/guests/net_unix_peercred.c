/*
 * SO_PEERCRED on AF_UNIX sockets, as Linux: a socketpair's ends see
 * their creator; a connected stream sees the connector's credentials
 * from the accepted end and the listener's (taken at listen) from the
 * connecting end; an unconnected socket, a datagram socket connected by
 * name and a TCP socket see pid 0, uid and gid -1.  Compared with Linux.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest.h"

static long
err(long rc)
{
	return rc < 0 ? -errno : rc;
}

/* "self" (our pid, euid, egid), "none" (0, -1, -1) or the numbers. */
static void
peercred(const char *what, int s)
{
	struct ucred c;
	socklen_t len = sizeof(c);
	long rc;

	memset(&c, 0x55, sizeof(c));
	rc = err(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &len));
	if (rc < 0)
		out("%s: %s\n", what, errname(rc));
	else if (len != sizeof(c))
		out("%s: length %u\n", what, (unsigned)len);
	else if (c.pid == getpid() && c.uid == geteuid() && c.gid == getegid())
		out("%s: self\n", what);
	else if (c.pid == 0 && c.uid == (uid_t)-1 && c.gid == (gid_t)-1)
		out("%s: none\n", what);
	else
		out("%s: pid %s uid %u gid %u\n", what, c.pid == getpid() ?
		    "self" : "other", (unsigned)c.uid, (unsigned)c.gid);
}

int
main(void)
{
	struct sockaddr_un a;
	socklen_t alen;
	struct ucred c;
	socklen_t clen = 4;
	int sv[2], l, cl, ac, d, e, t;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	peercred("socketpair stream, first end", sv[0]);
	peercred("socketpair stream, second end", sv[1]);
	close(sv[0]);
	peercred("  after the other end closed", sv[1]);
	close(sv[1]);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	peercred("socketpair datagram", sv[0]);
	close(sv[0]);
	close(sv[1]);

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	alen = offsetof(struct sockaddr_un, sun_path) + 1 + snprintf(
	    a.sun_path + 1, sizeof(a.sun_path) - 1, "peercred-%d",
	    (int)getpid());
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	cl = socket(AF_UNIX, SOCK_STREAM, 0);
	peercred("unconnected stream", cl);
	bind(l, (struct sockaddr *)&a, alen);
	listen(l, 1);
	peercred("listener", l);
	expect_ok("connect", err(connect(cl, (struct sockaddr *)&a, alen)));
	ac = accept(l, NULL, NULL);
	expect_ok("accept", err(ac));
	peercred("connecting end", cl);
	peercred("accepted end", ac);
	expect_ok("SO_PEERCRED into 4 bytes", err(getsockopt(cl, SOL_SOCKET,
	    SO_PEERCRED, &c, &clen)));
	expect_val("  length", clen, 4);
	expect_err("setsockopt SO_PEERCRED", err(setsockopt(cl, SOL_SOCKET,
	    SO_PEERCRED, &c, sizeof(c))), ENOPROTOOPT);
	close(ac);
	close(cl);
	close(l);

	d = socket(AF_UNIX, SOCK_DGRAM, 0);
	e = socket(AF_UNIX, SOCK_DGRAM, 0);
	a.sun_path[1] = 'D';
	bind(d, (struct sockaddr *)&a, alen);
	expect_ok("connect datagram", err(connect(e, (struct sockaddr *)&a,
	    alen)));
	peercred("datagram connected by name", e);
	close(d);
	close(e);
	t = socket(AF_INET, SOCK_STREAM, 0);
	peercred("TCP socket", t);
	close(t);
	return finish();
}
