/*
 * The ROM boot path as an AMD SEV-SNP guest: what must happen before
 * boot_rom reads fw_cfg, because under SEV-ES/SNP every port access
 * raises #VC and the only way to the device is the GHCB page ([GHCB]
 * AMD #56421).  The order ([GHCB] 2.3.1, 2.3.2, 4.1):
 *
 *   1. boot/rom_entry.asm installs an IDT with the #VC gate before its
 *      first instruction that may trap; #VC lands in boot_rom_vc, which
 *      is ghcb/'s own handler (CPUID from the CPUID page, everything else
 *      through the GHCB once it exists, a termination otherwise).
 *   2. snp_detect: CPUID 0x8000001F (trapping, answered from the page),
 *      SEV_STATUS (not intercepted), the feature policy, SEV information
 *      and hypervisor features over the MSR protocol, the CPUID page
 *      validated.  On a plain machine this is two CPUIDs and nothing else.
 *   3. One page of the image (launch-validated, in the kernel's bss) is
 *      made shared: PVALIDATE rescind, then the MSR-protocol page-state
 *      change (request 0x014, response 0x015 with error 0).
 *   4. The boot path maps it without the C-bit (boot_rom_map_shared) and
 *      registers it as the GHCB (request 0x012, the GFN echoed in 0x013).
 *      From here arch/io.c's ports and MSRs go through the GHCB page.
 *   5. After fw_cfg: RAM below 4 GiB the launch did not validate is
 *      accepted (boot_rom_snp_memory), so the kernel's page tables and
 *      allocator only ever see validated memory.
 *
 * platform_start then calls the same ghcb/ entry points, which find the
 * work done (snp_detect returns at once, snp_ghcb_init only remaps the
 * page).  Every hardware step is behind boot_rom_map_shared (boot/rom.c)
 * and ghcb/'s seam, so tests/unit/test_snp_early.c runs this file against
 * the hypervisor model.
 *
 * Runs on the ROM's page tables, before the stack canary is set
 * (EARLY_KCFLAGS).
 */
#include "boot/internal.h"
#include "arch/arch.h"
#include "ghcb/snp.h"
#include "platform/platform.h"

#define PAGE		4096ull
#define MIB		(1ull << 20)

bool
boot_rom_snp_start(const void *cpuid_page, uint64_t dmap_base,
    uint64_t ghcb_pa)
{
	volatile void *va;

	if (!snp_detect(cpuid_page, dmap_base))
		return false;
	if (snp_share_pages(ghcb_pa, 1) != 0)	/* rescind + PSC to shared */
		snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
	va = boot_rom_map_shared(ghcb_pa, snp_enc_mask());
	snp_ghcb_init(va, ghcb_pa);		/* registration, echo checked */
	return true;
}

void
boot_rom_vc(struct trap_frame *f)
{
	int vec = snp_vc_trap(f);

	if (vec == 0)
		return;
	/*
	 * No IDT can take the fault the handler asks for: a #VC before
	 * detection (say a host-intercepted RDTSC), or a #GP/#UD the host
	 * injected for a kernel instruction.  Either way the guest ends.
	 */
	snp_terminate(SNP_TERM_SET_CLOISTER, vec == VEC_VC ?
	    SNP_TERM_VC_UNKNOWN : SNP_TERM_GHCB_REFUSED);
}

/* Append an entry; false if the map is full. */
static bool
mmap_add(struct boot_info *bi, uint64_t base, uint64_t len, uint32_t type)
{
	if (bi->mmap_count >= BOOT_MMAP_MAX)
		return false;
	bi->mmap[bi->mmap_count++] = (struct boot_mem_region){
	    .base = base, .len = len, .type = type };
	return true;
}

/* Page-aligned interior of an entry: [*s, *e), empty when *e <= *s. */
static void
interior(const struct boot_mem_region *m, uint64_t *s, uint64_t *e)
{
	*s = (m->base + PAGE - 1) & ~(PAGE - 1);
	*e = (m->base + m->len) & ~(PAGE - 1);
}

/*
 * Does entry i's RAM overlap RAM another entry already claimed (the
 * earlier ones, and the parts split off them, appended from n on)?
 * Accepting a page twice would read as a remap: such RAM is dropped.
 */
static bool
overlaps_earlier(const struct boot_info *bi, uint32_t i, uint32_t n)
{
	uint64_t s, e, ks, ke;

	interior(&bi->mmap[i], &s, &e);
	for (uint32_t k = 0; k < bi->mmap_count; k++) {
		const struct boot_mem_region *o = &bi->mmap[k];

		if ((k >= i && k < n) || (o->type != BOOT_MEM_USABLE &&
		    o->type != BOOT_MEM_UNACCEPTED))
			continue;
		interior(o, &ks, &ke);
		if (ks < ke && ks < e && s < ke)
			return true;
	}
	return false;
}

int
boot_rom_snp_memory(struct boot_info *bi, uint64_t validated_end,
    uint64_t mapped_end)
{
	uint32_t n = bi->mmap_count;
	int r = 0;

	for (uint32_t i = 0; i < n && i < BOOT_MMAP_MAX; i++) {
		struct boot_mem_region *m = &bi->mmap[i];
		uint64_t s, e, lo;

		interior(m, &s, &e);
		if (m->type != BOOT_MEM_USABLE || m->len == 0 ||
		    m->base + m->len < m->base || e <= s)
			continue;
		if (overlaps_earlier(bi, i, n)) {
			m->type = BOOT_MEM_RESERVED;
			continue;
		}
		/* Above what the ROM maps: the platform accepts it. */
		if (e > mapped_end) {
			uint64_t hs = s > mapped_end ? s : mapped_end;

			if (hs == s) {
				*m = (struct boot_mem_region){ .base = s,
				    .len = e - s, .type = BOOT_MEM_UNACCEPTED };
				continue;
			}
			if (!mmap_add(bi, hs, e - hs, BOOT_MEM_UNACCEPTED))
				r = -ENOSPC;	/* the part above is lost */
			m = &bi->mmap[i];
			m->len = hs - m->base;
			e = hs;
		}
		/* Below 1 MiB is never used; the image was validated. */
		lo = s > validated_end ? s : validated_end;
		if (lo < 1 * MIB)
			lo = 1 * MIB;
		if (lo < e)
			snp_accept(lo, e - lo);
	}
	return r;
}
