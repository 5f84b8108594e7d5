# Cloister build.  `make` builds build/cloister.elf (symbols, for gdb) and
# build/cloister.bin (the multiboot-loadable flat image) with the default
# demo guest embedded.  `make rom` builds build/cloister.rom (a -bios ROM).
# `make run` (SNP=1: as an SEV-SNP guest), `make test`, `make bench`, `make debug`.
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
BOOT_SRCS     := boot/multiboot.asm boot/multiboot.c \
		 boot/rom_entry.asm boot/rom.c boot/fwcfg.c boot/fwcfg_io.c
ARCH_SRCS     := $(wildcard arch/*.c arch/*.asm)
PLATFORM_SRCS := $(wildcard platform/*.c platform/*.asm)
GHCB_SRCS     := $(wildcard ghcb/*.c)
KERNEL_SRCS   := $(wildcard kernel/*.c)
SHIM_SRCS     := $(wildcard shim/*.c)
NET_SRCS      := $(wildcard net/*.c)
EARLY_SRCS    := boot/multiboot.c platform/start.c boot/rom.c boot/fwcfg.c \
		 boot/fwcfg_io.c

KSRCS := $(BOOT_SRCS) $(ARCH_SRCS) $(PLATFORM_SRCS) $(GHCB_SRCS) \
	 $(KERNEL_SRCS) $(SHIM_SRCS) $(NET_SRCS) arch/vdso/image.asm
KOBJS := $(patsubst %,$(BUILD)/k/%.o,$(KSRCS))

# lwIP, from Debian's source package (scripts/lwip-fetch: pinned version,
# checked .dsc, unpacked under $(BUILD)/lwip, never committed), compiled
# freestanding with Cloister's port headers in net/port.
LWIP_DIR  := $(BUILD)/lwip/src
LWIP_SRCS := core/def.c core/inet_chksum.c core/init.c core/ip.c \
	core/mem.c core/memp.c core/netif.c core/pbuf.c core/sys.c \
	core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c \
	core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	core/ipv6/ethip6.c core/ipv6/icmp6.c core/ipv6/inet6.c \
	core/ipv6/ip6.c core/ipv6/ip6_addr.c core/ipv6/ip6_frag.c \
	core/ipv6/mld6.c core/ipv6/nd6.c netif/ethernet.c
LWIP_OBJS := $(patsubst %.c,$(BUILD)/lwip/obj/%.o,$(LWIP_SRCS))
LWIP_INC  := -Inet/port -Inet/port/libc -I$(LWIP_DIR)/src/include
KOBJS += $(LWIP_OBJS)


.PHONY: all kernel run debug gdb gdb-serial test unit bench deps clean image rom
all: $(BUILD)/cloister.bin

$(LWIP_DIR)/.stamp: scripts/lwip-fetch
	$(Q)scripts/lwip-fetch $(BUILD)/lwip

$(LWIP_DIR)/src/%.c: $(LWIP_DIR)/.stamp
	@test -f $@
# Fetched, not made: make must not delete them as intermediate files
# (the .d files name them, so the next build would find them missing).
.PRECIOUS: $(LWIP_DIR)/src/%.c

# Third-party code: its warnings are shown, not fatal.
$(BUILD)/lwip/obj/%.o: $(LWIP_DIR)/src/%.c
	$(call say,CC,lwip/$*.c)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -Wno-error $(LWIP_INC) -MMD -MP -c $< -o $@

$(patsubst %,$(BUILD)/k/%.o,$(NET_SRCS)): KCFLAGS += $(LWIP_INC)
$(patsubst %,$(BUILD)/k/%.o,$(NET_SRCS)): | $(LWIP_DIR)/.stamp

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

# The vDSO: its own position-independent shared object, checked
# (scripts/check-vdso: no relocations, the symbols and versions libcs
# look up) and embedded in the kernel by arch/vdso/image.asm.
VDSO_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC \
	-ffreestanding -fno-builtin -nostdinc -isystem $(GCC_INC) -I. \
	-mgeneral-regs-only -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-common
VDSO_LDFLAGS := -shared -nostdlib -soname=linux-vdso.so.1 --hash-style=both \
	--build-id=none -z max-page-size=4096 -z noexecstack

$(BUILD)/vdso/vdso.o: arch/vdso/vdso.c arch/vdso/vvar.h
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(VDSO_CFLAGS) -c $< -o $@

$(BUILD)/vdso/vdso.so: $(BUILD)/vdso/vdso.o arch/vdso/vdso.lds scripts/check-vdso
	$(call say,LD,$@)
	$(Q)$(LD) $(VDSO_LDFLAGS) -T arch/vdso/vdso.lds $< -o $@.tmp
	$(Q)scripts/check-vdso $@.tmp && mv $@.tmp $@

$(BUILD)/k/arch/vdso/image.asm.o: $(BUILD)/vdso/vdso.so
$(BUILD)/k/arch/vdso/image.asm.o: NASMFLAGS += -DVDSO_SO='"$(BUILD)/vdso/vdso.so"'

# All kernel objects in one archive: images for different guests only
# differ in the final link (scripts/link-image), so they never recompile.
include ghcb/bearssl.mk

$(BUILD)/kernel.a: $(KOBJS) $(BEARSSL_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $(KOBJS) $(BEARSSL_OBJS)

kernel: $(BUILD)/kernel.a

# Which guest the image holds: rewritten when GUEST names another file,
# so `make image GUEST=...` relinks even when that file is older.
$(BUILD)/guest.id: FORCE
	@mkdir -p $(BUILD)
	@echo '$(abspath $(GUEST)) $(ARGS) $(ROOTFS)' | cmp -s - $@ || \
		echo '$(abspath $(GUEST)) $(ARGS) $(ROOTFS)' >$@

.PHONY: FORCE
FORCE:

# The image bakes in the guest's command line (ARGS: words, no quoting)
# for boots that pass none (make image), and ROOTFS (a directory or a
# tar archive, with the default files) as its root; with ROOTFS it is
# relinked every time, as make cannot see into it.
BAKED_CMDLINE := -- "$(GUEST)"$(foreach a,$(ARGS), "$(a)")
$(BUILD)/cloister.bin: $(BUILD)/kernel.a $(GUEST) $(BUILD)/guest.id \
		scripts/link-image linker.ld $(if $(ROOTFS),FORCE)
	$(call say,LINK,$@)
	$(Q)tar=$$(scripts/rootfs-tar $(BUILD) $(BUILD)/cloister.rootfs.tar \
		$(ROOTFS)) && CMDLINE='$(BAKED_CMDLINE)' \
		scripts/link-image $(GUEST) $(BUILD)/cloister $$tar

# The -bios ROM (boot/rom.asm): the same image behind a reset vector.
rom: $(BUILD)/cloister.rom
$(BUILD)/cloister.rom: $(BUILD)/cloister.bin boot/rom.asm boot/rom-image
	$(call say,ROM,$@)
	$(Q)boot/rom-image $(BUILD)/cloister

-include $(KOBJS:.o=.d)
-include tests/guests/guests.mk
-include tests/fuzz/fuzz.mk
-include tests/fuzz-guest/fuzz-guest.mk
-include boot/uefi/uefi.mk
include tests/unit/unit.mk

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/run $(if $(SNP),--snp,--boot $(BOOT) --accel $(ACCEL)) $(if $(ROOTFS),--rootfs $(ROOTFS)) $(if $(GDB),--gdb $(GDB) --gdb-wait) $(GUEST) $(ARGS)

debug: deps all
	$(Q)scripts/debug $(BUILD)/cloister

gdb:
	$(Q)gdb -q -x $(BUILD)/cloister.gdb

# The in-kernel stub (`make run GDB=1235` in another terminal): the
# guest's symbols (gdb relocates them to its load base through qOffsets)
# and the kernel's.
gdb-serial:
	$(Q)gdb -q -ex 'file $(GUEST)' \
		-ex 'add-symbol-file $(BUILD)/cloister.elf' \
		-ex 'target remote 127.0.0.1:$(or $(GDB),1235)'

test: deps
	$(Q)scripts/test

bench: deps
	$(Q)scripts/bench

clean:
	rm -rf $(BUILD)
