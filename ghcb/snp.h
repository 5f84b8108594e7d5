/*
 * ghcb/snp.h: what the rest of the kernel asks of the SEV-SNP layer.
 * Only platform/ includes it (platform -> ghcb).  Every call is correct
 * outside SNP too: there it reports "not active" or does nothing, and
 * costs a load and a branch.
 *
 * Order under SNP (platform/start.c): snp_detect (IDT installed, before
 * the first CPUID) -> snp_accept for RAM the launch did not validate ->
 * shmem_init (snp_share_pages) -> snp_ghcb_init with a pool page.
 * The ROM boot path (boot/rom_snp.c) runs the same calls before
 * platform_start, on its own page tables (snp_detect, snp_share_pages of
 * one image page, snp_ghcb_init, snp_accept of RAM below 4 GiB); the
 * platform's later calls then find the work done and keep the state.
 */
#ifndef GHCB_SNP_H
#define GHCB_SNP_H

#include <stdbool.h>
#include <stdint.h>

/* Is this boot an SEV-SNP guest?  (false until detection says so) */
bool snp_active(void);

/*
 * Detect SEV-SNP at run time: CPUID 0x8000001F, then MSR SEV_STATUS.
 * Not SNP: returns false and changes nothing.  SNP: checks SEV_STATUS
 * against Cloister's feature policy, negotiates the GHCB protocol
 * version over the MSR protocol, validates the CPUID page (cpuid_page,
 * mapped; required under SNP) and copies it into private memory, and
 * routes CPUID through it.  Any failure is a termination request.
 * Needs the IDT (the #VC handler) in place.  dmap_base: physical address
 * pa is mapped at dmap_base + pa (for PVALIDATE) from snp_accept on.
 * Called again after a boot path detected SNP (the ROM, before it reads
 * fw_cfg): asks nothing again, only takes the new dmap_base.
 */
bool snp_detect(const void *cpuid_page, uint64_t dmap_base);

/* SEV_STATUS as detected (0 when not SNP): for the boot log. */
uint64_t snp_sev_status(void);

/*
 * Secure TSC (SEV_STATUS[11]): is it on, and the TSC's mean frequency in
 * Hz from MSR GUEST_TSC_FREQ and the secrets page's TSC_FACTOR
 * (secrets_page: mapped, or NULL for a factor of 0).  0 when Secure TSC
 * is off; the platform then calibrates.  A zero rate or a factor of
 * 100 % or more ends the guest (SNP_TERM_SECURE_TSC).
 */
bool snp_secure_tsc(void);
uint64_t snp_secure_tsc_hz(const void *secrets_page);

/* The C-bit as a PTE mask (0 when not SNP, and under snp=emulate). */
uint64_t snp_enc_mask(void);

/*
 * Kernel option snp=emulate: start the in-guest stand-in hypervisor
 * (ghcb/emulate.c) before snp_detect, which is then given the CPUID page
 * this returns.  cmdline: the kernel options (for emulate_psp.c).  Plain QEMU then runs the SNP protocol code; see
 * ghcb/README.md for what that proves and what not.
 */
const void *snp_emulate_start(const char *cmdline);
bool snp_emulated(void);
/*
 * Under snp=emulate (which reports Restricted Injection): the stand-in
 * posts vector to the #HV doorbell page; 1 if it signals (the caller
 * then raises #HV with int $28), 0 if NoFurtherSignal was set, -1 when
 * not emulating or no doorbell page is registered.
 */
int snp_emulate_hv_signal(unsigned vector);
/*
 * Under snp=emulate, the secrets page of the stand-in secure processor
 * (ghcb/emulate_psp.c: a fixed test VMPCK0), in the kernel image; NULL
 * otherwise.  Its reports are test reports (see ghcb/README.md).
 */
const void *snp_emulate_secrets(void);
/* GHCB exchanges (VMGEXITs) so far; for the boot log. */
uint64_t snp_vmgexit_count(void);

/*
 * Accept [pa, pa + len) as private memory: page-state change to private,
 * then PVALIDATE (2 MiB where aligned, 4 KiB on size mismatch).  A page
 * the hardware reports as already validated ends the guest (the host
 * remapped memory).  Outside SNP: nothing.
 */
void snp_accept(uint64_t pa, uint64_t len);

/*
 * Make [pa, pa + npages * 4 KiB) shared with the host: rescind its
 * validation (PVALIDATE) and ask the hypervisor for a
 * page-state change to shared.  The caller maps it without the C-bit
 * afterwards and must not touch it through a private mapping again.
 * 0, or -EINVAL for an unaligned pa.  A refusal by the hypervisor ends
 * the guest (SNP_TERM_PSC_ERROR).  Outside SNP: 0.
 */
int snp_share_pages(uint64_t pa, uint64_t npages);

/*
 * Register the GHCB page (a shared page: va mapped without the C-bit, pa
 * its physical address) and route port I/O and MSRs through it
 * (arch_set_io_ops).  The page at pa registered already: only its
 * mapping changes to va (the kernel's page tables replacing the boot
 * path's).  Outside SNP: nothing.
 */
void snp_ghcb_init(volatile void *va, uint64_t pa);

/* The registered GHCB page's physical address; 0 when there is none. */
uint64_t snp_ghcb_pa(void);

/* The #VC handler (vector 29): platform/traps.c routes the trap here. */
struct trap_frame;
/*
 * 0: handled; else the vector to raise for the frame instead: #GP or #UD
 * (ring 3: a signal), or #VC itself when this machine is not SEV at all.
 */
int snp_vc_trap(struct trap_frame *f);

/*
 * #HV and Restricted Injection (ghcb/hv.c, [GHCB] "#HV Doorbell Page").
 * snp_hv_init registers a shared page (va mapped without the C-bit, pa
 * its physical address) as the #HV doorbell page with NAE event
 * 0x8000_0014 SET; a refusal or a GPA not echoed ends the guest
 * (SNP_TERM_HV_DOORBELL).  Outside SNP: nothing.
 */
void snp_hv_init(volatile void *va, uint64_t pa);
/* SEV_STATUS RestrictedInjection: the platform must call snp_hv_init. */
bool snp_restricted_injection(void);
bool snp_hv_ready(void);
/*
 * The #HV handler's logic (vector 28).  Takes the pending-events word
 * out of the doorbell page (exchange) until it reads empty, bounded; an
 * exception vector, #MC or a reserved bit ends the guest.  if_on (the
 * interrupted context had IF set; the handler runs off its IST stack):
 * NoFurtherSignal is cleared and every vector held so far is passed to
 * deliver(vec, arg), lowest first.  Otherwise the vectors are held (one
 * bit each, as the APIC's IRR: a vector signalled twice runs once) and
 * NoFurtherSignal stays set until snp_hv_deliver_held.  Returns the
 * NMIs signalled (Cloister ignores them, as a real NMI).
 */
typedef void snp_hv_deliver_fn(unsigned vec, void *arg);
unsigned snp_hv_trap(bool if_on, snp_hv_deliver_fn *deliver, void *arg);
/* Anything left for an interrupts-on point?  (false outside SNP) */
bool snp_hv_held(void);
/*
 * At a point where interrupts are enabled again (called with IF still
 * clear): clear NoFurtherSignal, take what came meanwhile, deliver the
 * held vectors, lowest first, each once; how many.
 */
unsigned snp_hv_deliver_held(snp_hv_deliver_fn *deliver, void *arg);

/*
 * Ask the hypervisor to end the guest (GHCB MSR protocol termination
 * request) with a reason from ghcb/README.md; never returns.  Set 0
 * holds the GHCB spec's codes, set 1 Cloister's own (SNP_TERM_*).
 */
#define SNP_TERM_SET_GHCB	0
#define SNP_TERM_SET_CLOISTER	1
/* Set 0 ([GHCB] "Termination Request"). */
#define SNP_TERM_GENERAL	0	/* general termination */
#define SNP_TERM_PROTOCOL	1	/* GHCB protocol version unsupported */
#define SNP_TERM_SNP_UNSUPPORTED 2	/* SNP features unsupported */
/* Set 1: Cloister's reasons, one per security failure. */
enum snp_term_code {
	SNP_TERM_POLICY = 1,		/* SEV_STATUS has a feature not accepted */
	SNP_TERM_CBIT,			/* C-bit position not sane / not agreed */
	SNP_TERM_MSR_RESP,		/* MSR protocol: wrong response code */
	SNP_TERM_REGISTER_ECHO,		/* GHCB GPA registration not echoed */
	SNP_TERM_MSR_PSC,		/* MSR protocol page-state change failed */
	SNP_TERM_BAD_BITMAP,		/* response lacks a required valid bit */
	SNP_TERM_BAD_INJECT,		/* exception other than #GP/#UD injected */
	SNP_TERM_BAD_EXIT_INFO,		/* sw_exit_info_1 not a defined code */
	SNP_TERM_BAD_LENGTH,		/* response changed a length or scratch */
	SNP_TERM_PSC_ERROR,		/* page-state change refused */
	SNP_TERM_PSC_PROGRESS,		/* PSC progress backwards or stalled */
	SNP_TERM_PSC_TAMPER,		/* PSC entries changed by the host */
	SNP_TERM_PVALIDATE,		/* PVALIDATE failed */
	SNP_TERM_REMAP,			/* PVALIDATE: already (in)valid: remap */
	SNP_TERM_CPUID_PAGE,		/* CPUID page missing or malformed */
	SNP_TERM_VC_MISMATCH,		/* #VC: instruction does not match */
	SNP_TERM_VC_UNKNOWN,		/* #VC: exit code not handled */
	SNP_TERM_VC_PRIVATE_MMIO,	/* #VC: MMIO to a private page */
	SNP_TERM_GHCB_REFUSED,		/* a required request was refused */
	SNP_TERM_SECURE_TSC,		/* Secure TSC: intercepted, or no rate */
	SNP_TERM_HV_DOORBELL,		/* #HV doorbell page: SET refused/not echoed */
	SNP_TERM_HV_VECTOR,		/* #HV: an exception vector (< 32) signalled */
	SNP_TERM_HV_EVENT,		/* #HV: #MC or a reserved bit signalled */
};
void snp_terminate(unsigned set, unsigned code) __attribute__((noreturn));

#endif
