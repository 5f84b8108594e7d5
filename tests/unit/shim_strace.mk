UNIT_TESTS += shim_strace
UNIT_SRCS_shim_strace := shim/strace.c shim/sysnames.c platform/fmt.c tests/unit/mock_platform.c tests/unit/mock_user.c
