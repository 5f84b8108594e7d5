UNIT_TESTS += ktimer
UNIT_SRCS_ktimer := kernel/ktimer.c tests/unit/mock_platform.c
