UNIT_TESTS += usercheck
UNIT_SRCS_usercheck := arch/usercheck.c
