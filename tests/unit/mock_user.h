/*
 * mock_user.h: test-side view of the host model of the guest address
 * space (tests/unit/mock_user.c).
 */
#ifndef TESTS_UNIT_MOCK_USER_H
#define TESTS_UNIT_MOCK_USER_H

#include <stdint.h>

/* Is the page holding va mapped?  Its PROT_* bits in *prot. */
int mock_user_mapped(uint64_t va, unsigned *prot);
/* Number of mapped user pages. */
int mock_user_count(void);
/* Unmap and free everything. */
void mock_user_reset(void);
/* Demand faults the model raised so far. */
extern uint64_t mock_user_faults;

#endif
