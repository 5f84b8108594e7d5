/*
 * signal_fpu: a handler that clobbers registers changes nothing for
 * the code it interrupted.  A signal is delivered on the return from a
 * tgkill issued in inline assembly, with known values in the general
 * registers the syscall keeps (all but rax, rcx, r11), in xmm0-15, in
 * the upper halves of ymm0-15 (when the CPU has AVX), in MXCSR, the x87
 * control word and st(0).  The handler overwrites all of them, in the
 * interrupted thread and in a second thread at the same time.
 */
#include <cpuid.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "guest.h"

static int have_avx;
static volatile int handled;

static int
avx_usable(void)
{
	unsigned int a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) ||
	    !(c & (1u << 28)))
		return 0;
	__asm__ volatile ("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (lo & 6) == 6;
}

/* Overwrite everything the interrupted code had. */
static void
clobber(int sig)
{
	unsigned int mx = 0x7f80 ^ 0x6000;
	unsigned short cw = 0x0c7f;

	handled++;
	__asm__ volatile (
	    "pcmpeqd %%xmm0, %%xmm0\n\t"
	    "pcmpeqd %%xmm1, %%xmm1\n\t" "pcmpeqd %%xmm2, %%xmm2\n\t"
	    "pcmpeqd %%xmm3, %%xmm3\n\t" "pcmpeqd %%xmm4, %%xmm4\n\t"
	    "pcmpeqd %%xmm5, %%xmm5\n\t" "pcmpeqd %%xmm6, %%xmm6\n\t"
	    "pcmpeqd %%xmm7, %%xmm7\n\t" "pcmpeqd %%xmm8, %%xmm8\n\t"
	    "pcmpeqd %%xmm9, %%xmm9\n\t" "pcmpeqd %%xmm10, %%xmm10\n\t"
	    "pcmpeqd %%xmm11, %%xmm11\n\t" "pcmpeqd %%xmm12, %%xmm12\n\t"
	    "pcmpeqd %%xmm13, %%xmm13\n\t" "pcmpeqd %%xmm14, %%xmm14\n\t"
	    "pcmpeqd %%xmm15, %%xmm15\n\t"
	    "ldmxcsr %0\n\t"
	    "fninit\n\t"
	    "fldcw %1\n\t"
	    "fldz\n\t" "fldz\n\t"	/* over the registers in use */
	    "fstp %%st(0)\n\t" "fstp %%st(0)\n\t"
	    : : "m" (mx), "m" (cw)
	    : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	      "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
	      "xmm15");
	if (have_avx)
		__asm__ volatile (
		    "vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t"
		    "vpcmpeqd %%ymm7, %%ymm7, %%ymm7\n\t"
		    "vpcmpeqd %%ymm8, %%ymm8, %%ymm8\n\t"
		    "vpcmpeqd %%ymm15, %%ymm15, %%ymm15\n\t"
		    "vzeroupper\n\t"
		    "vpcmpeqd %%ymm3, %%ymm3, %%ymm3\n\t"
		    "vpcmpeqd %%ymm12, %%ymm12, %%ymm12\n\t"
		    : : : "xmm0", "xmm3", "xmm7", "xmm8", "xmm12", "xmm15");
	/* Caller-saved general registers: the compiler restores no more. */
	__asm__ volatile (
	    "mov $-1, %%rdi\n\t" "mov $-1, %%rsi\n\t" "mov $-1, %%rdx\n\t"
	    "mov $-1, %%r8\n\t" "mov $-1, %%r9\n\t" "mov $-1, %%r10\n\t"
	    "mov $-1, %%r11\n\t"
	    : : : "rdi", "rsi", "rdx", "r8", "r9", "r10", "r11");
}

/* xmm0-15 loaded from in, tgkill, stored to out. */
static void
xmm_round_trip(const uint8_t *in, uint8_t *out_, long pid, long tid)
{
	__asm__ volatile (
	    "movdqu 0(%[in]), %%xmm0\n\t"    "movdqu 16(%[in]), %%xmm1\n\t"
	    "movdqu 32(%[in]), %%xmm2\n\t"   "movdqu 48(%[in]), %%xmm3\n\t"
	    "movdqu 64(%[in]), %%xmm4\n\t"   "movdqu 80(%[in]), %%xmm5\n\t"
	    "movdqu 96(%[in]), %%xmm6\n\t"   "movdqu 112(%[in]), %%xmm7\n\t"
	    "movdqu 128(%[in]), %%xmm8\n\t"  "movdqu 144(%[in]), %%xmm9\n\t"
	    "movdqu 160(%[in]), %%xmm10\n\t" "movdqu 176(%[in]), %%xmm11\n\t"
	    "movdqu 192(%[in]), %%xmm12\n\t" "movdqu 208(%[in]), %%xmm13\n\t"
	    "movdqu 224(%[in]), %%xmm14\n\t" "movdqu 240(%[in]), %%xmm15\n\t"
	    "syscall\n\t"
	    "movdqu %%xmm0, 0(%[out])\n\t"    "movdqu %%xmm1, 16(%[out])\n\t"
	    "movdqu %%xmm2, 32(%[out])\n\t"   "movdqu %%xmm3, 48(%[out])\n\t"
	    "movdqu %%xmm4, 64(%[out])\n\t"   "movdqu %%xmm5, 80(%[out])\n\t"
	    "movdqu %%xmm6, 96(%[out])\n\t"   "movdqu %%xmm7, 112(%[out])\n\t"
	    "movdqu %%xmm8, 128(%[out])\n\t"  "movdqu %%xmm9, 144(%[out])\n\t"
	    "movdqu %%xmm10, 160(%[out])\n\t" "movdqu %%xmm11, 176(%[out])\n\t"
	    "movdqu %%xmm12, 192(%[out])\n\t" "movdqu %%xmm13, 208(%[out])\n\t"
	    "movdqu %%xmm14, 224(%[out])\n\t" "movdqu %%xmm15, 240(%[out])\n\t"
	    : "+a" (*(long[]){ SYS_tgkill }), "+D" (pid), "+S" (tid)
	    : [in] "r" (in), [out] "r" (out_), "d" ((long)SIGUSR1)
	    : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
	      "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
	      "xmm12", "xmm13", "xmm14", "xmm15");
}

/* ymm0-15 likewise (AVX). */
static void
ymm_round_trip(const uint8_t *in, uint8_t *out_, long pid, long tid)
{
	__asm__ volatile (
	    "vmovdqu 0(%[i]), %%ymm0\n\t"    "vmovdqu 32(%[i]), %%ymm1\n\t"
	    "vmovdqu 64(%[i]), %%ymm2\n\t"   "vmovdqu 96(%[i]), %%ymm3\n\t"
	    "vmovdqu 128(%[i]), %%ymm4\n\t"  "vmovdqu 160(%[i]), %%ymm5\n\t"
	    "vmovdqu 192(%[i]), %%ymm6\n\t"  "vmovdqu 224(%[i]), %%ymm7\n\t"
	    "vmovdqu 256(%[i]), %%ymm8\n\t"  "vmovdqu 288(%[i]), %%ymm9\n\t"
	    "vmovdqu 320(%[i]), %%ymm10\n\t" "vmovdqu 352(%[i]), %%ymm11\n\t"
	    "vmovdqu 384(%[i]), %%ymm12\n\t" "vmovdqu 416(%[i]), %%ymm13\n\t"
	    "vmovdqu 448(%[i]), %%ymm14\n\t" "vmovdqu 480(%[i]), %%ymm15\n\t"
	    "syscall\n\t"
	    "vmovdqu %%ymm0, 0(%[o])\n\t"    "vmovdqu %%ymm1, 32(%[o])\n\t"
	    "vmovdqu %%ymm2, 64(%[o])\n\t"   "vmovdqu %%ymm3, 96(%[o])\n\t"
	    "vmovdqu %%ymm4, 128(%[o])\n\t"  "vmovdqu %%ymm5, 160(%[o])\n\t"
	    "vmovdqu %%ymm6, 192(%[o])\n\t"  "vmovdqu %%ymm7, 224(%[o])\n\t"
	    "vmovdqu %%ymm8, 256(%[o])\n\t"  "vmovdqu %%ymm9, 288(%[o])\n\t"
	    "vmovdqu %%ymm10, 320(%[o])\n\t" "vmovdqu %%ymm11, 352(%[o])\n\t"
	    "vmovdqu %%ymm12, 384(%[o])\n\t" "vmovdqu %%ymm13, 416(%[o])\n\t"
	    "vmovdqu %%ymm14, 448(%[o])\n\t" "vmovdqu %%ymm15, 480(%[o])\n\t"
	    "vzeroupper\n\t"
	    : "+a" (*(long[]){ SYS_tgkill }), "+D" (pid), "+S" (tid)
	    : [i] "r" (in), [o] "r" (out_), "d" ((long)SIGUSR1)
	    : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4",
	      "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
	      "xmm12", "xmm13", "xmm14", "xmm15");
}

struct gp {
	long rbx, rdi, rsi, rdx, r8, r9, r10, r12, r13, r14, r15, rax;
};

/* Known values in every register a syscall keeps, tgkill, read back. */
static void
gp_round_trip(struct gp *g, long pid, long tid)
{
	register long r8 __asm__("r8") = 0x0808080808080808;
	register long r9 __asm__("r9") = 0x0909090909090909;
	register long r10 __asm__("r10") = 0x1010101010101010;
	register long r12 __asm__("r12") = 0x1212121212121212;
	register long r13 __asm__("r13") = 0x1313131313131313;
	register long r14 __asm__("r14") = 0x1414141414141414;
	register long r15 __asm__("r15") = 0x1515151515151515;
	long rax = SYS_tgkill, rbx = 0x0b0b0b0b0b0b0b0b, rdx = SIGUSR1;

	__asm__ volatile (
	    "syscall"
	    : "+a" (rax), "+b" (rbx), "+D" (pid), "+S" (tid), "+d" (rdx),
	      "+r" (r8), "+r" (r9), "+r" (r10), "+r" (r12), "+r" (r13),
	      "+r" (r14), "+r" (r15)
	    : : "rcx", "r11", "memory");
	g->rax = rax; g->rbx = rbx; g->rdi = pid; g->rsi = tid; g->rdx = rdx;
	g->r8 = r8; g->r9 = r9; g->r10 = r10; g->r12 = r12; g->r13 = r13;
	g->r14 = r14; g->r15 = r15;
}

struct run {
	int xmm_ok, ymm_ok, ctl_ok, st0_ok, gp_ok;
};

static void
one_thread(struct run *r)
{
	uint8_t in[512], got[512];
	long pid = SYS0(SYS_getpid), tid = SYS0(SYS_gettid);
	unsigned int mx = 0x7f80 ^ 0x2000, mx_got, mx_saved;	/* round down */
	unsigned short cw = 0x077f, cw_got, cw_saved;
	double st0 = 0;
	struct gp g;

	for (int i = 0; i < 512; i++)
		in[i] = (uint8_t)(i * 7 + tid);
	memset(got, 0, sizeof(got));
	xmm_round_trip(in, got, pid, tid);
	r->xmm_ok = memcmp(in, got, 256) == 0;
	r->ymm_ok = 1;
	if (have_avx) {
		memset(got, 0, sizeof(got));
		ymm_round_trip(in, got, pid, tid);
		r->ymm_ok = memcmp(in, got, 512) == 0;
	}

	__asm__ volatile ("stmxcsr %0; fnstcw %1" :
	    "=m" (mx_saved), "=m" (cw_saved));
	__asm__ volatile ("ldmxcsr %0; fldcw %1" : : "m" (mx), "m" (cw));
	__asm__ volatile (
	    "fldpi\n\t"
	    "syscall\n\t"
	    "fstpl %[st0]\n\t"
	    "stmxcsr %[mx]\n\t"
	    "fnstcw %[cw]\n\t"
	    : [st0] "=m" (st0), [mx] "=m" (mx_got), [cw] "=m" (cw_got),
	      "+a" (*(long[]){ SYS_tgkill }), "+D" (pid), "+S" (tid)
	    : "d" ((long)SIGUSR1)
	    : "rcx", "r11", "memory");
	__asm__ volatile ("ldmxcsr %0; fldcw %1" : :
	    "m" (mx_saved), "m" (cw_saved));
	r->ctl_ok = mx_got == mx && cw_got == cw;
	r->st0_ok = st0 > 3.14159 && st0 < 3.1416;

	gp_round_trip(&g, pid, tid);
	r->gp_ok = g.rax == 0 && g.rbx == 0x0b0b0b0b0b0b0b0b &&
	    g.rdi == pid && g.rsi == tid &&
	    g.rdx == SIGUSR1 && g.r8 == 0x0808080808080808 &&
	    g.r9 == 0x0909090909090909 && g.r10 == 0x1010101010101010 &&
	    g.r12 == 0x1212121212121212 && g.r13 == 0x1313131313131313 &&
	    g.r14 == 0x1414141414141414 && g.r15 == 0x1515151515151515;
}

static void
report(const char *who, const struct run *r)
{
	out("%s: xmm0-15 %s, ymm upper halves %s, MXCSR and x87 control "
	    "word %s, st(0) %s, general registers %s\n", who,
	    r->xmm_ok ? "kept" : "CHANGED", r->ymm_ok ? "kept" : "CHANGED",
	    r->ctl_ok ? "kept" : "CHANGED", r->st0_ok ? "kept" : "CHANGED",
	    r->gp_ok ? "kept" : "CHANGED");
	check(who, r->xmm_ok && r->ymm_ok && r->ctl_ok && r->st0_ok &&
	    r->gp_ok);
}

static struct run runs[3];

static void *
worker(void *arg)
{
	struct run *r = arg;

	for (int i = 0; i < 50; i++) {
		one_thread(r);
		if (!r->xmm_ok || !r->ymm_ok || !r->ctl_ok || !r->st0_ok ||
		    !r->gp_ok)
			break;
	}
	return NULL;
}

int
main(void)
{
	struct sigaction sa;
	pthread_t a, b;

	have_avx = avx_usable();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = clobber;
	sigaction(SIGUSR1, &sa, NULL);

	one_thread(&runs[0]);
	report("main thread", &runs[0]);
	out("handled: %d\n", handled);
	pthread_create(&a, NULL, worker, &runs[1]);
	pthread_create(&b, NULL, worker, &runs[2]);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	report("two threads, 50 rounds each", &runs[1]);
	report("  ... the other", &runs[2]);
	return finish();
}
