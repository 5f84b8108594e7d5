/*
 * The ChaCha20 block function (RFC 8439, 2.3), the core of the CRNG.
 * Pure code: the host tests check it against the RFC's test vectors.
 */
#include "platform/internal.h"

#define ROTL(v, n)	(((v) << (n)) | ((v) >> (32 - (n))))

static void
quarter(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b]; x[d] ^= x[a]; x[d] = ROTL(x[d], 16);
	x[c] += x[d]; x[b] ^= x[c]; x[b] = ROTL(x[b], 12);
	x[a] += x[b]; x[d] ^= x[a]; x[d] = ROTL(x[d], 8);
	x[c] += x[d]; x[b] ^= x[c]; x[b] = ROTL(x[b], 7);
}

/*
 * One block: state words 12-13 are the 64-bit counter, word 14 is
 * nonce_hi, word 15 is zero (RFC 8439's 32-bit counter and 96-bit nonce
 * are the same words: counter = word 12, nonce = words 13-15).
 */
void
chacha20_block(const uint32_t k[8], uint64_t ctr, uint32_t nonce_hi,
    uint32_t out[16])
{
	uint32_t x[16], in[16] = {
		0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
		k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7],
		(uint32_t)ctr, (uint32_t)(ctr >> 32), nonce_hi, 0,
	};

	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) {
		quarter(x, 0, 4, 8, 12);
		quarter(x, 1, 5, 9, 13);
		quarter(x, 2, 6, 10, 14);
		quarter(x, 3, 7, 11, 15);
		quarter(x, 0, 5, 10, 15);
		quarter(x, 1, 6, 11, 12);
		quarter(x, 2, 7, 8, 13);
		quarter(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++)
		out[i] = x[i] + in[i];
}
