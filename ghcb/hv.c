/*
 * #HV and Restricted Injection ([GHCB] section "#HV Doorbell Page" and
 * NAE event 0x8000_0014 "#HV Doorbell Page"; [APM] vol. 2 "Restricted
 * Injection" and "#HV Exception").
 *
 * With SEV_STATUS RestrictedInjection the hypervisor can no longer
 * inject interrupts (nor most exceptions): it writes the pending event
 * into the guest's #HV doorbell page, a shared page the guest named with
 * NAE event 0x8000_0014 SET, and raises #HV (vector 28).  The page is
 * the host's to write at any time, so the handler takes the
 * pending-events word out of it with one atomic exchange (the copy it
 * then decides on) and never reads that value again.
 *
 * NoFurtherSignal ([15]): the hypervisor raises #HV only while it is
 * clear and sets it when it does (KVM's prepare_hv_injection reads the
 * spec so); later events are only written to the page.  The exchange
 * therefore writes NoFurtherSignal back set, and the handler looks again
 * until the word holds nothing else (bounded, HV_MAX_ROUNDS: a host that
 * keeps writing only costs itself the next #HV).  Only where interrupts
 * may run (the #HV came with IF set: the handler then runs on the
 * interrupted stack, not its IST stack; or the platform enables
 * interrupts again) is the bit cleared, by compare-exchange against the
 * bare bit, so an event written meanwhile is taken, not lost.  A #HV
 * that arrives with IF clear runs on its IST stack and leaves the bit
 * set: an honest host cannot nest a second #HV onto that stack.
 *
 * What a word may ask: an interrupt vector (32..255), an NMI (ignored,
 * as platform/traps.c ignores real ones), nothing.  A vector below 32
 * is an exception, which Restricted Injection exists to keep the host
 * from injecting (SNP_TERM_HV_VECTOR); #MC (Cloister enables no
 * machine-check handling) or a reserved bit is not an event Cloister
 * ever enabled (SNP_TERM_HV_EVENT).
 *
 * #HV is not masked by RFLAGS.IF.  An interrupt vector is run (through
 * the platform's deliver callback, the IDT's own handler) only when the
 * interrupted context had IF set; otherwise it is held here, one bit
 * per vector as in the APIC's IRR, and the platform delivers the held
 * vectors where it enables interrupts again.  A vector is taken from
 * the page once and delivered once.
 */
#include "ghcb/internal.h"

#define HV_MAX_ROUNDS	16

void
snp_hv_init(volatile void *va, uint64_t pa)
{
	struct ghcb_exit e;

	if (!snp.active)
		return;
	if (!snp.ghcb_ready || pa % SNP_PAGE_SIZE)
		snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
	/* [GHCB] NAE 0x8000_0014: SET, sw_exit_info_2 = the page's GPA. */
	ghcb_exit_init(&e, SVM_VMGEXIT_HVDB_PAGE, HVDB_SET, pa);
	if (ghcb_call(&e) != GHCB_OK || e.info2 != pa)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_HV_DOORBELL);
	snp.hvdb = (volatile struct hv_doorbell *)va;
	snp.hvdb_pa = pa;
	snp.hv_ready = true;
}

bool
snp_restricted_injection(void)
{
	return snp.active && (snp.sev_status & SEV_STATUS_RESTRICT_INJ);
}

bool
snp_hv_ready(void)
{
	return snp.hv_ready;
}

int
snp_hv_decode(uint16_t word, unsigned *vector, bool *nmi)
{
	unsigned v = HVDB_VECTOR(word);

	*vector = 0;
	*nmi = false;
	if (word & (HVDB_MC | HVDB_RESERVED))
		return SNP_TERM_HV_EVENT;
	if (v != 0 && v < 32)
		return SNP_TERM_HV_VECTOR;
	*vector = v;
	*nmi = (word & HVDB_NMI) != 0;
	return 0;
}

/*
 * The held bitmap is changed only by single locked instructions: a #HV
 * that lands in the middle of the platform's delivery changes it too.
 */
static bool
held_test_clear(unsigned v)
{
	uint64_t bit = 1ull << (v % 64);

	return (__atomic_fetch_and(&snp.hv_held[v / 64], ~bit,
	    __ATOMIC_SEQ_CST) & bit) != 0;
}

static void
hold(unsigned v)
{
	/* Pending already: the bit stays, one delivery (as the IRR). */
	__atomic_fetch_or(&snp.hv_held[v / 64], 1ull << (v % 64),
	    __ATOMIC_SEQ_CST);
}

static bool
any_held(void)
{
	return (snp.hv_held[0] | snp.hv_held[1] | snp.hv_held[2] |
	    snp.hv_held[3]) != 0;
}

bool
snp_hv_held(void)
{
	return any_held() || snp.hv_rearm;
}

/* Take events until the word holds only NoFurtherSignal (left set). */
static unsigned
take_events(void)
{
	unsigned nmis = 0, vec;
	uint16_t word;
	bool nmi;
	int bad;

	for (int round = 0; round < HV_MAX_ROUNDS; round++) {
		word = snp_hw_hvdb_xchg(snp.hvdb, HVDB_NO_FURTHER_SIGNAL);
		if ((word & ~HVDB_NO_FURTHER_SIGNAL) == 0)
			break;
		bad = snp_hv_decode(word, &vec, &nmi);
		if (bad != 0)
			snp_terminate(SNP_TERM_SET_CLOISTER, (unsigned)bad);
		nmis += nmi;
		if (vec != 0)
			hold(vec);
	}
	snp.hv_nmis += nmis;
	return nmis;
}

/*
 * Interrupts may run: clear NoFurtherSignal (signals re-armed), taking
 * whatever the host wrote in between, then deliver the held vectors.
 */
static unsigned
rearm_and_deliver(snp_hv_deliver_fn *deliver, void *arg)
{
	unsigned n = 0;

	/* Before the clear: a #HV from here on sets it again, harmlessly. */
	snp.hv_rearm = false;
	for (int round = 0; round < HV_MAX_ROUNDS; round++) {
		if (snp_hw_hvdb_cmpxchg(snp.hvdb, HVDB_NO_FURTHER_SIGNAL, 0))
			break;
		take_events();
	}
	/* Lowest vector first; a vector held again meanwhile waits. */
	for (unsigned v = 32; v < 256 && any_held(); v++)
		if (held_test_clear(v)) {
			deliver(v, arg);
			n++;
		}
	return n;
}

unsigned
snp_hv_deliver_held(snp_hv_deliver_fn *deliver, void *arg)
{
	if (!snp.hv_ready || !snp_hv_held())
		return 0;
	return rearm_and_deliver(deliver, arg);
}

unsigned
snp_hv_trap(bool if_on, snp_hv_deliver_fn *deliver, void *arg)
{
	unsigned nmis;

	if (!snp.hv_ready)
		return 0;
	nmis = take_events();
	if (if_on)
		rearm_and_deliver(deliver, arg);
	else
		snp.hv_rearm = true;
	return nmis;
}
