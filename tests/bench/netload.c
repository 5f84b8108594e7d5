/*
 * netload: the host end of the network benchmark rows and of the
 * 10,000-request test.  It drives tests/guests/peer/netserve (inside
 * Cloister or the Linux microVM) through a QEMU hostfwd on 127.0.0.1 and
 * prints one line per run, for example
 *
 *	NETLOAD http mode=keepalive requests=2000 errors=0 seconds=1.52
 *	    req_per_s=1315.8 us_per_req=760.0
 *
 *   netload stream-in PORT BYTES      host -> guest, timed to the guest's
 *                                     acknowledgement of the last byte
 *   netload stream-out PORT BYTES     guest -> host, to the guest's close;
 *                                     the bytes are checked
 *   netload crr PORT N                N connections one after another:
 *                                     connect, a line, its echo, close
 *   netload http PORT N CONC keepalive|close
 *                                     N GET requests over CONC concurrent
 *                                     connections (a new one for each
 *                                     request with close); every answer
 *                                     must be a whole 200;
 *                                     slow_connects= counts connects
 *                                     that took over 0.5 s (a SYN that
 *                                     met a full listen queue and was
 *                                     sent again).  With keepalive the
 *                                     connections are opened one after
 *                                     another, each answering one GET,
 *                                     before the clock starts: the run
 *                                     times requests, not QEMU's
 *                                     hostfwd accepting connections
 *   netload quit PORT                 GET /quit (ends the server)
 *
 * PORT is the stream port for stream-*, BASE+1 for crr and BASE+2 for
 * http and quit (netserve's layout).  A run gives up after NETLOAD_IDLE
 * seconds without progress (default 60).  The exit status is 0 when
 * nothing failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	65536
#define RESP	8192
#define MAXCONC	256

static int idle_s = 60;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in
addr(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int
dial(int port, int nonblock)
{
	struct sockaddr_in a = addr(port);
	struct timeval tv = { idle_s, 0 };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM |
	    (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
write_all(int fd, const void *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

static int
stream(int port, uint64_t n, char dir)
{
	static uint8_t buf[CHUNK], pat[CHUNK];
	uint64_t done = 0, ack = 0;
	char head[9];
	double t0 = now(), dt;
	int fd = dial(port, 0), bad = 0;

	for (size_t i = 0; i < CHUNK; i++)
		pat[i] = (uint8_t)(i * 131 + i / 977);
	head[0] = dir;
	memcpy(head + 1, &n, 8);
	if (fd < 0 || write_all(fd, head, 9) != 0)
		bad = 1;
	while (!bad && done < n) {
		size_t k = n - done < CHUNK ? (size_t)(n - done) : CHUNK;
		ssize_t r;

		if (dir == 'W') {
			r = write(fd, pat, k);
		} else {
			r = read(fd, buf, k);
			if (r > 0) {
				size_t off = (size_t)(done % CHUNK), m =
				    (size_t)r < CHUNK - off ? (size_t)r :
				    CHUNK - off;

				/* The pattern repeats every CHUNK bytes. */
				if (memcmp(buf, pat + off, m) != 0 ||
				    memcmp(buf + m, pat, (size_t)r - m) != 0)
					bad = 1;
			}
		}
		if (r <= 0)
			bad = 1;
		else
			done += (uint64_t)r;
	}
	if (!bad && dir == 'W' && (read(fd, &ack, 8) != 8 || ack != n))
		bad = 1;
	if (!bad && dir == 'R' && read(fd, buf, 1) != 0)
		bad = 1;
	dt = now() - t0;
	printf("NETLOAD %s bytes=%llu errors=%d seconds=%.3f ms=%.1f "
	    "mib_per_s=%.2f\n", dir == 'W' ? "stream_in" : "stream_out",
	    (unsigned long long)done, bad, dt, dt * 1e3,
	    done / 1048576.0 / dt);
	if (fd >= 0)
		close(fd);
	return bad;
}

static int
crr(int port, long n)
{
	double t0 = now(), dt;
	long i, errors = 0;

	for (i = 0; i < n; i++) {
		char line[64], back[128];
		int len = snprintf(line, sizeof(line), "request %ld\n", i);
		size_t got = 0;
		ssize_t r = 0;
		int fd = dial(port, 0);

		if (fd < 0 || write_all(fd, line, (size_t)len) != 0) {
			errors++;
			goto next;
		}
		while (got < sizeof(back) &&
		    (r = read(fd, back + got, sizeof(back) - got)) > 0)
			got += (size_t)r;
		if (r != 0 || got != (size_t)len || memcmp(back, line, got))
			errors++;
next:
		if (fd >= 0)
			close(fd);
	}
	dt = now() - t0;
	printf("NETLOAD crr connections=%ld errors=%ld seconds=%.3f "
	    "conn_per_s=%.1f us_per_conn=%.1f\n", n, errors, dt, n / dt,
	    dt * 1e6 / n);
	return errors != 0;
}

struct hconn {
	int fd;
	char buf[RESP];
	size_t len;
	int sent;
	double t0;		/* when the connect started */
};

/* Connects that took this long met a full listen queue (a SYN retried). */
#define SLOW_CONNECT_S	0.5
static long slow_connects;

static const char *req_keep = "GET / HTTP/1.1\r\nHost: guest\r\n\r\n";
static const char *req_close =
    "GET / HTTP/1.1\r\nHost: guest\r\nConnection: close\r\n\r\n";

/* Length of a whole 200 answer at the start of b, 0 if not yet, -1 bad. */
static long
http_whole(const char *b, size_t len)
{
	const char *end = memmem(b, len, "\r\n\r\n", 4), *cl;
	long body;

	if (end == NULL)
		return len >= RESP ? -1 : 0;
	if (strncmp(b, "HTTP/1.1 200 ", 13) != 0)
		return -1;
	cl = memmem(b, (size_t)(end - b), "\r\nContent-Length: ", 18);
	if (cl == NULL)
		return -1;
	body = atol(cl + 18);
	if (end + 4 - b + body > (long)len)
		return 0;
	return end + 4 - b + body;
}

/*
 * Keep-alive: open a connection and have it answer one GET before the
 * next is opened, so that QEMU's hostfwd (a listen backlog of 1) never
 * meets connects at once; the run's clock starts after.  0 or -1.
 */
static int
hwarm(int ep, int port, struct hconn *h, int i)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = i };
	double t0 = now();
	int fl;

	h->len = 0;
	h->sent = 1;
	if ((h->fd = dial(port, 0)) < 0)
		return -1;
	if (now() - t0 > SLOW_CONNECT_S)
		slow_connects++;
	if (write_all(h->fd, req_keep, strlen(req_keep)) != 0)
		return -1;
	for (;;) {
		ssize_t r = read(h->fd, h->buf + h->len, RESP - h->len);
		long whole;

		if (r <= 0)
			return -1;
		h->len += (size_t)r;
		whole = http_whole(h->buf, h->len);
		if (whole < 0 || (whole > 0 && (size_t)whole != h->len))
			return -1;
		if (whole > 0)
			break;
	}
	h->len = 0;
	h->sent = 0;		/* the run's first event sends */
	if ((fl = fcntl(h->fd, F_GETFL)) < 0 ||
	    fcntl(h->fd, F_SETFL, fl | O_NONBLOCK) != 0)
		return -1;
	return epoll_ctl(ep, EPOLL_CTL_ADD, h->fd, &ev);
}

static int
hstart(int ep, int port, struct hconn *h, int i)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = i };

	h->len = 0;
	h->sent = 0;
	h->t0 = now();
	if ((h->fd = dial(port, 1)) < 0)
		return -1;
	return epoll_ctl(ep, EPOLL_CTL_ADD, h->fd, &ev);
}

static int
hsend(int ep, struct hconn *h, int i, int keep)
{
	const char *r = keep ? req_keep : req_close;
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

	if (write(h->fd, r, strlen(r)) != (ssize_t)strlen(r))
		return -1;
	h->sent = 1;
	return epoll_ctl(ep, EPOLL_CTL_MOD, h->fd, &ev);
}

static int
http(int port, long n, int conc, int keep)
{
	static struct hconn hc[MAXCONC];
	long started = 0, done = 0, errors = 0;
	double t0, last, dt;
	int ep = epoll_create1(0), i;

	if (conc > MAXCONC)
		conc = MAXCONC;
	if (conc > n)
		conc = (int)n;
	for (i = 0; keep && i < conc; i++)
		if (hwarm(ep, port, &hc[i], i) != 0) {
			fprintf(stderr, "netload: connection %d did not "
			    "answer its first GET\n", i);
			errors = n;	/* no run */
			conc = 0;
		}
	t0 = last = now();
	for (i = 0; i < conc; i++, started++)
		if (keep)
			hc[i].t0 = t0;
		else if (hstart(ep, port, &hc[i], i) != 0) {
			errors++;
			hc[i].fd = -1;
		}
	while (done + errors < n) {
		struct epoll_event evs[64];
		int k = epoll_wait(ep, evs, 64, 1000);

		if (k <= 0) {
			if (now() - last > idle_s) {
				errors += n - done - errors;
				break;
			}
			continue;
		}
		last = now();
		for (int e = 0; e < k; e++) {
			int j = (int)evs[e].data.u32;
			struct hconn *h = &hc[j];
			ssize_t r;
			long whole;
			int fail = 0, again = 0;

			if (!h->sent) {
				int err = 0;
				socklen_t el = sizeof(err);

				getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &err,
				    &el);
				if (err != 0 || hsend(ep, h, j, keep) != 0)
					fail = 1;
				if (now() - h->t0 > SLOW_CONNECT_S)
					slow_connects++;
			} else {
				r = read(h->fd, h->buf + h->len,
				    RESP - h->len);
				if (r < 0 && errno == EAGAIN)
					continue;
				if (r <= 0)
					fail = 1;
				else
					h->len += (size_t)r;
				whole = fail ? -1 : http_whole(h->buf, h->len);
				if (whole < 0 || (whole > 0 &&
				    (size_t)whole != h->len))
					fail = 1;
				else if (whole > 0) {
					done++;
					again = 1;
				}
			}
			if (!fail && !again)
				continue;
			if (fail)
				errors++;
			if (done + errors >= n || started >= n) {
				close(h->fd);
				continue;
			}
			started++;
			if (keep && !fail) {
				h->len = 0;
				if (hsend(ep, h, j, keep) == 0)
					continue;
				errors++;
			}
			close(h->fd);
			if (hstart(ep, port, h, j) != 0)
				errors++;
		}
	}
	dt = now() - t0;
	printf("NETLOAD http mode=%s concurrency=%d requests=%ld errors=%ld "
	    "seconds=%.3f req_per_s=%.1f us_per_req=%.1f slow_connects=%ld\n",
	    keep ? "keepalive" : "close", conc, done, errors, dt, done / dt,
	    done ? dt * 1e6 / done : 0.0, slow_connects);
	return errors != 0;
}

static int
quit(int port)
{
	const char *q = "GET /quit HTTP/1.1\r\nHost: guest\r\n\r\n";
	char buf[RESP];
	size_t got = 0;
	ssize_t r = 0;
	int fd = dial(port, 0);

	if (fd < 0 || write_all(fd, q, strlen(q)) != 0)
		return 1;
	while (got < sizeof(buf) && (r = read(fd, buf + got,
	    sizeof(buf) - got)) > 0)
		got += (size_t)r;
	close(fd);
	return http_whole(buf, got) > 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *e = getenv("NETLOAD_IDLE");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (e != NULL && atoi(e) > 0)
		idle_s = atoi(e);
	if (argc == 4 && strcmp(argv[1], "stream-in") == 0)
		return stream(atoi(argv[2]), strtoull(argv[3], NULL, 0), 'W');
	if (argc == 4 && strcmp(argv[1], "stream-out") == 0)
		return stream(atoi(argv[2]), strtoull(argv[3], NULL, 0), 'R');
	if (argc == 4 && strcmp(argv[1], "crr") == 0 && atol(argv[3]) > 0)
		return crr(atoi(argv[2]), atol(argv[3]));
	if (argc == 6 && strcmp(argv[1], "http") == 0 && atol(argv[3]) > 0 &&
	    atoi(argv[4]) > 0)
		return http(atoi(argv[2]), atol(argv[3]), atoi(argv[4]),
		    strcmp(argv[5], "keepalive") == 0);
	if (argc == 3 && strcmp(argv[1], "quit") == 0)
		return quit(atoi(argv[2]));
	fprintf(stderr, "usage: netload stream-in|stream-out PORT BYTES | "
	    "crr PORT N | http PORT N CONC keepalive|close | quit PORT\n");
	return 2;
}
