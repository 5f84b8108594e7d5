UNIT_TESTS += timerfd
UNIT_SRCS_timerfd := kernel/ktimer.c kernel/timerfd.c kernel/file.c kernel/flock.c tests/unit/stub_vfile.c kernel/fd.c tests/unit/stub_kproc.c kernel/pipe.c kernel/eventfd.c kernel/epoll.c kernel/tty.c kernel/ldisc.c kernel/vm.c kernel/heap.c tests/unit/mock_platform.c tests/unit/mock_user.c
