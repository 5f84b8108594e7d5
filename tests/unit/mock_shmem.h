#ifndef TESTS_UNIT_MOCK_SHMEM_H
#define TESTS_UNIT_MOCK_SHMEM_H

#include <stdint.h>

/* Host-side view of pool memory at a made-up physical address (what a
 * device model reaches by DMA), or NULL outside every run. */
volatile uint8_t *mock_shmem_va(uint64_t pa, uint64_t len);
/* Make allocations fail once this many more bytes were handed out. */
void mock_shmem_limit(uint64_t bytes);

#endif
