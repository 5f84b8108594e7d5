/*
 * SEV-SNP state as the rest of the kernel sees it.  Until detection
 * (CPUID 0x8000001F, MSR SEV_STATUS) is built, no boot is an SNP guest
 * and sharing pages needs no conversion.
 */
#include "ghcb/snp.h"

static bool active;

bool
snp_active(void)
{
	return active;
}

int
snp_share_pages(uint64_t pa, uint64_t npages)
{
	if (!active)
		return 0;
	return -5;	/* -EIO: the conversion is not built yet */
}
