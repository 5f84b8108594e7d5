/*
 * platform_start: the one C entry both boot paths end in.  Brings the
 * machine up in dependency order, then hands over to the kernel.
 *
 * Compiled without the stack protector: the canary is chosen here.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define LOW_RESERVED_END	0x100000ull	/* BIOS, IVT, EBDA */

/* The top of the stack (shim/main.c): the one upward call, at the end. */
extern void cloister_main(void) __attribute__((noreturn));

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

static void
early_cpu(void)
{
	uint64_t ist[8] = { 0 };

	for (int i = 1; i <= 4; i++)
		ist[i] = (uint64_t)boot_stacks[i].stack + KSTACK_SIZE;
	arch_cpu_init();
	arch_gdt_init(ist);
	arch_percpu_init(&percpu0);
	pic_init();
	traps_init();
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

static void
early_memory(void)
{
	struct mem_range excl[2 + BOOT_MODULES_MAX];
	struct memmap_report rep;
	int nexcl = 0, n;

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
	vmm_init(&boot, usable, n, 0);
	if (pmm_init(usable, n, DMAP_BASE) != 0) {
		klog_always("cloister: page allocator could not start");
		plat_exit(PLAT_EXIT_NOMEM);
	}
	vmm_use_pmm();
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
	time_init(boot.boot_tsc);
	early_cpu();
	if (cmdline_has_option(boot.cmdline, "quiet"))
		plat_set_loglevel(0);
	klog("cloister: booting (%s)",
	    boot.source == BOOT_SRC_UEFI ? "UEFI" : "multiboot1");
	early_memory();
	uart_init();
	acpi_init(boot.acpi_rsdp);
	crng_init();
	/* Host-visible memory for devices and the GHCB: one pool, set up
	 * before any device.  Without it devices stay off; the guest runs. */
	if (shmem_init(SHMEM_DEFAULT_BYTES) != 0)
		klog_always("cloister: no shared memory pool; devices are off");
	/* The TSC measurement started in time_init overlapped the above. */
	time_calibrate();
	cpu_log_features();
	stack_guard_init();
	selftest_run(boot.cmdline);
	klog("cloister: platform up at %llu us, %llu MiB free",
	    (unsigned long long)(plat_now_ns() / 1000),
	    (unsigned long long)(plat_pages_free_count() >> 8));
	cloister_main();
}
