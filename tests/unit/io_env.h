/*
 * io_env.h: the setting the descriptor, pipe, tty and poll tests share
 * (tests/unit/io_env.c): a small guest address space known to both the
 * page model (mock_user.c) and kernel/vm.c, the shim's signal calls
 * recorded instead of delivered, and helpers to call sys_* functions.
 */
#ifndef TESTS_UNIT_IO_ENV_H
#define TESTS_UNIT_IO_ENV_H

#include "shim/internal.h"

/* Four read-write pages, a hole, a read-only page, a hole. */
#define U_RW		0x10000000ull
#define U_RW_SIZE	(4 * PAGE_SIZE)
#define U_HOLE		(U_RW + U_RW_SIZE)
#define U_RO		(U_HOLE + PAGE_SIZE)
#define U_KERNEL	0xffff800000000000ull

/* Call a sys_* with up to six arguments, the rest 0. */
#define SYS(fn, ...)	io_call6(fn, (uint64_t[6]){ __VA_ARGS__ })
long io_call6(sys_fn fn, const uint64_t *a);

/* A fresh address space and descriptor table; the console not made. */
void io_setup(void);
/* The host view of user address u (mapped). */
void *io_uptr(uint64_t u);

/* The last signal the shim sent (0: none) and how many. */
extern int io_last_signal, io_signals;
extern struct shim_thread io_thread;

#endif
