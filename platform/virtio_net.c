/*
 * The NIC: a virtio 1.x (modern) network device on PCI (virtio 1.1
 * sections 3.1, 4.1 and 5.1), behind plat_net_*.
 *
 * Bring-up follows 3.1.1.  VIRTIO_F_VERSION_1 is required,
 * VIRTIO_F_ACCESS_PLATFORM is accepted when offered (the device then
 * reaches only what the driver hands it: everything is in the shared
 * pool anyway), and no offloads are negotiated.  Receive interrupts come
 * by MSI-X when the device has it; otherwise callers poll.
 *
 * The device is untrusted: the capability layout, the queue sizes and
 * notify offsets it reports, and every used-ring entry are checked
 * (virtio_cap.c, virtq.c, vnet.c).  A device caught lying is reset and
 * left off, with one log line; calls then return -ENETDOWN.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define VIRTIO_VENDOR		0x1af4
#define VIRTIO_NET_MODERN	0x1041	/* 4.1.2.1: 0x1040 + device id 1 */
#define VIRTIO_NET_TRANS	0x1000	/* transitional */
#define RX_KICK_BATCH		32	/* of VNET_RX_SIZE buffers */

/* Common configuration offsets (4.1.4.3). */
#define CC_DFSELECT	0
#define CC_DF		4
#define CC_GFSELECT	8
#define CC_GF		12
#define CC_MSIX		16
#define CC_STATUS	20
#define CC_GENERATION	21
#define CC_Q_SELECT	22
#define CC_Q_SIZE	24
#define CC_Q_MSIX	26
#define CC_Q_ENABLE	28
#define CC_Q_NOFF	30
#define CC_Q_DESC	32
#define CC_Q_DRIVER	40
#define CC_Q_DEVICE	48

/* Device status bits (2.1). */
#define ST_ACK		1
#define ST_DRIVER	2
#define ST_DRIVER_OK	4
#define ST_FEATURES_OK	8

/* Feature bits (5.1.3, 6). */
#define F_NET_MAC	(1ull << 5)
#define F_NET_STATUS	(1ull << 16)
#define F_VERSION_1	(1ull << 32)
#define F_ACCESS_PLAT	(1ull << 33)
#define NET_S_LINK_UP	1

#define NO_VECTOR	0xffff
#define RXQ		0
#define TXQ		1
#define RESET_SPIN	1000000

enum nic_state { NIC_NONE, NIC_UP, NIC_DOWN };

static struct {
	enum nic_state state;
	struct pci_dev pci;
	volatile uint8_t *common, *device;
	volatile uint8_t *notify_win;	/* the notify capability's window */
	uint64_t notify_len;
	uint32_t notify_mult;
	volatile uint8_t *notify[2];	/* per queue, inside notify_win */
	uint64_t features;
	struct vnet_rings rings;
	struct plat_net_info info;
	bool msix;
	void (*notify_fn)(void);
	unsigned rx_unkicked;		/* buffers returned, not announced */
} nic;

static uint8_t
cc_r8(unsigned off)
{
	return *(volatile uint8_t *)(nic.common + off);
}

static uint16_t
cc_r16(unsigned off)
{
	return *(volatile uint16_t *)(nic.common + off);
}

static uint32_t
cc_r32(unsigned off)
{
	return *(volatile uint32_t *)(nic.common + off);
}

static void
cc_w8(unsigned off, uint8_t v)
{
	*(volatile uint8_t *)(nic.common + off) = v;
}

static void
cc_w16(unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(nic.common + off) = v;
}

static void
cc_w32(unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(nic.common + off) = v;
}

static void
cc_w64(unsigned off, uint64_t v)
{
	cc_w32(off, (uint32_t)v);
	cc_w32(off + 4, (uint32_t)(v >> 32));
}

/* 4.1.4.3.2: reset, and wait until the device says it is done. */
static void
device_reset(void)
{
	cc_w8(CC_STATUS, 0);
	for (int i = 0; i < RESET_SPIN && cc_r8(CC_STATUS) != 0; i++)
		__asm__ volatile("pause");
}

static void
nic_disable(const char *why)
{
	if (nic.state != NIC_UP)
		return;
	nic.state = NIC_DOWN;
	device_reset();
	klog_always("virtio-net: device disabled: %s", why);
}

/* Read every vendor capability and map the windows Cloister uses. */
static int
map_windows(void)
{
	struct virtio_cap caps[5] = { 0 };
	unsigned off = 0;
	const char *why;

	while ((off = pci_cap_next(&nic.pci, PCI_CAP_VENDOR, off)) != 0) {
		uint8_t raw[VIRTIO_PCI_NOTIFY_LEN];
		struct virtio_cap c;
		unsigned n = 0;

		for (; n < sizeof(raw) && off + n < 256; n++)
			raw[n] = pci_cfg_read8(&nic.pci, off + n);
		if (raw[3] < VIRTIO_PCI_CAP_COMMON ||
		    raw[3] > VIRTIO_PCI_CAP_DEVICE || caps[raw[3]].length)
			continue;	/* 4.1.4.1: the first of each type */
		if (virtio_cap_parse(raw, n, nic.pci.bar_len, &c, &why) != 0) {
			klog_always("virtio-net: ignoring a capability: %s",
			    why);
			continue;
		}
		caps[c.type] = c;
	}
	if (caps[VIRTIO_PCI_CAP_COMMON].length == 0 ||
	    caps[VIRTIO_PCI_CAP_NOTIFY].length == 0 ||
	    caps[VIRTIO_PCI_CAP_DEVICE].length == 0) {
		klog_always("virtio-net: no usable modern (virtio 1.x) "
		    "interface");
		return -ENODEV;
	}
	for (int t = VIRTIO_PCI_CAP_COMMON; t <= VIRTIO_PCI_CAP_DEVICE; t++) {
		volatile uint8_t *w;

		if (caps[t].length == 0)
			continue;
		w = vmm_map_mmio(nic.pci.bar_pa[caps[t].bar] + caps[t].offset,
		    caps[t].length);
		if (w == NULL)
			return -ENOMEM;
		if (t == VIRTIO_PCI_CAP_COMMON)
			nic.common = w;
		else if (t == VIRTIO_PCI_CAP_DEVICE)
			nic.device = w;
		else if (t == VIRTIO_PCI_CAP_NOTIFY)
			nic.notify_win = w;
	}
	nic.notify_len = caps[VIRTIO_PCI_CAP_NOTIFY].length;
	nic.notify_mult = caps[VIRTIO_PCI_CAP_NOTIFY].notify_mult;
	return 0;
}

static void
nic_irq(struct trap_frame *f)
{
	(void)f;
	if (nic.notify_fn != NULL)
		nic.notify_fn();
	lapic_eoi_device();
}

/*
 * MSI-X (PCI 3.0, 6.8.2): one table entry, vector VEC_NET, used by the
 * receive queue.  Returns false when the device has no usable table.
 */
static bool
msix_init(void)
{
	unsigned cap = pci_cap_next(&nic.pci, PCI_CAP_MSIX, 0);
	uint32_t tbl, data;
	uint16_t ctl;
	uint64_t addr, off;
	volatile uint32_t *e;
	uint8_t bir;

	if (cap == 0)
		return false;
	ctl = pci_cfg_read16(&nic.pci, cap + 2);
	tbl = pci_cfg_read32(&nic.pci, cap + 4);
	bir = tbl & 7;
	off = tbl & ~7u;
	if (bir > 5 || nic.pci.bar_len[bir] < 16 ||
	    off > nic.pci.bar_len[bir] - 16)
		return false;
	e = vmm_map_mmio(nic.pci.bar_pa[bir] + off, 16);
	if (e == NULL)
		return false;
	lapic_msi(VEC_NET, &addr, &data);
	arch_set_trap_handler(VEC_NET, nic_irq);
	e[0] = (uint32_t)addr;
	e[1] = (uint32_t)(addr >> 32);
	e[2] = data;
	e[3] = 0;				/* unmasked */
	/* Enable, function mask off (bits 15 and 14 of Message Control). */
	pci_cfg_write16(&nic.pci, cap + 2, (ctl | 0x8000) & ~0x4000);
	return true;
}

/* Negotiate features (3.1.1 steps 4-6). */
static int
negotiate(void)
{
	uint64_t offer, want;

	cc_w32(CC_DFSELECT, 0);
	offer = cc_r32(CC_DF);
	cc_w32(CC_DFSELECT, 1);
	offer |= (uint64_t)cc_r32(CC_DF) << 32;
	if (!(offer & F_VERSION_1)) {
		klog_always("virtio-net: the device does not offer "
		    "VIRTIO_F_VERSION_1");
		return -ENODEV;
	}
	want = offer & (F_VERSION_1 | F_ACCESS_PLAT | F_NET_MAC |
	    F_NET_STATUS);
	cc_w32(CC_GFSELECT, 0);
	cc_w32(CC_GF, (uint32_t)want);
	cc_w32(CC_GFSELECT, 1);
	cc_w32(CC_GF, (uint32_t)(want >> 32));
	cc_w8(CC_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK);
	if (!(cc_r8(CC_STATUS) & ST_FEATURES_OK)) {
		klog_always("virtio-net: the device refused our features");
		return -ENODEV;
	}
	nic.features = want;
	return 0;
}

/* Set up queue q (4.1.5.1.3) on the virtq already allocated. */
static int
queue_init(uint16_t q, struct virtq *vq)
{
	uint16_t max, noff;
	uint64_t at;

	cc_w16(CC_Q_SELECT, q);
	max = cc_r16(CC_Q_SIZE);
	if (max < vq->size) {
		klog_always("virtio-net: queue %u holds %u, need %u", q, max,
		    vq->size);
		return -ENODEV;
	}
	cc_w16(CC_Q_SIZE, vq->size);
	cc_w16(CC_Q_MSIX, q == RXQ && nic.msix ? 0 : NO_VECTOR);
	if (q == RXQ && nic.msix && cc_r16(CC_Q_MSIX) != 0)
		nic.msix = false;		/* the device said no */
	cc_w64(CC_Q_DESC, vq->ring.pa + VIRTQ_DESC_OFF);
	cc_w64(CC_Q_DRIVER, vq->ring.pa + VIRTQ_AVAIL_OFF);
	cc_w64(CC_Q_DEVICE, vq->ring.pa + VIRTQ_USED_OFF);
	noff = cc_r16(CC_Q_NOFF);
	at = (uint64_t)noff * nic.notify_mult;
	if (at > nic.notify_len || nic.notify_len - at < 2) {
		klog_always("virtio-net: queue %u notify offset outside its "
		    "window", q);
		return -ENODEV;
	}
	nic.notify[q] = nic.notify_win + at;
	cc_w16(CC_Q_ENABLE, 1);
	return 0;
}

/* MAC and link status (5.1.4), read consistently (4.1.4.3.1). */
static void
read_config(void)
{
	uint8_t gen;
	int tries = 0;

	do {
		gen = cc_r8(CC_GENERATION);
		for (int i = 0; i < 6; i++)
			nic.info.mac[i] = (nic.features & F_NET_MAC) ?
			    nic.device[i] : 0;
		nic.info.link_up = !(nic.features & F_NET_STATUS) ||
		    (*(volatile uint16_t *)(nic.device + 6) & NET_S_LINK_UP);
	} while (gen != cc_r8(CC_GENERATION) && ++tries < 8);
	if (!(nic.features & F_NET_MAC)) {
		/* 5.1.5: no MAC from the device: a random local one. */
		plat_crng_fill(nic.info.mac, 6);
		nic.info.mac[0] = (nic.info.mac[0] & 0xfe) | 0x02;
	}
}

static int
bring_up(void)
{
	int rc;

	if ((rc = map_windows()) != 0)
		return rc;
	nic.info.mtu = 1500;
	pci_cfg_write16(&nic.pci, PCI_COMMAND, pci_cfg_read16(&nic.pci, PCI_COMMAND) |
	    PCI_COMMAND_MEM | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_OFF);
	device_reset();
	cc_w8(CC_STATUS, ST_ACK);
	cc_w8(CC_STATUS, ST_ACK | ST_DRIVER);
	if ((rc = negotiate()) != 0)
		return rc;
	nic.msix = msix_init();
	cc_w16(CC_MSIX, NO_VECTOR);
	if ((rc = vnet_rings_init(&nic.rings)) != 0) {
		klog_always("virtio-net: no room in the shared pool");
		return rc;
	}
	if ((rc = queue_init(RXQ, &nic.rings.rx)) != 0 ||
	    (rc = queue_init(TXQ, &nic.rings.tx)) != 0)
		return rc;
	read_config();
	cc_w8(CC_STATUS, ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK);
	*(volatile uint16_t *)nic.notify[RXQ] = RXQ;
	return 0;
}

void
virtio_net_init(void)
{
	const uint8_t *m;

	if (pci_find(VIRTIO_VENDOR, VIRTIO_NET_MODERN, &nic.pci) != 0 &&
	    pci_find(VIRTIO_VENDOR, VIRTIO_NET_TRANS, &nic.pci) != 0)
		return;
	if (bring_up() != 0) {
		if (nic.common != NULL)
			device_reset();
		klog_always("virtio-net: the NIC stays off");
		return;
	}
	nic.state = NIC_UP;
	m = nic.info.mac;
	klog("virtio-net: %02x:%02x:%02x:%02x:%02x:%02x at 00:%02x.%u, "
	    "link %s, %s%s", m[0], m[1], m[2], m[3], m[4], m[5], nic.pci.dev,
	    nic.pci.fn, nic.info.link_up ? "up" : "down",
	    nic.msix ? "MSI-X" : "polled",
	    (nic.features & F_ACCESS_PLAT) ? ", ACCESS_PLATFORM" : "");
}

static int
nic_check(void)
{
	if (nic.state == NIC_NONE)
		return -ENODEV;
	return nic.state == NIC_UP ? 0 : -ENETDOWN;
}

int
plat_net_info(struct plat_net_info *out)
{
	int rc = nic_check();

	if (rc == -ENODEV)
		return rc;
	*out = nic.info;
	if (rc != 0)
		out->link_up = false;
	else if (nic.features & F_NET_STATUS)
		out->link_up = *(volatile uint16_t *)(nic.device + 6) &
		    NET_S_LINK_UP;
	return 0;
}

/*
 * 2.6.13.4: after publishing available entries, notify the device unless
 * it said VIRTQ_USED_F_NO_NOTIFY (it is still working through the queue).
 */
static void
tx_notify(void)
{
	if (virtq_wants_notify(&nic.rings.tx))
		*(volatile uint16_t *)nic.notify[TXQ] = TXQ;
}

/*
 * The deferred doorbell (vnet.c says when): a request/response exchange
 * then costs one trap per burst of answers, not one per frame.  Called
 * by the idle loop before it halts and by the timer.
 */
void
virtio_net_kick(void)
{
	if (nic.state == NIC_UP && vnet_tx_kick_due(&nic.rings, 0, true))
		tx_notify();
}

int
plat_net_send(const void *frame, size_t len)
{
	const char *why = NULL;
	uint64_t now;
	int rc;

	if ((rc = nic_check()) != 0)
		return rc;
	rc = vnet_tx(&nic.rings, frame, len, &why);
	if (rc == -EIO) {
		nic_disable(why);
		return -ENETDOWN;
	}
	if (rc == -EAGAIN) {
		virtio_net_kick();	/* the device may not know of them */
		return rc;
	}
	if (rc != 0)
		return rc;
	now = plat_now_ns();
	switch (vnet_tx_queued(&nic.rings, now)) {
	case VNET_KICK_NOW:
		virtio_net_kick();
		break;
	case VNET_KICK_ARM:
		thread_io_due(now + VNET_KICK_MAX_NS);
		break;
	case VNET_KICK_LATER:
		break;
	}
	return 0;
}

long
plat_net_recv(void *buf, size_t len)
{
	const char *why = NULL;
	bool repost;
	long n;
	int rc;

	if ((rc = nic_check()) != 0)
		return rc;
	/* Every socket call comes here: frames sent a while ago go out. */
	if (nic.rings.tx_unkicked > 0 &&
	    vnet_tx_kick_due(&nic.rings, plat_now_ns(), false))
		tx_notify();
	n = vnet_rx(&nic.rings, buf, len, &repost, &why);
	if (n == -EIO) {
		nic_disable(why);
		return -ENETDOWN;
	}
	/*
	 * Returned buffers are announced in batches: the device needs a
	 * notification only once it has found the ring empty, so one at
	 * the end of each burst (the ring drained) or every RX_KICK_BATCH
	 * buffers is enough, and saves a trap per frame.
	 */
	if (repost)
		nic.rx_unkicked++;
	if (nic.rx_unkicked >= RX_KICK_BATCH ||
	    (n == -EAGAIN && nic.rx_unkicked > 0)) {
		nic.rx_unkicked = 0;
		if (virtq_wants_notify(&nic.rings.rx))
			*(volatile uint16_t *)nic.notify[RXQ] = RXQ;
	}
	return n;
}

bool
plat_net_tx_done(void)
{
	const char *why = NULL;
	int rc;

	if (nic_check() != 0)
		return true;
	virtio_net_kick();
	rc = vnet_tx_done(&nic.rings, &why);
	if (rc == -EIO)
		nic_disable(why);
	return rc != 0;
}

void
plat_net_set_notify(void (*fn)(void))
{
	nic.notify_fn = fn;
}
