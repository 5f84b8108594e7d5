/*
 * platform_start: the one C entry both boot paths end in.  Brings the
 * machine up in dependency order, then hands over to the kernel.
 *
 * Compiled without the stack protector: the canary is chosen here.
 */
#include "platform/internal.h"
#include "arch/arch.h"
#include "ghcb/snp.h"

#define LOW_RESERVED_END	0x100000ull	/* BIOS, IVT, EBDA */
/* A GHCB the boot path brought up: the page right below the pool. */
#define BOOT_GHCB_VA		(SHMEM_BASE - PAGE_SIZE)

/* The top of the stack (shim/main.c): the one upward call, at the end. */
extern void cloister_main(void) __attribute__((noreturn));
extern const char baked_cmdline[];	/* scripts/link-image, NUL-ended */

uint64_t __stack_chk_guard;

static struct boot_info boot;
static struct arch_percpu percpu0;
static struct mem_range usable[MEMMAP_MAX_RANGES];

void __stack_chk_fail(void) __attribute__((noreturn));

void
__stack_chk_fail(void)
{
	panic("stack protector: canary overwritten");
}

void
percpu_set_kernel_stack(uint64_t top)
{
	percpu0.kernel_rsp = top;
}

const char *
plat_cmdline(void)
{
	return boot.cmdline;
}

uint64_t
boot_snp_secrets_pa(void)
{
	/* snp=emulate: the stand-in secure processor's (a test VMPCK0). */
	if (snp_emulated())
		return virt_to_phys(snp_emulate_secrets());
	return boot.snp_secrets_page;
}

/* Is word one of the kernel options (the words before "--")? */
static bool
cmdline_has_option(const char *line, const char *word)
{
	size_t wl = strlen(word);

	while (*line != '\0') {
		size_t n = 0;

		while (*line == ' ')
			line++;
		while (line[n] != '\0' && line[n] != ' ')
			n++;
		if (n == 2 && line[0] == '-' && line[1] == '-')
			return false;
		if (n == wl && memcmp(line, word, n) == 0)
			return true;
		line += n;
	}
	return false;
}

bool
boot_has_option(const char *word)
{
	return cmdline_has_option(boot.cmdline, word);
}

static void
early_cpu(void)
{
	uint64_t ist[8] = { 0 };

	for (int i = 1; i <= 5; i++)
		ist[i] = (uint64_t)boot_stacks[i].stack + KSTACK_SIZE;
	/* Under SEV-SNP every CPUID traps: the #VC handler comes first. */
	arch_gdt_init(ist);
	traps_init();
	snp_detect(cmdline_has_option(boot.cmdline, "snp=emulate") ?
	    snp_emulate_start(boot.cmdline) :
	    (const void *)boot.snp_cpuid_page,
	    DMAP_BASE);
	arch_cpu_init();
	arch_percpu_init(&percpu0);
}

static void
log_memmap(const struct memmap_report *rep, int n)
{
	if (rep->zero_length || rep->wrapped || rep->overlaps ||
	    rep->clamped_count || rep->dropped)
		klog("memmap: repaired firmware map: %u zero-length, %u "
		    "wrapping, %u overlapping, %u over the limit, %u dropped",
		    rep->zero_length, rep->wrapped, rep->overlaps,
		    rep->clamped_count, rep->dropped);
	klog("memory: %llu KiB usable in %d ranges",
	    (unsigned long long)(rep->usable_bytes >> 10), n);
	for (int i = 0; i < n; i++)
		klog("  [%#014llx-%#014llx)",
		    (unsigned long long)usable[i].start,
		    (unsigned long long)usable[i].end);
}

/*
 * SNP from the ROM: boot/rom_snp.c registered a GHCB page of the image
 * on the ROM's page tables.  The kernel's tables (just loaded) map it
 * again without the C-bit, before the next port access; the
 * registration stands.
 */
static void
ghcb_remap(void)
{
	uint64_t pa = snp_ghcb_pa();

	if (pa == 0)
		return;
	if (vmm_map_shared(pa, PAGE_SIZE, BOOT_GHCB_VA) != 0)
		snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
	snp_ghcb_init((volatile void *)BOOT_GHCB_VA, pa);
}

static void
early_memory(void)
{
	struct mem_range excl[2 + BOOT_MODULES_MAX];
	struct memmap_report rep;
	static bool to_accept[BOOT_MMAP_MAX];
	int nexcl = 0, n;

	/* SNP: RAM the launch did not validate is accepted, then usable. */
	for (uint32_t i = 0; snp_active() && i < boot.mmap_count; i++)
		if (boot.mmap[i].type == BOOT_MEM_UNACCEPTED) {
			boot.mmap[i].type = BOOT_MEM_USABLE;
			to_accept[i] = true;
		}
	excl[nexcl++] = (struct mem_range){ 0, LOW_RESERVED_END };
	excl[nexcl++] = (struct mem_range){ PAGE_ALIGN_DOWN(boot.kernel.start),
	    PAGE_ALIGN_UP(boot.kernel.end) };
	for (uint32_t i = 0; i < boot.module_count && i < BOOT_MODULES_MAX; i++)
		excl[nexcl++] = (struct mem_range){
		    PAGE_ALIGN_DOWN(boot.modules[i].start),
		    PAGE_ALIGN_UP(boot.modules[i].end) };
	n = memmap_usable(boot.mmap, boot.mmap_count, excl, nexcl, usable,
	    MEMMAP_MAX_RANGES, &rep);
	log_memmap(&rep, n);
	if (n == 0) {
		klog_always("cloister: the memory map has no usable RAM");
		plat_exit(PLAT_EXIT_BOOT);
	}
	vmm_init(&boot, usable, n, snp_enc_mask());
	ghcb_remap();
	for (uint32_t i = 0; snp_active() && i < boot.mmap_count; i++)
		if (to_accept[i])
			snp_accept(boot.mmap[i].base, boot.mmap[i].len);
	if (pmm_init(usable, n, DMAP_BASE) != 0) {
		klog_always("cloister: page allocator could not start");
		plat_exit(PLAT_EXIT_NOMEM);
	}
	vmm_use_pmm();
}

/*
 * SNP: the GHCB page is the pool's first page (no pool, no guest),
 * unless the boot path brought one up already (the ROM: ghcb_remap).
 */
static void
ghcb_start(void)
{
	struct shared_region r;
	bool from_boot = snp_ghcb_pa() != 0;

	if (!snp_active())
		return;
	if (!from_boot) {
		if (shmem_alloc(PAGE_SIZE, &r) != 0)
			snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
		snp_ghcb_init(r.va, r.pa);
	}
	klog("snp: SEV-SNP guest%s, SEV_STATUS %llx, C-bit %llx, GHCB at %llx%s",
	    snp_emulated() ? " (snp=emulate: stand-in hypervisor)" : "",
	    (unsigned long long)snp_sev_status(),
	    (unsigned long long)snp_enc_mask(),
	    (unsigned long long)snp_ghcb_pa(),
	    from_boot ? " (from the ROM, before fw_cfg)" : "");
	/*
	 * Restricted Injection: interrupts arrive only as #HV, through the
	 * doorbell page, a second pool page registered like the GHCB.
	 */
	if (snp_restricted_injection()) {
		if (shmem_alloc(PAGE_SIZE, &r) != 0)
			snp_terminate(SNP_TERM_SET_GHCB, SNP_TERM_GENERAL);
		snp_hv_init(r.va, r.pa);
		traps_hv_start();
		klog("snp: Restricted Injection: #HV doorbell page at %llx",
		    (unsigned long long)r.pa);
	}
}

/* The NIC's share of the pool only when RAM is not tight. */
static uint64_t
shmem_size(void)
{
	if (plat_pages_total_count() * PAGE_SIZE < SHMEM_NIC_MIN_RAM)
		return SHMEM_DEFAULT_BYTES;
	return SHMEM_DEFAULT_BYTES + SHMEM_NIC_BYTES;
}

static void
stack_guard_init(void)
{
	uint64_t v = 0;

	if (plat_crng_fill(&v, sizeof(v)) != 0 || v == 0)
		v = arch_rdtsc() * 0x9e3779b97f4a7c15ull;
	v &= ~0xffull;	/* a NUL byte stops string overflows at the canary */
	__stack_chk_guard = v;
}

void
platform_start(struct boot_info *bi)
{
	boot = *bi;
	boot.cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
	/* A disk boot passes nothing: the image's own line (link-image). */
	if (boot.cmdline[0] == '\0')
		for (size_t i = 0; i < BOOT_CMDLINE_MAX - 1 &&
		    baked_cmdline[i] != '\0'; i++)
			boot.cmdline[i] = baked_cmdline[i];
	early_cpu();
	/* The TSC's rate is measured across the boot from here: as early as
	 * port I/O works (under SNP it needs the GHCB page, below). */
	if (!snp_active())
		time_init(boot.boot_tsc);
	if (cmdline_has_option(boot.cmdline, "quiet"))
		plat_set_loglevel(0);
	klog("cloister: booting (%s)",
	    boot.source == BOOT_SRC_UEFI ? "UEFI" :
	    boot.source == BOOT_SRC_ROM ? "ROM" : "multiboot1");
	early_memory();
	/* Host-visible memory for the GHCB and devices: one pool, before any
	 * port I/O (under SNP it goes through the GHCB page from the pool).
	 * Without it devices stay off; the guest runs. */
	if (shmem_init(shmem_size()) != 0)
		klog_always("cloister: no shared memory pool; devices are off");
	ghcb_start();
	attest_secure_tsc_info();
	/* Port I/O under SNP too from here on (it needs the GHCB page). */
	pic_init();
	/* snp=emulate: #HV through the stand-in (the PIC is masked now). */
	if (snp_emulated() && snp_hv_ready())
		traps_hv_selftest();
	if (snp_active())
		time_init(boot.boot_tsc);
	lapic_start();	/* its timer's rate is measured while the boot goes on */
	uart_init();
	/* Under SNP no blind scan of low memory the launch did not validate. */
	if (!snp_active() || boot.acpi_rsdp != 0)
		acpi_init(boot.acpi_rsdp);
	crng_init();
	console_init();	/* the virtio console, when the pool and the host allow */
	if (shmem_ready())
		virtio_net_init();
	/* The TSC measurement started in time_init overlapped the above. */
	time_calibrate();
	cpu_log_features();
	stack_guard_init();
	selftest_run(boot.cmdline);
	klog("cloister: platform up at %llu us, %llu MiB free",
	    (unsigned long long)(plat_now_ns() / 1000),
	    (unsigned long long)(plat_pages_free_count() >> 8));
	if (snp_active())
		klog("snp: %llu VMGEXITs during boot",
		    (unsigned long long)snp_vmgexit_count());
	cloister_main();
}
