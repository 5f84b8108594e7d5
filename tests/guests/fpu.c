/*
 * fpu: x87, SSE and (where the CPU and kernel enable them) AVX and AVX-512
 * state belongs to the guest and survives system calls, sleeps and timer
 * interrupts.  The process starts with Linux's initial control words;
 * register-level checks load every vector register, make a system call in
 * the same asm block and compare; C-level computations interleaved with
 * system calls must give results bit-identical to the same computations
 * without them.  Only exact IEEE operations are used (+ - * / sqrt), so the
 * printed results do not depend on the CPU model.
 */
#include <cpuid.h>
#include <emmintrin.h>
#include <string.h>
#include <time.h>

#include "guest.h"

static void
some_syscalls(int i)
{
	static const struct timespec zero;

	switch (i % 4) {
	case 0: SYS0(SYS_getpid); break;
	case 1: SYS0(SYS_sched_yield); break;
	case 2: SYS2(SYS_nanosleep, &zero, NULL); break;
	case 3: SYS0(SYS_getuid); break;
	}
}

static void
test_initial_state(void)
{
	uint32_t mxcsr;
	uint16_t fcw;

	__asm__ volatile ("stmxcsr %0" : "=m" (mxcsr));
	__asm__ volatile ("fnstcw %0" : "=m" (fcw));
	out("initial MXCSR: %#x\n", mxcsr);
	out("initial x87 control word: %#x\n", fcw);
}

/* Sum 1/i^2 in double, float and long double, with or without calls. */
static void
series(int with_calls, double *d, float *f, long double *ld)
{
	double sd = 0;
	float sf = 0;
	long double sl = 0;

	for (int i = 1; i <= 20000; i++) {
		sd += 1.0 / ((double)i * i);
		sf += 1.0f / ((float)i * i);
		sl += 1.0L / ((long double)i * i);
		if (with_calls)
			some_syscalls(i);
	}
	*d = sd;
	*f = sf;
	*ld = sl;
}

static void
test_series(void)
{
	double d0, d1;
	float f0, f1;
	long double l0, l1;

	series(0, &d0, &f0, &l0);
	series(1, &d1, &f1, &l1);
	out("double series: %.17g\n", d1);
	out("float series: %.9g\n", (double)f1);
	out("long double series: %.21Lg\n", l1);
	check("double identical with system calls", memcmp(&d0, &d1,
	    sizeof(d0)) == 0);
	check("float identical with system calls", f0 == f1);
	check("long double identical with system calls", l0 == l1);
}

/* Distance in units in the last place between two positive doubles. */
static uint64_t
ulps(double a, double b)
{
	uint64_t x, y;

	memcpy(&x, &a, sizeof(x));
	memcpy(&y, &b, sizeof(y));
	return x > y ? x - y : y - x;
}

/* Newton iterations for sqrt on two lanes, checked against sqrtpd. */
static void
test_sse_vectors(void)
{
	__m128d x = _mm_set_pd(2.0, 12345.678), y = x, exact;
	__m128d half = _mm_set1_pd(0.5);
	double out2[2], ex2[2];

	for (int i = 0; i < 60; i++) {
		y = _mm_mul_pd(half, _mm_add_pd(y, _mm_div_pd(x, y)));
		some_syscalls(i);
	}
	exact = _mm_sqrt_pd(x);
	_mm_storeu_pd(out2, y);
	_mm_storeu_pd(ex2, exact);
	out("sqrt by Newton: %.17g %.17g\n", out2[0], out2[1]);
	check("Newton converges to sqrtpd (within 1 ulp)",
	    ulps(out2[0], ex2[0]) <= 1 && ulps(out2[1], ex2[1]) <= 1);
}

static uint64_t xin[32], xout[32];

/* xmm0-15 loaded from xin, getppid, stored to xout. */
static void
xmm_roundtrip(void)
{
	__asm__ volatile (
	    "movdqu 0(%0), %%xmm0\n\t"   "movdqu 16(%0), %%xmm1\n\t"
	    "movdqu 32(%0), %%xmm2\n\t"  "movdqu 48(%0), %%xmm3\n\t"
	    "movdqu 64(%0), %%xmm4\n\t"  "movdqu 80(%0), %%xmm5\n\t"
	    "movdqu 96(%0), %%xmm6\n\t"  "movdqu 112(%0), %%xmm7\n\t"
	    "movdqu 128(%0), %%xmm8\n\t" "movdqu 144(%0), %%xmm9\n\t"
	    "movdqu 160(%0), %%xmm10\n\t" "movdqu 176(%0), %%xmm11\n\t"
	    "movdqu 192(%0), %%xmm12\n\t" "movdqu 208(%0), %%xmm13\n\t"
	    "movdqu 224(%0), %%xmm14\n\t" "movdqu 240(%0), %%xmm15\n\t"
	    "mov $110, %%eax\n\t"
	    "syscall\n\t"
	    "movdqu %%xmm0, 0(%1)\n\t"   "movdqu %%xmm1, 16(%1)\n\t"
	    "movdqu %%xmm2, 32(%1)\n\t"  "movdqu %%xmm3, 48(%1)\n\t"
	    "movdqu %%xmm4, 64(%1)\n\t"  "movdqu %%xmm5, 80(%1)\n\t"
	    "movdqu %%xmm6, 96(%1)\n\t"  "movdqu %%xmm7, 112(%1)\n\t"
	    "movdqu %%xmm8, 128(%1)\n\t" "movdqu %%xmm9, 144(%1)\n\t"
	    "movdqu %%xmm10, 160(%1)\n\t" "movdqu %%xmm11, 176(%1)\n\t"
	    "movdqu %%xmm12, 192(%1)\n\t" "movdqu %%xmm13, 208(%1)\n\t"
	    "movdqu %%xmm14, 224(%1)\n\t" "movdqu %%xmm15, 240(%1)\n\t"
	    :
	    : "r" (xin), "r" (xout)
	    : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
	      "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
	      "xmm12", "xmm13", "xmm14", "xmm15");
}

/* ymm0-15 (512 bytes) loaded from xin... as above; needs AVX. */
static uint64_t yin[64], yout[64];

static void
ymm_roundtrip(void)
{
	__asm__ volatile (
	    "vmovdqu 0(%0), %%ymm0\n\t"    "vmovdqu 32(%0), %%ymm1\n\t"
	    "vmovdqu 64(%0), %%ymm2\n\t"   "vmovdqu 96(%0), %%ymm3\n\t"
	    "vmovdqu 128(%0), %%ymm4\n\t"  "vmovdqu 160(%0), %%ymm5\n\t"
	    "vmovdqu 192(%0), %%ymm6\n\t"  "vmovdqu 224(%0), %%ymm7\n\t"
	    "vmovdqu 256(%0), %%ymm8\n\t"  "vmovdqu 288(%0), %%ymm9\n\t"
	    "vmovdqu 320(%0), %%ymm10\n\t" "vmovdqu 352(%0), %%ymm11\n\t"
	    "vmovdqu 384(%0), %%ymm12\n\t" "vmovdqu 416(%0), %%ymm13\n\t"
	    "vmovdqu 448(%0), %%ymm14\n\t" "vmovdqu 480(%0), %%ymm15\n\t"
	    "mov $110, %%eax\n\t"
	    "syscall\n\t"
	    "vmovdqu %%ymm0, 0(%1)\n\t"    "vmovdqu %%ymm1, 32(%1)\n\t"
	    "vmovdqu %%ymm2, 64(%1)\n\t"   "vmovdqu %%ymm3, 96(%1)\n\t"
	    "vmovdqu %%ymm4, 128(%1)\n\t"  "vmovdqu %%ymm5, 160(%1)\n\t"
	    "vmovdqu %%ymm6, 192(%1)\n\t"  "vmovdqu %%ymm7, 224(%1)\n\t"
	    "vmovdqu %%ymm8, 256(%1)\n\t"  "vmovdqu %%ymm9, 288(%1)\n\t"
	    "vmovdqu %%ymm10, 320(%1)\n\t" "vmovdqu %%ymm11, 352(%1)\n\t"
	    "vmovdqu %%ymm12, 384(%1)\n\t" "vmovdqu %%ymm13, 416(%1)\n\t"
	    "vmovdqu %%ymm14, 448(%1)\n\t" "vmovdqu %%ymm15, 480(%1)\n\t"
	    "vzeroupper\n\t"
	    :
	    : "r" (yin), "r" (yout)
	    : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
	      "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
	      "xmm12", "xmm13", "xmm14", "xmm15");
}

static int
avx_enabled(void)
{
	unsigned a, b, c, d;
	uint32_t lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) ||
	    !(c & bit_AVX))
		return 0;
	__asm__ volatile ("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (lo & 6) == 6;
}

static void
fill_pattern(uint64_t *p, int n, uint64_t seed)
{
	for (int i = 0; i < n; i++)
		p[i] = (seed + i) * 0x9e3779b97f4a7c15ULL;
}

static void
test_registers(void)
{
	static const struct timespec ten_ms = { 0, 10000000 };
	int ok = 1;

	for (int round = 0; round < 100; round++) {
		fill_pattern(xin, 32, round);
		memset(xout, 0, sizeof(xout));
		xmm_roundtrip();
		ok &= memcmp(xin, xout, sizeof(xin)) == 0;
	}
	check("xmm0-15 survive a system call", ok);
	if (avx_enabled()) {
		for (int round = 0; round < 100; round++) {
			fill_pattern(yin, 64, round + 1000);
			memset(yout, 0, sizeof(yout));
			ymm_roundtrip();
			ok &= memcmp(yin, yout, sizeof(yin)) == 0;
		}
	}
	check("ymm0-15 survive a system call (when AVX is enabled)", ok);

	fill_pattern(xin, 32, 77);
	SYS2(SYS_nanosleep, &ten_ms, NULL);
	xmm_roundtrip();
	check("xmm state fine after a 10 ms sleep",
	    memcmp(xin, xout, sizeof(xin)) == 0);
}

static void
test_control_words(void)
{
	static const struct timespec ten_ms = { 0, 10000000 };
	uint32_t mxcsr0, mxcsr = 0x1f80 | 0x6000 | 0x8000, got;
	uint16_t fcw0, fcw = 0x037f & ~0x0300 & ~0x0c00, fgot;	/* 24-bit, nearest */
	volatile float one = 1.0f, three = 3.0f, third;

	__asm__ volatile ("stmxcsr %0" : "=m" (mxcsr0));
	__asm__ volatile ("fnstcw %0" : "=m" (fcw0));
	fcw |= 0x0800;		/* round up */
	__asm__ volatile ("ldmxcsr %0" : : "m" (mxcsr));
	__asm__ volatile ("fldcw %0" : : "m" (fcw));
	SYS0(SYS_getpid);
	SYS2(SYS_nanosleep, &ten_ms, NULL);
	for (volatile int i = 0; i < 3000000; i++)
		;
	__asm__ volatile ("stmxcsr %0" : "=m" (got));
	__asm__ volatile ("fnstcw %0" : "=m" (fgot));
	third = one / three;	/* rounded toward zero by SSE */
	__asm__ volatile ("ldmxcsr %0" : : "m" (mxcsr0));
	__asm__ volatile ("fldcw %0" : : "m" (fcw0));
	check("MXCSR survives calls, a sleep and a busy loop", got == mxcsr);
	check("x87 control word survives them", fgot == fcw);
	check("round-toward-zero was in effect", third < 1.0 / 3.0 &&
	    third == 0x1.555554p-2f);
}

static void
test_x87_stack(void)
{
	long double in[8], outv[8];
	int ok = 1;

	for (int i = 0; i < 8; i++)
		in[i] = 1.0L / (i + 3) + i;
	__asm__ volatile (
	    "fldt 0(%0)\n\t" "fldt 16(%0)\n\t" "fldt 32(%0)\n\t"
	    "fldt 48(%0)\n\t" "fldt 64(%0)\n\t" "fldt 80(%0)\n\t"
	    "fldt 96(%0)\n\t" "fldt 112(%0)\n\t"
	    "mov $39, %%eax\n\t"
	    "syscall\n\t"
	    "fstpt 0(%1)\n\t" "fstpt 16(%1)\n\t" "fstpt 32(%1)\n\t"
	    "fstpt 48(%1)\n\t" "fstpt 64(%1)\n\t" "fstpt 80(%1)\n\t"
	    "fstpt 96(%1)\n\t" "fstpt 112(%1)\n\t"
	    :
	    : "r" (in), "r" (outv)
	    : "rax", "rcx", "r11", "memory", "st", "st(1)", "st(2)", "st(3)",
	      "st(4)", "st(5)", "st(6)", "st(7)");
	for (int i = 0; i < 8; i++)
		ok &= outv[i] == in[7 - i];
	check("x87 register stack survives a system call", ok);
}

int
main(void)
{
	test_initial_state();
	test_series();
	test_sse_vectors();
	test_registers();
	test_control_words();
	test_x87_stack();
	return finish();
}
