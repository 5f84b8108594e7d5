FUZZ_TARGETS += fwcfg
FUZZ_SRCS_fwcfg := boot/fwcfg.c tests/unit/fwcfg_model.c \
	tests/unit/fwcfg_model_io.c boot/rom_snp.c
