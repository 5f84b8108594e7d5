/*
 * /dev/sev-guest: Linux's SEV-SNP guest driver interface
 * (include/uapi/linux/sev-guest.h, drivers/virt/coco/sev-guest), so
 * attestation tools built for Linux run unchanged.  The ioctls carry
 * their payloads straight to the AMD secure processor through
 * plat_snp_guest_request (SNP firmware ABI #56860 chapter 8); the
 * argument checks, the errors, when exitinfo2 is written back and the
 * certificate-length probe follow the Linux driver.
 *
 * The node exists only when the platform can talk to the PSP (an SNP
 * guest with a usable VMPCK0), as Linux registers the misc device only
 * then: elsewhere open() gives ENOENT.
 */
#include "kernel/internal.h"

/* Message types of the SNP firmware ABI (#56860 table "Message types"). */
#define SNP_MSG_KEY_REQ		3
#define SNP_MSG_REPORT_REQ	5

/* include/uapi/linux/sev-guest.h */
struct snp_report_req {
	uint8_t user_data[64];
	uint32_t vmpl;
	uint8_t rsvd[28];
};
_Static_assert(sizeof(struct snp_report_req) == 96, "snp_report_req");

struct snp_report_resp {
	uint8_t data[4000];
};
_Static_assert(sizeof(struct snp_report_resp) == 4000, "snp_report_resp");

struct snp_derived_key_req {
	uint32_t root_key_select;
	uint32_t rsvd;
	uint64_t guest_field_select;
	uint32_t vmpl;
	uint32_t guest_svn;
	uint64_t tcb_version;
};
_Static_assert(sizeof(struct snp_derived_key_req) == 32, "derived_key_req");

struct snp_derived_key_resp {
	uint8_t data[64];
};

struct snp_guest_request_ioctl {
	uint8_t msg_version;
	uint64_t req_data;
	uint64_t resp_data;
	union {
		uint64_t exitinfo2;
		struct {
			uint32_t fw_error;
			uint32_t vmm_error;
		};
	};
};
_Static_assert(sizeof(struct snp_guest_request_ioctl) == 32, "ioctl");
_Static_assert(__builtin_offsetof(struct snp_guest_request_ioctl,
    req_data) == 8, "req_data");
_Static_assert(__builtin_offsetof(struct snp_guest_request_ioctl,
    exitinfo2) == 24, "exitinfo2");

struct snp_ext_report_req {
	struct snp_report_req data;
	uint64_t certs_address;
	uint32_t certs_len;
};
_Static_assert(sizeof(struct snp_ext_report_req) == 112, "ext_report_req");
_Static_assert(__builtin_offsetof(struct snp_ext_report_req,
    certs_address) == 96, "certs_address");

/* _IOWR('S', nr, struct snp_guest_request_ioctl) */
#define SNP_IOWR(nr)	(0xc0000000u | (32u << 16) | ('S' << 8) | (nr))
#define SNP_GET_REPORT		SNP_IOWR(0x0)
#define SNP_GET_DERIVED_KEY	SNP_IOWR(0x1)
#define SNP_GET_EXT_REPORT	SNP_IOWR(0x2)
_Static_assert(SNP_GET_REPORT == 0xc0205300u, "SNP_GET_REPORT");

/* uapi/linux/psp-sev.h: SEV_RET_NO_FW_CALL (-1), "no firmware call". */
#define SEV_RET_NO_FW_CALL	((uint64_t)-1)
#define SEV_FW_BLOB_MAX_SIZE	0x4000
#define SNP_AUTHSIZE		16
#define SNP_VMM_ERR_INVALID_LEN	1

/* Both buffers must be given; the request comes in whole (Linux). */
static long
fetch_req(const struct snp_guest_request_ioctl *io, void *req, size_t size)
{
	if (io->req_data == 0 || io->resp_data == 0)
		return -EINVAL;
	if (plat_copy_from_user(req, io->req_data, size) != 0)
		return -EFAULT;
	return 0;
}

static long
get_report(struct snp_guest_request_ioctl *io)
{
	struct snp_report_req req;
	struct snp_report_resp *resp;
	size_t len;
	long rc;

	if ((rc = fetch_req(io, &req, sizeof(req))) != 0)
		return rc;
	if ((resp = kzalloc(sizeof(*resp) + SNP_AUTHSIZE)) == NULL)
		return -ENOMEM;
	rc = plat_snp_guest_request(SNP_MSG_REPORT_REQ, io->msg_version, &req,
	    sizeof(req), resp->data, sizeof(resp->data), &len, NULL, NULL,
	    &io->exitinfo2);
	if (rc == 0 && plat_copy_to_user(io->resp_data, resp,
	    sizeof(*resp)) != 0)
		rc = -EFAULT;
	kfree(resp);
	return rc;
}

static long
get_derived_key(struct snp_guest_request_ioctl *io)
{
	struct snp_derived_key_req req;
	struct snp_derived_key_resp resp = { { 0 } };
	size_t len;
	long rc;

	if ((rc = fetch_req(io, &req, sizeof(req))) != 0)
		return rc;
	rc = plat_snp_guest_request(SNP_MSG_KEY_REQ, io->msg_version, &req,
	    sizeof(req), resp.data, sizeof(resp.data), &len, NULL, NULL,
	    &io->exitinfo2);
	if (rc == 0 && plat_copy_to_user(io->resp_data, &resp,
	    sizeof(resp)) != 0)
		rc = -EFAULT;
	memset(&resp, 0, sizeof(resp));		/* the key */
	return rc;
}

static long
get_ext_report(struct snp_guest_request_ioctl *io)
{
	struct snp_ext_report_req req;
	struct snp_report_resp *resp;
	void *certs = NULL;
	size_t len, certs_len = 0;
	long rc;

	if ((rc = fetch_req(io, &req, sizeof(req))) != 0)
		return rc;
	/* certs_len 0 or no address: the caller wants no certificates. */
	if (req.certs_len != 0 && req.certs_address != 0) {
		if (req.certs_len > SEV_FW_BLOB_MAX_SIZE ||
		    req.certs_len % 4096 != 0)
			return -EINVAL;
		certs_len = req.certs_len;
	}
	resp = kzalloc(sizeof(*resp) + SNP_AUTHSIZE);
	if (certs_len != 0 && resp != NULL)
		certs = kzalloc(certs_len);
	if (resp == NULL || (certs_len != 0 && certs == NULL)) {
		kfree(resp);
		return -ENOMEM;
	}
	rc = plat_snp_guest_request(SNP_MSG_REPORT_REQ, io->msg_version,
	    &req.data, sizeof(req.data), resp->data, sizeof(resp->data), &len,
	    certs_len != 0 ? certs : NULL, &certs_len, &io->exitinfo2);
	/* The probe: tell the caller how much room the certificates need. */
	if (io->vmm_error == SNP_VMM_ERR_INVALID_LEN) {
		req.certs_len = (uint32_t)certs_len;
		if (plat_copy_to_user(io->req_data, &req, sizeof(req)) != 0)
			rc = -EFAULT;
	}
	if (rc == 0 && certs != NULL && plat_copy_to_user(req.certs_address,
	    certs, req.certs_len) != 0)
		rc = -EFAULT;
	if (rc == 0 && plat_copy_to_user(io->resp_data, resp,
	    sizeof(*resp)) != 0)
		rc = -EFAULT;
	kfree(certs);
	kfree(resp);
	return rc;
}

static long
sevguest_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
	struct snp_guest_request_ioctl io;
	long rc = -ENOTTY;

	if (plat_copy_from_user(&io, arg, sizeof(io)) != 0)
		return -EFAULT;
	io.exitinfo2 = SEV_RET_NO_FW_CALL;
	if (io.msg_version == 0)
		return -EINVAL;
	switch (cmd) {
	case SNP_GET_REPORT:
		rc = get_report(&io);
		break;
	case SNP_GET_DERIVED_KEY:
		rc = get_derived_key(&io);
		break;
	case SNP_GET_EXT_REPORT:
		rc = get_ext_report(&io);
		break;
	default:
		break;
	}
	/* Linux writes the struct back whenever exitinfo2 says something. */
	if (io.exitinfo2 != 0 && plat_copy_to_user(arg, &io, sizeof(io)) != 0)
		return -EFAULT;
	return rc;
}

static const struct file_ops sevguest_ops = {
	.ioctl = sevguest_ioctl,
	.stat = vfile_stat,
	.release = vfile_release,
};

bool
sevguest_present(void)
{
	return plat_snp_guest_available();
}

int
sevguest_open(struct vnode *vn, uint32_t flags, struct vnode *pdir,
    const char *name, struct file **out)
{
	if (!plat_snp_guest_available())
		return -ENXIO;
	return vfile_make(vn, &sevguest_ops, flags, pdir, name, NULL, out);
}
