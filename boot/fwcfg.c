/*
 * fw_cfg: the file directory, etc/e820 and string files, read through
 * boot_fwcfg_select/boot_fwcfg_read (boot/fwcfg_io.c on the machine, a
 * model in the host tests).  QEMU docs/specs/fw_cfg.rst describes the
 * device.  Everything here comes from the host: sizes and counts are
 * checked before anything is read into a buffer, names are compared only
 * within their 56 bytes, and a malformed table is refused whole.
 *
 * Runs before platform_start (on the ROM's early page tables): no
 * allocator, no klog, no library calls.
 */
#include "boot/internal.h"
#include "platform/platform.h"

#define E820_RAM	1
#define E820_RESERVED	2
#define E820_ACPI	3
#define E820_NVS	4
#define E820_UNUSABLE	5

static uint8_t e820_buf[FWCFG_E820_MAX * sizeof(struct fwcfg_e820)];

static uint32_t
be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static uint16_t
be16(uint16_t v)
{
	return __builtin_bswap16(v);
}

int
boot_fwcfg_probe(void)
{
	char sig[4];

	boot_fwcfg_select(FWCFG_SIGNATURE);
	boot_fwcfg_read(sig, sizeof(sig));
	if (sig[0] != 'Q' || sig[1] != 'E' || sig[2] != 'M' || sig[3] != 'U')
		return -ENODEV;
	return 0;
}

/* Does the entry's name (not trusted to be terminated) equal name? */
static int
name_is(const struct fwcfg_file *f, const char *name)
{
	uint32_t i;

	for (i = 0; i < FWCFG_NAME_MAX; i++) {
		if (f->name[i] != name[i])
			return 0;
		if (name[i] == '\0')
			return 1;
	}
	return 0;	/* name longer than an entry can hold */
}

int
boot_fwcfg_find(const char *name, uint16_t *item, uint32_t *size)
{
	struct fwcfg_file f;
	uint32_t count;

	boot_fwcfg_select(FWCFG_FILE_DIR);
	boot_fwcfg_read(&count, sizeof(count));
	count = be32(count);
	if (count > FWCFG_DIR_MAX)
		return -EINVAL;
	for (uint32_t i = 0; i < count; i++) {
		boot_fwcfg_read(&f, sizeof(f));
		if (name_is(&f, name)) {
			*item = be16(f.select);
			*size = be32(f.size);
			return 0;
		}
	}
	return -ENOENT;
}

static uint32_t
e820_type(uint32_t t)
{
	switch (t) {
	case E820_RAM: return BOOT_MEM_USABLE;
	case E820_ACPI: return BOOT_MEM_ACPI_RECLAIM;
	case E820_NVS: return BOOT_MEM_ACPI_NVS;
	case E820_UNUSABLE: return BOOT_MEM_BAD;
	case E820_RESERVED:
	default: return BOOT_MEM_RESERVED;
	}
}

int
boot_e820_parse(const uint8_t *buf, uint32_t len, struct boot_info *bi)
{
	const uint32_t esz = sizeof(struct fwcfg_e820);
	struct fwcfg_e820 e;
	uint32_t n = 0;

	bi->mmap_count = 0;
	if (len == 0 || len % esz != 0 || len / esz > FWCFG_E820_MAX)
		return -EINVAL;
	for (uint32_t off = 0; off < len; off += esz) {
		__builtin_memcpy(&e, buf + off, esz);
		if (e.length == 0)
			continue;
		if (e.address + e.length < e.address) {
			bi->mmap_count = 0;
			return -EINVAL;
		}
		if (n == BOOT_MMAP_MAX)
			break;
		bi->mmap[n].base = e.address;
		bi->mmap[n].len = e.length;
		bi->mmap[n].type = e820_type(e.type);
		bi->mmap[n].reserved = 0;
		n++;
	}
	bi->mmap_count = n;
	return 0;
}

int
boot_fwcfg_e820(struct boot_info *bi)
{
	uint16_t item;
	uint32_t size;
	int r;

	bi->mmap_count = 0;
	if ((r = boot_fwcfg_find("etc/e820", &item, &size)) != 0)
		return r;
	if (size > sizeof(e820_buf))
		return -EINVAL;
	boot_fwcfg_select(item);
	boot_fwcfg_read(e820_buf, size);
	return boot_e820_parse(e820_buf, size, bi);
}

int
boot_fwcfg_string(const char *name, char *buf, uint32_t max)
{
	uint16_t item;
	uint32_t size, i;
	int r;

	buf[0] = '\0';
	if ((r = boot_fwcfg_find(name, &item, &size)) != 0)
		return r;
	if (size > max - 1)
		size = max - 1;
	boot_fwcfg_select(item);
	boot_fwcfg_read(buf, size);
	for (i = 0; i < size && buf[i] != '\0'; i++)
		;
	buf[i] = '\0';
	return 0;
}
