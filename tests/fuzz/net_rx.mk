# The receive path from the virtio used ring through lwIP (fuzz_net_rx.c),
# built with Debian's lwIP source like the kernel (Makefile: LWIP_*).
# Seeds: frames a peer on QEMU's user network sends (ARP, ICMP echo, a
# TCP SYN and segment, UDP, IPv4 fragments, IPv6 neighbour solicitation),
# made by tests/fuzz/net_seeds.py.
FUZZ_TARGETS += net_rx
FUZZ_SRCS_net_rx := net/glue.c net/sock.c net/addr.c net/chksum.c platform/virtq.c \
	platform/vnet.c platform/shmem_copy.c tests/unit/mock_shmem.c tests/unit/vnet_model.c \
	tests/unit/mock_platform.c $(addprefix $(LWIP_DIR)/src/,$(LWIP_SRCS))

# lwIP is third-party code: its warnings are shown, not fatal.  Not the
# null check either: lwIP's icmp6.c takes ip_2_ip6() of a NULL from
# ip6_select_source_address (an ICMPv6 error while no source address is
# valid yet), a member access within a null pointer to UBSan although it
# only computes an address (offset 0) and tests it at once.  A real null
# dereference still stops the fuzzer (SEGV under ASan).
$(BUILD)/fuzz/fuzz_net_rx: FUZZ_CFLAGS += -Inet/port -I$(LWIP_DIR)/src/include \
	-Wno-error -fno-sanitize=null
# Its flags are here: a change to them rebuilds it.
$(BUILD)/fuzz/fuzz_net_rx: tests/fuzz/net_rx.mk

$(BUILD)/fuzz/corpus/net_rx/.stamp: tests/fuzz/net_seeds.py tests/integration/net_frames.py
	$(call say,GEN,$(FUZZ_CORPUS)/net_rx)
	$(Q)mkdir -p $(dir $@) && python3 -B tests/fuzz/net_seeds.py $(dir $@) && touch $@

fuzz: $(BUILD)/fuzz/corpus/net_rx/.stamp
