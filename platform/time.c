/*
 * Time: a monotonic nanosecond clock from the TSC, and the wall clock
 * from the CMOS RTC read once at boot.
 *
 * The TSC frequency comes from CPUID when the CPU or hypervisor states it
 * (leaf 0x15 crystal ratio, hypervisor leaf 0x40000010, leaf 0x16 base
 * MHz), otherwise from a short calibration against PIT channel 2.
 */
#include "platform/internal.h"
#include "arch/arch.h"

static void time_publish(void);

#define PIT_HZ		1193182ull
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61	/* bit 0 gate, bit 1 speaker, bit 5 OUT2 */
#define PIT_CALIB_MS	2
#define CMOS_ADDR	0x70
#define CMOS_DATA	0x71
#define NS_PER_S	1000000000ull

static uint64_t boot_tsc;
static uint64_t tsc_hz;
static uint64_t ns_per_tick_q32;	/* nanoseconds per tick, 32.32 */
static uint64_t wall_at_boot_ns;
static const char *tsc_source = "none";
static uint64_t calib_ppm;		/* PIT calibration's uncertainty */

uint64_t
plat_now_ns(void)
{
	uint64_t d = arch_rdtsc() - boot_tsc;

	return (uint64_t)(((unsigned __int128)d * ns_per_tick_q32) >> 32);
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
 * One sample: PIT channel 2's count bracketed by two TSC reads.  The
 * window (tsc_b - tsc_a) bounds the error; a host that preempts QEMU
 * between the reads shows up as a wide window and the sample is retaken.
 */
struct pit_sample {
	uint64_t tsc;		/* midpoint of the window */
	uint64_t window;
	uint16_t count;
};

static void
pit_sample(struct pit_sample *s)
{
	uint64_t a, b;
	uint8_t lo, hi;

	a = arch_rdtsc();
	arch_outb(PIT_CMD, 0x80);	/* latch channel 2 */
	lo = arch_inb(PIT_CH2);
	hi = arch_inb(PIT_CH2);
	b = arch_rdtsc();
	s->tsc = a + (b - a) / 2;
	s->window = b - a;
	s->count = (uint16_t)(lo | hi << 8);
}

/* The narrowest of a few samples. */
static void
pit_best_sample(struct pit_sample *best)
{
	struct pit_sample s;

	pit_sample(best);
	for (int i = 0; i < 8; i++) {
		pit_sample(&s);
		if (s.window < best->window)
			*best = s;
	}
}

/*
 * TSC ticks per second from two narrow samples of the free-running PIT
 * counter at least PIT_CALIB_MS apart (the method of Linux's
 * quick_pit_calibrate): independent of how long the guest takes to
 * notice time passing.  The first sample is taken at time_init and the
 * second at time_calibrate, so the boot work in between overlaps the
 * measurement.  If the 16-bit counter ran out meanwhile (OUT2 high, more
 * than 55 ms), it measures afresh.
 */
static struct pit_sample pit_s0;
static uint8_t pit_gate_saved;
static bool pit_started;

static void
pit_start(void)
{
	pit_gate_saved = arch_inb(PIT_GATE);
	arch_outb(PIT_GATE, (pit_gate_saved & ~0x02) | 0x01);	/* no beep */
	arch_outb(PIT_CMD, 0xb0);	/* channel 2, lo/hi, mode 0, binary */
	arch_outb(PIT_CH2, 0xff);
	arch_outb(PIT_CH2, 0xff);
	pit_best_sample(&pit_s0);
	pit_started = true;
}

static uint64_t
tsc_from_pit(void)
{
	uint32_t span = PIT_HZ * PIT_CALIB_MS / 1000;
	struct pit_sample s1;
	uint64_t spins = 0;

	if (!pit_started || (arch_inb(PIT_GATE) & 0x20))
		pit_start();		/* not started, or it ran out */
	do {
		pit_sample(&s1);
		if (++spins > 10000000ull || s1.count > pit_s0.count)
			return 0;	/* PIT absent, stuck or wrapped */
	} while ((uint32_t)(pit_s0.count - s1.count) < span);
	pit_best_sample(&s1);
	arch_outb(PIT_GATE, pit_gate_saved);
	if (s1.count >= pit_s0.count)
		return 0;
	tsc_source = "PIT calibration";
	calib_ppm = arch_muldiv64(pit_s0.window + s1.window, 1000000,
	    s1.tsc - pit_s0.tsc);
	return arch_muldiv64(s1.tsc - pit_s0.tsc, PIT_HZ,
	    pit_s0.count - s1.count);
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
 * Hand the vDSO (platform/vclock.c) what plat_now_ns() and
 * plat_wallclock_ns() compute with.  Call after every change of the
 * rate, the base or the wall-clock offset.
 */
static void
time_publish(void)
{
	vclock_publish(boot_tsc, 0, ns_per_tick_q32, wall_at_boot_ns);
}

/*
 * Start timekeeping: the TSC rate from CPUID if stated, else the PIT
 * measurement begins here and ends in time_calibrate().  Until then
 * plat_now_ns() reads 0.
 */
void
time_init(uint64_t tsc0)
{
	boot_tsc = tsc0 != 0 ? tsc0 : arch_rdtsc();
	tsc_hz = tsc_from_cpuid();
	if (tsc_hz == 0)
		pit_start();
	else
		time_calibrate();
}

void
time_calibrate(void)
{
	if (tsc_hz == 0)
		tsc_hz = tsc_from_pit();
	if (tsc_hz == 0) {
		tsc_hz = 1000000000ull;
		tsc_source = "assumed 1 GHz (no PIT)";
	}
	ns_per_tick_q32 = arch_muldiv64(NS_PER_S, 1ull << 32, tsc_hz);
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
