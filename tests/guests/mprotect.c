/*
 * mprotect: permission changes seen through the kernel's own user copies
 * (probe_read/probe_write never fault), splits of one mapping into
 * differently protected parts, PROT_NONE reservations opened piecewise,
 * PROT_EXEC on generated code (and re-generated code after a change back),
 * and the EINVAL/ENOMEM cases.
 */
#include <string.h>
#include <sys/mman.h>

#include "guest.h"

#define RW	(PROT_READ | PROT_WRITE)

static void
test_probes(void)
{
	char *p = map_anon(NULL, PAGE, RW, 0);

	if (p == NULL) {
		check("map a page", 0);
		return;
	}
	check("RW page: readable", probe_read(p));
	check("RW page: writable", probe_write(p + 64));
	expect_val("mprotect PROT_READ", SYS3(SYS_mprotect, p, PAGE,
	    PROT_READ), 0);
	check("R page: readable", probe_read(p));
	check("R page: not writable", !probe_write(p + 64));
	expect_val("mprotect PROT_NONE", SYS3(SYS_mprotect, p, PAGE,
	    PROT_NONE), 0);
	check("NONE page: not readable", !probe_read(p));
	check("NONE page: not writable", !probe_write(p + 64));
	expect_val("mprotect PROT_WRITE", SYS3(SYS_mprotect, p, PAGE,
	    PROT_WRITE), 0);
	check("W page: writable", probe_write(p + 64));
	expect_val("mprotect RW", SYS3(SYS_mprotect, p, PAGE, RW), 0);
	check("RW again: write from user", (p[100] = 7) == 7 && p[100] == 7);
	SYS2(SYS_munmap, p, PAGE);
}

static void
test_split(void)
{
	char *p = map_anon(NULL, 8 * PAGE, RW, 0);
	int ok = 1;

	if (p == NULL) {
		check("map 8 pages", 0);
		return;
	}
	for (int i = 0; i < 8; i++)
		memset(p + i * PAGE + 64, 'A' + i, PAGE - 64);
	expect_val("mprotect pages 2-3 read-only", SYS3(SYS_mprotect,
	    p + 2 * PAGE, 2 * PAGE, PROT_READ), 0);
	check("page 1 writable", probe_write(p + PAGE));
	check("page 2 read-only", !probe_write(p + 2 * PAGE) &&
	    probe_read(p + 2 * PAGE));
	check("page 3 read-only", !probe_write(p + 3 * PAGE));
	check("page 4 writable", probe_write(p + 4 * PAGE));
	expect_val("mprotect page 3 none", SYS3(SYS_mprotect, p + 3 * PAGE,
	    PAGE, PROT_NONE), 0);
	check("page 3 not readable", !probe_read(p + 3 * PAGE));
	check("page 2 still readable", probe_read(p + 2 * PAGE));
	expect_val("mprotect all RW", SYS3(SYS_mprotect, p, 8 * PAGE, RW), 0);
	for (int i = 0; i < 8; i++)
		ok &= probe_write(p + i * PAGE) &&
		    p[i * PAGE + 64] == 'A' + i && p[i * PAGE + 4095] == 'A' + i;
	check("all pages writable, data intact", ok);
	SYS2(SYS_munmap, p, 8 * PAGE);
}

static void
test_reservation(void)
{
	size_t len = 1024 * PAGE;
	char *r = map_anon(NULL, len, PROT_NONE, MAP_NORESERVE);
	int ok = 1;

	check("reserve 4 MiB PROT_NONE", r != NULL);
	if (r == NULL)
		return;
	check("reservation not readable", !probe_read(r + 10 * PAGE));
	expect_val("open pages 10-19 RW", SYS3(SYS_mprotect, r + 10 * PAGE,
	    10 * PAGE, RW), 0);
	memset(r + 10 * PAGE, 0x3c, 10 * PAGE);
	for (int i = 10; i < 20; i++)
		ok &= r[i * PAGE] == 0x3c && r[i * PAGE + PAGE - 1] == 0x3c;
	check("opened pages hold data", ok);
	check("page 9 still closed", !probe_read(r + 9 * PAGE));
	check("page 20 still closed", !probe_read(r + 20 * PAGE));
	expect_val("open the rest RW", SYS3(SYS_mprotect, r + 20 * PAGE,
	    len - 20 * PAGE, RW), 0);
	ok = 1;
	for (size_t off = 20 * PAGE; off < len; off += PAGE)
		ok &= r[off] == 0 && (r[off] = 1) == 1;
	check("rest reads zero, writable", ok);
	check("first pages of opened area kept data", r[10 * PAGE] == 0x3c);
	SYS2(SYS_munmap, r, len);
}

typedef int (*fn_t)(void);

static void
emit_ret_imm(unsigned char *code, int value)
{
	/* mov $value, %eax; ret */
	code[0] = 0xb8;
	memcpy(code + 1, &value, 4);
	code[5] = 0xc3;
}

static void
test_exec(void)
{
	unsigned char *code = map_anon(NULL, PAGE, RW, 0);
	fn_t fn = (fn_t)(void *)code;

	if (code == NULL) {
		check("map code page", 0);
		return;
	}
	emit_ret_imm(code, 42);
	expect_val("mprotect R|X", SYS3(SYS_mprotect, code, PAGE,
	    PROT_READ | PROT_EXEC), 0);
	expect_val("generated code returns", fn(), 42);
	expect_val("mprotect RW", SYS3(SYS_mprotect, code, PAGE, RW), 0);
	emit_ret_imm(code, 7);
	expect_val("mprotect R|X again", SYS3(SYS_mprotect, code, PAGE,
	    PROT_READ | PROT_EXEC), 0);
	expect_val("regenerated code returns", fn(), 7);
	/*
	 * Writable-and-executable at once is where Cloister differs from
	 * Linux on purpose (W^X: EACCES); tests/integration/policy.sh
	 * checks that, so this differential guest leaves RWX out.
	 */
	SYS2(SYS_munmap, code, PAGE);
}

static void
test_errors(void)
{
	char *p = map_anon(NULL, 4 * PAGE, RW, 0);

	expect_err("unaligned address", SYS3(SYS_mprotect, p + 1, PAGE,
	    PROT_READ), EINVAL);
	expect_val("length 0", SYS3(SYS_mprotect, p, 0, PROT_READ), 0);
	expect_err("unknown prot bit 0x40", SYS3(SYS_mprotect, p, PAGE, 0x40),
	    EINVAL);
	expect_err("PROT_GROWSDOWN|PROT_GROWSUP", SYS3(SYS_mprotect, p, PAGE,
	    PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP), EINVAL);
	SYS2(SYS_munmap, p + 2 * PAGE, PAGE);
	expect_err("range with a hole", SYS3(SYS_mprotect, p, 4 * PAGE,
	    PROT_READ), ENOMEM);
	expect_err("unmapped range", SYS3(SYS_mprotect, p + 2 * PAGE, PAGE,
	    PROT_READ), ENOMEM);
	expect_err("kernel address", SYS3(SYS_mprotect, ADDR_KTEXT, PAGE,
	    PROT_READ), ENOMEM);
	expect_err("non-canonical address", SYS3(SYS_mprotect, ADDR_NONCANON,
	    PAGE, PROT_READ), ENOMEM);
	expect_err("wrapping range", SYS3(SYS_mprotect, p, -PAGE, PROT_READ),
	    ENOMEM);
	SYS2(SYS_munmap, p, 4 * PAGE);
}

int
main(void)
{
	test_probes();
	test_split();
	test_reservation();
	test_exec();
	test_errors();
	return finish();
}
