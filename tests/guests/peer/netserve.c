/*
 * netserve: the guest end of the network benchmark rows and of the
 * 10,000-request test (tests/bench/netload.c drives it from the host).
 * One static binary, run unchanged inside Cloister and as /init of the
 * Linux microVM of `make bench`.  One thread, one epoll loop, every socket
 * non-blocking, three listening ports:
 *
 *   BASE      stream: the client sends 'W' and a little-endian u64 N, then
 *             N bytes, which are read and dropped; the server answers with
 *             N as a u64 once all arrived.  Or 'R' and N: the server sends
 *             N bytes of a fixed pattern and closes.
 *   BASE+1    connect/request/close: echo one line (up to 128 bytes, ending
 *             in '\n') and close.
 *   BASE+2    HTTP/1.x: GET / answers a small static page; keep-alive as
 *             HTTP/1.1 (unless "Connection: close") and HTTP/1.0 (only with
 *             "Connection: keep-alive"), pipelined requests in order.
 *             Anything else is 400 (or 404 for another path) and counts as
 *             an error.  GET /quit ends the server.
 *
 *	netserve BASE
 *
 * At the end it prints "netserve: N requests, E errors" and exits 0 when
 * E is 0.  When /modules/order exists (the Linux microVM's initramfs) it
 * first loads the modules named there with finit_module and gives eth0
 * 10.0.2.15/24, as QEMU's user network expects; as PID 1 it powers the
 * machine off at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAXFD		4096
#define INBUF		4096
#define OUTBUF		8192
#define CHUNK		65536

enum kind { K_FREE, K_LISTEN_STREAM, K_LISTEN_CRR, K_LISTEN_HTTP, K_STREAM,
    K_CRR, K_HTTP };

struct conn {
	enum kind kind;
	char in[INBUF];
	size_t inlen;
	char out[OUTBUF];
	size_t outoff, outlen;
	int closing;		/* close once out is flushed */
	char dir;		/* stream: 'W' or 'R', 0 before the header */
	uint64_t want, done;
};

static struct conn *conns[MAXFD];
static int ep;
static long requests, errors;
static int quit;

static const char page[] =
    "<!DOCTYPE html>\n<html><head><title>netserve</title></head>\n"
    "<body><p>A small static page from netserve.</p></body></html>\n";

static void
die(const char *what)
{
	printf("netserve: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static void
watch(int fd, int op, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(ep, op, fd, &ev) != 0)
		die("epoll_ctl");
}

static void
drop(int fd)
{
	free(conns[fd]);
	conns[fd] = NULL;
	close(fd);
}

static int
listen_on(int port, enum kind kind)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0 || fd >= MAXFD)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("bind");
	if (listen(fd, 1024) != 0)
		die("listen");
	if ((conns[fd] = calloc(1, sizeof(struct conn))) == NULL)
		die("calloc");
	conns[fd]->kind = kind;
	watch(fd, EPOLL_CTL_ADD, EPOLLIN);
	return fd;
}

/* Send what is queued; 0 when all is out, 1 when waiting, -1 on error. */
static int
flush_out(int fd, struct conn *c)
{
	while (c->outoff < c->outlen) {
		ssize_t w = send(fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);

		if (w < 0 && errno == EAGAIN)
			return 1;
		if (w <= 0)
			return -1;
		c->outoff += (size_t)w;
	}
	c->outoff = c->outlen = 0;
	return 0;
}

static int
queue(struct conn *c, const void *p, size_t n)
{
	if (c->outlen + n > OUTBUF)
		return -1;
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
	return 0;
}

static int
http_reply(struct conn *c, int status, const char *reason, int keep)
{
	char head[256];
	size_t blen = status == 200 ? sizeof(page) - 1 : 0;
	int n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\n"
	    "Server: netserve\r\nContent-Type: text/html\r\n"
	    "Content-Length: %zu\r\nConnection: %s\r\n\r\n", status, reason,
	    blen, keep ? "keep-alive" : "close");

	if (queue(c, head, (size_t)n) != 0 || queue(c, page, blen) != 0)
		return -1;
	return 0;
}

/* Answer every whole request in c->in; -1 ends the connection at once. */
static int
http_input(struct conn *c)
{
	char *end;

	while (!c->closing && (end = memmem(c->in, c->inlen, "\r\n\r\n", 4))) {
		size_t len = (size_t)(end - c->in) + 4;
		char req[INBUF + 1], *sp, *ver, *p;
		int keep, ok;

		memcpy(req, c->in, len);
		req[len] = '\0';
		memmove(c->in, c->in + len, c->inlen - len);
		c->inlen -= len;
		/* Header names and values compared in lower case. */
		for (p = strstr(req, "\r\n"); *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		sp = strchr(req + 4, ' ');
		ver = sp ? sp + 1 : NULL;
		ok = strncmp(req, "GET ", 4) == 0 && ver != NULL &&
		    (strncmp(ver, "HTTP/1.1\r\n", 10) == 0 ||
		    strncmp(ver, "HTTP/1.0\r\n", 10) == 0);
		if (!ok) {
			errors++;
			c->closing = 1;
			return http_reply(c, 400, "Bad Request", 0);
		}
		*sp = '\0';
		keep = ver[7] == '1' ? strstr(ver, "\nconnection: close") == NULL :
		    strstr(ver, "\nconnection: keep-alive") != NULL;
		requests++;
		if (strcmp(req + 4, "/quit") == 0) {
			quit = 1;
			keep = 0;
		} else if (strcmp(req + 4, "/") != 0) {
			errors++;
			keep = 0;
			c->closing = 1;
			return http_reply(c, 404, "Not Found", 0);
		}
		if (http_reply(c, 200, "OK", keep) != 0)
			return -1;
		if (!keep)
			c->closing = 1;
	}
	if (c->inlen == INBUF) {	/* a header that never ends */
		errors++;
		return -1;
	}
	return 0;
}

static uint8_t pattern[CHUNK];

/* Stream: 0 to go on, 1 when finished, -1 on error. */
static int
stream_io(int fd, struct conn *c)
{
	static char sink[CHUNK];
	ssize_t r;

	if (c->dir == 0) {
		if (c->inlen < 9)
			return 0;
		c->dir = c->in[0];
		memcpy(&c->want, c->in + 1, 8);
		if (c->dir != 'W' && c->dir != 'R')
			return -1;
		c->done = c->inlen - 9;
		if (c->dir == 'R')
			watch(fd, EPOLL_CTL_MOD, EPOLLOUT);
	}
	if (c->dir == 'W') {
		while (c->done < c->want) {
			r = read(fd, sink, sizeof(sink));
			if (r < 0 && errno == EAGAIN)
				return 0;
			if (r <= 0)
				return -1;
			c->done += (uint64_t)r;
		}
		if (c->done != c->want || queue(c, &c->done, 8) != 0)
			return -1;
		c->closing = 1;
		requests++;
		return 0;
	}
	while (c->done < c->want) {
		uint64_t k = c->want - c->done;
		size_t off = (size_t)(c->done % CHUNK);

		if (k > CHUNK - off)
			k = CHUNK - off;
		r = send(fd, pattern + off, (size_t)k, MSG_NOSIGNAL);
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r <= 0)
			return -1;
		c->done += (uint64_t)r;
	}
	return 1;
}

static void
accept_all(int l, enum kind kind)
{
	int s;

	while ((s = accept4(l, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		int one = 1;

		if (s >= MAXFD || (conns[s] = calloc(1, sizeof(**conns))) ==
		    NULL) {
			close(s);
			errors++;
			continue;
		}
		conns[s]->kind = kind;
		if (kind == K_HTTP)
			setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
			    sizeof(one));
		watch(s, EPOLL_CTL_ADD, EPOLLIN | EPOLLRDHUP);
	}
	if (errno != EAGAIN)
		errors++;
}

static void
serve_one(int fd, uint32_t events)
{
	struct conn *c = conns[fd];
	int r = 0;

	switch (c->kind) {
	case K_LISTEN_STREAM:
		accept_all(fd, K_STREAM);
		return;
	case K_LISTEN_CRR:
		accept_all(fd, K_CRR);
		return;
	case K_LISTEN_HTTP:
		accept_all(fd, K_HTTP);
		return;
	default:
		break;
	}
	if ((events & EPOLLIN) && !c->closing &&
	    !(c->kind == K_STREAM && c->dir != 0)) {
		ssize_t n = read(fd, c->in + c->inlen, INBUF - c->inlen);

		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			if (c->kind == K_HTTP && c->inlen > 0)
				errors++;	/* a request cut off */
			drop(fd);
			return;
		}
		if (n > 0)
			c->inlen += (size_t)n;
	}
	if (c->kind == K_STREAM) {
		r = stream_io(fd, c);
		if (r != 0) {
			if (r < 0)
				errors++;
			else
				requests++;
			drop(fd);
			return;
		}
	} else if (c->kind == K_CRR) {
		char *nl = memchr(c->in, '\n', c->inlen);

		if (nl != NULL) {
			queue(c, c->in, (size_t)(nl - c->in) + 1);
			c->closing = 1;
			requests++;
		} else if (c->inlen >= 128) {
			errors++;
			drop(fd);
			return;
		}
	} else if (http_input(c) != 0) {
		drop(fd);
		return;
	}
	r = flush_out(fd, c);
	if (r < 0 || (r == 0 && c->closing)) {
		drop(fd);
		return;
	}
	if (c->kind != K_STREAM || c->dir != 'R')
		watch(fd, EPOLL_CTL_MOD, r ? EPOLLOUT : EPOLLIN | EPOLLRDHUP);
}

/* ioctl(s, req) on interface name with ifr_flags or ifr_addr set. */
static void
ifreq_set(int s, unsigned long req, const char *name, short flags,
    const char *ip)
{
	struct ifreq ifr;
	struct sockaddr_in *a = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	if (ip != NULL) {
		a->sin_family = AF_INET;
		inet_pton(AF_INET, ip, &a->sin_addr);
	} else {
		ifr.ifr_flags = flags;
	}
	if (ioctl(s, req, &ifr) != 0)
		die(name);
}

/* The Linux microVM: load the NIC's modules, address eth0. */
static void
linux_setup(void)
{
	FILE *f = fopen("/modules/order", "r");
	struct ifreq ifr;
	char name[128], path[160];
	int s, i;

	if (f == NULL)
		return;
	while (fscanf(f, "%127s", name) == 1) {
		int fd;

		snprintf(path, sizeof(path), "/modules/%s", name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
		    (syscall(SYS_finit_module, fd, "", 0) != 0 &&
		    errno != EEXIST))
			die(path);
		close(fd);
	}
	fclose(f);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		die("socket");
	ifreq_set(s, SIOCSIFFLAGS, "lo", IFF_UP | IFF_RUNNING, NULL);
	for (i = 0; i < 200; i++) {	/* the probe may still be running */
		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, "eth0");
		if (ioctl(s, SIOCGIFINDEX, &ifr) == 0)
			break;
		usleep(10000);
	}
	ifreq_set(s, SIOCSIFADDR, "eth0", 0, "10.0.2.15");
	ifreq_set(s, SIOCSIFNETMASK, "eth0", 0, "255.255.255.0");
	ifreq_set(s, SIOCSIFFLAGS, "eth0", IFF_UP | IFF_RUNNING, NULL);
	close(s);
}

int
main(int argc, char **argv)
{
	int base;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 || (base = atoi(argv[1])) <= 0 || base > 65533) {
		printf("usage: netserve BASEPORT\n");
		return 2;
	}
	for (size_t i = 0; i < CHUNK; i++)
		pattern[i] = (uint8_t)(i * 131 + i / 977);
	linux_setup();
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1");
	listen_on(base, K_LISTEN_STREAM);
	listen_on(base + 1, K_LISTEN_CRR);
	listen_on(base + 2, K_LISTEN_HTTP);
	printf("netserve: listening on %d-%d\n", base, base + 2);
	while (!quit) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, -1);

		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++)
			if (conns[evs[i].data.fd] != NULL)
				serve_one(evs[i].data.fd, evs[i].events);
	}
	/* The /quit answer is out (or queued in the socket) by now. */
	printf("netserve: %ld requests, %ld errors\n", requests, errors);
	fflush(stdout);
	if (getpid() == 1) {
		sleep(1);
		reboot(RB_POWER_OFF);
	}
	return errors == 0 ? 0 : 1;
}
