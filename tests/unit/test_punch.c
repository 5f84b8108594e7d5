/*
 * The punchthrough table: listed operations reach their MSR, anything
 * else is refused, and kernel or non-canonical bases are refused.
 */
#include "platform/internal.h"
#include "arch/arch.h"
#include "tests/unit/harness.h"

static uint64_t msr_written[2];
static uint32_t last_msr;
static int recorded;

void
arch_wrmsr(uint32_t msr, uint64_t v)
{
	last_msr = msr;
	if (msr == MSR_FS_BASE)
		msr_written[0] = v;
	else if (msr == MSR_KERNEL_GS_BASE)
		msr_written[1] = v;
}

uint64_t
arch_rdmsr(uint32_t msr)
{
	return msr == MSR_FS_BASE ? msr_written[0] :
	    msr == MSR_KERNEL_GS_BASE ? msr_written[1] : 0xdead;
}

void
thread_tls_record(int which, uint64_t base)
{
	(void)which;
	(void)base;
	recorded++;
}

static void
test_listed_ops(void)
{
	CHECK(plat_tls_set(PLAT_TLS_FS, 0x7f0000001000) == 0);
	CHECK(last_msr == MSR_FS_BASE && plat_tls_get(PLAT_TLS_FS) ==
	    0x7f0000001000);
	CHECK(plat_tls_set(PLAT_TLS_GS, 0x1234000) == 0);
	CHECK(last_msr == MSR_KERNEL_GS_BASE);
	CHECK(plat_tls_get(PLAT_TLS_GS) == 0x1234000 && recorded == 2);
}

static void
test_unlisted_refused(void)
{
	last_msr = 0;
	CHECK(plat_tls_set(2, 0x1000) == -EPERM);
	CHECK(plat_tls_set(-1, 0x1000) == -EPERM);
	CHECK(plat_tls_set(0x7fffffff, 0x1000) == -EPERM);
	CHECK(plat_tls_get(7) == 0);
	CHECK(last_msr == 0);			/* nothing was written */
}

static void
test_bad_bases(void)
{
	last_msr = 0;
	CHECK(plat_tls_set(PLAT_TLS_FS, 0xffff800000000000) == -EPERM);
	CHECK(plat_tls_set(PLAT_TLS_FS, 0x0000800000000000) == -EPERM);
	CHECK(plat_tls_set(PLAT_TLS_GS, PLAT_USER_END) == -EPERM);
	CHECK(last_msr == 0);
}

int
main(void)
{
	harness_begin("punch");
	RUN(test_listed_ops);
	RUN(test_unlisted_refused);
	RUN(test_bad_bases);
	return harness_done();
}
