UNIT_TESTS += shim_time
UNIT_SRCS_shim_time := shim/time.c shim/proc.c kernel/heap.c kernel/cmdline.c tests/unit/mock_platform.c tests/unit/mock_user.c tests/unit/stub_kernel.c tests/unit/stub_timer.c tests/unit/stub_procs.c tests/unit/stub_sock.c
