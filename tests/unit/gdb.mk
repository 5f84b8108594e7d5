UNIT_TESTS += gdb
UNIT_SRCS_gdb := kernel/gdb_proto.c kernel/gdb_cmd.c kernel/gdb_regs.c kernel/heap.c platform/fmt.c tests/unit/mock_gdbt.c tests/unit/mock_platform.c
