/*
 * libFuzzer target for the SNP guest-message response parser
 * (snp_msg_check_response): the input is the response page as the host
 * leaves it.  When the first byte is odd, the input's payload is first
 * sealed with the right key, so the fuzzer also reaches the code after
 * the tag check (header fields, sizes, the copy out).
 */
#include <stdint.h>
#include <string.h>

#include "ghcb/guest_req.h"

static const uint8_t key[SNP_VMPCK_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* The parser never sends; the transport is not linked. */
int
snp_guest_request_send(uint64_t req_gpa, uint64_t resp_gpa,
    uint64_t *exitinfo2, uint64_t certs_gpa, uint64_t *certs_npages)
{
	return -ENODEV;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snp_guest_msg msg;
	static uint8_t out[sizeof(struct snp_msg_report_rsp)];
	size_t n = size - (size > 0), len = 0;

	if (size == 0)
		return 0;
	memset(&msg, 0, sizeof(msg));
	memcpy(&msg, data + 1, n < sizeof(msg) ? n : sizeof(msg));
	if ((data[0] & 1) && msg.hdr.msg_sz <= SNP_MSG_PAYLOAD_MAX)
		snp_msg_seal(key, &msg);
	if (snp_msg_check_response(key, &msg, 2, SNP_MSG_REPORT_RSP, 1, out,
	    sizeof(out), &len) == 0) {
		if (len > sizeof(out))
			__builtin_trap();
	}
	return 0;
}
