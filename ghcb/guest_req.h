/*
 * ghcb/guest_req.h: SEV-SNP guest requests (attestation reports, derived
 * keys, TSC info): the messages the guest exchanges with the AMD secure
 * processor (PSP) through the untrusted hypervisor.
 *
 * Three layers, each replaceable on its own:
 *
 *  1. The transport, snp_guest_request_send(): one GHCB NAE event.
 *     ghcb/guest_req_ghcb.c over the GHCB page (-ENODEV outside SNP);
 *     host tests link the PSP model (tests/unit/psp_model.c) or
 *     snp=emulate's stand-in PSP (ghcb/emulate_psp.c).
 *  2. The message layer (ghcb/guest_msg.c): SNP firmware ABI #56860
 *     chapter 8 "Guest messages": header, AES-256-GCM with VMPCK0,
 *     sequence numbers, the response checks, BUSY and INVALID_LEN.
 *  3. platform/attest.c: owns the channel (secrets page, shared pages,
 *     one request at a time) and offers it to the kernel through
 *     platform.h (plat_snp_guest_request); kernel/sevguest.c and
 *     kernel/tsm.c give the guest Linux's interfaces on top.
 *
 * Only platform/ includes this header (platform -> ghcb); the PSP model
 * and the fuzz target include it to share the ABI structures.
 */
#ifndef GHCB_GUEST_REQ_H
#define GHCB_GUEST_REQ_H

#include <stddef.h>
#include <stdint.h>

/* Linux errno values (the same as platform/platform.h's; ghcb/ -> arch). */
#ifndef EIO
#define EIO		5
#endif
#ifndef ENODEV
#define ENODEV		19
#endif
#ifndef EINVAL
#define EINVAL		22
#endif
#ifndef ENOTTY
#define ENOTTY		25
#endif
#ifndef EBADMSG
#define EBADMSG		74
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT	110
#endif

/* ---- Layer 1: the transport seam ---- */

/* GHCB spec #56421 table 7 (NAE events): sw_exit_code values. */
#define SVM_VMGEXIT_GUEST_REQUEST	0x80000011ull
#define SVM_VMGEXIT_EXT_GUEST_REQUEST	0x80000012ull

/*
 * exitinfo2 after a guest request, GHCB spec #56421 section 4.1.8:
 * SW_EXITINFO2[31:0] is the firmware's status (SNP firmware ABI #56860
 * table "Status codes"), SW_EXITINFO2[63:32] the hypervisor's.
 */
#define SNP_EXITINFO2_FW(x)		((uint32_t)(x))
#define SNP_EXITINFO2_VMM(x)		((uint32_t)((x) >> 32))
#define SNP_VMM_ERR(x)			((uint64_t)(x) << 32)
#define SNP_GUEST_VMM_ERR_INVALID_LEN	1	/* certs buffer too small */
#define SNP_GUEST_VMM_ERR_BUSY		2	/* try again later */

/*
 * Issue the GHCB NAE event SNP_GUEST_REQUEST (exit code 0x8000_0011) or,
 * when certs_gpa != 0, SNP_EXTENDED_GUEST_REQUEST (0x8000_0012), GHCB
 * spec #56421 section 4.1.8.  req_gpa and resp_gpa are 4 KiB pages from
 * the shared pool (platform/shmem.c), the request already encrypted;
 * certs_gpa (extended only) is a run of *certs_npages shared pages for
 * the host's certificate table (RAX = certs_gpa, RBX = npages).
 *
 * Returns 0 when the VMGEXIT completed: *exitinfo2 then holds
 * SW_EXITINFO2 as the hypervisor left it (the caller interprets it; for
 * INVALID_LEN on the extended request *certs_npages holds RBX, the
 * number of pages the host needs).  -ENODEV when this is not an SNP
 * guest; -EIO when the GHCB exchange itself failed.  Thread context;
 * callers serialise (one request at a time, platform/attest.c).
 */
int snp_guest_request_send(uint64_t req_gpa, uint64_t resp_gpa,
    uint64_t *exitinfo2, uint64_t certs_gpa, uint64_t *certs_npages);

/* ---- Layer 2: guest messages, SNP firmware ABI #56860 chapter 8 ---- */

/* #56860 table "Message type encodings". */
#define SNP_MSG_CPUID_REQ	1
#define SNP_MSG_KEY_REQ		3
#define SNP_MSG_KEY_RSP		4
#define SNP_MSG_REPORT_REQ	5
#define SNP_MSG_REPORT_RSP	6
#define SNP_MSG_TSC_INFO_REQ	17
#define SNP_MSG_TSC_INFO_RSP	18

#define SNP_AEAD_AES_256_GCM	1	/* header.algo */
#define SNP_MSG_HDR_VERSION	1
#define SNP_AUTHTAG_LEN		16	/* of the 32-byte authtag field */
#define SNP_IV_LEN		12
#define SNP_VMPCK_LEN		32
#define SNP_MSG_PAGE		4096

/* #56860 section 8.26 "Message header format" (all little-endian). */
struct snp_guest_msg_hdr {
	uint8_t authtag[32];		/* 0x00 */
	uint64_t msg_seqno;		/* 0x20 */
	uint8_t rsvd1[8];		/* 0x28 */
	uint8_t algo;			/* 0x30: AAD starts here */
	uint8_t hdr_version;		/* 0x31 */
	uint16_t hdr_sz;		/* 0x32 */
	uint8_t msg_type;		/* 0x34 */
	uint8_t msg_version;		/* 0x35 */
	uint16_t msg_sz;		/* 0x36 */
	uint32_t rsvd2;			/* 0x38 */
	uint8_t msg_vmpck;		/* 0x3c */
	uint8_t rsvd3[35];		/* 0x3d */
} __attribute__((packed));
_Static_assert(sizeof(struct snp_guest_msg_hdr) == 0x60, "msg hdr");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, msg_seqno) ==
    0x20, "seqno");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, algo) == 0x30,
    "algo");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, msg_sz) == 0x36,
    "msg_sz");
_Static_assert(__builtin_offsetof(struct snp_guest_msg_hdr, msg_vmpck) ==
    0x3c, "msg_vmpck");

#define SNP_AAD_OFF		0x30
#define SNP_AAD_LEN		0x30	/* header bytes 0x30..0x5f */
#define SNP_MSG_PAYLOAD_MAX	(SNP_MSG_PAGE - sizeof(struct snp_guest_msg_hdr))

struct snp_guest_msg {
	struct snp_guest_msg_hdr hdr;
	uint8_t payload[SNP_MSG_PAYLOAD_MAX];
};
_Static_assert(sizeof(struct snp_guest_msg) == SNP_MSG_PAGE, "msg page");

/* #56860 table "MSG_REPORT_REQ Message Structure". */
struct snp_msg_report_req {
	uint8_t report_data[64];	/* 0x00 */
	uint32_t vmpl;			/* 0x40 */
	uint32_t key_sel;		/* 0x44: 0 = VLEK if present, else VCEK */
	uint8_t rsvd[24];		/* 0x48 */
};
_Static_assert(sizeof(struct snp_msg_report_req) == 96, "report req");

/* #56860 table "ATTESTATION_REPORT Structure" (report version 2/3). */
struct snp_attestation_report {
	uint32_t version;		/* 0x000 */
	uint32_t guest_svn;		/* 0x004 */
	uint64_t policy;		/* 0x008 */
	uint8_t family_id[16];		/* 0x010 */
	uint8_t image_id[16];		/* 0x020 */
	uint32_t vmpl;			/* 0x030 */
	uint32_t signature_algo;	/* 0x034: 1 = ECDSA P-384/SHA-384 */
	uint64_t current_tcb;		/* 0x038 */
	uint64_t platform_info;		/* 0x040 */
	uint32_t flags;			/* 0x048: author key, mask chip, key */
	uint32_t rsvd0;			/* 0x04c */
	uint8_t report_data[64];	/* 0x050 */
	uint8_t measurement[48];	/* 0x090 */
	uint8_t host_data[32];		/* 0x0c0 */
	uint8_t id_key_digest[48];	/* 0x0e0 */
	uint8_t author_key_digest[48];	/* 0x110 */
	uint8_t report_id[32];		/* 0x140 */
	uint8_t report_id_ma[32];	/* 0x160 */
	uint64_t reported_tcb;		/* 0x180 */
	uint8_t cpuid_fam_id;		/* 0x188 (version 3) */
	uint8_t cpuid_mod_id;		/* 0x189 */
	uint8_t cpuid_step;		/* 0x18a */
	uint8_t rsvd1[21];		/* 0x18b */
	uint8_t chip_id[64];		/* 0x1a0 */
	uint64_t committed_tcb;		/* 0x1e0 */
	uint8_t current_build;		/* 0x1e8 */
	uint8_t current_minor;		/* 0x1e9 */
	uint8_t current_major;		/* 0x1ea */
	uint8_t rsvd2;			/* 0x1eb */
	uint8_t committed_build;	/* 0x1ec */
	uint8_t committed_minor;	/* 0x1ed */
	uint8_t committed_major;	/* 0x1ee */
	uint8_t rsvd3;			/* 0x1ef */
	uint64_t launch_tcb;		/* 0x1f0 */
	uint8_t rsvd4[168];		/* 0x1f8 */
	uint8_t signature[512];		/* 0x2a0: R[72], S[72], reserved */
} __attribute__((packed));
_Static_assert(sizeof(struct snp_attestation_report) == 0x4a0, "report");
_Static_assert(__builtin_offsetof(struct snp_attestation_report,
    report_data) == 0x50, "report_data");
_Static_assert(__builtin_offsetof(struct snp_attestation_report,
    measurement) == 0x90, "measurement");
_Static_assert(__builtin_offsetof(struct snp_attestation_report,
    host_data) == 0xc0, "host_data");
_Static_assert(__builtin_offsetof(struct snp_attestation_report,
    reported_tcb) == 0x180, "reported_tcb");
_Static_assert(__builtin_offsetof(struct snp_attestation_report,
    chip_id) == 0x1a0, "chip_id");
_Static_assert(__builtin_offsetof(struct snp_attestation_report,
    launch_tcb) == 0x1f0, "launch_tcb");
_Static_assert(__builtin_offsetof(struct snp_attestation_report,
    signature) == 0x2a0, "signature");

/* #56860 table "MSG_REPORT_RSP Message Structure". */
struct snp_msg_report_rsp {
	uint32_t status;		/* 0x00: 0 success, 0x16 invalid params */
	uint32_t report_size;		/* 0x04 */
	uint8_t rsvd[24];		/* 0x08 */
	struct snp_attestation_report report;	/* 0x20 */
} __attribute__((packed));
_Static_assert(sizeof(struct snp_msg_report_rsp) == 0x20 + 0x4a0, "rsp");

/* #56860 table "MSG_KEY_REQ Message Structure". */
struct snp_msg_key_req {
	uint32_t root_key_select;	/* 0x00: [0] root key, [2:1] key sel */
	uint32_t rsvd;			/* 0x04 */
	uint64_t guest_field_select;	/* 0x08 */
	uint32_t vmpl;			/* 0x10 */
	uint32_t guest_svn;		/* 0x14 */
	uint64_t tcb_version;		/* 0x18 */
};
_Static_assert(sizeof(struct snp_msg_key_req) == 32, "key req");

/* #56860 table "MSG_KEY_RSP Message Structure". */
struct snp_msg_key_rsp {
	uint32_t status;		/* 0x00 */
	uint8_t rsvd[28];		/* 0x04 */
	uint8_t derived_key[32];	/* 0x20 */
};
_Static_assert(sizeof(struct snp_msg_key_rsp) == 64, "key rsp");

/* #56860 tables "MSG_TSC_INFO_REQ/RSP Message Structure". */
struct snp_msg_tsc_info_req {
	uint8_t rsvd[128];
};
_Static_assert(sizeof(struct snp_msg_tsc_info_req) == 128, "tsc req");

struct snp_msg_tsc_info_rsp {
	uint32_t status;		/* 0x00 */
	uint32_t rsvd1;			/* 0x04 */
	uint64_t guest_tsc_scale;	/* 0x08 */
	uint64_t guest_tsc_offset;	/* 0x10 */
	uint32_t tsc_factor;		/* 0x18 */
	uint8_t rsvd2[100];		/* 0x1c */
} __attribute__((packed));
_Static_assert(sizeof(struct snp_msg_tsc_info_rsp) == 128, "tsc rsp");

/* #56860 section 8.14.2.5 "Secrets page": VMPCK0 at offset 0x20. */
#define SNP_SECRETS_VMPCK0_OFF	0x20

/*
 * The guest-message channel's state.  It lives in private memory; the
 * two message pages are shared (host-visible) and only ever written
 * from, or copied into, the private buffers here.
 */
struct snp_msg_shared;			/* a host-visible page: never parsed */

struct snp_msg_ctx {
	uint8_t vmpck[SNP_VMPCK_LEN];	/* VMPCK0; all zero: disabled */
	uint64_t seqno;			/* last sequence number used */
	int disabled;			/* key wiped: every request fails */
	struct snp_guest_msg req;	/* private: built and encrypted here */
	struct snp_guest_msg resp;	/* private: copied here, then checked */
	struct snp_msg_shared *req_page, *resp_page;
	uint64_t req_gpa, resp_gpa;
	struct snp_msg_shared *certs;	/* extended request's pages */
	uint64_t certs_gpa, certs_npages;
};

/* Resends of the same ciphertext after BUSY before giving up. */
#define SNP_REQ_MAX_BUSY	64

/*
 * Set up ctx with VMPCK0 copied out of the secrets page (secrets + 0x20)
 * and the shared pages the caller allocated (req/resp: one page each;
 * certs: certs_npages pages or NULL).  An all-zero VMPCK0 leaves the
 * channel disabled (every request -ENOTTY, as Linux refuses to probe).
 */
void snp_msg_init(struct snp_msg_ctx *ctx, const uint8_t *secrets_page,
    struct snp_msg_shared *req_page, uint64_t req_gpa,
    struct snp_msg_shared *resp_page, uint64_t resp_gpa,
    struct snp_msg_shared *certs, uint64_t certs_gpa, uint64_t certs_npages);

/*
 * One guest request: encrypt req (req_len bytes) as message type
 * msg_type/msg_version, send it (extended when want_certs), check and
 * decrypt the response into resp (resp_cap bytes; *resp_len gets its
 * size, at least resp_min).  *exitinfo2 gets SW_EXITINFO2 once the
 * request was sent, and is left alone before that (so a caller can tell
 * "no firmware call", as Linux's SEV_RET_NO_FW_CALL does).
 *
 * Errors (SNP firmware ABI #56860 chapter 8, Linux sev-guest semantics):
 *   -ENOTTY   the channel is disabled (zero VMPCK or wiped earlier)
 *   -ENODEV   not an SNP guest (transport)
 *   -EINVAL   a bad argument from the caller (nothing sent)
 *   -EIO      the hypervisor reported an error (exitinfo2); for
 *             INVALID_LEN on the extended request *certs_npages holds
 *             the number of pages needed (the key is kept)
 *   -ETIMEDOUT BUSY more than SNP_REQ_MAX_BUSY times
 *   -EBADMSG  the response failed a check (sequence number, type,
 *             version, size, header, tag)
 * Every error after the request was sent except INVALID_LEN wipes the
 * key: a message with this sequence number may have reached the PSP,
 * and it can never be sent again with other contents (IV reuse).
 */
int snp_msg_request(struct snp_msg_ctx *ctx, uint8_t msg_type,
    uint8_t msg_version, const void *req, size_t req_len, void *resp,
    size_t resp_cap, size_t resp_min, size_t *resp_len, int want_certs,
    uint64_t *exitinfo2, uint64_t *certs_npages);

/*
 * A MSG_TSC_INFO_RSP already decrypted (#56860 "MSG_TSC_INFO_REQ/RSP
 * Message Structure"): 0 when it is whole (len bytes) and its STATUS is
 * SUCCESS, else -EIO.
 */
int snp_msg_tsc_info_check(const struct snp_msg_tsc_info_rsp *rsp,
    size_t len);

/* Wipe VMPCK0 and fail every later request. */
void snp_msg_disable(struct snp_msg_ctx *ctx);

/*
 * The checks on a response already copied into private memory (the
 * fuzzed parser): expected sequence number, type and version, buffer
 * capacity; then decrypt into out.  0 with *out_len, or -EBADMSG.
 */
int snp_msg_check_response(const uint8_t vmpck[SNP_VMPCK_LEN],
    const struct snp_guest_msg *resp, uint64_t seqno, uint8_t msg_type,
    uint8_t msg_version, void *out, size_t out_cap, size_t *out_len);

/*
 * AES-256-GCM in the guest-message format (BearSSL's constant-time
 * br_aes_ct64 + br_ghash_ctmul64 through br_gcm): encrypt msg->payload
 * in place over msg->hdr.msg_sz bytes, AAD = header bytes 0x30..0x5f,
 * IV = the sequence number, tag into hdr.authtag.  Decrypt checks the
 * tag first in constant time (1 good, 0 bad).  Used by the PSP model too.
 */
void snp_msg_seal(const uint8_t key[SNP_VMPCK_LEN], struct snp_guest_msg *msg);
int snp_msg_open(const uint8_t key[SNP_VMPCK_LEN], struct snp_guest_msg *msg);

#endif
