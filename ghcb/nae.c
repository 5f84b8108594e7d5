/*
 * The NAE events Cloister raises through the GHCB page, one function
 * each, with the inputs and outputs of [GHCB] table "NAE events"
 * (section "Invoking VMGEXIT").  CPUID is not among them: it is answered
 * from the validated CPUID page (cpuid.c), never by the hypervisor.
 *
 * Also snp_io_ops: arch/io.c's port, MSR and CPUID accessors under SNP.
 */
#include "ghcb/internal.h"

#define SHARED_BUF_GPA	(snp.ghcb.pa + GHCB_SHARED_BUF_OFF)

/*
 * An exchange whose data travels in the shared buffer: sw_scratch names
 * it; from_host data is copied out after the exit, else in before it.
 */
static enum ghcb_result
call_with_buffer(struct ghcb_exit *e, void *buf, size_t len, bool from_host)
{
	ghcb_exit_in(e, GHCB_BIT(sw_scratch), SHARED_BUF_GPA);
	if (from_host) {
		e->buf_out = buf;
		e->buf_out_len = len;
	} else {
		e->buf_in = buf;
		e->buf_in_len = len;
	}
	return ghcb_call(e);
}

/* IOIO (0x7b): exit_info_1 as the hardware would give it, rax in/out. */
enum ghcb_result
snp_nae_ioio(uint64_t info1, uint64_t *rax)
{
	struct ghcb_exit e;
	enum ghcb_result r;

	ghcb_exit_init(&e, SVM_EXIT_IOIO, info1, 0);
	ghcb_exit_in(&e, GHCB_BIT(rax), (info1 & IOIO_TYPE_IN) ? 0 : *rax);
	if (info1 & IOIO_TYPE_IN)
		ghcb_exit_need(&e, GHCB_BIT(rax));
	r = ghcb_call(&e);
	if (r == GHCB_OK && (info1 & IOIO_TYPE_IN))
		*rax = e.rax;
	return r;
}

/*
 * String IOIO (ins/outs): count elements of size bytes through the
 * shared buffer; exit_info_2 is the count, sw_scratch the buffer GPA.
 * The caller splits runs longer than the buffer.
 */
enum ghcb_result
snp_nae_ioio_string(uint64_t info1, uint64_t count, void *buf, size_t size)
{
	struct ghcb_exit e;
	bool in = info1 & IOIO_TYPE_IN;
	size_t bytes = count * size;

	if (size == 0 || count == 0 || bytes > GHCB_SHARED_BUF_SIZE ||
	    bytes / size != count)
		return GHCB_REFUSED;
	ghcb_exit_init(&e, SVM_EXIT_IOIO, info1, count);
	return call_with_buffer(&e, buf, bytes, in);
}

/* MSR (0x7c): exit_info_1 0 = rdmsr, 1 = wrmsr; rcx, edx:eax. */
enum ghcb_result
snp_nae_msr(bool write, uint32_t msr, uint64_t *v)
{
	struct ghcb_exit e;
	enum ghcb_result r;

	ghcb_exit_init(&e, SVM_EXIT_MSR, write ? 1 : 0, 0);
	ghcb_exit_in(&e, GHCB_BIT(rcx), msr);
	if (write) {
		ghcb_exit_in(&e, GHCB_BIT(rax), (uint32_t)*v);
		ghcb_exit_in(&e, GHCB_BIT(rdx), *v >> 32);
	} else {
		ghcb_exit_need(&e, GHCB_BIT(rax));
		ghcb_exit_need(&e, GHCB_BIT(rdx));
	}
	r = ghcb_call(&e);
	if (r == GHCB_OK && !write)
		*v = ((e.rdx & 0xffffffffull) << 32) | (uint32_t)e.rax;
	return r;
}

/* RDTSC (0x6e): edx:eax out.  RDTSCP (0x87): also ecx = TSC_AUX. */
enum ghcb_result
snp_nae_rdtsc(bool rdtscp, uint64_t *tsc, uint32_t *aux)
{
	struct ghcb_exit e;
	enum ghcb_result r;

	ghcb_exit_init(&e, rdtscp ? SVM_EXIT_RDTSCP : SVM_EXIT_RDTSC, 0, 0);
	ghcb_exit_need(&e, GHCB_BIT(rax));
	ghcb_exit_need(&e, GHCB_BIT(rdx));
	if (rdtscp)
		ghcb_exit_need(&e, GHCB_BIT(rcx));
	r = ghcb_call(&e);
	if (r == GHCB_OK) {
		*tsc = ((e.rdx & 0xffffffffull) << 32) | (uint32_t)e.rax;
		if (rdtscp)
			*aux = (uint32_t)e.rcx;
	}
	return r;
}

/*
 * MMIO ([GHCB] "MMIO Access"): exit_info_1 the GPA, exit_info_2 the
 * length, sw_scratch the shared-buffer GPA holding the data.
 */
enum ghcb_result
snp_nae_mmio(bool write, uint64_t gpa, void *data, unsigned size)
{
	struct ghcb_exit e;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return GHCB_REFUSED;
	ghcb_exit_init(&e, write ? SVM_VMGEXIT_MMIO_WRITE :
	    SVM_VMGEXIT_MMIO_READ, gpa, size);
	return call_with_buffer(&e, data, size, !write);
}

/* DR7 write (0x37): rax in.  Reads are served from snp.dr7. */
enum ghcb_result
snp_nae_dr7_write(uint64_t v)
{
	struct ghcb_exit e;
	enum ghcb_result r;

	ghcb_exit_init(&e, SVM_EXIT_WRITE_DR7, 0, 0);
	ghcb_exit_in(&e, GHCB_BIT(rax), v);
	r = ghcb_call(&e);
	if (r == GHCB_OK)
		snp.dr7 = v;
	return r;
}

/* WBINVD (0x89): no inputs, no outputs. */
enum ghcb_result
snp_nae_wbinvd(void)
{
	struct ghcb_exit e;

	ghcb_exit_init(&e, SVM_EXIT_WBINVD, 0, 0);
	return ghcb_call(&e);
}

/* VMMCALL (0x81): rax and cpl in (plus the hypercall arguments), rax out. */
enum ghcb_result
snp_nae_vmmcall(uint8_t cpl, uint64_t *rax, uint64_t rbx, uint64_t rcx,
    uint64_t rdx, uint64_t rsi)
{
	struct ghcb_exit e;
	enum ghcb_result r;

	ghcb_exit_init(&e, SVM_EXIT_VMMCALL, 0, 0);
	ghcb_exit_in(&e, GHCB_BIT(rax), *rax);
	ghcb_exit_in(&e, GHCB_BIT(rbx), rbx);
	ghcb_exit_in(&e, GHCB_BIT(rcx), rcx);
	ghcb_exit_in(&e, GHCB_BIT(rdx), rdx);
	ghcb_exit_in(&e, GHCB_BIT(rsi), rsi);
	ghcb_exit_in(&e, GHCB_BIT(cpl), cpl);
	ghcb_exit_need(&e, GHCB_BIT(rax));
	r = ghcb_call(&e);
	if (r == GHCB_OK)
		*rax = e.rax;
	return r;
}

/* ---- arch_io_ops under SNP ---- */

static uint64_t
ioio_info(uint16_t port, int size, bool in)
{
	uint64_t info = ((uint64_t)port << IOIO_PORT_SHIFT) | IOIO_A64;

	info |= size == 1 ? IOIO_SZ8 : size == 2 ? IOIO_SZ16 : IOIO_SZ32;
	return in ? info | IOIO_TYPE_IN : info;
}

static uint32_t
io_in(uint16_t port, int size)
{
	uint64_t v = 0;

	/* #GP on a port: the device is not there; all ones, like a bus. */
	if (snp_nae_ioio(ioio_info(port, size, true), &v) != GHCB_OK)
		v = ~0ull;
	return (uint32_t)(size == 1 ? v & 0xff : size == 2 ? v & 0xffff : v);
}

static void
io_out(uint16_t port, uint32_t v, int size)
{
	uint64_t rax = v;

	(void)snp_nae_ioio(ioio_info(port, size, false), &rax);
}

/*
 * MSRs held in the (encrypted) VMSA are never intercepted under SEV-ES
 * or SNP: the hypervisor cannot even see them ([APM] "SEV-ES" VMSA
 * swap types).  They keep the real instruction; the rest go through
 * the GHCB (a #GP answer reads as 0 and drops a write).
 */
static bool
msr_in_vmsa(uint32_t msr)
{
	switch (msr) {
	case MSR_FS_BASE: case MSR_GS_BASE: case MSR_KERNEL_GS_BASE:
	case MSR_STAR: case MSR_LSTAR: case MSR_CSTAR: case MSR_SFMASK:
	case MSR_TSC_AUX: case MSR_EFER: case MSR_SEV_STATUS: case MSR_GHCB:
		return true;
	default:
		return false;
	}
}

static uint64_t
io_rdmsr(uint32_t msr)
{
	uint64_t v = 0;

	if (msr_in_vmsa(msr))
		return arch_rdmsr_native(msr);
	if (snp_nae_msr(false, msr, &v) != GHCB_OK)
		return 0;
	return v;
}

static void
io_wrmsr(uint32_t msr, uint64_t v)
{
	if (msr_in_vmsa(msr))
		arch_wrmsr_native(msr, v);
	else
		(void)snp_nae_msr(true, msr, &v);
}

static void
io_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	snp_cpuid_lookup(&snp_cpuid, leaf, sub, snp_hw_xcr0(), snp_hw_cr4(),
	    r);
}

const struct arch_io_ops snp_io_ops = {
	.in = io_in,
	.out = io_out,
	.rdmsr = io_rdmsr,
	.wrmsr = io_wrmsr,
	.cpuid = io_cpuid,
};
