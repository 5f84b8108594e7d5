UNIT_TESTS += sevguest
UNIT_SRCS_sevguest := ghcb/guest_msg.c tests/unit/psp_model.c $(BEARSSL_SRCS) kernel/tar.c kernel/vnode.c kernel/dir.c kernel/fdata.c kernel/namei.c kernel/path.c kernel/vfile.c kernel/vfs.c kernel/vfs_ns.c kernel/rootfs.c kernel/devfs.c kernel/sevguest.c kernel/tsm.c kernel/procfs.c kernel/procfs_text.c kernel/vm.c kernel/file.c kernel/flock.c kernel/fd.c kernel/kproc.c kernel/pipe.c kernel/tty.c kernel/ldisc.c kernel/epoll.c kernel/heap.c platform/fmt.c tests/unit/mock_platform.c tests/unit/mock_user.c
$(BUILD)/unit/test_sevguest: UNIT_CFLAGS += $(BEARSSL_HOST_CFLAGS)
