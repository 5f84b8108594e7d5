FUZZ_TARGETS += guest_msg
FUZZ_SRCS_guest_msg := ghcb/guest_msg.c $(BEARSSL_SRCS)
$(BUILD)/fuzz/fuzz_guest_msg: FUZZ_CFLAGS += $(BEARSSL_HOST_CFLAGS)

# A seed the parser accepts: flag byte 1 (seal it), then a header with
# seqno 2, algo 1, header version 1, size 0x60, MSG_REPORT_RSP v1, 32 bytes.
$(BUILD)/fuzz/corpus/guest_msg/.stamp:
	$(Q)mkdir -p $(dir $@) && python3 -c 'import sys, struct; \
	h = bytes(32) + struct.pack("<Q", 2) + bytes(8) + \
	    struct.pack("<BBHBBH", 1, 1, 0x60, 6, 1, 32); \
	sys.stdout.buffer.write(b"\x01" + h.ljust(0x60, b"\0") + bytes(32))' \
	    >$(dir $@)seed-valid && touch $@

fuzz: $(BUILD)/fuzz/corpus/guest_msg/.stamp
