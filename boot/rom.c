/*
 * ROM boot -> struct boot_info.  boot/rom.asm (the -bios image's reset
 * code) copied the kernel to KERNEL_PBASE, cleared its bss and entered
 * boot_rom_entry (boot/rom_entry.asm) on early page tables that map the
 * first 4 GiB at 0 and the first 1 GiB at KERNEL_VBASE.  There is no
 * firmware: RAM and the command line come from QEMU's fw_cfg
 * (etc/e820, opt/cloister/cmdline), checked in boot/fwcfg.c.
 *
 * Under SEV-SNP the GHCB comes first (boot/rom_snp.c): this file gives
 * it its page and the page-table entry that maps it without the C-bit.
 *
 * Runs before the stack canary is set (EARLY_KCFLAGS).  A missing or
 * malformed memory map is said on the debug console; platform_start then
 * stops with "no usable RAM" (exit status 253).
 */
#include "boot/internal.h"
#include "arch/arch.h"
#include "ghcb/snp.h"
#include "platform/platform.h"

#define DEBUGCON	0xe9
#define CMDLINE_FILE	"opt/cloister/cmdline"

/* boot/rom.asm's early page tables and where they put the kernel. */
#define ROM_KERNEL_VBASE	0xffffffff80000000ull	/* VA of physical 0 */
#define ROM_PDPT_HI		(ROM_PT_BASE + 0x2000)	/* PML4[511]'s PDPT */
#define ROM_SHARED_VA		0xffffffffc0000000ull	/* PDPT_hi[511]: free */
#define ROM_MAPPED_END		(4ull << 30)		/* identity-mapped */

static struct boot_info bi;
static struct boot_info bi_ghcb;	/* snp=emulate: the second read */
/* The early GHCB page: launch-validated like all of the image. */
static uint8_t ghcb_page[4096] __attribute__((aligned(4096)));
/* Page tables for ROM_SHARED_VA (private, like every table). */
static uint64_t shared_pd[512] __attribute__((aligned(4096)));
static uint64_t shared_pt[512] __attribute__((aligned(4096)));

extern char __image_pstart[], __image_pend[];
uint32_t boot_rom_vc_check(uint32_t leaf);	/* boot/rom_entry.asm */

void boot_rom(uint64_t tsc) __attribute__((noreturn));

static void
say(const char *s)
{
	while (*s != '\0')
		arch_outb(DEBUGCON, (uint8_t)*s++);
}

static uint64_t
kernel_pa(const void *p)
{
	return (uint64_t)p - ROM_KERNEL_VBASE;
}

/*
 * ROM_SHARED_VA -> pa without the C-bit: PDPT_hi[511] -> shared_pd ->
 * shared_pt[0].  The tables themselves are private (C-bit set), as
 * boot/rom.asm builds its own.
 */
volatile void *
boot_rom_map_shared(uint64_t pa, uint64_t enc_mask)
{
	volatile uint64_t *pdpt = (volatile uint64_t *)ROM_PDPT_HI;

	shared_pt[0] = pa | PTE_P | PTE_W;
	shared_pd[0] = kernel_pa(shared_pt) | PTE_P | PTE_W | enc_mask;
	pdpt[511] = kernel_pa(shared_pd) | PTE_P | PTE_W | enc_mask;
	__asm__ volatile("invlpg (%0)" : : "r"(ROM_SHARED_VA) : "memory");
	return (volatile void *)ROM_SHARED_VA;
}

/* The memory map and the command line from fw_cfg, into b. */
static void
read_fwcfg(struct boot_info *b)
{
	int r;

	if (boot_fwcfg_probe() != 0) {
		say("cloister: rom: no fw_cfg device (QEMU only)\n");
		return;
	}
	r = boot_fwcfg_e820(b);
	if (r == -ENOENT)
		say("cloister: rom: fw_cfg has no etc/e820\n");
	else if (r != 0)
		say("cloister: rom: fw_cfg etc/e820 is malformed\n");
	if (boot_fwcfg_string(CMDLINE_FILE, b->cmdline,
	    BOOT_CMDLINE_MAX) == -EINVAL)
		say("cloister: rom: fw_cfg directory is malformed\n");
}

/* Is word one of the kernel options (the words before "--")? */
static bool
has_option(const char *line, const char *word)
{
	uint32_t n, wl = 0;

	while (word[wl] != '\0')
		wl++;
	for (; *line != '\0'; line += n) {
		while (*line == ' ')
			line++;
		for (n = 0; line[n] != '\0' && line[n] != ' '; n++)
			;
		if (n == 2 && line[0] == '-' && line[1] == '-')
			return false;
		if (n == wl && __builtin_memcmp(line, word, n) == 0)
			return true;
	}
	return false;
}

/*
 * snp=emulate (ghcb/emulate.c) is a kernel option, so it is known only
 * after a plain fw_cfg read.  The stand-in then takes the same early
 * path, fw_cfg is read again through the GHCB page, and the two reads
 * must agree.
 */
static bool
snp_emulate(void)
{
	if (!has_option(bi.cmdline, "snp=emulate"))
		return false;
	if (!boot_rom_snp_start(snp_emulate_start(bi.cmdline), 0,
	    kernel_pa(ghcb_page)))
		return false;
	/* The stand-in's CPUID page says SEV, SEV-ES, SNP (EAX 0x1a). */
	if (boot_rom_vc_check(0x8000001f) == 0x1a)
		say("cloister: rom: snp=emulate: the #VC gate answered CPUID "
		    "from the CPUID page\n");
	else
		say("cloister: rom: snp=emulate: the #VC gate gave a wrong "
		    "CPUID answer\n");
	bi_ghcb.mmap_count = 0;
	read_fwcfg(&bi_ghcb);
	if (bi_ghcb.mmap_count != bi.mmap_count ||
	    __builtin_memcmp(bi_ghcb.mmap, bi.mmap,
	    bi.mmap_count * sizeof(bi.mmap[0])) != 0 ||
	    __builtin_memcmp(bi_ghcb.cmdline, bi.cmdline,
	    sizeof(bi.cmdline)) != 0)
		say("cloister: rom: snp=emulate: fw_cfg through the GHCB "
		    "differs\n");
	return true;
}

void
boot_rom(uint64_t tsc)
{
	bool snp;

	bi.magic = BOOT_INFO_MAGIC;
	bi.source = BOOT_SRC_ROM;
	bi.boot_tsc = tsc;
	bi.kernel.start = (uint64_t)__image_pstart;
	bi.kernel.end = (uint64_t)__image_pend;
	/* The ROM's fixed pages; their contents only mean something under SNP. */
	bi.snp_secrets_page = ROM_SNP_SECRETS;
	bi.snp_cpuid_page = ROM_SNP_CPUID;
	/* SNP: the GHCB before the first port access (identity map: dmap 0). */
	snp = boot_rom_snp_start((const void *)(uint64_t)ROM_SNP_CPUID, 0,
	    kernel_pa(ghcb_page));
	read_fwcfg(&bi);
	if (!snp)
		snp = snp_emulate();
	if (snp && boot_rom_snp_memory(&bi, (bi.kernel.end + 4095) & ~4095ull,
	    ROM_MAPPED_END) != 0)
		say("cloister: rom: memory map full: RAM above 4 GiB lost\n");
	platform_start(&bi);
}
