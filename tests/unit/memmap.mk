UNIT_TESTS += memmap
UNIT_SRCS_memmap := platform/memmap.c tests/unit/mock_platform.c
