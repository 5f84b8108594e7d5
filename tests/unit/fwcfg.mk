UNIT_TESTS += fwcfg
UNIT_SRCS_fwcfg := boot/fwcfg.c tests/unit/fwcfg_model.c \
	tests/unit/fwcfg_model_io.c
