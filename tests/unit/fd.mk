UNIT_TESTS += fd
UNIT_SRCS_fd := kernel/file.c kernel/flock.c tests/unit/stub_vfile.c kernel/fd.c tests/unit/stub_kproc.c kernel/epoll.c kernel/pipe.c kernel/tty.c kernel/ldisc.c kernel/heap.c tests/unit/mock_platform.c tests/unit/mock_user.c
