FUZZ_TARGETS += emul_psp
FUZZ_SRCS_emul_psp := ghcb/emulate_psp.c ghcb/guest_msg.c $(BEARSSL_SRCS)
$(BUILD)/fuzz/fuzz_emul_psp: FUZZ_CFLAGS += $(BEARSSL_HOST_CFLAGS)
