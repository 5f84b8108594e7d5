UNIT_TESTS += pmm
UNIT_SRCS_pmm := platform/pmm.c tests/unit/mock_platform.c
