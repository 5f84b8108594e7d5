UNIT_TESTS += guest_msg
UNIT_SRCS_guest_msg := ghcb/guest_msg.c tests/unit/psp_model.c $(BEARSSL_SRCS)
$(BUILD)/unit/test_guest_msg: UNIT_CFLAGS += $(BEARSSL_HOST_CFLAGS)
