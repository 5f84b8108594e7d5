UNIT_TESTS += netlink
UNIT_SRCS_netlink := net/netlink.c
