/*
 * What the in-kernel gdb stub reaches through the platform: its own
 * serial port (a 16550 at 0x3e8, IRQ 5: scripts/run --gdb adds it with
 * those settings so it shares no interrupt line with the console),
 * kernel memory that is checked against the page tables before it is
 * touched, and the debug registers.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define DBG_PORT	0x3e8
#define DBG_IRQ		5
#define UART_DATA	0
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LSR_DATA_READY	0x01
#define LSR_THRE	0x20
#define IER_RX_AVAIL	0x01
#define MCR_DTR_RTS_OUT2 0x0b
#define FCR_ENABLE	0x01
#define UART_SPIN_MAX	100000

/* DR7: local+global enable per slot, R/W and LEN fields (SDM 17.2.4). */
#define DR7_ENABLE(i)	(3ull << (2 * (i)))
#define DR7_RW_SHIFT(i)	(16 + 4 * (i))
#define DR7_FIELDS(i)	(0xfull << DR7_RW_SHIFT(i))
#define DR6_CLEAR	0xffff0ff0ull
#define KERNEL_HALF_MIN	0xffff800000000000ull	/* canonical upper half */

static bool port_present, port_probed;
static void (*port_notify)(bool from_user);

static void port_probe(void);

/* Probed on the first ask: boots without the stub touch no port. */
bool
plat_debug_port_present(void)
{
	if (!port_probed)
		port_probe();
	return port_present;
}

void
plat_debug_port_write(const void *buf, size_t n)
{
	const uint8_t *b = buf;

	for (size_t i = 0; i < n && port_present; i++) {
		for (int s = 0; s < UART_SPIN_MAX; s++)
			if (arch_inb(DBG_PORT + UART_LSR) & LSR_THRE)
				break;
		arch_outb(DBG_PORT + UART_DATA, b[i]);
	}
}

int
plat_debug_port_getc(void)
{
	if (!port_present ||
	    !(arch_inb(DBG_PORT + UART_LSR) & LSR_DATA_READY))
		return -EAGAIN;
	return arch_inb(DBG_PORT + UART_DATA);
}

static void
port_irq(struct trap_frame *f)
{
	if (port_notify != NULL)
		port_notify(trap_from_user(f));
	else
		while (plat_debug_port_getc() >= 0)
			;
	pic_eoi(DBG_IRQ);
}

/* The port is probed once, when the stub asks for its interrupt. */
void
plat_debug_port_set_notify(void (*fn)(bool from_user))
{
	port_notify = fn;
	if (!port_present)
		return;
	arch_set_trap_handler(VEC_IRQ_BASE + DBG_IRQ, port_irq);
	arch_outb(DBG_PORT + UART_MCR, MCR_DTR_RTS_OUT2);
	arch_outb(DBG_PORT + UART_IER, IER_RX_AVAIL);
	pic_unmask(DBG_IRQ);
}

static void
port_probe(void)
{
	port_probed = true;
	arch_outb(DBG_PORT + UART_IER, 0);
	arch_outb(DBG_PORT + UART_LCR, 0x80);
	arch_outb(DBG_PORT + UART_DATA, 1);	/* 115200 baud */
	arch_outb(DBG_PORT + UART_IER, 0);
	arch_outb(DBG_PORT + UART_LCR, 0x03);	/* 8N1 */
	arch_outb(DBG_PORT + UART_FCR, FCR_ENABLE);
	/* A missing UART reads back 0xff. */
	port_present = arch_inb(DBG_PORT + UART_LSR) != 0xff;
}

uint64_t
plat_irq_save(void)
{
	bool on = arch_irq_enabled();

	arch_irq_disable();
	return on;
}

void
plat_irq_restore(uint64_t state)
{
	if (state)
		arch_irq_enable();
}

/* The kernel-visible address of kernel byte va, or NULL if unmapped. */
static uint8_t *
kmem_byte(uint64_t va, bool write)
{
	uint64_t size, pte = pt_lookup(vmm_ctx(), va, &size), pa;

	if (va < KERNEL_HALF_MIN || pte == 0)
		return NULL;
	if (!write)
		return (uint8_t *)va;
	pa = (pte & PTE_ADDR_MASK & ~vmm_ctx()->enc_mask & ~(size - 1)) +
	    (va & (size - 1));
	return dmap_covers(pa, 1) ? phys_to_virt(pa) : NULL;
}

int
plat_debug_kmem_read(uint64_t addr, void *buf, size_t n)
{
	uint8_t *b = buf;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *p = kmem_byte(addr + i, false);

		if (p == NULL)
			return -EFAULT;
		b[i] = *p;
	}
	return 0;
}

int
plat_debug_kmem_write(uint64_t addr, const void *buf, size_t n)
{
	const uint8_t *b = buf;

	for (size_t i = 0; i < n; i++)
		if (kmem_byte(addr + i, true) == NULL)
			return -EFAULT;
	for (size_t i = 0; i < n; i++)
		*kmem_byte(addr + i, true) = b[i];
	return 0;
}

int
plat_debug_hwbp(int slot, uint64_t addr, int type, int len)
{
	static const uint64_t len_bits[9] = { [1] = 0, [2] = 1, [4] = 3,
	    [8] = 2 };
	uint64_t dr7;

	if (slot < 0 || slot > 3)
		return -EINVAL;
	dr7 = arch_read_dr(7) & ~(DR7_ENABLE(slot) | DR7_FIELDS(slot));
	if (type == -1) {
		arch_write_dr(7, dr7);
		arch_write_dr(slot, 0);
		return 0;
	}
	if ((type != 0 && type != 1 && type != 3) ||
	    (len != 1 && len != 2 && len != 4 && len != 8) ||
	    (type == 0 && len != 1) || (addr & (uint64_t)(len - 1)) ||
	    addr >= PLAT_USER_END)
		return -EINVAL;
	arch_write_dr(slot, addr);
	arch_write_dr(6, DR6_CLEAR);
	arch_write_dr(7, dr7 | DR7_ENABLE(slot) |
	    ((uint64_t)type | len_bits[len] << 2) << DR7_RW_SHIFT(slot));
	return 0;
}
