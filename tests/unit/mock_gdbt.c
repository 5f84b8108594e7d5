/*
 * A target for the gdb stub's host tests and fuzzer: two threads (tids 1
 * and 7), 8 KiB of guest memory at MOCK_GDBT_MEM, nothing mapped
 * elsewhere, and debug registers that only record what they were given.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/internal.h"
#include "tests/unit/mock_gdbt.h"

struct gdb_regs mock_gdbt_regs[2];
uint8_t mock_gdbt_mem[MOCK_GDBT_MEM_SIZE];
struct mock_gdbt_dr mock_gdbt_dr[4];

static int tids[2] = { 1, 7 };

void
mock_gdbt_reset(void)
{
	memset(mock_gdbt_regs, 0, sizeof(mock_gdbt_regs));
	memset(mock_gdbt_mem, 0, sizeof(mock_gdbt_mem));
	memset(mock_gdbt_dr, 0, sizeof(mock_gdbt_dr));
	for (int i = 0; i < 2; i++) {
		mock_gdbt_regs[i].r.rip = 0x401000 + i;
		mock_gdbt_regs[i].r.rflags = 0x202;
		mock_gdbt_regs[i].r.cs = 0x2b;
		mock_gdbt_regs[i].r.ss = 0x23;
	}
}

static int
slot(int tid)
{
	return tid == 1 ? 0 : tid == 7 ? 1 : -1;
}

int
gdbt_threads(int *out, int max)
{
	int n = max < 2 ? max : 2;

	memcpy(out, tids, sizeof(int) * (size_t)n);
	return n;
}

bool
gdbt_thread_alive(int tid)
{
	return slot(tid) >= 0;
}

int
gdbt_regs_read(int tid, struct gdb_regs *g)
{
	if (slot(tid) < 0)
		return -ESRCH;
	*g = mock_gdbt_regs[slot(tid)];
	return 0;
}

int
gdbt_regs_write(int tid, const struct gdb_regs *g)
{
	if (slot(tid) < 0)
		return -ESRCH;
	mock_gdbt_regs[slot(tid)] = *g;
	return 0;
}

static bool
mapped(uint64_t addr, size_t n)
{
	return addr >= MOCK_GDBT_MEM && n <= MOCK_GDBT_MEM_SIZE &&
	    addr - MOCK_GDBT_MEM <= MOCK_GDBT_MEM_SIZE - n;
}

int
gdbt_mem_read(uint64_t addr, void *buf, size_t n)
{
	if (!mapped(addr, n))
		return -EFAULT;
	memcpy(buf, mock_gdbt_mem + (addr - MOCK_GDBT_MEM), n);
	return 0;
}

int
gdbt_mem_write(uint64_t addr, const void *buf, size_t n)
{
	if (!mapped(addr, n))
		return -EFAULT;
	memcpy(mock_gdbt_mem + (addr - MOCK_GDBT_MEM), buf, n);
	return 0;
}

int
gdbt_hwbp(int s, uint64_t addr, int type, int len)
{
	if (s < 0 || s > 3)
		return -EINVAL;
	mock_gdbt_dr[s] = (struct mock_gdbt_dr){ addr, type, len };
	return 0;
}

void
gdbt_thread_describe(int tid, char *out, size_t max)
{
	ksnprintf(out, max, "mock thread %d", tid);
}

uint64_t
gdbt_load_bias(void)
{
	return 0x1000;
}

size_t
gdbt_monitor(const char *cmd, char *out, size_t max)
{
	return (size_t)ksnprintf(out, max, "monitor said: %s\n", cmd);
}
