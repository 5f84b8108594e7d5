/*
 * platform/internal.h: what platform/ files share among themselves.
 * Never included from another folder (tests/unit excepted).
 */
#ifndef PLATFORM_INTERNAL_H
#define PLATFORM_INTERNAL_H

#include "platform/platform.h"
#include "boot/boot_info.h"

/* Half-open physical range [start, end). */
struct mem_range {
	uint64_t start;
	uint64_t end;
};

#define MEMMAP_MAX_RANGES	256
#define PHYS_ADDR_MAX		(1ull << 52)	/* architectural limit */

/* What memmap_usable() had to repair, for the boot log and for tests. */
struct memmap_report {
	uint32_t clamped_count;		/* mmap_count above BOOT_MMAP_MAX */
	uint32_t zero_length;		/* entries with len == 0 */
	uint32_t wrapped;		/* base + len overflowed or past 2^52 */
	uint32_t unaligned;		/* usable entries trimmed to pages */
	uint32_t overlaps;		/* usable overlapped by non-usable */
	uint32_t dropped;		/* ranges lost because out[] was full */
	uint64_t usable_bytes;		/* total of the result */
};

/*
 * memmap_usable: turn a firmware memory map (possibly unsorted,
 * overlapping, unaligned, zero-length or wrapping) into sorted, disjoint,
 * page-aligned ranges of RAM that are safe to hand out.  A byte is usable
 * only if some entry says BOOT_MEM_USABLE and no entry of another type
 * covers it, and it lies in none of the exclude[] ranges (kernel image,
 * boot modules, the first 1 MiB...).  Returns the number of ranges written
 * to out (at most max); never fails.  rep may be NULL.
 */
int memmap_usable(const struct boot_mem_region *map, uint32_t count,
    const struct mem_range *exclude, int nexclude,
    struct mem_range *out, int max, struct memmap_report *rep);

/*
 * Buddy page allocator over physical memory (platform/pmm.c).
 *
 * pmm_init takes the usable ranges and the offset at which physical memory
 * is mapped (virtual = phys + dmap_offset); it carves its own metadata out
 * of the ranges.  Blocks are 2^order pages (order <= PMM_MAX_ORDER),
 * naturally aligned, coalesced on free.  pmm_alloc returns the physical
 * address or PMM_NONE.  pmm_free panics on a double free or a block that
 * was never handed out (a kernel invariant).
 */
#define PMM_MAX_ORDER	18		/* 1 GiB blocks */
#define PMM_NONE	(~0ull)

int pmm_init(const struct mem_range *ranges, int n, uint64_t dmap_offset);
uint64_t pmm_alloc(unsigned order);
void pmm_free(uint64_t phys, unsigned order);
uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);
/* The page numbers the allocator covers: [*base, *base + *n). */
void pmm_span(uint64_t *base, uint64_t *n);

/* ---- Virtual memory layout ---- */

#define KERNEL_VBASE	0xffffffff80000000ull	/* image: phys + this */
#define DMAP_BASE	0xffff800000000000ull	/* all RAM: phys + this */
#define KSTACK_BASE	0xffffc00000000000ull	/* kernel stacks + guards */
#define KSTACK_SLOT	(64 * 1024ull)		/* per stack, incl. guard */
#define KSTACK_SIZE	(16 * 1024ull)
#define MMIO_BASE	0xffffd00000000000ull	/* device windows */
#define SHMEM_BASE	0xffffd80000000000ull	/* the shared pool */

static inline void *
phys_to_virt(uint64_t pa)
{
	return (void *)(pa + DMAP_BASE);
}

static inline uint64_t
virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	return v >= KERNEL_VBASE ? v - KERNEL_VBASE : v - DMAP_BASE;
}

/* ---- platform/vmm.c ---- */

/* Static stacks in the image: [0] boot, [1..4] IST; guard page below each. */
struct static_stack {
	uint8_t guard[PAGE_SIZE];
	uint8_t stack[KSTACK_SIZE];
} __attribute__((aligned(4096)));
extern struct static_stack boot_stacks[5];


/*
 * Build the kernel's own page tables (image with per-section permissions,
 * direct map of RAM, guard pages) and switch to them.  ranges are the
 * usable RAM ranges; pages for the tables are taken from their low end
 * (the ranges are updated).  enc_mask is the C-bit (0 when not SEV).
 */
void vmm_init(const struct boot_info *bi, struct mem_range *ranges, int n,
    uint64_t enc_mask);
/* Map an MMIO window uncached; returns its kernel address or NULL. */
void *vmm_map_mmio(uint64_t phys, uint64_t size);
/* Map firmware tables (ACPI) read-only and private; NULL if not possible. */
void *vmm_map_firmware(uint64_t phys, uint64_t size);
/* A kernel stack with an unmapped guard page below it: returns its top. */
uint64_t vmm_stack_alloc(void);
void vmm_stack_free(uint64_t top);
/* The page-table context of the (single) address space. */
struct pt_ctx;
struct pt_ctx *vmm_ctx(void);
void vmm_flush(uint64_t va);
/* Is va a kernel guard page?  (for fault reports) */
bool vmm_is_guard(uint64_t va);
/* Switch table allocation from the boot bump allocator to pmm. */
void vmm_use_pmm(void);
/* Map [pa, pa+size) at va without the encryption mask (host-visible). */
int vmm_map_shared(uint64_t pa, uint64_t size, uint64_t va);
/* Is [pa, pa+len) inside the direct map? */
bool dmap_covers(uint64_t pa, uint64_t len);

/* ---- The shared-memory pool (platform/shmem.c) ---- */

/*
 * A run of host-visible pages.  The host may change va[] at any time:
 * copy in and out with shmem_copy_in/out, check what was copied, and
 * never parse it in place.  pa is what a device or the hypervisor is told.
 */
struct shared_region {
	volatile uint8_t *va;
	uint64_t pa;
	uint64_t len;		/* bytes, a multiple of PAGE_SIZE */
};

/* The pool's size: room for the GHCB page, the console and a NIC. */
#define SHMEM_DEFAULT_BYTES	(256 * 1024ull)

/* Take the pool from pmm, convert it to shared (SNP), map it.  Once. */
int shmem_init(uint64_t bytes);
/* Zeroed, page-aligned run of len bytes rounded up; -ENOMEM when full. */
int shmem_alloc(uint64_t len, struct shared_region *out);
/* Scrub and return a run (panics on a region the pool never gave out). */
void shmem_free(struct shared_region *r);
/* Bounce copies; -EINVAL when [off, off+n) is outside the region. */
int shmem_copy_in(struct shared_region *r, uint64_t off, const void *src,
    size_t n);
int shmem_copy_out(void *dst, const struct shared_region *r, uint64_t off,
    size_t n);
/* Does [pa, pa+len) lie inside the pool?  (checks device addresses) */
bool shmem_contains(uint64_t pa, uint64_t len);

/* ---- Early facilities ---- */

void uart_init(void);
void uart_write(const char *s, size_t len);
void time_init(uint64_t boot_tsc);
/* Finish the TSC calibration time_init began (once, before timestamps). */
void time_calibrate(void);
const char *time_source(void);
uint64_t time_uncertainty_ppm(void);
void traps_init(void);
/* Run the kernel's alarm upcall (from the timer interrupt). */
void traps_alarm(void);
/* ---- The scheduler's queues (platform/sched_queue.c) ---- */

#define SQ_BUCKETS	64

struct sched_node {
	struct sched_node *next;		/* run queue */
	const uint32_t *wait_word;		/* NULL: not waiting */
	struct sched_node *wprev, *wnext;	/* wait bucket */
	uint64_t deadline;			/* 0: not sleeping */
	struct sched_node *sprev, *snext;	/* sleepers by deadline */
};

struct sched_queues {
	struct sched_node *run_head, *run_tail;
	struct sched_node *buckets[SQ_BUCKETS];
	struct sched_node *sleepers;		/* earliest deadline first */
};

void sq_run_push(struct sched_queues *q, struct sched_node *n);
struct sched_node *sq_run_pop(struct sched_queues *q);
/* The first node of word's bucket (others' words share it: check). */
struct sched_node *sq_wait_bucket(const struct sched_queues *q,
    const uint32_t *word);
void sq_wait_insert(struct sched_queues *q, struct sched_node *n,
    const uint32_t *word);
void sq_wait_remove(struct sched_queues *q, struct sched_node *n);
void sq_sleep_insert(struct sched_queues *q, struct sched_node *n,
    uint64_t deadline);
void sq_sleep_remove(struct sched_queues *q, struct sched_node *n);
struct sched_node *sq_sleep_expired(const struct sched_queues *q,
    uint64_t now);

/* Legacy PICs: remapped to VEC_IRQ_BASE, all masked (platform/pic.c). */
void pic_init(void);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
/* Local APIC timer (platform/lapic.c). */
bool lapic_init(void);
void lapic_arm(uint64_t deadline_ns);
void lapic_eoi(void);
void percpu_set_kernel_stack(uint64_t top);
/*
 * Map the kernel page kpage at user address va (read-only prot): it
 * stays the platform's, unmapping does not free it (platform/user.c).
 */
int user_map_lent(uint64_t va, const void *kpage, unsigned prot);
/* Load as (NULL: the boot address space) into CR3 unless it is loaded. */
void user_as_load(struct plat_as *as);
/* selftest=cow: NULL or what failed; *leaked pages kept by the cycles. */
const char *user_selftest_cow(unsigned cycles, int64_t *leaked);
/*
 * Publish the clock to the vDSO (platform/vclock.c): monotonic ns =
 * ns_base + ((tsc - tsc_base) * mult_q32 >> 32), realtime = that +
 * wall_ns, exactly as plat_now_ns() and plat_wallclock_ns() compute.
 * Call whenever one of them changes.  Any context.
 */
void vclock_publish(uint64_t tsc_base, uint64_t ns_base, uint64_t mult_q32,
    uint64_t wall_ns);
/* The current thread's user_return request is being served. */
void thread_user_work_clear(void);
void thread_tls_record(int which, uint64_t base);
void crng_init(void);
/* ChaCha20 block function (platform/chacha20.c). */
void chacha20_block(const uint32_t k[8], uint64_t ctr, uint32_t nonce_hi,
    uint32_t out[16]);
void cpu_log_features(void);

/* Dump a trap frame, a backtrace, and exit with PLAT_EXIT_PANIC. */
struct trap_frame;
void panic_frame(const char *why, const struct trap_frame *f)
	__attribute__((noreturn));
/* Symbolize a kernel address: name and offset, or NULL. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* ACPI: find the S5 sleep type and PM1 control ports (platform/acpi.c). */
void acpi_init(uint64_t rsdp_hint);
void acpi_poweroff(void);

/* Deliberate faults for the tests (platform/selftest.c). */
void selftest_run(const char *cmdline);

#endif
