/*
 * The local APIC timer: one-shot interrupts at the scheduler's next
 * event (a time-slice end or the earliest sleeper's deadline), nothing
 * when idle with no deadline.  TSC-deadline mode where the CPU has it,
 * else one-shot mode with the APIC timer's rate measured against the
 * TSC.  x2APIC registers are MSRs; xAPIC ones are an MMIO window.
 *
 * The rate is kept as APIC ticks per TSC tick, so it holds when the TSC
 * rate is refined later (platform/time.c).  The measurement cannot be
 * skewed by a busy host: each end is a read of the count bracketed by two
 * TSC reads, the narrowest of several, and the brackets bound the error;
 * a host that preempts the VM during a read only widens a bracket.  The
 * rate used is the low end of that bound, so an interrupt can come early
 * but not late; the scheduler compares every expiry with the TSC and
 * re-arms for the rest (platform/thread.c, timer_tick).
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
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CUR		0x390
#define APIC_TIMER_DIV		0x3e0
#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_EXTINT		(7u << 8)	/* delivery mode ExtINT */
#define LVT_NMI			(4u << 8)	/* delivery mode NMI */
#define LVT_TSC_DEADLINE	(2u << 17)
#define DIV_BY_1		0xb
#define CALIB_NS		100000ull	/* first span; doubled per try */
#define CALIB_TRIES		6		/* up to 3.2 ms */
#define CALIB_PPM_OK		2000		/* good enough: 0.2% */
#define CALIB_SAMPLES		4		/* reads per end, narrowest kept */

static volatile uint32_t *mmio;
static bool x2apic, deadline_mode;
static uint64_t apic_per_tsc_q32;	/* APIC ticks per TSC tick, 32.32 */
static uint64_t calib_ppm;		/* the measurement's error bound */
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

/*
 * End the timer interrupt.  The TSC rate's background measurement
 * finishes here when due.
 */
void
lapic_eoi(void)
{
	time_refine();
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

/* The APIC timer's count, between two TSC reads: the narrowest of a few. */
struct apic_sample {
	uint64_t tsc;		/* midpoint of the bracket */
	uint64_t window;	/* its width in TSC ticks */
	uint32_t count;
};

static void
apic_sample(struct apic_sample *best)
{
	uint64_t a, b;
	uint32_t c;

	best->window = UINT64_MAX;
	for (int i = 0; i < CALIB_SAMPLES; i++) {
		a = arch_rdtsc();
		c = apic_read(APIC_TIMER_CUR);
		b = arch_rdtsc();
		if (b - a < best->window) {
			best->tsc = a + (b - a) / 2;
			best->window = b - a;
			best->count = c;
		}
	}
}

/*
 * A measurement starts: the count runs down from its maximum (with
 * divide 1 it lasts over 4 s at QEMU's 1 GHz) and the first end is read.
 */
static struct apic_sample calib_s0;
static bool calib_running;

static void
lapic_measure_begin(void)
{
	apic_write(APIC_TIMER_INIT, 0xffffffffu);
	apic_sample(&calib_s0);
	calib_running = true;
}

/*
 * It ends at least span TSC ticks after it began: APIC ticks per TSC tick
 * (32.32) lowered by its error bound (by half at most), which goes to
 * *ppm.  0 when the count did not move (no working timer) or ran out.
 */
static uint64_t
lapic_measure_end(uint64_t span, uint64_t *ppm)
{
	struct apic_sample s0 = calib_s0, s1;
	uint64_t dt, dc, rate;

	while (arch_rdtsc() - s0.tsc < span)
		__asm__ volatile("pause");
	apic_sample(&s1);
	apic_write(APIC_TIMER_INIT, 0);
	calib_running = false;
	if (s1.count >= s0.count || s1.count == 0 || s1.tsc <= s0.tsc)
		return 0;
	dt = s1.tsc - s0.tsc;
	dc = s0.count - s1.count;
	*ppm = arch_muldiv64(s0.window + s1.window, 1000000, dt);
	rate = arch_muldiv64(dc, 1ull << 32, dt);
	if (*ppm >= 500000)
		return rate / 2;
	return rate - arch_muldiv64(rate, *ppm, 1000000);
}

/*
 * Measure until the error bound is small; longer each try.  The first
 * try ends a measurement lapic_start began, if it did: the boot's work
 * since then is its span, and nothing waits.
 */
static void
lapic_calibrate(void)
{
	uint64_t span = arch_muldiv64(plat_tsc_hz(), CALIB_NS, 1000000000ull);
	uint64_t rate, ppm;

	if (!calib_running) {
		apic_write(APIC_TIMER_DIV, DIV_BY_1);
		apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	}
	for (int i = 0; i < CALIB_TRIES; i++, span *= 2) {
		if (!calib_running)
			lapic_measure_begin();
		rate = lapic_measure_end(span, &ppm);
		if (rate == 0)
			continue;
		if (apic_per_tsc_q32 == 0 || ppm < calib_ppm) {
			apic_per_tsc_q32 = rate;
			calib_ppm = ppm;
		}
		if (calib_ppm <= CALIB_PPM_OK)
			break;
	}
}

/* The APIC timer's rate in Hz, as measured (for the log). */
static uint64_t
lapic_hz(void)
{
	return arch_muldiv64(apic_per_tsc_q32, plat_tsc_hz(), 1ull << 32);
}

/* Enable the APIC (once); false when it cannot be reached. */
static bool
lapic_enable(void)
{
	static bool enabled;
	uint64_t base;

	if (enabled)
		return true;
	base = arch_rdmsr(APIC_BASE_MSR);
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
	/* Virtual-wire mode, as a BIOS leaves it (MP spec 1.4, 3.6.2.2): the
	 * 8259's interrupts arrive on LINT0, NMI on LINT1.  Without firmware
	 * (the ROM boot) nobody else sets it. */
	apic_write(APIC_LVT_LINT0, LVT_EXTINT);
	apic_write(APIC_LVT_LINT1, LVT_NMI);
	enabled = true;
	return true;
}

/*
 * Early in the boot (interrupts off, memory and port I/O up): where the
 * timer's rate must be measured, start measuring, so the rest of the
 * boot runs while it does and lapic_init finds it done.
 */
void
lapic_start(void)
{
	if (cpu.tsc_deadline || !lapic_enable())
		return;
	apic_write(APIC_TIMER_DIV, DIV_BY_1);
	apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_measure_begin();
}

/* Returns false when there is no usable APIC (no preemption then). */
bool
lapic_init(void)
{
	if (!lapic_enable())
		return false;
	deadline_mode = cpu.tsc_deadline;
	if (deadline_mode) {
		apic_write(APIC_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
	} else {
		lapic_calibrate();
		if (apic_per_tsc_q32 == 0)
			return false;
		apic_write(APIC_LVT_TIMER, VEC_TIMER);
		klog("timer: local APIC (%s), one-shot mode, %llu.%03llu MHz "
		    "+-%llu ppm", x2apic ? "x2APIC" : "xAPIC",
		    (unsigned long long)(lapic_hz() / 1000000),
		    (unsigned long long)(lapic_hz() / 1000 % 1000),
		    (unsigned long long)calib_ppm);
		return true;
	}
	klog("timer: local APIC (%s), TSC-deadline mode",
	    x2apic ? "x2APIC" : "xAPIC");
	return true;
}

/*
 * Interrupt at monotonic time deadline_ns (0: cancel), or earlier when
 * the TSC rate's background measurement is due.  Re-arming for the
 * deadline already set is skipped: every thread switch asks, and each
 * APIC write is an exit to the hypervisor.
 */
void
lapic_arm(uint64_t deadline_ns)
{
	uint64_t now, delta, count, refine = time_refine_deadline();

	if (refine != 0 && (deadline_ns == 0 || refine < deadline_ns))
		deadline_ns = refine;
	if (deadline_ns == armed)
		return;
	/*
	 * Lazy: a timer already set to fire earlier stays as it is (never
	 * stopped, never moved later).  It then fires early, the tick finds
	 * nothing due and re-arms.  Two threads passing a pipe back and forth
	 * would otherwise re-program the timer at every wake and every
	 * switch, and under TCG each write costs far more than the tick.
	 */
	if (armed != 0 && (deadline_ns == 0 || deadline_ns > armed))
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
	count = arch_muldiv64(arch_muldiv64(delta, plat_tsc_hz(),
	    1000000000ull), apic_per_tsc_q32, 1ull << 32);
	if (count == 0)
		count = 1;
	if (count > 0xffffffffu)
		count = 0xffffffffu;	/* re-armed when it fires early */
	apic_write(APIC_TIMER_INIT, (uint32_t)count);
}
