# The syscall fuzzer guest (tests/fuzz-guest/sysfuzz.c), a static musl
# program.  tests/integration/sysfuzz.sh runs it for a short budget in
# `make test`; `make fuzz-guest SECONDS=N SEED=S` runs it longer.

SYSFUZZ := $(BUILD)/fuzz-guest/sysfuzz

$(SYSFUZZ): tests/fuzz-guest/sysfuzz.c tests/fuzz-guest/fuzz-guest.mk
	$(call say,MUSLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) -static -std=gnu11 -O2 -g -Wall -Wextra -Werror \
		-Wno-unused-parameter -o $@ $< -lpthread

.PHONY: fuzz-guest
fuzz-guest: $(SYSFUZZ) $(BUILD)/kernel.a
	FUZZ_SECONDS=$(or $(SECONDS),60) FUZZ_SEEDS="$(or $(SEED),$$(date +%s))" \
		bash tests/integration/sysfuzz.sh
