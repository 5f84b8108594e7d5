/*
 * Cloister's UEFI loader: a gnu-efi application that carries the kernel's
 * flat image (the multiboot one, see boot/uefi/uefi.mk) and starts it the
 * way boot/multiboot.asm does, with a struct boot_info filled from UEFI.
 *
 * Order: TSC, kernel image check, kernel copied to its fixed physical
 * range (or staged, see load_kernel()), the handoff region (tables,
 * trampoline, boot_info) below 1 GiB, firmware facts (facts.c), then
 * GetMemoryMap(), ExitBootServices() and the jump (handoff.c).  Every
 * failure before ExitBootServices() prints a sentence and returns an EFI
 * error to the firmware, with what was allocated given back.
 *
 * Calling convention: built with GNU_EFI_USE_MS_ABI, so every EFIAPI
 * function pointer in the gnu-efi headers is declared ms_abi and the
 * compiler calls firmware services directly, with their real prototypes
 * checked; uefi_call_wrapper() reduces to a plain call and the untyped
 * efi_callN() trampolines are never used.  efi_main() itself is SysV:
 * gnu-efi's crt0 converts the firmware's call before calling it.
 */
#include <efi.h>
#include <efilib.h>

#include "boot/boot_info.h"
#include "boot/uefi/efimap.h"
#include "boot/uefi/internal.h"
#include "boot/uefi/parse.h"

#ifndef GNU_EFI_USE_MS_ABI
#error "boot/uefi is built with -DGNU_EFI_USE_MS_ABI (see the comment above)"
#endif

/* The kernel's flat image, embedded by boot/uefi/uefi.mk. */
extern const uint8_t kimage_blob_start[], kimage_blob_end[];

#define CR4_LA57	(1ull << 12)	/* Intel SDM vol. 3A, 2.5: 5-level paging */

/* UEFI 2.10, 7.2.4 (EFI_MEMORY_ATTRIBUTE_PROTOCOL, 2.10+ firmware). */
#define EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID \
	{ 0xf4560cf6, 0x40ec, 0x4b4a, \
	    { 0xa1, 0x92, 0xbf, 0x1d, 0x57, 0xd0, 0xb1, 0x89 } }

struct efi_memory_attribute_protocol {
	EFI_STATUS (EFIAPI *get)(struct efi_memory_attribute_protocol *,
	    EFI_PHYSICAL_ADDRESS, UINT64, UINT64 *);
	EFI_STATUS (EFIAPI *set)(struct efi_memory_attribute_protocol *,
	    EFI_PHYSICAL_ADDRESS, UINT64, UINT64);
	EFI_STATUS (EFIAPI *clear)(struct efi_memory_attribute_protocol *,
	    EFI_PHYSICAL_ADDRESS, UINT64, UINT64);
};

/*
 * 16550 on COM1: markers for scripts/run, which shows only what follows
 * CONSOLE_MARKER and stops the VM at FAIL_MARKER.  Keep them in sync.
 */
#define COM1			0x3f8
#define UART_LSR		5
#define LSR_THRE		0x20
#define UART_SPIN_MAX		100000
#define CONSOLE_MARKER		"\033[0m\r\n\001cloister: console\002\r\n"
#define FAIL_MARKER		"\001cloister: loader failed\002\r\n"

#define EBS_TRIES		8	/* ExitBootServices() attempts */
#define MAP_SLACK_DESCS		16	/* room for the map to grow */

struct loader {
	EFI_HANDLE image;
	EFI_SYSTEM_TABLE *st;
	EFI_BOOT_SERVICES *bs;
	struct kimage k;
	EFI_PHYSICAL_ADDRESS kernel_pa;	/* the kernel range, if allocated */
	EFI_PHYSICAL_ADDRESS stage_pa;	/* else: where the image waits */
	struct handoff *h;
	struct cpu_facts cpu;
	UINT8 *map;
	UINTN map_cap;
};

static uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void
outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/*
 * Raw bytes on COM1, past the firmware's console drivers.  Only while
 * boot services run: under SEV-ES the port I/O raises #VC, which the
 * firmware handles.
 */
static void
com1_write(const char *s)
{
	if (inb(COM1 + UART_LSR) == 0xff)	/* no UART */
		return;
	for (; *s != '\0'; s++) {
		for (int n = 0; n < UART_SPIN_MAX; n++) {
			if (inb(COM1 + UART_LSR) & LSR_THRE)
				break;
		}
		outb(COM1, (uint8_t)*s);
	}
}

/* Say why the loader gives up, on the firmware's console. */
static EFI_STATUS
fail(EFI_STATUS status, const CHAR16 *fmt, ...)
{
	va_list ap;

	/* gnu-efi's Print() writes "\r\n" for "\n". */
	Print(L"cloister: ");
	va_start(ap, fmt);
	VPrint(fmt, ap);
	va_end(ap);
	Print(L"\n");
	com1_write(FAIL_MARKER);
	return status;
}

static uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/*
 * The firmware's map entries in [start, end) that stay in use after
 * ExitBootServices(): why the kernel cannot go there.
 */
static void
show_keepers(struct loader *l, uint64_t start, uint64_t end)
{
	UINTN size = 0, key, desc_size, n, shown = 0;
	UINT32 desc_ver;
	UINT8 *map = NULL;
	EFI_MEMORY_DESCRIPTOR *d;
	uint64_t dend;

	if (l->bs->GetMemoryMap(&size, NULL, &key, &desc_size, &desc_ver) !=
	    EFI_BUFFER_TOO_SMALL || desc_size < sizeof(*d))
		return;
	size += 4 * desc_size;
	if (EFI_ERROR(l->bs->AllocatePool(EfiLoaderData, size, (void **)&map)))
		return;
	if (!EFI_ERROR(l->bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)map,
	    &key, &desc_size, &desc_ver))) {
		for (n = 0; n + desc_size <= size; n += desc_size) {
			d = (EFI_MEMORY_DESCRIPTOR *)(map + n);
			dend = d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE;
			if (boot_efimap_type(d->Type, d->Attribute) ==
			    BOOT_MEM_USABLE || d->PhysicalStart >= end ||
			    dend <= start)
				continue;
			Print(L"  0x%lx-0x%lx: EFI memory type %d\n",
			    d->PhysicalStart, dend, d->Type);
			shown++;
		}
	}
	if (shown == 0)
		Print(L"  (no memory in part of it)\n");
	l->bs->FreePool(map);
}

static bool
overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

static UINTN
pages_of(uint64_t bytes)
{
	return (bytes + EFI_PAGE_SIZE - 1) / EFI_PAGE_SIZE;
}

/*
 * The kernel at its link-time physical address, bss zeroed.  If the
 * firmware uses part of that range (OVMF keeps its decompressed firmware
 * volumes at 8-21 MiB as boot-services data), stage the image below
 * 4 GiB instead; the trampoline moves it after ExitBootServices(), once
 * exit_firmware() has checked that the final map frees the whole range.
 */
static EFI_STATUS
load_kernel(struct loader *l)
{
	uint64_t copy = l->k.load_end - l->k.load_addr;
	EFI_PHYSICAL_ADDRESS pa = l->k.load_addr;
	EFI_STATUS s;

	s = l->bs->AllocatePages(AllocateAddress, EfiLoaderData,
	    pages_of(l->k.bss_end - l->k.load_addr), &pa);
	if (!EFI_ERROR(s)) {
		l->kernel_pa = pa;
		CopyMem((void *)(uintptr_t)pa, (void *)kimage_blob_start, copy);
		ZeroMem((void *)(uintptr_t)l->k.load_end,
		    l->k.bss_end - l->k.load_end);
		return EFI_SUCCESS;
	}
	pa = ((uint64_t)HANDOFF_IDMAP_GIB << 30) - 1;
	s = l->bs->AllocatePages(AllocateMaxAddress, EfiLoaderData,
	    pages_of(copy), &pa);
	if (EFI_ERROR(s))
		return fail(s, L"no memory below 4 GiB for the kernel image "
		    "(%lu KiB): %r", copy >> 10, s);
	l->stage_pa = pa;
	if (overlaps(pa, pa + copy, l->k.load_addr, l->k.bss_end))
		return fail(EFI_OUT_OF_RESOURCES, L"the only memory for the "
		    "kernel image overlaps its destination 0x%lx-0x%lx",
		    l->k.load_addr, l->k.bss_end);
	CopyMem((void *)(uintptr_t)pa, (void *)kimage_blob_start, copy);
	return EFI_SUCCESS;
}

/*
 * Firmware with a strict NX policy (UEFI 2.10 memory attribute protocol)
 * may map fresh EfiLoaderCode pages non-executable: ask for the
 * trampoline page to be executable.  Older firmware has no protocol and
 * maps EfiLoaderCode executable.
 */
static void
allow_exec(struct loader *l, void *page)
{
	EFI_GUID guid = EFI_MEMORY_ATTRIBUTE_PROTOCOL_GUID;
	struct efi_memory_attribute_protocol *ma = NULL;

	if (EFI_ERROR(l->bs->LocateProtocol(&guid, NULL, (void **)&ma)) ||
	    ma == NULL)
		return;
	ma->clear(ma, (EFI_PHYSICAL_ADDRESS)(uintptr_t)page, HANDOFF_PAGE_SIZE,
	    EFI_MEMORY_XP);
}

static EFI_STATUS
alloc_handoff(struct loader *l)
{
	EFI_PHYSICAL_ADDRESS pa = HANDOFF_LIMIT - 1;
	EFI_STATUS s;

	s = l->bs->AllocatePages(AllocateMaxAddress, EfiLoaderCode,
	    HANDOFF_PAGES, &pa);
	if (EFI_ERROR(s))
		return fail(s, L"no memory below 1 GiB for the boot tables "
		    "(%r)", s);
	l->h = (struct handoff *)(uintptr_t)pa;
	if (l->stage_pa != 0 && overlaps(pa, pa + HANDOFF_BYTES,
	    l->k.load_addr, l->k.bss_end))
		return fail(EFI_OUT_OF_RESOURCES, L"the only memory for the "
		    "boot tables overlaps the kernel's range 0x%lx-0x%lx",
		    l->k.load_addr, l->k.bss_end);
	ZeroMem(l->h, HANDOFF_BYTES);
	allow_exec(l, l->h->code);
	return EFI_SUCCESS;
}

static void
fill_boot_info(struct loader *l, uint64_t tsc)
{
	struct boot_info *bi = &l->h->bi;

	bi->magic = BOOT_INFO_MAGIC;
	bi->source = BOOT_SRC_UEFI;
	bi->boot_tsc = tsc;
	bi->kernel.start = l->k.load_addr;
	bi->kernel.end = l->k.bss_end;
	bi->modules[0].start = (uint64_t)(uintptr_t)l->h;
	bi->modules[0].end = bi->modules[0].start + HANDOFF_BYTES;
	bi->module_count = 1;
	uefi_read_facts(l->image, l->st, bi, &l->cpu);
}

/* The trampoline's orders to move a staged kernel into place. */
static void
plan_move(struct loader *l)
{
	struct handoff_args *a = &l->h->ctl.args;

	if (l->stage_pa == 0)
		return;
	a->copy_src = l->stage_pa;
	a->copy_dst = l->k.load_addr;
	a->copy_len = l->k.load_end - l->k.load_addr;
	a->zero_len = l->k.bss_end - l->k.load_end;
}

/* A map buffer of at least want bytes, with slack for it to grow. */
static EFI_STATUS
grow_map(struct loader *l, UINTN want, UINTN desc_size)
{
	if (l->map != NULL)
		l->bs->FreePool(l->map);
	l->map = NULL;
	l->map_cap = want + MAP_SLACK_DESCS * (desc_size ? desc_size : 64);
	return l->bs->AllocatePool(EfiLoaderData, l->map_cap,
	    (void **)&l->map);
}

/*
 * GetMemoryMap(), convert, ExitBootServices().  A changed map key makes
 * ExitBootServices() fail with EFI_INVALID_PARAMETER; UEFI 2.10, 7.4
 * then allows only memory services, so the loop fetches the map again
 * (growing the buffer if needed) and retries, printing nothing.
 */
static EFI_STATUS
exit_firmware(struct loader *l)
{
	struct boot_info *bi = &l->h->bi;
	UINTN size, key, desc_size = 0;
	UINT32 desc_ver;
	EFI_STATUS s = EFI_SUCCESS;
	bool tried = false;
	int n;

	for (int i = 0; i < EBS_TRIES; i++) {
		size = l->map_cap;
		s = l->bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)l->map,
		    &key, &desc_size, &desc_ver);
		if (s == EFI_BUFFER_TOO_SMALL) {
			s = grow_map(l, size, desc_size);
			if (EFI_ERROR(s))
				break;
			continue;
		}
		if (EFI_ERROR(s))
			break;
		n = boot_efimap_convert(l->map, size, desc_size, bi->mmap,
		    BOOT_MMAP_MAX, NULL);
		if (n < 0)
			return tried ? EFI_LOAD_ERROR : fail(EFI_LOAD_ERROR,
			    L"the firmware's memory map cannot be used "
			    "(descriptor size %lu, %lu bytes)", desc_size, size);
		bi->mmap_count = (uint32_t)n;
		if (l->stage_pa != 0 && !boot_efimap_range_usable(bi->mmap,
		    bi->mmap_count, l->k.load_addr, l->k.bss_end)) {
			if (tried)
				return EFI_LOAD_ERROR;
			Print(L"cloister: the kernel (with its guest) must go to "
			    "physical 0x%lx-0x%lx, where the firmware keeps:\n",
			    l->k.load_addr, l->k.bss_end);
			show_keepers(l, l->k.load_addr, l->k.bss_end);
			return fail(EFI_LOAD_ERROR, L"a smaller guest may fit");
		}
		/*
		 * Where the firmware's console output ends: written just
		 * before ExitBootServices(), when nothing else prints.
		 */
		if (!tried)
			com1_write(CONSOLE_MARKER);
		tried = true;
		s = l->bs->ExitBootServices(l->image, key);
		if (s != EFI_INVALID_PARAMETER)
			break;
	}
	if (EFI_ERROR(s) && !tried)
		return fail(s, L"cannot read the memory map (%r)", s);
	return s;
}

static void
give_back(struct loader *l)
{
	if (l->map != NULL)
		l->bs->FreePool(l->map);
	if (l->h != NULL)
		l->bs->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)l->h,
		    HANDOFF_PAGES);
	if (l->stage_pa != 0)
		l->bs->FreePages(l->stage_pa,
		    pages_of(l->k.load_end - l->k.load_addr));
	if (l->kernel_pa != 0)
		l->bs->FreePages(l->kernel_pa,
		    pages_of(l->k.bss_end - l->k.load_addr));
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

EFI_STATUS
efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	uint64_t tsc = rdtsc();
	struct loader l = { .image = image, .st = st, .bs = st->BootServices };
	const char *why;
	uint64_t cr4;
	EFI_STATUS s;

	InitializeLib(image, st);
	why = boot_kimage_parse(kimage_blob_start,
	    (size_t)(kimage_blob_end - kimage_blob_start), &l.k);
	if (why != NULL)
		return fail(EFI_LOAD_ERROR, L"%a", why);
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & CR4_LA57)
		return fail(EFI_UNSUPPORTED, L"the firmware runs with 5-level "
		    "paging, which this loader cannot hand over");
	s = load_kernel(&l);
	if (!EFI_ERROR(s))
		s = alloc_handoff(&l);
	if (!EFI_ERROR(s)) {
		fill_boot_info(&l, tsc);
		handoff_prepare(l.h, l.cpu.enc_mask, l.k.entry);
		plan_move(&l);
		s = grow_map(&l, 0, 0);
		if (EFI_ERROR(s))
			fail(s, L"no memory for the memory map (%r)", s);
	}
	if (!EFI_ERROR(s))
		s = exit_firmware(&l);
	if (EFI_ERROR(s)) {
		give_back(&l);
		return s;
	}
	handoff_jump(l.h, l.cpu.nx);
}
