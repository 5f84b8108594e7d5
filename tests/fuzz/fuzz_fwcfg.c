/*
 * libFuzzer target for the fw_cfg reader (boot/fwcfg.c) on the device
 * model of tests/unit/fwcfg_model.c.  The input is a host's fw_cfg:
 *   byte 0      flags: bit 0 = the rest is the raw directory item
 *   bytes 1-4   the size the directory claims for etc/e820 (LE)
 *   bytes 5-6   n, the length of the etc/e820 contents (LE)
 *   n bytes     etc/e820 contents; the rest: opt/cloister/cmdline
 * Every result must keep the contract in boot/internal.h.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/internal.h"
#include "platform/platform.h"
#include "tests/unit/fwcfg_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct boot_info bi;

static void
check_map(int r)
{
	PROMISE(r == 0 || r == -EINVAL || r == -ENOENT);
	PROMISE(bi.mmap_count <= BOOT_MMAP_MAX);
	if (r != 0)
		PROMISE(bi.mmap_count == 0);
	for (uint32_t i = 0; i < bi.mmap_count; i++) {
		PROMISE(bi.mmap[i].len != 0);
		PROMISE(bi.mmap[i].base + bi.mmap[i].len > bi.mmap[i].base);
		PROMISE(bi.mmap[i].type >= BOOT_MEM_USABLE &&
		    bi.mmap[i].type <= BOOT_MEM_BAD);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t claim, n;
	int r;

	if (size < 7 || size > 60000)
		return 0;
	fwcfg_model_reset();
	memcpy(&claim, data + 1, 4);
	n = data[5] | (uint32_t)data[6] << 8;
	if (n > size - 7)
		n = (uint32_t)(size - 7);
	if (data[0] & 1) {
		fwcfg_model_item(FWCFG_FILE_DIR, data + 1, (uint32_t)(size - 1));
	} else {
		fwcfg_model_file("etc/e820", 0x20, claim, data + 7, n);
		fwcfg_model_file("opt/cloister/cmdline", 0x21,
		    (uint32_t)(size - 7 - n), data + 7 + n,
		    (uint32_t)(size - 7 - n));
	}
	memset(&bi, 0xa5, sizeof(bi));
	PROMISE(boot_fwcfg_probe() == 0);
	check_map(boot_fwcfg_e820(&bi));
	r = boot_fwcfg_string("opt/cloister/cmdline", bi.cmdline,
	    BOOT_CMDLINE_MAX);
	PROMISE(r == 0 || r == -EINVAL || r == -ENOENT);
	PROMISE(memchr(bi.cmdline, '\0', BOOT_CMDLINE_MAX) != NULL);
	/* The parser alone, on the raw bytes. */
	check_map(boot_e820_parse(data, (uint32_t)size, &bi));
	return 0;
}
