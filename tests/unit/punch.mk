UNIT_TESTS += punch
UNIT_SRCS_punch := platform/punch.c
