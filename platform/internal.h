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
extern struct static_stack boot_stacks[6];	/* [0] boot, [1..5] IST */


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

/* The pool's size: room for the GHCB page and the console, plus a NIC's
 * rings and buffers when there is RAM to spare (shmem_size). */
#define SHMEM_DEFAULT_BYTES	(256 * 1024ull)
#define SHMEM_NIC_BYTES		(2 * (VIRTQ_RING_BYTES + 128 * 2048ull))
#define SHMEM_NIC_MIN_RAM	(64ull << 20)

/* Take the pool from pmm, convert it to shared (SNP), map it.  Once. */
int shmem_init(uint64_t bytes);

/* attest.c: under Secure TSC, MSG_TSC_INFO once at boot (or terminate). */
void attest_secure_tsc_info(void);
/* Is the pool up?  (Devices come up only with it.) */
bool shmem_ready(void);
/* Zeroed, page-aligned run of len bytes rounded up; -ENOMEM when full. */
int shmem_alloc(uint64_t len, struct shared_region *out);
/* Scrub and return a run (panics on a region the pool never gave out). */
void shmem_free(struct shared_region *r);
/* Bounce copies; -EINVAL when [off, off+n) is outside the region. */
int shmem_copy_in(struct shared_region *r, uint64_t off, const void *src,
    size_t n);
int shmem_copy_out(void *dst, const struct shared_region *r, uint64_t off,
    size_t n);
/*
 * One 16-bit word the other side updates while we look (a virtqueue
 * index or flags word): a single aligned access, never torn into bytes
 * as a copy may be.  An offset out of bounds or odd reads 0 and writes
 * nothing.
 */
uint16_t shmem_load16(const struct shared_region *r, uint64_t off);
void shmem_store16(struct shared_region *r, uint64_t off, uint16_t v);
/* Does [pa, pa+len) lie inside the pool?  (checks device addresses) */
bool shmem_contains(uint64_t pa, uint64_t len);

/* ---- PCI configuration space (platform/pci.c) ---- */

/*
 * Configuration mechanism #1 (ports 0xcf8/0xcfc, through arch/io.c so
 * that it works under SNP).  Offsets are checked: an access outside the
 * 256-byte space or misaligned reads all ones and writes nothing.
 */
struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint64_t bar_pa[6];	/* memory BARs (64-bit ones in the low slot) */
	uint64_t bar_len[6];	/* 0: absent, I/O, or not assigned */
};

uint32_t pci_cfg_read32(const struct pci_dev *d, unsigned off);
uint16_t pci_cfg_read16(const struct pci_dev *d, unsigned off);
uint8_t pci_cfg_read8(const struct pci_dev *d, unsigned off);
void pci_cfg_write32(const struct pci_dev *d, unsigned off, uint32_t v);
void pci_cfg_write16(const struct pci_dev *d, unsigned off, uint16_t v);
/* Find the first function with vendor:device; 0 or -ENODEV.  Fills the
 * BARs (sized with decoding off). */
int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out);
/* Capability list walk: the config offset of the next capability with id
 * after 'from' (0: from the start), or 0.  Bounded against loops. */
unsigned pci_cap_next(const struct pci_dev *d, uint8_t id, unsigned from);

#define PCI_COMMAND		0x04
#define PCI_COMMAND_IO		(1u << 0)
#define PCI_COMMAND_MEM		(1u << 1)
#define PCI_COMMAND_MASTER	(1u << 2)
#define PCI_COMMAND_INTX_OFF	(1u << 10)
#define PCI_CAP_MSIX		0x11
#define PCI_CAP_VENDOR		0x09

/* ---- Split virtqueues (platform/virtq.c) ---- */

/*
 * Virtio 1.1 section 2.6 (split virtqueues), one fixed buffer per
 * descriptor: descriptor i always points at buffer i of 'bufs', so the
 * driver never reads a descriptor back.  Both the ring and the buffers
 * live in the shared pool.  Everything the device writes (the used ring)
 * is copied out and checked: an index that runs ahead of what was posted,
 * an id not posted, or a length longer than the buffer marks the queue
 * broken and is reported as -EIO.
 */
#define VIRTQ_MAX	256		/* descriptors per queue */
#define VIRTQ_DESC_OFF	0		/* the three parts, a page each */
#define VIRTQ_AVAIL_OFF	4096
#define VIRTQ_USED_OFF	8192
#define VIRTQ_RING_BYTES 12288

struct virtq_desc {			/* 2.6.5 */
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc");
#define VIRTQ_DESC_F_WRITE	2	/* device writes (else reads) */

struct virtq_used_elem {		/* 2.6.8 */
	uint32_t id;
	uint32_t len;
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem");
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

struct virtq {
	struct shared_region ring;
	struct shared_region bufs;
	uint16_t size;			/* power of two, <= VIRTQ_MAX */
	uint32_t buf_len;
	bool device_writes;
	bool broken;
	uint16_t avail_idx;		/* our copy: never read back */
	uint16_t used_idx;		/* next used entry to consume */
	uint16_t posted;		/* buffers the device holds */
	uint8_t held[VIRTQ_MAX / 8];	/* which ids the device holds */
};

/* Allocate ring and buffers from the pool, fill the descriptors. */
int virtq_init(struct virtq *q, uint16_t size, uint32_t buf_len,
    bool device_writes);
void virtq_free(struct virtq *q);
/* Hand buffer id (holding len bytes for the device) to the device. */
int virtq_post(struct virtq *q, uint16_t id, uint32_t len);
/*
 * The next used buffer: 1 with *id and *len set, 0 when there is none,
 * -EIO when the device lied (the queue is then broken for good; why says
 * how, for the log).
 */
int virtq_next_used(struct virtq *q, uint16_t *id, uint32_t *len,
    const char **why);
/* Ask the device not to interrupt for this queue (a hint, 2.6.7). */
void virtq_no_interrupts(struct virtq *q);
bool virtq_wants_notify(const struct virtq *q);
/* Offset of buffer id inside q->bufs. */
static inline uint64_t
virtq_buf_off(const struct virtq *q, uint16_t id)
{
	return (uint64_t)id * q->buf_len;
}

/* ---- virtio PCI capabilities (platform/virtio_cap.c) ---- */

/* Virtio 1.1 section 4.1.4: struct virtio_pci_cap, as read from config
 * space (and the notify multiplier after it for VIRTIO_PCI_CAP_NOTIFY). */
#define VIRTIO_PCI_CAP_COMMON	1
#define VIRTIO_PCI_CAP_NOTIFY	2
#define VIRTIO_PCI_CAP_ISR	3
#define VIRTIO_PCI_CAP_DEVICE	4
#define VIRTIO_PCI_CAP_LEN	16	/* bytes of struct virtio_pci_cap */
#define VIRTIO_PCI_NOTIFY_LEN	20	/* ... plus notify_off_multiplier */

struct virtio_cap {
	uint8_t type;
	uint8_t bar;
	uint64_t offset;	/* inside the BAR */
	uint64_t length;
	uint32_t notify_mult;	/* notify capability only */
};

/*
 * Decode one vendor capability (raw[] is its bytes from config space,
 * n of them) and check it against the device's memory BARs: the BAR
 * must exist and [offset, offset+length) lie inside it, with at least
 * the size the type needs.  0, or -EINVAL with *why set.
 */
int virtio_cap_parse(const uint8_t *raw, unsigned n, const uint64_t bar_len[6],
    struct virtio_cap *out, const char **why);
/* Minimum lengths of the windows Cloister uses. */
#define VIRTIO_COMMON_CFG_LEN	56	/* 4.1.4.3 */
#define VIRTIO_NET_CFG_LEN	8	/* mac + status, 5.1.4 */

/* ---- virtio-net frames on two virtqueues (platform/vnet.c) ---- */

/*
 * Virtio 1.1 section 5.1: with VIRTIO_F_VERSION_1 every buffer starts
 * with the 12-byte struct virtio_net_hdr (num_buffers included).  No
 * offloads are negotiated, so the header we send is all zeros and the one
 * we receive is ignored.
 */
#define VNET_HDR_LEN	12
#define VNET_BUF_LEN	2048		/* header + the largest frame */
#define VNET_RX_SIZE	128
#define VNET_TX_SIZE	128

struct vnet_rings {
	struct virtq rx, tx;
	uint16_t tx_free[VIRTQ_MAX];	/* stack of idle tx buffer ids */
	uint16_t tx_nfree;
	uint16_t tx_unkicked;		/* frames queued, doorbell not rung */
	uint64_t tx_unkicked_since;	/* when the first of them was */
	uint64_t rx_dropped;		/* runts, oversized frames */
};

/* Allocate both queues and post every receive buffer. */
int vnet_rings_init(struct vnet_rings *r);
void vnet_rings_free(struct vnet_rings *r);
/*
 * Take one received frame: copy up to len bytes of it to buf and return
 * the frame's length, or -EAGAIN (nothing), or -EIO (the device lied;
 * *why says how).  The buffer goes back to the device at once; *repost
 * is set when the device should be notified.
 */
long vnet_rx(struct vnet_rings *r, void *buf, size_t len, bool *repost,
    const char **why);
/*
 * Queue one frame (PLAT_NET_FRAME_MIN..PLAT_NET_FRAME_MAX bytes) for
 * sending after reclaiming what the device finished: 0 (notify the
 * device), -EAGAIN (all buffers in flight), -EINVAL, -EIO (a lie).
 */
int vnet_tx(struct vnet_rings *r, const void *frame, size_t len,
    const char **why);
/* Collect finished transmit buffers: 1 if none is left with the device,
 * 0 if some are, -EIO (a lie). */
int vnet_tx_done(struct vnet_rings *r, const char **why);
/*
 * The transmit doorbell is deferred: each notification is a trap into the
 * hypervisor, and under QEMU one that waits for its main loop.  Frames
 * queued by vnet_tx wait for it until the CPU is about to idle or a
 * thread blocks, a socket call finds the oldest VNET_KICK_AGE_NS old, the
 * timer sees it VNET_KICK_MAX_NS old (a thread that computes after
 * sending), VNET_KICK_BATCH are waiting or no buffer is left.
 */
#define VNET_KICK_BATCH		32
#define VNET_KICK_AGE_NS	100000ull
#define VNET_KICK_MAX_NS	5000000ull
enum vnet_kick { VNET_KICK_LATER, VNET_KICK_ARM, VNET_KICK_NOW };
/*
 * Note a frame vnet_tx queued at now: VNET_KICK_NOW (ring the doorbell:
 * vnet_tx_kick_due then says so), VNET_KICK_ARM (the first one waiting:
 * arm the timer for now + VNET_KICK_MAX_NS) or VNET_KICK_LATER.
 */
enum vnet_kick vnet_tx_queued(struct vnet_rings *r, uint64_t now);
/*
 * Ring the doorbell now?  True when frames wait and force is set, the
 * oldest has waited VNET_KICK_AGE_NS, a batch is full or no transmit
 * buffer is left; they then count as announced.
 */
bool vnet_tx_kick_due(struct vnet_rings *r, uint64_t now, bool force);

/* Find and start the virtio-net NIC, if there is one (virtio_net.c). */
void virtio_net_init(void);
/* Ring the transmit doorbell if frames wait for it (idle, timer). */
void virtio_net_kick(void);
/* Call virtio_net_kick from the timer at deadline_ns at the latest. */
void thread_io_due(uint64_t deadline_ns);
/* The SNP secrets page the firmware named (physical), 0 if none. */
uint64_t boot_snp_secrets_pa(void);

/* ---- Early facilities ---- */

void uart_init(void);
void uart_write(const char *s, size_t len);
/*
 * The console's receive buffer (platform/uart.c), filled by the UART or
 * the virtio console with interrupts off: room for up to n more bytes,
 * put (returns how many it took), and the kernel's notification.
 */
size_t console_rx_room(size_t n);
size_t console_rx_put(const uint8_t *p, size_t n);
void console_rx_notify(void);
/* The virtio console (platform/vcon.c), used when present. */
void console_init(void);
/* A line from the console's control channel (platform/ctlmsg.c). */
struct ctlmsg {
	enum { CTL_NONE, CTL_EOF, CTL_WINSIZE } kind;
	uint64_t total;			/* CTL_EOF: bytes in all */
	uint16_t rows, cols;		/* CTL_WINSIZE: 1..65535 each */
};
void ctlmsg_parse(const char *line, size_t len, struct ctlmsg *m);
bool vcon_init(void);
bool vcon_active(void);
void vcon_write(const void *buf, size_t len);
bool vcon_rx_drain(void);
void time_init(uint64_t boot_tsc);
/* Finish the TSC calibration time_init began (once, before timestamps). */
void time_calibrate(void);
/* The one function that changes the TSC rate (interrupts off). */
void time_set_tsc_hz(uint64_t hz);
/* The background refinement of the rate: its deadline (monotonic ns, 0:
 * none pending), and the step the timer interrupt runs (platform/lapic.c). */
uint64_t time_refine_deadline(void);
void time_refine(void);
const char *time_source(void);
uint64_t time_uncertainty_ppm(void);
void traps_init(void);
void traps_hv_start(void);
void traps_hv_selftest(void);	/* snp=emulate */
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
void lapic_start(void);
bool lapic_init(void);
void lapic_arm(uint64_t deadline_ns);
void lapic_eoi(void);
void lapic_eoi_device(void);
void lapic_msi(uint8_t vector, uint64_t *addr, uint32_t *data);
void percpu_set_kernel_stack(uint64_t top);
/* Is word one of the kernel options, before "--" (platform/start.c)? */
bool boot_has_option(const char *word);
/*
 * Map the kernel page kpage at user address va (read-only prot): it
 * stays the platform's, unmapping does not free it (platform/user.c).
 */
int user_map_lent(uint64_t va, const void *kpage, unsigned prot);
/*
 * Map the page kpage (from plat_pages_alloc, kept by the caller for
 * good) at va copy-on-write, taking a reference as a fork does: many
 * spaces share it, a write gives the writer its own copy, and an unmap
 * drops the reference.  -ENOENT until the first fork made the
 * reference counts (the caller copies the page instead), -ENOMEM when
 * its count is full.
 */
int user_map_shared(uint64_t va, void *kpage, unsigned prot);
/* The kernel's reclaim upcall, for plat_pages_alloc (platform/pages.c). */
void pages_set_reclaim(uint64_t (*fn)(void));
/* Free the empty page tables user.c still keeps for reuse (at exit). */
void user_prune_all(void);
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

/* ACPI: the S5 sleep type and PM1 control ports, read at first use
 * (platform/acpi.c); acpi_init only keeps the RSDP hint. */
void acpi_init(uint64_t rsdp_hint);
void acpi_poweroff(void);

/* Deliberate faults for the tests (platform/selftest.c). */
void selftest_run(const char *cmdline);

#endif
