/*
 * GHCB responses from a hypervisor that says whatever the fuzzer wants:
 * the model in tests/unit answers honestly, then the fuzzer overwrites
 * the status, exit information, valid bitmap, registers, scratch and
 * PSC progress of each response.  Every exchange must end in a checked
 * value or a termination request (which returns here), never in a crash,
 * undefined behaviour or an endless loop.
 */
#include <string.h>

#include "tests/unit/snp_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
vc(const char *insn, size_t n, uint64_t code, struct trap_frame *f)
{
	memset(model.code, 0x90, sizeof(model.code));
	memcpy(model.code, insn, n);
	f->rip = model.code_va;
	f->cs = GDT_KCODE;
	f->error = code;
	(void)snp_vc_handle(f);
}

static void
run_all(void)
{
	const struct arch_io_ops *ops = NULL;
	struct trap_frame f = { 0 };
	uint64_t v;

	extern const struct arch_io_ops *model_io_ops(void);
	ops = model_io_ops();
	ops->out(0x3f8, 'a', 1);
	(void)ops->in(0x60, 4);
	ops->wrmsr(0x830, 5);
	(void)ops->rdmsr(0x830);
	vc("\x0f\x01\xf9", 3, SVM_EXIT_RDTSCP, &f);
	f.rax = MODEL_MMIO_VA;
	vc("\x8b\x18", 2, SVM_EXIT_NPF, &f);
	f.rax = MODEL_MMIO_VA;
	vc("\x89\x18", 2, SVM_EXIT_NPF, &f);
	vc("\x0f\x01\xd9", 3, SVM_EXIT_VMMCALL, &f);
	f.rax = 0x400;
	vc("\x0f\x23\xf8", 3, SVM_EXIT_WRITE_DR7, &f);
	v = 0;
	(void)snp_nae_mmio(false, MODEL_MMIO_GPA, &v, 8);
	model.huge_rmp = true;
	snp_accept((2 << 20) - 0x3000, (2 << 20) + 0x5000);
	(void)snp_share_pages((2 << 20) - 0x3000, 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	model_reset();
	model_boot();
	model.fuzz = data;
	model.fuzz_len = size;
	(void)MODEL_TERMINATES(run_all());
	return 0;
}
