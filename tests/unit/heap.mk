UNIT_TESTS += heap
UNIT_SRCS_heap := kernel/heap.c tests/unit/mock_platform.c
