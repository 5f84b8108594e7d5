/*
 * shim_env.h: what the shim's syscall tests share: a small guest address
 * space in the host model (two read-write pages, a hole, a read-only
 * page) and a way to call a sys_* with fewer than six arguments.
 */
#ifndef TESTS_UNIT_SHIM_ENV_H
#define TESTS_UNIT_SHIM_ENV_H

#include "shim/internal.h"
#include "tests/unit/mock_user.h"

#define U_RW		0x10000000ull
#define U_HOLE		(U_RW + 2 * PAGE_SIZE)
#define U_RO		(U_RW + 3 * PAGE_SIZE)
#define U_KERNEL	0xffff800000000000ull
#define U_NONCANON	0x0000800000000000ull

/* Call a sys_* with up to six arguments, the rest 0. */
#define SYS(fn, ...)	shim_env_call(fn, (uint64_t[6]){ __VA_ARGS__ })

static inline long
shim_env_call(sys_fn fn, const uint64_t *a)
{
	return fn(a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* A fresh address space with the pages above; false if mapping failed. */
static inline bool
shim_env_map(void)
{
	mock_user_reset();
	return plat_user_map_zero(U_RW, PROT_READ | PROT_WRITE) == 0 &&
	    plat_user_map_zero(U_RW + PAGE_SIZE, PROT_READ | PROT_WRITE) == 0 &&
	    plat_user_map_zero(U_RO, PROT_READ) == 0;
}

#endif
