# Dynamically linked test guests (tests/guests/dyn_*.c), run by
# tests/integration/dynamic.sh with their interpreter and libraries
# (scripts/mkrootfs): each built with musl and with glibc, no -static:
#   $(BUILD)/guests/dyn/musl/NAME, $(BUILD)/guests/dyn/glibc/NAME
# dyn_plugin.c is the shared library dyn_dlopen loads:
#   $(BUILD)/guests/dyn/LIBC/libdyn_plugin.so (it links libm).

DYN_GUEST_NAMES := dyn_hello dyn_dlopen
DYN_GUEST_BINS := \
	$(patsubst %,$(BUILD)/guests/dyn/musl/%,$(DYN_GUEST_NAMES)) \
	$(patsubst %,$(BUILD)/guests/dyn/glibc/%,$(DYN_GUEST_NAMES)) \
	$(BUILD)/guests/dyn/musl/libdyn_plugin.so \
	$(BUILD)/guests/dyn/glibc/libdyn_plugin.so
DYN_DEPS := tests/guests/guests.mk tests/guests/dyn.mk

$(BUILD)/guests/dyn/musl/libdyn_plugin.so: tests/guests/dyn_plugin.c $(DYN_DEPS)
	$(call say,MUSLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) -shared -fPIC $(GUEST_CFLAGS) -o $@ $< -lm

$(BUILD)/guests/dyn/glibc/libdyn_plugin.so: tests/guests/dyn_plugin.c $(DYN_DEPS)
	$(call say,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(GLIBC_CC) -shared -fPIC $(GUEST_CFLAGS) -o $@ $< -lm

$(BUILD)/guests/dyn/musl/%: tests/guests/%.c $(DYN_DEPS)
	$(call say,MUSLCC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_CC) $(GUEST_CFLAGS) -o $@ $<

$(BUILD)/guests/dyn/glibc/%: tests/guests/%.c $(DYN_DEPS)
	$(call say,CC,$@)
	@mkdir -p $(dir $@)
	$(Q)$(GLIBC_CC) $(GUEST_CFLAGS) -o $@ $<
