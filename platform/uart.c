/*
 * COM1 16550 UART: the guest's console.  Transmit polls the line status;
 * receive is interrupt driven (IRQ 4): the handler drains the FIFO into
 * a ring buffer, which plat_console_read empties without blocking, and
 * calls the kernel's notification.
 *
 * COM2, when present, is the host's control channel for the console
 * (scripts/run adds it when its stdin is not a terminal).  A serial line
 * cannot carry end-of-file, so the host says it there instead:
 *
 *   kernel -> host  CTL_HELLO once both ports receive; the host sends
 *                   nothing on COM1 or COM2 before (firmware reads both)
 *   host -> kernel  "eof N\n": the input ended after N bytes on COM1
 *                   "winsize ROWS COLS\n": the terminal's new size
 *
 * When the host knows there is no input at all (scripts/run with stdin
 * from /dev/null), the kernel option "stdin=empty" says so at boot and
 * COM2 may stay silent.
 *
 * Counting makes it race-free: the end is reached only once exactly N
 * bytes were handed out, however late QEMU delivers them.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define COM1		0x3f8
#define COM2		0x2f8
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
#define RX_BUF		65536	/* a power of two */
#define LSR_DATA_READY	0x01
#define CTL_IRQ		3	/* COM2 */
#define CTL_HELLO	"\001cloister: stdin\002\n"
#define CTL_LINE_MAX	32	/* "eof " and up to 20 digits fit */

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
static uint64_t rx_taken;		/* bytes plat_console_read returned */

/* COM2: the line being received, and the end of input once known. */
static bool ctl_present;
static char ctl_line[CTL_LINE_MAX];
static size_t ctl_len;			/* > CTL_LINE_MAX: skip to '\n' */
static bool in_end;
static uint64_t in_total;
static uint16_t ws_rows, ws_cols;
static uint32_t ws_count;		/* reports so far */

static void uart_rx_init(void);
static void ctl_init(void);

/* 115200 baud, 8N1, FIFOs kept as they are; false if there is no UART. */
static bool
uart_setup(uint16_t port)
{
	arch_outb(port + UART_IER, 0);
	arch_outb(port + UART_LCR, LCR_DLAB);
	arch_outb(port + UART_DLL, 1);
	arch_outb(port + UART_DLM, 0);
	arch_outb(port + UART_LCR, LCR_8N1);
	if ((arch_inb(port + UART_IIR) & IIR_FIFO_ON) == IIR_FIFO_ON)
		arch_outb(port + UART_FCR, FCR_TRIGGER14);
	arch_outb(port + UART_MCR, MCR_DTR_RTS);
	/* A missing UART reads back 0xff. */
	return arch_inb(port + UART_LSR) != 0xff;
}

void
uart_init(void)
{
	uart_present = uart_setup(COM1);
	uart_rx_init();
	if (boot_has_option("stdin=empty"))
		in_end = true;		/* after in_total = 0 bytes */
	ctl_init();
}

/*
 * Once the shared pool is up: the virtio console, when the host has
 * one, takes over the guest's console from COM1.
 */
void
console_init(void)
{
	if (vcon_init() && uart_present)
		arch_outb(COM1 + UART_IER, 0);	/* its input is not ours */
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

size_t
console_rx_room(size_t n)
{
	size_t room = RX_BUF - (rx_tail - rx_head);

	return n < room ? n : room;
}

size_t
console_rx_put(const uint8_t *p, size_t n)
{
	n = console_rx_room(n);
	for (size_t i = 0; i < n; i++)
		rx_buf[(rx_tail + i) % RX_BUF] = p[i];
	rx_tail += (uint32_t)n;
	return n;
}

void
console_rx_notify(void)
{
	if (rx_notify != NULL)
		rx_notify();
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
uart_putc(uint16_t port, char c)
{
	for (int i = 0; i < UART_SPIN_MAX; i++) {
		if (arch_inb(port + UART_LSR) & LSR_THRE)
			break;
	}
	arch_outb(port + UART_THR, (uint8_t)c);
}

void
uart_write(const char *s, size_t len)
{
	if (!uart_present)
		return;
	for (size_t i = 0; i < len; i++)
		uart_putc(COM1, s[i]);
}

/* ---- COM2, the control channel ---- */

/* A whole line from the host (platform/ctlmsg.c says what it means). */
static void
ctl_line_done(void)
{
	struct ctlmsg m;

	if (ctl_len > CTL_LINE_MAX)
		return;
	ctlmsg_parse(ctl_line, ctl_len, &m);
	if (m.kind == CTL_EOF && !in_end) {
		in_total = m.total;
		in_end = true;
	} else if (m.kind == CTL_WINSIZE) {
		ws_rows = m.rows;
		ws_cols = m.cols;
		ws_count++;
	}
}

/*
 * Take what COM2 received.  Interrupts are off.  True if the end was
 * new or a size was reported.
 */
static bool
ctl_drain(void)
{
	bool was_end = in_end;
	uint32_t was_count = ws_count;
	char c;

	while (ctl_present && (arch_inb(COM2 + UART_LSR) & LSR_DATA_READY)) {
		c = (char)arch_inb(COM2 + UART_THR);
		if (c == '\n') {
			ctl_line_done();
			ctl_len = 0;
		} else if (ctl_len < CTL_LINE_MAX) {
			ctl_line[ctl_len++] = c;
		} else {
			ctl_len = CTL_LINE_MAX + 1;	/* too long: dropped */
		}
	}
	return (in_end && !was_end) || ws_count != was_count;
}

static void
ctl_irq(struct trap_frame *f)
{
	(void)f;
	if (ctl_drain() && rx_notify != NULL)
		rx_notify();
	pic_eoi(CTL_IRQ);
}

/* Receive on COM2 by interrupt, then tell the host it may send. */
static void
ctl_init(void)
{
	static const char hello[] = CTL_HELLO;

	if (!uart_present || !uart_setup(COM2))
		return;
	ctl_present = true;
	arch_set_trap_handler(VEC_IRQ_BASE + CTL_IRQ, ctl_irq);
	arch_outb(COM2 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	arch_outb(COM2 + UART_IER, IER_RX_AVAIL);
	pic_unmask(CTL_IRQ);
	for (size_t i = 0; i < sizeof(hello) - 1; i++)
		uart_putc(COM2, hello[i]);
}

void
plat_console_write(const void *buf, size_t len)
{
	if (vcon_active())
		vcon_write(buf, len);
	else
		uart_write(buf, len);
}

long
plat_console_read(void *buf, size_t len)
{
	uint8_t *p = buf;
	bool irq = arch_irq_enabled();
	size_t n = 0;

	if (!uart_present && !vcon_active())
		return -EAGAIN;
	arch_irq_disable();
	if (uart_present && !vcon_active())
		uart_rx_drain();	/* what the interrupt has not taken yet */
	vcon_rx_drain();
	ctl_drain();
	if (in_end && rx_taken >= in_total)
		len = 0;		/* the host's input ended: nothing past it */
	else if (in_end && len > in_total - rx_taken)
		len = (size_t)(in_total - rx_taken);
	while (n < len && rx_head != rx_tail) {
		p[n++] = rx_buf[rx_head % RX_BUF];
		rx_head++;
	}
	rx_taken += n;
	if (rx_throttled && !vcon_active())
		uart_rx_drain();	/* room again: let the host send */
	vcon_rx_drain();
	if (irq)
		arch_irq_enable();
	return n > 0 ? (long)n : -EAGAIN;
}

bool
plat_console_input_end(void)
{
	bool irq = arch_irq_enabled(), end;

	if (!ctl_present && !in_end)
		return false;
	arch_irq_disable();
	ctl_drain();
	end = in_end && rx_taken >= in_total;
	if (irq)
		arch_irq_enable();
	return end;
}

void
plat_console_set_notify(void (*fn)(void))
{
	rx_notify = fn;
}

uint32_t
plat_console_winsize(uint16_t *rows, uint16_t *cols)
{
	bool irq = arch_irq_enabled();
	uint32_t count;

	arch_irq_disable();
	ctl_drain();
	count = ws_count;
	if (count != 0) {
		*rows = ws_rows;
		*cols = ws_cols;
	}
	if (irq)
		arch_irq_enable();
	return count;
}
