/*
 * socket(AF_UNIX) with path names: bind makes a socket node in the file
 * tree (S_IFSOCK, mode 0777 & ~umask), connect finds the listener through
 * it (also after a rename), a stale or unlinked node refuses, the names
 * and their lengths (offsetof(sun_path) + strlen + 1), datagrams by path
 * with the sender's name, and the errors of the path walk; compared with
 * Linux.  Everything lives in a directory named after the process id.
 */
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "guest.h"

static char dir[64];

static long
err(long rc)
{
	return rc < 0 ? -errno : rc;
}

/* dir/tag as a sockaddr_un; the length covers only the path, no NUL. */
static socklen_t
path(struct sockaddr_un *a, const char *tag)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, tag);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(a->sun_path));
}

/* got is the path of want, with Linux's length (the NUL counted). */
static int
is_path(const struct sockaddr_un *got, socklen_t glen,
    const struct sockaddr_un *want)
{
	return got->sun_family == AF_UNIX &&
	    glen == offsetof(struct sockaddr_un, sun_path) +
	    strlen(want->sun_path) + 1 &&
	    strcmp(got->sun_path, want->sun_path) == 0;
}

static void
stream(void)
{
	struct sockaddr_un a, b, g;
	socklen_t alen = path(&a, "stream"), glen;
	struct stat st;
	int l, l2, c, s;
	char buf[16];

	l = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_ok("bind a path", err(bind(l, (struct sockaddr *)&a, alen)));
	check("stat: a socket node",
	    stat(a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode));
	expect_val("its mode: 0777 & ~umask", st.st_mode & 07777, 0755);
	glen = sizeof(g);
	check("getsockname: the path, strlen + 1",
	    getsockname(l, (struct sockaddr *)&g, &glen) == 0 &&
	    is_path(&g, glen, &a));
	l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_err("bind a path that exists", err(bind(l2,
	    (struct sockaddr *)&a, alen)), EADDRINUSE);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_err("connect before listen", err(connect(c,
	    (struct sockaddr *)&a, alen)), ECONNREFUSED);
	close(c);

	expect_ok("listen", err(listen(l, 4)));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_ok("connect by path", err(connect(c, (struct sockaddr *)&a,
	    sizeof(a))));
	glen = sizeof(g);
	s = accept(l, (struct sockaddr *)&g, &glen);
	expect_ok("accept", err(s));
	check("accept: an unnamed connector, length 2",
	    glen == sizeof(sa_family_t));
	glen = sizeof(g);
	check("getpeername: the listener's path",
	    getpeername(c, (struct sockaddr *)&g, &glen) == 0 &&
	    is_path(&g, glen, &a));
	expect_val("write", err(write(c, "ping", 4)), 4);
	expect_val("read", err(read(s, buf, sizeof(buf))), 4);
	check("bytes", memcmp(buf, "ping", 4) == 0);
	close(s);
	close(c);

	/* The node, not the name, is the address. */
	path(&b, "renamed");
	expect_ok("rename the node", err(rename(a.sun_path, b.sun_path)));
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_ok("connect through the new name", err(connect(c,
	    (struct sockaddr *)&b, sizeof(b))));
	glen = sizeof(g);
	check("getpeername: the name bound, not the new one",
	    getpeername(c, (struct sockaddr *)&g, &glen) == 0 &&
	    is_path(&g, glen, &a));
	s = accept(l, NULL, NULL);
	expect_ok("accept it", err(s));
	close(s);
	close(c);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_err("connect through the old name", err(connect(c,
	    (struct sockaddr *)&a, alen)), ENOENT);
	close(c);

	close(l);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	expect_err("connect to a stale node", err(connect(c,
	    (struct sockaddr *)&b, sizeof(b))), ECONNREFUSED);
	close(c);
	check("the stale node stays", stat(b.sun_path, &st) == 0 &&
	    S_ISSOCK(st.st_mode));
	expect_err("bind over the stale node", err(bind(l2,
	    (struct sockaddr *)&b, sizeof(b))), EADDRINUSE);
	expect_ok("unlink it", err(unlink(b.sun_path)));
	expect_ok("bind after the unlink", err(bind(l2,
	    (struct sockaddr *)&b, sizeof(b))));
	close(l2);
	unlink(b.sun_path);
}

static void
dgram(void)
{
	struct sockaddr_un a, b, g;
	socklen_t alen = path(&a, "dg-a"), blen = path(&b, "dg-b"), glen;
	int x = socket(AF_UNIX, SOCK_DGRAM, 0), y = socket(AF_UNIX,
	    SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[16];

	expect_ok("bind a", err(bind(x, (struct sockaddr *)&a, alen)));
	expect_ok("bind b", err(bind(y, (struct sockaddr *)&b, blen)));
	expect_val("sendto a path", err(sendto(y, "hello", 5, 0,
	    (struct sockaddr *)&a, alen)), 5);
	glen = sizeof(g);
	expect_val("recvfrom", err(recvfrom(x, buf, sizeof(buf), 0,
	    (struct sockaddr *)&g, &glen)), 5);
	check("recvfrom: the sender's path", is_path(&g, glen, &b));
	expect_err("connect a stream to a datagram path", err(connect(s,
	    (struct sockaddr *)&a, alen)), EPROTOTYPE);
	close(x);
	close(y);
	close(s);
	unlink(a.sun_path);
	unlink(b.sun_path);
}

static void
errors(void)
{
	struct sockaddr_un a;
	socklen_t alen;
	int s = socket(AF_UNIX, SOCK_STREAM, 0), fd;

	alen = path(&a, "none/sock");
	expect_err("bind in a missing directory", err(bind(s,
	    (struct sockaddr *)&a, alen)), ENOENT);
	alen = path(&a, "file");
	fd = open(a.sun_path, O_CREAT | O_WRONLY, 0644);
	close(fd);
	expect_err("connect to a regular file", err(connect(s,
	    (struct sockaddr *)&a, alen)), ECONNREFUSED);
	expect_err("bind over a regular file", err(bind(s,
	    (struct sockaddr *)&a, alen)), EADDRINUSE);
	alen = path(&a, "file/sock");
	expect_err("bind under a file", err(bind(s, (struct sockaddr *)&a,
	    alen)), ENOTDIR);
	path(&a, "file");
	unlink(a.sun_path);
	alen = path(&a, "missing");
	expect_err("connect, no node", err(connect(s, (struct sockaddr *)&a,
	    alen)), ENOENT);
	close(s);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	snprintf(dir, sizeof(dir), "/tmp/net_unix_path.%d", (int)getpid());
	expect_ok("mkdir", err(mkdir(dir, 0755)));
	stream();
	dgram();
	errors();
	rmdir(dir);
	return finish();
}
