/*
 * What the firmware tells the kernel, read while boot services run: the
 * CPU's NX and SEV state, the ACPI RSDP and the SEV-SNP CC blob from the
 * configuration table, and the load options as the command line.
 */
#include <efi.h>
#include <efilib.h>

#include "boot/uefi/internal.h"
#include "boot/uefi/parse.h"

/* AMD64 APM vol. 3, E.4: CPUID functions used here. */
#define CPUID_EXT_MAX		0x80000000u
#define CPUID_EXT_FEATURES	0x80000001u
#define CPUID_EXT_EDX_NX	(1u << 20)
#define CPUID_SEV		0x8000001Fu	/* encrypted memory */
#define CPUID_SEV_EAX_SEV	(1u << 1)
#define CPUID_SEV_EBX_CBIT(b)	((b) & 0x3f)	/* EBX[5:0] */

/* AMD64 APM vol. 2, 15.34.10: SEV_STATUS MSR. */
#define MSR_SEV_STATUS		0xC0010131u
#define SEV_STATUS_SEV		(1ull << 0)

/*
 * The SEV-SNP confidential computing blob, as OVMF publishes it
 * (OvmfPkg/Include/Guid/ConfidentialComputingSevSnpBlob.h) and Linux
 * reads it (arch/x86/include/asm/sev.h).
 */
#define EFI_CC_BLOB_GUID \
	{ 0x067b1f5f, 0xcf26, 0x44c5, \
	    { 0x85, 0x54, 0x93, 0xd7, 0x77, 0x91, 0x2d, 0x42 } }
#define CC_BLOB_SEV_HDR_MAGIC	0x45444d41u	/* "AMDE" */

struct cc_blob_sev_info {
	uint32_t magic;
	uint16_t version;
	uint16_t reserved;
	uint64_t secrets_phys;
	uint32_t secrets_len;
	uint32_t rsvd1;
	uint64_t cpuid_phys;
	uint32_t cpuid_len;
	uint32_t rsvd2;
} __attribute__((packed));
_Static_assert(sizeof(struct cc_blob_sev_info) == 40, "CC blob");

static void
cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]),
	    "=d"(r[3]) : "a"(leaf), "c"(0));
}

static uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

/*
 * NX for EFER.NXE; SEV state as the firmware left it.  SEV_STATUS is read
 * only when CPUID says SEV exists: on other CPUs the MSR raises #GP.
 */
static void
probe_cpu(struct boot_info *bi, struct cpu_facts *cpu)
{
	uint32_t r[4], max;

	cpuid(CPUID_EXT_MAX, r);
	max = r[0];
	if (max >= CPUID_EXT_FEATURES) {
		cpuid(CPUID_EXT_FEATURES, r);
		cpu->nx = (r[3] & CPUID_EXT_EDX_NX) != 0;
	}
	if (max < CPUID_SEV)
		return;
	cpuid(CPUID_SEV, r);
	bi->sev_cpuid_eax = r[0];
	bi->sev_cpuid_ebx = r[1];
	if (!(r[0] & CPUID_SEV_EAX_SEV))
		return;
	bi->sev_status = rdmsr(MSR_SEV_STATUS);
	if (bi->sev_status & SEV_STATUS_SEV)
		cpu->enc_mask = 1ull << CPUID_SEV_EBX_CBIT(r[1]);
}

static bool
guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	const uint8_t *x = (const void *)a, *y = (const void *)b;

	for (size_t i = 0; i < sizeof(EFI_GUID); i++) {
		if (x[i] != y[i])
			return false;
	}
	return true;
}

static void *
config_table(EFI_SYSTEM_TABLE *st, EFI_GUID guid)
{
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		if (guid_eq(&st->ConfigurationTable[i].VendorGuid, &guid))
			return st->ConfigurationTable[i].VendorTable;
	}
	return NULL;
}

/* The ACPI RSDP (2.0 first, then 1.0) and the SNP CC blob. */
static void
read_config_tables(EFI_SYSTEM_TABLE *st, struct boot_info *bi)
{
	const struct cc_blob_sev_info *cc;
	void *rsdp;

	rsdp = config_table(st, (EFI_GUID)ACPI_20_TABLE_GUID);
	if (rsdp == NULL)
		rsdp = config_table(st, (EFI_GUID)ACPI_TABLE_GUID);
	bi->acpi_rsdp = (uint64_t)(uintptr_t)rsdp;
	cc = config_table(st, (EFI_GUID)EFI_CC_BLOB_GUID);
	if (cc != NULL && cc->magic == CC_BLOB_SEV_HDR_MAGIC) {
		bi->snp_secrets_page = cc->secrets_phys;
		bi->snp_cpuid_page = cc->cpuid_phys;
	}
}

static void
read_load_options(EFI_HANDLE image, EFI_SYSTEM_TABLE *st,
    struct boot_info *bi)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_GUID guid = LOADED_IMAGE_PROTOCOL;

	if (EFI_ERROR(st->BootServices->HandleProtocol(image, &guid,
	    (void **)&li)) || li == NULL)
		return;
	boot_loadopt_cmdline(li->LoadOptions, li->LoadOptionsSize,
	    bi->cmdline, BOOT_CMDLINE_MAX);
}

void
uefi_read_facts(void *image, struct _EFI_SYSTEM_TABLE *st,
    struct boot_info *bi, struct cpu_facts *cpu)
{
	probe_cpu(bi, cpu);
	bi->efi_system_table = (uint64_t)(uintptr_t)st;
	read_config_tables(st, bi);
	read_load_options(image, st, bi);
}
