/*
 * The hardware seam of ghcb/ (see internal.h): the only file here that
 * executes VMGEXIT, PVALIDATE, CPUID or touches the GHCB MSR.  Host unit
 * tests replace it with tests/unit/snp_model.c.
 */
#include "ghcb/internal.h"

#define USER_TOP	0x0000800000000000ull	/* canonical lower half */
#define KERNEL_BOTTOM	0xffff800000000000ull

/* Under snp=emulate each call goes to the stand-in (emulate.c) instead. */

static uint64_t vmgexits;

uint64_t
snp_vmgexit_count(void)
{
	return vmgexits;
}

uint64_t
snp_hw_ghcb_msr_read(void)
{
	if (snp_emul.on)
		return snp_emul.msr;
	return arch_rdmsr_native(MSR_GHCB);
}

void
snp_hw_ghcb_msr_write(uint64_t v)
{
	if (snp_emul.on)
		snp_emul.msr = v;
	else
		arch_wrmsr_native(MSR_GHCB, v);
}

/* VMGEXIT is REP VMMCALL: F3 0F 01 D9 ([APM] vol. 3, VMGEXIT). */
void
snp_hw_vmgexit(void)
{
	vmgexits++;
	if (snp_emul.on)
		snp_emul_vmgexit();
	else
		__asm__ volatile(".byte 0xf3, 0x0f, 0x01, 0xd9" : : :
		    "memory");
}

void
snp_hw_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
	/* Emulated SNP: what the #VC handler would answer while detecting. */
	if (snp_emul.on) {
		snp_detect_cpuid(leaf, sub, r);
		return;
	}
	__asm__ volatile("cpuid"
	    : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
	    : "a"(leaf), "c"(sub));
}

uint64_t
snp_hw_sev_status(void)
{
	if (snp_emul.on)
		return snp_emul_sev_status();
	return arch_rdmsr_native(MSR_SEV_STATUS);
}

/*
 * PVALIDATE: F2 0F 01 FF; rAX = VA, ECX = page size (0: 4 KiB, 1: 2 MiB),
 * EDX = 1 validate / 0 rescind; EAX = result, CF = 1 when the RMP entry
 * was not changed ([APM] vol. 3, PVALIDATE).
 */
int
snp_hw_pvalidate(uint64_t va, bool huge, bool validate, bool *no_update)
{
	uint64_t rax = va;
	uint8_t cf;

	if (snp_emul.on)
		return snp_emul_pvalidate(va, huge, validate, no_update);
	__asm__ volatile(".byte 0xf2, 0x0f, 0x01, 0xff\n\tsetc %1"
	    : "+a"(rax), "=qm"(cf)
	    : "c"((uint32_t)huge), "d"((uint32_t)validate)
	    : "memory", "cc");
	*no_update = cf != 0;
	return (int)(uint32_t)rax;
}

bool
snp_hw_irq_save(void)
{
	bool on = arch_irq_enabled();

	arch_irq_disable();
	return on;
}

void
snp_hw_irq_restore(bool was_on)
{
	if (was_on)
		arch_irq_enable();
}

void
snp_hw_halt(void)
{
	arch_halt_forever();
}

uint64_t
snp_hw_xcr0(void)
{
	uint32_t lo, hi;

	if (!(arch_read_cr4() & CR4_OSXSAVE))
		return 1;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t
snp_hw_cr4(void)
{
	return arch_read_cr4();
}

int
snp_hw_fetch(uint64_t rip, bool user, uint8_t *buf, size_t n)
{
	size_t left;

	if (user ? rip >= USER_TOP : rip < KERNEL_BOTTOM)
		return -SNP_EFAULT;
	if (user && n > USER_TOP - rip)
		n = USER_TOP - rip;
	/* With fault recovery: up to 15 bytes may run into an unmapped page. */
	left = arch_copy_from_user(buf, (const void *)rip, n);
	return left == n ? -SNP_EFAULT : (int)(n - left);
}

static void *
dmap(uint64_t phys, void *arg)
{
	return (void *)(snp.dmap_base + phys);
}

int
snp_hw_virt_to_phys(uint64_t va, uint64_t *pa, bool *shared)
{
	struct pt_ctx c = {
		.root = arch_read_cr3() & PTE_ADDR_MASK & ~snp.enc_mask,
		.enc_mask = snp.enc_mask,
		.phys_to_virt = dmap,
	};
	uint64_t size = 0, pte = pt_lookup(&c, va, &size);

	if (pte == 0 || size == 0)
		return -SNP_EFAULT;
	*shared = (pte & snp.enc_mask) == 0;
	*pa = ((pte & PTE_ADDR_MASK & ~snp.enc_mask) & ~(size - 1)) +
	    (va & (size - 1));
	return 0;
}

int
snp_hw_mem_read(uint64_t va, void *dst, size_t n)
{
	if (va < KERNEL_BOTTOM || n > ~va)
		return -SNP_EFAULT;
	__builtin_memcpy(dst, (const void *)va, n);
	return 0;
}

int
snp_hw_mem_write(uint64_t va, const void *src, size_t n)
{
	if (va < KERNEL_BOTTOM || n > ~va)
		return -SNP_EFAULT;
	__builtin_memcpy((void *)va, src, n);
	return 0;
}

/* The doorbell's pending-events word, in single atomic accesses. */
uint16_t
snp_hw_hvdb_xchg(volatile struct hv_doorbell *db, uint16_t v)
{
	return __atomic_exchange_n(&db->pending_events, v, __ATOMIC_SEQ_CST);
}

bool
snp_hw_hvdb_cmpxchg(volatile struct hv_doorbell *db, uint16_t old,
    uint16_t nw)
{
	return __atomic_compare_exchange_n(&db->pending_events, &old, nw,
	    false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
