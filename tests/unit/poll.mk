UNIT_TESTS += poll
UNIT_SRCS_poll := kernel/file.c kernel/flock.c tests/unit/stub_vfile.c kernel/fd.c tests/unit/stub_kproc.c kernel/pipe.c kernel/eventfd.c kernel/epoll.c kernel/tty.c kernel/ldisc.c kernel/vm.c kernel/heap.c shim/io.c shim/pipe.c shim/poll.c tests/unit/io_env.c tests/unit/mock_platform.c tests/unit/mock_user.c
