/*
 * The punchthrough table: the only operations through which the guest,
 * via the shim, reaches machine state directly.  Deny by default: an
 * operation is allowed only if it has a row here, with its reason.
 */
#include "platform/internal.h"
#include "arch/arch.h"

struct punch_row {
	int op;
	uint32_t msr;
	const char *reason;
};

static const struct punch_row punch_table[] = {
	{ PLAT_TLS_FS, MSR_FS_BASE,
	    "FS base: x86_64 TLS for every libc (arch_prctl ARCH_SET_FS)" },
	{ PLAT_TLS_GS, MSR_KERNEL_GS_BASE,
	    "user GS base: lives in KERNEL_GS_BASE while the kernel runs "
	    "(swapgs); some runtimes use it (arch_prctl ARCH_SET_GS)" },
};

static const struct punch_row *
punch_find(int op)
{
	for (size_t i = 0; i < sizeof(punch_table) / sizeof(punch_table[0]);
	    i++)
		if (punch_table[i].op == op)
			return &punch_table[i];
	return NULL;
}

int
plat_tls_set(int which, uint64_t base)
{
	const struct punch_row *row = punch_find(which);

	if (row == NULL)
		return -EPERM;
	if (base >= PLAT_USER_END)
		return -EPERM;	/* kernel or non-canonical: Linux says EPERM */
	arch_wrmsr(row->msr, base);
	thread_tls_record(which, base);
	return 0;
}

uint64_t
plat_tls_get(int which)
{
	const struct punch_row *row = punch_find(which);

	return row != NULL ? arch_rdmsr(row->msr) : 0;
}
