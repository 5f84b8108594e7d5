/*
 * SEV-SNP guest requests for the kernel (plat_snp_guest_request): owns
 * the one guest-message channel (ghcb/guest_msg.c): VMPCK0 from the
 * secrets page, the request, response and certificate pages from the
 * shared pool, and the serialisation of requests.  Everything host-
 * visible is reached only through ghcb/'s copies; the kernel's buffers
 * are private memory.
 *
 * Requests run with interrupts off: the channel's state (sequence
 * numbers, staging buffers) must never see two requests interleaved,
 * and a request is a few VMGEXITs plus AES-GCM over at most 4 KiB.
 */
#include "platform/internal.h"
#include "ghcb/guest_req.h"
#include "ghcb/snp.h"

static struct snp_msg_ctx chan;
static struct shared_region req_page, resp_page, certs_pages;
static int state;		/* 0 not tried, 1 ready, -errno unavailable */

/* Set up the channel once, on first use. */
static int
chan_init(void)
{
	uint64_t secrets = boot_snp_secrets_pa();
	int rc;

	if (!snp_active() || secrets == 0 || !dmap_covers(secrets, PAGE_SIZE))
		return -ENODEV;
	if ((rc = shmem_alloc(PAGE_SIZE, &req_page)) != 0 ||
	    (rc = shmem_alloc(PAGE_SIZE, &resp_page)) != 0 ||
	    (rc = shmem_alloc(PLAT_SNP_CERTS_MAX, &certs_pages)) != 0)
		return rc;
	snp_msg_init(&chan, phys_to_virt(secrets),
	    (struct snp_msg_shared *)req_page.va, req_page.pa,
	    (struct snp_msg_shared *)resp_page.va, resp_page.pa,
	    (struct snp_msg_shared *)certs_pages.va, certs_pages.pa,
	    PLAT_SNP_CERTS_MAX / PAGE_SIZE);
	/*
	 * One copy of the key, in the channel: when a failure wipes it
	 * (Linux zeroes it in the secrets page), none is left behind.
	 */
	for (int i = 0; i < SNP_VMPCK_LEN; i++)
		((volatile uint8_t *)phys_to_virt(secrets))
		    [SNP_SECRETS_VMPCK0_OFF + i] = 0;
	if (chan.disabled)
		klog("snp: VMPCK0 is all zero: guest requests are disabled");
	return 1;
}

static int
chan_ready(void)
{
	if (state == 0)
		state = chan_init();
	return state;
}

bool
plat_snp_guest_available(void)
{
	return chan_ready() == 1 && !chan.disabled;
}

/* Cloister checks each response against its type's size (#56860 ch. 8). */
static size_t
resp_min(uint8_t msg_type)
{
	switch (msg_type) {
	case SNP_MSG_REPORT_REQ: return sizeof(struct snp_msg_report_rsp);
	case SNP_MSG_KEY_REQ: return sizeof(struct snp_msg_key_rsp);
	case SNP_MSG_TSC_INFO_REQ: return sizeof(struct snp_msg_tsc_info_rsp);
	default: return 0;
	}
}

int
plat_snp_guest_request(uint8_t msg_type, uint8_t msg_version,
    const void *req, size_t req_len, void *resp, size_t resp_cap,
    size_t *resp_len, void *certs, size_t *certs_len, uint64_t *exitinfo2)
{
	uint64_t irq, npages = 0;
	int rc, was_open;

	if (certs != NULL && (*certs_len == 0 || *certs_len % PAGE_SIZE != 0 ||
	    *certs_len > PLAT_SNP_CERTS_MAX))
		return -EINVAL;
	irq = plat_irq_save();
	if ((rc = chan_ready()) != 1)
		goto out;
	was_open = !chan.disabled;
	chan.certs_npages = certs != NULL ? *certs_len / PAGE_SIZE : 0;
	rc = snp_msg_request(&chan, msg_type, msg_version, req, req_len, resp,
	    resp_cap, resp_min(msg_type), resp_len, certs != NULL, exitinfo2,
	    &npages);
	if (rc == 0 && certs != NULL)
		shmem_copy_out(certs, &certs_pages, 0, *certs_len);
	if (rc == -EIO && *exitinfo2 ==
	    SNP_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN) && certs != NULL)
		*certs_len = npages * PAGE_SIZE;
	if (was_open && chan.disabled)
		klog_always("snp: guest request failed (%d, exitinfo2 0x%llx): "
		    "VMPCK0 wiped, guest requests disabled", rc,
		    (unsigned long long)*exitinfo2);
out:
	plat_irq_restore(irq);
	return rc;
}

/*
 * Secure TSC: ask the secure processor for this guest's TSC scale and
 * offset (MSG_TSC_INFO_REQ, #56860 ch. 8 "TSC Info") once at boot, as
 * Linux's snp_secure_tsc_prepare does.  Cloister runs one vCPU, so no AP
 * VMSA needs the values; they are logged.  A failure ends the guest as
 * Linux ends its (SNP_TERM_SECURE_TSC): a guest that cannot reach the
 * secure processor about the TSC it was promised does not keep time on
 * the hypervisor's word instead.
 */
void
attest_secure_tsc_info(void)
{
	struct snp_msg_tsc_info_req req = { { 0 } };
	struct snp_msg_tsc_info_rsp rsp;
	uint64_t ei2 = 0;
	size_t len = 0;
	int rc;

	if (!snp_secure_tsc())
		return;
	rc = plat_snp_guest_request(SNP_MSG_TSC_INFO_REQ, 1, &req,
	    sizeof(req), &rsp, sizeof(rsp), &len, NULL, NULL, &ei2);
	if (rc == 0)
		rc = snp_msg_tsc_info_check(&rsp, len);
	if (rc != 0) {
		klog_always("snp: Secure TSC: MSG_TSC_INFO failed (%d, exitinfo2 "
		    "0x%llx)", rc, (unsigned long long)ei2);
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_SECURE_TSC);
	}
	klog("snp: Secure TSC: scale 0x%llx, offset 0x%llx, factor %u",
	    (unsigned long long)rsp.guest_tsc_scale,
	    (unsigned long long)rsp.guest_tsc_offset, rsp.tsc_factor);
}
