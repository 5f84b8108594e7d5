UNIT_TESTS += shim_jobstate
UNIT_SRCS_shim_jobstate := shim/jobstate.c
