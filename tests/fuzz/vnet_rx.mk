# The virtio-net receive path against a lying device model.
FUZZ_TARGETS += vnet_rx
FUZZ_SRCS_vnet_rx := platform/virtq.c platform/vnet.c platform/shmem_copy.c tests/unit/mock_shmem.c tests/unit/vnet_model.c tests/unit/mock_platform.c
