/*
 * Deliberate kernel faults, for the integration tests that prove a fault
 * produces a full dump and the panic status (never a hang or a reboot).
 * Enabled only by a kernel option: "selftest=fault" (read an unmapped
 * kernel address), "selftest=ud" (invalid opcode), "selftest=stack"
 * (unbounded recursion into the stack's guard page), "selftest=panic".
 * "selftest=cow" is not a fault: it runs address-space clone cycles
 * through the real page tables (platform/user.c), logs the result and
 * the pages they leaked, and boots on.
 */
#include "platform/internal.h"

#define UNMAPPED_KERNEL_ADDR	0xffffe00000000000ull
#define SELFTEST_COW_CYCLES	2000

static volatile int recurse_forever = 1;

static int
recurse(int depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	if (recurse_forever)
		return recurse(depth + 1) + pad[0];
	return pad[0];
}

void
selftest_run(const char *cmdline)
{
	const char *p = cmdline;

	while ((p = strchr(p, 's')) != NULL) {
		if (strncmp(p, "selftest=", 9) == 0 && (p == cmdline ||
		    p[-1] == ' '))
			break;
		p++;
	}
	if (p == NULL)
		return;
	p += 9;
	if (strncmp(p, "cow", 3) == 0) {
		int64_t leaked = 0;
		const char *err = user_selftest_cow(SELFTEST_COW_CYCLES,
		    &leaked);

		klog_always("selftest: cow: %u cycles: %s, %lld pages leaked",
		    SELFTEST_COW_CYCLES, err != NULL ? err : "ok",
		    (long long)leaked);
		return;
	}
	klog("selftest: deliberate kernel fault '%.*s'",
	    (int)(strchr(p, ' ') ? strchr(p, ' ') - p : (long)strlen(p)), p);
	if (strncmp(p, "fault", 5) == 0)
		(void)*(volatile uint64_t *)UNMAPPED_KERNEL_ADDR;
	else if (strncmp(p, "ud", 2) == 0)
		__asm__ volatile("ud2");
	else if (strncmp(p, "stack", 5) == 0)
		recurse(0);
	else if (strncmp(p, "panic", 5) == 0)
		panic("selftest: deliberate panic");
}
