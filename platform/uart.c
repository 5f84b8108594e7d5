/*
 * COM1 16550 UART: the guest's console.  Transmit polls the line status;
 * receive is interrupt driven (IRQ 4): the handler drains the FIFO into
 * a ring buffer, which plat_console_read empties without blocking, and
 * calls the kernel's notification.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define COM1		0x3f8
#define UART_THR	0	/* transmit holding (DLAB=0) */
#define UART_IER	1
#define UART_DLL	0	/* divisor latch (DLAB=1) */
#define UART_DLM	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define UART_IIR	2	/* read: interrupt identification */
#define IIR_FIFO_ON	0xc0	/* the FIFOs are enabled */
/*
 * FIFOs on with the receive trigger at 14 bytes (QEMU then hands input
 * over 14 bytes at a time instead of one), nothing cleared.  Turning
 * the FIFOs on or off clears them, dropping input the host already
 * sent, so their state at boot is kept.
 */
#define FCR_TRIGGER14	0xc1
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20
#define UART_SPIN_MAX	100000	/* give up on a UART that never drains */

#define UART_IRQ	4
#define IER_RX_AVAIL	0x01	/* received data available */
#define MCR_OUT2	0x08	/* gates the IRQ line on PC UARTs */
#define RX_BUF		4096	/* a power of two */
#define LSR_DATA_READY	0x01

static bool uart_present;

/*
 * Single producer (the interrupt handler), single consumer (a thread,
 * which never runs while the handler does: there is one CPU and the
 * handler runs with interrupts off).  The indices only grow; the
 * consumer reads with interrupts off so that it sees whole updates.
 */
static uint8_t rx_buf[RX_BUF];
static volatile uint32_t rx_head, rx_tail;	/* tail - head = bytes */
static bool rx_throttled;
static void (*rx_notify)(void);

static void uart_rx_init(void);

void
uart_init(void)
{
	arch_outb(COM1 + UART_IER, 0);
	arch_outb(COM1 + UART_LCR, LCR_DLAB);
	arch_outb(COM1 + UART_DLL, 1);		/* 115200 baud */
	arch_outb(COM1 + UART_DLM, 0);
	arch_outb(COM1 + UART_LCR, LCR_8N1);
	if ((arch_inb(COM1 + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON)
		arch_outb(COM1 + UART_FCR, FCR_TRIGGER14);
	arch_outb(COM1 + UART_MCR, MCR_DTR_RTS);
	/* A missing UART reads back 0xff. */
	uart_present = arch_inb(COM1 + UART_LSR) != 0xff;
	uart_rx_init();
}

/*
 * Drain the receive FIFO into rx_buf.  Interrupts are off.  When the
 * buffer is full the receive interrupt is turned off and the bytes stay
 * in the UART, so the host holds the rest back (QEMU delivers only what
 * the FIFO has room for): nothing is lost.
 */
static bool
uart_rx_drain(void)
{
	bool any = false;

	while (rx_tail - rx_head < RX_BUF &&
	    (arch_inb(COM1 + UART_LSR) & LSR_DATA_READY)) {
		rx_buf[rx_tail % RX_BUF] = arch_inb(COM1 + UART_THR);
		rx_tail++;
		any = true;
	}
	if (rx_tail - rx_head == RX_BUF && !rx_throttled) {
		rx_throttled = true;
		arch_outb(COM1 + UART_IER, 0);
	} else if (rx_tail - rx_head < RX_BUF && rx_throttled) {
		rx_throttled = false;
		arch_outb(COM1 + UART_IER, IER_RX_AVAIL);
	}
	return any;
}

static void
uart_irq(struct trap_frame *f)
{
	(void)f;
	if (uart_rx_drain() && rx_notify != NULL)
		rx_notify();
	pic_eoi(UART_IRQ);
}

/*
 * Turn on the receive interrupt (uart_init runs after the IDT and the
 * PICs are set up).  Bytes that arrived before stay in the FIFO for the
 * first interrupt or read.
 */
static void
uart_rx_init(void)
{
	if (!uart_present)
		return;
	arch_set_trap_handler(VEC_IRQ_BASE + UART_IRQ, uart_irq);
	arch_outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	arch_outb(COM1 + UART_IER, IER_RX_AVAIL);
	pic_unmask(UART_IRQ);
}

static void
uart_putc(char c)
{
	for (int i = 0; i < UART_SPIN_MAX; i++) {
		if (arch_inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	}
	arch_outb(COM1 + UART_THR, (uint8_t)c);
}

void
uart_write(const char *s, size_t len)
{
	if (!uart_present)
		return;
	for (size_t i = 0; i < len; i++)
		uart_putc(s[i]);
}

void
plat_console_write(const void *buf, size_t len)
{
	uart_write(buf, len);
}

long
plat_console_read(void *buf, size_t len)
{
	uint8_t *p = buf;
	bool irq = arch_irq_enabled();
	size_t n = 0;

	if (!uart_present)
		return -EAGAIN;
	arch_irq_disable();
	uart_rx_drain();	/* what the interrupt has not taken yet */
	while (n < len && rx_head != rx_tail) {
		p[n++] = rx_buf[rx_head % RX_BUF];
		rx_head++;
	}
	if (rx_throttled)
		uart_rx_drain();	/* room again: let the host send */
	if (irq)
		arch_irq_enable();
	return n > 0 ? (long)n : -EAGAIN;
}

void
plat_console_set_notify(void (*fn)(void))
{
	rx_notify = fn;
}
