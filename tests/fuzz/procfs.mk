# Guest-chosen paths under /proc (kernel/procfs.c, procfs_link.c):
# names of processes, threads and descriptors, against a stand-in
# process table.  Seeds: none needed, the paths are short.
FUZZ_TARGETS += procfs
FUZZ_SRCS_procfs = $(FUZZ_SRCS_rootfs)
