/*
 * The GHCB MSR protocol ([GHCB] "GHCB MSR Protocol"): requests encoded in
 * the GHCB MSR itself, used before the GHCB page exists and for the
 * termination request.  Each response is read once and its GHCBInfo
 * checked against the request before any field is used.
 */
#include "ghcb/internal.h"

/*
 * One request: write the MSR, VMGEXIT, read the response.  Once the GHCB
 * page is registered the MSR holds its GPA; it is restored afterwards
 * ([GHCB] "GHCB MSR Protocol": the MSR may be used for either).
 */
uint64_t
snp_msr_call(uint64_t req)
{
	bool irq = snp_hw_irq_save();
	uint64_t saved = snp_hw_ghcb_msr_read();
	uint64_t resp;

	snp_hw_ghcb_msr_write(req);
	snp_hw_vmgexit();
	resp = snp_hw_ghcb_msr_read();
	snp_hw_ghcb_msr_write(saved);
	snp_hw_irq_restore(irq);
	return resp;
}

void
snp_terminate(unsigned set, unsigned code)
{
	/* Termination request: GHCBData[15:12] reason set, [23:16] code. */
	uint64_t req = GHCB_MSR_TERM_REQ | ((uint64_t)(set & 0xf) << 12) |
	    ((uint64_t)(code & 0xff) << 16);

	snp_hw_ghcb_msr_write(req);
	snp_hw_vmgexit();
	/* A hypervisor that resumes us after this gets nothing more. */
	snp_hw_halt();
}

/* SEV information ([GHCB] "SEV Information"): protocol range and C-bit. */
int
snp_msr_sev_info(unsigned *cbit)
{
	uint64_t v = snp_msr_call(GHCB_MSR_SEV_INFO_REQ);

	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_SEV_INFO_RESP)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_MSR_RESP);
	if (GHCB_MSR_PROTO_MAX(v) < GHCB_PROTOCOL_MIN ||
	    GHCB_MSR_PROTO_MIN(v) > GHCB_PROTOCOL_MAX ||
	    GHCB_MSR_PROTO_MIN(v) > GHCB_MSR_PROTO_MAX(v))
		snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_PROTOCOL);
	*cbit = (unsigned)GHCB_MSR_CBIT(v);
	return 0;
}

/* Hypervisor features ([GHCB] "Hypervisor Feature Support"), v2 only. */
int
snp_msr_hv_features(uint64_t *features)
{
	uint64_t v = snp_msr_call(GHCB_MSR_HV_FT_REQ);

	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_HV_FT_RESP)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_MSR_RESP);
	*features = v >> 12;		/* GHCBData[63:12] */
	if (!(*features & GHCB_HV_FT_SNP))
		snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_SNP_UNSUPPORTED);
	return 0;
}

/*
 * GHCB GPA registration ([GHCB] "SNP GHCB GPA Registration"): the
 * response must echo the GFN we asked for; anything else means the
 * hypervisor will use another page and we terminate.
 */
void
snp_msr_register_ghcb(uint64_t pa)
{
	uint64_t gfn = pa >> 12;
	uint64_t v = snp_msr_call(GHCB_MSR_REG_GPA_REQ | (gfn << 12));

	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_REG_GPA_RESP ||
	    (v >> 12) != gfn)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_REGISTER_ECHO);
	/* From now on the MSR holds the GHCB GPA ([GHCB] "Using the GHCB"). */
	snp_hw_ghcb_msr_write(pa);
}

/*
 * One 4 KiB page-state change ([GHCB] "SNP Page State Change Request"):
 * GHCBData[51:12] GFN, [55:52] operation; the response carries an error
 * code in GHCBData[63:32], 0 on success.
 */
void
snp_msr_psc(uint64_t pa, int op)
{
	uint64_t gfn = (pa >> 12) & ((1ull << 40) - 1);
	uint64_t v = snp_msr_call(GHCB_MSR_PSC_REQ | (gfn << 12) |
	    ((uint64_t)op << 52));

	if ((v & GHCB_MSR_INFO_MASK) != GHCB_MSR_PSC_RESP || (v >> 32) != 0)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_MSR_PSC);
}
