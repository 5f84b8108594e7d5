# BearSSL's AES-256-GCM for SNP guest messages (ghcb/guest_msg.c), built
# from Debian's `bearssl` source package (scripts/fetch-bearssl: pinned
# version, checked .dsc, private apt state under $(BUILD)/bearssl) and
# never vendored.  Only the constant-time code guest messages need:
# br_gcm over br_aes_ct64 (bitsliced AES) and br_ghash_ctmul64.  The
# kernel build is freestanding: ghcb/freestanding/ supplies the two libc
# headers it includes; memcpy/memset come from platform/string.c.

BEARSSL_DIR   := $(BUILD)/bearssl/src
BEARSSL_STAMP := $(BEARSSL_DIR)/.stamp-0.6+dfsg.1-3
BEARSSL_FILES := aead/gcm.c symcipher/aes_ct64.c symcipher/aes_ct64_ctr.c \
	symcipher/aes_ct64_enc.c symcipher/aes_common.c hash/ghash_ctmul64.c \
	codec/dec32le.c codec/enc32le.c codec/dec32be.c codec/enc32be.c \
	codec/ccopy.c
BEARSSL_SRCS  := $(addprefix $(BEARSSL_DIR)/src/,$(BEARSSL_FILES))
BEARSSL_OBJS  := $(patsubst %,$(BUILD)/k/bearssl/%.o,$(BEARSSL_FILES))
# No intrinsics, no OS entropy or time: only portable C is compiled.
BEARSSL_DEFS  := -DBR_AES_X86NI=0 -DBR_SSE2=0 -DBR_RDRAND=0 -DBR_POWER8=0 \
	-DBR_USE_URANDOM=0 -DBR_USE_GETENTROPY=0 -DBR_USE_UNIX_TIME=0 \
	-DBR_USE_WIN32_TIME=0 -DBR_USE_WIN32_RAND=0 -DBR_64=1
BEARSSL_INC   := -I$(BEARSSL_DIR)/inc

$(BEARSSL_STAMP): scripts/fetch-bearssl
	$(Q)BUILD=$(BUILD) scripts/fetch-bearssl

$(BEARSSL_SRCS): | $(BEARSSL_STAMP) ;

$(BUILD)/k/bearssl/%.c.o: $(BEARSSL_DIR)/src/%.c | $(BEARSSL_STAMP)
	$(call say,CC,bearssl/$*.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -Wextra -I.,$(KCFLAGS)) -Ighcb/freestanding \
		$(BEARSSL_INC) -I$(BEARSSL_DIR)/src $(BEARSSL_DEFS) -c $< -o $@

# Kernel files that use BearSSL's API.
$(BUILD)/k/ghcb/guest_msg.c.o: KCFLAGS += -Ighcb/freestanding $(BEARSSL_INC)
$(BUILD)/k/ghcb/guest_msg.c.o: | $(BEARSSL_STAMP)

# Host builds (unit tests, fuzz targets): the same files, hosted.
BEARSSL_HOST_CFLAGS := $(BEARSSL_INC) -I$(BEARSSL_DIR)/src $(BEARSSL_DEFS)
