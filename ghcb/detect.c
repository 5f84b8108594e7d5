/*
 * SEV-SNP detection, the feature policy, and bringing the GHCB up.
 *
 * Detection ([APM] "Determining Support for Secure Memory Encryption"):
 * CPUID 0x8000001F EAX[1] (SEV) says the processor can run encrypted
 * guests; only then is MSR SEV_STATUS read (it does not exist on other
 * CPUs).  SEV_STATUS[2] (SNP) makes this an SNP guest.  Under SNP the
 * CPUID instruction itself raises #VC, which the #VC handler answers
 * from the CPUID page (or, before that page is validated, terminates):
 * the platform passes the page in, and the C-bit comes from the
 * hypervisor's SEV information response and must agree with the page.
 *
 * Plain boots: one CPUID, one branch, nothing installed.
 */
#include "ghcb/internal.h"

struct snp_state snp;
struct snp_emul snp_emul;	/* off unless snp=emulate (emulate.c) */

/*
 * SEV_STATUS policy.  Required: SEV, SEV-ES, SNP.  Accepted (hardening
 * the guest benefits from, or features it does not depend on):
 * DebugSwap, PreventHostIBS, BTB isolation, VMPL supervisor shadow
 * stacks, Secure TSC (its rate replaces calibration: tsc.c),
 * the VMGEXIT parameter, IBS virtualisation, VMSA register protection,
 * SMT protection, Restricted Injection (interrupts then come only as
 * #HV through the doorbell page: hv.c, which the platform registers
 * right after the GHCB).  Everything else ends the guest with
 * SNP_TERM_POLICY: vTOM and ReflectVC (Cloister uses the C-bit and runs
 * at VMPL0), Alternate Injection (a VMSA for injected events, which
 * Cloister does not build), Secure AVIC, and every reserved bit.
 */
#define SEV_STATUS_REQUIRED	(SEV_STATUS_SEV | SEV_STATUS_ES | \
				 SEV_STATUS_SNP)
#define SEV_STATUS_ACCEPTED	(SEV_STATUS_REQUIRED | \
	SEV_STATUS_DEBUG_SWAP | SEV_STATUS_PREVENT_IBS | \
	SEV_STATUS_BTB_ISOL | SEV_STATUS_VMPL_SSS | SEV_STATUS_SECURE_TSC | \
	SEV_STATUS_VMGEXIT_PARAM | SEV_STATUS_IBS_VIRT | \
	SEV_STATUS_VMSA_REG_PROT | SEV_STATUS_SMT_PROT | \
	SEV_STATUS_RESTRICT_INJ)

int
snp_policy_check(uint64_t sev_status)
{
	if ((sev_status & SEV_STATUS_REQUIRED) != SEV_STATUS_REQUIRED)
		return -SNP_EINVAL;
	if (sev_status & ~SEV_STATUS_ACCEPTED)
		return -SNP_EINVAL;
	return 0;
}

bool
snp_active(void)
{
	return snp.active;
}

uint64_t
snp_sev_status(void)
{
	return snp.active ? snp.sev_status : 0;
}

uint64_t
snp_enc_mask(void)
{
	return snp_emul.on ? 0 : snp.enc_mask;	/* emulated: nothing encrypts */
}

static const struct arch_io_ops early_io_ops;

/*
 * Under SEV-ES/SNP the two CPUIDs below raise #VC before we know we are
 * SNP.  While detecting, the #VC handler answers them from a bounded
 * copy of the (not yet validated) CPUID page: they only decide whether
 * SEV_STATUS is read, and the page is validated right after.
 */
void
snp_detect_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	if (!snp.detecting || !snp.detect_page)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_CPUID_PAGE);
	snp_cpuid_lookup(&snp_cpuid, leaf, sub, 0, 0, r);
}

bool
snp_detect(const void *cpuid_page, uint64_t dmap_base)
{
	struct cpuid_regs r;
	uint64_t status;
	unsigned cbit;

	/*
	 * A boot path detected SNP already (the ROM, boot/rom_snp.c, before
	 * it read fw_cfg): nothing is asked twice, only the direct map moves.
	 */
	if (snp.active) {
		snp.dmap_base = dmap_base;
		return true;
	}
	if (cpuid_page != NULL) {
		__builtin_memcpy(&snp_cpuid, cpuid_page, sizeof(snp_cpuid));
		if (snp_cpuid.count > SNP_CPUID_COUNT_MAX)
			snp_cpuid.count = SNP_CPUID_COUNT_MAX;
		snp.detect_page = true;
	}
	snp.detecting = true;
	snp_hw_cpuid(0x80000000, 0, &r);
	if (r.eax >= 0x8000001f)
		snp_hw_cpuid(0x8000001f, 0, &r);
	else
		r.eax = 0;
	status = (r.eax & (1u << 1)) ? snp_hw_sev_status() : 0;  /* [1] SEV */
	snp.detecting = false;
	if (!(status & SEV_STATUS_SNP)) {
		__builtin_memset(&snp_cpuid, 0, sizeof(snp_cpuid));
		snp.detect_page = false;
		return false;		/* SEV/SEV-ES alone: not supported */
	}
	snp.sev_status = status;
	snp.dmap_base = dmap_base;
	if (snp_policy_check(status) != 0)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_POLICY);
	snp_msr_sev_info(&cbit);
	if (cbit < 32 || cbit > 51)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_CBIT);
	snp_msr_hv_features(&snp.hv_features);
	if (snp_cpuid_validate(cpuid_page, cbit, &snp_cpuid) != 0)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_CPUID_PAGE);
	snp.cbit = cbit;
	snp.enc_mask = 1ull << cbit;
	snp.active = true;
	/* CPUID from the page from now on; ports and MSRs wait for the GHCB. */
	arch_set_io_ops(&early_io_ops);
	return true;
}

/*
 * Between detection and the GHCB page: CPUID from the page; port
 * output is dropped and input reads as all ones (no exit can carry it
 * yet); MSRs keep the instruction, so an intercepted one ends in #VC.
 */
static uint32_t
early_in(uint16_t port, int size)
{
	return 0xffffffffu;
}

static void
early_out(uint16_t port, uint32_t v, int size)
{
}

static void
early_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	snp_cpuid_lookup(&snp_cpuid, leaf, sub, snp_hw_xcr0(), snp_hw_cr4(),
	    r);
}

static const struct arch_io_ops early_io_ops = {
	.in = early_in,
	.out = early_out,
	.rdmsr = arch_rdmsr_native,
	.wrmsr = arch_wrmsr_native,
	.cpuid = early_cpuid,
};

void
snp_ghcb_init(volatile void *va, uint64_t pa)
{
	if (!snp.active)
		return;
	/* Registered already (by the boot path): only its mapping moves. */
	if (snp.ghcb_ready && pa == snp.ghcb.pa) {
		snp.ghcb.page = (volatile struct ghcb *)va;
		return;
	}
	if (pa % SNP_PAGE_SIZE)
		snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
	snp.ghcb.page = (volatile struct ghcb *)va;
	snp.ghcb.pa = pa;
	snp_msr_register_ghcb(pa);
	snp.ghcb_ready = true;
	arch_set_io_ops(&snp_io_ops);
}

uint64_t
snp_ghcb_pa(void)
{
	return snp.ghcb_ready ? snp.ghcb.pa : 0;
}
