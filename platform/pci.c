/*
 * PCI configuration space through configuration mechanism #1 (PCI Local
 * Bus 3.0, section 3.2.2.3.2): an address at port 0xcf8, data at 0xcfc.
 * Every access goes through arch/io.c, which ghcb/ redirects to the GHCB
 * under SEV-SNP.  Only bus 0 is scanned (QEMU's pc machine puts every
 * device there); what a device reports is checked before it is used.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define CFG_ADDR	0xcf8
#define CFG_DATA	0xcfc
#define CFG_ENABLE	(1u << 31)

#define PCI_VENDOR	0x00
#define PCI_HEADER	0x0e
#define PCI_STATUS	0x06
#define PCI_STATUS_CAPS	(1u << 4)
#define PCI_BAR0	0x10
#define PCI_CAP_PTR	0x34
#define BAR_IO		1u
#define BAR_TYPE_64	(2u << 1)
#define BAR_TYPE_MASK	(3u << 1)
#define CAPS_MAX	48		/* (256 - 64) / 4: more is a loop */

static uint32_t
cfg_addr(const struct pci_dev *d, unsigned off)
{
	return CFG_ENABLE | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 |
	    (uint32_t)d->fn << 8 | (off & 0xfc);
}

uint32_t
pci_cfg_read32(const struct pci_dev *d, unsigned off)
{
	if (off > 252 || off % 4)
		return 0xffffffffu;
	arch_outl(CFG_ADDR, cfg_addr(d, off));
	return arch_inl(CFG_DATA);
}

uint16_t
pci_cfg_read16(const struct pci_dev *d, unsigned off)
{
	if (off > 254 || off % 2)
		return 0xffff;
	return (uint16_t)(pci_cfg_read32(d, off & ~3u) >> (8 * (off & 2)));
}

uint8_t
pci_cfg_read8(const struct pci_dev *d, unsigned off)
{
	if (off > 255)
		return 0xff;
	return (uint8_t)(pci_cfg_read32(d, off & ~3u) >> (8 * (off & 3)));
}

void
pci_cfg_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	if (off > 252 || off % 4)
		return;
	arch_outl(CFG_ADDR, cfg_addr(d, off));
	arch_outl(CFG_DATA, v);
}

void
pci_cfg_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	if (off > 254 || off % 2)
		return;
	arch_outl(CFG_ADDR, cfg_addr(d, off));
	arch_outw(CFG_DATA + (off & 2), v);
}

/* Size one BAR the standard way (write ones, read the mask back) with
 * decoding off.  Returns the number of BAR slots it used (1 or 2). */
static int
bar_probe(struct pci_dev *d, int i)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_cfg_read32(d, off), hi = 0, mlo, mhi = 0xffffffffu;
	bool is64 = (lo & BAR_TYPE_MASK) == BAR_TYPE_64;
	uint64_t mask;

	if (lo & BAR_IO)
		return 1;
	if (is64 && i == 5)
		return 1;			/* malformed: no upper half */
	pci_cfg_write32(d, off, 0xffffffffu);
	mlo = pci_cfg_read32(d, off);
	pci_cfg_write32(d, off, lo);
	if (is64) {
		hi = pci_cfg_read32(d, off + 4);
		pci_cfg_write32(d, off + 4, 0xffffffffu);
		mhi = pci_cfg_read32(d, off + 4);
		pci_cfg_write32(d, off + 4, hi);
	}
	mask = (uint64_t)mhi << 32 | (mlo & ~0xfu);
	d->bar_pa[i] = ((uint64_t)hi << 32 | lo) & ~0xfull;
	d->bar_len[i] = mask != 0 ? ~mask + 1 : 0;
	if (d->bar_pa[i] == 0 || d->bar_pa[i] % PAGE_SIZE != 0 ||
	    d->bar_pa[i] >= PHYS_ADDR_MAX ||
	    d->bar_len[i] > PHYS_ADDR_MAX - d->bar_pa[i])
		d->bar_len[i] = 0;		/* unassigned or unusable */
	return is64 ? 2 : 1;
}

static void
bars_probe(struct pci_dev *d)
{
	uint16_t cmd = pci_cfg_read16(d, PCI_COMMAND);

	pci_cfg_write16(d, PCI_COMMAND, cmd & ~PCI_COMMAND_MEM & ~1u);
	for (int i = 0; i < 6; )
		i += bar_probe(d, i);
	pci_cfg_write16(d, PCI_COMMAND, cmd);
}

int
pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			struct pci_dev d = { .bus = 0, .dev = dev, .fn = fn };
			uint32_t id = pci_cfg_read32(&d, PCI_VENDOR);

			if ((id & 0xffff) == 0xffff) {
				if (fn == 0)
					break;
				continue;
			}
			if ((id & 0xffff) == vendor && id >> 16 == device) {
				d.vendor = vendor;
				d.device = device;
				bars_probe(&d);
				*out = d;
				return 0;
			}
			if (fn == 0 && !(pci_cfg_read8(&d, PCI_HEADER) & 0x80))
				break;		/* single-function device */
		}
	}
	return -ENODEV;
}

unsigned
pci_cap_next(const struct pci_dev *d, uint8_t id, unsigned from)
{
	unsigned off;

	if (!(pci_cfg_read16(d, PCI_STATUS) & PCI_STATUS_CAPS))
		return 0;
	off = from == 0 ? pci_cfg_read8(d, PCI_CAP_PTR) : pci_cfg_read8(d, from + 1);
	for (int n = 0; n < CAPS_MAX; n++) {
		off &= 0xfc;
		if (off < 0x40)
			return 0;		/* end of list, or nonsense */
		if (pci_cfg_read8(d, off) == id)
			return off;
		off = pci_cfg_read8(d, off + 1);
	}
	return 0;
}
