/*
 * brk: the program break as Linux moves it.  brk(0) reports it; growing
 * gives zeroed, writable memory; shrinking unmaps the pages above; a
 * request the kernel refuses (below the start, non-canonical, or into
 * another mapping) leaves the break where it was and returns it.  Only
 * differences from the initial break are printed, never addresses.  The
 * break is restored before exit, and nothing here calls malloc, so libc's
 * own view of the break stays right.
 */
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define K	1024UL

static char bss_marker;

static uintptr_t
brk_raw(uintptr_t addr)
{
	return (uintptr_t)SYS1(SYS_brk, addr);
}

static uintptr_t
page_up(uintptr_t a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

static int
zero(uintptr_t from, uintptr_t to)
{
	for (const char *p = (const char *)from; p < (const char *)to; p++)
		if (*p != 0)
			return 0;
	return 1;
}

static void
delta(const char *what, uintptr_t now, uintptr_t b0, long want)
{
	long d = (long)(now - b0);

	out("%s: break %+ld KiB\n", what, d / (long)K);
	check(what, d == want);
}

int
main(void)
{
	uintptr_t b0 = brk_raw(0), b, top;
	char *blocker;

	check("brk(0) == brk(0)", brk_raw(0) == b0);
	check("break above .bss", b0 >= (uintptr_t)(&bss_marker + 1));
	delta("grow 64 KiB", brk_raw(b0 + 64 * K), b0, 64 * K);
	check("grown pages zero", zero(page_up(b0), b0 + 64 * K));
	memset((void *)b0, 0x11, 64 * K);
	check("grown memory writable", ((char *)b0)[64 * K - 1] == 0x11);
	delta("shrink to 32 KiB", brk_raw(b0 + 32 * K), b0, 32 * K);
	check("pages above the break unmapped",
	    is_mapped((void *)page_up(b0 + 32 * K), 32 * K) == 0);
	check("pages below the break kept",
	    ((char *)b0)[32 * K - 1] == 0x11 && ((char *)b0)[0] == 0x11);
	delta("regrow to 64 KiB", brk_raw(b0 + 64 * K), b0, 64 * K);
	check("regrown pages zero", zero(page_up(b0 + 32 * K), b0 + 64 * K));
	delta("grow 4 MiB", brk_raw(b0 + 4096 * K), b0, 4096 * K);
	memset((void *)(b0 + 64 * K), 0x22, 4032 * K);
	check("4 MiB writable", ((char *)b0)[4096 * K - 1] == 0x22);

	b = brk_raw(0);
	delta("brk(1) refused", brk_raw(1), b0, 4096 * K);
	delta("brk(non-canonical) refused", brk_raw(ADDR_NONCANON), b0,
	    4096 * K);
	delta("brk(kernel) refused", brk_raw(ADDR_KTEXT), b0, 4096 * K);
	check("break unchanged by refusals", brk_raw(0) == b);

	top = page_up(b);
	blocker = map_anon((void *)(top + 64 * K), PAGE, PROT_READ,
	    MAP_FIXED_NOREPLACE);
	check("mapping placed above the break", blocker ==
	    (char *)(top + 64 * K));
	delta("brk into a mapping refused", brk_raw(top + 128 * K), b0,
	    4096 * K);
	check("mapping survives", is_mapped(blocker, PAGE) == 1);
	check("brk up to the mapping", brk_raw(top + 32 * K) == top + 32 * K);
	SYS2(SYS_munmap, blocker, PAGE);

	delta("restore", brk_raw(b0), b0, 0);
	return finish();
}
