UNIT_TESTS += futex
UNIT_SRCS_futex := kernel/futex.c kernel/vm.c tests/unit/stub_file.c tests/unit/stub_vfile.c kernel/heap.c tests/unit/mock_platform.c tests/unit/mock_user.c
