/*
 * The SNP CPUID page ([ABI] "CPUID Reporting"): the hypervisor proposes
 * CPUID values at launch, the secure processor checks them against what
 * the hardware allows and places them in a page the guest reads.  The
 * guest answers every CPUID from it, never from the hypervisor.
 *
 * The page is validated once at boot and copied into private memory
 * (snp_cpuid).  What is checked here, on top of the firmware's checks
 * (which Cloister cannot see), so that a malformed page never feeds the
 * kernel:
 *   - count <= 64 and every reserved field is zero;
 *   - no two entries for the same (leaf, subleaf) (leaf 0xD: also XCR0/XSS);
 *   - leaves 0x0 and 0x80000000 are present, with sane maxima, and no
 *     entry lies above its range's maximum (0x4000xxxx is allowed and
 *     ignored);
 *   - leaf 0x8000001F is present, reports SEV, SEV-ES and SNP, and its
 *     C-bit agrees with the one the hypervisor reported and is in 32..51.
 */
#include "ghcb/internal.h"

struct snp_cpuid_table snp_cpuid;

#define STD_MAX_LIMIT	0xff
#define EXT_BASE	0x80000000u
#define EXT_MAX_LIMIT	0x800000ffu
#define HV_BASE		0x40000000u
#define HV_END		0x400000ffu

static const struct snp_cpuid_fn *
find(const struct snp_cpuid_table *t, uint32_t leaf, uint32_t sub,
    bool by_sub)
{
	for (uint32_t i = 0; i < t->count; i++) {
		const struct snp_cpuid_fn *f = &t->fn[i];

		if (f->eax_in == leaf && (!by_sub || f->ecx_in == sub))
			return f;
	}
	return NULL;
}

/* Leaves whose output depends on ECX (subleaf-indexed). */
static bool
indexed_leaf(uint32_t leaf)
{
	switch (leaf) {
	case 0x4: case 0x7: case 0xb: case 0xd: case 0xf: case 0x10:
	case 0x12: case 0x14: case 0x17: case 0x18: case 0x1d: case 0x1e:
	case 0x1f: case 0x24: case 0x8000001d: case 0x80000020:
	case 0x80000026:
		return true;
	default:
		return false;
	}
}

static bool
in_range(uint32_t leaf, uint32_t std_max, uint32_t ext_max)
{
	if (leaf >= HV_BASE && leaf <= HV_END)
		return true;
	if (leaf < HV_BASE)
		return leaf <= std_max;
	return leaf >= EXT_BASE && leaf <= ext_max;
}

int
snp_cpuid_validate(const void *page, unsigned cbit,
    struct snp_cpuid_table *out)
{
	const struct snp_cpuid_fn *f0, *e0, *sev;
	struct snp_cpuid_table *t = out;

	if (page == NULL)
		return -SNP_EINVAL;
	/* One copy: the checks and every later lookup see the same bytes. */
	__builtin_memcpy(t, page, sizeof(*t));
	if (t->count > SNP_CPUID_COUNT_MAX || t->reserved1 || t->reserved2)
		return -SNP_EINVAL;
	for (uint32_t i = 0; i < t->count; i++) {
		const struct snp_cpuid_fn *a = &t->fn[i];

		if (a->reserved != 0)
			return -SNP_EINVAL;
		for (uint32_t j = 0; j < i; j++) {
			const struct snp_cpuid_fn *b = &t->fn[j];

			if (a->eax_in == b->eax_in && a->ecx_in == b->ecx_in &&
			    a->xcr0_in == b->xcr0_in && a->xss_in == b->xss_in)
				return -SNP_EINVAL;
		}
	}
	f0 = find(t, 0, 0, false);
	e0 = find(t, EXT_BASE, 0, false);
	sev = find(t, 0x8000001f, 0, false);
	if (f0 == NULL || e0 == NULL || sev == NULL ||
	    f0->eax > STD_MAX_LIMIT || e0->eax < 0x8000001f ||
	    e0->eax > EXT_MAX_LIMIT)
		return -SNP_EINVAL;
	for (uint32_t i = 0; i < t->count; i++)
		if (!in_range(t->fn[i].eax_in, f0->eax, e0->eax))
			return -SNP_EINVAL;
	/* 0x8000001F EAX: [1] SEV, [3] SEV-ES, [4] SNP; EBX[5:0] C-bit. */
	if ((sev->eax & 0x1a) != 0x1a || (sev->ebx & 0x3f) != cbit ||
	    cbit < 32 || cbit > 51)
		return -SNP_EINVAL;
	return 0;
}

/* XSAVE area size for the enabled components (leaf 0xD, subleaf i). */
static uint32_t
xsave_size(const struct snp_cpuid_table *t, uint64_t xfeatures, bool compact)
{
	uint32_t size = 576;		/* legacy area + header */

	for (uint32_t i = 2; i < 64; i++) {
		const struct snp_cpuid_fn *f;

		if (!(xfeatures & (1ull << i)))
			continue;
		f = find(t, 0xd, i, true);
		if (f == NULL)
			continue;
		if (compact)
			size += f->eax;
		else if (f->ebx + f->eax > size)
			size = f->ebx + f->eax;
	}
	return size;
}

void
snp_cpuid_lookup(const struct snp_cpuid_table *t, uint32_t leaf,
    uint32_t sub, uint64_t xcr0, uint64_t cr4, struct cpuid_regs *r)
{
	const struct snp_cpuid_fn *f0 = find(t, 0, 0, false);
	const struct snp_cpuid_fn *e0 = find(t, EXT_BASE, 0, false);
	const struct snp_cpuid_fn *f;

	*r = (struct cpuid_regs){ 0 };
	if (f0 == NULL || e0 == NULL ||
	    !in_range(leaf, f0->eax, e0->eax) || (leaf >= HV_BASE &&
	    leaf <= HV_END))
		return;			/* out of range: all zeroes */
	f = find(t, leaf, sub, indexed_leaf(leaf));
	if (f == NULL)
		return;
	r->eax = f->eax;
	r->ebx = f->ebx;
	r->ecx = f->ecx;
	r->edx = f->edx;
	/* Bits that mirror control registers are the guest's own state. */
	if (leaf == 1) {
		r->ecx &= ~(1u << 27);			/* OSXSAVE */
		if (cr4 & CR4_OSXSAVE)
			r->ecx |= 1u << 27;
	} else if (leaf == 0xd && sub == 0) {
		r->ebx = xsave_size(t, xcr0, false);
	} else if (leaf == 0xd && sub == 1) {
		r->ebx = xsave_size(t, xcr0, true);
	}
}
