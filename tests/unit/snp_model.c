/*
 * The hypervisor + secure processor model behind ghcb/'s hardware seam
 * (see snp_model.h).  Each handler follows the spec's description of
 * what an honest hypervisor does for the request; the lies are applied
 * on top, one class at a time.
 *
 * A decoder-sized file of cases: longer than most, one case per request.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/snp_model.h"

struct model model;
uint8_t model_ghcb_page[4096] __attribute__((aligned(4096)));
struct hv_doorbell model_hvdb_page __attribute__((aligned(4096)));
struct snp_cpuid_table model_cpuid_page;
static uint8_t model_ram[MODEL_PAGES * 4096ull] __attribute__((aligned(4096)));
static const struct arch_io_ops *installed_ops;

uint64_t
model_dmap_base(void)
{
	return (uint64_t)(uintptr_t)model_ram;
}

static void
add_fn(struct snp_cpuid_table *t, uint32_t leaf, uint32_t sub, uint32_t a,
    uint32_t b, uint32_t c, uint32_t d)
{
	struct snp_cpuid_fn *f = &t->fn[t->count++];

	f->eax_in = leaf;
	f->ecx_in = sub;
	f->eax = a;
	f->ebx = b;
	f->ecx = c;
	f->edx = d;
}

void
model_build_cpuid_page(struct snp_cpuid_table *t)
{
	memset(t, 0, sizeof(*t));
	add_fn(t, 0, 0, 0xd, 0x68747541, 0x444d4163, 0x69746e65);
	add_fn(t, 1, 0, 0x00a00f11, 0x00000800, 0x7ef8320b | (1u << 27),
	    0x178bfbff);
	add_fn(t, 7, 0, 0, 0x219c97a9, 0x0040068c, 0x10);
	add_fn(t, 0xd, 0, 0x7, 0x340, 0x340, 0);
	add_fn(t, 0xd, 1, 0xf, 0x340, 0, 0);
	add_fn(t, 0xd, 2, 0x100, 0x240, 0, 0);
	add_fn(t, 0x80000000, 0, 0x80000021, 0x68747541, 0x444d4163,
	    0x69746e65);
	add_fn(t, 0x80000001, 0, 0x00a00f11, 0, 0x75c237ff, 0x2fd3fbff);
	add_fn(t, 0x80000008, 0, 0x3030, 0, 0, 0);
	/* EBX[5:0] C-bit, [11:6] physical address bits lost (1). */
	add_fn(t, 0x8000001f, 0, 0x1b, MODEL_CBIT | (1u << 6), 0, 0);
	add_fn(t, 0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
}

void
model_reset(void)
{
	memset(&model, 0, sizeof(model));
	memset(&snp, 0, sizeof(snp));
	memset(model_ghcb_page, 0, sizeof(model_ghcb_page));
	memset(&model_hvdb_page, 0, sizeof(model_hvdb_page));
	model.sev_status = SEV_STATUS_SEV | SEV_STATUS_ES | SEV_STATUS_SNP;
	model.sev_cpuid = true;
	model.ram = model_ram;
	model.code_va = 0xffffffff80100000ull;
	model_build_cpuid_page(&model_cpuid_page);
	installed_ops = NULL;
}

void
model_boot(void)
{
	snp_detect(&model_cpuid_page, model_dmap_base());
	snp_ghcb_init(model_ghcb_page, MODEL_GHCB_GPA);
}

struct trap_frame
model_vc_frame(const void *insn, size_t n, uint64_t exit_code, bool user)
{
	struct trap_frame f = { 0 };

	memset(model.code, 0x90, sizeof(model.code));
	memcpy(model.code, insn, n);
	f.rip = model.code_va;
	f.cs = user ? (GDT_UCODE | 3) : GDT_KCODE;
	f.error = exit_code;
	return f;
}

/* Should this exchange carry the configured lie? */
static bool
lie_now(enum model_lie which)
{
	if (model.lie != which)
		return false;
	if (model.lie_after > 0) {
		model.lie_after--;
		return false;
	}
	return true;
}

static void
terminate(uint64_t msr)
{
	model.terminated = true;
	model.term_set = (msr >> 12) & 0xf;
	model.term_code = (msr >> 16) & 0xff;
	if (model.jb == NULL)
		abort();		/* a termination nobody expected */
	longjmp(*model.jb, 1);
}

/* RMPUPDATE as the hypervisor does it for a page-state change. */
static int
rmp_change(uint64_t gfn, int op, bool huge)
{
	if (gfn >= MODEL_PAGES || (op != SNP_PSC_OP_PRIVATE &&
	    op != SNP_PSC_OP_SHARED))
		return -1;
	if (op == SNP_PSC_OP_SHARED && model.rmp[gfn].validated)
		model.shared_validated = true;	/* the guest skipped rescind */
	model.rmp[gfn].assigned = op == SNP_PSC_OP_PRIVATE;
	model.rmp[gfn].validated = false;	/* RMPUPDATE clears it */
	model.rmp[gfn].huge = huge && op == SNP_PSC_OP_PRIVATE;
	if (lie_now(LIE_REMAP))
		model.rmp[gfn].validated = true;
	return 0;
}

static uint64_t
msr_protocol(uint64_t req)
{
	uint64_t gfn;
	unsigned cbit = MODEL_CBIT;

	switch (req & GHCB_MSR_INFO_MASK) {
	case GHCB_MSR_SEV_INFO_REQ:
		if (lie_now(LIE_SEV_INFO_CODE))
			return GHCB_MSR_HV_FT_RESP;
		if (lie_now(LIE_CBIT))
			cbit = 47;
		if (lie_now(LIE_CBIT_INSANE))
			cbit = 12;
		/* GHCBData[63:48] max, [47:32] min, [31:24] C-bit. */
		return ((uint64_t)(lie_now(LIE_PROTO_OLD) ? 1 : 2) << 48) |
		    (1ull << 32) | ((uint64_t)cbit << 24) |
		    GHCB_MSR_SEV_INFO_RESP;
	case GHCB_MSR_HV_FT_REQ:
		return GHCB_MSR_HV_FT_RESP |
		    ((lie_now(LIE_HV_NO_SNP) ? 0ull : 0x3ull) << 12);
	case GHCB_MSR_REG_GPA_REQ:
		gfn = req >> 12;
		model.ghcb_gpa = gfn << 12;
		if (lie_now(LIE_REG_CODE))
			return GHCB_MSR_SEV_INFO_RESP;
		if (lie_now(LIE_REG_ECHO))
			gfn++;
		return GHCB_MSR_REG_GPA_RESP | (gfn << 12);
	case GHCB_MSR_PSC_REQ:
		gfn = (req >> 12) & ((1ull << 40) - 1);
		if (lie_now(LIE_MSR_PSC) ||
		    rmp_change(gfn, (int)((req >> 52) & 0xf), false) != 0)
			return GHCB_MSR_PSC_RESP | (1ull << 32);
		return GHCB_MSR_PSC_RESP;
	case GHCB_MSR_TERM_REQ:
		terminate(req);
		return 0;
	default:
		return 0;	/* unknown request: GHCBInfo 0 */
	}
}

/* ---- GHCB page exchanges ---- */

/* The request's valid bitmap (the page's is rebuilt for the response). */
static uint8_t in_valid[16];

static bool
valid(const struct ghcb *g, unsigned bit)
{
	return (in_valid[bit / 8] >> (bit % 8)) & 1;
}

static void
set_valid(struct ghcb *g, unsigned bit)
{
	g->valid_bitmap[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void
refuse(struct ghcb *g, uint64_t reason)
{
	g->sw_exit_info_1 = GHCB_HV_RESP_REFUSED;
	g->sw_exit_info_2 = reason;
}

static void
inject_gp(struct ghcb *g)
{
	g->sw_exit_info_1 = GHCB_HV_RESP_EXCEPTION;
	g->sw_exit_info_2 = EVENTINJ_VALID | (EVENTINJ_TYPE_EXC << 8) | VEC_GP;
}

static unsigned
io_size(uint64_t info1)
{
	return (info1 & IOIO_SZ8) ? 1 : (info1 & IOIO_SZ16) ? 2 : 4;
}

static void
port_write(uint16_t port, const uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		model.ports[(uint16_t)(port + i)] = p[i];
		if (model.port_log_len < sizeof(model.port_log))
			model.port_log[model.port_log_len++] = p[i];
	}
}

static void
nae_ioio(struct ghcb *g)
{
	uint64_t info1 = model.last_info1;
	uint16_t port = (uint16_t)(info1 >> 16);
	unsigned size = io_size(info1);
	uint64_t v = 0;

	if (info1 & IOIO_STR) {
		uint64_t count = model.last_info2;

		if (!valid(g, GHCB_BIT(sw_scratch)) ||
		    g->sw_scratch != model.ghcb_gpa + GHCB_SHARED_BUF_OFF ||
		    count * size > GHCB_SHARED_BUF_SIZE)
			return refuse(g, 3);	/* invalid scratch area */
		for (uint64_t i = 0; i < count; i++) {
			uint8_t *p = g->shared_buffer + i * size;

			if (info1 & IOIO_TYPE_IN)
				memcpy(p, &model.ports[port], size);
			else
				port_write(port, p, size);
		}
		return;
	}
	if (!(info1 & IOIO_TYPE_IN)) {
		if (!valid(g, GHCB_BIT(rax)))
			return refuse(g, 4);	/* missing input */
		v = g->rax;
		if (model.port_out != NULL)
			model.port_out(port, (uint32_t)v, size);
		else
			port_write(port, (const uint8_t *)&v, size);
		return;
	}
	if (model.port_in != NULL)
		v = model.port_in(port, size);
	else
		memcpy(&v, &model.ports[port], size);
	g->rax = v;
	set_valid(g, GHCB_BIT(rax));
}

static void
nae_msr(struct ghcb *g)
{
	uint32_t msr = (uint32_t)g->rcx;
	int i, free_slot = -1;

	if (!valid(g, GHCB_BIT(rcx)))
		return refuse(g, 4);
	for (i = 0; i < 8; i++) {
		if (model.msr_num[i] == msr && msr != 0)
			break;
		if (model.msr_num[i] == 0 && free_slot < 0)
			free_slot = i;
	}
	if (model.last_info1 == 1) {
		if (!valid(g, GHCB_BIT(rax)) || !valid(g, GHCB_BIT(rdx)))
			return refuse(g, 4);
		if (i == 8 && free_slot < 0)
			return inject_gp(g);
		if (i == 8)
			i = free_slot;
		model.msr_num[i] = msr;
		model.msr_val[i] = (g->rdx << 32) | (uint32_t)g->rax;
		return;
	}
	if (i == 8)
		return inject_gp(g);	/* an MSR the "CPU" lacks */
	g->rax = (uint32_t)model.msr_val[i];
	g->rdx = model.msr_val[i] >> 32;
	set_valid(g, GHCB_BIT(rax));
	set_valid(g, GHCB_BIT(rdx));
}

static void
nae_mmio(struct ghcb *g, bool write)
{
	uint64_t gpa = model.last_info1, len = model.last_info2;

	if (!valid(g, GHCB_BIT(sw_scratch)) ||
	    g->sw_scratch != model.ghcb_gpa + GHCB_SHARED_BUF_OFF)
		return refuse(g, 3);
	if (gpa < MODEL_MMIO_GPA || len > 8 ||
	    gpa + len > MODEL_MMIO_GPA + sizeof(model.mmio))
		return inject_gp(g);
	if (write)
		memcpy(&model.mmio[gpa - MODEL_MMIO_GPA], g->shared_buffer, len);
	else
		memcpy(g->shared_buffer, &model.mmio[gpa - MODEL_MMIO_GPA], len);
}

/* One PSC entry's work; false when the entry is bad. */
static bool
psc_entry(uint64_t *e, bool half)
{
	uint64_t gfn = (*e >> 12) & ((1ull << 40) - 1);
	int op = (int)((*e >> 52) & 0xf);
	bool huge = PSC_ENTRY_HUGE(*e);
	unsigned cur = PSC_ENTRY_CUR_PAGE(*e), end = huge ? 512 : 1;

	if (half && huge && cur < 256)
		end = 256;
	for (; cur < end; cur++)
		if (lie_now(LIE_PSC_SKIP) || rmp_change(gfn + cur, op,
		    huge && model.huge_rmp) != 0)
			if (model.lie != LIE_PSC_SKIP)
				return false;
	*e = (*e & ~0xfffull) | cur;
	return true;
}

static void
nae_psc(struct ghcb *g)
{
	struct psc_desc *d = (struct psc_desc *)g->shared_buffer;
	unsigned done = 0, start = d->hdr.cur_entry;

	model.psc_exits++;
	if (!valid(g, GHCB_BIT(sw_scratch)) ||
	    g->sw_scratch != model.ghcb_gpa + GHCB_SHARED_BUF_OFF ||
	    d->hdr.end_entry >= PSC_MAX_ENTRY)
		return refuse(g, 3);
	g->sw_exit_info_2 = 0;
	if (lie_now(LIE_PSC_STALL)) {
		model.lie_after = 0;	/* keep stalling */
		return;
	}
	while (d->hdr.cur_entry <= d->hdr.end_entry) {
		uint64_t *e = &d->entries[d->hdr.cur_entry];
		bool half = model.psc_per_exit == 1 && PSC_ENTRY_HUGE(*e);

		if (model.psc_per_exit && done == model.psc_per_exit)
			break;
		if (!psc_entry(e, half)) {
			g->sw_exit_info_2 = 2ull << 32;	/* invalid entry */
			return;
		}
		done++;
		if (PSC_ENTRY_CUR_PAGE(*e) < (PSC_ENTRY_HUGE(*e) ? 512u : 1u))
			break;		/* a 2 MiB entry half done */
		d->hdr.cur_entry++;
	}
	if (lie_now(LIE_PSC_BACKWARDS) && start > 0)
		d->hdr.cur_entry = (uint16_t)(start - 1);
	if (lie_now(LIE_PSC_PAGE_BACK))
		d->entries[start] = (d->entries[start] & ~0xfffull) | 1;
	if (lie_now(LIE_PSC_END))
		d->hdr.end_entry++;
	if (lie_now(LIE_PSC_TAMPER))
		d->entries[0] ^= 1ull << 12;
	if (lie_now(LIE_PSC_ERROR))
		g->sw_exit_info_2 = 1ull << 32;
}

static void
generic_lies(struct ghcb *g)
{
	if (lie_now(LIE_BITMAP))
		memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	if (lie_now(LIE_INJECT)) {
		g->sw_exit_info_1 = GHCB_HV_RESP_EXCEPTION;
		g->sw_exit_info_2 = EVENTINJ_VALID |
		    ((uint64_t)model.lie_type << 8) | model.lie_vector;
	}
	if (lie_now(LIE_EXIT_INFO))
		g->sw_exit_info_1 = 7;
	if (lie_now(LIE_REFUSE))
		refuse(g, 2);
	if (lie_now(LIE_SCRATCH))
		g->sw_scratch += 8;
}

/* Take n bytes of fuzz input (zeroes once it runs out). */
static void
fuzz_take(void *dst, size_t n)
{
	size_t k = n < model.fuzz_len ? n : model.fuzz_len;

	memset(dst, 0, n);
	memcpy(dst, model.fuzz, k);
	model.fuzz += k;
	model.fuzz_len -= k;
}

/* A hypervisor that answers with whatever the fuzzer chose. */
static void
fuzz_response(struct ghcb *g)
{
	uint8_t mode, status;
	uint64_t v;

	fuzz_take(&mode, 1);
	if (mode & 1) {
		fuzz_take(&status, 1);
		g->sw_exit_info_1 = status & 0x83;
		fuzz_take(&g->sw_exit_info_2, 8);
	}
	if (mode & 2)
		fuzz_take(g->valid_bitmap, 16);
	if (mode & 4) {
		fuzz_take(&g->rax, 8);
		fuzz_take(&g->rcx, 8);
		fuzz_take(&g->rdx, 8);
	}
	if (mode & 8) {
		fuzz_take(&v, 1);
		g->sw_scratch += v & 0xff;
	}
	if (mode & 16)
		fuzz_take(g->shared_buffer, 8);		/* PSC header */
	if (mode & 32) {
		fuzz_take(&v, 1);
		fuzz_take(g->shared_buffer + 8 + 8 * (v % 8), 8);
	}
}

static void
ghcb_exchange(void)
{
	struct ghcb *g = (struct ghcb *)model_ghcb_page;

	if (model.ghcb_gpa == 0 || model.ghcb_msr != model.ghcb_gpa)
		abort();	/* the guest used an unregistered GHCB */
	memcpy(in_valid, g->valid_bitmap, sizeof(in_valid));
	model.last_exit = g->sw_exit_code;
	model.last_info1 = g->sw_exit_info_1;
	model.last_info2 = g->sw_exit_info_2;
	g->sw_exit_info_2 = 0;
	if (g->protocol_version != 2 || g->ghcb_usage != 0 ||
	    !valid(g, GHCB_BIT(sw_exit_code)) ||
	    !valid(g, GHCB_BIT(sw_exit_info_1)) ||
	    !valid(g, GHCB_BIT(sw_exit_info_2)))
		abort();
	/* The response: status 0 and only the outputs marked valid. */
	memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	g->sw_exit_info_1 = 0;
	set_valid(g, GHCB_BIT(sw_exit_info_1));
	set_valid(g, GHCB_BIT(sw_exit_info_2));
	switch (g->sw_exit_code) {
	case SVM_EXIT_IOIO: nae_ioio(g); break;
	case SVM_EXIT_MSR: nae_msr(g); break;
	case SVM_EXIT_RDTSC: case SVM_EXIT_RDTSCP:
		model.tsc += 1000;
		g->rax = (uint32_t)model.tsc;
		g->rdx = model.tsc >> 32;
		g->rcx = 0x42;
		set_valid(g, GHCB_BIT(rax));
		set_valid(g, GHCB_BIT(rdx));
		if (g->sw_exit_code == SVM_EXIT_RDTSCP)
			set_valid(g, GHCB_BIT(rcx));
		break;
	case SVM_VMGEXIT_MMIO_READ: nae_mmio(g, false); break;
	case SVM_VMGEXIT_MMIO_WRITE: nae_mmio(g, true); break;
	case SVM_EXIT_WRITE_DR7:
		if (!valid(g, GHCB_BIT(rax)))
			return refuse(g, 4);
		model.dr7 = g->rax;
		break;
	case SVM_EXIT_WBINVD: model.wbinvd++; break;
	case SVM_EXIT_VMMCALL:
		if (!valid(g, GHCB_BIT(rax)) || !valid(g, GHCB_BIT(cpl)))
			return refuse(g, 4);
		g->rax = g->rax + g->rbx;	/* the model's hypercall */
		set_valid(g, GHCB_BIT(rax));
		break;
	case SVM_VMGEXIT_PSC: nae_psc(g); break;
	case SVM_VMGEXIT_HVDB_PAGE:
		/* [GHCB] NAE 0x8000_0014: SET answers with the GPA set. */
		if (model.last_info1 != HVDB_SET ||
		    model.last_info2 % 4096 != 0)
			return refuse(g, 4);
		model.hvdb_gpa = model.last_info2;
		g->sw_exit_info_2 = model.last_info2;
		if (lie_now(LIE_HVDB_ECHO))
			g->sw_exit_info_2 += 4096;
		break;
	default: refuse(g, 2); break;		/* unsupported event */
	}
	generic_lies(g);
	if (model.fuzz != NULL)
		fuzz_response(g);
}

/* ==== The seam ==== */

/*
 * The guest's atomic accesses to the doorbell's word.  After each
 * exchange the host may write its next event (hv_ring), as KVM does:
 * the vector, with NoFurtherSignal as the guest left it.
 */
uint16_t
snp_hw_hvdb_xchg(volatile struct hv_doorbell *db, uint16_t v)
{
	uint16_t w = db->pending_events;

	if (db != &model_hvdb_page)
		abort();
	model.hv_takes++;
	db->pending_events = v;
	if (model.hv_nring > 0) {
		db->pending_events = model.hv_ring[0] |
		    (v & HVDB_NO_FURTHER_SIGNAL);
		memmove(model.hv_ring, model.hv_ring + 1,
		    --model.hv_nring * sizeof(model.hv_ring[0]));
	}
	return w;
}

bool
snp_hw_hvdb_cmpxchg(volatile struct hv_doorbell *db, uint16_t old,
    uint16_t nw)
{
	if (db != &model_hvdb_page)
		abort();
	if (db->pending_events != old)
		return false;
	db->pending_events = nw;
	return true;
}

uint64_t
snp_hw_ghcb_msr_read(void)
{
	return model.ghcb_msr;
}

void
snp_hw_ghcb_msr_write(uint64_t v)
{
	model.ghcb_msr = v;
}

void
snp_hw_vmgexit(void)
{
	model.vmgexits++;
	if (model.ghcb_msr & GHCB_MSR_INFO_MASK)
		model.ghcb_msr = msr_protocol(model.ghcb_msr);
	else
		ghcb_exchange();
}

void
snp_hw_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	/*
	 * The instruction under SEV-ES/SNP: it traps; the #VC handler must
	 * answer it.  Model it by raising #VC through the handler.
	 */
	model.cpuid_hw_calls++;
	if (model.sev_status & SEV_STATUS_ES) {
		struct trap_frame f = { 0 };
		static const uint8_t cpuid_insn[] = { 0x0f, 0xa2 };

		memcpy(model.code, cpuid_insn, sizeof(cpuid_insn));
		f.rip = model.code_va;
		f.cs = GDT_KCODE;
		f.error = SVM_EXIT_CPUID;
		f.rax = leaf;
		f.rcx = sub;
		if (snp_vc_handle(&f) != VC_DONE)
			abort();
		*r = (struct cpuid_regs){ (uint32_t)f.rax, (uint32_t)f.rbx,
		    (uint32_t)f.rcx, (uint32_t)f.rdx };
		return;
	}
	*r = (struct cpuid_regs){ 0 };
	if (leaf == 0x80000000)
		r->eax = 0x80000021;
	else if (leaf == 0x8000001f && model.sev_cpuid)
		r->eax = 0x1b;
}

uint64_t
snp_hw_sev_status(void)
{
	return model.sev_status;
}

int
snp_hw_pvalidate(uint64_t va, bool huge, bool validate, bool *no_update)
{
	uint64_t pa = va - model_dmap_base(), gfn = pa >> 12;
	unsigned n = huge ? 512 : 1, same = 0;

	*no_update = false;
	if (va < model_dmap_base() || va % 4096 || gfn + n > MODEL_PAGES ||
	    (huge && pa % SNP_2M))
		return PVALIDATE_FAIL_INPUT;
	for (unsigned i = 0; i < n; i++) {
		struct model_rmp *r = &model.rmp[gfn + i];

		if (!r->assigned)
			return PVALIDATE_FAIL_INPUT;
		if (r->huge != huge)
			return PVALIDATE_FAIL_SIZEMISMATCH;
		same += r->validated == validate;
	}
	if (same == n) {
		*no_update = true;	/* CF=1: nothing changed */
		return PVALIDATE_OK;
	}
	for (unsigned i = 0; i < n; i++)
		model.rmp[gfn + i].validated = validate;
	return PVALIDATE_OK;
}

bool
snp_hw_irq_save(void)
{
	model.irq_depth++;
	return true;
}

void
snp_hw_irq_restore(bool was_on)
{
	model.irq_depth--;
}

void
snp_hw_halt(void)
{
	if (model.jb == NULL)
		abort();
	longjmp(*model.jb, 2);
}

uint64_t
snp_hw_xcr0(void)
{
	return 7;
}

uint64_t
snp_hw_cr4(void)
{
	return CR4_OSXSAVE;
}

int
snp_hw_fetch(uint64_t rip, bool user, uint8_t *buf, size_t n)
{
	uint64_t end = model.code_va + sizeof(model.code);

	if (rip < model.code_va || rip >= end)
		return -SNP_EFAULT;
	if (n > end - rip)
		n = end - rip;
	memcpy(buf, &model.code[rip - model.code_va], n);
	return (int)n;
}

int
snp_hw_virt_to_phys(uint64_t va, uint64_t *pa, bool *shared)
{
	if (va >= MODEL_MMIO_VA && va < MODEL_MMIO_VA + 4096) {
		*pa = MODEL_MMIO_GPA + (va - MODEL_MMIO_VA);
		*shared = true;
		return 0;
	}
	if (va >= model_dmap_base() &&
	    va < model_dmap_base() + sizeof(model_ram)) {
		*pa = va - model_dmap_base();
		*shared = false;
		return 0;
	}
	return -SNP_EFAULT;
}

int
snp_hw_mem_read(uint64_t va, void *dst, size_t n)
{
	memcpy(dst, (const void *)(uintptr_t)va, n);
	return 0;
}

int
snp_hw_mem_write(uint64_t va, const void *src, size_t n)
{
	memcpy((void *)(uintptr_t)va, src, n);
	return 0;
}

/* arch/io.c's pieces ghcb/ uses. */
void
arch_set_io_ops(const struct arch_io_ops *ops)
{
	installed_ops = ops;
}

const struct arch_io_ops *
model_io_ops(void)
{
	return installed_ops;
}

uint64_t
arch_rdmsr_native(uint32_t msr)
{
	if (msr == MSR_GUEST_TSC_FREQ) {
		model.tsc_freq_reads++;
		return model.guest_tsc_freq;
	}
	return msr == MSR_SEV_STATUS ? model.sev_status : 0;
}

void
arch_wrmsr_native(uint32_t msr, uint64_t v)
{
}
