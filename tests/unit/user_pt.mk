UNIT_TESTS += user_pt
UNIT_SRCS_user_pt := platform/user.c arch/paging.c
