/*
 * test_poll.c: readiness.  epoll (kernel/epoll.c, shim/poll.c): level-
 * versus edge-triggered, EPOLLONESHOT and EPOLL_CTL_MOD, the order of
 * reports, items leaving with their file's last reference, nesting and
 * loops, Linux's errors.  poll, ppoll, select and pselect6: POLLNVAL,
 * EBADF, timeouts and the time left written back, signal masks.
 */
#include "tests/unit/io_env.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"

#define U_EV		(U_RW + PAGE_SIZE)	/* struct epoll_event[] */
#define U_ONE		(U_RW + 2 * PAGE_SIZE)	/* one epoll_event */

struct ev_u {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct pollfd_u {
	int32_t fd;
	int16_t events, revents;
};

static int pfd[2];

static void
mkpipe(void)
{
	int *u = io_uptr(U_RW + 3 * PAGE_SIZE);

	CHECK(SYS(sys_pipe2, U_RW + 3 * PAGE_SIZE, O_NONBLOCK) == 0);
	pfd[0] = u[0];
	pfd[1] = u[1];
}

static long
ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct ev_u *e = io_uptr(U_ONE);

	e->events = events;
	e->data = data;
	return SYS(sys_epoll_ctl, ep, op, fd, U_ONE);
}

/* epoll_wait with timeout 0; the events in U_EV. */
static long
ewait(int ep, int max)
{
	return SYS(sys_epoll_wait, ep, U_EV, max, 0);
}

static struct ev_u *
ev(int i)
{
	return (struct ev_u *)io_uptr(U_EV) + i;
}

static void
put(int fd, const char *s)
{
	memcpy(io_uptr(U_RW), s, strlen(s));
	CHECK(SYS(sys_write, fd, U_RW, strlen(s)) == (long)strlen(s));
}

static void
test_level_vs_edge(void)
{
	int lt, et;

	io_setup();
	mkpipe();
	lt = (int)SYS(sys_epoll_create1, 0);
	et = (int)SYS(sys_epoll_create1, O_CLOEXEC);
	CHECK(SYS(sys_fcntl, et, 1) == 1);		/* F_GETFD */
	CHECK(ctl(lt, EPOLL_CTL_ADD, pfd[0], EPOLLIN, 11) == 0);
	CHECK(ctl(et, EPOLL_CTL_ADD, pfd[0], EPOLLIN | EPOLLET, 22) == 0);
	CHECK(ewait(lt, 8) == 0 && ewait(et, 8) == 0);
	put(pfd[1], "0123456789");
	CHECK(ewait(lt, 8) == 1 && ev(0)->events == EPOLLIN &&
	    ev(0)->data == 11);
	CHECK(ewait(et, 8) == 1 && ev(0)->data == 22);
	/* Level: reported while readable; edge: once per change. */
	CHECK(ewait(lt, 8) == 1 && ewait(et, 8) == 0);
	CHECK(SYS(sys_read, pfd[0], U_RW, 5) == 5);	/* partly drained */
	CHECK(ewait(lt, 8) == 1 && ewait(et, 8) == 0);
	put(pfd[1], "x");				/* a new edge */
	CHECK(ewait(et, 8) == 1 && ewait(et, 8) == 0);
	CHECK(SYS(sys_read, pfd[0], U_RW, 100) == 6);
	CHECK(ewait(lt, 8) == 0 && ewait(et, 8) == 0);
	/* The writer goes: EPOLLHUP, asked for or not. */
	CHECK(SYS(sys_close, pfd[1]) == 0);
	CHECK(ewait(lt, 8) == 1 && ev(0)->events == EPOLLHUP);
	CHECK(ewait(et, 8) == 1 && ev(0)->events == EPOLLHUP);
	CHECK(ewait(et, 8) == 0);
}

static void
test_oneshot_and_mod(void)
{
	int ep;

	io_setup();
	mkpipe();
	ep = (int)SYS(sys_epoll_create, 1);
	CHECK(ctl(ep, EPOLL_CTL_ADD, pfd[1], EPOLLOUT | EPOLLONESHOT, 5) == 0);
	CHECK(ewait(ep, 8) == 1 && ev(0)->events == EPOLLOUT);
	CHECK(ewait(ep, 8) == 0);			/* disabled */
	CHECK(ctl(ep, EPOLL_CTL_MOD, pfd[1], EPOLLOUT, 6) == 0);
	CHECK(ewait(ep, 8) == 1 && ev(0)->data == 6);
	CHECK(ctl(ep, EPOLL_CTL_ADD, pfd[1], EPOLLOUT, 6) == -EEXIST);
	CHECK(ctl(ep, EPOLL_CTL_DEL, pfd[1], 0, 0) == 0);
	CHECK(ctl(ep, EPOLL_CTL_DEL, pfd[1], 0, 0) == -ENOENT);
	CHECK(ctl(ep, EPOLL_CTL_MOD, pfd[1], EPOLLOUT, 0) == -ENOENT);
	CHECK(ewait(ep, 8) == 0);
	CHECK(ctl(ep, 9, pfd[1], EPOLLOUT, 0) == -EINVAL);
	CHECK(ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0) == -EINVAL);
	CHECK(ctl(pfd[0], EPOLL_CTL_ADD, pfd[1], EPOLLIN, 0) == -EINVAL);
	CHECK(ctl(ep, EPOLL_CTL_ADD, 99, EPOLLIN, 0) == -EBADF);
	CHECK(ctl(99, EPOLL_CTL_ADD, pfd[1], EPOLLIN, 0) == -EBADF);
	CHECK(SYS(sys_epoll_ctl, ep, EPOLL_CTL_ADD, pfd[1], U_HOLE) ==
	    -EFAULT);
	CHECK(ctl(ep, EPOLL_CTL_ADD, pfd[1], EPOLLOUT | EPOLLEXCLUSIVE, 0)
	    == 0);
	CHECK(ctl(ep, EPOLL_CTL_MOD, pfd[1], EPOLLOUT, 0) == -EINVAL);
	CHECK(SYS(sys_epoll_create, 0) == -EINVAL);
	CHECK(SYS(sys_epoll_create1, 1) == -EINVAL);
	CHECK(SYS(sys_epoll_wait, ep, U_EV, 0, 0) == -EINVAL);
	CHECK(SYS(sys_epoll_wait, pfd[0], U_EV, 1, 0) == -EINVAL);
	CHECK(SYS(sys_epoll_wait, 99, U_EV, 1, 0) == -EBADF);
	CHECK(SYS(sys_epoll_wait, ep, U_KERNEL, 1, 0) == -EFAULT);
}

static const struct file_ops plain_ops = { 0 };

static void
test_not_pollable(void)
{
	struct file *f;
	int ep, fd;

	io_setup();
	ep = (int)SYS(sys_epoll_create1, 0);
	f = file_alloc(&plain_ops, O_RDWR, NULL);
	fd = fd_install(f, 0, false);
	CHECK(ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN, 0) == -EPERM);
}

static void
test_close_removes(void)
{
	int ep, dupfd;

	io_setup();
	mkpipe();
	ep = (int)SYS(sys_epoll_create1, 0);
	CHECK(ctl(ep, EPOLL_CTL_ADD, pfd[1], EPOLLOUT, 1) == 0);
	dupfd = (int)SYS(sys_dup, pfd[1]);
	CHECK(SYS(sys_close, pfd[1]) == 0);
	/* The file lives on through the dup: still reported. */
	CHECK(ewait(ep, 8) == 1 && ev(0)->data == 1);
	CHECK(SYS(sys_close, dupfd) == 0);
	CHECK(ewait(ep, 8) == 0);
	/* The write end's last reference is gone: the reader sees EOF. */
	CHECK(SYS(sys_read, pfd[0], U_RW, 8) == 0);
	CHECK(SYS(sys_close, ep) == 0);
}

static void
test_order_and_max(void)
{
	int ep, a[2], b[2];

	io_setup();
	mkpipe();
	a[0] = pfd[0];
	a[1] = pfd[1];
	mkpipe();
	b[0] = pfd[0];
	b[1] = pfd[1];
	ep = (int)SYS(sys_epoll_create1, 0);
	CHECK(ctl(ep, EPOLL_CTL_ADD, a[0], EPOLLIN, 'a') == 0);
	CHECK(ctl(ep, EPOLL_CTL_ADD, b[0], EPOLLIN, 'b') == 0);
	put(b[1], "1");
	put(a[1], "2");
	/* Reported in the order they became ready. */
	CHECK(ewait(ep, 8) == 2 && ev(0)->data == 'b' && ev(1)->data == 'a');
	/* Level-triggered ones go to the back: the next call rotates. */
	CHECK(ewait(ep, 1) == 1 && ev(0)->data == 'b');
	CHECK(ewait(ep, 1) == 1 && ev(0)->data == 'a');
	CHECK(ewait(ep, 1) == 1 && ev(0)->data == 'b');
}

static void
test_nested(void)
{
	int outer, inner, third;

	io_setup();
	mkpipe();
	outer = (int)SYS(sys_epoll_create1, 0);
	inner = (int)SYS(sys_epoll_create1, 0);
	CHECK(ctl(inner, EPOLL_CTL_ADD, pfd[0], EPOLLIN, 1) == 0);
	CHECK(ctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 2) == 0);
	CHECK(ctl(inner, EPOLL_CTL_ADD, outer, EPOLLIN, 3) == -ELOOP);
	CHECK(ewait(outer, 8) == 0);
	put(pfd[1], "z");
	CHECK(ewait(outer, 8) == 1 && ev(0)->data == 2);
	CHECK(ewait(inner, 8) == 1 && ev(0)->data == 1);
	third = (int)SYS(sys_epoll_create1, 0);
	CHECK(ctl(third, EPOLL_CTL_ADD, outer, EPOLLIN, 4) == 0);
	CHECK(ctl(inner, EPOLL_CTL_ADD, third, EPOLLIN, 5) == -ELOOP);
}

/* A file whose poll reports a change of itself, as a socket's does. */
static struct file *self_file;
static int self_polls;

static unsigned
self_poll(struct file *f)
{
	self_polls++;
	file_changed(f, POLLIN);
	return POLLIN;
}

static const struct file_ops self_ops = { .poll = self_poll };

static void
test_change_during_poll(void)
{
	int ep, fd, i;

	io_setup();
	mkpipe();
	ep = (int)SYS(sys_epoll_create1, 0);
	self_file = file_alloc(&self_ops, O_RDWR, NULL);
	fd = fd_install(self_file, 0, false);
	CHECK(ctl(ep, EPOLL_CTL_ADD, fd, EPOLLIN, 's') == 0);
	CHECK(ctl(ep, EPOLL_CTL_ADD, pfd[0], EPOLLIN, 'p') == 0);
	put(pfd[1], "x");
	/*
	 * Each item once per call, every call: the change reported while
	 * the item is polled may not link it into the ready list twice.
	 */
	for (i = 0; i < 4; i++) {
		CHECK(ewait(ep, 8) == 2);
		CHECK(ev(0)->data != ev(1)->data);
	}
	CHECK(ctl(ep, EPOLL_CTL_DEL, pfd[0], 0, 0) == 0);
	for (i = 0; i < 4; i++)
		CHECK(ewait(ep, 8) == 1 && ev(0)->data == 's');
	CHECK(self_polls > 0);
}

static int hook_fd;

static void
write_hook(const uint32_t *word)
{
	put(hook_fd, "w");
	mock_block_hook = NULL;
}

static void
test_epoll_blocking(void)
{
	int ep;

	io_setup();
	mkpipe();
	ep = (int)SYS(sys_epoll_create1, 0);
	CHECK(ctl(ep, EPOLL_CTL_ADD, pfd[0], EPOLLIN, 9) == 0);
	/* A timeout: the mock's deadline passes at once. */
	CHECK(SYS(sys_epoll_wait, ep, U_EV, 4, 50) == 0);
	/* No timeout: woken by the write. */
	hook_fd = pfd[1];
	mock_block_hook = write_hook;
	CHECK(SYS(sys_epoll_wait, ep, U_EV, 4, -1) == 1 && ev(0)->data == 9);
	CHECK(SYS(sys_read, pfd[0], U_RW, 8) == 1);
	mock_block_intr = 1;
	CHECK(SYS(sys_epoll_wait, ep, U_EV, 4, -1) == -EINTR);
	/* epoll_pwait's mask holds during the call only. */
	*(uint64_t *)io_uptr(U_RW + 2000) = 0x4;
	io_thread.sigmask = 0x1;
	CHECK(SYS(sys_epoll_pwait, ep, U_EV, 4, 0, U_RW + 2000, 8) == 0);
	CHECK(io_thread.sigmask == 0x1 && !io_thread.restore_saved_mask);
	CHECK(SYS(sys_epoll_pwait, ep, U_EV, 4, 0, U_RW + 2000, 4) ==
	    -EINVAL);
	mock_block_intr = 1;
	CHECK(SYS(sys_epoll_pwait, ep, U_EV, 4, -1, U_RW + 2000, 8) ==
	    -EINTR);
	CHECK(io_thread.sigmask == 0x4 && io_thread.restore_saved_mask);
}

static void
test_poll(void)
{
	struct pollfd_u *p;
	int64_t *ts;

	io_setup();
	mkpipe();
	p = io_uptr(U_RW + 1024);
	p[0] = (struct pollfd_u){ pfd[0], POLLIN, 77 };
	p[1] = (struct pollfd_u){ pfd[1], POLLOUT, 0 };
	p[2] = (struct pollfd_u){ 99, POLLIN, 0 };
	p[3] = (struct pollfd_u){ -1, POLLIN, 0 };
	CHECK(SYS(sys_poll, U_RW + 1024, 4, 0) == 2);
	CHECK(p[0].revents == 0 && p[1].revents == POLLOUT &&
	    p[2].revents == POLLNVAL && p[3].revents == 0);
	put(pfd[1], "q");
	CHECK(SYS(sys_poll, U_RW + 1024, 1, 0) == 1 && p[0].revents ==
	    POLLIN);
	CHECK(SYS(sys_poll, U_HOLE, 1, 0) == -EFAULT);
	CHECK(SYS(sys_poll, U_RW, FD_LIMIT + 1, 0) == -EINVAL);
	CHECK(SYS(sys_read, pfd[0], U_RW, 8) == 1);
	/* Timeouts; ppoll writes back what is left. */
	CHECK(SYS(sys_poll, U_RW + 1024, 1, 10) == 0);
	ts = io_uptr(U_RW + 1504);
	ts[0] = 5;
	ts[1] = 0;
	CHECK(SYS(sys_ppoll, U_RW + 1024, 1, U_RW + 1504, 0, 8) == 0);
	CHECK(ts[0] == 0 || ts[0] == 4);	/* the mock timed out at once */
	ts[1] = 1000000000;
	CHECK(SYS(sys_ppoll, U_RW + 1024, 1, U_RW + 1504, 0, 8) == -EINVAL);
	ts[0] = ts[1] = 0;
	CHECK(SYS(sys_ppoll, U_RW + 1024, 1, U_RW + 1504, 0, 8) == 0);
	CHECK(ts[0] == 0 && ts[1] == 0);
	mock_block_intr = 1;
	io_thread.restart.fn = NULL;
	CHECK(SYS(sys_poll, U_RW + 1024, 1, -1) == -EINTR);
	CHECK(io_thread.restart.fn == NULL);	/* untimed: same arguments */
	CHECK(EXPECT_PANIC(SYS(sys_poll, U_RW + 1024, 1, -1)));	/* hangs */
	CHECK(SYS(sys_poll, 0, 0, 0) == 0);
}

/* A timed poll a stop interrupts goes on to its first deadline. */
static void
test_poll_restart(void)
{
	struct pollfd_u *p;
	struct shim_restart b;
	uint64_t t0 = plat_now_ns(), t1;
	int calls;

	io_setup();
	mkpipe();
	p = io_uptr(U_RW + 1024);
	p[0] = (struct pollfd_u){ pfd[0], POLLIN, 0 };
	io_thread.restart.fn = NULL;
	mock_block_intr = 1;
	CHECK(SYS(sys_poll, U_RW + 1024, 1, 60000) == -EINTR);
	t1 = plat_now_ns();
	b = io_thread.restart;
	CHECK(b.fn != NULL && b.arg[0] == U_RW + 1024 && b.arg[1] == 1);
	CHECK(b.deadline >= t0 + 60000000000ull &&
	    b.deadline <= t1 + 60000000000ull);
	/* Ready meanwhile: the restart finds it. */
	put(pfd[1], "r");
	CHECK(b.fn(&b) == 1 && p[0].revents == POLLIN);
	CHECK(SYS(sys_read, pfd[0], U_RW, 8) == 1);
	/* Its deadline passed while stopped: one pass, no wait. */
	b.deadline = plat_now_ns();
	calls = mock_block_calls;
	CHECK(b.fn(&b) == 0 && p[0].revents == 0);
	CHECK(mock_block_calls - calls <= 1);
	/* Interrupted again: the same deadline once more. */
	b.deadline = t1 + 60000000000ull;
	io_thread.restart.fn = NULL;
	mock_block_intr = 1;
	CHECK(b.fn(&b) == -EINTR);
	CHECK(io_thread.restart.fn == b.fn &&
	    io_thread.restart.deadline == b.deadline);
}

static void
test_select(void)
{
	uint64_t *r, *w;
	int64_t *tv;

	io_setup();
	mkpipe();				/* 0 and 1 */
	r = io_uptr(U_RW + 1024);
	w = io_uptr(U_RW + 1152);
	tv = io_uptr(U_RW + 1280);
	*r = 1ull << pfd[0];
	*w = 1ull << pfd[1];
	CHECK(SYS(sys_select, 2, U_RW + 1024, U_RW + 1152, 0, 0) == 1);
	CHECK(*r == 0 && *w == 1ull << pfd[1]);
	put(pfd[1], "s");
	*r = 1ull << pfd[0];
	*w = 0;
	tv[0] = 0;
	tv[1] = 0;
	CHECK(SYS(sys_select, 2, U_RW + 1024, U_RW + 1152, 0, U_RW + 1280)
	    == 1 && *r == 1);
	*r = 1ull << 5;
	CHECK(SYS(sys_select, 6, U_RW + 1024, 0, 0, U_RW + 1280) == -EBADF);
	*r = 1ull << 5;
	CHECK(SYS(sys_select, 5, U_RW + 1024, 0, 0, U_RW + 1280) == 0);
	CHECK(SYS(sys_select, -1, 0, 0, 0, 0) == -EINVAL);
	tv[0] = -1;
	CHECK(SYS(sys_select, 2, U_RW + 1024, 0, 0, U_RW + 1280) == -EINVAL);
	tv[0] = 2;
	tv[1] = 0;
	*r = 0;
	*w = 1ull << pfd[0];			/* a read end: never writable */
	CHECK(SYS(sys_select, 2, 0, U_RW + 1152, 0, U_RW + 1280) == 0);
	CHECK(tv[0] <= 2);			/* time left written back */
	CHECK(SYS(sys_select, 2, U_HOLE, 0, 0, 0) == -EFAULT);
	/* pselect6 with a mask. */
	*(uint64_t *)io_uptr(U_RW + 1400) = 0x8;
	((uint64_t *)io_uptr(U_RW + 1408))[0] = U_RW + 1400;
	((uint64_t *)io_uptr(U_RW + 1408))[1] = 8;
	tv[0] = tv[1] = 0;
	*r = 1;
	CHECK(SYS(sys_pselect6, 2, U_RW + 1024, 0, 0, U_RW + 1280,
	    U_RW + 1408) == 1);
	CHECK(io_thread.sigmask == 0 && !io_thread.restore_saved_mask);
}

int
main(void)
{
	harness_begin("poll");
	RUN(test_level_vs_edge);
	RUN(test_oneshot_and_mod);
	RUN(test_not_pollable);
	RUN(test_close_removes);
	RUN(test_order_and_max);
	RUN(test_nested);
	RUN(test_change_during_poll);
	RUN(test_epoll_blocking);
	RUN(test_poll);
	RUN(test_poll_restart);
	RUN(test_select);
	return harness_done();
}
