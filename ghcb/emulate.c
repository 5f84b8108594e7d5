/*
 * snp=emulate: an in-guest stand-in for the SNP hypervisor and CPU, so
 * that a plain QEMU boot runs the SNP protocol code.  It sits behind the
 * same hardware seam as the real instructions (hw.c asks it first): the
 * GHCB MSR, VMGEXIT, SEV_STATUS, detection's CPUID and PVALIDATE.
 *
 * What it does: reports SEV-SNP in SEV_STATUS, builds a CPUID page from
 * the real CPUID (plus leaf 0x8000001F saying SEV, SEV-ES, SNP and C-bit
 * 51), answers the MSR protocol, and serves GHCB page exchanges by doing
 * the work itself (real port I/O, MSRs, RDTSC, DR7, WBINVD) and a 4 KiB
 * RMP of validated bits for the first GiB.  The guest side is unchanged:
 * detection, policy, CPUID-page validation, registration, every exchange
 * with its response checks, the io-ops routing of every port and MSR
 * access, and PVALIDATE + page-state change for the shared pool.
 *
 * What it cannot prove: memory is not encrypted (the C-bit stays out of
 * the page tables: snp_enc_mask() is 0), no instruction raises #VC (so the
 * #VC handler and MMIO emulation do not run here), and a stand-in that
 * shares the guest's address space is no adversary.  The host unit tests
 * (tests/unit/snp_model.c) are where the hypervisor lies.
 *
 * Kernel only (real instructions); not part of the host tests.
 */
#include "ghcb/internal.h"
#include "ghcb/guest_req.h"

#define EMUL_CBIT	51
#define RMP_PAGES	(1ull << 18)		/* 1 GiB of 4 KiB pages */

static struct snp_cpuid_table page __attribute__((aligned(4096)));
static uint8_t unvalidated[RMP_PAGES / 8];	/* 1: RMP says not valid */
static uint8_t secrets[4096] __attribute__((aligned(4096)));
static struct snp_emul_psp psp;		/* emulate_psp.c */

static void
native_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
	    : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
	    : "a"(leaf), "c"(sub));
}

static void
add(uint32_t leaf, uint32_t sub, const struct cpuid_regs *r)
{
	struct snp_cpuid_fn *f;

	if (page.count >= SNP_CPUID_COUNT_MAX)
		return;
	f = &page.fn[page.count++];
	f->eax_in = leaf;
	f->ecx_in = sub;
	f->eax = r->eax;
	f->ebx = r->ebx;
	f->ecx = r->ecx;
	f->edx = r->edx;
}

/* The CPUID page a firmware would hand over, from the real CPUID. */
static void
build_cpuid_page(void)
{
	struct cpuid_regs r, max;
	uint32_t std_max, ext_max;

	native_cpuid(0, 0, &max);
	std_max = max.eax > 0x16 ? 0x16 : max.eax;
	max.eax = std_max;
	add(0, 0, &max);
	for (uint32_t l = 1; l <= std_max; l++) {
		unsigned subs = l == 7 ? 2 : l == 0xd ? 10 : l == 4 ? 4 :
		    l == 0xb ? 2 : 1;

		for (uint32_t s = 0; s < subs; s++) {
			native_cpuid(l, s, &r);
			if (s == 0 || r.eax || r.ebx || r.ecx || r.edx)
				add(l, s, &r);
		}
	}
	native_cpuid(0x80000000, 0, &max);
	ext_max = max.eax < 0x8000001f ? 0x8000001f : max.eax > 0x80000021 ?
	    0x80000021 : max.eax;
	max.eax = ext_max;
	add(0x80000000, 0, &max);
	for (uint32_t l = 0x80000001; l <= ext_max && l < 0x8000001f; l++) {
		native_cpuid(l, 0, &r);
		if (r.eax || r.ebx || r.ecx || r.edx)
			add(l, 0, &r);
	}
	/* EAX: [1] SEV, [3] SEV-ES, [4] SNP; EBX[5:0] C-bit, [11:6] 1. */
	r = (struct cpuid_regs){ 0x1a, EMUL_CBIT | (1u << 6), 0, 0 };
	add(0x8000001f, 0, &r);
}

const void *
snp_emulate_start(const char *cmdline)
{
	if (snp_emul.on)	/* started by the ROM boot path already */
		return &page;
	snp_emul.on = true;
	build_cpuid_page();
	snp_emul_psp_init(&psp, secrets, cmdline);
	return &page;
}

const void *
snp_emulate_secrets(void)
{
	return snp_emul.on ? secrets : NULL;
}

bool
snp_emulated(void)
{
	return snp_emul.on;
}

/*
 * Restricted Injection is reported too: the platform then registers the
 * #HV doorbell page and runs in #HV mode (returns through iretq, held
 * vectors checked).  TCG still delivers interrupts the ordinary way;
 * #HV itself is raised only by snp_emulate_hv_signal's caller.
 */
uint64_t
snp_emul_sev_status(void)
{
	return SEV_STATUS_SEV | SEV_STATUS_ES | SEV_STATUS_SNP |
	    SEV_STATUS_RESTRICT_INJ;
}

/*
 * The stand-in hypervisor posts vector to the #HV doorbell page as KVM
 * does: with NoFurtherSignal clear it sets it and signals (returns 1:
 * the caller raises #HV with int $28), else it only writes (0).  -1
 * when there is no stand-in or no doorbell page.
 */
int
snp_emulate_hv_signal(unsigned vector)
{
	volatile struct hv_doorbell *db = snp.hvdb;
	uint16_t w;

	if (!snp_emul.on || !snp.hv_ready)
		return -1;
	w = db->pending_events;
	db->pending_events = (uint16_t)((w & HVDB_NO_FURTHER_SIGNAL) |
	    HVDB_NO_FURTHER_SIGNAL | (vector & 0xff));
	return (w & HVDB_NO_FURTHER_SIGNAL) ? 0 : 1;
}

/* ---- the stand-in's RMP ---- */

static void
rmp_set(uint64_t gfn, bool unvalid)
{
	if (gfn >= RMP_PAGES)
		return;
	if (unvalid)
		unvalidated[gfn / 8] |= (uint8_t)(1u << (gfn % 8));
	else
		unvalidated[gfn / 8] &= (uint8_t)~(1u << (gfn % 8));
}

static bool
rmp_unvalid(uint64_t gfn)
{
	return gfn < RMP_PAGES && (unvalidated[gfn / 8] >> (gfn % 8)) & 1;
}

/* A 4 KiB RMP: 2 MiB requests get SIZEMISMATCH, like split memory. */
int
snp_emul_pvalidate(uint64_t va, bool huge, bool validate, bool *no_update)
{
	uint64_t gfn = (va - snp.dmap_base) >> 12;

	*no_update = false;
	if (va < snp.dmap_base || va % 4096)
		return PVALIDATE_FAIL_INPUT;
	if (huge)
		return PVALIDATE_FAIL_SIZEMISMATCH;
	if (gfn < RMP_PAGES && rmp_unvalid(gfn) == !validate) {
		*no_update = true;
		return PVALIDATE_OK;
	}
	rmp_set(gfn, !validate);
	return PVALIDATE_OK;
}

/* ---- the hypervisor ---- */

static uint64_t
port_in(uint16_t port, unsigned size)
{
	uint32_t v = 0;

	if (size == 1)
		__asm__ volatile("inb %w1, %b0" : "=a"(v) : "Nd"(port));
	else if (size == 2)
		__asm__ volatile("inw %w1, %w0" : "=a"(v) : "Nd"(port));
	else
		__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void
port_out(uint16_t port, uint32_t v, unsigned size)
{
	if (size == 1)
		__asm__ volatile("outb %b0, %w1" : : "a"(v), "Nd"(port));
	else if (size == 2)
		__asm__ volatile("outw %w0, %w1" : : "a"(v), "Nd"(port));
	else
		__asm__ volatile("outl %0, %w1" : : "a"(v), "Nd"(port));
}

static void
set_valid(struct ghcb *g, unsigned bit)
{
	g->valid_bitmap[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void
ioio(struct ghcb *g, uint64_t info1, uint64_t info2)
{
	uint16_t port = (uint16_t)(info1 >> 16);
	unsigned size = (info1 & IOIO_SZ8) ? 1 : (info1 & IOIO_SZ16) ? 2 : 4;

	if (info1 & IOIO_STR) {
		for (uint64_t i = 0; i < info2 && (i + 1) * size <=
		    GHCB_SHARED_BUF_SIZE; i++) {
			uint8_t *p = g->shared_buffer + i * size;
			uint32_t v = 0;

			if (info1 & IOIO_TYPE_IN) {
				v = (uint32_t)port_in(port, size);
				__builtin_memcpy(p, &v, size);
			} else {
				__builtin_memcpy(&v, p, size);
				port_out(port, v, size);
			}
		}
		return;
	}
	if (info1 & IOIO_TYPE_IN) {
		g->rax = port_in(port, size);
		set_valid(g, GHCB_BIT(rax));
	} else {
		port_out(port, (uint32_t)g->rax, size);
	}
}

static void
psc(struct ghcb *g)
{
	struct psc_desc *d = (struct psc_desc *)g->shared_buffer;

	if (d->hdr.end_entry >= PSC_MAX_ENTRY) {
		g->sw_exit_info_2 = 1ull << 32;
		return;
	}
	for (; d->hdr.cur_entry <= d->hdr.end_entry; d->hdr.cur_entry++) {
		uint64_t *e = &d->entries[d->hdr.cur_entry];
		uint64_t gfn = (*e >> 12) & ((1ull << 40) - 1);
		unsigned n = PSC_ENTRY_HUGE(*e) ? 512 : 1;

		for (unsigned i = PSC_ENTRY_CUR_PAGE(*e); i < n; i++)
			rmp_set(gfn + i, true);	/* RMPUPDATE: not valid */
		*e = (*e & ~0xfffull) | n;
	}
}

/* A guest page the stand-in may touch: page-aligned, in its 1 GiB. */
static void *
guest_page(uint64_t gpa, uint64_t npages)
{
	if (gpa % 4096 != 0 || npages > RMP_PAGES || gpa >> 12 >=
	    RMP_PAGES - npages)
		return NULL;
	return (void *)(snp.dmap_base + gpa);
}

/*
 * SNP_GUEST_REQUEST / SNP_EXTENDED_GUEST_REQUEST (GHCB spec #56421
 * section 4.1.8): SW_EXITINFO1/2 the request and response pages, for the
 * extended one RAX the certificate pages and RBX their count.  The
 * stand-in PSP answers; SW_EXITINFO2 carries its status.
 */
static void
guest_request(struct ghcb *g, uint64_t code, uint64_t req, uint64_t resp)
{
	void *rq = guest_page(req, 1), *rs = guest_page(resp, 1), *certs = NULL;
	uint64_t npages = 0;

	if (code == SVM_VMGEXIT_EXT_GUEST_REQUEST) {
		npages = g->rbx;
		certs = guest_page(g->rax, npages);
	}
	if (rq == NULL || rs == NULL ||
	    (code == SVM_VMGEXIT_EXT_GUEST_REQUEST && certs == NULL)) {
		g->sw_exit_info_1 = GHCB_HV_RESP_REFUSED;
		g->sw_exit_info_2 = 2;
		return;
	}
	g->sw_exit_info_2 = snp_emul_psp_request(&psp, rq, rs, certs, npages);
}

static void
exchange(void)
{
	/* The guest's own mapping of the page (the direct map may not exist). */
	struct ghcb *g = (struct ghcb *)snp.ghcb.page;
	uint64_t code = g->sw_exit_code, info1 = g->sw_exit_info_1;
	uint64_t info2 = g->sw_exit_info_2, v;

	snp_emul.exchanges++;
	__builtin_memset(g->valid_bitmap, 0, sizeof(g->valid_bitmap));
	g->sw_exit_info_1 = 0;
	g->sw_exit_info_2 = 0;
	switch (code) {
	case SVM_EXIT_IOIO:
		ioio(g, info1, info2);
		break;
	case SVM_EXIT_MSR:
		if (info1 == 1) {
			arch_wrmsr_native((uint32_t)g->rcx,
			    (g->rdx << 32) | (uint32_t)g->rax);
			break;
		}
		v = arch_rdmsr_native((uint32_t)g->rcx);
		g->rax = (uint32_t)v;
		g->rdx = v >> 32;
		set_valid(g, GHCB_BIT(rax));
		set_valid(g, GHCB_BIT(rdx));
		break;
	case SVM_EXIT_RDTSC:
	case SVM_EXIT_RDTSCP:
		v = arch_rdtsc();
		g->rax = (uint32_t)v;
		g->rdx = v >> 32;
		g->rcx = 0;
		set_valid(g, GHCB_BIT(rax));
		set_valid(g, GHCB_BIT(rdx));
		set_valid(g, GHCB_BIT(rcx));
		break;
	case SVM_EXIT_WRITE_DR7:
		__asm__ volatile("mov %0, %%dr7" : : "r"(g->rax));
		break;
	case SVM_EXIT_WBINVD:
		__asm__ volatile("wbinvd" : : : "memory");
		break;
	case SVM_VMGEXIT_PSC:
		psc(g);
		break;
	case SVM_VMGEXIT_HVDB_PAGE:	/* [GHCB] NAE 0x8000_0014 */
		if (info1 != HVDB_SET || info2 % SNP_PAGE_SIZE) {
			g->sw_exit_info_1 = GHCB_HV_RESP_REFUSED;
			g->sw_exit_info_2 = 4;
			break;
		}
		g->sw_exit_info_2 = info2;	/* the GPA, echoed */
		break;
	case SVM_VMGEXIT_GUEST_REQUEST:
	case SVM_VMGEXIT_EXT_GUEST_REQUEST:
		guest_request(g, code, info1, info2);
		break;
	default:			/* MMIO, VMMCALL: no #VC here */
		g->sw_exit_info_1 = GHCB_HV_RESP_REFUSED;
		g->sw_exit_info_2 = 2;
		break;
	}
}

/* The termination request: say so on COM1 and leave QEMU. */
static void
terminate(uint64_t req)
{
	static const char msg[] = "\nsnp=emulate: termination request, set ";
	unsigned set = (req >> 12) & 0xf, code = (req >> 16) & 0xff;

	for (const char *p = msg; *p != '\0'; p++)
		port_out(0x3f8, (uint8_t)*p, 1);
	port_out(0x3f8, (uint8_t)('0' + set), 1);
	port_out(0x3f8, ' ', 1);
	port_out(0x3f8, (uint8_t)('0' + code / 10), 1);
	port_out(0x3f8, (uint8_t)('0' + code % 10), 1);
	port_out(0x3f8, '\n', 1);
	port_out(0xf4, 0x7e, 4);	/* isa-debug-exit: status 253 */
	arch_halt_forever();
}

static uint64_t
msr_protocol(uint64_t req)
{
	uint64_t gfn = (req >> 12) & ((1ull << 40) - 1);

	switch (req & GHCB_MSR_INFO_MASK) {
	case GHCB_MSR_SEV_INFO_REQ:
		return (2ull << 48) | (2ull << 32) |
		    ((uint64_t)EMUL_CBIT << 24) | GHCB_MSR_SEV_INFO_RESP;
	case GHCB_MSR_HV_FT_REQ:
		return GHCB_MSR_HV_FT_RESP | (GHCB_HV_FT_SNP << 12);
	case GHCB_MSR_REG_GPA_REQ:
		snp_emul.gpa = (req >> 12) << 12;
		return GHCB_MSR_REG_GPA_RESP | (req & ~GHCB_MSR_INFO_MASK);
	case GHCB_MSR_PSC_REQ:
		rmp_set(gfn, true);
		return GHCB_MSR_PSC_RESP;
	case GHCB_MSR_TERM_REQ:
		terminate(req);
		return 0;
	default:
		return 0;
	}
}

void
snp_emul_vmgexit(void)
{
	snp_emul.vmgexits++;
	if (snp_emul.msr & GHCB_MSR_INFO_MASK)
		snp_emul.msr = msr_protocol(snp_emul.msr);
	else if (snp_emul.gpa != 0 && snp_emul.msr == snp_emul.gpa &&
	    snp.ghcb.pa == snp_emul.gpa)
		exchange();
	else
		terminate(GHCB_MSR_TERM_REQ);
}
