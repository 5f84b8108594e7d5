/*
 * Seeds for fuzz_cpuid_page: the C-bit byte, then a CPUID page the
 * firmware would lay out (the model's), so mutations start from a page
 * that passes validation.  Usage: fuzz_cpuid_seed DIR
 */
#include <stdio.h>

#include "tests/unit/snp_model.h"

struct snp_cpuid_table page;

int
main(int argc, char **argv)
{
	char path[4096];
	unsigned char cbit = MODEL_CBIT;
	FILE *f;

	if (argc != 2)
		return 2;
	model_build_cpuid_page(&page);
	snprintf(path, sizeof(path), "%s/valid-page", argv[1]);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(&cbit, 1, 1, f) != 1 ||
	    fwrite(&page, sizeof(page), 1, f) != 1 || fclose(f) != 0)
		return 1;
	return 0;
}
