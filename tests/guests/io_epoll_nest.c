/*
 * io_epoll_nest: instances watching instances get Linux's limits in
 * epoll_ctl, so a graph cannot make one write cost more than a bounded
 * number of wake-ups.  A loop (ELOOP), a chain deeper than 5 instances
 * (ELOOP), and more wake-up paths from one file than path_limits allows
 * (EINVAL); then a wide graph within the limits still reports the
 * write through every level.
 */
#include <sys/epoll.h>

#include "guest.h"

static long
ctl(int ep, int op, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return SYS4(SYS_epoll_ctl, ep, op, fd, &ev);
}

static int
mk(void)
{
	return (int)SYS1(SYS_epoll_create1, EPOLL_CLOEXEC);
}

int
main(void)
{
	int a = mk(), b = mk(), c = mk(), chain[7], p[2], n, ok = 1;
	int inner[40], outer[40];
	struct epoll_event ev[4];
	long rc;

	expect_err("add itself", ctl(a, EPOLL_CTL_ADD, a), EINVAL);
	expect_ok("a watches b", ctl(a, EPOLL_CTL_ADD, b));
	expect_ok("b watches c", ctl(b, EPOLL_CTL_ADD, c));
	expect_err("c watches a: loop", ctl(c, EPOLL_CTL_ADD, a), ELOOP);
	expect_err("b watches a: loop", ctl(b, EPOLL_CTL_ADD, a), ELOOP);

	for (int i = 0; i < 7; i++)
		chain[i] = mk();
	for (int i = 0; i < 6; i++) {
		rc = ctl(chain[i], EPOLL_CTL_ADD, chain[i + 1]);
		out("chain of %d instances: %s\n", i + 2,
		    rc == 0 ? "ok" : errname(rc));
	}
	/* Grow a chain from the top: the depth above counts too. */
	expect_err("watch the top of a 5-chain", ctl(c, EPOLL_CTL_ADD,
	    chain[0]), ELOOP);

	SYS1(SYS_pipe, p);
	for (int i = 0; i < 40; i++) {
		inner[i] = mk();
		outer[i] = mk();
		if (ctl(inner[i], EPOLL_CTL_ADD, p[0]) != 0)
			ok = 0;
	}
	check("40 instances watch a pipe", ok);
	/* 40 x 40 = 1600 paths of length 2 > 500: refused on the way. */
	n = 0;
	for (int i = 0; i < 40; i++)
		for (int j = 0; j < 40; j++) {
			rc = ctl(outer[i], EPOLL_CTL_ADD, inner[j]);
			if (rc == 0)
				n++;
			else if (rc != -EINVAL)
				ok = 0;
		}
	out("inner instances added to outer ones: %d\n", n);
	check("the rest refused with EINVAL", ok);
	SYS3(SYS_write, p[1], "x", 1);
	check("outer[0] sees the write", SYS4(SYS_epoll_wait, outer[0], ev,
	    4, 0) > 0);
	check("inner[39] sees the write", SYS4(SYS_epoll_wait, inner[39], ev,
	    4, 0) == 1);
	return finish();
}
