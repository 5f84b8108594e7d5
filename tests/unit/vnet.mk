UNIT_TESTS += vnet
UNIT_SRCS_vnet := platform/virtq.c platform/vnet.c platform/virtio_cap.c platform/shmem_copy.c tests/unit/mock_shmem.c tests/unit/vnet_model.c tests/unit/mock_platform.c
