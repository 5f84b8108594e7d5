# Cloister build.  `make` builds build/cloister.elf (symbols, for gdb) and
# build/cloister.bin (the multiboot-loadable flat image) with the default
# demo guest embedded.  `make run`, `make test`, `make bench`, `make debug`.
# V=1 shows full commands.

ifneq ($(V),1)
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
else
Q :=
say =
endif

BUILD   ?= build
CC      := gcc
LD      := ld
NASM    := nasm
OBJCOPY := objcopy
GCC_INC := $(shell $(CC) -print-file-name=include)

GUEST   ?= $(BUILD)/guests/demo
ACCEL   ?= tcg
BOOT    ?= multiboot
ARGS    ?=

# Kernel C flags: freestanding, no libc, no red zone (interrupts use the
# stack), no SSE in the kernel (guest FPU state is only touched on thread
# switches), frame pointers for backtraces, stack protector with a canary
# randomised at boot.
KCFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -nostdinc -isystem $(GCC_INC) -I. \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fstack-protector-strong -mstack-protector-guard=global \
	-fno-strict-aliasing -fno-common \
	-fno-asynchronous-unwind-tables -fcf-protection=none \
	-DHEAP_DEBUG=1 $(EXTRA_KCFLAGS)
# Code that runs before the stack canary is set or paging is ours.
EARLY_KCFLAGS := $(KCFLAGS) -fno-stack-protector
NASMFLAGS := -f elf64 -g -F dwarf

# Source lists choose what is built (no #ifdef targets).
BOOT_SRCS     := boot/multiboot.asm boot/multiboot.c
ARCH_SRCS     := $(wildcard arch/*.c arch/*.asm)
PLATFORM_SRCS := $(wildcard platform/*.c platform/*.asm)
GHCB_SRCS     := $(wildcard ghcb/*.c)
KERNEL_SRCS   := $(wildcard kernel/*.c)
SHIM_SRCS     := $(wildcard shim/*.c)
NET_SRCS      := $(wildcard net/*.c)
EARLY_SRCS    := boot/multiboot.c platform/start.c

KSRCS := $(BOOT_SRCS) $(ARCH_SRCS) $(PLATFORM_SRCS) $(GHCB_SRCS) \
	 $(KERNEL_SRCS) $(SHIM_SRCS) $(NET_SRCS)
KOBJS := $(patsubst %,$(BUILD)/k/%.o,$(KSRCS))

.PHONY: all kernel run debug gdb test unit bench deps clean image
all: $(BUILD)/cloister.bin

deps:
	$(Q)scripts/deps

$(BUILD)/k/%.c.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(if $(filter $<,$(EARLY_SRCS)),$(EARLY_KCFLAGS),$(KCFLAGS)) -MMD -MP -c $< -o $@

$(BUILD)/k/%.asm.o: %.asm
	$(call say,AS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# All kernel objects in one archive: images for different guests only
# differ in the final link (scripts/link-image), so they never recompile.
$(BUILD)/kernel.a: $(KOBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(KOBJS)

kernel: $(BUILD)/kernel.a

$(BUILD)/cloister.bin: $(BUILD)/kernel.a $(GUEST) scripts/link-image linker.ld
	$(call say,LINK,$@)
	$(Q)scripts/link-image $(GUEST) $(BUILD)/cloister

-include $(KOBJS:.o=.d)
-include tests/guests/guests.mk
-include tests/fuzz/fuzz.mk
-include tests/fuzz-guest/fuzz-guest.mk
-include boot/uefi/uefi.mk
include tests/unit/unit.mk

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/run --boot $(BOOT) --accel $(ACCEL) $(if $(ROOTFS),--rootfs $(ROOTFS)) $(GUEST) $(ARGS)

debug: deps all
	$(Q)scripts/debug $(BUILD)/cloister

gdb:
	$(Q)gdb -q -x $(BUILD)/cloister.gdb

test: deps
	$(Q)scripts/test

bench: deps
	$(Q)scripts/bench

clean:
	rm -rf $(BUILD)
