/*
 * One exchange over the GHCB page ([GHCB] "Invoking VMGEXIT"): the
 * request is built in private memory, copied into the shared page, the
 * hypervisor runs, and the page is copied back into private memory ONCE
 * before anything in it is looked at.  The response is then checked:
 *   - sw_exit_info_1[31:0] is 0 (done), 1 (exception) or 2 (refused);
 *   - an exception must be a valid hardware exception, #GP or #UD (the
 *     only ones an emulated instruction can raise; anything else is the
 *     hypervisor trying to steer the guest);
 *   - every register the event returns is marked in the valid bitmap;
 *   - lengths and the scratch area come back as sent.
 * A failed check is a termination request; the value is never used.
 */
#include "ghcb/internal.h"

/* Private copies: the request as built and the response as received. */
#define SAVE_AREA_LEN	(offsetof(struct ghcb, valid_bitmap) + 16)	/* 0x400 */
static struct ghcb req_page;
static struct ghcb resp_page;

static void
bit_set(uint8_t *map, unsigned bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static bool
bit_test(const uint8_t *map, unsigned bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1;
}

void
ghcb_exit_init(struct ghcb_exit *e, uint64_t code, uint64_t info1,
    uint64_t info2)
{
	*e = (struct ghcb_exit){ .code = code, .info1 = info1,
	    .info2 = info2 };
}

void
ghcb_exit_in(struct ghcb_exit *e, unsigned bit, uint64_t v)
{
	switch (bit) {
	case GHCB_BIT(rax): e->rax = v; break;
	case GHCB_BIT(rbx): e->rbx = v; break;
	case GHCB_BIT(rcx): e->rcx = v; break;
	case GHCB_BIT(rdx): e->rdx = v; break;
	case GHCB_BIT(rsi): e->rsi = v; break;
	case GHCB_BIT(cpl): e->cpl = (uint8_t)v; break;
	case GHCB_BIT(sw_scratch): e->scratch = v; break;
	default: break;
	}
	bit_set(e->in_valid, bit);
}

void
ghcb_exit_need(struct ghcb_exit *e, unsigned bit)
{
	bit_set(e->out_need, bit);
}

static void
build_request(const struct ghcb_exit *e, struct ghcb *g)
{
	__builtin_memset(g, 0, SAVE_AREA_LEN);
	g->sw_exit_code = e->code;
	g->sw_exit_info_1 = e->info1;
	g->sw_exit_info_2 = e->info2;
	g->rax = e->rax;
	g->rbx = e->rbx;
	g->rcx = e->rcx;
	g->rdx = e->rdx;
	g->rsi = e->rsi;
	g->cpl = e->cpl;
	g->sw_scratch = e->scratch;
	__builtin_memcpy(g->valid_bitmap, e->in_valid, 16);
	bit_set(g->valid_bitmap, GHCB_BIT(sw_exit_code));
	bit_set(g->valid_bitmap, GHCB_BIT(sw_exit_info_1));
	bit_set(g->valid_bitmap, GHCB_BIT(sw_exit_info_2));
	g->protocol_version = GHCB_PROTOCOL_MAX;
	g->ghcb_usage = 0;		/* the standard GHCB format */
}

enum ghcb_result
ghcb_check_response(struct ghcb_exit *e, const struct ghcb *r)
{
	uint32_t status = (uint32_t)r->sw_exit_info_1;
	uint64_t ev;

	if (status == GHCB_HV_RESP_REFUSED)
		return GHCB_REFUSED;
	if (status == GHCB_HV_RESP_EXCEPTION) {
		ev = r->sw_exit_info_2;
		if (!(ev & EVENTINJ_VALID) ||
		    EVENTINJ_TYPE(ev) != EVENTINJ_TYPE_EXC ||
		    (EVENTINJ_VECTOR(ev) != VEC_GP &&
		    EVENTINJ_VECTOR(ev) != VEC_UD))
			snp_terminate(SNP_TERM_SET_CLOISTER,
			    SNP_TERM_BAD_INJECT);
		e->exc_vector = EVENTINJ_VECTOR(ev);
		snp.last_exc = e->exc_vector;
		return GHCB_EXCEPTION;
	}
	if (status != GHCB_HV_RESP_OK)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_BAD_EXIT_INFO);
	/* The scratch area (where our buffer is) is ours, not the host's. */
	if (bit_test(e->in_valid, GHCB_BIT(sw_scratch)) &&
	    r->sw_scratch != e->scratch)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_BAD_LENGTH);
	for (unsigned bit = 0; bit < 128; bit++)
		if (bit_test(e->out_need, bit) &&
		    !bit_test(r->valid_bitmap, bit))
			snp_terminate(SNP_TERM_SET_CLOISTER,
			    SNP_TERM_BAD_BITMAP);
	e->rax = r->rax;
	e->rbx = r->rbx;
	e->rcx = r->rcx;
	e->rdx = r->rdx;
	e->info2 = r->sw_exit_info_2;
	if (e->buf_out != NULL)
		__builtin_memcpy(e->buf_out, r->shared_buffer, e->buf_out_len);
	return GHCB_OK;
}

enum ghcb_result
ghcb_call(struct ghcb_exit *e)
{
	volatile struct ghcb *page = snp.ghcb.page;
	enum ghcb_result res;
	bool irq;

	if (!snp.ghcb_ready || e->buf_in_len > GHCB_SHARED_BUF_SIZE ||
	    e->buf_out_len > GHCB_SHARED_BUF_SIZE)
		snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
	irq = snp_hw_irq_save();
	build_request(e, &req_page);
	if (e->buf_in != NULL)
		__builtin_memcpy(req_page.shared_buffer, e->buf_in,
		    e->buf_in_len);
	/* Copy in: the save area, then the buffer, then the trailer. */
	__builtin_memcpy((void *)page, &req_page, SAVE_AREA_LEN);
	__builtin_memcpy((void *)page->shared_buffer, req_page.shared_buffer,
	    e->buf_in_len);
	page->protocol_version = req_page.protocol_version;
	page->ghcb_usage = req_page.ghcb_usage;
	snp_hw_ghcb_msr_write(snp.ghcb.pa);
	snp_hw_vmgexit();
	/* Copy out once; only the private copy is examined. */
	__builtin_memcpy(&resp_page, (const void *)page, SAVE_AREA_LEN);
	__builtin_memcpy(resp_page.shared_buffer,
	    (const void *)page->shared_buffer, e->buf_out_len);
	res = ghcb_check_response(e, &resp_page);
	snp_hw_irq_restore(irq);
	return res;
}
