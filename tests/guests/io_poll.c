/*
 * io_poll: poll, ppoll, select and pselect6 over pipes: what is ready,
 * POLLNVAL and POLLHUP, EBADF from select, zero and short timeouts
 * (ppoll and select write the time left back), bad arguments.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include "guest.h"

static int r, w;

static void
polls(void)
{
	struct pollfd p[4];
	struct timespec ts;

	p[0] = (struct pollfd){ r, POLLIN, 0x7777 };
	p[1] = (struct pollfd){ w, POLLOUT | POLLIN, 0 };
	p[2] = (struct pollfd){ 99, POLLIN, 0 };
	p[3] = (struct pollfd){ -1, POLLIN, 0x7777 };
	expect_val("poll: ready count", SYS3(SYS_poll, p, 4, 0), 2);
	expect_val("read end: nothing", p[0].revents, 0);
	expect_val("write end: POLLOUT", p[1].revents, POLLOUT);
	expect_val("closed descriptor: POLLNVAL", p[2].revents, POLLNVAL);
	expect_val("negative fd: ignored", p[3].revents, 0);
	SYS3(SYS_write, w, "x", 1);
	expect_val("poll after a write", SYS3(SYS_poll, p, 1, 0), 1);
	expect_val("POLLIN", p[0].revents, POLLIN);
	p[0].events = POLLOUT;
	expect_val("asked only for POLLOUT", SYS3(SYS_poll, p, 1, 0), 0);
	p[0].events = POLLIN;
	SYS3(SYS_read, r, (char[4]){ 0 }, 4);
	expect_val("10 ms timeout", SYS3(SYS_poll, p, 1, 10), 0);
	ts = (struct timespec){ 0, 20000000 };
	expect_val("ppoll 20 ms", SYS5(SYS_ppoll, p, 1, &ts, NULL, 8), 0);
	check("ppoll: no time left", ts.tv_sec == 0 && ts.tv_nsec == 0);
	ts = (struct timespec){ 0, 1000000000 };
	expect_err("ppoll bad timespec", SYS5(SYS_ppoll, p, 1, &ts, NULL, 8),
	    EINVAL);
	ts = (struct timespec){ 0, 0 };
	expect_err("ppoll bad sigset size", SYS5(SYS_ppoll, p, 1, &ts,
	    &(sigset_t){ { 0 } }, 4), EINVAL);
	expect_err("poll bad array", SYS3(SYS_poll, NULL, 1, 0), EFAULT);
	expect_val("poll nothing", SYS3(SYS_poll, NULL, 0, 0), 0);
	expect_err("poll too many", SYS3(SYS_poll, p, 1 << 20, 0), EINVAL);
}

static void
selects(void)
{
	fd_set rs, ws;
	struct timeval tv;
	struct timespec ts;

	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(r, &rs);
	FD_SET(w, &ws);
	tv = (struct timeval){ 0, 0 };
	expect_val("select", SYS5(SYS_select, w + 1, &rs, &ws, NULL, &tv), 1);
	check("read end not set", !FD_ISSET(r, &rs));
	check("write end set", FD_ISSET(w, &ws));
	SYS3(SYS_write, w, "y", 1);
	FD_SET(r, &rs);
	expect_val("select readable", SYS5(SYS_select, r + 1, &rs, NULL, NULL,
	    &tv), 1);
	check("read end set", FD_ISSET(r, &rs));
	SYS3(SYS_read, r, (char[4]){ 0 }, 4);
	FD_SET(r, &rs);
	tv = (struct timeval){ 0, 15000 };
	expect_val("select 15 ms", SYS5(SYS_select, r + 1, &rs, NULL, NULL,
	    &tv), 0);
	check("select: time left written back", tv.tv_sec == 0 &&
	    tv.tv_usec == 0);
	check("set cleared", !FD_ISSET(r, &rs));
	FD_SET(50, &rs);
	expect_err("select closed descriptor", SYS5(SYS_select, 51, &rs, NULL,
	    NULL, &tv), EBADF);
	expect_err("select negative nfds", SYS5(SYS_select, -1, NULL, NULL,
	    NULL, &tv), EINVAL);
	tv = (struct timeval){ -1, 0 };
	expect_err("select negative timeout", SYS5(SYS_select, 1, NULL, NULL,
	    NULL, &tv), EINVAL);
	FD_ZERO(&rs);
	FD_SET(r, &rs);
	ts = (struct timespec){ 0, 0 };
	expect_val("pselect6", SYS6(SYS_pselect6, r + 1, &rs, NULL, NULL,
	    &ts, NULL), 0);
	tv = (struct timeval){ 0, 0 };
	expect_err("select bad set", SYS5(SYS_select, 4, (void *)8, NULL,
	    NULL, &tv), EFAULT);
}

static void
hangup(void)
{
	struct pollfd p = { r, POLLIN, 0 };

	SYS1(SYS_close, w);
	expect_val("writer gone", SYS3(SYS_poll, &p, 1, 0), 1);
	expect_val("POLLHUP", p.revents, POLLHUP);
	SYS3(SYS_write, w, "z", 1);
}

int
main(void)
{
	int fds[2];

	SYS2(SYS_pipe2, fds, O_NONBLOCK);
	r = fds[0];
	w = fds[1];
	polls();
	selects();
	hangup();
	return finish();
}
