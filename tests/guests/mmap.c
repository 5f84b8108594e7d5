/*
 * mmap: anonymous private mappings and munmap.  Placement (hints,
 * MAP_FIXED, MAP_FIXED_NOREPLACE), zero fill, partial unmaps that split a
 * mapping, many mappings at once, and every EINVAL/EBADF/ENOMEM/EEXIST case
 * that Linux gives for anonymous memory.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define RW	(PROT_READ | PROT_WRITE)

static long
mmap_raw(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return SYS6(SYS_mmap, addr, len, prot, flags, fd, off);
}

static int
user_address(long ret, size_t len)
{
	return !IS_ERR(ret) && (ret & (PAGE - 1)) == 0 &&
	    (unsigned long)ret + len <= ADDR_NONCANON;
}

/* A free, page-aligned range of len bytes: mapped, then unmapped. */
static char *
free_range(size_t len)
{
	char *p = map_anon(NULL, len, PROT_NONE, 0);

	if (p != NULL)
		SYS2(SYS_munmap, p, len);
	return p;
}

static void
test_basic(void)
{
	size_t len = 16 * PAGE;
	long ret = mmap_raw(NULL, len, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)ret;

	expect_ok("mmap 16 pages", ret);
	if (IS_ERR(ret))
		return;
	check("address page aligned, in user space", user_address(ret, len));
	check("zero filled", all_bytes(p, len, 0));
	memset(p, 0xa5, len);
	check("written and read back", all_bytes(p, len, (char)0xa5));
	check("mapped", is_mapped(p, len) == 1);
	expect_val("munmap", SYS2(SYS_munmap, p, len), 0);
	check("gone after munmap", is_mapped(p, len) == 0);

	p = free_range(3 * PAGE);
	if (p != NULL)
		p = map_anon(p + PAGE, 100, RW, 0);
	check("length 100 maps a page", p != NULL);
	if (p != NULL) {
		p[PAGE - 1] = 1;
		check("length rounded up to one page",
		    is_mapped(p - PAGE, PAGE) == 0 &&
		    is_mapped(p, PAGE) == 1 && is_mapped(p + PAGE, PAGE) == 0);
		SYS2(SYS_munmap, p, 100);
		check("munmap of length 100 unmaps the page",
		    is_mapped(p, PAGE) == 0);
	}
	p = map_anon(NULL, PAGE, PROT_READ, 0);
	check("read-only mapping reads zero", p != NULL && all_bytes(p, PAGE, 0));
	SYS2(SYS_munmap, p, PAGE);
}

static void
test_flags(void)
{
	static const struct {
		const char *name;
		int flags;
	} accepted[] = {
		{ "MAP_POPULATE", MAP_POPULATE },
		{ "MAP_NORESERVE", MAP_NORESERVE },
		{ "MAP_STACK", MAP_STACK },
	};
	char label[64];
	long ret;

	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		ret = mmap_raw(NULL, 4 * PAGE, RW,
		    MAP_PRIVATE | MAP_ANONYMOUS | accepted[i].flags, -1, 0);
		snprintf(label, sizeof(label), "mmap %s", accepted[i].name);
		expect_ok(label, ret);
		if (!IS_ERR(ret)) {
			check("  zero filled", all_bytes((char *)ret, 4 * PAGE, 0));
			SYS2(SYS_munmap, ret, 4 * PAGE);
		}
	}
	ret = mmap_raw(NULL, PAGE, RW, MAP_PRIVATE | MAP_ANONYMOUS, 0, 0);
	expect_ok("anonymous ignores fd 0", ret);
	if (!IS_ERR(ret))
		SYS2(SYS_munmap, ret, PAGE);
}

static void
test_errors(void)
{
	int anon = MAP_PRIVATE | MAP_ANONYMOUS;

	expect_err("length 0", mmap_raw(NULL, 0, RW, anon, -1, 0), EINVAL);
	expect_err("neither private nor shared",
	    mmap_raw(NULL, PAGE, RW, MAP_ANONYMOUS, -1, 0), EINVAL);
	expect_err("unaligned offset",
	    mmap_raw(NULL, PAGE, RW, anon, -1, 100), EINVAL);
	expect_err("MAP_FIXED unaligned address",
	    mmap_raw((void *)0x10000001, PAGE, RW, anon | MAP_FIXED, -1, 0),
	    EINVAL);
	expect_err("file mapping of fd -1",
	    mmap_raw(NULL, PAGE, RW, MAP_PRIVATE, -1, 0), EBADF);
	expect_err("file mapping of fd 99",
	    mmap_raw(NULL, PAGE, RW, MAP_PRIVATE, 99, 0), EBADF);
	expect_err("length SIZE_MAX",
	    mmap_raw(NULL, SIZE_MAX, RW, anon, -1, 0), ENOMEM);
	expect_err("length 2^47", mmap_raw(NULL, 1UL << 47, RW, anon, -1, 0),
	    ENOMEM);
	expect_err("MAP_FIXED at 2^47 (non-canonical)",
	    mmap_raw((void *)ADDR_NONCANON, PAGE, RW, anon | MAP_FIXED, -1, 0),
	    ENOMEM);
	expect_err("MAP_FIXED across 2^47",
	    mmap_raw((void *)(ADDR_NONCANON - PAGE), 2 * PAGE, RW,
	    anon | MAP_FIXED, -1, 0), ENOMEM);
	expect_err("MAP_FIXED at a kernel address",
	    mmap_raw((void *)ADDR_KTEXT, PAGE, RW, anon | MAP_FIXED, -1, 0),
	    ENOMEM);
	expect_err("munmap unaligned", SYS2(SYS_munmap, 0x10000001, PAGE),
	    EINVAL);
	expect_err("munmap length 0", SYS2(SYS_munmap, 0x10000000, 0), EINVAL);
	expect_err("munmap kernel address", SYS2(SYS_munmap, ADDR_KTEXT, PAGE),
	    EINVAL);
	expect_err("munmap non-canonical", SYS2(SYS_munmap, ADDR_NONCANON,
	    PAGE), EINVAL);
	expect_err("munmap wrapping range", SYS2(SYS_munmap, 0x10000000,
	    -0x1000UL), EINVAL);
}

static void
test_placement(void)
{
	char *r = free_range(64 * PAGE), *p, *q;
	int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	long ret;

	if (r == NULL) {
		check("free range", 0);
		return;
	}
	p = map_anon(r + 16 * PAGE, 4 * PAGE, RW, 0);
	check("hint on free range honoured", p == r + 16 * PAGE);
	memset(p, 1, 4 * PAGE);
	q = map_anon(r + 16 * PAGE, 4 * PAGE, RW, 0);
	check("hint on used range placed elsewhere", q != NULL &&
	    (q + 4 * PAGE <= p || q >= p + 4 * PAGE));
	check("existing mapping untouched", all_bytes(p, 4 * PAGE, 1));
	SYS2(SYS_munmap, q, 4 * PAGE);

	ret = mmap_raw(r + 16 * PAGE, 4 * PAGE, RW, anon | MAP_FIXED_NOREPLACE,
	    -1, 0);
	expect_err("MAP_FIXED_NOREPLACE on a mapping", ret, EEXIST);
	ret = mmap_raw(r + 14 * PAGE, 4 * PAGE, RW, anon | MAP_FIXED_NOREPLACE,
	    -1, 0);
	expect_err("MAP_FIXED_NOREPLACE overlapping its start", ret, EEXIST);
	ret = mmap_raw(r + 19 * PAGE, 4 * PAGE, RW, anon | MAP_FIXED_NOREPLACE,
	    -1, 0);
	expect_err("MAP_FIXED_NOREPLACE overlapping its end", ret, EEXIST);
	ret = mmap_raw(r + 20 * PAGE, 4 * PAGE, RW, anon | MAP_FIXED_NOREPLACE,
	    -1, 0);
	check("MAP_FIXED_NOREPLACE on free range: exact",
	    (char *)ret == r + 20 * PAGE);
	check("existing mapping untouched", all_bytes(p, 4 * PAGE, 1));

	ret = mmap_raw(r + 17 * PAGE, 2 * PAGE, RW, anon | MAP_FIXED, -1, 0);
	check("MAP_FIXED over a mapping: exact", (char *)ret == r + 17 * PAGE);
	check("MAP_FIXED replaced pages read zero",
	    all_bytes(r + 17 * PAGE, 2 * PAGE, 0));
	check("neighbour pages keep their data",
	    all_bytes(p, PAGE, 1) && all_bytes(p + 3 * PAGE, PAGE, 1));
	SYS2(SYS_munmap, r, 64 * PAGE);
	check("one munmap over mappings and holes", is_mapped(r, 64 * PAGE) == 0);
	expect_val("munmap of unmapped range", SYS2(SYS_munmap, r, 64 * PAGE),
	    0);
}

static void
test_split(void)
{
	char *p = map_anon(NULL, 9 * PAGE, RW, 0);

	if (p == NULL) {
		check("map 9 pages", 0);
		return;
	}
	for (int i = 0; i < 9; i++)
		memset(p + i * PAGE, 'a' + i, PAGE);
	expect_val("munmap middle page", SYS2(SYS_munmap, p + 4 * PAGE, PAGE),
	    0);
	check("middle page gone", is_mapped(p + 4 * PAGE, PAGE) == 0);
	check("left part intact", all_bytes(p, PAGE, 'a') &&
	    all_bytes(p + 3 * PAGE, PAGE, 'd'));
	check("right part intact", all_bytes(p + 5 * PAGE, PAGE, 'f') &&
	    all_bytes(p + 8 * PAGE, PAGE, 'i'));
	expect_val("munmap first page", SYS2(SYS_munmap, p, PAGE), 0);
	expect_val("munmap last page", SYS2(SYS_munmap, p + 8 * PAGE, PAGE), 0);
	check("inner pages intact", all_bytes(p + PAGE, PAGE, 'b') &&
	    all_bytes(p + 7 * PAGE, PAGE, 'h'));
	SYS2(SYS_munmap, p, 9 * PAGE);
}

#define NMAPS	200

static void
test_many(void)
{
	static char *maps[NMAPS];
	int i, ok = 1, distinct = 1;

	for (i = 0; i < NMAPS; i++) {
		maps[i] = map_anon(NULL, (i % 7 + 1) * PAGE, RW, 0);
		if (maps[i] == NULL) {
			ok = 0;
			break;
		}
		memset(maps[i], i & 0xff, (i % 7 + 1) * PAGE);
	}
	check("200 mappings made", ok);
	for (i = 0; ok && i < NMAPS; i++)
		ok = all_bytes(maps[i], (i % 7 + 1) * PAGE, i & 0xff);
	check("200 mappings hold their data", ok);
	for (i = 0; i < NMAPS; i += 2)
		SYS2(SYS_munmap, maps[i], (i % 7 + 1) * PAGE);
	for (i = 1; ok && i < NMAPS; i += 2)
		ok = all_bytes(maps[i], (i % 7 + 1) * PAGE, i & 0xff);
	check("odd mappings intact after unmapping even ones", ok);
	for (i = 0; i < NMAPS; i += 2) {
		maps[i] = map_anon(NULL, PAGE, RW, 0);
		distinct &= maps[i] != NULL && all_bytes(maps[i], PAGE, 0);
	}
	check("holes reused with fresh zero pages", distinct);
	for (i = 0; i < NMAPS; i++)
		SYS2(SYS_munmap, maps[i], (i % 2 ? i % 7 + 1 : 1) * PAGE);
}

int
main(void)
{
	test_basic();
	test_flags();
	test_errors();
	test_placement();
	test_split();
	test_many();
	return finish();
}
