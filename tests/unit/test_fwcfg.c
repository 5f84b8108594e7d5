/*
 * boot/fwcfg.c against a model of QEMU's fw_cfg device: the directory
 * lookup, etc/e820 (QEMU's layout as it sends it, and every way the host
 * can get it wrong), and the command-line string file.
 */
#include <stdint.h>

#include "boot/internal.h"
#include "platform/platform.h"
#include "tests/unit/fwcfg_model.h"
#include "tests/unit/harness.h"

static struct boot_info bi;

static uint32_t
e820(struct fwcfg_e820 *t, int n, uint64_t a, uint64_t l, uint32_t type)
{
	t[n].address = a;
	t[n].length = l;
	t[n].type = type;
	return (uint32_t)((n + 1) * sizeof(*t));
}

static void
setup(void)
{
	fwcfg_model_reset();
	memset(&bi, 0xa5, sizeof(bi));
}

/* QEMU's etc/e820 for -m 5G on q35: below 2 GiB, above 4 GiB, a reserved hole. */
static void
e820_qemu(void)
{
	struct fwcfg_e820 t[3];
	uint32_t len;

	setup();
	e820(t, 0, 0, 0x80000000ull, 1);
	e820(t, 1, 0xfeffc000ull, 0x4000, 2);
	len = e820(t, 2, 0x100000000ull, 0xc0000000ull, 1);
	fwcfg_model_file("etc/e820", 0x20, len, t, len);
	CHECK(boot_fwcfg_probe() == 0);
	CHECK(boot_fwcfg_e820(&bi) == 0);
	CHECK(bi.mmap_count == 3);
	CHECK(bi.mmap[0].base == 0 && bi.mmap[0].len == 0x80000000ull);
	CHECK(bi.mmap[0].type == BOOT_MEM_USABLE);
	CHECK(bi.mmap[1].type == BOOT_MEM_RESERVED);
	CHECK(bi.mmap[2].base == 0x100000000ull);
	CHECK(bi.mmap[2].type == BOOT_MEM_USABLE && bi.mmap[2].reserved == 0);
}

static void
e820_types(void)
{
	struct fwcfg_e820 t[6];
	uint32_t len = 0;

	setup();
	for (int i = 0; i < 6; i++)
		len = e820(t, i, (uint64_t)i << 20, 1 << 20, (uint32_t)i + 1);
	CHECK(boot_e820_parse((uint8_t *)t, len, &bi) == 0);
	CHECK(bi.mmap_count == 6);
	CHECK(bi.mmap[0].type == BOOT_MEM_USABLE);
	CHECK(bi.mmap[1].type == BOOT_MEM_RESERVED);
	CHECK(bi.mmap[2].type == BOOT_MEM_ACPI_RECLAIM);
	CHECK(bi.mmap[3].type == BOOT_MEM_ACPI_NVS);
	CHECK(bi.mmap[4].type == BOOT_MEM_BAD);
	CHECK(bi.mmap[5].type == BOOT_MEM_RESERVED);	/* unknown type 6 */
}

static void
e820_zero_length_skipped(void)
{
	struct fwcfg_e820 t[2];
	uint32_t len;

	setup();
	e820(t, 0, 0x1000, 0, 1);
	len = e820(t, 1, 0x100000, 0x100000, 1);
	CHECK(boot_e820_parse((uint8_t *)t, len, &bi) == 0);
	CHECK(bi.mmap_count == 1 && bi.mmap[0].base == 0x100000);
}

static void
e820_wrap_refused(void)
{
	struct fwcfg_e820 t[2];
	uint32_t len;

	setup();
	e820(t, 0, 0, 0x100000, 1);
	len = e820(t, 1, 0xfffffffffffff000ull, 0x2000, 1);
	CHECK(boot_e820_parse((uint8_t *)t, len, &bi) == -EINVAL);
	CHECK(bi.mmap_count == 0);
}

static void
e820_bad_lengths(void)
{
	static struct fwcfg_e820 t[FWCFG_E820_MAX + 1];

	setup();
	CHECK(boot_e820_parse((uint8_t *)t, 0, &bi) == -EINVAL);
	CHECK(boot_e820_parse((uint8_t *)t, 19, &bi) == -EINVAL);
	CHECK(boot_e820_parse((uint8_t *)t, 21, &bi) == -EINVAL);
	CHECK(boot_e820_parse((uint8_t *)t, sizeof(t), &bi) == -EINVAL);
	CHECK(bi.mmap_count == 0);
	/* The maximum is accepted (all zero-length: no entries). */
	CHECK(boot_e820_parse((uint8_t *)t, sizeof(t) - sizeof(t[0]), &bi) == 0);
	CHECK(bi.mmap_count == 0);
}

/* The directory claims a size larger than the buffer: never read. */
static void
e820_size_lie(void)
{
	struct fwcfg_e820 t[1];
	uint32_t len = e820(t, 0, 0, 1 << 20, 1);

	setup();
	fwcfg_model_file("etc/e820", 0x20, 0x7fffffff, t, len);
	CHECK(boot_fwcfg_e820(&bi) == -EINVAL);
	CHECK(bi.mmap_count == 0);
	/* Shorter than its contents: a partial entry is refused. */
	setup();
	fwcfg_model_file("etc/e820", 0x20, 10, t, len);
	CHECK(boot_fwcfg_e820(&bi) == -EINVAL);
}

static void
e820_missing(void)
{
	setup();
	fwcfg_model_file("etc/e820x", 0x20, 20, "", 0);
	CHECK(boot_fwcfg_e820(&bi) == -ENOENT);
	CHECK(bi.mmap_count == 0);
}

static void
no_device(void)
{
	setup();
	fwcfg_model_item(FWCFG_SIGNATURE, "BOCH", 4);
	CHECK(boot_fwcfg_probe() == -ENODEV);
}

/* A directory claiming 2^31 entries is refused without reading them. */
static void
dir_count_lie(void)
{
	uint8_t d[4] = { 0x80, 0, 0, 0 };
	uint16_t item;
	uint32_t size;

	setup();
	fwcfg_model_item(FWCFG_FILE_DIR, d, sizeof(d));
	CHECK(boot_fwcfg_find("etc/e820", &item, &size) == -EINVAL);
}

/* A name filling all 56 bytes without a NUL never matches past them. */
static void
dir_name_unterminated(void)
{
	char name[FWCFG_NAME_MAX + 1];
	uint16_t item;
	uint32_t size;

	setup();
	memset(name, 'a', FWCFG_NAME_MAX);
	name[FWCFG_NAME_MAX] = '\0';
	fwcfg_model_file(name, 0x20, 1, "x", 1);
	CHECK(boot_fwcfg_find(name, &item, &size) == -ENOENT);
	name[FWCFG_NAME_MAX - 1] = '\0';
	CHECK(boot_fwcfg_find(name, &item, &size) == -ENOENT);
	fwcfg_model_file(name, 0x21, 1, "y", 1);
	CHECK(boot_fwcfg_find(name, &item, &size) == 0 && item == 0x21);
}

static void
cmdline_read(void)
{
	static char buf[BOOT_CMDLINE_MAX];
	const char *s = "console=raw -- \"/demo\" \"a,b\"";

	setup();
	fwcfg_model_file("opt/cloister/cmdline", 0x22, strlen(s), s, strlen(s));
	CHECK(boot_fwcfg_string("opt/cloister/cmdline", buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, s) == 0);
}

static void
cmdline_absent(void)
{
	char buf[16] = "junk";

	setup();
	CHECK(boot_fwcfg_string("opt/cloister/cmdline", buf, sizeof(buf)) == -ENOENT);
	CHECK(buf[0] == '\0');
}

/* Longer than the buffer: cut and terminated; an inner NUL ends it. */
static void
cmdline_truncated(void)
{
	static char big[8192], buf[BOOT_CMDLINE_MAX];

	setup();
	memset(big, 'x', sizeof(big));
	fwcfg_model_file("opt/cloister/cmdline", 0x22, sizeof(big), big, sizeof(big));
	CHECK(boot_fwcfg_string("opt/cloister/cmdline", buf, sizeof(buf)) == 0);
	CHECK(strlen(buf) == sizeof(buf) - 1);
	setup();
	fwcfg_model_file("opt/cloister/cmdline", 0x22, 7, "ab\0cdef", 7);
	CHECK(boot_fwcfg_string("opt/cloister/cmdline", buf, sizeof(buf)) == 0);
	CHECK(strcmp(buf, "ab") == 0);
}

int
main(void)
{
	harness_begin("fwcfg");
	RUN(e820_qemu);
	RUN(e820_types);
	RUN(e820_zero_length_skipped);
	RUN(e820_wrap_refused);
	RUN(e820_bad_lengths);
	RUN(e820_size_lie);
	RUN(e820_missing);
	RUN(no_device);
	RUN(dir_count_lie);
	RUN(dir_name_unterminated);
	RUN(cmdline_read);
	RUN(cmdline_absent);
	RUN(cmdline_truncated);
	return harness_done();
}
