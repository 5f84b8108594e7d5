/*
 * ROM boot -> struct boot_info.  boot/rom.asm (the -bios image's reset
 * code) copied the kernel to KERNEL_PBASE, cleared its bss and entered
 * boot_rom_entry (boot/rom_entry.asm) on early page tables that map the
 * first 4 GiB at 0 and the first 1 GiB at KERNEL_VBASE.  There is no
 * firmware: RAM and the command line come from QEMU's fw_cfg
 * (etc/e820, opt/cloister/cmdline), checked in boot/fwcfg.c.
 *
 * Runs before the stack canary is set (EARLY_KCFLAGS).  A missing or
 * malformed memory map is said on the debug console; platform_start then
 * stops with "no usable RAM" (exit status 253).
 */
#include "boot/internal.h"
#include "arch/arch.h"
#include "platform/platform.h"

#define DEBUGCON	0xe9
#define CMDLINE_FILE	"opt/cloister/cmdline"

static struct boot_info bi;

extern char __image_pstart[], __image_pend[];

void boot_rom(uint64_t tsc) __attribute__((noreturn));

static void
say(const char *s)
{
	while (*s != '\0')
		arch_outb(DEBUGCON, (uint8_t)*s++);
}

void
boot_rom(uint64_t tsc)
{
	int r;

	bi.magic = BOOT_INFO_MAGIC;
	bi.source = BOOT_SRC_ROM;
	bi.boot_tsc = tsc;
	bi.kernel.start = (uint64_t)__image_pstart;
	bi.kernel.end = (uint64_t)__image_pend;
	/* The ROM's fixed pages; their contents only mean something under SNP. */
	bi.snp_secrets_page = ROM_SNP_SECRETS;
	bi.snp_cpuid_page = ROM_SNP_CPUID;
	if (boot_fwcfg_probe() != 0) {
		say("cloister: rom: no fw_cfg device (QEMU only)\n");
	} else {
		r = boot_fwcfg_e820(&bi);
		if (r == -ENOENT)
			say("cloister: rom: fw_cfg has no etc/e820\n");
		else if (r != 0)
			say("cloister: rom: fw_cfg etc/e820 is malformed\n");
		if (boot_fwcfg_string(CMDLINE_FILE, bi.cmdline,
		    BOOT_CMDLINE_MAX) == -EINVAL)
			say("cloister: rom: fw_cfg directory is malformed\n");
	}
	platform_start(&bi);
}
