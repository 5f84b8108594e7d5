# Building the tree from a hostile archive and walking it (kernel/rootfs.c
# and the file tree behind it, against the host mock platform).  Seeds:
# the tar target's archives.
FUZZ_TARGETS += rootfs
FUZZ_SRCS_rootfs := kernel/tar.c kernel/vnode.c kernel/dir.c kernel/fdata.c \
	kernel/namei.c kernel/path.c kernel/vfile.c kernel/vfs.c \
	kernel/vfs_ns.c kernel/rootfs.c kernel/devfs.c kernel/sevguest.c kernel/tsm.c kernel/procfs.c kernel/procfs_link.c \
	kernel/procfs_text.c kernel/vm.c kernel/file.c kernel/flock.c kernel/fd.c kernel/kproc.c \
	kernel/pipe.c kernel/tty.c kernel/ldisc.c kernel/epoll.c \
	kernel/heap.c platform/fmt.c tests/unit/mock_platform.c \
	tests/unit/mock_user.c

$(BUILD)/fuzz/corpus/rootfs/.stamp: $(BUILD)/fuzz/corpus/tar/.stamp
	$(Q)mkdir -p $(dir $@) && cp $(BUILD)/fuzz/corpus/tar/*.tar $(dir $@) && touch $@

fuzz: $(BUILD)/fuzz/corpus/rootfs/.stamp
