/*
 * netpeer: one end of a real-peer network test (tests/integration/net.sh
 * runs the other end on the host).  Not a differential guest: it needs a
 * peer.  Data is a fixed pattern (byte i = (i * 131 + i / 977) & 255) and
 * every transfer ends with its FNV-1a 64 checksum printed, so the host
 * can compare both directions.
 *
 *   netpeer serve PORT N        TCP: accept one connection, read N bytes,
 *                               send N back, print the checksum of both
 *   netpeer client HOST PORT N  TCP: connect, send N, read N, same
 *   netpeer udpecho PORT K      UDP: echo K datagrams back to the sender
 *   netpeer udpsend HOST PORT K UDP: send K datagrams, await each echo
 *   netpeer many PORT C         TCP: C clients connected at once, served
 *                               through one epoll loop (echo until EOF)
 *   netpeer ifaces              list the interfaces (SIOCGIFCONF, then
 *                               SIOCGIFINDEX and SIOCGIFFLAGS on each)
 *   netpeer manyout HOST PORT C TCP: C connections at once to an echo
 *                               server, driven by one epoll loop: each
 *                               sends a line, checks the echo, closes
 *   netpeer spin HOST PORT MS   TCP: connect, send "sent", compute for MS
 *                               milliseconds without a socket call, send
 *                               "done" (the first line must not wait for
 *                               the second)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t fnv = 0xcbf29ce484222325ull;

static uint8_t
pattern(uint64_t i)
{
	return (uint8_t)(i * 131 + i / 977);
}

static void
fnv_add(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fnv ^= p[i];
		fnv *= 0x100000001b3ull;
	}
}

static void
die(const char *what)
{
	printf("netpeer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
send_pattern(int fd, uint64_t n)
{
	static uint8_t buf[65536];
	uint64_t done = 0;

	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		ssize_t w;

		for (size_t i = 0; i < k; i++)
			buf[i] = pattern(done + i);
		w = write(fd, buf, k);
		if (w <= 0)
			die("write");
		done += (uint64_t)w;
	}
}

static void
recv_sum(int fd, uint64_t n)
{
	static uint8_t buf[65536];
	uint64_t done = 0;

	fnv = 0xcbf29ce484222325ull;
	while (done < n) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		ssize_t r = read(fd, buf, k);

		if (r < 0)
			die("read");
		if (r == 0) {
			printf("netpeer: end of stream after %llu bytes\n",
			    (unsigned long long)done);
			exit(1);
		}
		fnv_add(buf, (size_t)r);
		done += (uint64_t)r;
	}
	printf("received %llu bytes fnv %016llx\n", (unsigned long long)n,
	    (unsigned long long)fnv);
}

static int
tcp_listen(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("bind");
	if (listen(fd, 512) != 0)
		die("listen");
	printf("listening on %d\n", port);
	fflush(stdout);
	return fd;
}

static struct sockaddr_in
addr(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(port) };

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		printf("netpeer: bad address %s\n", host);
		exit(2);
	}
	return a;
}

static int
serve(int port, uint64_t n)
{
	int l = tcp_listen(port), c = accept(l, NULL, NULL);

	if (c < 0)
		die("accept");
	recv_sum(c, n);
	send_pattern(c, n);
	shutdown(c, SHUT_WR);
	close(c);
	close(l);
	return 0;
}

static int
client(const char *host, int port, uint64_t n)
{
	struct sockaddr_in a = addr(host, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("connect");
	send_pattern(fd, n);
	recv_sum(fd, n);
	close(fd);
	return 0;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
spin(const char *host, int port, int ms)
{
	struct sockaddr_in a = addr(host, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	volatile unsigned long work = 0;
	double end;

	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("connect");
	if (write(fd, "sent\n", 5) != 5)
		die("write");
	for (end = now_ms() + ms; now_ms() < end; )
		for (int i = 0; i < 100000; i++)
			work++;
	if (write(fd, "done\n", 5) != 5)
		die("write");
	close(fd);
	printf("spin: done\n");
	return 0;
}

static int
udpecho(int port, int k)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(port) }, from;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[2048];

	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("bind");
	printf("listening on %d\n", port);
	fflush(stdout);
	for (int i = 0; i < k; i++) {
		socklen_t len = sizeof(from);
		ssize_t r = recvfrom(fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &len);

		if (r < 0)
			die("recvfrom");
		if (sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from,
		    len) != r)
			die("sendto");
	}
	printf("echoed %d datagrams\n", k);
	return 0;
}

static int
udpsend(const char *host, int port, int k)
{
	struct sockaddr_in a = addr(host, port);
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ok = 0;
	char buf[2048], back[2048];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	connect(fd, (struct sockaddr *)&a, sizeof(a));
	for (int i = 0; i < k; i++) {
		int n = snprintf(buf, sizeof(buf), "datagram %d", i);

		for (int tries = 0; tries < 5; tries++) {
			if (send(fd, buf, (size_t)n, 0) != n)
				die("send");
			if (recv(fd, back, sizeof(back), 0) == n &&
			    memcmp(buf, back, (size_t)n) == 0) {
				ok++;
				break;
			}
		}
	}
	printf("udp: %d of %d echoed\n", ok, k);
	return ok == k ? 0 : 1;
}

/* Echo on every connection until each one ends; c connections total. */
static int
many(int port, int c)
{
	static char buf[65536];
	int l = tcp_listen(port), ep = epoll_create1(0), open = 0, done = 0;
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = l };

	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	while (done < c) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 30000);

		if (n <= 0)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			ssize_t r;

			if (fd == l) {
				int s = accept4(l, NULL, NULL, SOCK_NONBLOCK);

				if (s < 0)
					continue;
				ev.events = EPOLLIN;
				ev.data.fd = s;
				epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
				if (++open > 0 && open % 50 == 0)
					printf("%d connections open\n", open);
				continue;
			}
			r = read(fd, buf, sizeof(buf));
			if (r > 0) {
				if (write(fd, buf, (size_t)r) != r)
					die("write");
			} else if (r == 0 || errno != EAGAIN) {
				close(fd);
				done++;
			}
		}
	}
	printf("served %d connections\n", done);
	return 0;
}

struct conn {
	int fd;
	char line[32];
	size_t len, got;
};

static int
manyout(const char *host, int port, int c)
{
	struct sockaddr_in a = addr(host, port);
	static struct conn conns[4096];
	int ep = epoll_create1(0), ok = 0, left = c;

	if (c > 4096)
		c = 4096;
	for (int i = 0; i < c; i++) {
		struct conn *k = &conns[i];
		struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = i };

		k->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (k->fd < 0)
			die("socket");
		k->len = (size_t)snprintf(k->line, sizeof(k->line),
		    "line %d\n", i);
		if (connect(k->fd, (struct sockaddr *)&a, sizeof(a)) != 0 &&
		    errno != EINPROGRESS)
			die("connect");
		epoll_ctl(ep, EPOLL_CTL_ADD, k->fd, &ev);
	}
	printf("%d connections started\n", c);
	while (left > 0) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 60000);

		if (n <= 0)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct conn *k = &conns[evs[i].data.u32];
			char buf[64];

			if (evs[i].events & EPOLLOUT) {
				struct epoll_event ev = { .events = EPOLLIN,
				    .data.u32 = evs[i].data.u32 };

				if (write(k->fd, k->line, k->len) !=
				    (ssize_t)k->len)
					die("write");
				epoll_ctl(ep, EPOLL_CTL_MOD, k->fd, &ev);
				continue;
			}
			ssize_t r = read(k->fd, buf, sizeof(buf));

			if (r < 0 && errno == EAGAIN)
				continue;
			if (r > 0 && k->got + (size_t)r <= k->len &&
			    memcmp(buf, k->line + k->got, (size_t)r) == 0) {
				k->got += (size_t)r;
				if (k->got < k->len)
					continue;
				ok++;
			}
			close(k->fd);
			left--;
		}
	}
	printf("manyout: %d of %d echoed\n", ok, c);
	return ok == c ? 0 : 1;
}

static int
ifaces(void)
{
	struct ifreq reqs[8];
	struct ifconf c = { .ifc_len = sizeof(reqs), .ifc_req = reqs };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (ioctl(fd, SIOCGIFCONF, &c) != 0)
		die("SIOCGIFCONF");
	for (size_t i = 0; i < c.ifc_len / sizeof(reqs[0]); i++) {
		struct ifreq r = reqs[i];
		char ip[INET_ADDRSTRLEN];
		int index;

		inet_ntop(AF_INET, &((struct sockaddr_in *)&reqs[i].ifr_addr)->
		    sin_addr, ip, sizeof(ip));
		if (ioctl(fd, SIOCGIFINDEX, &r) != 0)
			die("SIOCGIFINDEX");
		index = r.ifr_ifindex;
		if (ioctl(fd, SIOCGIFFLAGS, &r) != 0)
			die("SIOCGIFFLAGS");
		printf("iface %s index %d addr %s flags %#x\n", reqs[i].ifr_name,
		    index, ip, (unsigned)(uint16_t)r.ifr_flags);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(atoi(argv[2]), strtoull(argv[3], NULL, 0));
	if (argc == 5 && strcmp(argv[1], "client") == 0)
		return client(argv[2], atoi(argv[3]),
		    strtoull(argv[4], NULL, 0));
	if (argc == 4 && strcmp(argv[1], "udpecho") == 0)
		return udpecho(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "udpsend") == 0)
		return udpsend(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 2 && strcmp(argv[1], "ifaces") == 0)
		return ifaces();
	if (argc == 5 && strcmp(argv[1], "manyout") == 0)
		return manyout(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "many") == 0)
		return many(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && strcmp(argv[1], "spin") == 0)
		return spin(argv[2], atoi(argv[3]), atoi(argv[4]));
	printf("usage: netpeer serve|client|udpecho|udpsend|many|manyout|"
	    "spin ...\n");
	return 2;
}
