UNIT_TESTS += snp_early
UNIT_SRCS_snp_early := $(SNP_GHCB_SRCS) tests/unit/snp_model.c boot/rom_snp.c \
	boot/fwcfg.c boot/fwcfg_io.c tests/unit/fwcfg_model.c
