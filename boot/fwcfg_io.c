/*
 * The fw_cfg device through its I/O ports (QEMU docs/specs/fw_cfg.rst,
 * "Selector Register", "Data Register"): a 16-bit write selects an item,
 * each byte read from the data port returns the item's next byte (0 past
 * its end).  Port I/O goes through arch/io.c, which ghcb/ routes through
 * the GHCB under SEV-ES/SNP.
 */
#include "boot/internal.h"
#include "arch/arch.h"

void
boot_fwcfg_select(uint16_t item)
{
	arch_outw(FWCFG_PORT_SEL, item);
}

void
boot_fwcfg_read(void *buf, uint32_t len)
{
	uint8_t *p = buf;

	for (uint32_t i = 0; i < len; i++)
		p[i] = arch_inb(FWCFG_PORT_DATA);
}
