/*
 * The local APIC timer: one-shot interrupts at the scheduler's next
 * event (a time-slice end or the earliest sleeper's deadline), nothing
 * when idle with no deadline.  TSC-deadline mode where the CPU has it,
 * else one-shot mode with the APIC timer's rate calibrated against the
 * TSC.  x2APIC registers are MSRs; xAPIC ones are an MMIO window.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define APIC_BASE_MSR		0x1b
#define APIC_BASE_ENABLE	(1ull << 11)
#define APIC_BASE_X2APIC	(1ull << 10)
#define APIC_DEFAULT_PHYS	0xfee00000ull
#define MSR_TSC_DEADLINE	0x6e0
#define X2APIC_MSR_BASE		0x800

/* Register offsets (Intel SDM vol. 3A, table 11-1). */
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CUR		0x390
#define APIC_TIMER_DIV		0x3e0
#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_TSC_DEADLINE	(2u << 17)
#define DIV_BY_1		0xb
#define CALIB_NS		100000ull	/* against the TSC: ~0.1% */

static volatile uint32_t *mmio;
static bool x2apic, deadline_mode;
static uint64_t apic_hz;
static uint64_t armed;		/* deadline the timer is set for, 0 = none */

static uint32_t
apic_read(uint32_t reg)
{
	if (x2apic)
		return (uint32_t)arch_rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return mmio[reg / 4];
}

static void
apic_write(uint32_t reg, uint32_t v)
{
	if (x2apic)
		arch_wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		mmio[reg / 4] = v;
}

/* End the timer interrupt. */
void
lapic_eoi(void)
{
	armed = 0;		/* a one-shot timer that fired is disarmed */
	apic_write(APIC_EOI, 0);
}

/* End a device's (MSI) interrupt; the timer stays armed. */
void
lapic_eoi_device(void)
{
	if (x2apic || mmio != NULL)
		apic_write(APIC_EOI, 0);
}

/*
 * The address and data of an MSI that reaches this CPU with vector
 * (Intel SDM vol. 3A, 11.11.1-2: fixed delivery, physical destination,
 * edge).  The destination is the initial APIC ID (CPUID 1, EBX[31:24]),
 * which is also the x2APIC ID QEMU gives the boot CPU.
 */
void
lapic_msi(uint8_t vector, uint64_t *addr, uint32_t *data)
{
	struct cpuid_regs r;

	arch_cpuid(1, 0, &r);
	*addr = APIC_DEFAULT_PHYS | (uint64_t)(r.ebx >> 24) << 12;
	*data = vector;
}

static void
lapic_calibrate(void)
{
	uint64_t t0, t1, ticks = plat_tsc_hz() * CALIB_NS / 1000000000ull;
	uint32_t left;

	apic_write(APIC_TIMER_DIV, DIV_BY_1);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	t0 = arch_rdtsc();
	apic_write(APIC_TIMER_INIT, 0xffffffffu);
	while ((t1 = arch_rdtsc()) - t0 < ticks)
		__asm__ volatile("pause");
	left = apic_read(APIC_TIMER_CUR);
	apic_write(APIC_TIMER_INIT, 0);
	apic_hz = arch_muldiv64(0xffffffffu - left, plat_tsc_hz(), t1 - t0);
}

/* Returns false when there is no usable APIC (no preemption then). */
bool
lapic_init(void)
{
	uint64_t base = arch_rdmsr(APIC_BASE_MSR);

	x2apic = cpu.x2apic;
	if (x2apic) {
		arch_wrmsr(APIC_BASE_MSR, base | APIC_BASE_ENABLE |
		    APIC_BASE_X2APIC);
	} else {
		mmio = vmm_map_mmio(base & ~0xfffull, PAGE_SIZE);
		if (mmio == NULL)
			return false;
	}
	apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	deadline_mode = cpu.tsc_deadline;
	if (deadline_mode) {
		apic_write(APIC_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
	} else {
		lapic_calibrate();
		if (apic_hz == 0)
			return false;
		apic_write(APIC_LVT_TIMER, VEC_TIMER);
	}
	klog("timer: local APIC (%s), %s", x2apic ? "x2APIC" : "xAPIC",
	    deadline_mode ? "TSC-deadline mode" : "one-shot mode");
	return true;
}

/*
 * Interrupt at monotonic time deadline_ns (0: cancel).  Re-arming for the
 * deadline already set is skipped: every thread switch asks, and each
 * APIC write is an exit to the hypervisor.
 */
void
lapic_arm(uint64_t deadline_ns)
{
	uint64_t now, delta, count;

	if (deadline_ns == armed)
		return;
	armed = deadline_ns;
	now = plat_now_ns();
	if (deadline_ns == 0) {
		if (deadline_mode)
			arch_wrmsr(MSR_TSC_DEADLINE, 0);
		else
			apic_write(APIC_TIMER_INIT, 0);
		return;
	}
	delta = deadline_ns > now ? deadline_ns - now : 1000;
	if (deadline_mode) {
		arch_wrmsr(MSR_TSC_DEADLINE, arch_rdtsc() +
		    arch_muldiv64(delta, plat_tsc_hz(), 1000000000ull));
		return;
	}
	count = arch_muldiv64(delta, apic_hz, 1000000000ull);
	if (count == 0)
		count = 1;
	if (count > 0xffffffffu)
		count = 0xffffffffu;	/* re-armed when it fires early */
	apic_write(APIC_TIMER_INIT, (uint32_t)count);
}
