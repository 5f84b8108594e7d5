/*
 * madvise: MADV_DONTNEED throws away private anonymous pages, which then
 * read as zero and stay mapped and writable; the usual hints are accepted
 * and change nothing visible; bad arguments give EINVAL and unmapped ranges
 * ENOMEM.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define RW	(PROT_READ | PROT_WRITE)

static void
test_dontneed(void)
{
	char *p = map_anon(NULL, 8 * PAGE, RW, 0);

	if (p == NULL) {
		check("map 8 pages", 0);
		return;
	}
	memset(p, 0x42, 8 * PAGE);
	expect_val("MADV_DONTNEED pages 2-5", SYS3(SYS_madvise, p + 2 * PAGE,
	    4 * PAGE, MADV_DONTNEED), 0);
	check("dropped pages read zero", all_bytes(p + 2 * PAGE, 4 * PAGE, 0));
	check("other pages kept", all_bytes(p, 2 * PAGE, 0x42) &&
	    all_bytes(p + 6 * PAGE, 2 * PAGE, 0x42));
	check("dropped pages still mapped", is_mapped(p + 2 * PAGE, 4 * PAGE));
	memset(p + 2 * PAGE, 0x43, 4 * PAGE);
	check("dropped pages writable again",
	    all_bytes(p + 2 * PAGE, 4 * PAGE, 0x43));
	expect_val("MADV_DONTNEED all", SYS3(SYS_madvise, p, 8 * PAGE,
	    MADV_DONTNEED), 0);
	check("all read zero", all_bytes(p, 8 * PAGE, 0));
	SYS3(SYS_mprotect, p, PAGE, PROT_NONE);
	expect_val("MADV_DONTNEED on PROT_NONE page", SYS3(SYS_madvise, p,
	    PAGE, MADV_DONTNEED), 0);
	SYS2(SYS_munmap, p, 8 * PAGE);
}

static void
test_hints(void)
{
	static const struct {
		const char *name;
		int advice;
	} hints[] = {
		{ "MADV_NORMAL", MADV_NORMAL },
		{ "MADV_RANDOM", MADV_RANDOM },
		{ "MADV_SEQUENTIAL", MADV_SEQUENTIAL },
		{ "MADV_WILLNEED", MADV_WILLNEED },
		{ "MADV_DONTFORK", MADV_DONTFORK },
		{ "MADV_DOFORK", MADV_DOFORK },
		{ "MADV_DONTDUMP", MADV_DONTDUMP },
		{ "MADV_DODUMP", MADV_DODUMP },
		{ "MADV_FREE", MADV_FREE },
	};
	char *p = map_anon(NULL, 4 * PAGE, RW, 0);
	char label[64];

	if (p == NULL) {
		check("map 4 pages", 0);
		return;
	}
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		memset(p, 0x55, 4 * PAGE);
		snprintf(label, sizeof(label), "%s", hints[i].name);
		expect_val(label, SYS3(SYS_madvise, p, 4 * PAGE,
		    hints[i].advice), 0);
		if (hints[i].advice != MADV_FREE)
			check("  data unchanged", all_bytes(p, 4 * PAGE, 0x55));
		memset(p, 0x56, 4 * PAGE);
		check("  writable after", all_bytes(p, 4 * PAGE, 0x56));
	}
	SYS2(SYS_munmap, p, 4 * PAGE);
}

static void
test_errors(void)
{
	char *p = map_anon(NULL, 4 * PAGE, RW, 0);

	expect_err("unknown advice 12345", SYS3(SYS_madvise, p, PAGE, 12345),
	    EINVAL);
	expect_err("unaligned address", SYS3(SYS_madvise, p + 1, PAGE,
	    MADV_DONTNEED), EINVAL);
	expect_val("length 0", SYS3(SYS_madvise, p, 0, MADV_DONTNEED), 0);
	expect_err("wrapping range", SYS3(SYS_madvise, p, -PAGE,
	    MADV_DONTNEED), EINVAL);
	SYS2(SYS_munmap, p + 2 * PAGE, PAGE);
	expect_err("unmapped range", SYS3(SYS_madvise, p + 2 * PAGE, PAGE,
	    MADV_DONTNEED), ENOMEM);
	expect_err("range with a hole", SYS3(SYS_madvise, p, 4 * PAGE,
	    MADV_NORMAL), ENOMEM);
	expect_err("kernel address", SYS3(SYS_madvise, ADDR_KTEXT, PAGE,
	    MADV_DONTNEED), ENOMEM);
	SYS2(SYS_munmap, p, 4 * PAGE);
}

int
main(void)
{
	test_dontneed();
	test_hints();
	test_errors();
	return finish();
}
