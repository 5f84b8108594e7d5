/*
 * CrngProvider: a ChaCha20-based DRBG (the construction of Linux's
 * random.c and OpenBSD's arc4random: the key is replaced from the output
 * after every request, so earlier outputs cannot be recovered), seeded
 * from RDSEED, else RDRAND, with a health check that refuses a stuck or
 * absent source.  Reseeded from the hardware source every
 * CRNG_RESEED_BYTES of output.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define CRNG_RESEED_BYTES	(1u << 20)
#define HW_RETRIES		64

static uint32_t key[8];
static uint64_t counter;
static uint64_t since_reseed;
static bool healthy;
static const char *source = "none";

static bool
hw_random(uint64_t *v)
{
	for (int i = 0; i < HW_RETRIES; i++) {
		if (cpu.rdseed && arch_rdseed64(v))
			return true;
		if (cpu.rdrand && arch_rdrand64(v))
			return true;
	}
	return false;
}

/*
 * Mix 256 fresh bits into the key.  The health check: every word must be
 * delivered, and no two of the eight 64-bit samples may be equal (a
 * stuck source repeats itself).
 */
static bool
reseed(void)
{
	uint64_t s[4 * 2];
	uint32_t blk[16];

	for (int i = 0; i < 8; i++) {
		if (!hw_random(&s[i]))
			return false;
		for (int j = 0; j < i; j++)
			if (s[i] == s[j])
				return false;
	}
	for (int i = 0; i < 8; i++)
		key[i] ^= (uint32_t)s[i] ^ (uint32_t)(s[i] >> 32);
	chacha20_block(key, counter++, 0x7365656d, blk);	/* "mees" */
	memcpy(key, blk, sizeof(key));
	since_reseed = 0;
	return true;
}

void
crng_init(void)
{
	source = cpu.rdseed ? "RDSEED" : cpu.rdrand ? "RDRAND" : "none";
	healthy = reseed();
	if (!healthy)
		klog("crng: no healthy hardware entropy source (%s); guests "
		    "asking for randomness get EIO", source);
}

int
plat_crng_fill(void *buf, size_t len)
{
	uint8_t *out = buf;
	uint32_t blk[16];

	if (!healthy)
		return -EIO;
	if (since_reseed >= CRNG_RESEED_BYTES && !reseed())
		klog("crng: reseed failed; continuing on the current key");
	while (len > 0) {
		size_t n = len < 64 ? len : 64;

		chacha20_block(key, counter++, 0, blk);
		memcpy(out, blk, n);
		out += n;
		len -= n;
		since_reseed += n;
	}
	/* Fast key erasure: the next key is fresh output. */
	chacha20_block(key, counter++, 0, blk);
	memcpy(key, blk, sizeof(key));
	memset(blk, 0, sizeof(blk));
	return 0;
}
