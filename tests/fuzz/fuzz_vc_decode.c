/*
 * The #VC instruction decoder on arbitrary bytes: it must never read
 * past what it was given, never claim more than 15 bytes, and give
 * operand sizes the emulator can handle.
 */
#include <stdlib.h>
#include <string.h>

#include "ghcb/internal.h"

static const uint64_t exit_codes[] = { SVM_EXIT_CPUID, SVM_EXIT_RDTSC,
    SVM_EXIT_RDTSCP, SVM_EXIT_MSR, SVM_EXIT_VMMCALL, SVM_EXIT_WBINVD,
    SVM_EXIT_READ_DR7, SVM_EXIT_WRITE_DR7, SVM_EXIT_IOIO, SVM_EXIT_NPF,
    0x404 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vc_insn in;
	uint8_t *copy = malloc(size ? size : 1);	/* exact-size for ASan */

	memcpy(copy, data, size);
	if (vc_decode(copy, size, &in) == 0) {
		if (in.len == 0 || in.len > VC_INSN_MAX || in.len > size)
			abort();
		/* Port and memory forms carry an operand size. */
		if (in.kind >= VC_K_MOV_FROM_DR && in.opsize != 1 &&
		    in.opsize != 2 && in.opsize != 4 && in.opsize != 8)
			abort();
		if (in.kind >= VC_K_MMIO_STORE && !in.has_mem &&
		    in.kind != VC_K_MMIO_MOFFS_LOAD &&
		    in.kind != VC_K_MMIO_MOFFS_STORE)
			abort();
		if (in.reg < 0 || in.reg > 15 || in.base > 15 ||
		    in.index > 15 || (in.addrsize != 4 && in.addrsize != 8))
			abort();
		if (in.byte_reg_high && (in.reg < 4 || in.reg > 7))
			abort();
	} else if (in.kind != VC_K_UNKNOWN) {
		abort();
	}
	for (size_t i = 0; i < sizeof(exit_codes) / sizeof(exit_codes[0]); i++)
		(void)vc_insn_matches(exit_codes[i], &in);
	free(copy);
	return 0;
}
