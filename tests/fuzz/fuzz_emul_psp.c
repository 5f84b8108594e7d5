/*
 * libFuzzer target for snp=emulate's stand-in secure processor
 * (ghcb/emulate_psp.c), which runs in the kernel: its kernel-option
 * parser (emulate.measurement=, emulate.host_data=; the command line
 * comes from the host) and its request handling (the request page).
 * Input: flags byte, then the command line up to a NUL, then the
 * request page.  With flags bit 0 the page's payload is sealed under the
 * test key with the expected sequence number, so the fuzzer also reaches
 * the message types and the report.
 */
#include <stdint.h>
#include <string.h>

#include "ghcb/internal.h"
#include "ghcb/guest_req.h"

/* The stand-in never sends; the transport is not linked. */
int
snp_guest_request_send(uint64_t req_gpa, uint64_t resp_gpa,
    uint64_t *exitinfo2, uint64_t certs_gpa, uint64_t *certs_npages)
{
	return -ENODEV;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snp_emul_psp psp;
	static uint8_t secrets[4096], resp[4096], certs[4096];
	static char cmdline[4096];
	static struct snp_guest_msg req;
	const uint8_t *nul;
	uint8_t flags;
	size_t n;

	if (size == 0)
		return 0;
	flags = *data++;
	size--;
	nul = memchr(data, 0, size);
	n = nul != NULL ? (size_t)(nul - data) : size;
	if (n >= sizeof(cmdline))
		n = sizeof(cmdline) - 1;
	memcpy(cmdline, data, n);
	cmdline[n] = '\0';
	snp_emul_psp_init(&psp, secrets, cmdline);
	n += nul != NULL;
	data += n;
	size -= n;
	memset(&req, 0, sizeof(req));
	memcpy(&req, data, size < sizeof(req) ? size : sizeof(req));
	if ((flags & 1) &&
	    req.hdr.msg_sz <= SNP_MSG_PAYLOAD_MAX) {
		req.hdr.msg_seqno = 1;
		snp_msg_seal(psp.vmpck, &req);
	}
	if (snp_emul_psp_request(&psp, &req, resp, certs, 1) > 0xff)
		__builtin_trap();
	return 0;
}
