# snp=emulate's stand-in PSP (ghcb/emulate_psp.c) under the real message
# layer (ghcb/guest_msg.c).
UNIT_TESTS += emul_psp
UNIT_SRCS_emul_psp := ghcb/emulate_psp.c ghcb/guest_msg.c $(BEARSSL_SRCS)
$(BUILD)/unit/test_emul_psp: UNIT_CFLAGS += $(BEARSSL_HOST_CFLAGS)
