/*
 * Page-state changes and PVALIDATE: accepting RAM as private and turning
 * pool pages shared.
 *
 * Private ([ABI] "Page States", [GHCB] "SNP Page State Change"): ask the
 * hypervisor to assign the pages to the guest in the RMP (page-state
 * change to private), then PVALIDATE them.  Shared: PVALIDATE-rescind
 * first, then the page-state change to shared, so a validated page is
 * never handed to the host.
 *
 * With the GHCB page: the PSC descriptor in the shared buffer (up to 253
 * entries, 2 MiB where aligned); the hypervisor advances cur_entry (and
 * cur_page inside a 2 MiB entry) and may return early, so the request is
 * repeated until every entry is done.  Progress must never go backwards
 * or stall, the end must stay where we put it, and no entry may change
 * but for its cur_page.  Before the GHCB page: the MSR protocol, 4 KiB
 * at a time.
 */
#include "ghcb/internal.h"

#define PSC_STALL_MAX	16	/* exits in a row without progress */

static void
psc_check_response(const struct psc_desc *sent, const struct psc_desc *got,
    unsigned *stall)
{
	unsigned cur = got->hdr.cur_entry, end = sent->hdr.end_entry;

	if (got->hdr.end_entry != end || cur > end + 1u)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_BAD_LENGTH);
	if (cur < sent->hdr.cur_entry)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_PSC_PROGRESS);
	for (unsigned i = 0; i <= end; i++) {
		uint64_t s = sent->entries[i], g = got->entries[i];
		unsigned limit = PSC_ENTRY_HUGE(s) ? 512 : 1;

		if (PSC_ENTRY_STATIC(s) != PSC_ENTRY_STATIC(g) ||
		    PSC_ENTRY_CUR_PAGE(g) > limit)
			snp_terminate(SNP_TERM_SET_CLOISTER,
			    SNP_TERM_PSC_TAMPER);
		if (PSC_ENTRY_CUR_PAGE(g) < PSC_ENTRY_CUR_PAGE(s))
			snp_terminate(SNP_TERM_SET_CLOISTER,
			    SNP_TERM_PSC_PROGRESS);
	}
	if (cur == sent->hdr.cur_entry &&
	    __builtin_memcmp(sent->entries, got->entries,
	    (end + 1) * sizeof(uint64_t)) == 0) {
		if (++*stall > PSC_STALL_MAX)
			snp_terminate(SNP_TERM_SET_CLOISTER,
			    SNP_TERM_PSC_PROGRESS);
	} else {
		*stall = 0;
	}
}

/* Run entries[0..n) through PSC VMGEXITs until all are done.  0. */
int
snp_psc_ghcb(const uint64_t *entries, unsigned n)
{
	static struct psc_desc sent, got;
	unsigned stall = 0;

	if (n == 0 || n > PSC_MAX_ENTRY)
		return -SNP_EINVAL;
	__builtin_memset(&sent, 0, sizeof(sent));
	sent.hdr.cur_entry = 0;
	sent.hdr.end_entry = (uint16_t)(n - 1);
	__builtin_memcpy(sent.entries, entries, n * sizeof(uint64_t));
	while (sent.hdr.cur_entry <= sent.hdr.end_entry) {
		struct ghcb_exit e;
		size_t len = sizeof(sent.hdr) + n * sizeof(uint64_t);

		ghcb_exit_init(&e, SVM_VMGEXIT_PSC, 0, 0);
		ghcb_exit_in(&e, GHCB_BIT(sw_scratch),
		    snp.ghcb.pa + GHCB_SHARED_BUF_OFF);
		e.buf_in = &sent;
		e.buf_in_len = len;
		e.buf_out = &got;
		e.buf_out_len = len;
		if (ghcb_call(&e) != GHCB_OK || e.info2 != 0)
			snp_terminate(SNP_TERM_SET_CLOISTER,
			    SNP_TERM_PSC_ERROR);
		psc_check_response(&sent, &got, &stall);
		sent = got;
	}
	return 0;
}

static void
pvalidate_or_die(uint64_t va, bool huge, bool validate, int *rc)
{
	bool no_update = false;

	*rc = snp_hw_pvalidate(va, huge, validate, &no_update);
	if (*rc == PVALIDATE_FAIL_SIZEMISMATCH && huge)
		return;			/* the caller falls back to 4 KiB */
	if (*rc != PVALIDATE_OK)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_PVALIDATE);
	/*
	 * CF=1: the RMP entry already had this state.  Memory we never
	 * validated that reads as validated was remapped by the host
	 * (or replayed); rescinding twice is as suspicious.
	 */
	if (no_update)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_REMAP);
}

void
snp_pvalidate_4k(uint64_t va, bool validate)
{
	int rc;

	pvalidate_or_die(va, false, validate, &rc);
}

/* PVALIDATE one PSC entry's pages: 2 MiB, or 512 x 4 KiB on mismatch. */
static void
pvalidate_entry(uint64_t pa, bool huge, bool validate)
{
	uint64_t va = snp.dmap_base + pa;
	int rc;

	if (huge) {
		pvalidate_or_die(va, true, validate, &rc);
		if (rc == PVALIDATE_OK)
			return;
		for (unsigned i = 0; i < 512; i++)
			snp_pvalidate_4k(va + i * SNP_PAGE_SIZE, validate);
		return;
	}
	snp_pvalidate_4k(va, validate);
}

/* Split [pa, end) into PSC entries: 2 MiB where aligned (GHCB only). */
static unsigned
fill_entries(uint64_t *pa, uint64_t end, int op, uint64_t *ent)
{
	unsigned n = 0;

	while (*pa < end && n < PSC_MAX_ENTRY) {
		bool huge = (*pa % SNP_2M) == 0 && end - *pa >= SNP_2M;

		ent[n++] = PSC_ENTRY(*pa >> 12, op, huge);
		*pa += huge ? SNP_2M : SNP_PAGE_SIZE;
	}
	return n;
}

static void
change_state(uint64_t pa, uint64_t len, bool private)
{
	static uint64_t ent[PSC_MAX_ENTRY];
	int op = private ? SNP_PSC_OP_PRIVATE : SNP_PSC_OP_SHARED;
	uint64_t end = pa + len;

	while (pa < end) {
		unsigned n;

		if (!snp.ghcb_ready) {
			/* MSR protocol: one 4 KiB page per request. */
			if (!private)
				snp_pvalidate_4k(snp.dmap_base + pa, false);
			snp_msr_psc(pa, op);
			if (private)
				snp_pvalidate_4k(snp.dmap_base + pa, true);
			pa += SNP_PAGE_SIZE;
			continue;
		}
		n = fill_entries(&pa, end, op, ent);
		if (!private)
			for (unsigned i = 0; i < n; i++)
				pvalidate_entry(ent[i] & ((1ull << 52) - 4096),
				    PSC_ENTRY_HUGE(ent[i]), false);
		snp_psc_ghcb(ent, n);
		if (private)
			for (unsigned i = 0; i < n; i++)
				pvalidate_entry(ent[i] & ((1ull << 52) - 4096),
				    PSC_ENTRY_HUGE(ent[i]), true);
	}
}

void
snp_accept(uint64_t pa, uint64_t len)
{
	if (!snp.active || len == 0)
		return;
	if (pa % SNP_PAGE_SIZE || len % SNP_PAGE_SIZE)
		snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
	change_state(pa, len, true);
}

int
snp_share_pages(uint64_t pa, uint64_t npages)
{
	if (!snp.active || npages == 0)
		return 0;
	if (pa % SNP_PAGE_SIZE)
		return -SNP_EINVAL;
	change_state(pa, npages * SNP_PAGE_SIZE, false);
	return 0;
}
