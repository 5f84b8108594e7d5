/*
 * bigmem: large address-space requests that behave the same on a Linux
 * host and in a small VM.  PROT_NONE reservations and MAP_NORESERVE
 * mappings far larger than RAM succeed (only touched pages cost memory);
 * a writable, accounted 1 TiB request (mmap, brk or mremap) is refused with
 * ENOMEM, as Linux's default overcommit heuristic (vm.overcommit_memory=0)
 * refuses any single commitment larger than RAM plus swap.
 */
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define GiB	(1UL << 30)
#define TiB	(1UL << 40)
#define RW	(PROT_READ | PROT_WRITE)

static void
test_reservations(void)
{
	char *r = map_anon(NULL, 64 * GiB, PROT_NONE, MAP_NORESERVE);
	char *many[64];
	int ok = 1;

	check("reserve 64 GiB PROT_NONE", r != NULL);
	if (r != NULL) {
		expect_val("open 1 MiB in its middle RW", SYS3(SYS_mprotect,
		    r + 32 * GiB, 1 << 20, RW), 0);
		memset(r + 32 * GiB, 0x6b, 1 << 20);
		check("opened part holds data", r[32 * GiB + (1 << 20) - 1] ==
		    0x6b);
		check("rest still closed", !probe_read(r + 33 * GiB));
		expect_val("unmap the reservation", SYS2(SYS_munmap, r,
		    64 * GiB), 0);
	}
	for (int i = 0; i < 64; i++) {
		many[i] = map_anon(NULL, GiB, PROT_NONE, 0);
		ok &= many[i] != NULL;
	}
	check("64 reservations of 1 GiB", ok);
	for (int i = 0; i < 64; i++)
		if (many[i] != NULL)
			SYS2(SYS_munmap, many[i], GiB);
}

static void
test_noreserve(void)
{
	char *p = map_anon(NULL, 64 * GiB, RW, MAP_NORESERVE);

	check("64 GiB RW MAP_NORESERVE", p != NULL);
	if (p == NULL)
		return;
	p[0] = 1;
	p[64 * GiB - 1] = 2;
	p[17 * GiB + 12345] = 3;
	check("first, last and a middle page usable",
	    p[0] == 1 && p[64 * GiB - 1] == 2 && p[17 * GiB + 12345] == 3);
	check("untouched pages read zero", p[40 * GiB] == 0);
	expect_val("unmap it", SYS2(SYS_munmap, p, 64 * GiB), 0);
}

static void
test_refused(void)
{
	uintptr_t b0 = (uintptr_t)SYS1(SYS_brk, 0);
	char *p;

	expect_err("mmap RW 1 TiB", SYS6(SYS_mmap, NULL, TiB, RW,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM);
	check("brk +1 TiB refused", (uintptr_t)SYS1(SYS_brk, b0 + TiB) == b0);
	check("break unchanged", (uintptr_t)SYS1(SYS_brk, 0) == b0);
	p = map_anon(NULL, PAGE, RW, 0);
	if (p != NULL) {
		p[0] = 9;
		expect_err("mremap grow to 1 TiB", SYS5(SYS_mremap, p, PAGE,
		    TiB, MREMAP_MAYMOVE, 0), ENOMEM);
		check("page kept after refusal", p[0] == 9);
		SYS2(SYS_munmap, p, PAGE);
	}
	p = map_anon(NULL, 16 << 20, RW, 0);
	check("a 16 MiB mapping still works afterwards", p != NULL);
	if (p != NULL) {
		memset(p, 1, 16 << 20);
		SYS2(SYS_munmap, p, 16 << 20);
	}
}

int
main(void)
{
	test_reservations();
	test_noreserve();
	test_refused();
	return finish();
}
