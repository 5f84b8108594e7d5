/*
 * CPU facts the Linux ABI exposes to the guest (auxv, /proc/cpuinfo) and
 * the boot banner's summary of what the kernel uses.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define SIGFRAME_BASE	1024	/* siginfo + ucontext without FPU state */

void
plat_cpu_info(struct plat_cpu_info *out)
{
	struct cpuid_regs r;

	memset(out, 0, sizeof(*out));
	out->hwcap = cpu.hwcap;
	out->hwcap2 = 0;	/* no FSGSBASE for ring 3 */
	out->fpu_state_size = cpu.xsave_size;
	out->minsigstksz = SIGFRAME_BASE + cpu.xsave_size;
	memcpy(out->vendor, cpu.vendor, sizeof(out->vendor));
	memcpy(out->brand, cpu.brand, sizeof(out->brand));
	arch_cpuid(1, 0, &r);
	out->stepping = r.eax & 0xf;
	out->model = (r.eax >> 4) & 0xf;
	out->family = (r.eax >> 8) & 0xf;
	if (out->family == 0xf)
		out->family += (r.eax >> 20) & 0xff;
	if (out->family >= 0x6)
		out->model |= ((r.eax >> 16) & 0xf) << 4;
	out->tsc_hz = plat_tsc_hz();
	out->sev_snp = cpu.sev_snp;
}

/* One line naming the protections and extensions in use. */
void
cpu_log_features(void)
{
	klog("cpu: %s%s%s", cpu.vendor, cpu.brand[0] ? " " : "", cpu.brand);
	klog("cpu: in use:%s%s%s%s%s%s%s%s; %u-bit physical addresses",
	    cpu.nx ? " NX" : "", " WP", cpu.smep ? " SMEP" : "",
	    cpu.smap ? " SMAP" : "", cpu.umip ? " UMIP" : "",
	    cpu.xsave ? " XSAVE" : " FXSAVE", cpu.avx ? " AVX" : "",
	    cpu.rdseed ? " RDSEED" : cpu.rdrand ? " RDRAND" : "",
	    cpu.phys_addr_bits);
	klog("cpu: APIC%s%s%s", cpu.x2apic ? " x2APIC" : " xAPIC",
	    cpu.tsc_deadline ? ", TSC-deadline timer" : "",
	    cpu.invariant_tsc ? ", invariant TSC" : "");
	klog("cpu: TSC %llu.%03llu MHz (%s, +-%llu ppm), FPU state %u bytes",
	    (unsigned long long)(plat_tsc_hz() / 1000000),
	    (unsigned long long)(plat_tsc_hz() / 1000 % 1000), time_source(),
	    (unsigned long long)time_uncertainty_ppm(), cpu.xsave_size);
}
