/*
 * Port I/O, MSR, CPUID and control-register access.  Every such access in
 * Cloister goes through here so that ghcb/ can replace the instruction
 * with a GHCB call under SEV-ES/SNP (arch_set_io_ops).  Plain boots
 * pay one load and branch per access; under SNP ghcb/ answers CPUID from
 * the validated CPUID page and sends ports and MSRs through the GHCB
 * page without taking a #VC.
 */
#include "arch/arch.h"

static const struct arch_io_ops *io_ops;

void
arch_set_io_ops(const struct arch_io_ops *ops)
{
	io_ops = ops;
}

uint8_t
arch_inb(uint16_t port)
{
	uint8_t v;

	if (io_ops != NULL)
		return (uint8_t)io_ops->in(port, 1);
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

uint16_t
arch_inw(uint16_t port)
{
	uint16_t v;

	if (io_ops != NULL)
		return (uint16_t)io_ops->in(port, 2);
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

uint32_t
arch_inl(uint16_t port)
{
	uint32_t v;

	if (io_ops != NULL)
		return io_ops->in(port, 4);
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void
arch_outb(uint16_t port, uint8_t v)
{
	if (io_ops != NULL)
		io_ops->out(port, v, 1);
	else
		__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

void
arch_outw(uint16_t port, uint16_t v)
{
	if (io_ops != NULL)
		io_ops->out(port, v, 2);
	else
		__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

void
arch_outl(uint16_t port, uint32_t v)
{
	if (io_ops != NULL)
		io_ops->out(port, v, 4);
	else
		__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

uint64_t
arch_rdmsr_native(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

void
arch_wrmsr_native(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
	    "d"((uint32_t)(v >> 32)));
}

uint64_t
arch_rdmsr(uint32_t msr)
{
	if (io_ops != NULL)
		return io_ops->rdmsr(msr);
	return arch_rdmsr_native(msr);
}

void
arch_wrmsr(uint32_t msr, uint64_t v)
{
	if (io_ops != NULL)
		io_ops->wrmsr(msr, v);
	else
		arch_wrmsr_native(msr, v);
}

void
arch_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	if (io_ops != NULL) {
		io_ops->cpuid(leaf, subleaf, r);
		return;
	}
	__asm__ volatile("cpuid"
	    : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
	    : "a"(leaf), "c"(subleaf));
}

uint64_t
arch_read_cr0(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

uint64_t
arch_read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

uint64_t
arch_read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

uint64_t
arch_read_cr4(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

void
arch_write_cr0(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

void
arch_write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

void
arch_write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

uint64_t
arch_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void
arch_invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

void
arch_halt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

void
arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}

bool
arch_rdrand64(uint64_t *v)
{
	uint8_t ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok != 0;
}

bool
arch_rdseed64(uint64_t *v)
{
	uint8_t ok;

	__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok != 0;
}
