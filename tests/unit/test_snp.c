/*
 * ghcb/ against the model of the hypervisor and the secure processor
 * (snp_model.c): detection and policy, the MSR protocol, every NAE event,
 * page-state changes and PVALIDATE, the CPUID page, the #VC handler, and
 * for each class of bad reply the documented termination code.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "tests/unit/snp_model.h"

const struct arch_io_ops *model_io_ops(void);

#define TERM_IS(set, code) \
	(model.terminated && model.term_set == (set) && model.term_code == (code))
#define CL SNP_TERM_SET_CLOISTER

/* ---- detection and policy ---- */

static void
test_plain_machine_is_inert(void)
{
	model_reset();
	model.sev_status = 0;
	model.sev_cpuid = false;
	CHECK(!snp_detect(&model_cpuid_page, model_dmap_base()));
	CHECK(!snp_active() && snp_enc_mask() == 0);
	CHECK(model_io_ops() == NULL && model.vmgexits == 0);
	/* Every other entry point does nothing. */
	snp_accept(0, 1 << 20);
	CHECK(snp_share_pages(0, 4) == 0);
	snp_ghcb_init(model_ghcb_page, MODEL_GHCB_GPA);
	CHECK(model.vmgexits == 0 && model_io_ops() == NULL);
}

static void
test_sev_es_without_snp_is_not_snp(void)
{
	model_reset();
	model.sev_status = SEV_STATUS_SEV | SEV_STATUS_ES;
	CHECK(!snp_detect(&model_cpuid_page, model_dmap_base()));
	CHECK(!snp_active());
}

static void
test_detect_snp(void)
{
	model_reset();
	CHECK(snp_detect(&model_cpuid_page, model_dmap_base()));
	CHECK(snp_active());
	CHECK(snp_enc_mask() == 1ull << MODEL_CBIT);
	/* Detection's own CPUIDs trapped and were answered from the page. */
	CHECK(model.cpuid_hw_calls == 2);
	CHECK(model_io_ops() != NULL);
	/* No GHCB yet: port output is dropped, not sent. */
	model_io_ops()->out(0x3f8, 'x', 1);
	CHECK(model.port_log_len == 0);
}

static void
test_policy_rejects(void)
{
	static const uint64_t bad[] = { SEV_STATUS_VTOM,
	    SEV_STATUS_REFLECT_VC, SEV_STATUS_ALT_INJ, SEV_STATUS_SECURE_AVIC,
	    1ull << 13, 1ull << 15, 1ull << 19, 1ull << 63 };

	for (volatile size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		model_reset();
		model.sev_status |= bad[i];
		CHECK(MODEL_TERMINATES(snp_detect(&model_cpuid_page,
		    model_dmap_base())));
		CHECK(TERM_IS(CL, SNP_TERM_POLICY));
	}
}

static void
test_policy_accepts(void)
{
	model_reset();
	model.sev_status |= SEV_STATUS_DEBUG_SWAP | SEV_STATUS_SECURE_TSC |
	    SEV_STATUS_PREVENT_IBS | SEV_STATUS_BTB_ISOL |
	    SEV_STATUS_VMSA_REG_PROT | SEV_STATUS_SMT_PROT;
	CHECK(snp_detect(&model_cpuid_page, model_dmap_base()));
	CHECK(!snp_restricted_injection());
	CHECK(snp_policy_check(SEV_STATUS_SEV | SEV_STATUS_SNP) != 0);
	/* Restricted Injection: accepted, the platform then needs #HV. */
	model_reset();
	model.sev_status |= SEV_STATUS_RESTRICT_INJ;
	CHECK(snp_detect(&model_cpuid_page, model_dmap_base()));
	CHECK(snp_restricted_injection() && !snp_hv_ready());
}

static void
detect_lie(enum model_lie lie, unsigned set, unsigned code)
{
	model_reset();
	model.lie = lie;
	harness_failed_now = 0;
	if (!MODEL_TERMINATES(snp_detect(&model_cpuid_page,
	    model_dmap_base())) || !TERM_IS(set, code)) {
		printf("  lie %d: terminated %d set %u code %u\n", lie,
		    model.terminated, model.term_set, model.term_code);
		harness_failed_now = 1;
	}
}

static void
test_msr_protocol_lies(void)
{
	detect_lie(LIE_SEV_INFO_CODE, CL, SNP_TERM_MSR_RESP);
	CHECK(!harness_failed_now);
	detect_lie(LIE_PROTO_OLD, SNP_TERM_SET_GHCB, SNP_TERM_PROTOCOL);
	CHECK(!harness_failed_now);
	detect_lie(LIE_CBIT_INSANE, CL, SNP_TERM_CBIT);
	CHECK(!harness_failed_now);
	detect_lie(LIE_CBIT, CL, SNP_TERM_CPUID_PAGE);
	CHECK(!harness_failed_now);
	detect_lie(LIE_HV_NO_SNP, SNP_TERM_SET_GHCB, SNP_TERM_SNP_UNSUPPORTED);
	CHECK(!harness_failed_now);
}

static void
test_no_cpuid_page(void)
{
	model_reset();
	CHECK(MODEL_TERMINATES(snp_detect(NULL, model_dmap_base())));
	CHECK(TERM_IS(CL, SNP_TERM_CPUID_PAGE));
}

static void
test_register_echo(void)
{
	model_reset();
	snp_detect(&model_cpuid_page, model_dmap_base());
	snp_ghcb_init(model_ghcb_page, MODEL_GHCB_GPA);
	CHECK(model.ghcb_gpa == MODEL_GHCB_GPA);
	CHECK(model.ghcb_msr == MODEL_GHCB_GPA);

	model_reset();
	model.lie = LIE_REG_ECHO;
	snp_detect(&model_cpuid_page, model_dmap_base());
	CHECK(MODEL_TERMINATES(snp_ghcb_init(model_ghcb_page,
	    MODEL_GHCB_GPA)));
	CHECK(TERM_IS(CL, SNP_TERM_REGISTER_ECHO));

	model_reset();
	model.lie = LIE_REG_CODE;
	snp_detect(&model_cpuid_page, model_dmap_base());
	CHECK(MODEL_TERMINATES(snp_ghcb_init(model_ghcb_page,
	    MODEL_GHCB_GPA)));
	CHECK(TERM_IS(CL, SNP_TERM_REGISTER_ECHO));
}

static void
test_terminate_encoding(void)
{
	model_reset();
	CHECK(MODEL_TERMINATES(snp_terminate(CL, SNP_TERM_REMAP)));
	CHECK(TERM_IS(CL, SNP_TERM_REMAP));
	CHECK((model.ghcb_msr & 0xfff) == GHCB_MSR_TERM_REQ);
	CHECK(((model.ghcb_msr >> 12) & 0xf) == CL);
	CHECK(((model.ghcb_msr >> 16) & 0xff) == SNP_TERM_REMAP);
}

/* ---- the CPUID page ---- */

static int
validate_page(const struct snp_cpuid_table *t)
{
	static struct snp_cpuid_table out;

	return snp_cpuid_validate(t, MODEL_CBIT, &out);
}

static struct snp_cpuid_fn *
page_fn(struct snp_cpuid_table *t, uint32_t leaf, uint32_t sub)
{
	for (uint32_t i = 0; i < t->count; i++)
		if (t->fn[i].eax_in == leaf && t->fn[i].ecx_in == sub)
			return &t->fn[i];
	return NULL;
}

static void
test_cpuid_page_validation(void)
{
	struct snp_cpuid_table t;

	model_build_cpuid_page(&t);
	CHECK(validate_page(&t) == 0);
	CHECK(snp_cpuid_validate(&t, 47, &t) != 0);	/* C-bit disagrees */

	model_build_cpuid_page(&t);
	t.count = 65;
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	t.reserved2 = 1;
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	t.fn[2].reserved = 1;
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	t.fn[t.count] = t.fn[1];			/* duplicate leaf 1 */
	t.count++;
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	page_fn(&t, 0x8000001f, 0)->eax_in = 0x8000001e;	/* missing */
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	page_fn(&t, 0x8000001f, 0)->eax &= ~(1u << 4);	/* no SNP */
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	page_fn(&t, 7, 0)->eax_in = 0x20;		/* above max 0xd */
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	page_fn(&t, 0, 0)->eax = 0x10000;		/* insane max */
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	page_fn(&t, 0x80000000, 0)->eax = 0x80000008;	/* below 0x1F */
	CHECK(validate_page(&t) != 0);
	model_build_cpuid_page(&t);
	t.fn[0].eax_in = 0x0;
	page_fn(&t, 0, 0)->eax_in = 0x90000000;		/* no leaf 0 */
	CHECK(validate_page(&t) != 0);
}

static void
test_cpuid_page_lie_at_boot(void)
{
	model_reset();
	model_cpuid_page.fn[model_cpuid_page.count] = model_cpuid_page.fn[0];
	model_cpuid_page.count++;
	CHECK(MODEL_TERMINATES(snp_detect(&model_cpuid_page,
	    model_dmap_base())));
	CHECK(TERM_IS(CL, SNP_TERM_CPUID_PAGE));
	model_reset();
	model_cpuid_page.count = 1000;	/* bounded even while detecting */
	CHECK(MODEL_TERMINATES(snp_detect(&model_cpuid_page,
	    model_dmap_base())));
	CHECK(TERM_IS(CL, SNP_TERM_CPUID_PAGE));
}

static void
test_cpuid_lookup(void)
{
	struct snp_cpuid_table t;
	struct cpuid_regs r;

	model_build_cpuid_page(&t);
	snp_cpuid_lookup(&t, 0, 0, 7, 0, &r);
	CHECK(r.eax == 0xd && r.ebx == 0x68747541);
	/* OSXSAVE mirrors CR4, whatever the page says. */
	snp_cpuid_lookup(&t, 1, 0, 7, 0, &r);
	CHECK(!(r.ecx & (1u << 27)));
	snp_cpuid_lookup(&t, 1, 0, 7, CR4_OSXSAVE, &r);
	CHECK(r.ecx & (1u << 27));
	/* XSAVE size from XCR0: x87+SSE = 576; +AVX = 0x240 + 0x100. */
	snp_cpuid_lookup(&t, 0xd, 0, 3, CR4_OSXSAVE, &r);
	CHECK(r.ebx == 576);
	snp_cpuid_lookup(&t, 0xd, 0, 7, CR4_OSXSAVE, &r);
	CHECK(r.ebx == 0x340);
	/* Subleaf-indexed: 7.1 is not in the page, so zero. */
	snp_cpuid_lookup(&t, 7, 1, 7, 0, &r);
	CHECK(r.eax == 0 && r.ebx == 0);
	snp_cpuid_lookup(&t, 7, 0, 7, 0, &r);
	CHECK(r.ebx == 0x219c97a9);
	/* Not indexed: leaf 1 ignores ECX. */
	snp_cpuid_lookup(&t, 1, 5, 7, 0, &r);
	CHECK(r.eax == 0x00a00f11);
	/* In range but absent, out of range, hypervisor range: zero. */
	snp_cpuid_lookup(&t, 5, 0, 7, 0, &r);
	CHECK(r.eax == 0 && r.edx == 0);
	snp_cpuid_lookup(&t, 0x100, 0, 7, 0, &r);
	CHECK(r.eax == 0);
	snp_cpuid_lookup(&t, 0x40000000, 0, 7, 0, &r);
	CHECK(r.eax == 0 && r.ebx == 0);
	snp_cpuid_lookup(&t, 0x8000001f, 0, 7, 0, &r);
	CHECK((r.ebx & 0x3f) == MODEL_CBIT);
}

/* ---- NAE events through the io ops ---- */

static void
test_ioio(void)
{
	const struct arch_io_ops *ops;

	model_reset();
	model_boot();
	ops = model_io_ops();
	ops->out(0x3f8, 'A', 1);
	CHECK(model.last_exit == SVM_EXIT_IOIO);
	CHECK(model.last_info1 == ((0x3f8ull << 16) | IOIO_SZ8 | IOIO_A64));
	CHECK(model.port_log_len == 1 && model.port_log[0] == 'A');
	ops->out(0x80, 0x1234, 2);
	CHECK(model.ports[0x80] == 0x34 && model.ports[0x81] == 0x12);
	model.ports[0x60] = 0x5a;
	CHECK(ops->in(0x60, 1) == 0x5a);
	CHECK(model.last_info1 & IOIO_TYPE_IN);
	memcpy(&model.ports[0xcfc], "\x11\x22\x33\x44", 4);
	CHECK(ops->in(0xcfc, 4) == 0x44332211);
	CHECK(ops->in(0xcfc, 2) == 0x2211);
	CHECK(model.irq_depth == 0);
}

static void
test_msr(void)
{
	const struct arch_io_ops *ops;
	unsigned before;

	model_reset();
	model_boot();
	ops = model_io_ops();
	ops->wrmsr(0x6e0, 0x1122334455667788ull);	/* TSC deadline */
	CHECK(model.last_exit == SVM_EXIT_MSR && model.last_info1 == 1);
	CHECK(ops->rdmsr(0x6e0) == 0x1122334455667788ull);
	CHECK(model.last_info1 == 0);
	/* #GP from the host for an absent MSR: reads as 0. */
	CHECK(ops->rdmsr(0x12345) == 0);
	/* VMSA-held MSRs never reach the hypervisor. */
	before = model.vmgexits;
	ops->wrmsr(MSR_FS_BASE, 0x1000);
	(void)ops->rdmsr(MSR_KERNEL_GS_BASE);
	CHECK(model.vmgexits == before);
}

static void
test_cpuid_never_asks_host(void)
{
	struct cpuid_regs r;
	unsigned before;

	model_reset();
	model_boot();
	before = model.vmgexits;
	model_io_ops()->cpuid(0x8000001f, 0, &r);
	CHECK((r.ebx & 0x3f) == MODEL_CBIT);
	CHECK(model.vmgexits == before);
}

/* ---- the #VC handler ---- */

static void
test_vc_cpuid_kernel_and_user(void)
{
	struct trap_frame f;

	model_reset();
	model_boot();
	for (int user = 0; user < 2; user++) {
		unsigned before = model.vmgexits;

		f = model_vc_frame("\x0f\xa2", 2, SVM_EXIT_CPUID, user);
		f.rax = 0;
		f.rbx = 0xdead;
		CHECK(snp_vc_handle(&f) == VC_DONE);
		CHECK(f.rax == 0xd && f.rbx == 0x68747541);
		CHECK(f.rip == model.code_va + 2);
		CHECK(model.vmgexits == before);
	}
}

static void
test_vc_rdtsc_rdtscp(void)
{
	struct trap_frame f;

	model_reset();
	model_boot();
	f = model_vc_frame("\x0f\x31", 2, SVM_EXIT_RDTSC, true);
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rax == 1000 && f.rdx == 0 && f.rip == model.code_va + 2);
	f = model_vc_frame("\x0f\x01\xf9", 3, SVM_EXIT_RDTSCP, false);
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rax == 2000 && f.rcx == 0x42 && f.rip == model.code_va + 3);
}

/* ---- Secure TSC ---- */

static void
test_secure_tsc_rate(void)
{
	static uint8_t secrets[4096];
	uint32_t factor = 100;		/* 0.1 % below nominal */
	unsigned exits;

	model_reset();
	model.guest_tsc_freq = 2500 | (0x5ull << 18);	/* junk above 17:0 */
	model_boot();
	/* Off: the platform calibrates; the MSR is never read. */
	CHECK(!snp_secure_tsc() && snp_secure_tsc_hz(secrets) == 0);
	CHECK(model.tsc_freq_reads == 0);
	model_reset();
	model.sev_status |= SEV_STATUS_SECURE_TSC;
	model.guest_tsc_freq = 2500 | (0x5ull << 18);
	model_boot();
	exits = model.vmgexits;
	CHECK(snp_secure_tsc());
	CHECK(snp_secure_tsc_hz(NULL) == 2500000000ull);
	memcpy(secrets + 0x160, &factor, sizeof(factor));
	CHECK(snp_secure_tsc_hz(secrets) == 2497500000ull);
	CHECK(model.vmgexits == exits);		/* nothing asks the host */
	/* No rate, or a factor of 100 %: terminate. */
	model.guest_tsc_freq = 0;
	CHECK(MODEL_TERMINATES(snp_secure_tsc_hz(NULL)));
	CHECK(TERM_IS(CL, SNP_TERM_SECURE_TSC));
	model.guest_tsc_freq = 2500;
	factor = 100000;
	memcpy(secrets + 0x160, &factor, sizeof(factor));
	CHECK(MODEL_TERMINATES(snp_secure_tsc_hz(secrets)));
	CHECK(TERM_IS(CL, SNP_TERM_SECURE_TSC));
}

/* A #VC under Secure TSC; true if it ended in SNP_TERM_SECURE_TSC. */
static bool
secure_tsc_vc(const char *insn, size_t n, uint64_t exit_code, bool user,
    uint32_t rcx)
{
	struct trap_frame f;

	model_reset();
	model.sev_status |= SEV_STATUS_SECURE_TSC;
	model_boot();
	f = model_vc_frame(insn, n, exit_code, user);
	f.rcx = rcx;
	return MODEL_TERMINATES(snp_vc_handle(&f)) &&
	    TERM_IS(CL, SNP_TERM_SECURE_TSC);
}

/*
 * The vDSO reads the TSC in ring 3 ("lfence; rdtsc").  Without Secure
 * TSC a host that intercepts RDTSC gets a #VC from ring 3, answered
 * through the RDTSC NAE event; under Secure TSC the same #VC (ring 0 or
 * 3), or an intercepted GUEST_TSC_FREQ read, ends the guest.
 */
static void
test_secure_tsc_intercepts(void)
{
	static const uint8_t vdso_read[] = { 0x0f, 0xae, 0xe8, 0x0f, 0x31 };
	struct trap_frame f;

	model_reset();
	model_boot();
	f = model_vc_frame(vdso_read, sizeof(vdso_read), SVM_EXIT_RDTSC, true);
	f.rip += 3;			/* #VC at the rdtsc after the lfence */
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rax == 1000 && f.rip == model.code_va + 5);
	CHECK(model.last_exit == SVM_EXIT_RDTSC);
	for (int user = 0; user < 2; user++) {
		CHECK(secure_tsc_vc("\x0f\x31", 2, SVM_EXIT_RDTSC, user, 0));
		CHECK(secure_tsc_vc("\x0f\x01\xf9", 3, SVM_EXIT_RDTSCP, user,
		    0));
	}
	CHECK(secure_tsc_vc("\x0f\x32", 2, SVM_EXIT_MSR, false,
	    MSR_GUEST_TSC_FREQ));
	/* Other MSRs still go to the host under Secure TSC. */
	CHECK(!secure_tsc_vc("\x0f\x32", 2, SVM_EXIT_MSR, false, 0x1b));
	CHECK(model.last_exit == SVM_EXIT_MSR);
}

static void
test_vc_msr(void)
{
	struct trap_frame f;

	model_reset();
	model_boot();
	f = model_vc_frame("\x0f\x30", 2, SVM_EXIT_MSR, false);
	f.rcx = 0x830;
	f.rax = 0xaabbccdd;
	f.rdx = 0x11;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	f = model_vc_frame("\x0f\x32", 2, SVM_EXIT_MSR, false);
	f.rcx = 0x830;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rax == 0xaabbccdd && f.rdx == 0x11);
	/* An absent MSR: the host's #GP is raised for the instruction. */
	f = model_vc_frame("\x0f\x32", 2, SVM_EXIT_MSR, false);
	f.rcx = 0x9999;
	CHECK(snp_vc_handle(&f) == VC_FAULT_GP);
	CHECK(f.rip == model.code_va);
	/* From ring 3: a fault, never sent. */
	f = model_vc_frame("\x0f\x32", 2, SVM_EXIT_MSR, true);
	CHECK(snp_vc_handle(&f) == VC_FAULT_GP);
}

static void
test_vc_ioio(void)
{
	struct trap_frame f;
	char out[] = "hello";
	char in[8] = { 0 };

	model_reset();
	model_boot();
	f = model_vc_frame("\xe6\x80", 2, SVM_EXIT_IOIO, false);	/* out al,80h */
	f.rax = 0x1234;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(model.ports[0x80] == 0x34 && f.rip == model.code_va + 2);
	model.ports[0x71] = 0x99;
	model.ports[0x72] = 0x88;
	f = model_vc_frame("\x66\xed", 2, SVM_EXIT_IOIO, false);	/* in ax,dx */
	f.rdx = 0x71;
	f.rax = 0xffffffffffff0000ull;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rax == 0xffffffffffff8899ull);
	f = model_vc_frame("\xed", 1, SVM_EXIT_IOIO, false);		/* in eax,dx */
	f.rdx = 0x71;
	f.rax = ~0ull;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rax == (uint32_t)(0x8899 | (model.ports[0x73] << 16) |
	    (model.ports[0x74] << 24)));
	/* rep outsb */
	model.port_log_len = 0;
	f = model_vc_frame("\xf3\x6e", 2, SVM_EXIT_IOIO, false);
	f.rsi = (uint64_t)(uintptr_t)out;
	f.rcx = 5;
	f.rdx = 0xe9;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(model.port_log_len == 5 && memcmp(model.port_log, "hello", 5) == 0);
	CHECK(f.rcx == 0 && f.rsi == (uint64_t)(uintptr_t)out + 5);
	CHECK(model.last_info1 & IOIO_REP && model.last_info1 & IOIO_STR);
	/* rep insw */
	model.ports[0x1f0] = 'o';
	model.ports[0x1f1] = 'k';
	f = model_vc_frame("\xf3\x66\x6d", 3, SVM_EXIT_IOIO, false);
	f.rdi = (uint64_t)(uintptr_t)in;
	f.rcx = 3;
	f.rdx = 0x1f0;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(memcmp(in, "okokok", 6) == 0 && f.rcx == 0);
	CHECK(f.rdi == (uint64_t)(uintptr_t)in + 6);
	/* Ring 3 port I/O: a fault, never emulated. */
	f = model_vc_frame("\xec", 1, SVM_EXIT_IOIO, true);
	model.port_log_len = 0;
	CHECK(snp_vc_handle(&f) == VC_FAULT_GP);
}

static void
test_vc_mmio(void)
{
	struct trap_frame f;

	model_reset();
	model_boot();
	memcpy(&model.mmio[0x10], "\x01\x02\x03\x84\x05\x06\x07\x08", 8);
	/* mov (%rax), %ebx */
	f = model_vc_frame("\x8b\x18", 2, SVM_EXIT_NPF, false);
	f.rax = MODEL_MMIO_VA + 0x10;
	f.rbx = ~0ull;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rbx == 0x84030201 && f.rip == model.code_va + 2);
	CHECK(model.last_exit == SVM_VMGEXIT_MMIO_READ);
	CHECK(model.last_info1 == MODEL_MMIO_GPA + 0x10 &&
	    model.last_info2 == 4);
	/* mov 0x10(%rax), %rcx with REX.W and disp8 */
	f = model_vc_frame("\x48\x8b\x48\x10", 4, SVM_EXIT_NPF, false);
	f.rax = MODEL_MMIO_VA;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rcx == 0x0807060584030201ull);
	/* movzbl 3(%rax), %edx and movsbl */
	f = model_vc_frame("\x0f\xb6\x50\x13", 4, SVM_EXIT_NPF, false);
	f.rax = MODEL_MMIO_VA;
	f.rdx = ~0ull;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rdx == 0x84);
	f = model_vc_frame("\x0f\xbe\x50\x13", 4, SVM_EXIT_NPF, false);
	f.rax = MODEL_MMIO_VA;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rdx == 0xffffff84);
	/* mov (%rax), %bh: a high byte register */
	f = model_vc_frame("\x8a\x38", 2, SVM_EXIT_NPF, false);
	f.rax = MODEL_MMIO_VA + 0x11;
	f.rbx = 0x1111;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rbx == 0x0211);
	/* mov %ecx, 0x20(%rax,%rsi,4) (SIB) */
	f = model_vc_frame("\x89\x4c\xb0\x20", 4, SVM_EXIT_NPF, false);
	f.rax = MODEL_MMIO_VA;
	f.rsi = 2;
	f.rcx = 0xcafef00d;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(memcmp(&model.mmio[0x28], "\x0d\xf0\xfe\xca", 4) == 0);
	CHECK(model.last_exit == SVM_VMGEXIT_MMIO_WRITE);
	/* movl $imm32, (%rdi) */
	f = model_vc_frame("\xc7\x07\x78\x56\x34\x12", 6, SVM_EXIT_NPF, false);
	f.rdi = MODEL_MMIO_VA + 0x40;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(memcmp(&model.mmio[0x40], "\x78\x56\x34\x12", 4) == 0);
	CHECK(f.rip == model.code_va + 6);
	/* mov moffs64, %eax (A1) */
	{
		uint8_t b[9] = { 0xa1 };
		uint64_t a = MODEL_MMIO_VA + 0x10;

		memcpy(b + 1, &a, 8);
		f = model_vc_frame(b, 9, SVM_EXIT_NPF, false);
		CHECK(snp_vc_handle(&f) == VC_DONE);
		CHECK(f.rax == 0x84030201 && f.rip == model.code_va + 9);
	}
	/* From ring 3: a fault. */
	f = model_vc_frame("\x8b\x18", 2, SVM_EXIT_NPF, true);
	f.rax = MODEL_MMIO_VA;
	CHECK(snp_vc_handle(&f) == VC_FAULT_GP);
	/* MMIO to a private page: the host faked the fault. */
	f = model_vc_frame("\x8b\x18", 2, SVM_EXIT_NPF, false);
	f.rax = model_dmap_base() + 0x3000;
	CHECK(MODEL_TERMINATES(snp_vc_handle(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_PRIVATE_MMIO));
}

static void
test_vc_dr7_wbinvd_vmmcall(void)
{
	struct trap_frame f;

	model_reset();
	model_boot();
	f = model_vc_frame("\x0f\x23\xf8", 3, SVM_EXIT_WRITE_DR7, false);
	f.rax = 0x401;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(model.dr7 == 0x401);
	model.dr7 = 0xbad;		/* the host's value is never read */
	f = model_vc_frame("\x0f\x21\xfb", 3, SVM_EXIT_READ_DR7, false);
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rbx == 0x401);
	f = model_vc_frame("\x0f\x09", 2, SVM_EXIT_WBINVD, false);
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(model.wbinvd == 1);
	f = model_vc_frame("\x0f\x01\xd9", 3, SVM_EXIT_VMMCALL, false);
	f.rax = 40;
	f.rbx = 2;
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rax == 42 && f.rip == model.code_va + 3);
	f = model_vc_frame("\x0f\x01\xd9", 3, SVM_EXIT_VMMCALL, true);
	CHECK(snp_vc_handle(&f) == VC_FAULT_UD);
	f = model_vc_frame("\x0f\x09", 2, SVM_EXIT_WBINVD, true);
	CHECK(snp_vc_handle(&f) == VC_FAULT_GP);
}

static void
test_vc_injected_mismatch(void)
{
	struct trap_frame f;

	model_reset();
	model_boot();
	/* A #VC for CPUID at an RDTSC: the host injected it. */
	f = model_vc_frame("\x0f\x31", 2, SVM_EXIT_CPUID, false);
	CHECK(MODEL_TERMINATES(snp_vc_handle(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_MISMATCH));
	f = model_vc_frame("\x0f\xa2", 2, SVM_EXIT_IOIO, true);
	CHECK(MODEL_TERMINATES(snp_vc_handle(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_MISMATCH));
	f = model_vc_frame("\x89\xc0", 2, SVM_EXIT_NPF, false);	/* reg form */
	CHECK(MODEL_TERMINATES(snp_vc_handle(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_MISMATCH));
	f = model_vc_frame("\x0f\xa2", 2, 0x404, false);
	CHECK(MODEL_TERMINATES(snp_vc_handle(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_UNKNOWN));
	/* RIP the handler cannot read */
	f = model_vc_frame("\x0f\xa2", 2, SVM_EXIT_CPUID, false);
	f.rip = 0x1000;
	CHECK(MODEL_TERMINATES(snp_vc_handle(&f)));
	CHECK(TERM_IS(CL, SNP_TERM_VC_MISMATCH));
}

static void
test_vc_not_snp(void)
{
	struct trap_frame f;

	model_reset();
	f = model_vc_frame("\x0f\xa2", 2, SVM_EXIT_CPUID, false);
	CHECK(snp_vc_handle(&f) == VC_UNEXPECTED);
	CHECK(snp_vc_trap(&f) == VEC_VC && model.vmgexits == 0);
}

static void
test_decoder_forms(void)
{
	struct vc_insn in;
	uint8_t b[16];

	/* mov 0x12345678, %eax via SIB without base or index: 7 bytes. */
	CHECK(vc_decode((const uint8_t *)"\x8b\x04\x25\x78\x56\x34\x12",
	    7, &in) == 0);
	CHECK(in.len == 7 && in.base == -1 && in.index == -1 &&
	    in.disp == 0x12345678 && in.kind == VC_K_MMIO_LOAD);
	/* REX.WB: mov (%r8), %rax; REX.R: mov %r9d, (%rax). */
	CHECK(vc_decode((const uint8_t *)"\x49\x8b\x00", 3, &in) == 0);
	CHECK(in.base == 8 && in.reg == 0 && in.opsize == 8);
	CHECK(vc_decode((const uint8_t *)"\x44\x89\x08", 3, &in) == 0);
	CHECK(in.reg == 9 && in.opsize == 4 && in.kind == VC_K_MMIO_STORE);
	/* 66: 16-bit; 67: 32-bit addressing; negative disp8. */
	CHECK(vc_decode((const uint8_t *)"\x66\x67\x89\x48\xf0", 5, &in) == 0);
	CHECK(in.opsize == 2 && in.addrsize == 4 && in.disp == -16);
	/* RIP-relative. */
	CHECK(vc_decode((const uint8_t *)"\x8b\x05\x10\x00\x00\x00", 6,
	    &in) == 0);
	CHECK(in.rip_rel && in.disp == 0x10 && in.len == 6);
	/* A REX prefix not right before the opcode is not decoded. */
	CHECK(vc_decode((const uint8_t *)"\x48\x66\x8b\x00", 4, &in) != 0);
	/* Truncated: ModRM promises a disp32 that is not there. */
	CHECK(vc_decode((const uint8_t *)"\x8b\x80\x00\x00", 4, &in) != 0);
	CHECK(vc_decode((const uint8_t *)"\x0f", 1, &in) != 0);
	CHECK(vc_decode(b, 0, &in) != 0);
	/* Prefixes up to 15 bytes, never more. */
	memset(b, 0x66, sizeof(b));
	b[13] = 0xec;
	CHECK(vc_decode(b, sizeof(b), &in) == 0 && in.len == 14);
	b[13] = 0x66;
	b[14] = 0x0f;
	b[15] = 0xa2;
	CHECK(vc_decode(b, sizeof(b), &in) != 0);
	/* mov to DR7 only: DR0 is not something #VC emulates. */
	CHECK(vc_decode((const uint8_t *)"\x0f\x23\xc0", 3, &in) != 0);
	/* Register forms are not MMIO. */
	CHECK(vc_decode((const uint8_t *)"\x8b\xc3", 2, &in) != 0);
	/* The exit code names the instruction. */
	CHECK(vc_decode((const uint8_t *)"\x0f\x32", 2, &in) == 0);
	CHECK(vc_insn_matches(SVM_EXIT_MSR, &in));
	CHECK(!vc_insn_matches(SVM_EXIT_CPUID, &in));
	CHECK(!vc_insn_matches(SVM_EXIT_NPF, &in));
}

static void
test_vc_mmio_rip_relative(void)
{
	struct trap_frame f;
	uint8_t b[6] = { 0x8b, 0x05 };		/* mov disp32(%rip), %eax */
	int32_t disp;

	model_reset();
	model_boot();
	model.code_va = MODEL_MMIO_VA + 0x100000;	/* within a disp32 */
	disp = (int32_t)((int64_t)(MODEL_MMIO_VA + 0x20) -
	    (int64_t)(model.code_va + 6));
	memcpy(b + 2, &disp, 4);
	memcpy(&model.mmio[0x20], "\xef\xbe\xad\xde", 4);
	f = model_vc_frame(b, 6, SVM_EXIT_NPF, false);
	CHECK(snp_vc_handle(&f) == VC_DONE);
	CHECK(f.rax == 0xdeadbeef && f.rip == model.code_va + 6);
	CHECK(model.last_info1 == MODEL_MMIO_GPA + 0x20);
}

/* ---- bad replies on the GHCB page ---- */

static bool
lie_ends_in(enum model_lie lie, unsigned code, void (*op)(void))
{
	model_reset();
	model_boot();
	model.lie = lie;
	return MODEL_TERMINATES(op()) && TERM_IS(CL, code);
}

static void
op_in(void)
{
	(void)model_io_ops()->in(0x60, 1);
}

static void
op_rdmsr(void)
{
	model.msr_num[0] = 0x6e0;	/* an MSR the model has */
	(void)model_io_ops()->rdmsr(0x6e0);
}

static void
op_rdtsc(void)
{
	struct trap_frame f = model_vc_frame("\x0f\x31", 2, SVM_EXIT_RDTSC, false);

	(void)snp_vc_handle(&f);
}

static void
op_mmio_read(void)
{
	struct trap_frame f = model_vc_frame("\x8b\x18", 2, SVM_EXIT_NPF, false);

	f.rax = MODEL_MMIO_VA;
	(void)snp_vc_handle(&f);
}

static void
test_bad_bitmap(void)
{
	CHECK(lie_ends_in(LIE_BITMAP, SNP_TERM_BAD_BITMAP, op_in));
	CHECK(lie_ends_in(LIE_BITMAP, SNP_TERM_BAD_BITMAP, op_rdmsr));
	CHECK(lie_ends_in(LIE_BITMAP, SNP_TERM_BAD_BITMAP, op_rdtsc));
}

static void
test_bad_inject(void)
{
	static const struct { unsigned vec, type; bool ok; } cases[] = {
		{ VEC_PF, EVENTINJ_TYPE_EXC, false },
		{ VEC_DF, EVENTINJ_TYPE_EXC, false },
		{ VEC_VC, EVENTINJ_TYPE_EXC, false },
		{ VEC_GP, 0, false },		/* external interrupt 13 */
		{ VEC_GP, 4, false },		/* software interrupt */
		{ VEC_GP, EVENTINJ_TYPE_EXC, true },
		{ VEC_UD, EVENTINJ_TYPE_EXC, true },
	};

	for (volatile size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trap_frame f;
		bool t;

		model_reset();
		model_boot();
		model.lie = LIE_INJECT;
		model.lie_vector = cases[i].vec;
		model.lie_type = cases[i].type;
		f = model_vc_frame("\x0f\x01\xd9", 3, SVM_EXIT_VMMCALL, false);
		t = MODEL_TERMINATES({
			enum vc_result r = snp_vc_handle(&f);
			CHECK(r == (cases[i].vec == VEC_UD ? VC_FAULT_UD :
			    VC_FAULT_GP));
		});
		CHECK(t == !cases[i].ok);
		if (t)
			CHECK(TERM_IS(CL, SNP_TERM_BAD_INJECT));
	}
}

static void
test_bad_exit_info_refused_scratch(void)
{
	CHECK(lie_ends_in(LIE_EXIT_INFO, SNP_TERM_BAD_EXIT_INFO, op_in));
	CHECK(lie_ends_in(LIE_REFUSE, SNP_TERM_GHCB_REFUSED, op_rdtsc));
	CHECK(lie_ends_in(LIE_SCRATCH, SNP_TERM_BAD_LENGTH, op_mmio_read));
	/* A refused port read on the io ops path reads as a missing device. */
	model_reset();
	model_boot();
	model.lie = LIE_REFUSE;
	CHECK(model_io_ops()->in(0x60, 1) == 0xff);
}

static void
test_response_copied_once(void)
{
	struct ghcb_exit e;
	static struct ghcb resp;

	/* The check works on a private copy: what it accepted is used. */
	model_reset();
	ghcb_exit_init(&e, SVM_EXIT_RDTSC, 0, 0);
	ghcb_exit_need(&e, GHCB_BIT(rax));
	memset(&resp, 0, sizeof(resp));
	resp.rax = 77;
	resp.valid_bitmap[GHCB_BIT(rax) / 8] |= 1u << (GHCB_BIT(rax) % 8);
	CHECK(ghcb_check_response(&e, &resp) == GHCB_OK && e.rax == 77);
}

/* ---- memory: page-state change and PVALIDATE ---- */

static bool
range_is(uint64_t pa, uint64_t len, bool assigned, bool validated)
{
	for (uint64_t g = pa >> 12; g < (pa + len) >> 12; g++)
		if (model.rmp[g].assigned != assigned ||
		    model.rmp[g].validated != validated)
			return false;
	return true;
}

static void
test_accept_2m(void)
{
	model_reset();
	model_boot();
	model.huge_rmp = true;
	snp_accept(2 << 20, 4 << 20);
	CHECK(range_is(2 << 20, 4 << 20, true, true));
	CHECK(model.rmp[(2 << 20) >> 12].huge);
	CHECK(model.psc_exits == 1);
	CHECK(range_is(0, 2 << 20, false, false));
}

static void
test_accept_size_mismatch_falls_back(void)
{
	model_reset();
	model_boot();
	model.huge_rmp = false;		/* 2 MiB requests, 4 KiB RMP */
	snp_accept(2 << 20, 2 << 20);
	CHECK(range_is(2 << 20, 2 << 20, true, true));
	CHECK(!model.rmp[(2 << 20) >> 12].huge);
}

static void
test_accept_mixed_and_batches(void)
{
	model_reset();
	model_boot();
	model.huge_rmp = true;
	/* 4 KiB head, one 2 MiB page, 4 KiB tail. */
	snp_accept((2 << 20) - 0x3000, (2 << 20) + 0x5000);
	CHECK(range_is((2 << 20) - 0x3000, (2 << 20) + 0x5000, true, true));
	CHECK(model.rmp[(2 << 20) >> 12].huge);
	CHECK(!model.rmp[((2 << 20) - 0x3000) >> 12].huge);
	/* 300 4 KiB entries: two PSC descriptors. */
	model.psc_exits = 0;
	snp_accept(0x1000, 300 * 4096);
	CHECK(range_is(0x1000, 300 * 4096, true, true));
	CHECK(model.psc_exits == 2);
}

static void
test_psc_partial_progress(void)
{
	model_reset();
	model_boot();
	model.huge_rmp = true;
	model.psc_per_exit = 1;		/* one entry, half a 2 MiB, per exit */
	snp_accept((2 << 20) - 0x2000, (2 << 20) + 0x2000);
	CHECK(range_is((2 << 20) - 0x2000, (2 << 20) + 0x2000, true, true));
	CHECK(model.psc_exits == 4);
}

static void
test_share_pages(void)
{
	model_reset();
	model_boot();
	snp_accept(0x10000, 0x10000);
	CHECK(snp_share_pages(0x10000, 4) == 0);
	CHECK(range_is(0x10000, 0x4000, false, false));
	CHECK(range_is(0x14000, 0xc000, true, true));
	CHECK(snp_share_pages(0x10001, 1) != 0);
	/* Sharing a page that was never validated: rescind says no update. */
	CHECK(MODEL_TERMINATES(snp_share_pages(0x40000, 1)));
	CHECK(TERM_IS(CL, SNP_TERM_PVALIDATE) || TERM_IS(CL, SNP_TERM_REMAP));
}

static void
test_accept_before_ghcb_uses_msr_protocol(void)
{
	model_reset();
	snp_detect(&model_cpuid_page, model_dmap_base());
	snp_accept(0x20000, 0x3000);
	CHECK(range_is(0x20000, 0x3000, true, true));
	CHECK(model.psc_exits == 0 && model.vmgexits > 3);
	model.lie = LIE_MSR_PSC;
	CHECK(MODEL_TERMINATES(snp_accept(0x30000, 0x1000)));
	CHECK(TERM_IS(CL, SNP_TERM_MSR_PSC));
}

static bool
psc_lie(enum model_lie lie, unsigned after, unsigned code)
{
	model_reset();
	model_boot();
	model.huge_rmp = true;
	model.psc_per_exit = 1;
	model.lie = lie;
	model.lie_after = after;
	return MODEL_TERMINATES(snp_accept((2 << 20) - 0x2000,
	    (2 << 20) + 0x2000)) && TERM_IS(CL, code);
}

static void
test_psc_lies(void)
{
	CHECK(psc_lie(LIE_PSC_BACKWARDS, 1, SNP_TERM_PSC_PROGRESS));
	CHECK(psc_lie(LIE_PSC_PAGE_BACK, 3, SNP_TERM_PSC_PROGRESS));
	CHECK(psc_lie(LIE_PSC_STALL, 0, SNP_TERM_PSC_PROGRESS));
	CHECK(psc_lie(LIE_PSC_END, 0, SNP_TERM_BAD_LENGTH));
	CHECK(psc_lie(LIE_PSC_TAMPER, 0, SNP_TERM_PSC_TAMPER));
	CHECK(psc_lie(LIE_PSC_ERROR, 0, SNP_TERM_PSC_ERROR));
	/* Claims success without assigning: PVALIDATE finds out. */
	CHECK(psc_lie(LIE_PSC_SKIP, 0, SNP_TERM_PVALIDATE));
	/* Already-validated pages at the GPA: a remap. */
	CHECK(psc_lie(LIE_REMAP, 0, SNP_TERM_REMAP));
}

static void
test_pvalidate_outside_ram(void)
{
	model_reset();
	model_boot();
	/* The host refuses GFNs it does not have: PSC error. */
	CHECK(MODEL_TERMINATES(snp_accept((uint64_t)MODEL_PAGES << 12,
	    0x1000)));
	CHECK(TERM_IS(CL, SNP_TERM_PSC_ERROR));
}

/* ---- #HV and Restricted Injection ([GHCB] "#HV Doorbell Page") ---- */

static unsigned hv_log[64], hv_nlog;

static void
hv_deliver(unsigned vec, void *arg)
{
	CHECK(arg == &hv_nlog);
	if (hv_nlog < 64)
		hv_log[hv_nlog++] = vec;
}

/* Booted, doorbell registered, delivery log empty. */
static void
hv_boot(void)
{
	model_reset();
	model.sev_status |= SEV_STATUS_RESTRICT_INJ;
	model_boot();
	snp_hv_init(&model_hvdb_page, MODEL_HVDB_GPA);
	hv_nlog = 0;
}

/* Booted; the doorbell registration meets lie: which code ends it? */
static bool
hv_register_lie(enum model_lie lie, unsigned vector)
{
	model_reset();
	model_boot();
	model.lie = lie;
	model.lie_vector = vector;
	model.lie_type = EVENTINJ_TYPE_EXC;
	return MODEL_TERMINATES(snp_hv_init(&model_hvdb_page,
	    MODEL_HVDB_GPA)) && TERM_IS(CL, SNP_TERM_HV_DOORBELL) &&
	    !snp_hv_ready();
}

static void
test_hv_doorbell_register(void)
{
	hv_boot();
	CHECK(snp_hv_ready() && snp_restricted_injection());
	CHECK(model.last_exit == SVM_VMGEXIT_HVDB_PAGE);
	CHECK(model.last_info1 == HVDB_SET);
	CHECK(model.hvdb_gpa == MODEL_HVDB_GPA);
	/* The GPA not echoed; refused (sw_exit_info_1 = 2); a #GP instead. */
	CHECK(hv_register_lie(LIE_HVDB_ECHO, 0));
	CHECK(hv_register_lie(LIE_REFUSE, 0));
	CHECK(hv_register_lie(LIE_INJECT, VEC_GP));

	/* Unaligned page: never sent. */
	model_reset();
	model_boot();
	CHECK(MODEL_TERMINATES(snp_hv_init(&model_hvdb_page,
	    MODEL_HVDB_GPA + 8)));
	CHECK(TERM_IS(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL));
	CHECK(model.hvdb_gpa == 0);

	/* Not SNP: nothing at all. */
	model_reset();
	model.sev_status = 0;
	model.sev_cpuid = false;
	snp_detect(&model_cpuid_page, model_dmap_base());
	snp_hv_init(&model_hvdb_page, MODEL_HVDB_GPA);
	CHECK(!snp_hv_ready() && model.vmgexits == 0);
	CHECK(snp_hv_trap(true, hv_deliver, &hv_nlog) == 0 && !snp_hv_held());
}

static void
test_hv_decode_every_word(void)
{
	unsigned vec, n_ok = 0;
	bool nmi;

	for (unsigned w = 0; w < 65536; w++) {
		int r = snp_hv_decode((uint16_t)w, &vec, &nmi);
		unsigned v = w & 0xff;

		if (w & (HVDB_MC | HVDB_RESERVED))
			CHECK(r == SNP_TERM_HV_EVENT);
		else if (v != 0 && v < 32)
			CHECK(r == SNP_TERM_HV_VECTOR);
		else {
			CHECK(r == 0 && vec == v &&
			    nmi == ((w & HVDB_NMI) != 0));
			n_ok++;
		}
		if (r != 0)
			CHECK(vec == 0 && !nmi);
	}
	CHECK(n_ok == 225 * 4);		/* vectors 0, 32..255; NMI; NFS */
}

static void
test_hv_timer_delivered(void)
{
	hv_boot();
	model_hvdb_page.pending_events = VEC_TIMER | HVDB_NO_FURTHER_SIGNAL;
	CHECK(snp_hv_trap(true, hv_deliver, &hv_nlog) == 0);
	CHECK(hv_nlog == 1 && hv_log[0] == VEC_TIMER);
	/* Taken once and cleared (NoFurtherSignal too: signals re-armed). */
	CHECK(model_hvdb_page.pending_events == 0);
	CHECK(model.hv_takes == 2);		/* the take, then empty */
	CHECK(!snp_hv_held());
	/* A spurious #HV delivers nothing. */
	CHECK(snp_hv_trap(true, hv_deliver, &hv_nlog) == 0 && hv_nlog == 1);
	/* The host writes the next event while the guest handles one. */
	model_hvdb_page.pending_events = VEC_TIMER;
	model.hv_ring[0] = VEC_NET;
	model.hv_nring = 1;
	snp_hv_trap(true, hv_deliver, &hv_nlog);
	CHECK(hv_nlog == 3 && hv_log[1] == VEC_TIMER && hv_log[2] == VEC_NET);
	/* An NMI is counted for the platform (ignored), no vector. */
	model_hvdb_page.pending_events = HVDB_NMI;
	CHECK(snp_hv_trap(true, hv_deliver, &hv_nlog) == 1 && hv_nlog == 3);
}

static void
test_hv_exception_vector_refused(void)
{
	static const uint16_t bad[] = { VEC_PF, VEC_GP, VEC_VC, 28, 1, 31 };

	for (volatile size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hv_boot();
		model_hvdb_page.pending_events = bad[i];
		CHECK(MODEL_TERMINATES(snp_hv_trap(true, hv_deliver,
		    &hv_nlog)));
		CHECK(TERM_IS(CL, SNP_TERM_HV_VECTOR));
		CHECK(hv_nlog == 0);
	}
	/* Also behind a good event, and #MC / reserved bits. */
	hv_boot();
	model_hvdb_page.pending_events = VEC_TIMER;
	model.hv_ring[0] = VEC_DE + 3;
	model.hv_nring = 1;
	CHECK(MODEL_TERMINATES(snp_hv_trap(false, hv_deliver, &hv_nlog)));
	CHECK(TERM_IS(CL, SNP_TERM_HV_VECTOR) && hv_nlog == 0);
	hv_boot();
	model_hvdb_page.pending_events = HVDB_MC;
	CHECK(MODEL_TERMINATES(snp_hv_trap(true, hv_deliver, &hv_nlog)));
	CHECK(TERM_IS(CL, SNP_TERM_HV_EVENT));
	hv_boot();
	model_hvdb_page.pending_events = VEC_TIMER | (1u << 12);
	CHECK(MODEL_TERMINATES(snp_hv_trap(true, hv_deliver, &hv_nlog)));
	CHECK(TERM_IS(CL, SNP_TERM_HV_EVENT) && hv_nlog == 0);
}

static void
test_hv_held_while_if_clear(void)
{
	hv_boot();
	/* IF was clear: held, not delivered. */
	model_hvdb_page.pending_events = VEC_TIMER;
	snp_hv_trap(false, hv_deliver, &hv_nlog);
	CHECK(hv_nlog == 0 && snp_hv_held());
	/* Taken; NoFurtherSignal stays set: no #HV onto the IST stack. */
	CHECK(model_hvdb_page.pending_events == HVDB_NO_FURTHER_SIGNAL);
	/* The same vector again and another: each held once. */
	model_hvdb_page.pending_events = VEC_NET;
	model.hv_ring[0] = VEC_TIMER;
	model.hv_nring = 1;
	snp_hv_trap(false, hv_deliver, &hv_nlog);
	CHECK(hv_nlog == 0);
	/* Interrupts enabled: lowest first, each once. */
	CHECK(snp_hv_deliver_held(hv_deliver, &hv_nlog) == 2);
	CHECK(hv_nlog == 2 && hv_log[0] == VEC_TIMER && hv_log[1] == VEC_NET);
	CHECK(!snp_hv_held() && model_hvdb_page.pending_events == 0);
	/* No double delivery: nothing is left, for either path. */
	CHECK(snp_hv_deliver_held(hv_deliver, &hv_nlog) == 0);
	snp_hv_trap(true, hv_deliver, &hv_nlog);
	CHECK(hv_nlog == 2);
	/* Held, then a #HV with IF set delivers the held one and its own. */
	model_hvdb_page.pending_events = 0x30;
	snp_hv_trap(false, hv_deliver, &hv_nlog);
	model_hvdb_page.pending_events = VEC_TIMER;
	snp_hv_trap(true, hv_deliver, &hv_nlog);
	CHECK(hv_nlog == 4 && hv_log[2] == 0x30 && hv_log[3] == VEC_TIMER);
	CHECK(!snp_hv_held());
	/* An event the host writes (NoFurtherSignal set, so no #HV) while
	 * the guest re-arms is taken by the compare-exchange's retry. */
	model_hvdb_page.pending_events = HVDB_NO_FURTHER_SIGNAL;
	snp_hv_trap(false, hv_deliver, &hv_nlog);
	model_hvdb_page.pending_events = HVDB_NO_FURTHER_SIGNAL | VEC_NET;
	CHECK(snp_hv_held());
	CHECK(snp_hv_deliver_held(hv_deliver, &hv_nlog) == 1);
	CHECK(hv_nlog == 5 && hv_log[4] == VEC_NET);
	CHECK(model_hvdb_page.pending_events == 0 && !snp_hv_held());
}

static void
test_hv_host_keeps_ringing(void)
{
	hv_boot();
	/* A host that rewrites the word after every take: bounded. */
	model_hvdb_page.pending_events = VEC_TIMER;
	for (unsigned i = 0; i < 8; i++)
		model.hv_ring[i] = VEC_TIMER;
	model.hv_nring = 8;
	snp_hv_trap(true, hv_deliver, &hv_nlog);
	CHECK(hv_nlog == 1);		/* coalesced: one timer interrupt */
	CHECK(model.hv_takes == 10);
}

int
main(void)
{
	harness_begin("snp");
	RUN(test_plain_machine_is_inert);
	RUN(test_sev_es_without_snp_is_not_snp);
	RUN(test_detect_snp);
	RUN(test_policy_rejects);
	RUN(test_policy_accepts);
	RUN(test_msr_protocol_lies);
	RUN(test_no_cpuid_page);
	RUN(test_register_echo);
	RUN(test_terminate_encoding);
	RUN(test_cpuid_page_validation);
	RUN(test_cpuid_page_lie_at_boot);
	RUN(test_cpuid_lookup);
	RUN(test_ioio);
	RUN(test_msr);
	RUN(test_cpuid_never_asks_host);
	RUN(test_vc_cpuid_kernel_and_user);
	RUN(test_vc_rdtsc_rdtscp);
	RUN(test_secure_tsc_rate);
	RUN(test_secure_tsc_intercepts);
	RUN(test_vc_msr);
	RUN(test_vc_ioio);
	RUN(test_vc_mmio);
	RUN(test_vc_dr7_wbinvd_vmmcall);
	RUN(test_vc_injected_mismatch);
	RUN(test_vc_not_snp);
	RUN(test_decoder_forms);
	RUN(test_vc_mmio_rip_relative);
	RUN(test_bad_bitmap);
	RUN(test_bad_inject);
	RUN(test_bad_exit_info_refused_scratch);
	RUN(test_response_copied_once);
	RUN(test_accept_2m);
	RUN(test_accept_size_mismatch_falls_back);
	RUN(test_accept_mixed_and_batches);
	RUN(test_psc_partial_progress);
	RUN(test_share_pages);
	RUN(test_hv_doorbell_register);
	RUN(test_hv_decode_every_word);
	RUN(test_hv_timer_delivered);
	RUN(test_hv_exception_vector_refused);
	RUN(test_hv_held_while_if_clear);
	RUN(test_hv_host_keeps_ringing);
	RUN(test_accept_before_ghcb_uses_msr_protocol);
	RUN(test_psc_lies);
	RUN(test_pvalidate_outside_ram);
	return harness_done();
}
