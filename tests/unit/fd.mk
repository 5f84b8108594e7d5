UNIT_TESTS += fd
UNIT_SRCS_fd := kernel/file.c kernel/fd.c kernel/heap.c tests/unit/mock_platform.c
