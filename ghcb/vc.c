/*
 * The #VC handler (vector 29, its own IST stack).  Under SEV-ES/SNP an
 * intercepted instruction raises #VC in the guest instead of exiting;
 * the error code is the exit code ([APM] "#VC Exception").  The handler
 * fetches the bytes at RIP, decodes them, and emulates only if they are
 * the instruction the exit code names: a hypervisor that injects a #VC
 * out of thin air (WeSee) gets a termination, not an emulation.
 *
 * Ring 3 may raise #VC for CPUID, RDTSC and RDTSCP (emulated: the guest's
 * own CPUID is answered from the CPUID page; the vDSO's RDTSC, when the
 * host intercepts it, goes through the RDTSC NAE event).  Under Secure
 * TSC an RDTSC/RDTSCP #VC, or one for reading GUEST_TSC_FREQ, means the
 * host intercepts what it may not: the guest ends.  Port I/O, MMIO, MSRs, DR7,
 * WBINVD from ring 3 are faults (#GP, so SIGSEGV; VMMCALL #UD, so
 * SIGILL), never emulated.
 */
#include "ghcb/internal.h"

static uint64_t *
gpr(struct trap_frame *f, int i)
{
	switch (i) {
	case 0: return &f->rax;
	case 1: return &f->rcx;
	case 2: return &f->rdx;
	case 3: return &f->rbx;
	case 4: return &f->rsp;
	case 5: return &f->rbp;
	case 6: return &f->rsi;
	case 7: return &f->rdi;
	case 8: return &f->r8;
	case 9: return &f->r9;
	case 10: return &f->r10;
	case 11: return &f->r11;
	case 12: return &f->r12;
	case 13: return &f->r13;
	case 14: return &f->r14;
	default: return &f->r15;
	}
}

static uint64_t
get_reg(struct trap_frame *f, int i, unsigned size, bool high)
{
	uint64_t v = *gpr(f, high ? i - 4 : i);

	if (high)
		return (v >> 8) & 0xff;
	return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

/* Write like the CPU: 32-bit results zero-extend, 8/16-bit merge. */
static void
set_reg(struct trap_frame *f, int i, unsigned size, uint64_t v, bool high)
{
	uint64_t *r = gpr(f, high ? i - 4 : i);

	if (high)
		*r = (*r & ~0xff00ull) | ((v & 0xff) << 8);
	else if (size == 8)
		*r = v;
	else if (size == 4)
		*r = (uint32_t)v;
	else {
		uint64_t m = (1ull << (8 * size)) - 1;

		*r = (*r & ~m) | (v & m);
	}
}

/*
 * An exchange's outcome for the instruction: done, or the #GP/#UD the
 * hypervisor asked us to raise (the only two ghcb_call lets through).
 * A refusal leaves the instruction without a meaning: terminate.
 */
static enum vc_result
result(enum ghcb_result r)
{
	if (r == GHCB_REFUSED)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_GHCB_REFUSED);
	if (r == GHCB_OK)
		return VC_DONE;
	return snp.last_exc == VEC_UD ? VC_FAULT_UD : VC_FAULT_GP;
}

static uint64_t
ioio_info(const struct vc_insn *in, uint16_t port)
{
	uint64_t info = (uint64_t)port << IOIO_PORT_SHIFT;

	info |= in->opsize == 1 ? IOIO_SZ8 : in->opsize == 2 ? IOIO_SZ16 :
	    IOIO_SZ32;
	info |= in->addrsize == 4 ? IOIO_A32 : IOIO_A64;
	if (in->kind == VC_K_IN || in->kind == VC_K_INS)
		info |= IOIO_TYPE_IN;
	if (in->kind == VC_K_INS || in->kind == VC_K_OUTS) {
		info |= IOIO_STR | (in->rep ? IOIO_REP : 0);
		info |= in->kind == VC_K_INS ? IOIO_SEG_ES : IOIO_SEG_DS;
	}
	return info;
}

/* ins/outs, with rep: batches through the shared buffer. */
static enum vc_result
string_io(struct trap_frame *f, const struct vc_insn *in, uint64_t info)
{
	static uint8_t buf[GHCB_SHARED_BUF_SIZE];
	bool ins = in->kind == VC_K_INS, down = f->rflags & (1u << 10);
	uint64_t amask = in->addrsize == 4 ? 0xffffffffull : ~0ull;
	uint64_t *ptr = ins ? &f->rdi : &f->rsi;
	uint64_t left = in->rep ? (f->rcx & amask) : 1;
	unsigned size = in->opsize;

	while (left > 0) {
		uint64_t n = down ? 1 : left;
		uint64_t addr = *ptr & amask;

		if (n > GHCB_SHARED_BUF_SIZE / size)
			n = GHCB_SHARED_BUF_SIZE / size;
		if (!ins && snp_hw_mem_read(addr, buf, n * size) != 0)
			return VC_FAULT_GP;
		if (result(snp_nae_ioio_string(info, n, buf, size)) != VC_DONE)
			return VC_FAULT_GP;
		if (ins && snp_hw_mem_write(addr, buf, n * size) != 0)
			return VC_FAULT_GP;
		*ptr = (*ptr & ~amask) | ((down ? addr - n * size :
		    addr + n * size) & amask);
		left -= n;
		if (in->rep)
			f->rcx = (f->rcx & ~amask) | (left & amask);
	}
	return VC_DONE;
}

static enum vc_result
port_io(struct trap_frame *f, const struct vc_insn *in)
{
	uint16_t port = in->port_imm ? (uint16_t)in->imm : (uint16_t)f->rdx;
	uint64_t info = ioio_info(in, port), v;

	if (in->kind == VC_K_INS || in->kind == VC_K_OUTS)
		return string_io(f, in, info);
	v = get_reg(f, 0, in->opsize, false);
	if (result(snp_nae_ioio(info, &v)) != VC_DONE)
		return VC_FAULT_GP;
	if (in->kind == VC_K_IN)
		set_reg(f, 0, in->opsize, v, false);
	return VC_DONE;
}

static uint64_t
effective_address(struct trap_frame *f, const struct vc_insn *in)
{
	uint64_t ea = (uint64_t)in->disp;

	if (in->kind == VC_K_MMIO_MOFFS_LOAD ||
	    in->kind == VC_K_MMIO_MOFFS_STORE)
		ea = in->imm;
	if (in->base >= 0)
		ea += *gpr(f, in->base);
	if (in->index >= 0)
		ea += *gpr(f, in->index) * in->scale;
	if (in->rip_rel)
		ea += f->rip + in->len;
	return in->addrsize == 4 ? (uint32_t)ea : ea;
}

static enum vc_result
mmio(struct trap_frame *f, const struct vc_insn *in)
{
	uint64_t va = effective_address(f, in), pa, v = 0;
	unsigned size = in->opsize;
	bool shared, write;

	/* FS/GS-relative MMIO never happens in Cloister: treat as bogus. */
	if (in->seg == 0x64 || in->seg == 0x65)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_VC_MISMATCH);
	if (snp_hw_virt_to_phys(va, &pa, &shared) != 0 ||
	    (va & 0xfff) + size > 4096)
		return VC_FAULT_GP;
	if (!shared)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_VC_PRIVATE_MMIO);
	write = in->kind == VC_K_MMIO_STORE ||
	    in->kind == VC_K_MMIO_STORE_IMM ||
	    in->kind == VC_K_MMIO_MOFFS_STORE;
	if (in->kind == VC_K_MMIO_STORE)
		v = get_reg(f, in->reg, size, in->byte_reg_high);
	else if (in->kind == VC_K_MMIO_STORE_IMM)
		v = in->imm;
	else if (in->kind == VC_K_MMIO_MOFFS_STORE)
		v = get_reg(f, 0, size, false);
	if (result(snp_nae_mmio(write, pa, &v, size)) != VC_DONE)
		return VC_FAULT_GP;
	if (write)
		return VC_DONE;
	if (size < 8)
		v &= (1ull << (8 * size)) - 1;
	switch (in->kind) {
	case VC_K_MMIO_LOAD:
		set_reg(f, in->reg, size, v, in->byte_reg_high);
		break;
	case VC_K_MMIO_MOFFS_LOAD:
		set_reg(f, 0, size, v, false);
		break;
	case VC_K_MMIO_LOAD_ZX:
		set_reg(f, in->reg, in->dstsize, v, false);
		break;
	default:	/* VC_K_MMIO_LOAD_SX */
		v = size == 1 ? (uint64_t)(int64_t)(int8_t)v :
		    (uint64_t)(int64_t)(int16_t)v;
		set_reg(f, in->reg, in->dstsize, v, false);
		break;
	}
	return VC_DONE;
}

static enum vc_result
emulate(struct trap_frame *f, const struct vc_insn *in)
{
	struct cpuid_regs c;
	uint64_t v;
	uint32_t aux = 0;
	enum ghcb_result r;

	switch (in->kind) {
	case VC_K_CPUID:
		snp_cpuid_lookup(&snp_cpuid, (uint32_t)f->rax,
		    (uint32_t)f->rcx, snp_hw_xcr0(), snp_hw_cr4(), &c);
		f->rax = c.eax;
		f->rbx = c.ebx;
		f->rcx = c.ecx;
		f->rdx = c.edx;
		return VC_DONE;
	case VC_K_RDTSC:
	case VC_K_RDTSCP:
		/* Secure TSC: the host may not intercept it, nor answer it. */
		if (snp.sev_status & SEV_STATUS_SECURE_TSC)
			snp_terminate(SNP_TERM_SET_CLOISTER,
			    SNP_TERM_SECURE_TSC);
		r = snp_nae_rdtsc(in->kind == VC_K_RDTSCP, &v, &aux);
		if (r == GHCB_OK) {
			f->rax = (uint32_t)v;
			f->rdx = v >> 32;
			if (in->kind == VC_K_RDTSCP)
				f->rcx = aux;
		}
		return result(r);
	case VC_K_RDMSR:
		if ((uint32_t)f->rcx == MSR_GUEST_TSC_FREQ &&
		    (snp.sev_status & SEV_STATUS_SECURE_TSC))
			snp_terminate(SNP_TERM_SET_CLOISTER,
			    SNP_TERM_SECURE_TSC);
		r = snp_nae_msr(false, (uint32_t)f->rcx, &v);
		if (r == GHCB_OK) {
			f->rax = (uint32_t)v;
			f->rdx = v >> 32;
		}
		return result(r);
	case VC_K_WRMSR:
		v = ((f->rdx & 0xffffffffull) << 32) | (uint32_t)f->rax;
		return result(snp_nae_msr(true, (uint32_t)f->rcx, &v));
	case VC_K_VMMCALL:
		v = f->rax;
		r = snp_nae_vmmcall((uint8_t)(f->cs & 3), &v, f->rbx, f->rcx,
		    f->rdx, f->rsi);
		if (r == GHCB_OK)
			f->rax = v;
		return result(r);
	case VC_K_WBINVD:
		return result(snp_nae_wbinvd());
	case VC_K_MOV_FROM_DR:
		*gpr(f, in->reg) = snp.dr7;	/* never the host's value */
		return VC_DONE;
	case VC_K_MOV_TO_DR:
		return result(snp_nae_dr7_write(*gpr(f, in->reg)));
	case VC_K_IN: case VC_K_OUT: case VC_K_INS: case VC_K_OUTS:
		return port_io(f, in);
	default:
		return mmio(f, in);
	}
}

static bool
user_may(enum vc_kind k)
{
	return k == VC_K_CPUID || k == VC_K_RDTSC || k == VC_K_RDTSCP;
}

enum vc_result
snp_vc_handle(struct trap_frame *f)
{
	uint8_t bytes[VC_INSN_MAX];
	struct vc_insn in;
	bool user = trap_from_user(f);
	int n;
	enum vc_result res;

	/*
	 * Only SEV-ES/SNP guests get #VC.  Not SNP and not detecting: a
	 * plain machine, where there is no hypervisor to ask; the platform
	 * reports it like any unexpected exception.  While detecting, only
	 * CPUID can trap.
	 */
	if (!snp.active && !snp.detecting)
		return VC_UNEXPECTED;
	if (!snp.active && f->error != SVM_EXIT_CPUID)
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_VC_UNKNOWN);
	if (!vc_exit_known(f->error))	/* e.g. 0x404: page not validated */
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_VC_UNKNOWN);
	n = snp_hw_fetch(f->rip, user, bytes, sizeof(bytes));
	if (n <= 0) {
		if (user)
			return VC_FAULT_GP;
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_VC_MISMATCH);
	}
	if (vc_decode(bytes, (size_t)n, &in) != 0 ||
	    !vc_insn_matches(f->error, &in))
		snp_terminate(SNP_TERM_SET_CLOISTER, SNP_TERM_VC_MISMATCH);
	if (user && !user_may(in.kind))
		return in.kind == VC_K_VMMCALL ? VC_FAULT_UD : VC_FAULT_GP;
	if (!snp.active) {
		struct cpuid_regs c;

		snp_detect_cpuid((uint32_t)f->rax, (uint32_t)f->rcx, &c);
		f->rax = c.eax;
		f->rbx = c.ebx;
		f->rcx = c.ecx;
		f->rdx = c.edx;
		res = VC_DONE;
	} else {
		if (!snp.ghcb_ready && in.kind != VC_K_CPUID &&
		    in.kind != VC_K_MOV_FROM_DR)
			snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
		res = emulate(f, &in);
	}
	if (res == VC_DONE)
		f->rip += in.len;
	return res;
}

int
snp_vc_trap(struct trap_frame *f)
{
	switch (snp_vc_handle(f)) {
	case VC_DONE: return 0;
	case VC_UNEXPECTED: return VEC_VC;
	case VC_FAULT_UD: return VEC_UD;
	default: return VEC_GP;
	}
}
