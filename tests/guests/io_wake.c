/*
 * io_wake: blocking calls woken by another thread.  A read of an empty
 * pipe, a write to a full one, poll and epoll_wait without timeouts, and
 * an eventfd read all sleep until the other thread acts.  The helper
 * acts for step n only once the main thread has taken step n - 1 (and
 * then a nap later, so the main thread is most likely asleep in its
 * call): on a slow host two events never merge, and the output is the
 * same every run.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "guest.h"

static int p[2], efd;
static volatile int taken;	/* the steps the main thread has taken */

static void
nap(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Wait until the main thread took the steps before n, then nap. */
static void
step(int n)
{
	while (taken < n - 1)
		nap();
	nap();
}

static void *
helper(void *arg)
{
	static char big[65536 + 100];
	uint64_t one = 1;
	char buf[8];

	step(1);
	SYS3(SYS_write, p[1], "wake", 4);		/* 1: the read */
	step(2);
	SYS3(SYS_write, p[1], "poll", 4);		/* 2: poll */
	step(3);
	SYS3(SYS_write, efd, &one, 8);			/* 3: epoll_wait */
	step(4);
	SYS3(SYS_write, efd, &one, 8);			/* 4: eventfd read */
	step(5);
	SYS3(SYS_read, p[0], big, sizeof(big));		/* 5: room */
	nap();
	SYS3(SYS_read, p[0], buf, 8);
	return arg;
}

int
main(void)
{
	static char big[65536 + 100];
	struct pollfd pf;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
	pthread_t t;
	uint64_t v;
	char buf[16];
	int ep;

	SYS1(SYS_pipe, p);
	efd = (int)SYS2(SYS_eventfd2, 0, 0);
	ep = (int)SYS1(SYS_epoll_create1, 0);
	SYS4(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, &ev);
	check("thread started", pthread_create(&t, NULL, helper, NULL) == 0);
	expect_val("read waits for data", SYS3(SYS_read, p[0], buf, 16), 4);
	check("the data", memcmp(buf, "wake", 4) == 0);
	taken = 1;
	pf = (struct pollfd){ p[0], POLLIN, 0 };
	expect_val("poll waits", SYS3(SYS_poll, &pf, 1, -1), 1);
	SYS3(SYS_read, p[0], buf, 16);
	taken = 2;
	expect_val("epoll_wait waits", SYS4(SYS_epoll_wait, ep, &ev, 1, -1),
	    1);
	expect_val("its data", (long)ev.data.u64, 42);
	expect_val("eventfd read", SYS3(SYS_read, efd, &v, 8), 8);
	expect_val("the count", (long)v, 1);
	taken = 3;
	expect_val("eventfd read waits", SYS3(SYS_read, efd, &v, 8), 8);
	taken = 4;
	expect_val("a full pipe's write waits for room", SYS3(SYS_write, p[1],
	    big, 65536 + 100), 65536 + 100);
	pthread_join(t, NULL);
	check("thread joined", 1);
	return finish();
}
