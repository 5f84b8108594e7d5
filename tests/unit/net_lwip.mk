# net/glue.c with real lwIP (test_net_lwip.c): the TIME_WAIT bound and
# the delayed ACKs sent before the CPU idles, over lwIP's
# loopback interface, built from Debian's source like the kernel
# (Makefile: LWIP_*; its warnings are shown, not fatal, as in
# tests/fuzz/net_rx.mk).
UNIT_TESTS += net_lwip
UNIT_SRCS_net_lwip := net/glue.c net/sock.c net/addr.c net/chksum.c \
	tests/unit/mock_platform.c $(addprefix $(LWIP_DIR)/src/,$(LWIP_SRCS))
$(BUILD)/unit/test_net_lwip: UNIT_CFLAGS += -Inet/port -I$(LWIP_DIR)/src/include \
	-Wno-error -fno-sanitize=null
$(BUILD)/unit/test_net_lwip: tests/unit/net_lwip.mk
