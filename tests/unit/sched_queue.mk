UNIT_TESTS += sched_queue
UNIT_SRCS_sched_queue := platform/sched_queue.c
