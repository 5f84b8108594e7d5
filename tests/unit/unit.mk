# Host unit tests: tests/unit/test_NAME.c linked with UNIT_SRCS_NAME, built
# with sanitizers.  Each test has a two-line tests/unit/NAME.mk:
#   UNIT_TESTS += NAME
#   UNIT_SRCS_NAME := platform/foo.c tests/unit/mock_platform.c
# scripts/test builds `make unit` and runs every binary.

UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-I. -DHOST_TEST=1 -DHEAP_DEBUG=1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all

UNIT_TESTS :=
include $(filter-out tests/unit/unit.mk,$(wildcard tests/unit/*.mk))

UNIT_BINS = $(patsubst %,$(BUILD)/unit/test_%,$(UNIT_TESTS))

.SECONDEXPANSION:
$(BUILD)/unit/test_%: tests/unit/test_%.c $$(UNIT_SRCS_$$*) tests/unit/harness.h
	$(call say,HOSTCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_SRCS_$*)

unit: $$(UNIT_BINS)
