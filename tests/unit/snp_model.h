/*
 * A model of the untrusted hypervisor and of the AMD secure processor /
 * CPU as an SEV-SNP guest sees them, written from the GHCB spec (AMD
 * #56421) and the SNP firmware ABI (#56860).  It implements ghcb/'s
 * hardware seam (the snp_hw_* functions of ghcb/internal.h), so the
 * protocol code runs unchanged on the host against it.
 *
 * It owns the RMP state of every guest page (assigned to the guest or
 * not, validated or not, 2 MiB entry or not), answers MSR-protocol and
 * GHCB requests like an honest hypervisor would, gives PVALIDATE the
 * CPU's outcomes, and can be told to lie in each of the ways the guest
 * must survive (model.lie).  A termination request longjmps back to the
 * test (MODEL_TERMINATES).
 */
#ifndef TESTS_UNIT_SNP_MODEL_H
#define TESTS_UNIT_SNP_MODEL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "ghcb/internal.h"

#define MODEL_PAGES	2048			/* 8 MiB of guest RAM */
#define MODEL_GHCB_GPA	0x7000ull		/* where the GHCB page "is" */
#define MODEL_MMIO_GPA	0xfee00000ull		/* a 4 KiB device */
#define MODEL_MMIO_VA	0xffffc00000000000ull
#define MODEL_CBIT	51
#define MODEL_HVDB_GPA	0x8000ull		/* the #HV doorbell page */

enum model_lie {
	LIE_NONE = 0,
	LIE_SEV_INFO_CODE,	/* SEV info answered with another code */
	LIE_PROTO_OLD,		/* only GHCB protocol version 1 */
	LIE_CBIT,		/* SEV info C-bit disagrees with the page */
	LIE_CBIT_INSANE,	/* SEV info C-bit 12, page says 12 too */
	LIE_HV_NO_SNP,		/* hypervisor features without SNP */
	LIE_REG_ECHO,		/* registration echoes another GFN */
	LIE_REG_CODE,		/* registration answered with another code */
	LIE_MSR_PSC,		/* MSR page-state change reports an error */
	LIE_BITMAP,		/* output registers not marked valid */
	LIE_INJECT,		/* inject lie_vector (type lie_type) */
	LIE_EXIT_INFO,		/* sw_exit_info_1 = 7, undefined */
	LIE_REFUSE,		/* sw_exit_info_1 = 2: refused */
	LIE_SCRATCH,		/* sw_scratch moved */
	LIE_PSC_BACKWARDS,	/* cur_entry goes back */
	LIE_PSC_PAGE_BACK,	/* a 2 MiB entry's cur_page goes back */
	LIE_PSC_STALL,		/* no progress, forever */
	LIE_PSC_END,		/* end_entry grows */
	LIE_PSC_TAMPER,		/* an entry's GFN changes */
	LIE_PSC_ERROR,		/* sw_exit_info_2 nonzero */
	LIE_PSC_SKIP,		/* claims done, RMP not updated */
	LIE_REMAP,		/* pages already validated (a remap) */
	LIE_HVDB_ECHO,		/* #HV doorbell SET echoes another GPA */
};

struct model_rmp {
	bool assigned;		/* guest-owned (private) */
	bool validated;
	bool huge;		/* part of a 2 MiB RMP entry */
};

struct model {
	/* The CPU */
	uint64_t sev_status;
	bool sev_cpuid;
	uint64_t guest_tsc_freq;	/* MSR GUEST_TSC_FREQ (Secure TSC) */
	unsigned tsc_freq_reads;		/* raw CPUID 0x8000001F reports SEV */
	uint64_t ghcb_msr;
	unsigned vmgexits;
	int irq_depth;
	/* The hypervisor */
	uint64_t ghcb_gpa;	/* registered GHCB GPA, 0 none */
	bool huge_rmp;		/* back 2 MiB PSC entries with 2 MiB RMP */
	unsigned psc_per_exit;	/* entries processed per PSC exit (0: all) */
	unsigned psc_exits;
	struct model_rmp rmp[MODEL_PAGES];
	uint64_t msr_num[8], msr_val[8];
	uint8_t ports[65536];
	/* A device behind single port accesses (else ports[] is memory). */
	uint32_t (*port_in)(uint16_t port, unsigned size);
	void (*port_out)(uint16_t port, uint32_t v, unsigned size);
	bool shared_validated;	/* PSC to shared of a still-validated page */
	uint8_t port_log[4096];
	unsigned port_log_len;
	uint8_t mmio[4096];
	uint64_t tsc, dr7;
	unsigned wbinvd;
	uint64_t last_exit, last_info1, last_info2;
	uint64_t hvdb_gpa;	/* #HV doorbell page set, 0 none */
	uint16_t hv_ring[8];	/* words the host writes after each take */
	unsigned hv_nring, hv_takes;
	/* Lies */
	enum model_lie lie;
	unsigned lie_after;	/* honest exchanges before the lie */
	unsigned lie_vector, lie_type;
	/* Fuzzing: each exchange's response is then overwritten from here. */
	const uint8_t *fuzz;
	size_t fuzz_len;
	/* Termination */
	bool terminated;
	unsigned term_set, term_code;
	jmp_buf *jb;
	/* The guest's side that the model provides */
	uint8_t *ram;		/* MODEL_PAGES pages, dmap_base = ram */
	uint8_t code[32];	/* instruction bytes at code_va */
	uint64_t code_va;
	unsigned cpuid_hw_calls;
};
extern struct model model;
extern uint8_t model_ghcb_page[4096];
extern struct hv_doorbell model_hvdb_page;
extern struct snp_cpuid_table model_cpuid_page;

/* Fresh model and fresh ghcb/ state; an honest hypervisor. */
void model_reset(void);
/* A CPUID page the firmware would produce (C-bit MODEL_CBIT). */
void model_build_cpuid_page(struct snp_cpuid_table *t);
/* Detect + register the GHCB: the state every NAE test starts from. */
void model_boot(void);
uint64_t model_dmap_base(void);
/* A #VC frame for the instruction bytes insn at model.code_va. */
struct trap_frame model_vc_frame(const void *insn, size_t n,
    uint64_t exit_code, bool user);

/* Run stmt; true if it ended in a termination request (set, code). */
#define MODEL_TERMINATES(stmt) __extension__ ({				\
	jmp_buf jb_;							\
	volatile bool t_ = false;					\
	model.jb = &jb_;						\
	if (setjmp(jb_) == 0) {						\
		stmt;							\
	} else {							\
		t_ = true;						\
	}								\
	model.jb = NULL;						\
	t_;								\
})

#endif
