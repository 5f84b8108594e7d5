/*
 * signal_restart: system calls interrupted by a signal handler.  A
 * thread blocked in read() on an empty pipe, or in write() to a full
 * one, is sent SIGUSR1 by pthread_kill: with SA_RESTART the call goes
 * on and completes when data (or room) comes; without it the call
 * returns EINTR and nothing was read or written.  A signal that is
 * ignored, by SIG_IGN or by default (SIGURG), does not interrupt at all.
 * (Sleeps and futex waits, which Linux never restarts or restarts
 * differently, are in thread_sleep and thread_futex.)
 *
 * The main thread cannot see that the other thread sleeps in the kernel,
 * so it signals it several times, 20 ms apart: with SA_RESTART every
 * signal finds it in the call (or about to enter it), without it one
 * does.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define MS	1000000L
#define KICKS	5

static volatile int handled;

static void
on_usr1(int sig)
{
	handled++;
}

static void
set_action(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * MS };

	SYS2(SYS_nanosleep, &ts, NULL);
}

struct call {
	int fd;
	int writing;
	long ret;
	char byte;
	volatile int done;
};

static void *
blocked_call(void *arg)
{
	struct call *c = arg;

	c->byte = 0;
	if (c->writing)
		c->ret = SYS3(SYS_write, c->fd, "w", 1);
	else
		c->ret = SYS3(SYS_read, c->fd, &c->byte, 1);
	c->done = 1;
	return NULL;
}

/* Kick the thread KICKS times; 1 if it was still in the call after. */
static int
kick(pthread_t th, struct call *c, int sig)
{
	for (int i = 0; i < KICKS && !c->done; i++) {
		sleep_ms(20);
		pthread_kill(th, sig);
	}
	sleep_ms(20);
	return !c->done;
}

/* Without SA_RESTART: kick until the call returns (10 s at most). */
static void
kick_until_done(pthread_t th, struct call *c, int sig)
{
	for (int i = 0; i < 500 && !c->done; i++) {
		pthread_kill(th, sig);
		sleep_ms(20);
	}
}

static const char *
result(long ret)
{
	static char buf[32];

	if (ret == -EINTR)
		return "EINTR";
	if (IS_ERR(ret))
		return errname(ret);
	snprintf(buf, sizeof(buf), "%ld byte(s)", ret);
	return buf;
}

static void
reads(void)
{
	int p[2];
	struct call c;
	pthread_t th;
	char b;

	if (SYS2(SYS_pipe2, p, O_CLOEXEC) != 0) {
		out("pipe2 failed\n");
		return;
	}
	set_action(SIGUSR1, on_usr1, SA_RESTART);
	memset(&c, 0, sizeof(c));
	c.fd = p[0];
	handled = 0;
	pthread_create(&th, NULL, blocked_call, &c);
	check("read, SA_RESTART handler: still blocked after 5 signals",
	    kick(th, &c, SIGUSR1));
	out("  handler ran: %s\n", handled ? "yes" : "no");
	SYS3(SYS_write, p[1], "x", 1);
	pthread_join(th, NULL);
	out("  then read returned %s: '%c'\n", result(c.ret),
	    c.byte ? c.byte : '?');

	set_action(SIGUSR1, on_usr1, 0);
	memset(&c, 0, sizeof(c));
	c.fd = p[0];
	pthread_create(&th, NULL, blocked_call, &c);
	kick_until_done(th, &c, SIGUSR1);
	SYS3(SYS_write, p[1], "y", 1);	/* in case it still waits */
	pthread_join(th, NULL);
	out("read, handler without SA_RESTART: %s\n", result(c.ret));
	check("  ... the byte is still in the pipe",
	    SYS3(SYS_read, p[0], &b, 1) == 1 && b == 'y');

	set_action(SIGUSR1, SIG_IGN, 0);
	set_action(SIGURG, SIG_DFL, 0);
	memset(&c, 0, sizeof(c));
	c.fd = p[0];
	pthread_create(&th, NULL, blocked_call, &c);
	kick(th, &c, SIGUSR1);
	check("read, SIGUSR1 ignored: still blocked after 5 signals",
	    kick(th, &c, SIGURG));
	out("  and SIGURG (ignored by default) too\n");
	SYS3(SYS_write, p[1], "z", 1);
	pthread_join(th, NULL);
	out("  then read returned %s: '%c'\n", result(c.ret),
	    c.byte ? c.byte : '?');
	SYS1(SYS_close, p[0]);
	SYS1(SYS_close, p[1]);
}

/* Fill a pipe until it would block; return how much went in. */
static long
fill(int fd)
{
	static char chunk[4096];
	long total = 0, n;

	SYS3(SYS_fcntl, fd, F_SETFL, O_NONBLOCK);
	while ((n = SYS3(SYS_write, fd, chunk, sizeof(chunk))) > 0)
		total += n;
	while (SYS3(SYS_write, fd, chunk, 1) == 1)
		total++;
	SYS3(SYS_fcntl, fd, F_SETFL, 0);
	return total;
}

static void
drain(int fd, long n)
{
	static char chunk[4096];

	while (n > 0) {
		long got = SYS3(SYS_read, fd, chunk, n < 4096 ? n : 4096);

		if (got <= 0)
			return;
		n -= got;
	}
}

static void
writes(void)
{
	int p[2];
	struct call c;
	pthread_t th;
	long full;

	if (SYS2(SYS_pipe2, p, O_CLOEXEC) != 0) {
		out("pipe2 failed\n");
		return;
	}
	full = fill(p[1]);
	check("pipe filled", full > 0);

	set_action(SIGUSR1, on_usr1, SA_RESTART);
	memset(&c, 0, sizeof(c));
	c.fd = p[1];
	c.writing = 1;
	pthread_create(&th, NULL, blocked_call, &c);
	check("write to a full pipe, SA_RESTART handler: still blocked "
	    "after 5 signals", kick(th, &c, SIGUSR1));
	drain(p[0], 4096);
	pthread_join(th, NULL);
	out("  then write returned %s\n", result(c.ret));

	fill(p[1]);
	set_action(SIGUSR1, on_usr1, 0);
	memset(&c, 0, sizeof(c));
	c.fd = p[1];
	c.writing = 1;
	pthread_create(&th, NULL, blocked_call, &c);
	kick_until_done(th, &c, SIGUSR1);
	if (!c.done)
		drain(p[0], 4096);
	pthread_join(th, NULL);
	out("write to a full pipe, handler without SA_RESTART: %s\n",
	    result(c.ret));
	SYS1(SYS_close, p[0]);
	SYS1(SYS_close, p[1]);
}

int
main(void)
{
	reads();
	writes();
	return finish();
}
