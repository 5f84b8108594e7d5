/*
 * random: getrandom.  Lengths and flags as Linux takes them, output that
 * looks random (two draws differ, 64 KiB covers all 256 byte values) with
 * no value printed, and bad buffers: EFAULT when nothing could be written,
 * a short count when the buffer runs into an unmapped page part way.
 */
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define GRND_NONBLOCK	1
#define GRND_RANDOM	2
#define GRND_INSECURE	4

static long
getrandom_at(void *p)
{
	return SYS3(SYS_getrandom, p, 16, 0);
}

static int
distinct_bytes(const unsigned char *p, size_t len)
{
	int seen[256] = { 0 }, n = 0;

	for (size_t i = 0; i < len; i++)
		if (!seen[p[i]]++)
			n++;
	return n;
}

int
main(void)
{
	static unsigned char big[1 << 20];
	unsigned char a[16], b[16];
	char *page;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	expect_val("getrandom 16", SYS3(SYS_getrandom, a, 16, 0), 16);
	expect_val("getrandom 16 again", SYS3(SYS_getrandom, b, 16, 0), 16);
	check("two draws differ", memcmp(a, b, 16) != 0);
	expect_val("GRND_NONBLOCK", SYS3(SYS_getrandom, a, 16, GRND_NONBLOCK),
	    16);
	expect_val("GRND_RANDOM", SYS3(SYS_getrandom, a, 16, GRND_RANDOM), 16);
	expect_val("GRND_INSECURE", SYS3(SYS_getrandom, a, 16, GRND_INSECURE),
	    16);
	expect_err("GRND_INSECURE|GRND_RANDOM", SYS3(SYS_getrandom, a, 16,
	    GRND_INSECURE | GRND_RANDOM), EINVAL);
	expect_err("unknown flag 8", SYS3(SYS_getrandom, a, 16, 8), EINVAL);
	expect_val("length 0", SYS3(SYS_getrandom, a, 0, 0), 0);
	expect_val("length 0, NULL buffer", SYS3(SYS_getrandom, NULL, 0, 0), 0);
	expect_val("64 KiB", SYS3(SYS_getrandom, big, 65536, 0), 65536);
	check("64 KiB covers all 256 byte values",
	    distinct_bytes(big, 65536) == 256);
	expect_val("1 MiB", SYS3(SYS_getrandom, big, sizeof(big), 0),
	    sizeof(big));
	check("end of 1 MiB written", distinct_bytes(big + sizeof(big) - 65536,
	    65536) == 256);
	expect_err("wrapping range", SYS3(SYS_getrandom, ADDR_LAST_PAGE,
	    2 * PAGE, 0), EFAULT);
	expect_err("range past user space", SYS3(SYS_getrandom,
	    ADDR_NONCANON - PAGE, 2 * PAGE, 0), EFAULT);
	expect_efault_all("getrandom", getrandom_at, 1, PTR_OUT);

	page = map_anon(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, 0);
	if (page != NULL) {
		SYS2(SYS_munmap, page + PAGE, PAGE);
		expect_val("16 bytes, last 6 unmapped: short count",
		    SYS3(SYS_getrandom, page + PAGE - 10, 16, 0), 10);
		SYS2(SYS_munmap, page, PAGE);
	}
	return finish();
}
