/*
 * CPU feature detection and the control-register policy the rest of the
 * kernel relies on: NX, WP, SMEP, SMAP, UMIP, SSE and XSAVE.
 */
#include "arch/arch.h"

struct cpu_features cpu;
/* Read by arch/usercopy.asm: stac/clac only when CR4.SMAP is on. */
bool cpu_smap_enabled;

/* CPUID bit positions (Intel SDM vol. 2A, AMD APM vol. 3). */
#define CPUID1_ECX_X2APIC	(1u << 21)
#define CPUID1_ECX_TSC_DEADLINE	(1u << 24)
#define CPUID1_ECX_XSAVE	(1u << 26)
#define CPUID1_ECX_AVX		(1u << 28)
#define CPUID1_ECX_RDRAND	(1u << 30)
#define CPUID1_ECX_HYPERVISOR	(1u << 31)
#define CPUID1_EDX_PGE		(1u << 13)
#define CPUID7_EBX_FSGSBASE	(1u << 0)
#define CPUID7_EBX_SMEP		(1u << 7)
#define CPUID7_EBX_RDSEED	(1u << 18)
#define CPUID7_EBX_SMAP		(1u << 20)
#define CPUID7_ECX_UMIP		(1u << 2)
#define CPUIDX1_EDX_NX		(1u << 20)
#define CPUIDX1_EDX_PDPE1GB	(1u << 26)
#define CPUIDX7_EDX_INVTSC	(1u << 8)
#define CPUID_SEV_EAX_SEV	(1u << 0)
#define CPUID_SEV_EAX_SEV_ES	(1u << 3)
#define CPUID_SEV_EAX_SNP	(1u << 1)

/* XCR0 components: x87, SSE, AVX, AVX-512 opmask/ZMM_Hi256/Hi16_ZMM. */
#define XCR0_X87	(1ull << 0)
#define XCR0_SSE	(1ull << 1)
#define XCR0_AVX	(1ull << 2)
#define XCR0_AVX512	(7ull << 5)

static void
cpu_strings(void)
{
	struct cpuid_regs r;
	uint32_t *b = (uint32_t *)cpu.brand;

	arch_cpuid(0, 0, &r);
	*(uint32_t *)&cpu.vendor[0] = r.ebx;
	*(uint32_t *)&cpu.vendor[4] = r.edx;
	*(uint32_t *)&cpu.vendor[8] = r.ecx;
	cpu.vendor[12] = '\0';
	arch_cpuid(0x80000000, 0, &r);
	if (r.eax < 0x80000004)
		return;
	for (uint32_t leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
		arch_cpuid(leaf, 0, &r);
		*b++ = r.eax;
		*b++ = r.ebx;
		*b++ = r.ecx;
		*b++ = r.edx;
	}
	cpu.brand[48] = '\0';
}

static void
cpu_detect(void)
{
	struct cpuid_regs r;
	uint32_t max, xmax;

	cpu_strings();
	arch_cpuid(0, 0, &r);
	max = r.eax;
	arch_cpuid(1, 0, &r);
	cpu.hwcap = r.edx;
	cpu.x2apic = r.ecx & CPUID1_ECX_X2APIC;
	cpu.tsc_deadline = r.ecx & CPUID1_ECX_TSC_DEADLINE;
	cpu.xsave = r.ecx & CPUID1_ECX_XSAVE;
	cpu.avx = r.ecx & CPUID1_ECX_AVX;
	cpu.rdrand = r.ecx & CPUID1_ECX_RDRAND;
	cpu.hypervisor = r.ecx & CPUID1_ECX_HYPERVISOR;
	cpu.pge = r.edx & CPUID1_EDX_PGE;
	if (max >= 7) {
		arch_cpuid(7, 0, &r);
		cpu.fsgsbase = r.ebx & CPUID7_EBX_FSGSBASE;
		cpu.smep = r.ebx & CPUID7_EBX_SMEP;
		cpu.smap = r.ebx & CPUID7_EBX_SMAP;
		cpu.rdseed = r.ebx & CPUID7_EBX_RDSEED;
		cpu.umip = r.ecx & CPUID7_ECX_UMIP;
	}
	arch_cpuid(0x80000000, 0, &r);
	xmax = r.eax;
	if (xmax >= 0x80000001) {
		arch_cpuid(0x80000001, 0, &r);
		cpu.nx = r.edx & CPUIDX1_EDX_NX;
		cpu.pdpe1gb = r.edx & CPUIDX1_EDX_PDPE1GB;
	}
	if (xmax >= 0x80000007) {
		arch_cpuid(0x80000007, 0, &r);
		cpu.invariant_tsc = r.edx & CPUIDX7_EDX_INVTSC;
	}
	cpu.phys_addr_bits = 36;
	cpu.virt_addr_bits = 48;
	if (xmax >= 0x80000008) {
		arch_cpuid(0x80000008, 0, &r);
		cpu.phys_addr_bits = r.eax & 0xff;
		cpu.virt_addr_bits = (r.eax >> 8) & 0xff;
	}
	if (xmax >= 0x8000001f) {
		arch_cpuid(0x8000001f, 0, &r);
		cpu.sev = r.eax & CPUID_SEV_EAX_SEV;
		cpu.sev_es = r.eax & CPUID_SEV_EAX_SEV_ES;
		cpu.sev_snp = r.eax & CPUID_SEV_EAX_SNP;
	}
}

static void
xsetbv(uint32_t idx, uint64_t v)
{
	__asm__ volatile("xsetbv" : : "c"(idx), "a"((uint32_t)v),
	    "d"((uint32_t)(v >> 32)));
}

/* The CPU's MXCSR_MASK: FXSAVE stores it at byte 28 (SDM vol. 1, 11.6.6). */
static uint32_t
cpu_read_mxcsr_mask(void)
{
	uint8_t area[512] __attribute__((aligned(16)));

	for (int i = 0; i < 512; i++)
		area[i] = 0;
	__asm__ volatile("fxsave64 %0" : "=m"(area));
	return arch_mxcsr_mask_from(area);
}

static void
cpu_fpu_init(void)
{
	struct cpuid_regs r;
	uint64_t cr0 = arch_read_cr0();

	cr0 &= ~(CR0_EM | CR0_TS);
	cr0 |= CR0_MP | CR0_NE;
	arch_write_cr0(cr0);
	arch_write_cr4(arch_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	cpu.xsave_size = 512;
	cpu.mxcsr_mask = cpu_read_mxcsr_mask();
	if (!cpu.xsave)
		return;
	arch_write_cr4(arch_read_cr4() | CR4_OSXSAVE);
	arch_cpuid(0xd, 0, &r);
	cpu.xcr0 = (((uint64_t)r.edx << 32) | r.eax) &
	    (XCR0_X87 | XCR0_SSE | XCR0_AVX | XCR0_AVX512);
	if ((cpu.xcr0 & XCR0_AVX512) != XCR0_AVX512)
		cpu.xcr0 &= ~XCR0_AVX512;
	xsetbv(0, cpu.xcr0);
	arch_cpuid(0xd, 0, &r);
	cpu.xsave_size = r.ebx;
}

void
arch_cpu_init(void)
{
	uint64_t cr4;

	cpu_detect();
	if (cpu.nx)
		arch_wrmsr(MSR_EFER, arch_rdmsr(MSR_EFER) | EFER_NXE);
	arch_write_cr0(arch_read_cr0() | CR0_WP);
	cr4 = arch_read_cr4();
	if (cpu.pge)
		cr4 |= CR4_PGE;
	if (cpu.smep)
		cr4 |= CR4_SMEP;
	if (cpu.smap)
		cr4 |= CR4_SMAP;
	cpu_smap_enabled = cpu.smap;
	if (cpu.umip)
		cr4 |= CR4_UMIP;
	arch_write_cr4(cr4);
	cpu_fpu_init();
}

void
arch_user_access_begin(void)
{
	if (cpu.smap)
		__asm__ volatile("stac" : : : "memory");
}

void
arch_user_access_end(void)
{
	if (cpu.smap)
		__asm__ volatile("clac" : : : "memory");
}

void
arch_fpu_save(void *area)
{
	if (cpu.xsave)
		__asm__ volatile("xsave64 (%0)" : : "r"(area),
		    "a"((uint32_t)cpu.xcr0), "d"((uint32_t)(cpu.xcr0 >> 32))
		    : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void
arch_fpu_restore(const void *area)
{
	if (cpu.xsave)
		__asm__ volatile("xrstor64 (%0)" : : "r"(area),
		    "a"((uint32_t)cpu.xcr0), "d"((uint32_t)(cpu.xcr0 >> 32))
		    : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/*
 * A fresh state as Linux gives a new process: x87 control word 0x37f,
 * MXCSR 0x1f80, everything else zero.  XSTATE_BV names x87 and SSE so
 * XRSTOR takes FCW and MXCSR from here; other components start in their
 * architectural initial state.
 */
void
arch_fpu_init_state(void *area)
{
	uint8_t *p = area;

	for (uint32_t i = 0; i < cpu.xsave_size; i++)
		p[i] = 0;
	*(uint16_t *)(p + 0) = 0x37f;		/* FCW */
	*(uint32_t *)(p + 24) = 0x1f80;		/* MXCSR */
	if (cpu.xsave)
		*(uint64_t *)(p + 512) = XCR0_X87 | XCR0_SSE;
}

/* Debug registers: mov to/from DRn needs the register number in the
 * instruction, hence one case each. */
uint64_t
arch_read_dr(int n)
{
	uint64_t v = 0;

	switch (n) {
	case 0: __asm__ volatile("mov %%dr0, %0" : "=r"(v)); break;
	case 1: __asm__ volatile("mov %%dr1, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%dr2, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%dr3, %0" : "=r"(v)); break;
	case 6: __asm__ volatile("mov %%dr6, %0" : "=r"(v)); break;
	case 7: __asm__ volatile("mov %%dr7, %0" : "=r"(v)); break;
	}
	return v;
}

void
arch_write_dr(int n, uint64_t v)
{
	switch (n) {
	case 0: __asm__ volatile("mov %0, %%dr0" : : "r"(v)); break;
	case 1: __asm__ volatile("mov %0, %%dr1" : : "r"(v)); break;
	case 2: __asm__ volatile("mov %0, %%dr2" : : "r"(v)); break;
	case 3: __asm__ volatile("mov %0, %%dr3" : : "r"(v)); break;
	case 6: __asm__ volatile("mov %0, %%dr6" : : "r"(v)); break;
	case 7: __asm__ volatile("mov %0, %%dr7" : : "r"(v)); break;
	}
}
