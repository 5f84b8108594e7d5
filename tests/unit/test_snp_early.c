/*
 * The ROM's early SEV-SNP path (boot/rom_snp.c) against the hypervisor
 * model (snp_model.c) with QEMU's fw_cfg device (fwcfg_model.c) behind
 * its I/O ports: detection, PVALIDATE-rescind and the MSR-protocol
 * page-state change of the GHCB page, its registration, fw_cfg read
 * through the GHCB page by the real boot/fwcfg.c and boot/fwcfg_io.c,
 * the early #VC handler, accepting RAM, the handover to platform_start's
 * calls, and for each bad reply its termination code.
 *
 * A port access that reaches this file's arch_in/out with no io_ops
 * installed on an SEV-ES/SNP machine is a #VC with nobody to take it
 * (the blocker this path removes): the test records it and fails.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/internal.h"
#include "platform/platform.h"
#include "tests/unit/fwcfg_model.h"
#include "tests/unit/harness.h"
#include "tests/unit/snp_model.h"

const struct arch_io_ops *model_io_ops(void);

#define TERM_IS(set, code) \
	(model.terminated && model.term_set == (set) && model.term_code == (code))
#define CL SNP_TERM_SET_CLOISTER
#define CMDLINE "quiet -- /bin/demo a"

static struct boot_info bi;
static unsigned raw_port_traps;		/* port access with no GHCB */
static uint64_t mapped_pa, mapped_enc;

/* ---- what the kernel's boot/rom.c and arch/io.c provide ---- */

volatile void *
boot_rom_map_shared(uint64_t pa, uint64_t enc_mask)
{
	mapped_pa = pa;
	mapped_enc = enc_mask;
	return model_ghcb_page;	/* the model's shared view of the page */
}

/* The fw_cfg device on its ports: a word selects, each byte reads on. */
static uint32_t
dev_in(uint16_t port, unsigned size)
{
	uint8_t b = 0;

	if (port == FWCFG_PORT_DATA && size == 1)
		fwcfg_model_read(&b, 1);
	return b;
}

static void
dev_out(uint16_t port, uint32_t v, unsigned size)
{
	if (port == FWCFG_PORT_SEL && size == 2)
		fwcfg_model_select((uint16_t)v);
}

static uint32_t
port_in(uint16_t port, int size)
{
	const struct arch_io_ops *ops = model_io_ops();

	if (ops != NULL)
		return ops->in(port, size);
	if (model.sev_status & SEV_STATUS_ES)
		raw_port_traps++;	/* #VC, no handler: a triple fault */
	return dev_in(port, (unsigned)size);
}

static void
port_out(uint16_t port, uint32_t v, int size)
{
	const struct arch_io_ops *ops = model_io_ops();

	if (ops != NULL) {
		ops->out(port, v, size);
		return;
	}
	if (model.sev_status & SEV_STATUS_ES)
		raw_port_traps++;
	dev_out(port, v, (unsigned)size);
}

uint8_t
arch_inb(uint16_t port)
{
	return (uint8_t)port_in(port, 1);
}

void
arch_outw(uint16_t port, uint16_t v)
{
	port_out(port, v, 2);
}

/* ---- set-up ---- */

#define GHCB_GFN	(MODEL_GHCB_GPA >> 12)
#define IMAGE_START	0x100000ull		/* launch-validated image */
#define IMAGE_END	0x200000ull
#define MAPPED_END	0x400000ull		/* the ROM's "4 GiB" */

static void
launch_validated(uint64_t pa, uint64_t len)
{
	for (uint64_t g = pa >> 12; g < (pa + len) >> 12; g++)
		model.rmp[g] = (struct model_rmp){ .assigned = true,
		    .validated = true };
}

static bool
range_is(uint64_t pa, uint64_t len, bool assigned, bool validated)
{
	for (uint64_t g = pa >> 12; g < (pa + len) >> 12; g++)
		if (model.rmp[g].assigned != assigned ||
		    model.rmp[g].validated != validated)
			return false;
	return true;
}

/* QEMU's etc/e820 for this machine, and a command line. */
static const struct fwcfg_e820 e820[] = {
	{ 0, 0x9fc00, 1 },
	{ IMAGE_START, 0x500000, 1 },		/* across MAPPED_END */
	{ 0x600000, 0x1ff800, 1 },		/* above it, ragged end */
	{ 0xfeffc000ull, 0x4000, 2 },
};

/* An SNP launch: model, fw_cfg, the pages the launch validated. */
static void
launch(void)
{
	model_reset();
	fwcfg_model_reset();
	fwcfg_model_file("etc/e820", 0x20, sizeof(e820), e820, sizeof(e820));
	fwcfg_model_file("opt/cloister/cmdline", 0x21, sizeof(CMDLINE),
	    CMDLINE, sizeof(CMDLINE));
	model.port_in = dev_in;
	model.port_out = dev_out;
	launch_validated(MODEL_GHCB_GPA, 4096);
	launch_validated(IMAGE_START, IMAGE_END - IMAGE_START);
	memset(&bi, 0, sizeof(bi));
	raw_port_traps = 0;
	mapped_pa = mapped_enc = 0;
}

static bool
start(void)
{
	return boot_rom_snp_start(&model_cpuid_page, model_dmap_base(),
	    MODEL_GHCB_GPA);
}

/* ---- the path ---- */

static void
test_plain_machine_reads_fwcfg_directly(void)
{
	launch();
	model.sev_status = 0;
	model.sev_cpuid = false;
	CHECK(!start());
	CHECK(model.vmgexits == 0 && model_io_ops() == NULL && mapped_pa == 0);
	CHECK(boot_fwcfg_probe() == 0);
	CHECK(boot_fwcfg_e820(&bi) == 0 && bi.mmap_count == 4);
	CHECK(model.vmgexits == 0);
}

static void
test_early_ghcb_then_fwcfg(void)
{
	launch();
	CHECK(start());
	/* Rescinded before the page-state change, then shared. */
	CHECK(!model.shared_validated);
	CHECK(!model.rmp[GHCB_GFN].assigned && !model.rmp[GHCB_GFN].validated);
	CHECK(mapped_pa == MODEL_GHCB_GPA && mapped_enc == 1ull << MODEL_CBIT);
	/* Registered: the MSR holds the GPA the hypervisor echoed. */
	CHECK(model.ghcb_gpa == MODEL_GHCB_GPA &&
	    model.ghcb_msr == MODEL_GHCB_GPA);
	CHECK(model.psc_exits == 0);		/* MSR protocol, no GHCB PSC */
	/* fw_cfg, every access an IOIO exchange on the GHCB page. */
	unsigned before = model.vmgexits;
	CHECK(boot_fwcfg_probe() == 0);
	CHECK(boot_fwcfg_e820(&bi) == 0);
	CHECK(boot_fwcfg_string("opt/cloister/cmdline", bi.cmdline,
	    BOOT_CMDLINE_MAX) == 0);
	CHECK(raw_port_traps == 0);
	CHECK(model.last_exit == SVM_EXIT_IOIO);
	CHECK(model.vmgexits - before > 4 + 2 * 64 + sizeof(e820));
	CHECK(bi.mmap_count == 4 && bi.mmap[1].base == IMAGE_START &&
	    bi.mmap[1].len == 0x500000 && bi.mmap[3].type == BOOT_MEM_RESERVED);
	CHECK(strcmp(bi.cmdline, CMDLINE) == 0);
}

/* What the ROM would hit without the early path: a trap nobody takes. */
static void
test_without_early_path_ports_trap(void)
{
	launch();
	CHECK(boot_fwcfg_probe() == 0);
	CHECK(raw_port_traps > 0);
}

static void
test_accept_below_mapped_end(void)
{
	launch();
	CHECK(start());
	CHECK(boot_fwcfg_e820(&bi) == 0);
	CHECK(boot_rom_snp_memory(&bi, IMAGE_END, MAPPED_END) == 0);
	/* Accepted: [image end, mapped end).  Untouched: the rest. */
	CHECK(range_is(IMAGE_END, MAPPED_END - IMAGE_END, true, true));
	CHECK(range_is(MAPPED_END, 0x400000, false, false));
	CHECK(range_is(0, MODEL_GHCB_GPA, false, false));
	/* Split at mapped end; above it unaccepted, page-aligned. */
	CHECK(bi.mmap_count == 5);
	CHECK(bi.mmap[1].base == IMAGE_START &&
	    bi.mmap[1].len == MAPPED_END - IMAGE_START &&
	    bi.mmap[1].type == BOOT_MEM_USABLE);
	CHECK(bi.mmap[2].base == 0x600000 && bi.mmap[2].len == 0x1ff000 &&
	    bi.mmap[2].type == BOOT_MEM_UNACCEPTED);
	CHECK(bi.mmap[4].base == MAPPED_END && bi.mmap[4].len == 0x200000 &&
	    bi.mmap[4].type == BOOT_MEM_UNACCEPTED);
	CHECK(bi.mmap[0].type == BOOT_MEM_USABLE &&
	    bi.mmap[3].type == BOOT_MEM_RESERVED);
	/* What platform_start then does with the rest. */
	for (uint32_t i = 0; i < bi.mmap_count; i++)
		if (bi.mmap[i].type == BOOT_MEM_UNACCEPTED)
			snp_accept(bi.mmap[i].base, bi.mmap[i].len);
	CHECK(range_is(IMAGE_END, 0x7ff000 - IMAGE_END, true, true));
	CHECK(model.psc_exits > 0);		/* over the GHCB page */
}

/* A host map naming RAM twice: the second naming is dropped. */
static void
test_overlapping_ram_dropped(void)
{
	launch();
	CHECK(start());
	bi.mmap_count = 3;
	bi.mmap[0] = (struct boot_mem_region){ IMAGE_START, 0x200000,
	    BOOT_MEM_USABLE, 0 };
	bi.mmap[1] = (struct boot_mem_region){ 0x280000, 0x180000,
	    BOOT_MEM_USABLE, 0 };
	bi.mmap[2] = (struct boot_mem_region){ 0x300000, 0x100000,
	    BOOT_MEM_USABLE, 0 };
	CHECK(boot_rom_snp_memory(&bi, IMAGE_END, MAPPED_END) == 0);
	CHECK(bi.mmap[0].type == BOOT_MEM_USABLE);
	CHECK(bi.mmap[1].type == BOOT_MEM_RESERVED);
	CHECK(bi.mmap[2].type == BOOT_MEM_USABLE);
	CHECK(range_is(IMAGE_END, 0x100000, true, true));
	CHECK(range_is(0x300000, 0x100000, true, true));
}

static void
test_memory_map_full(void)
{
	launch();
	CHECK(start());
	bi.mmap_count = BOOT_MMAP_MAX;
	for (uint32_t i = 0; i < BOOT_MMAP_MAX; i++)
		bi.mmap[i] = (struct boot_mem_region){ 0xf0000000ull, 0x1000,
		    BOOT_MEM_RESERVED, 0 };
	bi.mmap[0] = (struct boot_mem_region){ IMAGE_START, 0x500000,
	    BOOT_MEM_USABLE, 0 };
	CHECK(boot_rom_snp_memory(&bi, IMAGE_END, MAPPED_END) == -ENOSPC);
	CHECK(bi.mmap_count == BOOT_MMAP_MAX);
	CHECK(bi.mmap[0].len == MAPPED_END - IMAGE_START);
	CHECK(range_is(IMAGE_END, MAPPED_END - IMAGE_END, true, true));
}

/* platform_start's calls after the ROM's: nothing is asked twice. */
static void
test_handover_asks_nothing_again(void)
{
	static uint8_t other_view[4096];
	unsigned before;

	launch();
	CHECK(start());
	before = model.vmgexits;
	CHECK(snp_detect(&model_cpuid_page, model_dmap_base()));
	snp_ghcb_init(model_ghcb_page, MODEL_GHCB_GPA);
	CHECK(model.vmgexits == before);
	CHECK(snp_ghcb_pa() == MODEL_GHCB_GPA);
	/* The new mapping is the one used from then on. */
	snp_ghcb_init(other_view, MODEL_GHCB_GPA);
	CHECK(model.vmgexits == before);
	CHECK(snp.ghcb.page ==
	    (volatile struct ghcb *)other_view);
	snp_ghcb_init(model_ghcb_page, MODEL_GHCB_GPA);
	CHECK(boot_fwcfg_probe() == 0 && model.vmgexits > before);
}

/* ---- the early #VC handler ---- */

static void
test_vc_before_detection_terminates(void)
{
	struct trap_frame f;

	launch();
	/* An RDTSC the host intercepts, before anything is set up. */
	f = model_vc_frame("\x0f\x31", 2, SVM_EXIT_RDTSC, false);
	CHECK(MODEL_TERMINATES(boot_rom_vc(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_UNKNOWN));
}

/* SEV-ES without SNP is not supported: its first port access ends it. */
static void
test_sev_es_only_ends_at_first_port(void)
{
	struct trap_frame f;

	launch();
	model.sev_status = SEV_STATUS_SEV | SEV_STATUS_ES;
	CHECK(!start());
	f = model_vc_frame("\xee", 1, SVM_EXIT_IOIO, false);
	f.rdx = FWCFG_PORT_SEL;
	CHECK(MODEL_TERMINATES(boot_rom_vc(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_UNKNOWN));
}

static void
test_vc_after_start(void)
{
	struct trap_frame f;

	launch();
	CHECK(start());
	f = model_vc_frame("\x0f\xa2", 2, SVM_EXIT_CPUID, false);
	f.rax = 0x8000001f;
	boot_rom_vc(&f);
	CHECK(f.rax == 0x1b && (f.rbx & 0x3f) == MODEL_CBIT);
	CHECK(f.rip == model.code_va + 2);
	/* out dx, al: through the GHCB page to the device. */
	f = model_vc_frame("\xee", 1, SVM_EXIT_IOIO, false);
	f.rdx = FWCFG_PORT_SEL;
	f.rax = 0;
	model.port_out = NULL;
	boot_rom_vc(&f);
	CHECK(model.port_log_len == 1 && f.rip == model.code_va + 1);
	/* Bytes that are not the instruction the exit code names. */
	f = model_vc_frame("\x0f\xa2", 2, SVM_EXIT_IOIO, false);
	CHECK(MODEL_TERMINATES(boot_rom_vc(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_MISMATCH));
}

/* A #GP the host injects for a kernel instruction has no IDT to go to. */
static void
test_vc_injected_gp_terminates(void)
{
	struct trap_frame f;

	launch();
	CHECK(start());
	model.lie = LIE_INJECT;
	model.lie_vector = VEC_GP;
	model.lie_type = EVENTINJ_TYPE_EXC;
	f = model_vc_frame("\x0f\x32", 2, SVM_EXIT_MSR, false);
	f.rcx = 0x1b;
	CHECK(MODEL_TERMINATES(boot_rom_vc(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_GHCB_REFUSED));
}

/* ---- bad replies on the early path ---- */

struct lie_case {
	enum model_lie lie;
	unsigned after;
	unsigned set, code;
};

/* Each lie ends the early path (start and the fw_cfg read) so. */
static bool
early_lie(const struct lie_case *c)
{
	bool t;

	launch();
	model.lie = c->lie;
	model.lie_after = c->after;
	t = MODEL_TERMINATES({
		start();
		boot_fwcfg_probe();
		boot_fwcfg_e820(&bi);
	});
	if (!t || !TERM_IS(c->set, c->code)) {
		printf("  lie %d: terminated %d set %u code %u\n", c->lie,
		    t, model.term_set, model.term_code);
		return false;
	}
	return raw_port_traps == 0;
}

static void
test_bad_replies(void)
{
	static const struct lie_case cases[] = {
		{ LIE_SEV_INFO_CODE, 0, CL, SNP_TERM_MSR_RESP },
		{ LIE_PROTO_OLD, 0, SNP_TERM_SET_GHCB, SNP_TERM_PROTOCOL },
		{ LIE_CBIT_INSANE, 0, CL, SNP_TERM_CBIT },
		{ LIE_CBIT, 0, CL, SNP_TERM_CPUID_PAGE },
		{ LIE_HV_NO_SNP, 0, SNP_TERM_SET_GHCB,
		    SNP_TERM_SNP_UNSUPPORTED },
		{ LIE_MSR_PSC, 0, CL, SNP_TERM_MSR_PSC },
		{ LIE_REG_ECHO, 0, CL, SNP_TERM_REGISTER_ECHO },
		{ LIE_REG_CODE, 0, CL, SNP_TERM_REGISTER_ECHO },
		/* The IOIO exchanges of the fw_cfg read. */
		{ LIE_BITMAP, 3, CL, SNP_TERM_BAD_BITMAP },
		{ LIE_INJECT, 5, CL, SNP_TERM_BAD_INJECT },
		{ LIE_EXIT_INFO, 7, CL, SNP_TERM_BAD_EXIT_INFO },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(early_lie(&cases[i]));
}

static void
test_policy_and_page_state(void)
{
	launch();
	model.sev_status |= SEV_STATUS_VTOM;
	CHECK(MODEL_TERMINATES(start()));
	CHECK(TERM_IS(CL, SNP_TERM_POLICY));
	/* The launch did not validate the page: rescind changes nothing. */
	launch();
	model.rmp[GHCB_GFN].validated = false;
	CHECK(MODEL_TERMINATES(start()));
	CHECK(TERM_IS(CL, SNP_TERM_REMAP));
	/* Not even assigned to the guest. */
	launch();
	model.rmp[GHCB_GFN].assigned = false;
	CHECK(MODEL_TERMINATES(start()));
	CHECK(TERM_IS(CL, SNP_TERM_PVALIDATE));
	/* A PSC error while accepting RAM below the mapped end. */
	launch();
	CHECK(start());
	CHECK(boot_fwcfg_e820(&bi) == 0);
	model.lie = LIE_PSC_ERROR;
	CHECK(MODEL_TERMINATES(boot_rom_snp_memory(&bi, IMAGE_END,
	    MAPPED_END)));
	CHECK(TERM_IS(CL, SNP_TERM_PSC_ERROR));
}

/* The host refuses the port reads: no fw_cfg, no guest; no termination. */
static void
test_refused_ioio_reads_all_ones(void)
{
	launch();
	CHECK(start());
	model.lie = LIE_REFUSE;
	CHECK(boot_fwcfg_probe() == -ENODEV);
}

int
main(void)
{
	harness_begin("snp_early");
	RUN(test_plain_machine_reads_fwcfg_directly);
	RUN(test_early_ghcb_then_fwcfg);
	RUN(test_without_early_path_ports_trap);
	RUN(test_accept_below_mapped_end);
	RUN(test_overlapping_ram_dropped);
	RUN(test_memory_map_full);
	RUN(test_handover_asks_nothing_again);
	RUN(test_vc_before_detection_terminates);
	RUN(test_sev_es_only_ends_at_first_port);
	RUN(test_vc_after_start);
	RUN(test_vc_injected_gp_terminates);
	RUN(test_bad_replies);
	RUN(test_policy_and_page_state);
	RUN(test_refused_ioio_reads_all_ones);
	return harness_done();
}
