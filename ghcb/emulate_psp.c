/*
 * snp=emulate's stand-in for the AMD secure processor (PSP): it answers
 * SNP_GUEST_REQUEST and SNP_EXTENDED_GUEST_REQUEST (GHCB spec #56421
 * section 4.1.8) the way the firmware does (SNP firmware ABI #56860
 * chapter 8), under a fixed test VMPCK0 that it also writes into the
 * secrets page it hands the guest.  So in plain QEMU a guest program gets
 * an attestation report through the real /dev/sev-guest, configfs-tsm,
 * platform channel, message layer and GHCB exchange.
 *
 * Its reports are test reports and say so three ways: SIGNING_KEY is 7
 * ("none", flags[4:2]), the signature is zero, and CHIP_ID reads
 * SNP_EMUL_TEST_CHIP_ID.  scripts/snp-verify refuses them unless given
 * --allow-test-report.  MEASUREMENT and HOST_DATA are whatever the kernel
 * options emulate.measurement=HEX and emulate.host_data=HEX say (zero
 * otherwise): the stand-in measures nothing.  It derives no keys and has
 * no TSC info (MSG_KEY_RSP / MSG_TSC_INFO_RSP with status INVALID_PARAM)
 * and no certificates (an empty table).  It shares the guest's address
 * space and key, so it proves the plumbing, not any secrecy.
 *
 * No hardware here: the kernel glue is in emulate.c; host tests drive
 * this file directly (tests/unit/test_emul_psp.c).
 */
#include "ghcb/internal.h"
#include "ghcb/guest_req.h"

#define FW_SUCCESS		0x00	/* #56860 table "Status codes" */
#define FW_INVALID_PARAM	0x16
#define REPORT_VERSION		3
#define REPORT_FLAGS_SIGNING_KEY_NONE	(7u << 2)	/* flags[4:2] */
#define TEST_POLICY		0x30000ull	/* scripts/run --snp's */

_Static_assert(sizeof(((struct snp_emul_psp *)0)->vmpck) == SNP_VMPCK_LEN,
    "vmpck");
_Static_assert(sizeof(SNP_EMUL_TEST_CHIP_ID) <= 64, "chip id");

/* 32 bytes, recognisable in a dump. */
static const char test_vmpck[] = "CLOISTER EMULATED PSP TEST VMPCK";
_Static_assert(sizeof(test_vmpck) == SNP_VMPCK_LEN + 1, "test vmpck");

static struct snp_guest_msg rq, rs;	/* the stand-in's private copies */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The kernel option NAME=HEX (before "--") into out, up to n bytes,
 * zero-padded.  A malformed value leaves out zero.
 */
static void
option_hex(const char *line, const char *name, uint8_t *out, size_t n)
{
	size_t nl = __builtin_strlen(name);

	while (line != NULL && *line != '\0') {
		size_t w = 0, i;

		while (*line == ' ')
			line++;
		while (line[w] != '\0' && line[w] != ' ')
			w++;
		if (w == 2 && line[0] == '-' && line[1] == '-')
			return;
		if (w > nl && __builtin_memcmp(line, name, nl) == 0 &&
		    line[nl] == '=' && (w - nl - 1) % 2 == 0 &&
		    (w - nl - 1) / 2 <= n) {
			const char *h = line + nl + 1;

			for (i = 0; i < (w - nl - 1) / 2; i++) {
				int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);

				if (hi < 0 || lo < 0) {
					__builtin_memset(out, 0, n);
					return;
				}
				out[i] = (uint8_t)(hi << 4 | lo);
			}
		}
		line += w;
	}
}

void
snp_emul_psp_init(struct snp_emul_psp *p, uint8_t secrets[4096],
    const char *cmdline)
{
	__builtin_memset(p, 0, sizeof(*p));
	__builtin_memcpy(p->vmpck, test_vmpck, SNP_VMPCK_LEN);
	option_hex(cmdline, "emulate.measurement", p->measurement,
	    sizeof(p->measurement));
	option_hex(cmdline, "emulate.host_data", p->host_data,
	    sizeof(p->host_data));
	/* #56860 section 8.14.2.5: VERSION at 0x0, VMPCK0 at 0x20. */
	__builtin_memset(secrets, 0, 4096);
	secrets[0] = 3;
	__builtin_memcpy(secrets + SNP_SECRETS_VMPCK0_OFF, p->vmpck,
	    SNP_VMPCK_LEN);
}

static void
build_report(const struct snp_emul_psp *p,
    const struct snp_msg_report_req *req, struct snp_msg_report_rsp *rsp)
{
	struct snp_attestation_report *r = &rsp->report;

	__builtin_memset(rsp, 0, sizeof(*rsp));
	rsp->report_size = sizeof(*r);
	if (req->vmpl > 3) {
		rsp->status = FW_INVALID_PARAM;
		return;
	}
	r->version = REPORT_VERSION;
	r->policy = TEST_POLICY;
	r->vmpl = req->vmpl;
	r->signature_algo = 1;		/* the format; nothing is signed */
	r->flags = REPORT_FLAGS_SIGNING_KEY_NONE;
	__builtin_memcpy(r->report_data, req->report_data, 64);
	__builtin_memcpy(r->measurement, p->measurement, 48);
	__builtin_memcpy(r->host_data, p->host_data, 32);
	__builtin_memcpy(r->chip_id, SNP_EMUL_TEST_CHIP_ID,
	    sizeof(SNP_EMUL_TEST_CHIP_ID) - 1);
}

/*
 * A well-formed request (ok) the stand-in cannot serve: a response of
 * rsp_size bytes whose status (offset 0 in every response) says so.
 */
static int
refused(int ok, uint8_t *out, uint16_t rsp_size, uint16_t *len)
{
	uint32_t status = FW_INVALID_PARAM;

	if (!ok)
		return -1;
	__builtin_memset(out, 0, rsp_size);
	__builtin_memcpy(out, &status, sizeof(status));
	*len = rsp_size;
	return 0;
}

/* The firmware's answer to a decrypted request: payload and its size. */
static int
answer(const struct snp_emul_psp *p, uint8_t *out, uint16_t *len)
{
	const struct snp_guest_msg_hdr *h = &rq.hdr;

	switch (h->msg_type) {
	case SNP_MSG_REPORT_REQ: {
		struct snp_msg_report_req req;

		if (h->msg_version != 1 || h->msg_sz != sizeof(req))
			return -1;
		__builtin_memcpy(&req, rq.payload, sizeof(req));
		build_report(p, &req, (struct snp_msg_report_rsp *)out);
		*len = sizeof(struct snp_msg_report_rsp);
		return 0;
	}
	case SNP_MSG_KEY_REQ:		/* no keys to derive */
		return refused(h->msg_sz == sizeof(struct snp_msg_key_req), out,
		    sizeof(struct snp_msg_key_rsp), len);
	case SNP_MSG_TSC_INFO_REQ:	/* no Secure TSC */
		return refused(h->msg_sz == sizeof(struct snp_msg_tsc_info_req),
		    out, sizeof(struct snp_msg_tsc_info_rsp), len);
	default:
		return -1;
	}
}

uint64_t
snp_emul_psp_request(struct snp_emul_psp *p, const void *req_page,
    void *resp_page, void *certs, uint64_t certs_npages)
{
	static uint8_t payload[SNP_MSG_PAYLOAD_MAX] __attribute__((aligned(8)));
	const struct snp_guest_msg_hdr *h = &rq.hdr;
	uint16_t len;

	p->requests++;
	__builtin_memcpy(&rq, req_page, sizeof(rq));
	/*
	 * The firmware's checks (#56860 chapter 8): the header's format,
	 * VMPCK0, the next sequence number, a payload that fits, a good tag.
	 */
	if (h->algo != SNP_AEAD_AES_256_GCM ||
	    h->hdr_version != SNP_MSG_HDR_VERSION || h->hdr_sz != sizeof(*h) ||
	    h->msg_vmpck != 0 || h->msg_seqno != p->seqno + 1 ||
	    h->msg_sz > SNP_MSG_PAYLOAD_MAX || !snp_msg_open(p->vmpck, &rq) ||
	    answer(p, payload, &len) != 0)
		return FW_INVALID_PARAM;
	p->seqno = h->msg_seqno + 1;
	__builtin_memset(&rs, 0, sizeof(rs));
	rs.hdr.msg_seqno = p->seqno;
	rs.hdr.algo = SNP_AEAD_AES_256_GCM;
	rs.hdr.hdr_version = SNP_MSG_HDR_VERSION;
	rs.hdr.hdr_sz = sizeof(rs.hdr);
	rs.hdr.msg_type = (uint8_t)(h->msg_type + 1);
	rs.hdr.msg_version = h->msg_version;
	rs.hdr.msg_sz = len;
	__builtin_memcpy(rs.payload, payload, len);
	snp_msg_seal(p->vmpck, &rs);
	__builtin_memcpy(resp_page, &rs, sizeof(rs));
	/* No certificates: the table's terminating (all-zero) entry only. */
	if (certs != NULL && certs_npages > 0)
		__builtin_memset(certs, 0, 24);
	return FW_SUCCESS;
}
