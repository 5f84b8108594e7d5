/*
 * psp_emit: write the attestation report the PSP model produces for a
 * guest request made through the real message layer (ghcb/guest_msg.c),
 * for scripts/snp-verify's tests.
 *
 *   psp_emit OUT [MEASUREMENT_HEX [REPORT_DATA_HEX]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/psp_model.h"

static void
unhex(const char *s, uint8_t *out, size_t max)
{
	for (size_t i = 0; i < max && s[2 * i] != '\0' && s[2 * i + 1] != '\0';
	    i++) {
		unsigned v;

		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

int
main(int argc, char **argv)
{
	static uint8_t secrets[4096], req_page[4096], resp_page[4096];
	static struct snp_msg_ctx ctx;
	struct snp_msg_report_req rq = { .vmpl = 0 };
	struct snp_msg_report_rsp rsp;
	uint64_t ei2, npages;
	size_t len;
	FILE *f;

	if (argc < 2) {
		fprintf(stderr, "usage: psp_emit OUT [MEASUREMENT [DATA]]\n");
		return 2;
	}
	psp_reset();
	if (argc > 2)
		unhex(argv[2], psp.measurement, sizeof(psp.measurement));
	if (argc > 3)
		unhex(argv[3], rq.report_data, sizeof(rq.report_data));
	psp_secrets_page(secrets);
	snp_msg_init(&ctx, secrets, (struct snp_msg_shared *)req_page,
	    (uintptr_t)req_page, (struct snp_msg_shared *)resp_page,
	    (uintptr_t)resp_page, NULL, 0, 0);
	if (snp_msg_request(&ctx, SNP_MSG_REPORT_REQ, 1, &rq, sizeof(rq), &rsp,
	    sizeof(rsp), sizeof(rsp), &len, 0, &ei2, &npages) != 0) {
		fprintf(stderr, "psp_emit: the request failed\n");
		return 1;
	}
	if ((f = fopen(argv[1], "wb")) == NULL ||
	    fwrite(&rsp.report, sizeof(rsp.report), 1, f) != 1 || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
