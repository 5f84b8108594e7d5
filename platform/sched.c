/*
 * Blocking for a single guest thread.  With one thread nobody else can
 * change a word except an interrupt handler, so plat_block waits (hlt
 * while interrupts are on, so a device interrupt ends the wait) until the
 * word changes or the deadline passes.  The preemptive scheduler with
 * sleep queues replaces this file.
 */
#include "platform/internal.h"
#include "arch/arch.h"

int
plat_block(const uint32_t *word, uint32_t expected, uint64_t deadline_ns)
{
	const volatile uint32_t *w = word;
	bool irq = arch_irq_enabled();
	int rc = 0;

	if (*w != expected)
		return -EAGAIN;
	arch_irq_enable();	/* let device interrupts change the word */
	while (*w == expected) {
		if (deadline_ns != 0 && plat_now_ns() >= deadline_ns) {
			rc = -ETIMEDOUT;
			break;
		}
		__asm__ volatile("pause");
	}
	if (!irq)
		arch_irq_disable();
	return rc;
}

int
plat_wake(const uint32_t *word, int n)
{
	(void)word;
	(void)n;
	return 0;	/* nobody sleeps in a way that needs waking */
}
