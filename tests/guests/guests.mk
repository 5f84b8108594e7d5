# Test guests: static Linux x86_64 programs, run both natively and inside
# Cloister by tests/integration/guests.sh.  Every tests/guests/NAME.c except
# demo.c is built twice, against musl and glibc:
#   $(BUILD)/guests/musl/NAME    musl-gcc -static
#   $(BUILD)/guests/glibc/NAME   gcc -static
# GUESTS_PIE are also built as glibc static-PIEs ($(BUILD)/guests/glibc/NAME-pie)
# for the loader's ET_DYN path.  $(BUILD)/guests/demo (musl) is the default
# guest that `make run` embeds.  Helpers shared by the tests live in
# tests/guests/lib/ and are compiled into each test guest.

MUSL_CC      ?= musl-gcc
GLIBC_CC     ?= gcc
GUEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	-Wno-unused-parameter -Itests/guests/lib
GUEST_LIB    := tests/guests/lib/guest.c
GUEST_DEPS   := $(GUEST_LIB) tests/guests/lib/guest.h tests/guests/guests.mk

GUEST_NAMES := $(filter-out demo dyn_%,$(basename $(notdir \
	$(wildcard tests/guests/*.c))))
GUESTS_PIE  := hello auxv tls gdb_target

include tests/guests/dyn.mk

GUEST_BINS := $(BUILD)/guests/demo \
	$(patsubst %,$(BUILD)/guests/musl/%,$(GUEST_NAMES)) \
	$(patsubst %,$(BUILD)/guests/glibc/%,$(GUEST_NAMES)) \
	$(patsubst %,$(BUILD)/guests/glibc/%-pie,$(GUESTS_PIE))

.PHONY: guests
guests: $(GUEST_BINS) $(DYN_GUEST_BINS)

$(BUILD)/guests/demo: tests/guests/demo.c tests/guests/guests.mk
	$(call say,MUSLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) -static $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guests/musl/%: tests/guests/%.c $(GUEST_DEPS)
	$(call say,MUSLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) -static $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIB)

$(BUILD)/guests/glibc/%-pie: tests/guests/%.c $(GUEST_DEPS)
	$(call say,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(GLIBC_CC) -static-pie -fPIE $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIB)

$(BUILD)/guests/glibc/%: tests/guests/%.c $(GUEST_DEPS)
	$(call say,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(GLIBC_CC) -static $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIB)
