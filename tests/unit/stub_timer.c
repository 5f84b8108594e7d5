/*
 * Stand-ins for shim/timer.c's CPU-time and time-zone facts, for the
 * shim tests that link shim/time.c or shim/proc.c without the timers
 * (and without threads): every thread's CPU time is the mock's.  The
 * last restart block a call left is in stub_restart.
 */
#include "shim/internal.h"
#include "tests/unit/mock_platform.h"

uint64_t
timer_cpu_ns(struct shim_thread *t)
{
	return mock_thread_cpu_ns;
}

void
timer_get_tz(int32_t tz[2])
{
	tz[0] = tz[1] = 0;
}

struct shim_thread *
shim_thread_current(void)
{
	return NULL;
}

struct shim_restart stub_restart;

void
sig_restart_block(long (*fn)(const struct shim_restart *b),
    uint64_t deadline, uint64_t arg0, uint64_t arg1)
{
	stub_restart = (struct shim_restart){ .fn = fn, .deadline = deadline,
	    .arg = { arg0, arg1 } };
}
