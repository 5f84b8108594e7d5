/*
 * The SNP CPUID page as the firmware (and a hostile host) could lay it
 * out: validation must never crash, and a page it accepts must answer
 * every lookup without reading past its entries.
 */
#include <string.h>

#include "ghcb/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t page[4096];
	static struct snp_cpuid_table t;
	struct cpuid_regs r;
	unsigned cbit = size > 0 ? data[0] & 0x3f : 51;

	memset(page, 0, sizeof(page));
	if (size > 1)
		memcpy(page, data + 1, size - 1 < sizeof(page) ? size - 1 :
		    sizeof(page));
	if (snp_cpuid_validate(page, cbit, &t) != 0)
		return 0;
	for (uint32_t i = 0; i < t.count; i++)
		snp_cpuid_lookup(&t, t.fn[i].eax_in, t.fn[i].ecx_in, 7,
		    CR4_OSXSAVE, &r);
	snp_cpuid_lookup(&t, 0xd, 0, ~0ull, CR4_OSXSAVE, &r);
	snp_cpuid_lookup(&t, 0xd, 1, ~0ull, 0, &r);
	snp_cpuid_lookup(&t, 0x80000000, 0, 7, 0, &r);
	return 0;
}
