/*
 * mremap: shrink in place, grow in place when the pages after are free,
 * ENOMEM when they are not and moving is not allowed, moves with
 * MREMAP_MAYMOVE and to a chosen address with MREMAP_FIXED (contents kept,
 * old range gone), realloc-style growth step by step, and the error cases.
 */
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define RW	(PROT_READ | PROT_WRITE)

static long
mremap_raw(void *old, size_t old_len, size_t new_len, int flags, void *new)
{
	return SYS5(SYS_mremap, old, old_len, new_len, flags, new);
}

static void
fill(char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (char)(seed + i * 7 + (i >> 12));
}

static int
same(const char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (char)(seed + i * 7 + (i >> 12)))
			return 0;
	return 1;
}

static int
zero(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* len bytes mapped RW at the start of a free range of span bytes. */
static char *
map_with_room(size_t len, size_t span)
{
	char *r = map_anon(NULL, span, PROT_NONE, 0);

	if (r == NULL)
		return NULL;
	SYS2(SYS_munmap, r, span);
	return map_anon(r, len, RW, MAP_FIXED_NOREPLACE);
}

static void
test_in_place(void)
{
	char *p = map_with_room(8 * PAGE, 16 * PAGE);
	long ret;

	if (p == NULL) {
		check("map 8 pages with room", 0);
		return;
	}
	fill(p, 8 * PAGE, 1);
	ret = mremap_raw(p, 8 * PAGE, 4 * PAGE, 0, NULL);
	check("shrink 8 -> 4 pages in place", (char *)ret == p);
	check("shrunk: data kept", same(p, 4 * PAGE, 1));
	check("shrunk: tail unmapped", is_mapped(p + 4 * PAGE, 4 * PAGE) == 0);
	ret = mremap_raw(p, 4 * PAGE, 16 * PAGE, 0, NULL);
	check("grow 4 -> 16 pages in place", (char *)ret == p);
	check("grown: data kept", same(p, 4 * PAGE, 1));
	check("grown: new pages zero", zero(p + 4 * PAGE, 12 * PAGE));
	ret = mremap_raw(p, 16 * PAGE, 16 * PAGE, 0, NULL);
	check("same size is a no-op", (char *)ret == p);
	ret = mremap_raw(p, 16 * PAGE, 2 * PAGE, MREMAP_MAYMOVE, NULL);
	check("shrink with MAYMOVE stays", (char *)ret == p);
	SYS2(SYS_munmap, p, 16 * PAGE);
}

static void
test_move(void)
{
	char *p = map_with_room(8 * PAGE, 16 * PAGE), *blocker, *q;
	long ret;

	if (p == NULL) {
		check("map 8 pages with room", 0);
		return;
	}
	blocker = map_anon(p + 8 * PAGE, PAGE, RW, MAP_FIXED_NOREPLACE);
	check("blocker after the mapping", blocker == p + 8 * PAGE);
	fill(p, 8 * PAGE, 2);
	expect_err("grow without MAYMOVE, blocked",
	    mremap_raw(p, 8 * PAGE, 16 * PAGE, 0, NULL), ENOMEM);
	check("failed grow kept data", same(p, 8 * PAGE, 2));
	ret = mremap_raw(p, 8 * PAGE, 64 * PAGE, MREMAP_MAYMOVE, NULL);
	expect_ok("grow with MAYMOVE, blocked", ret);
	q = (char *)ret;
	check("moved elsewhere", !IS_ERR(ret) && q != p);
	check("moved: data kept", !IS_ERR(ret) && same(q, 8 * PAGE, 2));
	check("moved: new pages zero", !IS_ERR(ret) &&
	    zero(q + 8 * PAGE, 56 * PAGE));
	check("moved: old range unmapped", is_mapped(p, 8 * PAGE) == 0);
	check("blocker untouched", is_mapped(blocker, PAGE) == 1);
	SYS2(SYS_munmap, blocker, PAGE);
	if (!IS_ERR(ret))
		SYS2(SYS_munmap, q, 64 * PAGE);
}

static void
test_fixed(void)
{
	char *p = map_anon(NULL, 4 * PAGE, RW, 0);
	char *dst = map_anon(NULL, 8 * PAGE, RW, 0);
	long ret;

	if (p == NULL || dst == NULL) {
		check("map source and target", 0);
		return;
	}
	fill(p, 4 * PAGE, 3);
	memset(dst, 0x77, 8 * PAGE);
	ret = mremap_raw(p, 4 * PAGE, 4 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
	    dst + 2 * PAGE);
	check("MREMAP_FIXED lands exactly", (char *)ret == dst + 2 * PAGE);
	check("MREMAP_FIXED: data kept", same(dst + 2 * PAGE, 4 * PAGE, 3));
	check("MREMAP_FIXED: old range unmapped", is_mapped(p, 4 * PAGE) == 0);
	check("MREMAP_FIXED: target neighbours kept",
	    dst[0] == 0x77 && dst[2 * PAGE - 1] == 0x77 &&
	    dst[6 * PAGE] == 0x77 && dst[8 * PAGE - 1] == 0x77);
	ret = mremap_raw(dst + 2 * PAGE, 4 * PAGE, 2 * PAGE,
	    MREMAP_MAYMOVE | MREMAP_FIXED, p);
	check("MREMAP_FIXED shrinking move", (char *)ret == p);
	check("shrinking move: data kept", same(p, 2 * PAGE, 3));
	check("shrinking move: source gone",
	    is_mapped(dst + 2 * PAGE, 4 * PAGE) == 0);
	SYS2(SYS_munmap, p, 2 * PAGE);
	SYS2(SYS_munmap, dst, 8 * PAGE);
}

static void
test_realloc_steps(void)
{
	size_t len = PAGE;
	char *p = map_anon(NULL, len, RW, 0);
	int ok = p != NULL;

	for (size_t n = 2; ok && n <= 256; n *= 2) {
		long ret;

		fill(p, len, 4);
		ret = mremap_raw(p, len, n * PAGE, MREMAP_MAYMOVE, NULL);
		ok = !IS_ERR(ret) && same((char *)ret, len, 4) &&
		    zero((char *)ret + len, n * PAGE - len);
		p = (char *)ret;
		len = n * PAGE;
	}
	check("grow 1 -> 256 pages in 8 steps, data kept", ok);
	if (ok)
		SYS2(SYS_munmap, p, len);
}

static void
test_errors(void)
{
	char *p = map_anon(NULL, 4 * PAGE, RW, 0);
	char *hole = map_anon(NULL, PAGE, RW, 0);

	SYS2(SYS_munmap, hole, PAGE);
	expect_err("MREMAP_FIXED without MAYMOVE", mremap_raw(p, PAGE, PAGE,
	    MREMAP_FIXED, hole), EINVAL);
	expect_err("unknown flag 0x80", mremap_raw(p, PAGE, 2 * PAGE,
	    MREMAP_MAYMOVE | 0x80, NULL), EINVAL);
	expect_err("unaligned old address", mremap_raw(p + 1, PAGE, 2 * PAGE,
	    MREMAP_MAYMOVE, NULL), EINVAL);
	expect_err("new length 0", mremap_raw(p, PAGE, 0, MREMAP_MAYMOVE,
	    NULL), EINVAL);
	expect_err("unaligned new address", mremap_raw(p, PAGE, PAGE,
	    MREMAP_MAYMOVE | MREMAP_FIXED, hole + 1), EINVAL);
	expect_err("overlapping FIXED target", mremap_raw(p, 2 * PAGE,
	    2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, p + PAGE), EINVAL);
	expect_err("old range unmapped", mremap_raw(hole, PAGE, 2 * PAGE,
	    MREMAP_MAYMOVE, NULL), EFAULT);
	expect_err("old range past the mapping", mremap_raw(p, 8 * PAGE,
	    16 * PAGE, MREMAP_MAYMOVE, NULL), EFAULT);
	expect_err("new length 2^47", mremap_raw(p, PAGE, 1UL << 47,
	    MREMAP_MAYMOVE, NULL), EINVAL);
	expect_err("FIXED target non-canonical", mremap_raw(p, PAGE, PAGE,
	    MREMAP_MAYMOVE | MREMAP_FIXED, (void *)ADDR_NONCANON), EINVAL);
	SYS2(SYS_munmap, p, 4 * PAGE);
}

int
main(void)
{
	test_in_place();
	test_move();
	test_fixed();
	test_realloc_steps();
	test_errors();
	return finish();
}
