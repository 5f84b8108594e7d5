/*
 * The guest console over virtio: a virtio-serial PCI device with one
 * port, number 1 (QEMU's virtio-serial-pci + virtserialport,nr=1), used
 * when the host offers one; the UART (platform/uart.c) stays for early
 * boot, for hosts without the device, and for its COM2 control channel.
 *
 * Why: a 16550 moves one byte per port access and QEMU writes each byte
 * to the host with its own system call, which caps the console at a few
 * hundred KB/s under TCG.  Here a write is one copy into a shared buffer
 * and one notification per 16 KiB, and input arrives in 4 KiB buffers.
 *
 * The legacy virtio-PCI interface (virtio 1.2, 4.1.4.8 "Legacy
 * Interfaces: A Note on PCI Device Layout"): registers in I/O BAR 0,
 * split virtqueues at a page frame number (2.7 "Split Virtqueues",
 * legacy layout in 2.7.2 "Legacy Interfaces: A Note on Virtqueue
 * Layout").  Feature MULTIPORT (5.3.6.2 "Multiport Device Operation"):
 * a generic port, unlike QEMU's console port 0 (virtconsole), makes the
 * host hold output back while its side is full; a console port drops
 * it.  Queues (5.3.2): 2 and 3 carry control messages, 4 and 5 port 1's
 * input and output.  At start the driver says DEVICE_READY, then
 * PORT_READY and PORT_OPEN for port 1; later control messages from the
 * host (port added, opened, named) need no action and are only taken.
 *
 * The host is untrusted: every ring, index and buffer is in the shared
 * pool (platform/shmem.c), read once, and checked (a used id past the
 * ring, a length past the buffer) before use; a bad value turns the
 * device off and the console falls back to the UART.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define VIRTIO_VENDOR	0x1af4
#define VIRTIO_CONSOLE_LEGACY	0x1003	/* transitional device ID */
#define PCI_BAR0	0x10
#define PCI_INTR_LINE	0x3c

/* Legacy registers, offsets in BAR 0. */
#define VL_GUEST_FEATURES	0x04
#define VL_QUEUE_PFN		0x08
#define VL_QUEUE_SIZE		0x0c
#define VL_QUEUE_SELECT		0x0e
#define VL_QUEUE_NOTIFY		0x10
#define VL_STATUS		0x12
#define VL_ISR			0x13
#define ST_ACK		1
#define ST_DRIVER	2
#define ST_DRIVER_OK	4
#define ST_FAILED	128

#define VL_HOST_FEATURES	0x00
#define F_MULTIPORT	(1u << 1)

#define VRING_DESC_F_WRITE	2
#define VRING_AVAIL_F_NO_INTERRUPT	1
#define VQ_MAX		256		/* larger queues are not used */
#define CTRL_RXQ	2
#define CTRL_TXQ	3
#define PORT		1
#define RXQ		(2 * PORT + 2)
#define TXQ		(2 * PORT + 3)
#define RX_BUFS		4
#define RX_BUF_SIZE	4096
#define TX_BUF_SIZE	16384
#define CTRL_BUFS	8

/* 5.3.6.2: struct virtio_console_control. */
struct vcon_ctrl {
	uint32_t id;
	uint16_t event;
	uint16_t value;
};
_Static_assert(sizeof(struct vcon_ctrl) == 8, "virtio_console_control");
#define EV_DEVICE_READY	0
#define EV_PORT_READY	3
#define EV_PORT_OPEN	6

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct vring_desc) == 16, "virtq_desc");

struct vq {
	struct shared_region mem;
	uint16_t size;
	volatile struct vring_desc *desc;
	volatile uint16_t *avail;	/* flags, idx, ring[size] */
	volatile uint8_t *used;		/* flags, idx, {id, len}[size] */
	uint16_t avail_idx, used_seen;
};

static uint16_t io;			/* BAR 0; 0: no device */
static bool vcon_on;
static struct vq rxq, txq, crxq, ctxq;
static struct shared_region rxbuf, txbuf, cbuf;	/* cbuf: CTRL_BUFS in, 1 out */
/* A used receive buffer not yet wholly taken: its id, length, offset. */
static bool rx_held;
static uint16_t rx_held_id;
static uint32_t rx_held_len, rx_held_off;

static void vcon_fail(const char *why);

static uint16_t
used_idx(const struct vq *q)
{
	return *(volatile uint16_t *)(q->used + 2);
}

/* Used ring entry i: id and length, copied out once. */
static void
used_elem(const struct vq *q, uint16_t i, uint32_t *id, uint32_t *len)
{
	volatile uint32_t *e = (volatile uint32_t *)(q->used + 4 +
	    8 * (i % q->size));

	*id = e[0];
	*len = e[1];
}

static void
vq_publish(struct vq *q, uint16_t desc, uint16_t qnum)
{
	q->avail[2 + q->avail_idx % q->size] = desc;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->avail_idx++;
	q->avail[1] = q->avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	arch_outw(io + VL_QUEUE_NOTIFY, qnum);
}

/* Set up queue qnum: size from the device, rings in the shared pool. */
static int
vq_init(struct vq *q, uint16_t qnum)
{
	uint64_t avail_end, used_off, bytes;

	arch_outw(io + VL_QUEUE_SELECT, qnum);
	q->size = arch_inw(io + VL_QUEUE_SIZE);
	if (q->size == 0 || q->size > VQ_MAX || (q->size & (q->size - 1)))
		return -ENODEV;
	avail_end = 16ull * q->size + 6 + 2ull * q->size;
	used_off = PAGE_ALIGN_UP(avail_end);
	bytes = used_off + PAGE_ALIGN_UP(6 + 8ull * q->size);
	if (shmem_alloc(bytes, &q->mem) != 0)
		return -ENOMEM;
	q->desc = (volatile struct vring_desc *)q->mem.va;
	q->avail = (volatile uint16_t *)(q->mem.va + 16ull * q->size);
	q->used = q->mem.va + used_off;
	arch_outl(io + VL_QUEUE_PFN, (uint32_t)(q->mem.pa / PAGE_SIZE));
	return 0;
}

/*
 * Hand [pa, pa + n) to the host on the transmit queue q (number qnum),
 * one descriptor, and wait until the host has used it: a host whose
 * side is full holds it back, so this waits as long as the host does.
 * False if the host's answer makes no sense (the device is then off).
 */
static bool
vq_send(struct vq *q, uint16_t qnum, uint64_t pa, uint32_t n)
{
	uint32_t id, ulen;

	q->desc[0].addr = pa;
	q->desc[0].len = n;
	q->desc[0].flags = 0;
	q->desc[0].next = 0;
	vq_publish(q, 0, qnum);
	while (used_idx(q) == q->used_seen)
		__builtin_ia32_pause();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	used_elem(q, q->used_seen, &id, &ulen);
	q->used_seen++;
	return id == 0 && used_idx(q) == q->used_seen;
}

/* A control message to the host (5.3.6.2). */
static bool
ctrl_send(uint32_t port, uint16_t event, uint16_t value)
{
	struct vcon_ctrl m = { .id = port, .event = event, .value = value };
	uint64_t off = CTRL_BUFS * sizeof(m);

	shmem_copy_in(&cbuf, off, &m, sizeof(m));
	return vq_send(&ctxq, CTRL_TXQ, cbuf.pa + off, sizeof(m));
}

/* Give control buffer i back to the host. */
static void
ctrl_post(uint16_t i)
{
	crxq.desc[i].addr = cbuf.pa + (uint64_t)i * sizeof(struct vcon_ctrl);
	crxq.desc[i].len = sizeof(struct vcon_ctrl);
	crxq.desc[i].flags = VRING_DESC_F_WRITE;
	crxq.desc[i].next = 0;
	vq_publish(&crxq, i, CTRL_RXQ);
}

/*
 * Take the host's control messages: none needs an answer once port 1
 * is open, so each buffer goes straight back (a bad id turns the device
 * off).  Interrupts are off.
 */
static void
ctrl_drain(void)
{
	uint32_t id, len;

	while (vcon_on && used_idx(&crxq) != crxq.used_seen) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		used_elem(&crxq, crxq.used_seen, &id, &len);
		crxq.used_seen++;
		if (id >= CTRL_BUFS) {
			vcon_fail("bad control entry from the host");
			return;
		}
		ctrl_post((uint16_t)id);
	}
}

/* Give receive buffer i back to the host. */
static void
rx_post(uint16_t i)
{
	rxq.desc[i].addr = rxbuf.pa + (uint64_t)i * RX_BUF_SIZE;
	rxq.desc[i].len = RX_BUF_SIZE;
	rxq.desc[i].flags = VRING_DESC_F_WRITE;
	rxq.desc[i].next = 0;
	vq_publish(&rxq, i, RXQ);
}

static void
vcon_fail(const char *why)
{
	vcon_on = false;
	arch_outb(io + VL_STATUS, ST_FAILED);
	klog_always("vcon: %s; the console falls back to the UART", why);
}

/*
 * Move received bytes into the console's buffer (platform/uart.c) while
 * it has room; a buffer is posted again only once it was wholly taken,
 * so a full console holds the host back and nothing is lost.
 * Interrupts are off.  True if any byte moved.
 */
bool
vcon_rx_drain(void)
{
	uint8_t chunk[256];
	uint32_t id, len;
	size_t n, took;
	bool any = false;

	while (vcon_on) {
		if (!rx_held) {
			if (used_idx(&rxq) == rxq.used_seen)
				break;
			__atomic_thread_fence(__ATOMIC_SEQ_CST);
			used_elem(&rxq, rxq.used_seen, &id, &len);
			rxq.used_seen++;
			if (id >= RX_BUFS || len > RX_BUF_SIZE) {
				vcon_fail("bad receive entry from the host");
				break;
			}
			rx_held = true;
			rx_held_id = (uint16_t)id;
			rx_held_len = len;
			rx_held_off = 0;
		}
		while (rx_held_off < rx_held_len) {
			n = rx_held_len - rx_held_off;
			if (n > sizeof(chunk))
				n = sizeof(chunk);
			n = console_rx_room(n);
			if (n == 0)
				return any;
			shmem_copy_out(chunk, &rxbuf, (uint64_t)rx_held_id *
			    RX_BUF_SIZE + rx_held_off, n);
			took = console_rx_put(chunk, n);
			rx_held_off += (uint32_t)took;
			any = true;
		}
		rx_held = false;
		rx_post(rx_held_id);
	}
	return any;
}

static uint8_t vcon_irq_line;

static void
vcon_irq(struct trap_frame *f)
{
	(void)f;
	(void)arch_inb(io + VL_ISR);	/* reading acknowledges */
	ctrl_drain();
	if (vcon_rx_drain())
		console_rx_notify();
	pic_eoi(vcon_irq_line);
}

/* Find the device on bus 0 and bring it up; false if there is none. */
bool
vcon_init(void)
{
	struct pci_dev d;
	uint32_t bar, irq;
	bool ok;

	if (pci_find(VIRTIO_VENDOR, VIRTIO_CONSOLE_LEGACY, &d) != 0)
		return false;
	bar = pci_cfg_read32(&d, PCI_BAR0);
	irq = pci_cfg_read8(&d, PCI_INTR_LINE);
	if (!(bar & 1) || irq == 0 || irq >= 16) {
		klog("vcon: device without an I/O BAR or an IRQ; not used");
		return false;
	}
	io = (uint16_t)(bar & ~3u);
	pci_cfg_write16(&d, PCI_COMMAND, pci_cfg_read16(&d, PCI_COMMAND) |
	    PCI_COMMAND_IO | PCI_COMMAND_MASTER);
	/* 3.1.1 Driver Requirements: Device Initialization (legacy). */
	arch_outb(io + VL_STATUS, 0);
	arch_outb(io + VL_STATUS, ST_ACK);
	arch_outb(io + VL_STATUS, ST_ACK | ST_DRIVER);
	if (!(arch_inl(io + VL_HOST_FEATURES) & F_MULTIPORT)) {
		arch_outb(io + VL_STATUS, ST_FAILED);
		klog("vcon: device without MULTIPORT; not used");
		return false;
	}
	arch_outl(io + VL_GUEST_FEATURES, F_MULTIPORT);
	if (vq_init(&crxq, CTRL_RXQ) != 0 || vq_init(&ctxq, CTRL_TXQ) != 0 ||
	    vq_init(&rxq, RXQ) != 0 || vq_init(&txq, TXQ) != 0 ||
	    shmem_alloc(RX_BUFS * RX_BUF_SIZE, &rxbuf) != 0 ||
	    shmem_alloc(TX_BUF_SIZE, &txbuf) != 0 ||
	    shmem_alloc((CTRL_BUFS + 1) * sizeof(struct vcon_ctrl), &cbuf) != 0) {
		arch_outb(io + VL_STATUS, ST_FAILED);
		klog_always("vcon: no queues 2-5 or no room in the shared "
		    "pool; not used");
		return false;
	}
	txq.avail[0] = VRING_AVAIL_F_NO_INTERRUPT;	/* polled */
	ctxq.avail[0] = VRING_AVAIL_F_NO_INTERRUPT;
	vcon_irq_line = (uint8_t)irq;
	arch_set_trap_handler(VEC_IRQ_BASE + irq, vcon_irq);
	arch_outb(io + VL_STATUS, ST_ACK | ST_DRIVER | ST_DRIVER_OK);
	vcon_on = true;
	for (uint16_t i = 0; i < CTRL_BUFS; i++)
		ctrl_post(i);
	for (uint16_t i = 0; i < RX_BUFS; i++)
		rx_post(i);
	/* The host answers each on the control queue (ctrl_drain). */
	ok = ctrl_send(0, EV_DEVICE_READY, 1);
	ctrl_drain();
	ok = ok && ctrl_send(PORT, EV_PORT_READY, 1);
	ctrl_drain();
	ok = ok && ctrl_send(PORT, EV_PORT_OPEN, 1);
	ctrl_drain();
	if (!ok) {
		vcon_fail("bad control transmit entry from the host");
		return false;
	}
	pic_unmask(irq);
	klog("vcon: virtio console at io %#x, irq %u, queues %u/%u",
	    io, irq, rxq.size, txq.size);
	return true;
}

bool
vcon_active(void)
{
	return vcon_on;
}

/*
 * Send len bytes: copied into the shared buffer 16 KiB at a time, each
 * chunk one descriptor, waited for until the host has taken it.
 */
void
vcon_write(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t n;

	while (len > 0 && vcon_on) {
		n = len < TX_BUF_SIZE ? len : TX_BUF_SIZE;
		shmem_copy_in(&txbuf, 0, p, n);
		if (!vq_send(&txq, TXQ, txbuf.pa, (uint32_t)n)) {
			vcon_fail("bad transmit entry from the host");
			return;
		}
		p += n;
		len -= n;
	}
}
