/*
 * The Internet checksum for lwIP (LWIP_CHKSUM in port/lwipopts.h): the
 * ones' complement sum of RFC 1071, eight bytes at a time.  lwIP's own
 * routine adds two bytes at a time, and every byte received or sent
 * passes through it (TCP and UDP checksums are checked and made here:
 * no offloads are negotiated), which under TCG is a visible share of a
 * stream's cost.
 *
 * The result is what lwip_standard_chksum returns: the 16-bit sum of
 * the data read as little-endian words in memory order (a trailing odd
 * byte as a low byte), not inverted.  RFC 1071 section 2 (B) and (C):
 * the sum does not depend on byte order or on the width of the words
 * added, once the carries are folded back in.
 */
#include <stdint.h>

#include "net/net.h"

static uint64_t
add_carry(uint64_t sum, uint64_t v)
{
	sum += v;
	return sum + (sum < v);		/* end-around carry */
}

unsigned short
net_chksum(const void *data, int len)
{
	const uint8_t *p = data;
	uint64_t sum = 0, w;
	uint32_t d;
	uint16_t h;

	for (; len >= 32; p += 32, len -= 32) {
		__builtin_memcpy(&w, p, 8);
		sum = add_carry(sum, w);
		__builtin_memcpy(&w, p + 8, 8);
		sum = add_carry(sum, w);
		__builtin_memcpy(&w, p + 16, 8);
		sum = add_carry(sum, w);
		__builtin_memcpy(&w, p + 24, 8);
		sum = add_carry(sum, w);
	}
	for (; len >= 8; p += 8, len -= 8) {
		__builtin_memcpy(&w, p, 8);
		sum = add_carry(sum, w);
	}
	if (len >= 4) {
		__builtin_memcpy(&d, p, 4);
		sum = add_carry(sum, d);
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		__builtin_memcpy(&h, p, 2);
		sum = add_carry(sum, h);
		p += 2;
		len -= 2;
	}
	if (len > 0)
		sum = add_carry(sum, *p);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (unsigned short)sum;
}
