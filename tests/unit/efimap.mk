UNIT_TESTS += efimap
UNIT_SRCS_efimap := boot/uefi/efimap.c boot/uefi/parse.c
