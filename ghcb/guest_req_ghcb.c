/*
 * The guest-request transport: SNP_GUEST_REQUEST and, with a certificate
 * buffer, SNP_EXTENDED_GUEST_REQUEST through the GHCB page (GHCB spec
 * #56421 section 4.1.8).  SW_EXITINFO1/2 carry the request and response
 * pages (shared, from the pool); the hypervisor's answer is SW_EXITINFO2
 * (firmware error in bits 31:0, its own in 63:32), checked by the
 * message layer (guest_msg.c).  For the extended request RAX holds the
 * certificate pages' address and RBX their count; after INVALID_LEN, RBX
 * is the count needed, which the message layer bounds before use.
 * Outside SNP there is no secure processor to reach: -ENODEV.
 */
#include "ghcb/internal.h"
#include "ghcb/guest_req.h"

#define SVM_VMGEXIT_GUEST_REQUEST	0x80000011ull
#define SVM_VMGEXIT_EXT_GUEST_REQUEST	0x80000012ull

int
snp_guest_request_send(uint64_t req_gpa, uint64_t resp_gpa,
    uint64_t *exitinfo2, uint64_t certs_gpa, uint64_t *certs_npages)
{
	struct ghcb_exit e;

	if (!snp_active())
		return -ENODEV;
	ghcb_exit_init(&e, certs_gpa != 0 ? SVM_VMGEXIT_EXT_GUEST_REQUEST :
	    SVM_VMGEXIT_GUEST_REQUEST, req_gpa, resp_gpa);
	if (certs_gpa != 0) {
		ghcb_exit_in(&e, GHCB_BIT(rax), certs_gpa);
		ghcb_exit_in(&e, GHCB_BIT(rbx), *certs_npages);
	}
	if (ghcb_call(&e) != GHCB_OK)
		return -EIO;
	*exitinfo2 = e.info2;
	if (certs_gpa != 0 &&
	    e.info2 == SNP_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN))
		*certs_npages = e.rbx;
	return 0;
}
