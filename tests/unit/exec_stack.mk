UNIT_TESTS += exec_stack
UNIT_SRCS_exec_stack := kernel/exec_stack.c
