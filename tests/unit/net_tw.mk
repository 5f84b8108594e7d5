# net/glue.c's TIME_WAIT bound (test_net_tw.c): real lwIP over its
# loopback interface, built from Debian's source like the kernel
# (Makefile: LWIP_*; its warnings are shown, not fatal, as in
# tests/fuzz/net_rx.mk).
UNIT_TESTS += net_tw
UNIT_SRCS_net_tw := net/glue.c net/sock.c net/addr.c net/chksum.c \
	tests/unit/mock_platform.c $(addprefix $(LWIP_DIR)/src/,$(LWIP_SRCS))
$(BUILD)/unit/test_net_tw: UNIT_CFLAGS += -Inet/port -I$(LWIP_DIR)/src/include \
	-Wno-error -fno-sanitize=null
$(BUILD)/unit/test_net_tw: tests/unit/net_tw.mk
