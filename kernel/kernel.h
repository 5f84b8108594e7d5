/*
 * kernel.h: the library-OS core's public header (used by shim/ and by
 * platform_start to enter the kernel).  kernel/ is written only against
 * platform/platform.h.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include "platform/platform.h"

/*
 * Kernel heap (kernel/heap.c): small-object slabs for sizes up to 2 KiB,
 * page-backed allocations above.  kmalloc returns 16-byte aligned memory
 * or NULL; kzalloc zeroes it; kfree(NULL) is a no-op.  In debug builds
 * (HEAP_DEBUG) a double free, a free of a pointer that kmalloc never
 * returned and a write past the end of an object (red zone) are detected
 * at kfree time and panic.  Any context.
 */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* Bytes currently handed out by the heap (for leak checks). */
size_t kheap_in_use(void);

#endif
