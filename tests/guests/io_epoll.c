/*
 * io_epoll: epoll over pipes and eventfd.  Level- against
 * edge-triggered, EPOLLONESHOT re-armed by EPOLL_CTL_MOD, the order
 * events come in, an item that goes away with its file's last
 * descriptor, epoll inside epoll and loops, timeouts, Linux's errors.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "guest.h"

static struct epoll_event evs[8];

static long
ctl(int ep, int op, int fd, unsigned events, long data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };

	return SYS4(SYS_epoll_ctl, ep, op, fd, &e);
}

static long
ewait(int ep, int max, int ms)
{
	memset(evs, 0, sizeof(evs));
	return SYS4(SYS_epoll_wait, ep, evs, max, ms);
}

static void
pipe2nb(int fds[2])
{
	SYS2(SYS_pipe2, fds, O_NONBLOCK);
}

static void
level_edge(void)
{
	int p[2], lt, et;
	char buf[16];

	pipe2nb(p);
	lt = (int)SYS1(SYS_epoll_create1, 0);
	et = (int)SYS1(SYS_epoll_create1, EPOLL_CLOEXEC);
	expect_val("epoll_create1 CLOEXEC", SYS2(SYS_fcntl, et, 1), 1);
	expect_ok("add LT", ctl(lt, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
	expect_ok("add ET", ctl(et, EPOLL_CTL_ADD, p[0], EPOLLIN | EPOLLET,
	    2));
	expect_val("nothing yet", ewait(lt, 8, 0), 0);
	SYS3(SYS_write, p[1], "0123456789", 10);
	expect_val("LT: one", ewait(lt, 8, 0), 1);
	check("LT: EPOLLIN, data 1", evs[0].events == EPOLLIN &&
	    evs[0].data.u64 == 1);
	expect_val("ET: one", ewait(et, 8, 0), 1);
	expect_val("LT: again", ewait(lt, 8, 0), 1);
	expect_val("ET: not again", ewait(et, 8, 0), 0);
	SYS3(SYS_read, p[0], buf, 4);
	expect_val("LT after a partial read", ewait(lt, 8, 0), 1);
	expect_val("ET after a partial read", ewait(et, 8, 0), 0);
	SYS3(SYS_write, p[1], "x", 1);
	expect_val("ET after new data", ewait(et, 8, 0), 1);
	SYS3(SYS_read, p[0], buf, 16);
	expect_val("LT drained", ewait(lt, 8, 0), 0);
	SYS1(SYS_close, p[1]);
	expect_val("LT hangup", ewait(lt, 8, 0), 1);
	expect_val("EPOLLHUP", evs[0].events, EPOLLHUP);
	expect_val("ET hangup", ewait(et, 8, 0), 1);
	expect_val("ET hangup once", ewait(et, 8, 0), 0);
	SYS1(SYS_close, p[0]);
	SYS1(SYS_close, lt);
	SYS1(SYS_close, et);
}

static void
oneshot_order(void)
{
	int a[2], b[2], ep, efd;
	unsigned long long one = 1;

	pipe2nb(a);
	pipe2nb(b);
	ep = (int)SYS1(SYS_epoll_create, 5);
	expect_ok("add a", ctl(ep, EPOLL_CTL_ADD, a[0], EPOLLIN, 'a'));
	expect_ok("add b", ctl(ep, EPOLL_CTL_ADD, b[0], EPOLLIN, 'b'));
	SYS3(SYS_write, b[1], "1", 1);
	SYS3(SYS_write, a[1], "2", 1);
	expect_val("both", ewait(ep, 8, 0), 2);
	check("b became ready first", evs[0].data.u64 == 'b' &&
	    evs[1].data.u64 == 'a');
	expect_val("one at a time", ewait(ep, 1, 0), 1);
	expect_val("first", (long)evs[0].data.u64, 'b');
	expect_val("then", ewait(ep, 1, 0), 1);
	expect_val("the other", (long)evs[0].data.u64, 'a');
	efd = (int)SYS2(SYS_eventfd2, 0, EFD_NONBLOCK);
	expect_ok("add eventfd oneshot", ctl(ep, EPOLL_CTL_ADD, efd,
	    EPOLLIN | EPOLLONESHOT, 'e'));
	expect_ok("del a", ctl(ep, EPOLL_CTL_DEL, a[0], 0, 0));
	expect_ok("del b", ctl(ep, EPOLL_CTL_DEL, b[0], 0, 0));
	SYS3(SYS_write, efd, &one, 8);
	expect_val("oneshot fires", ewait(ep, 8, 0), 1);
	expect_val("once", ewait(ep, 8, 0), 0);
	expect_ok("re-arm", ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN |
	    EPOLLONESHOT, 'f'));
	expect_val("again", ewait(ep, 8, 0), 1);
	expect_val("new data", (long)evs[0].data.u64, 'f');
	expect_val("write end ready", ctl(ep, EPOLL_CTL_ADD, a[1], EPOLLOUT,
	    'w'), 0);
	expect_val("EPOLLOUT", ewait(ep, 8, 0), 1);
	expect_val("its events", evs[0].events, EPOLLOUT);
	SYS1(SYS_close, ep);
}

static void
lifetimes(void)
{
	int p[2], ep, d;

	pipe2nb(p);
	ep = (int)SYS1(SYS_epoll_create1, 0);
	ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 7);
	d = (int)SYS1(SYS_dup, p[1]);
	SYS1(SYS_close, p[1]);
	expect_val("alive through a dup", ewait(ep, 8, 0), 1);
	SYS1(SYS_close, d);
	expect_val("gone with the last one", ewait(ep, 8, 0), 0);
	expect_val("reader sees end of file", SYS3(SYS_read, p[0],
	    (char[4]){ 0 }, 4), 0);
	expect_val("20 ms timeout", ewait(ep, 8, 20), 0);
	SYS1(SYS_close, p[0]);
	SYS1(SYS_close, ep);
}

static void
nesting_errors(void)
{
	int p[2], outer, inner, third;

	pipe2nb(p);
	outer = (int)SYS1(SYS_epoll_create1, 0);
	inner = (int)SYS1(SYS_epoll_create1, 0);
	expect_ok("inner watches the pipe", ctl(inner, EPOLL_CTL_ADD, p[0],
	    EPOLLIN, 1));
	expect_ok("outer watches inner", ctl(outer, EPOLL_CTL_ADD, inner,
	    EPOLLIN, 2));
	expect_err("a loop", ctl(inner, EPOLL_CTL_ADD, outer, EPOLLIN, 3),
	    ELOOP);
	SYS3(SYS_write, p[1], "q", 1);
	expect_val("outer sees inner", ewait(outer, 8, 0), 1);
	expect_val("data 2", (long)evs[0].data.u64, 2);
	third = (int)SYS1(SYS_epoll_create1, 0);
	expect_ok("third watches outer", ctl(third, EPOLL_CTL_ADD, outer,
	    EPOLLIN, 4));
	expect_err("a longer loop", ctl(inner, EPOLL_CTL_ADD, third,
	    EPOLLIN, 5), ELOOP);
	expect_err("add twice", ctl(inner, EPOLL_CTL_ADD, p[0], EPOLLIN, 1),
	    EEXIST);
	expect_err("mod missing", ctl(inner, EPOLL_CTL_MOD, p[1], EPOLLIN,
	    1), ENOENT);
	expect_err("del missing", ctl(inner, EPOLL_CTL_DEL, p[1], 0, 0),
	    ENOENT);
	expect_err("bad op", ctl(inner, 7, p[0], EPOLLIN, 1), EINVAL);
	expect_err("itself", ctl(inner, EPOLL_CTL_ADD, inner, EPOLLIN, 1),
	    EINVAL);
	expect_err("not an epoll fd", ctl(p[0], EPOLL_CTL_ADD, p[1], EPOLLIN,
	    1), EINVAL);
	expect_err("closed target", ctl(inner, EPOLL_CTL_ADD, 90, EPOLLIN,
	    1), EBADF);
	expect_err("closed epoll fd", ctl(90, EPOLL_CTL_ADD, p[0], EPOLLIN,
	    1), EBADF);
	expect_err("bad event pointer", SYS4(SYS_epoll_ctl, inner,
	    EPOLL_CTL_ADD, p[1], NULL), EFAULT);
	expect_err("EPOLLEXCLUSIVE with MOD", ctl(inner, EPOLL_CTL_MOD, p[0],
	    EPOLLIN | EPOLLEXCLUSIVE, 1), EINVAL);
	expect_err("epoll_create 0", SYS1(SYS_epoll_create, 0), EINVAL);
	expect_err("epoll_create1 bad flags", SYS1(SYS_epoll_create1, 1),
	    EINVAL);
	expect_err("maxevents 0", ewait(inner, 0, 0), EINVAL);
	expect_err("wait on a pipe", ewait(p[0], 1, 0), EINVAL);
	expect_err("wait on a closed fd", ewait(90, 1, 0), EBADF);
	expect_err("bad events pointer", SYS4(SYS_epoll_wait, inner,
	    ADDR_KERNEL, 1, 0), EFAULT);
	expect_val("epoll_pwait", SYS6(SYS_epoll_pwait, inner, evs, 8, 0,
	    NULL, 8), 1);
}

int
main(void)
{
	level_edge();
	oneshot_order();
	lifetimes();
	nesting_errors();
	return finish();
}
