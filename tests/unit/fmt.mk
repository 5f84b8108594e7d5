UNIT_TESTS += fmt
UNIT_SRCS_fmt := platform/fmt.c tests/unit/mock_platform.c
