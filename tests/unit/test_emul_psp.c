/*
 * snp=emulate's stand-in secure processor (ghcb/emulate_psp.c) driven by
 * the real guest-message layer (ghcb/guest_msg.c), with this file as the
 * transport: the report carries the caller's data and the measurement
 * and host data of the kernel options, and is marked as a test report
 * (signing key "none", zero signature, the CHIP_ID text); sequence
 * numbers advance; derived keys and TSC info are refused by status, with
 * the channel kept; a request under another key, or a replayed one, is
 * refused as the firmware refuses it.
 */
#include <stdint.h>
#include <string.h>

#include "tests/unit/harness.h"
#include "ghcb/internal.h"
#include "ghcb/guest_req.h"

static struct snp_emul_psp psp;
static struct snp_msg_ctx ctx;
static uint8_t secrets[4096];
static uint8_t req_page[4096] __attribute__((aligned(4096)));
static uint8_t resp_page[4096] __attribute__((aligned(4096)));
static uint8_t certs[2 * 4096] __attribute__((aligned(4096)));
static struct snp_msg_report_rsp rsp;
static uint64_t ei2, npages;
static size_t len;
static int replay;			/* send the previous request again */
static uint8_t prev_req[4096];

#define GPA(p)	((uint64_t)(uintptr_t)(p))
#define CMDLINE	"console=raw snp=emulate emulate.measurement=" \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" \
	"202122232425262728292a2b2c2d2e2f emulate.host_data=c0ffee -- " \
	"emulate.host_data=ff"

int
snp_guest_request_send(uint64_t req_gpa, uint64_t resp_gpa,
    uint64_t *exitinfo2, uint64_t certs_gpa, uint64_t *certs_npages)
{
	const void *rq = (const void *)(uintptr_t)req_gpa;

	if (replay)
		rq = prev_req;
	else
		memcpy(prev_req, rq, sizeof(prev_req));
	*exitinfo2 = snp_emul_psp_request(&psp, rq,
	    (void *)(uintptr_t)resp_gpa, (void *)(uintptr_t)certs_gpa,
	    certs_gpa != 0 ? *certs_npages : 0);
	return 0;
}

static void
setup(const char *cmdline)
{
	snp_emul_psp_init(&psp, secrets, cmdline);
	snp_msg_init(&ctx, secrets, (struct snp_msg_shared *)req_page,
	    GPA(req_page), (struct snp_msg_shared *)resp_page, GPA(resp_page),
	    (struct snp_msg_shared *)certs, GPA(certs), 2);
	replay = 0;
}

static int
report(int ext, uint8_t fill, uint32_t vmpl)
{
	struct snp_msg_report_req rq = { .vmpl = vmpl };

	memset(rq.report_data, fill, sizeof(rq.report_data));
	memset(&rsp, 0, sizeof(rsp));
	return snp_msg_request(&ctx, SNP_MSG_REPORT_REQ, 1, &rq, sizeof(rq),
	    &rsp, sizeof(rsp), sizeof(rsp), &len, ext, &ei2, &npages);
}

static void
secrets_page(void)
{
	setup("");
	CHECK(secrets[0] == 3);
	CHECK(memcmp(secrets + 0x20, "CLOISTER EMULATED PSP TEST VMPCK", 32)
	    == 0);
	CHECK(!ctx.disabled);
}

static void
test_report(void)
{
	static const uint8_t zero[512];
	struct snp_attestation_report *r = &rsp.report;

	setup(CMDLINE);
	CHECK(report(0, 0x5a, 0) == 0);
	CHECK(ei2 == 0 && len == sizeof(rsp));
	CHECK(rsp.status == 0 && rsp.report_size == 0x4a0);
	CHECK(r->version == 3 && r->signature_algo == 1 && r->vmpl == 0);
	CHECK(r->policy == 0x30000);
	for (int i = 0; i < 64; i++)
		CHECK(r->report_data[i] == 0x5a);
	for (int i = 0; i < 48; i++)
		CHECK(r->measurement[i] == i);
	CHECK(r->host_data[0] == 0xc0 && r->host_data[1] == 0xff &&
	    r->host_data[2] == 0xee && r->host_data[3] == 0);
	/* Unmistakably a test report. */
	CHECK((r->flags >> 2 & 7) == 7);
	CHECK(memcmp(r->signature, zero, sizeof(zero)) == 0);
	CHECK(memcmp(r->chip_id, "CLOISTER TEST REPORT", 20) == 0);
	CHECK(memcmp(r->chip_id, SNP_EMUL_TEST_CHIP_ID,
	    sizeof(SNP_EMUL_TEST_CHIP_ID) - 1) == 0);
	/* Sequence numbers: request 1, response 2; then 3 and 4. */
	CHECK(ctx.seqno == 2 && psp.seqno == 2);
	CHECK(report(0, 0x11, 3) == 0 && r->vmpl == 3 && psp.seqno == 4);
	CHECK(psp.requests == 2);
}

static void
no_options(void)
{
	static const uint8_t zero[48];

	setup("console=raw emulate.measurement=zz emulate.host_data=00112");
	CHECK(report(0, 1, 0) == 0);
	CHECK(memcmp(rsp.report.measurement, zero, 48) == 0);
	CHECK(memcmp(rsp.report.host_data, zero, 32) == 0);
	setup("emulate.measurement=" "0011223344556677889900112233445566778899"
	    "00112233445566778899001122334455667788990011223344556677889900");
	CHECK(report(0, 1, 0) == 0);	/* 49 bytes: too long, ignored */
	CHECK(memcmp(rsp.report.measurement, zero, 48) == 0);
}

static void
bad_vmpl(void)
{
	setup("");
	CHECK(report(0, 1, 4) == 0);
	CHECK(rsp.status == 0x16);
	CHECK(!ctx.disabled);
}

static void
extended_no_certs(void)
{
	setup("");
	memset(certs, 0xee, sizeof(certs));
	npages = 0;
	CHECK(report(1, 2, 0) == 0);
	for (int i = 0; i < 24; i++)
		CHECK(certs[i] == 0);	/* an empty table */
}

static void
key_and_tsc_refused(void)
{
	struct snp_msg_key_req kr = { 0 };
	struct snp_msg_key_rsp krsp;
	struct snp_msg_tsc_info_req tr = { 0 };
	struct snp_msg_tsc_info_rsp trsp;

	setup("");
	memset(&krsp, 0xff, sizeof(krsp));
	CHECK(snp_msg_request(&ctx, SNP_MSG_KEY_REQ, 1, &kr, sizeof(kr), &krsp,
	    sizeof(krsp), sizeof(krsp), &len, 0, &ei2, &npages) == 0);
	CHECK(krsp.status == 0x16);
	for (int i = 0; i < 32; i++)
		CHECK(krsp.derived_key[i] == 0);
	CHECK(snp_msg_request(&ctx, SNP_MSG_TSC_INFO_REQ, 1, &tr, sizeof(tr),
	    &trsp, sizeof(trsp), sizeof(trsp), &len, 0, &ei2, &npages) == 0);
	CHECK(trsp.status == 0x16);
	CHECK(report(0, 3, 0) == 0);	/* the channel stays open */
}

static void
wrong_key_refused(void)
{
	setup("");
	ctx.vmpck[0] ^= 1;
	CHECK(report(0, 1, 0) == -EIO);
	CHECK(ei2 == 0x16);
	CHECK(ctx.disabled);		/* as Linux: any firmware error */
	CHECK(psp.seqno == 0);
}

static void
replay_refused(void)
{
	setup("");
	CHECK(report(0, 1, 0) == 0);
	replay = 1;			/* the host sends the old request */
	CHECK(report(0, 1, 0) == -EIO);
	CHECK(ei2 == 0x16 && psp.seqno == 2);
}

static void
bad_version_refused(void)
{
	struct snp_msg_report_req rq = { .vmpl = 0 };

	setup("");
	CHECK(snp_msg_request(&ctx, SNP_MSG_REPORT_REQ, 2, &rq, sizeof(rq),
	    &rsp, sizeof(rsp), sizeof(rsp), &len, 0, &ei2, &npages) == -EIO);
	CHECK(ei2 == 0x16);
}

int
main(void)
{
	harness_begin("emul_psp");
	RUN(secrets_page);
	RUN(test_report);
	RUN(no_options);
	RUN(bad_vmpl);
	RUN(extended_no_certs);
	RUN(key_and_tsc_refused);
	RUN(wrong_key_refused);
	RUN(replay_refused);
	RUN(bad_version_refused);
	return harness_done();
}
