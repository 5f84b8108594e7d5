UNIT_TESTS += mock
UNIT_SRCS_mock := tests/unit/mock_platform.c
