/*
 * The AMD secure processor and the hypervisor between it and the guest,
 * as host tests see them (see psp_model.h).  Written from the SNP
 * firmware ABI #56860 chapter 8 (guest messages, MSG_REPORT_REQ/RSP,
 * MSG_KEY_REQ/RSP, MSG_TSC_INFO_REQ/RSP, the ATTESTATION_REPORT layout)
 * and the GHCB spec #56421 section 4.1.8 (exitinfo2, the extended
 * request's certificate pages).  The report is not signed: the model
 * has no VCEK (scripts/snp-verify's tests sign with a test chain).
 */
#include <stdint.h>
#include <string.h>

#include "tests/unit/psp_model.h"

#define FW_INVALID_PARAM	0x16	/* #56860 table "Status codes" */

struct psp_model psp;

static struct snp_guest_msg busy_req;
static int busy_seen;

void
psp_reset(void)
{
	memset(&psp, 0, sizeof(psp));
	for (int i = 0; i < SNP_VMPCK_LEN; i++)
		psp.vmpck[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < 48; i++)
		psp.measurement[i] = (uint8_t)(0x10 + i);
	for (int i = 0; i < 32; i++)
		psp.host_data[i] = (uint8_t)(0x80 + i);
	for (int i = 0; i < 64; i++)
		psp.chip_id[i] = (uint8_t)(0xc0 ^ i);
	psp.policy = 0x30000;		/* SMT allowed, bit 17 must be 1 */
	psp.certs_npages = 3;
	busy_seen = 0;
}

void
psp_secrets_page(uint8_t page[4096])
{
	memset(page, 0, 4096);
	page[0] = 3;			/* VERSION */
	memcpy(page + SNP_SECRETS_VMPCK0_OFF, psp.vmpck, SNP_VMPCK_LEN);
}

static void
build_report(const struct snp_msg_report_req *rq,
    struct snp_msg_report_rsp *rsp)
{
	struct snp_attestation_report *r = &rsp->report;

	memset(rsp, 0, sizeof(*rsp));
	rsp->status = 0;
	rsp->report_size = sizeof(*r);
	r->version = 3;
	r->guest_svn = 1;
	r->policy = psp.policy;
	r->vmpl = rq->vmpl;
	r->signature_algo = 1;
	r->current_tcb = 0xdb18000000000004ull;
	r->platform_info = 0x25;
	memcpy(r->report_data, rq->report_data, 64);
	memcpy(r->measurement, psp.measurement, 48);
	memcpy(r->host_data, psp.host_data, 32);
	memset(r->report_id, 0x5a, 32);
	memset(r->report_id_ma, 0xff, 32);
	r->reported_tcb = r->current_tcb;
	r->cpuid_fam_id = 0x19;
	r->cpuid_mod_id = 0x11;
	r->cpuid_step = 1;
	memcpy(r->chip_id, psp.chip_id, 64);
	r->committed_tcb = r->current_tcb;
	r->current_build = 21;
	r->current_minor = 55;
	r->current_major = 1;
	r->committed_build = 21;
	r->committed_minor = 55;
	r->committed_major = 1;
	r->launch_tcb = r->current_tcb;
}

/* The firmware's answer to a request it decrypted: payload and size. */
static int
answer(const struct snp_guest_msg *rq, uint8_t *out, uint16_t *len)
{
	const struct snp_guest_msg_hdr *h = &rq->hdr;

	psp.last_req_type = h->msg_type;
	switch (h->msg_type) {
	case SNP_MSG_REPORT_REQ: {
		struct snp_msg_report_rsp rsp;

		if (h->msg_sz != sizeof(struct snp_msg_report_req))
			return -1;
		memcpy(&psp.last_report_req, rq->payload,
		    sizeof(psp.last_report_req));
		build_report(&psp.last_report_req, &rsp);
		if (psp.last_report_req.vmpl > 3)
			rsp.status = FW_INVALID_PARAM;
		memcpy(out, &rsp, sizeof(rsp));
		*len = sizeof(rsp);
		return 0;
	}
	case SNP_MSG_KEY_REQ: {
		struct snp_msg_key_rsp rsp = { 0 };
		struct snp_msg_key_req kr;

		if (h->msg_sz != sizeof(kr))
			return -1;
		memcpy(&kr, rq->payload, sizeof(kr));
		/* Not the real KDF: a keyed mix, distinct per field. */
		for (int i = 0; i < 32; i++)
			rsp.derived_key[i] = (uint8_t)(psp.vmpck[i] ^
			    psp.measurement[i] ^ (kr.guest_field_select >> (i % 8)) ^
			    kr.root_key_select ^ kr.guest_svn ^ 0x3c);
		memcpy(out, &rsp, sizeof(rsp));
		*len = sizeof(rsp);
		return 0;
	}
	case SNP_MSG_TSC_INFO_REQ: {
		struct snp_msg_tsc_info_rsp rsp = { 0 };

		if (h->msg_sz != sizeof(struct snp_msg_tsc_info_req))
			return -1;
		rsp.guest_tsc_scale = 1ull << 32;
		rsp.guest_tsc_offset = 0x1000;
		rsp.tsc_factor = 0;
		memcpy(out, &rsp, sizeof(rsp));
		*len = sizeof(rsp);
		return 0;
	}
	default:
		return -1;
	}
}

static void
seal_response(const struct snp_guest_msg *rq, struct snp_guest_msg *rs,
    const uint8_t *payload, uint16_t len)
{
	static const uint8_t other_key[SNP_VMPCK_LEN] = { 0x42, 0x43 };

	memset(rs, 0, sizeof(*rs));
	rs->hdr.msg_seqno = rq->hdr.msg_seqno + 1;
	rs->hdr.algo = SNP_AEAD_AES_256_GCM;
	rs->hdr.hdr_version = SNP_MSG_HDR_VERSION;
	rs->hdr.hdr_sz = sizeof(rs->hdr);
	rs->hdr.msg_type = rq->hdr.msg_type + 1;
	rs->hdr.msg_version = rq->hdr.msg_version;
	rs->hdr.msg_sz = len;
	memcpy(rs->payload, payload, len);
	switch (psp.mode) {
	case PSP_SEQ_REUSE:
		rs->hdr.msg_seqno = rq->hdr.msg_seqno;
		break;
	case PSP_SEQ_SKIP:
		rs->hdr.msg_seqno = rq->hdr.msg_seqno + 2;
		break;
	case PSP_WRONG_TYPE:
		rs->hdr.msg_type = rq->hdr.msg_type;
		break;
	case PSP_WRONG_VERSION:
		rs->hdr.msg_version++;
		break;
	case PSP_TRUNCATED:
		rs->hdr.msg_sz -= 16;
		break;
	case PSP_HEADER:
		rs->hdr.hdr_sz = 0x50;
		break;
	default:
		break;
	}
	snp_msg_seal(psp.mode == PSP_FOREIGN ? other_key : psp.vmpck, rs);
	if (psp.mode == PSP_BAD_TAG)
		rs->hdr.authtag[5] ^= 0x01;
	if (psp.mode == PSP_OVERSIZED)
		rs->hdr.msg_sz = SNP_MSG_PAYLOAD_MAX + 1;
}

/*
 * The host's certificate table (GHCB spec #56421 section 4.1.8.1): one
 * VCEK entry (GUID 63da758d-e664-4564-adc5-f4b93be8accd) at 0x1000 to the
 * end of the table's pages, all bytes 0xce, then the zero entry.
 */
static void
fill_certs(uint8_t *t)
{
	static const uint8_t vcek[16] = { 0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6,
	    0x64, 0x45, 0xad, 0xc5, 0xf4, 0xb9, 0x3b, 0xe8, 0xac, 0xcd };
	uint32_t off = 0x1000, len = (uint32_t)psp.certs_npages * 4096 - off;

	memset(t, 0, psp.certs_npages * 4096);
	memcpy(t, vcek, 16);
	memcpy(t + 16, &off, 4);
	memcpy(t + 20, &len, 4);
	memset(t + off, 0xce, len);
}

/* The hypervisor's part: BUSY, errors, the certificate table. */
static int
host_part(const struct snp_guest_msg *rq, uint64_t *exitinfo2,
    uint64_t certs_gpa, uint64_t *certs_npages)
{
	if (busy_seen && memcmp(rq, &busy_req, sizeof(*rq)) != 0)
		psp.resend_changed = 1;
	if (psp.mode == PSP_BUSY && psp.busy_count > 0) {
		psp.busy_count--;
		busy_req = *rq;
		busy_seen = 1;
		*exitinfo2 = SNP_VMM_ERR(SNP_GUEST_VMM_ERR_BUSY);
		return 1;
	}
	busy_seen = 0;
	if (psp.mode == PSP_HOST_ERROR) {
		*exitinfo2 = SNP_VMM_ERR(0x7);
		return 1;
	}
	if (certs_gpa != 0) {
		if (*certs_npages < psp.certs_npages) {
			*certs_npages = psp.certs_npages;
			*exitinfo2 = SNP_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN);
			return 1;
		}
		fill_certs((uint8_t *)(uintptr_t)certs_gpa);
	}
	return 0;
}

int
snp_guest_request_send(uint64_t req_gpa, uint64_t resp_gpa,
    uint64_t *exitinfo2, uint64_t certs_gpa, uint64_t *certs_npages)
{
	static struct snp_guest_msg rq, rs;
	static uint8_t payload[SNP_MSG_PAYLOAD_MAX];
	uint16_t len;

	psp.calls++;
	psp.ext_calls += certs_gpa != 0;
	memcpy(&rq, (void *)(uintptr_t)req_gpa, sizeof(rq));
	*exitinfo2 = 0;
	if (host_part(&rq, exitinfo2, certs_gpa, certs_npages))
		return 0;
	if (psp.mode == PSP_REPLAY && psp.have_prev) {
		memcpy((void *)(uintptr_t)resp_gpa, &psp.prev_resp, sizeof(rs));
		return 0;
	}
	/* The firmware: the next sequence number, a good tag, a known type. */
	psp.fw_calls++;
	if (rq.hdr.msg_seqno != psp.seqno + 1 || rq.hdr.msg_vmpck != 0 ||
	    rq.hdr.algo != SNP_AEAD_AES_256_GCM || !snp_msg_open(psp.vmpck, &rq) ||
	    answer(&rq, payload, &len) != 0) {
		*exitinfo2 = FW_INVALID_PARAM;
		return 0;
	}
	psp.seqno = rq.hdr.msg_seqno + 1;
	seal_response(&rq, &rs, payload, len);
	memcpy((void *)(uintptr_t)resp_gpa, &rs, sizeof(rs));
	if (psp.mode == PSP_OK) {
		psp.prev_resp = rs;
		psp.have_prev = 1;
	}
	return 0;
}
