/*
 * SNP guest messages (ghcb/guest_msg.c) against the model of the AMD
 * secure processor and the hypervisor (psp_model.c): the good path for
 * every message type, and each bad reply the host or a broken PSP can
 * produce, ending in the documented error with VMPCK0 wiped where Linux
 * wipes it.
 */
#include <stdint.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "tests/unit/psp_model.h"
#include <bearssl_aead.h>
#include <bearssl_block.h>
#include <bearssl_hash.h>

static struct snp_msg_ctx ctx;
static uint8_t secrets[4096];
static uint8_t req_page[4096] __attribute__((aligned(4096)));
static uint8_t resp_page[4096] __attribute__((aligned(4096)));
static uint8_t certs[8 * 4096] __attribute__((aligned(4096)));
static struct snp_msg_report_rsp rsp;
static uint64_t ei2, npages;
static size_t len;

#define GPA(p)	((uint64_t)(uintptr_t)(p))

static void
setup(enum psp_misbehave mode, uint64_t ncerts)
{
	psp_reset();
	psp_secrets_page(secrets);
	snp_msg_init(&ctx, secrets, (struct snp_msg_shared *)req_page,
	    GPA(req_page), (struct snp_msg_shared *)resp_page, GPA(resp_page),
	    ncerts ? (struct snp_msg_shared *)certs : NULL, GPA(certs), ncerts);
	psp.mode = mode;
	memset(certs, 0, sizeof(certs));
}

static int
report(int ext, uint8_t fill)
{
	struct snp_msg_report_req rq = { .vmpl = 0 };

	memset(rq.report_data, fill, sizeof(rq.report_data));
	memset(&rsp, 0, sizeof(rsp));
	npages = 0;
	return snp_msg_request(&ctx, SNP_MSG_REPORT_REQ, 1, &rq, sizeof(rq),
	    &rsp, sizeof(rsp), sizeof(rsp), &len, ext, &ei2, &npages);
}

static int
key_wiped(void)
{
	static const uint8_t zero[SNP_VMPCK_LEN];

	return ctx.disabled && memcmp(ctx.vmpck, zero, sizeof(zero)) == 0;
}

/* After a wipe nothing reaches the host any more. */
static int
stays_closed(void)
{
	int calls = psp.calls;

	return report(0, 1) == -ENOTTY && psp.calls == calls;
}

static void
report_ok(void)
{
	setup(PSP_OK, 0);
	CHECK(report(0, 0x77) == 0);
	CHECK(ei2 == 0 && len == sizeof(rsp));
	CHECK(rsp.status == 0 && rsp.report_size == 0x4a0);
	CHECK(rsp.report.version == 3 && rsp.report.signature_algo == 1);
	for (int i = 0; i < 64; i++)
		CHECK(rsp.report.report_data[i] == 0x77);
	CHECK(memcmp(rsp.report.measurement, psp.measurement, 48) == 0);
	CHECK(memcmp(rsp.report.host_data, psp.host_data, 32) == 0);
	CHECK(memcmp(rsp.report.chip_id, psp.chip_id, 64) == 0);
	/* seqno 1 out, 2 back; the next request uses 3. */
	CHECK(ctx.seqno == 2 && psp.seqno == 2);
	CHECK(report(0, 0x78) == 0 && ctx.seqno == 4 && psp.seqno == 4);
	CHECK(rsp.report.report_data[63] == 0x78 && !ctx.disabled);
}

static void
request_is_ciphertext(void)
{
	setup(PSP_OK, 0);
	CHECK(report(0, 0x77) == 0);
	CHECK(memcmp(psp.last_report_req.report_data, rsp.report.report_data,
	    64) == 0);
	/* The shared page never held the plaintext. */
	for (size_t i = 0; i + 8 <= sizeof(req_page); i++)
		CHECK(memcmp(req_page + i, "wwwwwwww", 8) != 0);
	/* Nor does the private staging copy of the response linger. */
	CHECK(ctx.resp.hdr.msg_sz == 0);
}

static void
derived_key_and_tsc(void)
{
	struct snp_msg_key_req kr = { .guest_field_select = 1 };
	struct snp_msg_key_rsp kp;
	struct snp_msg_tsc_info_req tr = { { 0 } };
	struct snp_msg_tsc_info_rsp tp;

	setup(PSP_OK, 0);
	CHECK(snp_msg_request(&ctx, SNP_MSG_KEY_REQ, 1, &kr, sizeof(kr), &kp,
	    sizeof(kp), sizeof(kp), &len, 0, &ei2, &npages) == 0);
	CHECK(len == 64 && kp.status == 0 && kp.derived_key[0] != 0);
	CHECK(snp_msg_request(&ctx, SNP_MSG_TSC_INFO_REQ, 1, &tr, sizeof(tr),
	    &tp, sizeof(tp), sizeof(tp), &len, 0, &ei2, &npages) == 0);
	CHECK(len == 128 && tp.guest_tsc_scale == 1ull << 32);
	CHECK(snp_msg_tsc_info_check(&tp, len) == 0);
	CHECK(ctx.seqno == 4);
}

/* A TSC info answer that is short or not SUCCESS is refused. */
static void
tsc_info_refused(void)
{
	struct snp_msg_tsc_info_rsp tp = { .status = 0 };

	CHECK(snp_msg_tsc_info_check(&tp, sizeof(tp)) == 0);
	CHECK(snp_msg_tsc_info_check(&tp, sizeof(tp) - 1) == -EIO);
	CHECK(snp_msg_tsc_info_check(&tp, 0) == -EIO);
	tp.status = 0x16;	/* INVALID_PARAM */
	CHECK(snp_msg_tsc_info_check(&tp, sizeof(tp)) == -EIO);
	tp.status = 1;
	CHECK(snp_msg_tsc_info_check(&tp, sizeof(tp)) == -EIO);
}

/* A bad reply of kind mode: -EBADMSG, key wiped, channel closed. */
static int
bad_reply(enum psp_misbehave mode)
{
	setup(PSP_OK, 0);
	if (report(0, 1) != 0)
		return 0;
	psp.mode = mode;
	if (report(0, 2) != -EBADMSG)
		return 0;
	return key_wiped() && stays_closed() && ctx.seqno == 4;
}

static void wrong_tag(void) { CHECK(bad_reply(PSP_BAD_TAG)); }
static void seqno_reused(void) { CHECK(bad_reply(PSP_SEQ_REUSE)); }
static void seqno_skipped(void) { CHECK(bad_reply(PSP_SEQ_SKIP)); }
static void wrong_type(void) { CHECK(bad_reply(PSP_WRONG_TYPE)); }
static void wrong_version(void) { CHECK(bad_reply(PSP_WRONG_VERSION)); }
static void truncated(void) { CHECK(bad_reply(PSP_TRUNCATED)); }
static void oversized(void) { CHECK(bad_reply(PSP_OVERSIZED)); }
static void foreign_message(void) { CHECK(bad_reply(PSP_FOREIGN)); }
static void replayed_message(void) { CHECK(bad_reply(PSP_REPLAY)); }
static void bad_header(void) { CHECK(bad_reply(PSP_HEADER)); }

static void
oversized_for_buffer(void)
{
	struct snp_msg_key_req kr = { 0 };
	uint8_t small[32];

	setup(PSP_OK, 0);
	/* A valid 64-byte MSG_KEY_RSP does not fit 32 bytes. */
	CHECK(snp_msg_request(&ctx, SNP_MSG_KEY_REQ, 1, &kr, sizeof(kr), small,
	    sizeof(small), 0, &len, 0, &ei2, &npages) == -EBADMSG);
	CHECK(key_wiped());
}

static void
busy_resends_same_ciphertext(void)
{
	setup(PSP_BUSY, 0);
	psp.busy_count = 5;
	CHECK(report(0, 3) == 0);
	CHECK(psp.calls == 6 && psp.fw_calls == 1 && !psp.resend_changed);
	CHECK(!ctx.disabled && ctx.seqno == 2);
}

static void
busy_is_bounded(void)
{
	setup(PSP_BUSY, 0);
	psp.busy_count = 1000000;
	CHECK(report(0, 3) == -ETIMEDOUT);
	CHECK(psp.calls == SNP_REQ_MAX_BUSY + 1 && !psp.resend_changed);
	CHECK(key_wiped() && stays_closed());
}

static void
host_error(void)
{
	setup(PSP_HOST_ERROR, 0);
	CHECK(report(0, 3) == -EIO);
	CHECK(SNP_EXITINFO2_VMM(ei2) == 7 && SNP_EXITINFO2_FW(ei2) == 0);
	CHECK(key_wiped() && stays_closed());
}

static void
firmware_rejects(void)
{
	struct snp_msg_key_req kr = { 0 };
	uint8_t out[64];

	setup(PSP_OK, 0);
	/* A type the firmware does not know: its status in exitinfo2[31:0]. */
	CHECK(snp_msg_request(&ctx, 99, 1, &kr, sizeof(kr), out, sizeof(out),
	    0, &len, 0, &ei2, &npages) == -EIO);
	CHECK(SNP_EXITINFO2_FW(ei2) == 0x16 && key_wiped());
}

static void
ext_invalid_len(void)
{
	setup(PSP_OK, 1);
	CHECK(report(1, 4) == -EIO);
	CHECK(ei2 == SNP_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN) && npages == 3);
	/* Resent as a plain request: the PSP consumed the seqno once. */
	CHECK(psp.ext_calls == 1 && psp.fw_calls == 1 && psp.seqno == 2);
	CHECK(!ctx.disabled && ctx.seqno == 2);
	/* The key stays; the next request is in step. */
	CHECK(report(0, 5) == 0 && rsp.report.report_data[0] == 5);
}

static void
ext_with_certs(void)
{
	setup(PSP_OK, 4);
	CHECK(report(1, 6) == 0 && ei2 == 0);
	CHECK(psp.ext_calls == 1 && certs[0x1000] == 0xce && certs[3 * 4096 - 1] ==
	    0xce && certs[3 * 4096] == 0);
	CHECK(rsp.report.report_data[0] == 6);
}

static void
ext_without_pages(void)
{
	setup(PSP_OK, 0);
	CHECK(report(1, 6) == -EINVAL && psp.calls == 0 && !ctx.disabled);
}

static void
zero_vmpck(void)
{
	psp_reset();
	memset(secrets, 0, sizeof(secrets));
	snp_msg_init(&ctx, secrets, (struct snp_msg_shared *)req_page,
	    GPA(req_page), (struct snp_msg_shared *)resp_page, GPA(resp_page),
	    NULL, 0, 0);
	CHECK(report(0, 1) == -ENOTTY && psp.calls == 0);
}

static void
bad_arguments(void)
{
	uint8_t big[SNP_MSG_PAYLOAD_MAX + 1] = { 0 };

	setup(PSP_OK, 0);
	CHECK(snp_msg_request(&ctx, SNP_MSG_REPORT_REQ, 1, big, sizeof(big),
	    &rsp, sizeof(rsp), 0, &len, 0, &ei2, &npages) == -EINVAL);
	CHECK(snp_msg_request(&ctx, SNP_MSG_REPORT_REQ, 0, big, 96,
	    &rsp, sizeof(rsp), 0, &len, 0, &ei2, &npages) == -EINVAL);
	CHECK(psp.calls == 0 && !ctx.disabled);
}

/* NIST GCM test case 14 (AES-256): BearSSL's ct64 + ctmul64 as built. */
static void
gcm_known_answer(void)
{
	static const uint8_t ct[16] = { 0xce, 0xa7, 0x40, 0x3d, 0x4d, 0x60,
	    0x6b, 0x6e, 0x07, 0x4e, 0xc5, 0xd3, 0xba, 0xf3, 0x9d, 0x18 };
	static const uint8_t tag[16] = { 0xd0, 0xd1, 0xc8, 0xa7, 0x99, 0x99,
	    0x6b, 0xf0, 0x26, 0x5b, 0x98, 0xb5, 0xd4, 0x8a, 0xb9, 0x19 };
	uint8_t key[32] = { 0 }, iv[12] = { 0 }, buf[16] = { 0 }, t[16];
	br_aes_ct64_ctr_keys aes;
	br_gcm_context gc;

	br_aes_ct64_ctr_init(&aes, key, 32);
	br_gcm_init(&gc, &aes.vtable, br_ghash_ctmul64);
	br_gcm_reset(&gc, iv, 12);
	br_gcm_flip(&gc);
	br_gcm_run(&gc, 1, buf, 16);
	br_gcm_get_tag(&gc, t);
	CHECK(memcmp(buf, ct, 16) == 0 && memcmp(t, tag, 16) == 0);
}

int
main(void)
{
	harness_begin("guest_msg");
	RUN(gcm_known_answer);
	RUN(report_ok);
	RUN(request_is_ciphertext);
	RUN(derived_key_and_tsc);
	RUN(tsc_info_refused);
	RUN(wrong_tag);
	RUN(seqno_reused);
	RUN(seqno_skipped);
	RUN(wrong_type);
	RUN(wrong_version);
	RUN(truncated);
	RUN(oversized);
	RUN(oversized_for_buffer);
	RUN(foreign_message);
	RUN(replayed_message);
	RUN(bad_header);
	RUN(busy_resends_same_ciphertext);
	RUN(busy_is_bounded);
	RUN(host_error);
	RUN(firmware_rejects);
	RUN(ext_invalid_len);
	RUN(ext_with_certs);
	RUN(ext_without_pages);
	RUN(zero_vmpck);
	RUN(bad_arguments);
	return harness_done();
}
