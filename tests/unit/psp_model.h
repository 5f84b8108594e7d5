/*
 * A model of the AMD secure processor's guest-message interface (SNP
 * firmware ABI #56860 chapter 8) together with the hypervisor that
 * carries the messages (GHCB spec #56421 section 4.1.8).  It implements
 * the transport seam snp_guest_request_send(), so host tests link it in
 * place of the GHCB: it keeps VMPCK0 and the sequence numbers, decrypts
 * the request, builds the response (attestation report, derived key,
 * TSC info) and encrypts it.  It can be told to misbehave.
 *
 * Guest physical addresses are host pointers here.
 */
#ifndef TESTS_UNIT_PSP_MODEL_H
#define TESTS_UNIT_PSP_MODEL_H

#include "ghcb/guest_req.h"

enum psp_misbehave {
	PSP_OK,
	PSP_BAD_TAG,		/* flip one bit of the response's tag */
	PSP_SEQ_REUSE,		/* answer with the request's seqno */
	PSP_SEQ_SKIP,		/* answer with seqno + 2 */
	PSP_WRONG_TYPE,		/* answer with the request's type */
	PSP_WRONG_VERSION,	/* answer with version + 1 */
	PSP_TRUNCATED,		/* a valid response, 16 bytes short */
	PSP_OVERSIZED,		/* msg_sz beyond the page */
	PSP_BUSY,		/* busy_count BUSY replies, then normal */
	PSP_FOREIGN,		/* someone else's message (other VMPCK) */
	PSP_REPLAY,		/* the previous response again */
	PSP_HOST_ERROR,		/* exitinfo2 with a hypervisor error */
	PSP_HEADER,		/* a well-sealed response with hdr_sz 0x50 */
};

struct psp_model {
	uint8_t vmpck[SNP_VMPCK_LEN];
	uint64_t seqno;			/* last sequence number seen */
	uint8_t measurement[48];
	uint8_t host_data[32];
	uint8_t chip_id[64];
	uint64_t policy;
	enum psp_misbehave mode;
	int busy_count;			/* PSP_BUSY: how many */
	uint64_t certs_npages;		/* the host's certificate table */
	/* What the model saw. */
	int calls, ext_calls, fw_calls;
	int resend_changed;		/* a BUSY resend differed */
	uint8_t last_req_type;
	struct snp_msg_report_req last_report_req;
	struct snp_guest_msg prev_resp;
	int have_prev;
};

extern struct psp_model psp;

/* A fresh model with a fixed VMPCK0, measurement and identity. */
void psp_reset(void);
/* A secrets page whose VMPCK0 is the model's (4 KiB, caller's buffer). */
void psp_secrets_page(uint8_t page[4096]);

#endif
