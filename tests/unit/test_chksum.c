/*
 * test_chksum.c: net_chksum (net/chksum.c) against RFC 1071's sum taken
 * two bytes at a time, as lwIP's first algorithm does, on random data of
 * every length up to 2100 bytes at every alignment, and on the worst
 * cases for carries (all 0xff, all zero).
 */
#include <stdint.h>
#include <stdlib.h>

#include "net/net.h"
#include "tests/unit/harness.h"

/* lwIP's algorithm 1: big-endian words, then swapped to host order. */
static unsigned short
reference(const uint8_t *p, int len)
{
	uint32_t acc = 0;

	for (; len > 1; p += 2, len -= 2)
		acc += (uint32_t)(p[0] << 8 | p[1]);
	if (len > 0)
		acc += (uint32_t)p[0] << 8;
	acc = (acc >> 16) + (acc & 0xffff);
	acc = (acc >> 16) + (acc & 0xffff);
	return (unsigned short)((acc >> 8 & 0xff) | (acc & 0xff) << 8);
}

static uint8_t buf[2200];

static void
test_random(void)
{
	srand(13);
	for (int round = 0; round < 40; round++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rand();
		for (int off = 0; off < 8; off++)
			for (int len = 0; len <= 2100; len++)
				CHECK(net_chksum(buf + off, len) ==
				    reference(buf + off, len));
	}
}

static void
test_carries(void)
{
	memset(buf, 0xff, sizeof(buf));
	for (int len = 0; len <= 2100; len += 7)
		CHECK(net_chksum(buf + 3, len) == reference(buf + 3, len));
	memset(buf, 0, sizeof(buf));
	CHECK(net_chksum(buf, 1500) == 0);
	/* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	memcpy(buf, "\x00\x01\xf2\x03\xf4\xf5\xf6\xf7", 8);
	CHECK(reference(buf, 8) == 0xf2dd);
	CHECK(net_chksum(buf, 8) == 0xf2dd);
}

int
main(void)
{
	harness_begin("chksum");
	RUN(test_random);
	RUN(test_carries);
	return harness_done();
}
