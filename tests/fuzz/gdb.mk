# The gdb stub's packet decoder and commands against the mock target
# (a hostile peer on the debug serial line).  Seeds: a gdb session's
# packets.
FUZZ_TARGETS += gdb
FUZZ_SRCS_gdb := kernel/gdb_proto.c kernel/gdb_cmd.c kernel/gdb_regs.c kernel/heap.c platform/fmt.c tests/unit/mock_gdbt.c tests/unit/mock_platform.c

$(BUILD)/fuzz/corpus/gdb/.stamp: tests/fuzz/gdb.mk
	$(call say,GEN,$(FUZZ_CORPUS)/gdb)
	$(Q)mkdir -p $(FUZZ_CORPUS)/gdb && \
	printf '+$$qSupported:swbreak+#fa$$g#67$$m400000,10#00$$Z0,400100,1#00$$vCont;s:7;c#00\003' \
		>$(FUZZ_CORPUS)/gdb/session && \
	printf 'FqXfer:features:read:target.xml:0,ffb\nP10=0020400000000000\nX400000,2:ab\ng\nm400000,10\nM400000,2:abcd\nZ0,400100,1\nz0,400100,1\nZ2,400008,8\nvCont;s:7;c\nqfThreadInfo\nqThreadExtraInfo,7\nqRcmd,6c6f67\nHg7\np10\n' \
		>$(FUZZ_CORPUS)/gdb/framed && \
	touch $@

fuzz: $(BUILD)/fuzz/corpus/gdb/.stamp
