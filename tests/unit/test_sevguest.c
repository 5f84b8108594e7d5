/*
 * /dev/sev-guest (kernel/sevguest.c) as a Linux program sees it, with
 * the platform's guest requests served by the message layer
 * (ghcb/guest_msg.c) and the model of the AMD secure processor: the
 * node only in an SNP guest, the three ioctls, Linux's argument checks,
 * when exitinfo2 is written back, the certificate-length probe, and a
 * bad reply closing the channel.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kernel/internal.h"
#include "tests/unit/harness.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/mock_user.h"
#include "tests/unit/psp_model.h"

#define SNP_GET_REPORT		0xc0205300u
#define SNP_GET_DERIVED_KEY	0xc0205301u
#define SNP_GET_EXT_REPORT	0xc0205302u

struct ioc {
	uint8_t msg_version;
	uint64_t req_data, resp_data, exitinfo2;
};

#define U_IOC	0x10000ull		/* user addresses of the test program */
#define U_REQ	0x11000ull
#define U_RESP	0x12000ull
#define U_CERTS	0x20000ull

static uint8_t tar_end[1024];
static struct snp_msg_ctx ctx;
static uint8_t secrets[4096];
static uint8_t req_page[4096], resp_page[4096], certs[4 * 4096];

/* platform/attest.c's part, over the model instead of the shared pool. */
static int
model_request(uint8_t type, uint8_t version, const void *req, size_t rlen,
    void *resp, size_t cap, size_t *len, void *c, size_t *clen,
    uint64_t *ei2)
{
	uint64_t npages = 0;
	int rc;

	ctx.certs_npages = c != NULL ? *clen / 4096 : 0;
	rc = snp_msg_request(&ctx, type, version, req, rlen, resp, cap, 0, len,
	    c != NULL, ei2, &npages);
	if (rc == 0 && c != NULL)
		memcpy(c, certs, *clen);
	if (rc == -EIO && c != NULL &&
	    *ei2 == SNP_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN))
		*clen = npages * 4096;
	return rc;
}

static struct file *
boot(bool snp)
{
	struct file *f = NULL;

	psp_reset();
	psp_secrets_page(secrets);
	snp_msg_init(&ctx, secrets, (struct snp_msg_shared *)req_page,
	    (uintptr_t)req_page, (struct snp_msg_shared *)resp_page,
	    (uintptr_t)resp_page, (struct snp_msg_shared *)certs,
	    (uintptr_t)certs, 4);
	mock_snp_available = snp;
	mock_snp_request = snp ? model_request : NULL;
	fd_reset();
	vfs_reset();
	if (vfs_init(tar_end, sizeof(tar_end)) != 0)
		return NULL;
	vfs_set_cwd(vfs_root());
	mock_user_reset();
	for (uint64_t va = U_IOC; va < U_CERTS + 0x4000; va += 4096)
		plat_user_map_zero(va, PROT_READ | PROT_WRITE);
	if (snp && vfs_open(AT_FDCWD, "/dev/sev-guest", O_RDWR, 0, &f) != 0)
		return NULL;
	return f;
}

static long
ioctl(struct file *f, unsigned cmd, uint8_t version, uint64_t req,
    uint64_t resp, struct ioc *out)
{
	struct ioc io = { version, req, resp, 0x1234 };
	long rc;

	plat_copy_to_user(U_IOC, &io, sizeof(io));
	rc = file_ioctl(f, cmd, U_IOC);
	plat_copy_from_user(out, U_IOC, sizeof(*out));
	return rc;
}

static void
absent_outside_snp(void)
{
	struct file *f = NULL;

	boot(false);
	CHECK(vfs_open(AT_FDCWD, "/dev/sev-guest", O_RDWR, 0, &f) == -ENOENT);
}

static void
get_report(void)
{
	struct file *f = boot(true);
	uint8_t req[96] = { 0 }, resp[4000];
	struct snp_msg_report_rsp *r = (void *)resp;
	struct ioc io;

	CHECK(f != NULL);
	memset(req, 0xab, 64);
	plat_copy_to_user(U_REQ, req, sizeof(req));
	CHECK(ioctl(f, SNP_GET_REPORT, 1, U_REQ, U_RESP, &io) == 0);
	/* exitinfo2 == 0: Linux leaves the caller's struct alone. */
	CHECK(io.exitinfo2 == 0x1234);
	plat_copy_from_user(resp, U_RESP, sizeof(resp));
	CHECK(r->status == 0 && r->report_size == 1184);
	CHECK(resp[0x20 + 0x50] == 0xab && resp[0x20 + 0x8f] == 0xab);
	CHECK(memcmp(resp + 0x20 + 0x90, psp.measurement, 48) == 0);
	file_put(f);
}

static void
linux_argument_checks(void)
{
	struct file *f = boot(true);
	struct ioc io;

	CHECK(f != NULL);
	/* msg_version 0: EINVAL before anything, struct untouched. */
	CHECK(ioctl(f, SNP_GET_REPORT, 0, U_REQ, U_RESP, &io) == -EINVAL);
	CHECK(io.exitinfo2 == 0x1234);
	/* No request buffer: EINVAL, exitinfo2 = SEV_RET_NO_FW_CALL. */
	CHECK(ioctl(f, SNP_GET_REPORT, 1, 0, U_RESP, &io) == -EINVAL);
	CHECK(io.exitinfo2 == ~0ull);
	CHECK(ioctl(f, 0xc0205309u, 1, U_REQ, U_RESP, &io) == -ENOTTY);
	CHECK(ioctl(f, SNP_GET_REPORT, 1, 0x7000000ull, U_RESP, &io) ==
	    -EFAULT);
	CHECK(psp.calls == 0);
	file_put(f);
}

static void
derived_key(void)
{
	struct file *f = boot(true);
	uint8_t req[32] = { 0 }, resp[64];
	struct ioc io;

	CHECK(f != NULL);
	plat_copy_to_user(U_REQ, req, sizeof(req));
	CHECK(ioctl(f, SNP_GET_DERIVED_KEY, 1, U_REQ, U_RESP, &io) == 0);
	plat_copy_from_user(resp, U_RESP, sizeof(resp));
	CHECK(resp[0] == 0 && resp[0x20] != 0);		/* status, key */
	file_put(f);
}

static void
ext_report_probe(void)
{
	struct file *f = boot(true);
	struct { uint8_t data[96]; uint64_t addr; uint32_t len, pad; } req;
	uint8_t c[3 * 4096];
	struct ioc io;

	CHECK(f != NULL);
	memset(&req, 0, sizeof(req));
	req.addr = U_CERTS;
	req.len = 4096;
	plat_copy_to_user(U_REQ, &req, sizeof(req));
	CHECK(ioctl(f, SNP_GET_EXT_REPORT, 1, U_REQ, U_RESP, &io) == -EIO);
	CHECK(io.exitinfo2 >> 32 == 1);		/* vmm_error INVALID_LEN */
	plat_copy_from_user(&req, U_REQ, sizeof(req));
	CHECK(req.len == 3 * 4096);
	CHECK(ioctl(f, SNP_GET_EXT_REPORT, 1, U_REQ, U_RESP, &io) == 0);
	plat_copy_from_user(c, U_CERTS, sizeof(c));
	CHECK(c[0x1000] == 0xce && c[sizeof(c) - 1] == 0xce);
	/* Not a whole number of pages, or more than 16 KiB: EINVAL. */
	req.len = 100;
	plat_copy_to_user(U_REQ, &req, sizeof(req));
	CHECK(ioctl(f, SNP_GET_EXT_REPORT, 1, U_REQ, U_RESP, &io) == -EINVAL);
	req.len = 5 * 4096;
	plat_copy_to_user(U_REQ, &req, sizeof(req));
	CHECK(ioctl(f, SNP_GET_EXT_REPORT, 1, U_REQ, U_RESP, &io) == -EINVAL);
	/* No certificates wanted: a plain report through the ext ioctl. */
	req.len = 0;
	plat_copy_to_user(U_REQ, &req, sizeof(req));
	CHECK(ioctl(f, SNP_GET_EXT_REPORT, 1, U_REQ, U_RESP, &io) == 0);
	file_put(f);
}

static void
bad_reply_closes(void)
{
	struct file *f = boot(true);
	struct ioc io;

	CHECK(f != NULL);
	psp.mode = PSP_BAD_TAG;
	CHECK(ioctl(f, SNP_GET_REPORT, 1, U_REQ, U_RESP, &io) == -EBADMSG);
	/* Checked after a good exchange: exitinfo2 0, the struct untouched. */
	CHECK(io.exitinfo2 == 0x1234);
	psp.mode = PSP_OK;
	CHECK(ioctl(f, SNP_GET_REPORT, 1, U_REQ, U_RESP, &io) == -ENOTTY);
	/* Nothing sent: exitinfo2 is SEV_RET_NO_FW_CALL, written back. */
	CHECK(io.exitinfo2 == ~0ull);
	file_put(f);
}

/* ---- configfs-tsm ---- */

#define TSM	"/sys/kernel/config/tsm/report"

/* open, one read or write, close: as `cat` and `echo >` do. */
static long
attr_io(const char *path, bool write, void *buf, size_t len)
{
	struct file *f;
	long rc = vfs_open(AT_FDCWD, path, write ? O_WRONLY : O_RDONLY, 0, &f);

	if (rc != 0)
		return rc;
	rc = write ? file_write(f, buf, len, 0) : file_read(f, buf, len, 0);
	file_put(f);
	return rc;
}

#define attr_read(p, b, n)	attr_io((p), false, (b), (n))
#define attr_write(p, b, n)	attr_io((p), true, (void *)(b), (n))

static void
tsm_absent_outside_snp(void)
{
	struct file *f = NULL;

	boot(false);
	CHECK(vfs_open(AT_FDCWD, "/sys/kernel/config/tsm/report", O_RDONLY, 0,
	    &f) == -ENOENT);
	CHECK(vfs_mkdir(AT_FDCWD, TSM "/r", 0755) == -ENOENT);
}

static void
tsm_report(void)
{
	struct file *f = boot(true);
	uint8_t blob[2000], in[64];
	char text[32];
	long n;

	CHECK(f != NULL);
	file_put(f);
	CHECK(vfs_mkdir(AT_FDCWD, TSM "/r0", 0755) == 0);
	CHECK(attr_read(TSM "/r0/provider", text, sizeof(text)) == 10 &&
	    memcmp(text, "sev_guest\n", 10) == 0);
	CHECK(attr_read(TSM "/r0/generation", text, sizeof(text)) == 2 &&
	    text[0] == '0');
	CHECK(attr_read(TSM "/r0/privlevel_floor", text, 32) == 2);
	memset(in, 0x5c, sizeof(in));
	CHECK(attr_write(TSM "/r0/inblob", in, 64) == 64);
	CHECK(attr_write(TSM "/r0/inblob", in, 65) == -EFBIG);
	CHECK(attr_read(TSM "/r0/generation", text, sizeof(text)) == 2 &&
	    text[0] == '1');
	/* inblob is write-only, as in Linux (mode 0200). */
	CHECK(attr_read(TSM "/r0/inblob", blob, 64) < 0);
	n = attr_read(TSM "/r0/outblob", blob, sizeof(blob));
	CHECK(n == 1184);
	CHECK(memcmp(blob + 0x50, in, 64) == 0);
	CHECK(memcmp(blob + 0x90, psp.measurement, 48) == 0);
	CHECK(psp.ext_calls == 1 && psp.fw_calls == 1);
	/* Same generation: no new request; reads at an offset. */
	CHECK(vfs_open(AT_FDCWD, TSM "/r0/outblob", O_RDONLY, 0, &f) == 0);
	CHECK(file_lseek(f, 0x90, SEEK_SET) == 0x90);
	CHECK(file_read(f, blob, 48, 0) == 48);
	CHECK(memcmp(blob, psp.measurement, 48) == 0);
	CHECK(file_lseek(f, 1184 - 0x90 - 48, SEEK_CUR) == 1184);
	CHECK(file_read(f, blob, 16, 0) == 0);
	file_put(f);
	CHECK(psp.fw_calls == 1);
	/* The certificate table as auxblob: entry table + the VCEK. */
	n = attr_read(TSM "/r0/auxblob", blob, sizeof(blob));
	CHECK(n == sizeof(blob) && blob[0] == 0x8d);
	CHECK(attr_write(TSM "/r0/privlevel", "2\n", 2) == 2);
	CHECK(attr_write(TSM "/r0/privlevel", "4\n", 2) == -EINVAL);
	CHECK(attr_write(TSM "/r0/privlevel", "x", 1) == -EINVAL);
	CHECK(attr_read(TSM "/r0/outblob", blob, sizeof(blob)) == 1184);
	CHECK(psp.fw_calls == 2 && psp.last_report_req.vmpl == 2);
	CHECK(vfs_unlink(AT_FDCWD, TSM "/r0", AT_REMOVEDIR) == 0);
	CHECK(attr_read(TSM "/r0/outblob", blob, 16) == -ENOENT);
}

static void
tsm_stale_file(void)
{
	struct file *f = boot(true);
	char text[32];

	CHECK(f != NULL);
	file_put(f);
	CHECK(vfs_mkdir(AT_FDCWD, TSM "/a", 0755) == 0);
	CHECK(vfs_open(AT_FDCWD, TSM "/a/generation", O_RDONLY, 0, &f) == 0);
	CHECK(vfs_unlink(AT_FDCWD, TSM "/a", AT_REMOVEDIR) == 0);
	CHECK(vfs_mkdir(AT_FDCWD, TSM "/b", 0755) == 0);
	/* The open file belonged to a; it never reads b's state. */
	CHECK(file_read(f, text, sizeof(text), 0) == -ENXIO);
	file_put(f);
	for (int i = 0; i < 7; i++) {
		char name[64];

		snprintf(name, sizeof(name), TSM "/c%d", i);
		CHECK(vfs_mkdir(AT_FDCWD, name, 0755) == 0);
	}
	CHECK(vfs_mkdir(AT_FDCWD, TSM "/full", 0755) == -ENOSPC);
	CHECK(vfs_open(AT_FDCWD, TSM "/full", O_RDONLY, 0, &f) == -ENOENT);
}

int
main(void)
{
	harness_begin("sevguest");
	RUN(absent_outside_snp);
	RUN(get_report);
	RUN(linux_argument_checks);
	RUN(derived_key);
	RUN(ext_report_probe);
	RUN(bad_reply_closes);
	RUN(tsm_absent_outside_snp);
	RUN(tsm_report);
	RUN(tsm_stale_file);
	fd_reset();
	vfs_reset();
	return harness_done();
}
