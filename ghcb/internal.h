/*
 * ghcb/internal.h: the SEV-SNP layer's private definitions.
 *
 * Spec references:
 *   [GHCB]  AMD #56421, "SEV-ES Guest-Hypervisor Communication Block
 *           Standardization", rev 2.03 or later.
 *   [ABI]   AMD #56860, "SEV Secure Nested Paging Firmware ABI".
 *   [APM]   AMD #24593, Architecture Programmer's Manual vol. 2, ch. 15
 *           (SEV-ES, SEV-SNP, PVALIDATE) and appendix C (exit codes).
 *
 * Layering: the protocol logic (msrproto.c, call.c, nae.c, psc.c,
 * cpuid.c, detect.c, vc.c, decode.c) never touches hardware; it calls
 * the snp_hw_* seam below.  ghcb/hw.c implements the seam with the real
 * instructions; tests/unit/snp_model.c implements it with a model of the
 * hypervisor and the AMD secure processor, so everything else compiles
 * and is tested on the host.
 */
#ifndef GHCB_INTERNAL_H
#define GHCB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ghcb/snp.h"
#include "arch/arch.h"

/* Linux errno values (platform.h has them all; ghcb/ sits below it). */
#define SNP_EFAULT	14
#define SNP_EINVAL	22

#define SNP_PAGE_SIZE	4096ull
#define SNP_2M		(2ull << 20)

/* ---- SEV_STATUS MSR 0xC0010131 bits ([APM] "SEV_STATUS MSR") ---- */
#define SEV_STATUS_SEV		(1ull << 0)
#define SEV_STATUS_ES		(1ull << 1)
#define SEV_STATUS_SNP		(1ull << 2)
#define SEV_STATUS_VTOM		(1ull << 3)
#define SEV_STATUS_REFLECT_VC	(1ull << 4)
#define SEV_STATUS_RESTRICT_INJ	(1ull << 5)
#define SEV_STATUS_ALT_INJ	(1ull << 6)
#define SEV_STATUS_DEBUG_SWAP	(1ull << 7)
#define SEV_STATUS_PREVENT_IBS	(1ull << 8)
#define SEV_STATUS_BTB_ISOL	(1ull << 9)
#define SEV_STATUS_VMPL_SSS	(1ull << 10)
#define SEV_STATUS_SECURE_TSC	(1ull << 11)
#define SEV_STATUS_VMGEXIT_PARAM (1ull << 12)
#define SEV_STATUS_IBS_VIRT	(1ull << 14)
#define SEV_STATUS_VMSA_REG_PROT (1ull << 16)
#define SEV_STATUS_SMT_PROT	(1ull << 17)
#define SEV_STATUS_SECURE_AVIC	(1ull << 18)
#define MSR_GUEST_TSC_FREQ	0xc0010134u	/* Secure TSC: rate, MHz */

/* ---- GHCB MSR protocol ([GHCB] "GHCB MSR Protocol") ---- */
#define GHCB_MSR_INFO_MASK	0xfffull		/* GHCBData[11:0] */
#define GHCB_MSR_SEV_INFO_RESP	0x001
#define GHCB_MSR_SEV_INFO_REQ	0x002
#define GHCB_MSR_REG_GPA_REQ	0x012
#define GHCB_MSR_REG_GPA_RESP	0x013
#define GHCB_MSR_PSC_REQ	0x014
#define GHCB_MSR_PSC_RESP	0x015
#define GHCB_MSR_HV_FT_REQ	0x080
#define GHCB_MSR_HV_FT_RESP	0x081
#define GHCB_MSR_TERM_REQ	0x100
/* SEV information response: GHCBData[63:48] max, [47:32] min, [31:24] C-bit */
#define GHCB_MSR_PROTO_MAX(v)	(((v) >> 48) & 0xffff)
#define GHCB_MSR_PROTO_MIN(v)	(((v) >> 32) & 0xffff)
#define GHCB_MSR_CBIT(v)	(((v) >> 24) & 0xff)
/* Hypervisor feature bits (GHCBData[63:12]). */
#define GHCB_HV_FT_SNP		(1ull << 0)
/* Page state change: GHCBData[51:12] GFN, [55:52] operation. */
#define SNP_PSC_OP_PRIVATE	1
#define SNP_PSC_OP_SHARED	2

#define GHCB_PROTOCOL_MIN	2	/* SNP needs version 2 */
#define GHCB_PROTOCOL_MAX	2

/* ---- Exit codes ([APM] appendix C, [GHCB] table "NAE events") ---- */
#define SVM_EXIT_READ_DR7	0x027
#define SVM_EXIT_WRITE_DR7	0x037
#define SVM_EXIT_RDTSC		0x06e
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_RDTSCP		0x087
#define SVM_EXIT_WBINVD		0x089
#define SVM_EXIT_NPF		0x400
#define SVM_VMGEXIT_MMIO_READ	0x80000001ull
#define SVM_VMGEXIT_MMIO_WRITE	0x80000002ull
#define SVM_VMGEXIT_PSC		0x80000010ull
#define SVM_VMGEXIT_HVDB_PAGE	0x80000014ull	/* #HV doorbell page */
#define SVM_VMGEXIT_TERM	0x8000fffeull

/* IOIO exit information 1 ([APM] "IN and OUT Behavior"). */
#define IOIO_TYPE_IN		(1u << 0)
#define IOIO_STR		(1u << 2)
#define IOIO_REP		(1u << 3)
#define IOIO_SZ8		(1u << 4)
#define IOIO_SZ16		(1u << 5)
#define IOIO_SZ32		(1u << 6)
#define IOIO_A16		(1u << 7)
#define IOIO_A32		(1u << 8)
#define IOIO_A64		(1u << 9)
#define IOIO_SEG_ES		(0u << 10)
#define IOIO_SEG_DS		(3u << 10)
#define IOIO_PORT_SHIFT		16

/*
 * sw_exit_info_1[31:0] on return ([GHCB] "Invoking VMGEXIT"):
 * 0 = done, 1 = exception to inject in sw_exit_info_2 (EVENTINJ format),
 * 2 = the request was refused, reason in sw_exit_info_2.
 */
#define GHCB_HV_RESP_OK		0
#define GHCB_HV_RESP_EXCEPTION	1
#define GHCB_HV_RESP_REFUSED	2
/* EVENTINJ ([APM] "Event Injection"): [7:0] vector, [10:8] type, [31] V. */
#define EVENTINJ_VECTOR(v)	((v) & 0xff)
#define EVENTINJ_TYPE(v)	(((v) >> 8) & 7)
#define EVENTINJ_TYPE_EXC	3
#define EVENTINJ_VALID		(1u << 31)

/* ---- The GHCB page ([GHCB] "GHCB Layout") ---- */
struct ghcb {
	uint8_t rsvd0[0x0cb];
	uint8_t cpl;				/* 0x0cb */
	uint8_t rsvd1[0x1f8 - 0x0cc];
	uint64_t rax;				/* 0x1f8 */
	uint8_t rsvd2[0x308 - 0x200];
	uint64_t rcx;				/* 0x308 */
	uint64_t rdx;				/* 0x310 */
	uint64_t rbx;				/* 0x318 */
	uint8_t rsvd3[0x330 - 0x320];
	uint64_t rsi;				/* 0x330 */
	uint8_t rsvd4[0x390 - 0x338];
	uint64_t sw_exit_code;			/* 0x390 */
	uint64_t sw_exit_info_1;		/* 0x398 */
	uint64_t sw_exit_info_2;		/* 0x3a0 */
	uint64_t sw_scratch;			/* 0x3a8 */
	uint8_t rsvd5[0x3e8 - 0x3b0];
	uint64_t xcr0;				/* 0x3e8 */
	uint8_t valid_bitmap[16];		/* 0x3f0 */
	uint8_t rsvd6[0x800 - 0x400];
	uint8_t shared_buffer[2032];		/* 0x800 */
	uint8_t rsvd7[10];			/* 0xff0 */
	uint16_t protocol_version;		/* 0xffa */
	uint32_t ghcb_usage;			/* 0xffc */
};
_Static_assert(sizeof(struct ghcb) == 4096, "GHCB page size");
_Static_assert(offsetof(struct ghcb, cpl) == 0x0cb, "GHCB cpl");
_Static_assert(offsetof(struct ghcb, rax) == 0x1f8, "GHCB rax");
_Static_assert(offsetof(struct ghcb, rcx) == 0x308, "GHCB rcx");
_Static_assert(offsetof(struct ghcb, rbx) == 0x318, "GHCB rbx");
_Static_assert(offsetof(struct ghcb, rsi) == 0x330, "GHCB rsi");
_Static_assert(offsetof(struct ghcb, sw_exit_code) == 0x390, "GHCB exit");
_Static_assert(offsetof(struct ghcb, sw_scratch) == 0x3a8, "GHCB scratch");
_Static_assert(offsetof(struct ghcb, xcr0) == 0x3e8, "GHCB xcr0");
_Static_assert(offsetof(struct ghcb, valid_bitmap) == 0x3f0, "GHCB bitmap");
_Static_assert(offsetof(struct ghcb, shared_buffer) == 0x800, "GHCB buffer");
_Static_assert(offsetof(struct ghcb, protocol_version) == 0xffa, "GHCB ver");

/* Valid-bitmap bit of a save-area field: its offset / 8. */
#define GHCB_BIT(field)		(offsetof(struct ghcb, field) / 8)
#define GHCB_SHARED_BUF_OFF	0x800
#define GHCB_SHARED_BUF_SIZE	2032

/* The shared GHCB page: a distinct type so it is never used in place. */
struct ghcb_shared {
	volatile struct ghcb *page;	/* mapped without the C-bit */
	uint64_t pa;
};

/*
 * ---- The #HV doorbell page ([GHCB] "#HV Doorbell Page", and NAE event
 * 0x8000_0014 "#HV Doorbell Page": sw_exit_info_1 selects the
 * sub-function, sw_exit_info_2 carries the GPA in and out) ----
 */
#define HVDB_GET_PREFERRED	0	/* out: the GPA the host would like */
#define HVDB_SET		1	/* in: our GPA; out: the GPA, echoed */
#define HVDB_QUERY		2	/* out: the GPA registered */
#define HVDB_CLEAR		3	/* no doorbell page any more */
/* The pending-events word at offset 0: [7:0] vector, [8] NMI, [9] #MC,
 * [14:10] reserved, [15] NoFurtherSignal; byte 2 is NoEoiRequired. */
#define HVDB_VECTOR(w)		((w) & 0xffu)
#define HVDB_NMI		(1u << 8)
#define HVDB_MC			(1u << 9)
#define HVDB_RESERVED		(0x1fu << 10)
#define HVDB_NO_FURTHER_SIGNAL	(1u << 15)
struct hv_doorbell {
	uint16_t pending_events;
	uint8_t no_eoi_required;
	uint8_t reserved[61];
	uint8_t available[4096 - 64];	/* not used by Cloister */
};
_Static_assert(sizeof(struct hv_doorbell) == 4096, "doorbell page size");
_Static_assert(offsetof(struct hv_doorbell, no_eoi_required) == 2,
    "doorbell NoEoiRequired");

/* ---- Page state change buffer ([GHCB] "SNP Page State Change") ---- */
#define PSC_MAX_ENTRY		253
struct psc_hdr {
	uint16_t cur_entry;
	uint16_t end_entry;
	uint32_t reserved;
};
/* Entry: [11:0] cur_page, [51:12] GFN, [55:52] operation, [56] 2 MiB. */
#define PSC_ENTRY(gfn, op, huge) (((uint64_t)(gfn) << 12) | \
	((uint64_t)(op) << 52) | ((uint64_t)(huge) << 56))
#define PSC_ENTRY_CUR_PAGE(e)	((e) & 0xfff)
#define PSC_ENTRY_STATIC(e)	((e) & ~0xfffull)	/* all but cur_page */
#define PSC_ENTRY_HUGE(e)	(((e) >> 56) & 1)
struct psc_desc {
	struct psc_hdr hdr;
	uint64_t entries[PSC_MAX_ENTRY];
};
_Static_assert(sizeof(struct psc_desc) == GHCB_SHARED_BUF_SIZE, "PSC size");

/* ---- The SNP CPUID page ([ABI] "CPUID Reporting") ---- */
#define SNP_CPUID_COUNT_MAX	64
struct snp_cpuid_fn {
	uint32_t eax_in, ecx_in;
	uint64_t xcr0_in, xss_in;
	uint32_t eax, ebx, ecx, edx;
	uint64_t reserved;
};
struct snp_cpuid_table {
	uint32_t count;
	uint32_t reserved1;
	uint64_t reserved2;
	struct snp_cpuid_fn fn[SNP_CPUID_COUNT_MAX];
};
_Static_assert(sizeof(struct snp_cpuid_fn) == 48, "CPUID function size");
_Static_assert(sizeof(struct snp_cpuid_table) == 16 + 64 * 48, "CPUID page");

/* ---- PVALIDATE ([APM] vol. 3, PVALIDATE) ---- */
#define PVALIDATE_OK		0
#define PVALIDATE_FAIL_INPUT	1
#define PVALIDATE_FAIL_SIZEMISMATCH 6

/* ==== The hardware seam: ghcb/hw.c, or the model in tests/unit ==== */

uint64_t snp_hw_ghcb_msr_read(void);
void snp_hw_ghcb_msr_write(uint64_t v);
void snp_hw_vmgexit(void);
/* Raw CPUID and SEV_STATUS, only before SNP is known (detection). */
void snp_hw_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);
uint64_t snp_hw_sev_status(void);
/* PVALIDATE va; returns EAX, *no_update = CF (the RMP was not changed). */
int snp_hw_pvalidate(uint64_t va, bool huge, bool validate, bool *no_update);
/* Interrupts off around a GHCB exchange; returns the previous state. */
bool snp_hw_irq_save(void);
void snp_hw_irq_restore(bool was_on);
/* After a termination request the hypervisor should never resume us. */
void snp_hw_halt(void) __attribute__((noreturn));
/* Control state the CPUID answers depend on. */
uint64_t snp_hw_xcr0(void);
uint64_t snp_hw_cr4(void);
/*
 * Memory the #VC emulator touches.  fetch copies instruction bytes from
 * rip (user: with fault recovery); 0 or -EFAULT.  virt_to_phys walks the
 * current page tables: 0 and *pa, *shared (no C-bit), or -EFAULT.
 * mem_read/mem_write move bytes for string I/O at a kernel address.
 */
int snp_hw_fetch(uint64_t rip, bool user, uint8_t *buf, size_t n);
int snp_hw_virt_to_phys(uint64_t va, uint64_t *pa, bool *shared);
int snp_hw_mem_read(uint64_t va, void *dst, size_t n);
int snp_hw_mem_write(uint64_t va, const void *src, size_t n);

/* emulate.c: the in-guest stand-in behind the seam (snp=emulate). */
struct snp_emul {
	bool on;
	uint64_t msr;		/* the GHCB MSR as the stand-in sees it */
	uint64_t gpa;		/* registered GHCB */
	uint64_t vmgexits, exchanges;
};
extern struct snp_emul snp_emul;
void snp_emul_vmgexit(void);
uint64_t snp_emul_sev_status(void);
int snp_emul_pvalidate(uint64_t va, bool huge, bool validate,
    bool *no_update);

/*
 * emulate_psp.c: the stand-in secure processor of snp=emulate.  Its
 * reports are test reports: signed by no one, CHIP_ID reading this.
 */
#define SNP_EMUL_TEST_CHIP_ID \
	"CLOISTER TEST REPORT: emulated PSP, signed by no one"
struct snp_emul_psp {
	uint8_t vmpck[32];		/* the fixed test VMPCK0 */
	uint64_t seqno;			/* last sequence number used */
	uint8_t measurement[48];	/* what its reports carry */
	uint8_t host_data[32];
	uint64_t requests;
};
/*
 * Set up p and the secrets page it hands out (VMPCK0 = the test key);
 * MEASUREMENT and HOST_DATA from the kernel options
 * emulate.measurement=HEX and emulate.host_data=HEX of cmdline.
 */
void snp_emul_psp_init(struct snp_emul_psp *p, uint8_t secrets[4096],
    const char *cmdline);
/*
 * One guest request as the firmware handles it: the request page (read
 * once), the response page (written), the certificate pages of an
 * extended request (or NULL).  Returns the firmware status for
 * SW_EXITINFO2[31:0]: 0, or 0x16 INVALID_PARAM for a request it refuses.
 */
uint64_t snp_emul_psp_request(struct snp_emul_psp *p, const void *req_page,
    void *resp_page, void *certs, uint64_t certs_npages);

/* ==== Protocol logic ==== */

struct snp_state {
	bool active;
	bool detecting, detect_page;	/* inside snp_detect; page copied */
	uint64_t sev_status;
	unsigned cbit;
	uint64_t enc_mask;
	uint64_t hv_features;
	bool ghcb_ready;
	struct ghcb_shared ghcb;
	uint64_t dmap_base;		/* va of physical 0 */
	uint64_t dr7;			/* cached: never read back from the host */
	unsigned last_exc;		/* the #GP/#UD of the last GHCB_EXCEPTION */
	/* #HV (hv.c): the doorbell page and the vectors held for IF=0. */
	bool hv_ready;
	volatile struct hv_doorbell *hvdb;	/* mapped without the C-bit */
	uint64_t hvdb_pa;
	uint64_t hv_held[4];		/* bitmap of vectors 0..255 */
	bool hv_rearm;			/* NoFurtherSignal left set (IF was 0) */
	uint64_t hv_nmis;		/* NMIs signalled (ignored, as others) */
};
extern struct snp_state snp;

/* msrproto.c */
uint64_t snp_msr_call(uint64_t req);
int snp_msr_sev_info(unsigned *cbit);
int snp_msr_hv_features(uint64_t *features);
void snp_msr_register_ghcb(uint64_t pa);
void snp_msr_psc(uint64_t pa, int op);

/* call.c: one exchange over the GHCB page. */
enum ghcb_result {
	GHCB_OK = 0,
	GHCB_EXCEPTION,		/* #GP or #UD for the caller to raise */
	GHCB_REFUSED,		/* the hypervisor declined the request */
};
struct ghcb_exit {
	uint64_t code, info1, info2, scratch;
	uint64_t rax, rbx, rcx, rdx, rsi;
	uint8_t cpl;
	uint8_t in_valid[16];		/* which registers are inputs */
	uint8_t out_need[16];		/* which the response must carry */
	const void *buf_in;		/* copied into the shared buffer */
	size_t buf_in_len;
	void *buf_out;			/* copied out of it after the exit */
	size_t buf_out_len;
	unsigned exc_vector;		/* GHCB_EXCEPTION: which */
};
void ghcb_exit_init(struct ghcb_exit *e, uint64_t code, uint64_t info1,
    uint64_t info2);
void ghcb_exit_in(struct ghcb_exit *e, unsigned bit, uint64_t v);
void ghcb_exit_need(struct ghcb_exit *e, unsigned bit);
enum ghcb_result ghcb_call(struct ghcb_exit *e);
/* Check a response page (private copy) against the request; for fuzzing. */
enum ghcb_result ghcb_check_response(struct ghcb_exit *e,
    const struct ghcb *resp);

/* nae.c: one function per NAE event ([GHCB] "NAE events"). */
enum ghcb_result snp_nae_ioio(uint64_t info1, uint64_t *rax);
enum ghcb_result snp_nae_ioio_string(uint64_t info1, uint64_t count,
    void *buf, size_t size);
enum ghcb_result snp_nae_msr(bool write, uint32_t msr, uint64_t *v);
enum ghcb_result snp_nae_rdtsc(bool rdtscp, uint64_t *tsc, uint32_t *aux);
enum ghcb_result snp_nae_mmio(bool write, uint64_t gpa, void *data,
    unsigned size);
enum ghcb_result snp_nae_dr7_write(uint64_t v);
enum ghcb_result snp_nae_wbinvd(void);
enum ghcb_result snp_nae_vmmcall(uint8_t cpl, uint64_t *rax, uint64_t rbx,
    uint64_t rcx, uint64_t rdx, uint64_t rsi);
extern const struct arch_io_ops snp_io_ops;

/* psc.c */
int snp_psc_ghcb(const uint64_t *entries, unsigned n);
void snp_pvalidate_4k(uint64_t va, bool validate);

/* cpuid.c */
int snp_cpuid_validate(const void *page, unsigned cbit,
    struct snp_cpuid_table *out);
void snp_cpuid_lookup(const struct snp_cpuid_table *t, uint32_t leaf,
    uint32_t sub, uint64_t xcr0, uint64_t cr4, struct cpuid_regs *r);
extern struct snp_cpuid_table snp_cpuid;

/* hv.c */
/*
 * Decide what one pending-events word asks for: 0 and *vector (0 =
 * none) and *nmi, or the termination code (SNP_TERM_HV_*) it earns.
 */
int snp_hv_decode(uint16_t word, unsigned *vector, bool *nmi);
/* The doorbell's word: exchanged for v; replaced by nw if it is old. */
uint16_t snp_hw_hvdb_xchg(volatile struct hv_doorbell *db, uint16_t v);
bool snp_hw_hvdb_cmpxchg(volatile struct hv_doorbell *db, uint16_t old,
    uint16_t nw);

/* detect.c */
int snp_policy_check(uint64_t sev_status);
void snp_detect_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);

/* decode.c: the x86 decoder for the instructions #VC emulates. */
enum vc_kind {
	VC_K_UNKNOWN = 0,
	VC_K_CPUID, VC_K_RDTSC, VC_K_RDTSCP, VC_K_RDMSR, VC_K_WRMSR,
	VC_K_VMMCALL, VC_K_WBINVD, VC_K_MOV_FROM_DR, VC_K_MOV_TO_DR,
	VC_K_IN, VC_K_OUT, VC_K_INS, VC_K_OUTS,
	VC_K_MMIO_STORE,	/* 88/89: reg -> mem */
	VC_K_MMIO_STORE_IMM,	/* C6/C7: imm -> mem */
	VC_K_MMIO_LOAD,		/* 8A/8B: mem -> reg */
	VC_K_MMIO_LOAD_ZX,	/* 0F B6/B7 */
	VC_K_MMIO_LOAD_SX,	/* 0F BE/BF */
	VC_K_MMIO_MOFFS_LOAD,	/* A0/A1 */
	VC_K_MMIO_MOFFS_STORE,	/* A2/A3 */
};
#define VC_INSN_MAX	15
struct vc_insn {
	enum vc_kind kind;
	uint8_t len;		/* bytes, including prefixes */
	uint8_t opsize;		/* operand bytes: 1, 2, 4, 8 (movzx: source) */
	uint8_t dstsize;	/* movzx/movsx: destination bytes */
	uint8_t addrsize;	/* 4 or 8 */
	bool rep;		/* F3 on string I/O */
	uint8_t seg;		/* segment override prefix, 0 if none */
	uint8_t rex;
	int reg;		/* ModRM.reg with REX.R (mov dr: the GPR) */
	/* Memory operand: ea = base + index * scale + disp (rip: + next rip). */
	bool has_mem, rip_rel;
	int base, index;	/* -1: none */
	uint8_t scale;
	int64_t disp;
	uint64_t imm;		/* immediate, or the moffs address */
	bool port_imm;		/* in/out with an imm8 port */
	bool byte_reg_high;	/* reg is AH/CH/DH/BH (no REX, 4..7, byte) */
};
int vc_decode(const uint8_t *b, size_t n, struct vc_insn *out);

/* vc.c */
enum vc_result {
	VC_DONE = 0,		/* emulated; RIP advanced */
	VC_FAULT_GP,		/* raise #GP (ring 3: SIGSEGV) */
	VC_FAULT_UD,		/* raise #UD (ring 3: SIGILL) */
	VC_UNEXPECTED,		/* #VC on a machine that is not SEV */
};
enum vc_result snp_vc_handle(struct trap_frame *f);
/* Does the decoded instruction agree with the exit code? (WeSee) */
bool vc_insn_matches(uint64_t exit_code, const struct vc_insn *in);
bool vc_exit_known(uint64_t exit_code);

#endif
