/*
 * SEV-SNP guest messages: SNP firmware ABI #56860 chapter 8 ("Guest
 * messages"), sent through the GHCB guest-request NAE event (GHCB spec
 * #56421 section 4.1.8).  The protocol follows Linux's sev-guest driver
 * (drivers/virt/coco/sev-guest) step for step; where Cloister checks
 * more, the comment says so.
 *
 * The hypervisor carries the messages and sees only ciphertext, but it
 * can drop, replay, reorder or forge them.  So: the request is built and
 * encrypted in private memory and only then copied to the shared page;
 * the response is copied out of the shared page once and checked there;
 * the sequence number lives here, in private memory, and a number that
 * may have reached the PSP is never sent again with other contents (an
 * AES-GCM IV reuse would give the key away).  After any failure that
 * leaves the sequence numbers in doubt, VMPCK0 is wiped and the channel
 * stays closed, as Linux's snp_disable_vmpck() does.
 */
#include "ghcb/guest_req.h"

#include <bearssl_aead.h>
#include <bearssl_block.h>
#include <bearssl_hash.h>

/* Clear memory in a way the compiler cannot drop as a dead store. */
static void
wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Host-visible pages are touched only through these two copies. */
static void
shared_put(struct snp_msg_shared *dst, const void *src, size_t n)
{
	volatile uint8_t *d = (volatile uint8_t *)dst;
	const uint8_t *s = src;

	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

static void
shared_get(void *dst, const struct snp_msg_shared *src, size_t n)
{
	const volatile uint8_t *s = (const volatile uint8_t *)src;
	uint8_t *d = dst;

	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

/* #56860 section 8.26: IV = MSG_SEQNO (little-endian), zero-extended. */
static void
gcm_start(br_gcm_context *gc, br_aes_ct64_ctr_keys *aes,
    const uint8_t key[SNP_VMPCK_LEN], const struct snp_guest_msg *msg)
{
	uint8_t iv[SNP_IV_LEN] = { 0 };
	uint64_t seq = msg->hdr.msg_seqno;

	for (int i = 0; i < 8; i++)
		iv[i] = (uint8_t)(seq >> (8 * i));
	br_aes_ct64_ctr_init(aes, key, SNP_VMPCK_LEN);
	br_gcm_init(gc, &aes->vtable, br_ghash_ctmul64);
	br_gcm_reset(gc, iv, sizeof(iv));
	br_gcm_aad_inject(gc, (const uint8_t *)&msg->hdr + SNP_AAD_OFF,
	    SNP_AAD_LEN);
	br_gcm_flip(gc);
}

void
snp_msg_seal(const uint8_t key[SNP_VMPCK_LEN], struct snp_guest_msg *msg)
{
	br_aes_ct64_ctr_keys aes;
	br_gcm_context gc;

	gcm_start(&gc, &aes, key, msg);
	br_gcm_run(&gc, 1, msg->payload, msg->hdr.msg_sz);
	wipe(msg->hdr.authtag, sizeof(msg->hdr.authtag));
	br_gcm_get_tag(&gc, msg->hdr.authtag);
	wipe(&aes, sizeof(aes));
	wipe(&gc, sizeof(gc));
}

int
snp_msg_open(const uint8_t key[SNP_VMPCK_LEN], struct snp_guest_msg *msg)
{
	br_aes_ct64_ctr_keys aes;
	br_gcm_context gc;
	int ok;

	if (msg->hdr.msg_sz > SNP_MSG_PAYLOAD_MAX)
		return 0;
	gcm_start(&gc, &aes, key, msg);
	br_gcm_run(&gc, 0, msg->payload, msg->hdr.msg_sz);
	ok = (int)br_gcm_check_tag(&gc, msg->hdr.authtag);
	if (!ok)
		wipe(msg->payload, msg->hdr.msg_sz);
	wipe(&aes, sizeof(aes));
	wipe(&gc, sizeof(gc));
	return ok;
}

static int
key_is_zero(const uint8_t key[SNP_VMPCK_LEN])
{
	uint8_t acc = 0;

	for (int i = 0; i < SNP_VMPCK_LEN; i++)
		acc |= key[i];
	return acc == 0;
}

void
snp_msg_init(struct snp_msg_ctx *ctx, const uint8_t *secrets_page,
    struct snp_msg_shared *req_page, uint64_t req_gpa,
    struct snp_msg_shared *resp_page, uint64_t resp_gpa,
    struct snp_msg_shared *certs, uint64_t certs_gpa, uint64_t certs_npages)
{
	wipe(ctx, sizeof(*ctx));
	if (secrets_page != NULL)
		for (int i = 0; i < SNP_VMPCK_LEN; i++)
			ctx->vmpck[i] = secrets_page[SNP_SECRETS_VMPCK0_OFF + i];
	ctx->req_page = req_page;
	ctx->req_gpa = req_gpa;
	ctx->resp_page = resp_page;
	ctx->resp_gpa = resp_gpa;
	ctx->certs = certs;
	ctx->certs_gpa = certs_gpa;
	ctx->certs_npages = certs_npages;
	/* Linux: "vmpck id %d is null" refuses to probe. */
	ctx->disabled = key_is_zero(ctx->vmpck) || req_page == NULL ||
	    resp_page == NULL;
}

void
snp_msg_disable(struct snp_msg_ctx *ctx)
{
	wipe(ctx->vmpck, sizeof(ctx->vmpck));
	wipe(&ctx->req, sizeof(ctx->req));
	wipe(&ctx->resp, sizeof(ctx->resp));
	ctx->disabled = 1;
}

/*
 * The checks of Linux's verify_and_dec_payload(), plus the header fields
 * the AAD covers (Cloister rejects a header the PSP would never write
 * before it spends time on the tag).  resp is private memory.
 */
int
snp_msg_check_response(const uint8_t vmpck[SNP_VMPCK_LEN],
    const struct snp_guest_msg *resp, uint64_t seqno, uint8_t msg_type,
    uint8_t msg_version, void *out, size_t out_cap, size_t *out_len)
{
	static struct snp_guest_msg tmp;	/* callers are serialised */
	const struct snp_guest_msg_hdr *h = &resp->hdr;

	if (h->msg_seqno != seqno)
		return -EBADMSG;
	if (h->msg_type != msg_type || h->msg_version != msg_version)
		return -EBADMSG;
	if (h->algo != SNP_AEAD_AES_256_GCM ||
	    h->hdr_version != SNP_MSG_HDR_VERSION ||
	    h->hdr_sz != sizeof(struct snp_guest_msg_hdr) || h->msg_vmpck != 0)
		return -EBADMSG;
	if (h->msg_sz > out_cap || h->msg_sz > SNP_MSG_PAYLOAD_MAX)
		return -EBADMSG;
	tmp.hdr = *h;
	for (size_t i = 0; i < h->msg_sz; i++)
		tmp.payload[i] = resp->payload[i];
	if (!snp_msg_open(vmpck, &tmp)) {
		wipe(&tmp, sizeof(tmp));
		return -EBADMSG;
	}
	for (size_t i = 0; i < h->msg_sz; i++)
		((uint8_t *)out)[i] = tmp.payload[i];
	*out_len = h->msg_sz;
	wipe(&tmp, sizeof(tmp));
	return 0;
}

/* Build and encrypt the request in private memory (Linux enc_payload). */
static void
build_request(struct snp_msg_ctx *ctx, uint64_t seqno, uint8_t msg_type,
    uint8_t msg_version, const void *req, size_t req_len)
{
	struct snp_guest_msg_hdr *h = &ctx->req.hdr;

	wipe(&ctx->req, sizeof(ctx->req));
	h->msg_seqno = seqno;
	h->algo = SNP_AEAD_AES_256_GCM;
	h->hdr_version = SNP_MSG_HDR_VERSION;
	h->hdr_sz = sizeof(*h);
	h->msg_type = msg_type;
	h->msg_version = msg_version;
	h->msg_sz = (uint16_t)req_len;
	h->msg_vmpck = 0;
	for (size_t i = 0; i < req_len; i++)
		ctx->req.payload[i] = ((const uint8_t *)req)[i];
	snp_msg_seal(ctx->vmpck, &ctx->req);
}

/*
 * Send the sealed request, resending the same ciphertext on BUSY
 * (Linux __handle_guest_request), and fall back to a plain request
 * with the same ciphertext when the extended one fails with
 * INVALID_LEN, so the sequence number is consumed by the PSP exactly
 * once.  Returns 0, -EIO (exitinfo2), -ETIMEDOUT, -ENODEV, or 1 for
 * "done, but report INVALID_LEN" (*certs_npages = pages needed).
 */
static int
send_request(struct snp_msg_ctx *ctx, int ext, uint64_t *exitinfo2,
    uint64_t *certs_npages)
{
	uint64_t npages, need = 0;
	int invalid_len = 0, busy = 0, rc;

	for (;;) {
		npages = ext ? ctx->certs_npages : 0;
		/* The host may have changed the page since the last try. */
		shared_put(ctx->req_page, &ctx->req, sizeof(ctx->req));
		rc = snp_guest_request_send(ctx->req_gpa, ctx->resp_gpa,
		    exitinfo2, ext ? ctx->certs_gpa : 0, &npages);
		if (rc < 0)
			return rc;
		if (*exitinfo2 == SNP_VMM_ERR(SNP_GUEST_VMM_ERR_BUSY)) {
			if (++busy > SNP_REQ_MAX_BUSY)
				return -ETIMEDOUT;
			continue;
		}
		if (ext && *exitinfo2 ==
		    SNP_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN)) {
			need = npages;
			invalid_len = 1;
			ext = 0;
			continue;
		}
		break;
	}
	if (*exitinfo2 != 0)
		return -EIO;
	if (invalid_len) {
		*exitinfo2 = SNP_VMM_ERR(SNP_GUEST_VMM_ERR_INVALID_LEN);
		*certs_npages = need;
		return 1;
	}
	return 0;
}

int
snp_msg_request(struct snp_msg_ctx *ctx, uint8_t msg_type,
    uint8_t msg_version, const void *req, size_t req_len, void *resp,
    size_t resp_cap, size_t resp_min, size_t *resp_len, int want_certs,
    uint64_t *exitinfo2, uint64_t *certs_npages)
{
	uint64_t seqno;
	int rc, len_err;

	if (ctx->disabled)
		return -ENOTTY;
	if (req_len > SNP_MSG_PAYLOAD_MAX || msg_version == 0 ||
	    (want_certs && ctx->certs == NULL))
		return -EINVAL;
	/* Linux snp_get_msg_seqno: the counter must not wrap. */
	if (ctx->seqno >= UINT64_MAX - 2) {
		snp_msg_disable(ctx);
		return -EIO;
	}
	seqno = ctx->seqno + 1;
	build_request(ctx, seqno, msg_type, msg_version, req, req_len);
	rc = send_request(ctx, want_certs, exitinfo2, certs_npages);
	if (rc == -ENODEV)
		return rc;
	/*
	 * The message may have reached the PSP: this sequence number is
	 * spent (Linux snp_inc_msg_seqno, before decryption).
	 */
	ctx->seqno += 2;
	if (rc < 0) {
		snp_msg_disable(ctx);
		return rc;
	}
	len_err = rc;
	shared_get(&ctx->resp, ctx->resp_page, sizeof(ctx->resp));
	rc = snp_msg_check_response(ctx->vmpck, &ctx->resp, seqno + 1,
	    msg_type + 1, msg_version, resp, resp_cap, resp_len);
	/* Cloister also rejects a response shorter than its type's. */
	if (rc == 0 && *resp_len < resp_min)
		rc = -EBADMSG;
	wipe(&ctx->resp, sizeof(ctx->resp));
	if (rc < 0) {
		snp_msg_disable(ctx);
		return rc;
	}
	/* INVALID_LEN: the retry's report is dropped, as in Linux. */
	return len_err ? -EIO : 0;
}

int
snp_msg_tsc_info_check(const struct snp_msg_tsc_info_rsp *rsp, size_t len)
{
	if (len != sizeof(*rsp) || rsp->status != 0)
		return -EIO;
	return 0;
}
