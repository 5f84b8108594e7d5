/*
 * kernel_main: the library OS starts here, on a machine the platform has
 * brought up (memory, console, time, randomness).
 */
#include "kernel/internal.h"

void kernel_main(void);

void
kernel_main(void)
{
	klog("cloister: kernel up at %llu us, %llu MiB free",
	    (unsigned long long)(plat_now_ns() / 1000),
	    (unsigned long long)(plat_pages_free_count() >> 8));
}
