UNIT_TESTS += flock
UNIT_SRCS_flock := kernel/flock.c kernel/file.c kernel/fd.c tests/unit/stub_kproc.c tests/unit/stub_vfile.c kernel/epoll.c kernel/pipe.c kernel/tty.c kernel/ldisc.c kernel/heap.c tests/unit/mock_platform.c tests/unit/mock_user.c
