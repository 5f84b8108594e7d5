/*
 * Ending the VM.  The status reaches the host two ways: QEMU's
 * isa-debug-exit device (QEMU exits with (status << 1) | 1, which loses
 * the top bit of an 8-bit status), and the machine-readable log line
 * "cloister: exit status=N" that scripts/run reads for the full value.
 * Where no debug-exit device exists, ACPI S5 powers the machine off.
 */
#include "platform/internal.h"
#include "arch/arch.h"

#define DEBUG_EXIT_PORT	0xf4

void
plat_exit(int status)
{
	status &= 0xff;
	arch_irq_disable();
	if (status != PLAT_EXIT_PANIC)
		user_prune_all();	/* a panic trusts no table */
	klog("memory: %llu pages free at exit",
	    (unsigned long long)plat_pages_free_count());
	klog_always("cloister: exit status=%d", status);
	arch_outl(DEBUG_EXIT_PORT, (uint32_t)status);
	acpi_poweroff();
	klog_always("cloister: no way to power off; halting");
	arch_halt_forever();
}
