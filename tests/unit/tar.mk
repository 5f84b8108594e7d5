UNIT_TESTS += tar
UNIT_SRCS_tar := kernel/tar.c
