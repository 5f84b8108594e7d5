/*
 * Time: a monotonic nanosecond clock from the TSC, and the wall clock
 * from the CMOS RTC read once at boot.
 *
 * The TSC frequency comes from CPUID when the CPU or hypervisor states it
 * (leaf 0x15 crystal ratio, hypervisor leaf 0x40000010, leaf 0x16 base
 * MHz), otherwise from PIT channel 2 in two steps: a quick measurement
 * over PIT_QUICK_US during boot, then a longer one over PIT_REFINE_MS
 * that the timer interrupt finishes in the background (time_refine),
 * which republishes the rate.  Every change of the rate goes through
 * time_set_tsc_hz(), which rebases the clock so it stays continuous and
 * monotonic.
 */
#include "platform/internal.h"
#include "arch/arch.h"
#include "ghcb/snp.h"


#define PIT_HZ		1193182ull
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61	/* bit 0 gate, bit 1 speaker, bit 5 OUT2 */
#define PIT_QUICK_US	250	/* the boot measurement: a few 100 ppm */
#define PIT_REFINE_MS	30	/* the background one; the counter lasts 54 */
#define PIT_REFINE_TRIES 3	/* restarts when the counter ran out first */
#define PIT_EDGES	4	/* count changes per sample, narrowest kept */
#define CMOS_ADDR	0x70
#define CMOS_DATA	0x71
#define NS_PER_S	1000000000ull

/*
 * The clock: ns = base_ns + (TSC - base_tsc) * ns_per_tick_q32 >> 32.
 * time_set_tsc_hz() may change it from the timer interrupt, so readers
 * retry while seq is odd or changed under them (one CPU: compiler
 * barriers suffice).
 */
static volatile uint32_t seq;
static uint64_t base_tsc;
static uint64_t base_ns;
static uint64_t ns_per_tick_q32;	/* nanoseconds per tick, 32.32 */
static uint64_t tsc_hz;
static uint64_t wall_at_boot_ns;
static const char *tsc_source = "none";
static uint64_t calib_ppm;		/* PIT calibration's uncertainty */

#define barrier()	__asm__ volatile("" : : : "memory")

uint64_t
plat_now_ns(void)
{
	uint64_t t, n, m, d;
	uint32_t s;

	do {
		s = seq;
		barrier();
		t = base_tsc;
		n = base_ns;
		m = ns_per_tick_q32;
		d = arch_rdtsc() - t;
		barrier();
	} while ((s & 1) || s != seq);
	return n + (uint64_t)(((unsigned __int128)d * m) >> 32);
}

/*
 * The one place the TSC rate changes (interrupts off).  The first rate
 * counts from kernel entry (time_init's TSC); a later one rebases the
 * clock at the current instant, so it neither jumps nor runs back.
 * Whatever shows the clock to user space republishes from here.
 */
/*
 * Hand the vDSO (platform/vclock.c) what plat_now_ns() and
 * plat_wallclock_ns() compute with.  Call after every change of the
 * rate, the base or the wall-clock offset.
 */
static void
time_publish(void)
{
	vclock_publish(base_tsc, base_ns, ns_per_tick_q32, wall_at_boot_ns);
}

void
time_set_tsc_hz(uint64_t hz)
{
	uint64_t now_tsc = arch_rdtsc();
	uint64_t now = plat_now_ns();

	seq++;
	barrier();
	if (tsc_hz != 0) {
		base_tsc = now_tsc;
		base_ns = now;
	}
	tsc_hz = hz;
	ns_per_tick_q32 = arch_muldiv64(NS_PER_S, 1ull << 32, hz);
	barrier();
	seq++;
	time_publish();
}

uint64_t
plat_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t
plat_wallclock_ns(void)
{
	return wall_at_boot_ns + plat_now_ns();
}

void
plat_wallclock_set(uint64_t ns)
{
	wall_at_boot_ns = ns - plat_now_ns();
	time_publish();
}

uint64_t
plat_boot_ns(void)
{
	return 0;
}

static uint64_t
tsc_from_cpuid(void)
{
	struct cpuid_regs r;
	uint32_t max;
	uint64_t hz, secrets = boot_snp_secrets_pa();

	/* SEV-SNP Secure TSC: the rate the secure processor fixed. */
	if ((hz = snp_secure_tsc_hz(secrets != 0 ? phys_to_virt(secrets) :
	    NULL)) != 0) {
		tsc_source = "SEV-SNP Secure TSC (GUEST_TSC_FREQ)";
		return hz;
	}
	arch_cpuid(0, 0, &r);
	if (r.eax >= 0x15) {
		arch_cpuid(0x15, 0, &r);
		if (r.eax != 0 && r.ebx != 0 && r.ecx != 0) {
			tsc_source = "CPUID 0x15";
			return (uint64_t)r.ecx * r.ebx / r.eax;
		}
	}
	arch_cpuid(0x40000000, 0, &r);
	if (r.eax >= 0x40000010 && r.eax < 0x40000100) {
		arch_cpuid(0x40000010, 0, &r);
		if (r.eax != 0) {
			tsc_source = "hypervisor leaf 0x40000010";
			return (uint64_t)r.eax * 1000;
		}
	}
	/* Leaf 0x16: the base frequency, which an invariant TSC runs at. */
	arch_cpuid(0, 0, &r);
	max = r.eax;
	arch_cpuid(0x80000007, 0, &r);
	if (max >= 0x16 && (r.edx & (1u << 8))) {
		arch_cpuid(0x16, 0, &r);
		if ((r.eax & 0xffff) != 0) {
			tsc_source = "CPUID 0x16 base frequency";
			return (uint64_t)(r.eax & 0xffff) * 1000000;
		}
	}
	return 0;
}

/*
 * One sample: the moment PIT channel 2's count changes, bracketed by TSC
 * reads (the method of Linux's quick_pit_calibrate).  The change happened
 * after the last read that saw the old count began and before the first
 * read that saw the new one ended; that window bounds the error.  A host
 * that preempts QEMU meanwhile shows up as a wide window, and the
 * narrowest of PIT_EDGES changes is kept.
 */
struct pit_sample {
	uint64_t tsc;		/* midpoint of the window */
	uint64_t window;
	uint16_t count;		/* the new count */
};

static uint16_t
pit_read(uint64_t *before, uint64_t *after)
{
	uint8_t lo, hi;

	*before = arch_rdtsc();
	arch_outb(PIT_CMD, 0x80);	/* latch channel 2 */
	lo = arch_inb(PIT_CH2);
	hi = arch_inb(PIT_CH2);
	*after = arch_rdtsc();
	return (uint16_t)(lo | hi << 8);
}

/* False when the count does not move (no PIT). */
static bool
pit_edge(struct pit_sample *best)
{
	uint64_t a0, b0, a, b;
	uint16_t c0, c;
	uint32_t spins;

	best->window = UINT64_MAX;
	c0 = pit_read(&a0, &b0);
	for (int i = 0; i < PIT_EDGES; i++) {
		spins = 0;
		while ((c = pit_read(&a, &b)) == c0) {
			a0 = a;
			if (++spins > 1000000)
				return false;
		}
		if (b - a0 < best->window) {
			best->tsc = a0 + (b - a0) / 2;
			best->window = b - a0;
			best->count = c;
		}
		c0 = c;
		a0 = a;
	}
	return true;
}

/*
 * TSC ticks per second between two PIT samples, and the error bound in
 * ppm: both windows plus a tick of slack for where in its window each
 * change fell.  Both samples are taken on the free-running 16-bit
 * counter, which lasts 54.9 ms; OUT2 goes high when it ran out.
 */
static struct pit_sample pit_s0;
static uint8_t pit_gate_saved;
static bool pit_running;
static uint64_t refine_at;	/* monotonic ns to finish; 0: none pending */
static int refine_tries;

static bool
pit_start(void)
{
	if (!pit_running)
		pit_gate_saved = arch_inb(PIT_GATE);
	arch_outb(PIT_GATE, (pit_gate_saved & ~0x02) | 0x01);	/* no beep */
	arch_outb(PIT_CMD, 0xb0);	/* channel 2, lo/hi, mode 0, binary */
	arch_outb(PIT_CH2, 0xff);
	arch_outb(PIT_CH2, 0xff);
	pit_running = pit_edge(&pit_s0);
	return pit_running;
}

static void
pit_stop(void)
{
	arch_outb(PIT_GATE, pit_gate_saved);
	pit_running = false;
}

static bool
pit_ran_out(void)
{
	return (arch_inb(PIT_GATE) & 0x20) != 0;
}

/* Rate from pit_s0 to s1 and its bound, or 0. */
static uint64_t
pit_rate(const struct pit_sample *s1, uint64_t *ppm)
{
	uint64_t dt;

	if (s1->count >= pit_s0.count || s1->tsc <= pit_s0.tsc)
		return 0;
	dt = s1->tsc - pit_s0.tsc;
	*ppm = arch_muldiv64(pit_s0.window + s1->window, 1000000, dt);
	return arch_muldiv64(dt, PIT_HZ, pit_s0.count - s1->count);
}

/*
 * The quick measurement: at least PIT_QUICK_US after pit_s0.  If the
 * counter ran out first (boot work or the host took over 54 ms), start
 * it again.
 */
static uint64_t
tsc_from_pit(void)
{
	uint32_t span = PIT_HZ * PIT_QUICK_US / 1000000;
	struct pit_sample s1;
	uint64_t a, b, hz = 0;

	for (int i = 0; i < PIT_REFINE_TRIES && hz == 0; i++) {
		if ((!pit_running || pit_ran_out()) && !pit_start())
			return 0;	/* no PIT */
		while ((uint16_t)(pit_s0.count - pit_read(&a, &b)) < span &&
		    !pit_ran_out())
			;
		if (!pit_ran_out() && pit_edge(&s1) && !pit_ran_out())
			hz = pit_rate(&s1, &calib_ppm);
	}
	if (hz == 0) {
		pit_stop();
		return 0;
	}
	tsc_source = "PIT calibration";
	return hz;
}

/*
 * The deadline of the background measurement (0: none pending), for the
 * timer to be armed by then.
 */
uint64_t
time_refine_deadline(void)
{
	return refine_at;
}

/*
 * Called from the timer interrupt: once the deadline has passed, finish
 * the longer measurement and republish the rate.  If the counter ran out
 * first (the interrupt came late), start over, a few times at most.
 */
void
time_refine(void)
{
	struct pit_sample s1;
	uint64_t hz, ppm, old = tsc_hz;

	if (refine_at == 0 || plat_now_ns() < refine_at)
		return;
	if (pit_ran_out() || !pit_edge(&s1) || pit_ran_out() ||
	    (hz = pit_rate(&s1, &ppm)) == 0 || ppm >= calib_ppm) {
		if (++refine_tries < PIT_REFINE_TRIES && pit_start()) {
			refine_at = plat_now_ns() + PIT_REFINE_MS * 1000000ull;
			return;
		}
		refine_at = 0;
		pit_stop();
		klog("time: TSC rate not refined; %llu ppm stays",
		    (unsigned long long)calib_ppm);
		return;
	}
	refine_at = 0;
	pit_stop();
	calib_ppm = ppm;
	time_set_tsc_hz(hz);
	klog("time: TSC %llu.%03llu MHz (PIT over %llu ms, +-%llu ppm); the "
	    "boot estimate was off by %s%llu ppm",
	    (unsigned long long)(hz / 1000000),
	    (unsigned long long)(hz / 1000 % 1000),
	    (unsigned long long)(arch_muldiv64(s1.tsc - pit_s0.tsc, 1000,
	    hz)), (unsigned long long)ppm, old < hz ? "-" : "+",
	    (unsigned long long)arch_muldiv64(old < hz ? hz - old : old - hz,
	    1000000, hz));
}

static uint8_t
cmos_read(uint8_t reg)
{
	arch_outb(CMOS_ADDR, reg);
	return arch_inb(CMOS_DATA);
}

static unsigned
bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t
days_from_civil(unsigned y, unsigned m, unsigned d)
{
	unsigned era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

static uint64_t
rtc_read_epoch(void)
{
	unsigned sec, min, hour, day, mon, year;
	uint8_t b;
	bool binary;

	for (int i = 0; i < 1000000 && (cmos_read(0x0a) & 0x80); i++)
		;	/* wait while an update is in progress */
	b = cmos_read(0x0b);
	binary = b & 0x04;
	sec = bcd(cmos_read(0x00), binary);
	min = bcd(cmos_read(0x02), binary);
	hour = bcd(cmos_read(0x04) & 0x7f, binary);
	if (!(b & 0x02) && (cmos_read(0x04) & 0x80))
		hour = (hour % 12) + 12;	/* 12-hour clock, PM */
	day = bcd(cmos_read(0x07), binary);
	mon = bcd(cmos_read(0x08), binary);
	year = bcd(cmos_read(0x09), binary) + 2000;
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 ||
	    min > 59 || sec > 60)
		return 0;	/* garbage from the RTC: say 1970 */
	return days_from_civil(year, mon, day) * 86400 + hour * 3600 +
	    min * 60 + sec;
}


/*
 * Start timekeeping: the TSC rate from CPUID if stated, else the PIT
 * measurement begins here and ends in time_calibrate().  Until then
 * plat_now_ns() reads 0.
 */
void
time_init(uint64_t tsc0)
{
	uint64_t hz;

	base_tsc = tsc0 != 0 ? tsc0 : arch_rdtsc();
	hz = tsc_from_cpuid();
	if (hz == 0)
		pit_start();
	else
		time_set_tsc_hz(hz);
}

void
time_calibrate(void)
{
	uint64_t hz = tsc_hz;
	bool refine = false;

	if (hz == 0)
		refine = (hz = tsc_from_pit()) != 0;
	if (hz == 0) {
		hz = 1000000000ull;
		tsc_source = "assumed 1 GHz (no PIT)";
	}
	if (hz != tsc_hz)
		time_set_tsc_hz(hz);
	if (refine)
		refine_at = plat_now_ns() + PIT_REFINE_MS * 1000000ull;
	wall_at_boot_ns = rtc_read_epoch() * NS_PER_S - plat_now_ns();
	time_publish();
}

const char *
time_source(void)
{
	return tsc_source;
}

/* The calibration's worst-case error in parts per million (0: exact). */
uint64_t
time_uncertainty_ppm(void)
{
	return calib_ppm;
}
