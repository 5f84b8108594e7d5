UNIT_TESTS += chacha20
UNIT_SRCS_chacha20 := platform/chacha20.c
