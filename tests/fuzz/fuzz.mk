# libFuzzer targets: tests/fuzz/fuzz_NAME.c linked with FUZZ_SRCS_NAME and
# built with clang into $(BUILD)/fuzz/fuzz_NAME.  Another target adds
# itself in a tests/fuzz/NAME.mk (FUZZ_TARGETS += NAME, FUZZ_SRCS_NAME :=
# ...), or here.  Seeds come from tests/fuzz/gen_corpus.c at build time.
#   make fuzz                  build every target and the seed corpus
#   make fuzz-smoke FUZZ_TIME=20   run each target for FUZZ_TIME seconds

FUZZ_CC    := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-I. -DHOST_TEST=1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_TIME  ?= 20

FUZZ_TARGETS += elf cmdline
FUZZ_SRCS_elf := kernel/elf.c
FUZZ_SRCS_cmdline := kernel/cmdline.c
include $(filter-out tests/fuzz/fuzz.mk,$(wildcard tests/fuzz/*.mk))

FUZZ_BINS = $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_CORPUS := $(BUILD)/fuzz/corpus

.PHONY: fuzz fuzz-smoke
.SECONDEXPANSION:
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*)
	$(call say,FUZZCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS_$*)

$(BUILD)/fuzz/gen_corpus: tests/fuzz/gen_corpus.c
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror -o $@ $<

$(FUZZ_CORPUS)/.stamp: $(BUILD)/fuzz/gen_corpus
	$(call say,GEN,$(FUZZ_CORPUS))
	$(Q)$< $(FUZZ_CORPUS) && touch $@

fuzz: $$(FUZZ_BINS) $(FUZZ_CORPUS)/.stamp

# Each target runs on its own corpus directory (created if it has no
# seeds); crashes are written to $(BUILD)/fuzz/ and fail the run.
fuzz-smoke: fuzz
	$(Q)for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_CORPUS)/$$t; \
		echo "  FUZZ   $$t ($(FUZZ_TIME)s)"; \
		$(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) \
		    -artifact_prefix=$(BUILD)/fuzz/$$t- -print_final_stats=0 \
		    $(FUZZ_CORPUS)/$$t 2>$(BUILD)/fuzz/$$t.log || \
		    { tail -40 $(BUILD)/fuzz/$$t.log; exit 1; }; \
	done
