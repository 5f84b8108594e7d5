UNIT_TESTS += shim_info
UNIT_SRCS_shim_info := shim/info.c tests/unit/mock_platform.c tests/unit/mock_user.c
