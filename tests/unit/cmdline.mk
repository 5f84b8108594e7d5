UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := kernel/cmdline.c
