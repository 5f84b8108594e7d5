FUZZ_TARGETS += guest_msg
FUZZ_SRCS_guest_msg := ghcb/guest_msg.c ghcb/guest_req_none.c $(BEARSSL_SRCS)
$(BUILD)/fuzz/fuzz_guest_msg: FUZZ_CFLAGS += $(BEARSSL_HOST_CFLAGS)
