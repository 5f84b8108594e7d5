/*
 * The guest-request transport outside SEV-SNP: there is no PSP to talk
 * to.  The GHCB implementation (SNP_GUEST_REQUEST through the GHCB page)
 * replaces this file in the source list once it exists.
 */
#include "ghcb/guest_req.h"

int
snp_guest_request_send(uint64_t req_gpa, uint64_t resp_gpa,
    uint64_t *exitinfo2, uint64_t certs_gpa, uint64_t *certs_npages)
{
	return -ENODEV;
}
