UNIT_TESTS += vm
UNIT_SRCS_vm := kernel/vm.c tests/unit/stub_file.c tests/unit/stub_vfile.c kernel/heap.c tests/unit/mock_platform.c tests/unit/mock_user.c
