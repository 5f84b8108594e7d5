UNIT_TESTS += chksum
UNIT_SRCS_chksum := net/chksum.c
