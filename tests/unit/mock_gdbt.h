/* The gdb stub's mock target (tests/unit/mock_gdbt.c). */
#ifndef TESTS_UNIT_MOCK_GDBT_H
#define TESTS_UNIT_MOCK_GDBT_H

#include "kernel/internal.h"

#define MOCK_GDBT_MEM		0x400000ull
#define MOCK_GDBT_MEM_SIZE	8192

struct mock_gdbt_dr {
	uint64_t addr;
	int type, len;
};

extern struct gdb_regs mock_gdbt_regs[2];	/* tids 1 and 7 */
extern uint8_t mock_gdbt_mem[MOCK_GDBT_MEM_SIZE];
extern struct mock_gdbt_dr mock_gdbt_dr[4];

void mock_gdbt_reset(void);

#endif
