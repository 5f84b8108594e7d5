/*
 * arch_prctl: FS and GS bases.  ARCH_GET_FS agrees with libc's thread
 * pointer (%fs:0 holds its own address in glibc and musl), ARCH_SET_GS and
 * ARCH_SET_FS take effect for %gs:/%fs: loads and survive system calls and
 * timer interrupts, non-canonical bases give EPERM, bad pointers EFAULT.
 * ARCH_SET_FS replaces libc's thread pointer, so that test runs entirely
 * in one asm block and restores the old base before any C code runs.
 */
#include <sys/auxv.h>
#include <time.h>

#include "guest.h"

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004
#define ARCH_GET_CPUID	0x1011
#define ARCH_SET_CPUID	0x1012
#define HWCAP2_FSGSBASE	(1 << 1)

static uint64_t
fs_word(long off)
{
	uint64_t v;

	__asm__ volatile ("mov %%fs:(%1), %0" : "=r" (v) : "r" (off));
	return v;
}

static uint64_t
gs_word(long off)
{
	uint64_t v;

	__asm__ volatile ("mov %%gs:(%1), %0" : "=r" (v) : "r" (off));
	return v;
}

static void
spin(void)
{
	for (volatile long i = 0; i < 20000000; i++)
		;
}

static long
get_fs_at(void *p)
{
	return SYS2(SYS_arch_prctl, ARCH_GET_FS, p);
}

static long
get_gs_at(void *p)
{
	return SYS2(SYS_arch_prctl, ARCH_GET_GS, p);
}

static void
test_gs(void)
{
	static uint64_t area[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };
	static const struct timespec zero;
	uint64_t gs = 1;

	expect_val("ARCH_GET_GS", SYS2(SYS_arch_prctl, ARCH_GET_GS, &gs), 0);
	out("initial GS base: %s\n", gs == 0 ? "0" : "nonzero");
	expect_val("ARCH_SET_GS", SYS2(SYS_arch_prctl, ARCH_SET_GS, area), 0);
	check("%gs:8 reads the new area", gs_word(8) == 0x2222);
	SYS2(SYS_arch_prctl, ARCH_GET_GS, &gs);
	check("ARCH_GET_GS returns it", gs == (uintptr_t)area);
	SYS2(SYS_nanosleep, &zero, NULL);
	SYS0(SYS_sched_yield);
	check("GS base survives system calls", gs_word(24) == 0x4444);
	spin();
	check("GS base survives a busy loop", gs_word(16) == 0x3333);
	expect_err("ARCH_SET_GS non-canonical", SYS2(SYS_arch_prctl,
	    ARCH_SET_GS, ADDR_NONCANON), EPERM);
	expect_err("ARCH_SET_GS kernel", SYS2(SYS_arch_prctl, ARCH_SET_GS,
	    ADDR_KERNEL), EPERM);
	check("GS base unchanged by refusals", gs_word(0) == 0x1111);
	expect_val("ARCH_SET_GS 0", SYS2(SYS_arch_prctl, ARCH_SET_GS, 0), 0);
	expect_efault_all("ARCH_GET_GS", get_gs_at, 8, PTR_OUT);
}

/*
 * Point FS at tls (whose word 0 is its own address), read %fs:8, make a
 * system call, read %fs:16 and the base through ARCH_GET_FS, then put the
 * old base back.  res[0..2] receive the three values.
 */
static void
swap_fs(uint64_t *tls, uint64_t old, uint64_t *res)
{
	static const struct timespec zero;

	__asm__ volatile (
	    "mov $158, %%eax\n\t"	/* arch_prctl(ARCH_SET_FS, tls) */
	    "mov $0x1002, %%edi\n\t"
	    "mov %[tls], %%rsi\n\t"
	    "syscall\n\t"
	    "mov %%fs:8, %%rax\n\t"
	    "mov %%rax, 0(%[res])\n\t"
	    "mov $35, %%eax\n\t"	/* nanosleep(&zero, NULL) */
	    "mov %[zero], %%rdi\n\t"
	    "xor %%esi, %%esi\n\t"
	    "syscall\n\t"
	    "mov %%fs:16, %%rax\n\t"
	    "mov %%rax, 8(%[res])\n\t"
	    "mov $158, %%eax\n\t"	/* arch_prctl(ARCH_GET_FS, &res[2]) */
	    "mov $0x1003, %%edi\n\t"
	    "lea 16(%[res]), %%rsi\n\t"
	    "syscall\n\t"
	    "mov $158, %%eax\n\t"	/* arch_prctl(ARCH_SET_FS, old) */
	    "mov $0x1002, %%edi\n\t"
	    "mov %[old], %%rsi\n\t"
	    "syscall\n\t"
	    :
	    : [tls] "r" (tls), [old] "r" (old), [res] "r" (res),
	      [zero] "r" (&zero)
	    : "rax", "rdi", "rsi", "rcx", "r11", "memory");
}

static void
test_fs(void)
{
	static uint64_t tls[4] = { 0, 0xaaaa, 0xbbbb, 0 };
	uint64_t fs = 0, res[3] = { 0 };
	unsigned long hwcap2 = getauxval(AT_HWCAP2);

	expect_val("ARCH_GET_FS", SYS2(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
	check("FS base == %fs:0 (libc thread pointer)", fs == fs_word(0));
	if (hwcap2 & HWCAP2_FSGSBASE) {
		uint64_t v;

		__asm__ volatile ("rdfsbase %0" : "=r" (v));
		fs = v == fs ? fs : 0;
	}
	check("rdfsbase agrees where AT_HWCAP2 offers it", fs == fs_word(0));
	tls[0] = (uintptr_t)tls;
	swap_fs(tls, fs, res);
	check("%fs:8 after ARCH_SET_FS", res[0] == 0xaaaa);
	check("%fs:16 after a system call", res[1] == 0xbbbb);
	check("ARCH_GET_FS returned the new base", res[2] == (uintptr_t)tls);
	check("old base restored", fs_word(0) == fs);
	spin();
	check("FS base survives a busy loop", fs_word(0) == fs);
	expect_err("ARCH_SET_FS non-canonical", SYS2(SYS_arch_prctl,
	    ARCH_SET_FS, ADDR_NONCANON), EPERM);
	expect_err("ARCH_SET_FS kernel", SYS2(SYS_arch_prctl, ARCH_SET_FS,
	    ADDR_KTEXT), EPERM);
	check("FS base unchanged by refusals", fs_word(0) == fs);
	expect_efault_all("ARCH_GET_FS", get_fs_at, 8, PTR_OUT);
}

static void
test_other(void)
{
	long ret;

	expect_val("ARCH_GET_CPUID", SYS2(SYS_arch_prctl, ARCH_GET_CPUID, 0),
	    1);
	ret = SYS2(SYS_arch_prctl, ARCH_SET_CPUID, 1);
	check("ARCH_SET_CPUID 1 (0, or ENODEV without CPUID faulting)",
	    ret == 0 || ret == -ENODEV);
	expect_err("unknown code 0x1234", SYS2(SYS_arch_prctl, 0x1234, 0),
	    EINVAL);
}

int
main(void)
{
	test_gs();
	test_fs();
	test_other();
	return finish();
}
