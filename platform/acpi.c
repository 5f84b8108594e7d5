/*
 * Just enough ACPI to power off: RSDP -> RSDT/XSDT -> FADT -> PM1a/PM1b
 * control ports, and the S5 sleep type from the DSDT's \_S5 package.
 * Tables come from firmware: every length and pointer is checked before
 * use, and anything odd just disables ACPI power-off.  They are read
 * only when first needed (power-off, without QEMU's debug-exit device):
 * the RSDP scan and the DSDT walk cost the boot 0.2 ms otherwise.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define SLP_EN		(1u << 13)
#define TABLE_MAX	(16u << 20)	/* refuse absurd table lengths */
#define LOW_MEM_END	0x100000ull

struct acpi_rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum;
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP size");

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_rev;
	uint32_t creator;
	uint32_t creator_rev;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "SDT header size");

/* FADT fields we read (ACPI 6.4, 5.2.9): byte offsets. */
#define FADT_DSDT	40
#define FADT_PM1A_CNT	64
#define FADT_PM1B_CNT	68
#define FADT_PM_TMR	76
#define FADT_X_DSDT	140

static uint16_t pm1a_cnt, pm1b_cnt;
static uint16_t slp_typ_a, slp_typ_b;
static bool s5_ok;
static uint32_t pm_timer_port;
static uint64_t rsdp_hint;
static bool parsed;

static bool
checksum_ok(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

static uint64_t
find_rsdp(uint64_t hint)
{
	if (hint != 0)
		return hint;
	for (uint64_t pa = 0xe0000; pa < LOW_MEM_END; pa += 16) {
		const struct acpi_rsdp *r = phys_to_virt(pa);	/* dmap'd */

		if (memcmp(r->sig, "RSD PTR ", 8) == 0 && checksum_ok(r, 20))
			return pa;
	}
	return 0;
}

/* A table at pa with a valid header, length and checksum, or NULL. */
static const struct acpi_header *
table_at(uint64_t pa)
{
	const struct acpi_header *h;
	uint32_t len;

	if (pa == 0)
		return NULL;
	h = vmm_map_firmware(pa, sizeof(*h));
	if (h == NULL)
		return NULL;
	len = h->length;
	if (len < sizeof(*h) || len > TABLE_MAX)
		return NULL;
	h = vmm_map_firmware(pa, len);
	return h != NULL && checksum_ok(h, len) ? h : NULL;
}

static const struct acpi_header *
find_table(const struct acpi_rsdp *rsdp, const char *sig)
{
	const struct acpi_header *root;
	bool x = rsdp->revision >= 2 && rsdp->xsdt != 0;
	uint32_t esize = x ? 8 : 4, n;

	root = table_at(x ? rsdp->xsdt : rsdp->rsdt);
	if (root == NULL)
		return NULL;
	n = (root->length - sizeof(*root)) / esize;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * esize;
		uint64_t pa = 0;
		const struct acpi_header *t;

		memcpy(&pa, e, esize);
		t = table_at(pa);
		if (t != NULL && memcmp(t->sig, sig, 4) == 0)
			return t;
	}
	return NULL;
}

/* One AML integer at p (ByteConst, WordConst, Zero, One), or -1. */
static int
aml_int(const uint8_t *p, const uint8_t *end, const uint8_t **next)
{
	if (p >= end)
		return -1;
	if (*p == 0x00 || *p == 0x01) {		/* ZeroOp, OneOp */
		*next = p + 1;
		return *p;
	}
	if (*p == 0x0a && p + 1 < end) {		/* BytePrefix */
		*next = p + 2;
		return p[1];
	}
	if (*p == 0x0b && p + 2 < end) {		/* WordPrefix */
		*next = p + 3;
		return p[1] | p[2] << 8;
	}
	return -1;
}

/* Find "_S5_" NameOp Package in the DSDT and read SLP_TYPa/b. */
static void
parse_s5(const struct acpi_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)(dsdt + 1);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;
	int a, b;

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12)
			continue;	/* 0x12 = PackageOp */
		p += 5;
		p += ((*p >> 6) & 3) + 1;	/* PkgLength */
		p++;				/* NumElements */
		a = aml_int(p, end, &p);
		b = aml_int(p, end, &p);
		if (a < 0)
			return;
		slp_typ_a = (uint16_t)a;
		slp_typ_b = (uint16_t)(b < 0 ? 0 : b);
		s5_ok = true;
		return;
	}
}

/* The boot loader's RSDP address (0: search for it), kept for later. */
void
acpi_init(uint64_t hint)
{
	rsdp_hint = hint;
}

static void
acpi_parse(void)
{
	uint64_t pa;
	const struct acpi_rsdp *rsdp;
	const struct acpi_header *fadt, *dsdt;
	const uint8_t *f;
	uint64_t dsdt_pa;

	if (parsed)
		return;
	parsed = true;
	pa = find_rsdp(rsdp_hint);
	if (pa == 0)
		return;
	rsdp = vmm_map_firmware(pa, sizeof(*rsdp));
	if (rsdp == NULL)
		return;
	if (memcmp(rsdp->sig, "RSD PTR ", 8) != 0 || !checksum_ok(rsdp, 20))
		return;
	fadt = find_table(rsdp, "FACP");
	if (fadt == NULL || fadt->length < FADT_PM_TMR + 4)
		return;
	f = (const uint8_t *)fadt;
	pm1a_cnt = *(const uint32_t *)(f + FADT_PM1A_CNT) & 0xffff;
	pm1b_cnt = *(const uint32_t *)(f + FADT_PM1B_CNT) & 0xffff;
	pm_timer_port = *(const uint32_t *)(f + FADT_PM_TMR);
	dsdt_pa = *(const uint32_t *)(f + FADT_DSDT);
	if (fadt->length >= FADT_X_DSDT + 8 &&
	    *(const uint64_t *)(f + FADT_X_DSDT) != 0)
		dsdt_pa = *(const uint64_t *)(f + FADT_X_DSDT);
	dsdt = table_at(dsdt_pa);
	if (dsdt != NULL)
		parse_s5(dsdt);
}

uint32_t
acpi_pm_timer_port(void)
{
	acpi_parse();
	return pm_timer_port;
}

void
acpi_poweroff(void)
{
	acpi_parse();
	if (!s5_ok || pm1a_cnt == 0)
		return;
	arch_outw(pm1a_cnt, (uint16_t)(slp_typ_a << 10) | SLP_EN);
	if (pm1b_cnt != 0)
		arch_outw(pm1b_cnt, (uint16_t)(slp_typ_b << 10) | SLP_EN);
	for (int i = 0; i < 1000000; i++)
		__asm__ volatile("pause");
}
