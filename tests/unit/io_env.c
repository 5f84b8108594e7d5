/*
 * io_env.c: see io_env.h.  The shim's signal functions are replaced by
 * recorders: these tests check that the I/O paths raise the right
 * signal, not how signals are delivered (test_shim_signal's business).
 */
#include "tests/unit/io_env.h"
#include "tests/unit/mock_platform.h"
#include "tests/unit/mock_user.h"

int io_last_signal, io_signals;
struct shim_thread io_thread;

long
io_call6(sys_fn fn, const uint64_t *a)
{
	return fn(a[0], a[1], a[2], a[3], a[4], a[5]);
}

void
io_setup(void)
{
	fd_reset();
	mock_user_reset();
	vm_reset();
	for (uint64_t va = U_RW; va < U_RW + U_RW_SIZE; va += PAGE_SIZE)
		plat_user_map_zero(va, PROT_READ | PROT_WRITE);
	plat_user_map_zero(U_RO, PROT_READ);
	vm_add(U_RW, U_RW + U_RW_SIZE, PROT_READ | PROT_WRITE, VMR_ANON);
	vm_add(U_RO, U_RO + PAGE_SIZE, PROT_READ, VMR_ANON);
	io_last_signal = io_signals = 0;
	memset(&io_thread, 0, sizeof(io_thread));
	mock_block_hook = NULL;
	mock_block_intr = 0;
	mock_console_reset();
}

void *
io_uptr(uint64_t u)
{
	return (char *)plat_user_page(u & ~(PAGE_SIZE - 1)) +
	    (u & (PAGE_SIZE - 1));
}

bool
sig_send_process(int sig, int code)
{
	(void)code;
	io_last_signal = sig;
	io_signals++;
	return true;
}

/* One process: the console's group is the caller. */
bool
sig_send_group(int pgrp, int sig, int code)
{
	return sig_send_process(sig, code);
}

struct shim_thread *
shim_thread_current(void)
{
	return &io_thread;
}

void
sig_set_mask(struct shim_thread *t, uint64_t mask)
{
	t->sigmask = mask;
}

void
sig_restart_block(long (*fn)(const struct shim_restart *b),
    uint64_t deadline, uint64_t arg0, uint64_t arg1)
{
	io_thread.restart = (struct shim_restart){ .fn = fn,
	    .deadline = deadline, .arg = { arg0, arg1 } };
}
