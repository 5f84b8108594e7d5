/*
 * test_shim_info.c: shim/info.c on the mock platform: uname's fields,
 * sysinfo's layout and values, getrandom's flags, length cap, whole-range
 * check, short counts at an unmapped page and generator failure.
 */
#include "shim/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/shim_env.h"



static void
setup(void)
{
	CHECK(shim_env_map());
	mock_crng_error = 0;
}

static void *
uptr(uint64_t u)
{
	return (char *)plat_user_page(u & ~(PAGE_SIZE - 1)) +
	    (u & (PAGE_SIZE - 1));
}

static int
all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void
test_uname(void)
{
	char *u;
	uint64_t bad[] = {
		0, U_KERNEL, U_NONCANON, U_HOLE, U_HOLE - 389, U_RO,
	};
	size_t i;

	setup();
	u = uptr(U_RW);
	memset(u, 0x7f, 390);
	CHECK(SYS(sys_uname, U_RW) == 0);
	CHECK(strcmp(u, "Linux") == 0);
	CHECK(strcmp(u + 65, "cloister") == 0);
	CHECK(strcmp(u + 130, "6.1.0-cloister") == 0);
	CHECK(strcmp(u + 195, "#1 SMP Cloister") == 0);
	CHECK(strcmp(u + 260, "x86_64") == 0);
	CHECK(strcmp(u + 325, "(none)") == 0);
	CHECK(all_bytes((uint8_t *)u + 331, 59, 0));	/* padded with NULs */
	CHECK(((uint8_t *)u)[390] == 0);		/* 390 bytes only */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(SYS(sys_uname, bad[i]) == -EFAULT);
}

static void
test_sysinfo(void)
{
	uint8_t *p;
	int64_t *q;

	setup();
	p = uptr(U_RW);
	q = (int64_t *)p;
	memset(p, 0x7f, 200);
	mock_boot_ns = 0;
	CHECK(SYS(sys_sysinfo, U_RW) == 0);
	CHECK(q[0] >= 1);			/* uptime, rounded up */
	CHECK(q[1] == 0 && q[2] == 0 && q[3] == 0);
	CHECK((uint64_t)q[4] == mock_pages_limit * PAGE_SIZE);
	CHECK((uint64_t)q[5] == plat_pages_free_count() * PAGE_SIZE);
	CHECK(q[6] == 0 && q[7] == 0 && q[8] == 0 && q[9] == 0);
	CHECK(*(uint16_t *)(p + 80) == 1);	/* procs */
	CHECK(all_bytes(p + 82, 6, 0));		/* padding cleared */
	CHECK(q[11] == 0 && q[12] == 0);	/* highmem */
	CHECK(*(uint32_t *)(p + 104) == 1);	/* mem_unit */
	CHECK(all_bytes(p + 108, 4, 0));
	CHECK(p[112] == 0x7f);			/* 112 bytes only */
	CHECK(SYS(sys_sysinfo, 0) == -EFAULT);
	CHECK(SYS(sys_sysinfo, U_RO) == -EFAULT);
	CHECK(SYS(sys_sysinfo, U_HOLE - 100) == -EFAULT);
	CHECK(SYS(sys_sysinfo, U_KERNEL) == -EFAULT);
}

static void
test_getrandom_flags(void)
{
	uint8_t *p;

	setup();
	p = uptr(U_RW);
	CHECK(SYS(sys_getrandom, U_RW, 16, 0) == 16);
	CHECK(!all_bytes(p, 16, 0));
	CHECK(SYS(sys_getrandom, U_RW + 16, 16, 0) == 16);
	CHECK(memcmp(p, p + 16, 16) != 0);
	CHECK(SYS(sys_getrandom, U_RW, 16, 1) == 16);
	CHECK(SYS(sys_getrandom, U_RW, 16, 2) == 16);
	CHECK(SYS(sys_getrandom, U_RW, 16, 4) == 16);
	CHECK(SYS(sys_getrandom, U_RW, 16, 5) == 16);
	CHECK(SYS(sys_getrandom, U_RW, 16, 6) == -EINVAL);
	CHECK(SYS(sys_getrandom, U_RW, 16, 8) == -EINVAL);
	CHECK(SYS(sys_getrandom, U_RW, 16, 0x80000000) == -EINVAL);
	CHECK(SYS(sys_getrandom, U_RW, 16, 1ull << 32) == 16);	/* u32 */
	CHECK(SYS(sys_getrandom, 0, 0, 0) == 0);
	CHECK(SYS(sys_getrandom, U_HOLE, 0, 0) == 0);
	CHECK(SYS(sys_getrandom, 0, 0, 8) == -EINVAL);	/* flags first */
}

static void
test_getrandom_faults(void)
{
	uint8_t *p;

	setup();
	p = uptr(U_RW + PAGE_SIZE);
	memset(p, 0, PAGE_SIZE);
	/* Runs into the hole after 10 bytes: a short count, exactly. */
	CHECK(SYS(sys_getrandom, U_HOLE - 10, 16, 0) == 10);
	CHECK(SYS(sys_getrandom, U_RW, 3 * PAGE_SIZE, 0) ==
	    (long)(2 * PAGE_SIZE));
	CHECK(SYS(sys_getrandom, U_HOLE, 16, 0) == -EFAULT);
	CHECK(SYS(sys_getrandom, U_RO, 16, 0) == -EFAULT);
	CHECK(SYS(sys_getrandom, 0, 16, 0) == -EFAULT);
	CHECK(SYS(sys_getrandom, U_KERNEL, 16, 0) == -EFAULT);
	/* The whole range must be user space, even if its start is fine. */
	CHECK(SYS(sys_getrandom, 0xfffffffffffff000ull, 2 * PAGE_SIZE, 0) ==
	    -EFAULT);
	CHECK(SYS(sys_getrandom, U_NONCANON - 2 * PAGE_SIZE,
	    3 * PAGE_SIZE, 0) == -EFAULT);
	/* Huge lengths are cut to MAX_RW_COUNT, then fill to the hole. */
	CHECK(SYS(sys_getrandom, U_RW, ~0ull, 0) == (long)(2 * PAGE_SIZE));
	CHECK(SYS(sys_getrandom, U_RW, 0x7ffff000ull + 1, 0) ==
	    (long)(2 * PAGE_SIZE));
	mock_crng_error = 1;
	CHECK(SYS(sys_getrandom, U_RW, 16, 0) == -EIO);
	mock_crng_error = 0;
}

int
main(void)
{
	harness_begin("shim_info");
	RUN(test_uname);
	RUN(test_sysinfo);
	RUN(test_getrandom_flags);
	RUN(test_getrandom_faults);
	mock_user_reset();
	return harness_done();
}
