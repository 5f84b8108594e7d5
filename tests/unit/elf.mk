UNIT_TESTS += elf
UNIT_SRCS_elf := kernel/elf.c
