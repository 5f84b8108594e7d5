/*
 * test_mock.c: the host mock of platform.h (mock_platform.c) behaves as
 * the contracts say, so tests built on it test their code, not the mock.
 */
#include "platform/platform.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"


static void
test_panic_and_exit(void)
{
	struct plat_regs r = { .rip = 0x401000, .rsp = 0x7ffffffde000 };

	CHECK(EXPECT_PANIC(panic("bad %s %d", "thing", 7)) == 1);
	CHECK(strcmp(mock_panic_msg, "bad thing 7") == 0);
	CHECK(EXPECT_PANIC((void)0) == 0);
	CHECK(EXPECT_EXIT(plat_exit(3)) == 3);
	CHECK(EXPECT_EXIT((void)0) == -1);
	struct plat_thread *t;
	int kdata;

	CHECK(plat_thread_create(&r, 0, 0, &kdata, &t) == 0);
	CHECK(mock_user_regs.rip == 0x401000 && mock_user_entered == 1);
	CHECK(plat_thread_self() == t && plat_thread_data(t) == &kdata);
	CHECK(EXPECT_EXIT(plat_run()) == MOCK_EXIT_RUN);
	CHECK(EXPECT_EXIT(plat_thread_exit()) == MOCK_EXIT_THREAD_EXIT);
	klog("quiet unless UNIT_VERBOSE is set: %d", 1);
}

static void
test_pages(void)
{
	uint64_t in_use = mock_pages_in_use, limit = mock_pages_limit;
	uint8_t *p = plat_pages_alloc(4);

	CHECK(p != NULL && (uintptr_t)p % (PAGE_SIZE << 4) == 0);
	CHECK(p[0] == 0 && p[(PAGE_SIZE << 4) - 1] == 0);
	CHECK(plat_pages_free_count() == plat_pages_total_count() - in_use -
	    16);
	CHECK(EXPECT_PANIC(plat_pages_free(p, 3)));
	plat_pages_free(p, 4);
	CHECK(EXPECT_PANIC(plat_pages_free(p, 4)));
	CHECK(mock_pages_in_use == in_use);
	mock_pages_limit = in_use;
	CHECK(plat_pages_alloc(0) == NULL);
	mock_pages_limit = limit;
	CHECK(plat_pages_alloc(19) == NULL);
}

static void
test_misc(void)
{
	uint8_t a[40], b[40];
	uint64_t seed = mock_crng_state;
	char c[8];

	CHECK(plat_tls_set(PLAT_TLS_FS, 0x7f0000001000) == 0);
	CHECK(plat_tls_get(PLAT_TLS_FS) == 0x7f0000001000);
	CHECK(plat_tls_set(PLAT_TLS_GS, 0xffff800000000000ull) == -EPERM);
	CHECK(plat_tls_set(5, 0) == -EINVAL);
	plat_console_write("hi ", 3);
	plat_console_write("there", 5);
	CHECK(mock_console_len == 8 && strcmp(mock_console_out, "hi there") ==
	    0);
	CHECK(plat_console_read(c, sizeof(c)) == -EAGAIN);
	mock_console_feed("abc", 3);
	CHECK(plat_console_read(c, 2) == 2 && c[0] == 'a' && c[1] == 'b');
	CHECK(plat_console_read(c, 8) == 1 && c[0] == 'c');
	mock_console_reset();
	CHECK(mock_console_len == 0);
	CHECK(plat_crng_fill(a, sizeof(a)) == 0);
	mock_crng_state = seed;
	CHECK(plat_crng_fill(b, sizeof(b)) == 0 && memcmp(a, b, 40) == 0);
	CHECK(plat_crng_fill(b, sizeof(b)) == 0 && memcmp(a, b, 40) != 0);
	mock_crng_error = 1;
	CHECK(plat_crng_fill(b, 1) == -EIO);
	mock_crng_error = 0;
	CHECK(plat_tsc_hz() == 1000000000ull);
	CHECK(plat_now_ns() > 0 && plat_wallclock_ns() > 1500000000ull *
	    1000000000ull);
	CHECK(strcmp(plat_cmdline(), "") == 0);
	plat_set_loglevel(2);
	CHECK(plat_loglevel() == 2);
}

int
main(void)
{
	harness_begin("mock");
	RUN(test_panic_and_exit);
	RUN(test_pages);
	RUN(test_misc);
	return harness_done();
}
