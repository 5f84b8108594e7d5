UNIT_TESTS += guest_msg
UNIT_SRCS_guest_msg := ghcb/guest_msg.c tests/unit/psp_model.c $(BEARSSL_SRCS)
$(BUILD)/unit/test_guest_msg: UNIT_CFLAGS += $(BEARSSL_HOST_CFLAGS)

# scripts/snp-verify's tests take their report from the model.
$(BUILD)/unit/psp_emit: tests/unit/psp_emit.c ghcb/guest_msg.c \
		tests/unit/psp_model.c $(BEARSSL_SRCS)
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UNIT_CFLAGS) $(BEARSSL_HOST_CFLAGS) -o $@ $(filter %.c,$^)
unit: $(BUILD)/unit/psp_emit
