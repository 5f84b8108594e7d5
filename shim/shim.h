/*
 * shim.h: the shim's public header: the entry platform_start hands the
 * machine to, and the syscall entry the platform's upcall reaches.
 */
#ifndef SHIM_SHIM_H
#define SHIM_SHIM_H

#include "platform/platform.h"

/* Load the embedded guest and run it.  Never returns. */
void cloister_main(void) __attribute__((noreturn));
/* Handle one syscall from the guest (the platform's syscall upcall). */
void shim_syscall(struct plat_regs *r);
/* The fast table for plat_upcalls (none while strace is on). */
void shim_fast_table(const plat_syscall_fn **table, uint32_t *n);

#endif
