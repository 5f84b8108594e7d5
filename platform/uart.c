/*
 * COM1 16550 UART: the guest's console.  Transmit only for now; the
 * receive side (interrupt driven) comes with the tty work.
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
#define FCR_ENABLE	0x07	/* enable + clear both FIFOs */
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20
#define UART_SPIN_MAX	100000	/* give up on a UART that never drains */

static bool uart_present;

void
uart_init(void)
{
	arch_outb(COM1 + UART_IER, 0);
	arch_outb(COM1 + UART_LCR, LCR_DLAB);
	arch_outb(COM1 + UART_DLL, 1);		/* 115200 baud */
	arch_outb(COM1 + UART_DLM, 0);
	arch_outb(COM1 + UART_LCR, LCR_8N1);
	arch_outb(COM1 + UART_FCR, FCR_ENABLE);
	arch_outb(COM1 + UART_MCR, MCR_DTR_RTS);
	/* A missing UART reads back 0xff. */
	uart_present = arch_inb(COM1 + UART_LSR) != 0xff;
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

#define LSR_DATA_READY	0x01

void
plat_console_write(const void *buf, size_t len)
{
	uart_write(buf, len);
}

long
plat_console_read(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t n = 0;

	if (!uart_present)
		return -EAGAIN;
	while (n < len && (arch_inb(COM1 + UART_LSR) & LSR_DATA_READY))
		p[n++] = arch_inb(COM1 + UART_THR);
	return n > 0 ? (long)n : -EAGAIN;
}
