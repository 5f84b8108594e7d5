UNIT_TESTS += paging
UNIT_SRCS_paging := arch/paging.c
