/*
 * Secure TSC ([APM] "Secure TSC", SEV_STATUS[11]; [ABI] "Secrets Page"
 * TSC_FACTOR): the guest's TSC runs at a rate the secure processor fixed
 * at launch, and the hypervisor can neither change it nor intercept
 * RDTSC/RDTSCP.  The rate is MSR GUEST_TSC_FREQ (0xC001_0134) bits 17:0
 * in MHz, the nominal frequency; the mean frequency is lower by
 * TSC_FACTOR / 100000 (the secrets page, offset 0x160), as Linux's
 * snp_secure_tsc_init computes it.  Neither value passes through the
 * hypervisor: the MSR is read with the instruction (under Secure TSC it
 * is not intercepted; an intercepted read raises #VC, and vc.c ends the
 * guest), the secrets page is private memory the launch filled.
 */
#include "ghcb/internal.h"

#define GUEST_TSC_MHZ(v)	((v) & 0x3ffffull)	/* bits 17:0 */
#define SECRETS_TSC_FACTOR	0x160			/* u32 */
#define TSC_FACTOR_ONE		100000u

bool
snp_secure_tsc(void)
{
	return snp.active && (snp.sev_status & SEV_STATUS_SECURE_TSC);
}

uint64_t
snp_secure_tsc_hz(const void *secrets_page)
{
	uint64_t hz;
	uint32_t factor = 0;

	if (!snp_secure_tsc())
		return 0;
	hz = GUEST_TSC_MHZ(arch_rdmsr_native(MSR_GUEST_TSC_FREQ)) * 1000000;
	if (secrets_page != NULL)
		__builtin_memcpy(&factor, (const uint8_t *)secrets_page +
		    SECRETS_TSC_FACTOR, sizeof(factor));
	/* No rate, or a "decrease" of 100 % or more: nothing to run on. */
	if (hz == 0 || factor >= TSC_FACTOR_ONE)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_SECURE_TSC);
	return hz - hz * factor / TSC_FACTOR_ONE;
}
