/*
 * The legacy 8259A PICs.  The BIOS leaves them delivering IRQs 0-7 on
 * vectors 8-15, which are CPU exceptions (IRQ 0, the PIT, would look
 * like a double fault).  Remap them to VEC_IRQ_BASE.. and mask every
 * line; devices that need interrupts unmask their own.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define ICW1_INIT_ICW4	0x11	/* edge triggered, cascade, ICW4 follows */
#define ICW4_8086	0x01
#define PIC_EOI		0x20

static uint16_t pic_mask = 0xffff;

void
pic_init(void)
{
	arch_outb(PIC1_CMD, ICW1_INIT_ICW4);
	arch_outb(PIC2_CMD, ICW1_INIT_ICW4);
	arch_outb(PIC1_DATA, VEC_IRQ_BASE);		/* ICW2: vector base */
	arch_outb(PIC2_DATA, VEC_IRQ_BASE + 8);
	arch_outb(PIC1_DATA, 1u << 2);			/* ICW3: slave on IRQ2 */
	arch_outb(PIC2_DATA, 2);
	arch_outb(PIC1_DATA, ICW4_8086);
	arch_outb(PIC2_DATA, ICW4_8086);
	arch_outb(PIC1_DATA, 0xff);
	arch_outb(PIC2_DATA, 0xff);
}

void
pic_unmask(unsigned irq)
{
	if (irq >= 16)
		return;
	pic_mask &= ~(1u << irq);
	if (irq >= 8)
		pic_mask &= ~(1u << 2);		/* the cascade */
	arch_outb(PIC1_DATA, pic_mask & 0xff);
	arch_outb(PIC2_DATA, pic_mask >> 8);
}

void
pic_eoi(unsigned irq)
{
	if (irq >= 8)
		arch_outb(PIC2_CMD, PIC_EOI);
	arch_outb(PIC1_CMD, PIC_EOI);
}
