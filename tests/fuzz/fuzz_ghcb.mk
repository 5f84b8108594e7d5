# ghcb/ parsers of untrusted input: the #VC instruction decoder, the
# hypervisor's GHCB responses (through the model in tests/unit, whose
# answers the fuzzer overwrites), and the SNP CPUID page.
FUZZ_TARGETS += vc_decode ghcb_resp cpuid_page
FUZZ_SRCS_vc_decode := ghcb/decode.c
FUZZ_SRCS_ghcb_resp := ghcb/msrproto.c ghcb/call.c ghcb/nae.c ghcb/psc.c \
	ghcb/cpuid.c ghcb/detect.c ghcb/vc.c ghcb/decode.c tests/unit/snp_model.c
FUZZ_SRCS_cpuid_page := ghcb/cpuid.c

# A valid CPUID page as the seed of fuzz_cpuid_page (the generator is not
# named fuzz_*: scripts/test runs every build/fuzz/fuzz_* as a target).
$(BUILD)/fuzz/gen_cpuid_seed: tests/fuzz/fuzz_cpuid_seed.c \
    tests/unit/snp_model.c $(FUZZ_SRCS_ghcb_resp)
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -I. -DHOST_TEST=1 -o $@ $< $(FUZZ_SRCS_ghcb_resp)

$(BUILD)/fuzz/corpus/cpuid_page/.stamp: $(BUILD)/fuzz/gen_cpuid_seed
	$(call say,GEN,$(BUILD)/fuzz/corpus/cpuid_page)
	$(Q)mkdir -p $(dir $@) && $< $(dir $@) && touch $@

fuzz: $(BUILD)/fuzz/corpus/cpuid_page/.stamp
