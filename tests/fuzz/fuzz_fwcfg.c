/*
 * libFuzzer target for the fw_cfg reader (boot/fwcfg.c) on the device
 * model of tests/unit/fwcfg_model.c.  The input is a host's fw_cfg:
 *   byte 0      flags: bit 0 = the rest is the raw directory item
 *   bytes 1-4   the size the directory claims for etc/e820 (LE)
 *   bytes 5-6   n, the length of the etc/e820 contents (LE)
 *   n bytes     etc/e820 contents; the rest: opt/cloister/cmdline
 * Every result must keep the contract in boot/internal.h.  The parsed
 * map then goes through the ROM's SNP memory split (boot/rom_snp.c), with
 * snp_accept recording what it would accept.
 */
#include <stdlib.h>
#include <string.h>

#include "boot/internal.h"
#include "platform/platform.h"
#include "tests/unit/fwcfg_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static struct boot_info bi;

#define VALIDATED_END	0x200000ull
#define MAPPED_END	(4ull << 30)

static struct { uint64_t s, e; } accepted[BOOT_MMAP_MAX + 1];
static unsigned naccepted;

/* No page is accepted twice, by the ROM or (above) by the platform. */
static void
claim(uint64_t s, uint64_t e)
{
	for (unsigned i = 0; i < naccepted; i++)
		PROMISE(e <= accepted[i].s || accepted[i].e <= s);
	PROMISE(naccepted < sizeof(accepted) / sizeof(accepted[0]));
	accepted[naccepted].s = s;
	accepted[naccepted++].e = e;
}

/* ghcb/ as boot/rom_snp.c sees it: only snp_accept may be reached. */
void
snp_accept(uint64_t pa, uint64_t len)
{
	PROMISE(pa % 4096 == 0 && len % 4096 == 0 && len != 0);
	PROMISE(pa >= VALIDATED_END && pa >= 0x100000);
	PROMISE(pa + len > pa && pa + len <= MAPPED_END);
	claim(pa, pa + len);
}

bool snp_detect(const void *p, uint64_t d) { __builtin_trap(); }
int snp_share_pages(uint64_t pa, uint64_t n) { __builtin_trap(); }
uint64_t snp_enc_mask(void) { __builtin_trap(); }
void snp_ghcb_init(volatile void *va, uint64_t pa) { __builtin_trap(); }
int snp_vc_trap(struct trap_frame *f) { __builtin_trap(); }
void snp_terminate(unsigned set, unsigned code) { __builtin_trap(); }
volatile void *boot_rom_map_shared(uint64_t p, uint64_t e) { __builtin_trap(); }

/*
 * A map dense in RAM near 4 GiB from the input: 9 bytes an entry (base
 * and length in 256- and 64-byte units, mostly usable), so splits,
 * overlaps, ragged edges and a full map all come up.
 */
static void
snp_map(const uint8_t *d, size_t size)
{
	uint32_t b, l;

	bi.mmap_count = 0;
	for (; size >= 9 && bi.mmap_count < BOOT_MMAP_MAX; d += 9, size -= 9) {
		memcpy(&b, d, 4);
		memcpy(&l, d + 4, 4);
		bi.mmap[bi.mmap_count++] = (struct boot_mem_region){
		    .base = (uint64_t)b << 8, .len = (uint64_t)l << 6,
		    .type = (d[8] & 3) == 3 ? BOOT_MEM_RESERVED :
		    BOOT_MEM_USABLE };
	}
}

static void
check_snp_split(void)
{
	int r;

	naccepted = 0;
	r = boot_rom_snp_memory(&bi, VALIDATED_END, MAPPED_END);

	PROMISE(r == 0 || r == -ENOSPC);
	PROMISE(bi.mmap_count <= BOOT_MMAP_MAX);
	for (uint32_t i = 0; i < bi.mmap_count; i++) {
		const struct boot_mem_region *m = &bi.mmap[i];
		uint64_t s = (m->base + 4095) & ~4095ull;
		uint64_t e = (m->base + m->len) & ~4095ull;

		if (m->type == BOOT_MEM_UNACCEPTED) {
			PROMISE(m->base % 4096 == 0 && m->len % 4096 == 0);
			PROMISE(m->len != 0 && m->base >= MAPPED_END);
			PROMISE(m->base + m->len > m->base);
			claim(m->base, m->base + m->len);
		} else if (m->type == BOOT_MEM_USABLE && e > s) {
			PROMISE(e <= MAPPED_END);
		}
	}
}

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
	check_snp_split();
	snp_map(data, size);
	check_snp_split();
	return 0;
}
