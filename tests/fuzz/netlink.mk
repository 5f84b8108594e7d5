# net_nl_answer (net/netlink.c): any datagram a guest sends to a
# NETLINK_ROUTE socket.
FUZZ_TARGETS += netlink
FUZZ_SRCS_netlink := net/netlink.c
