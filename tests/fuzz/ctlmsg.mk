FUZZ_TARGETS += ctlmsg
FUZZ_SRCS_ctlmsg := platform/ctlmsg.c
