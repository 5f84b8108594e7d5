# The UEFI loader (gnu-efi, Debian's gnu-efi package): $(BUILD)/X.efi is
# the loader with the flat kernel image $(BUILD)/X.bin inside, e.g.
# $(BUILD)/cloister.efi or scripts/run's $(BUILD)/images/KEY.efi.
# `make image` writes $(BUILD)/cloister.img, a disk with an EFI system
# partition holding EFI/BOOT/BOOTX64.EFI.
#
# The standard gnu-efi recipe: position-independent objects linked as a
# shared object with gnu-efi's crt0 and linker script, then objcopy to a
# PE/COFF EFI application.  -DGNU_EFI_USE_MS_ABI: see boot/uefi/main.c.

EFI_INC  := /usr/include/efi
EFI_LIB  := /usr/lib
EFI_CRT0 := $(EFI_LIB)/crt0-efi-x86_64.o
EFI_LDS  := $(EFI_LIB)/elf_x86_64_efi.lds

UEFI_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-I. -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64 \
	-DGNU_EFI_USE_MS_ABI -ffreestanding -fpic -fshort-wchar \
	-fno-stack-protector -fno-strict-aliasing -fno-common -mno-red-zone \
	-fvisibility=hidden -fcf-protection=none
UEFI_LDFLAGS := -nostdlib -znocombreloc -z noexecstack -shared -Bsymbolic \
	-T $(EFI_LDS)
UEFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
	-j .rel -j .rela -j .reloc

UEFI_SRCS := boot/uefi/main.c boot/uefi/facts.c boot/uefi/efimap.c \
	boot/uefi/parse.c boot/uefi/handoff.c boot/uefi/trampoline.asm
UEFI_OBJS := $(patsubst %,$(BUILD)/uefi/%.o,$(UEFI_SRCS))

$(BUILD)/uefi/%.c.o: %.c
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UEFI_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/uefi/%.asm.o: %.asm
	$(call say,AS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP $< -o $@

# The loader with X.bin inside.  QEMU's -kernel takes a file for a
# multiboot kernel if its first 8 KiB hold a multiboot header, so the
# embedded image must start later than that in the .efi: checked.  One
# shell with private temporary names: parallel scripts/run calls may
# build the same image.
$(BUILD)/%.efi: $(BUILD)/%.bin $(UEFI_OBJS) boot/uefi/uefi.mk
	$(call say,EFI,$@)
	$(Q)set -e; t=$@.$$$$; trap 'rm -f $$t.*' EXIT; \
	printf '%s\n' 'section .rodata.kimage' \
		'global kimage_blob_start:data hidden' \
		'global kimage_blob_end:data hidden' 'align 4096' \
		'kimage_blob_start:' 'incbin "$(abspath $<)"' 'kimage_blob_end:' \
		'section .note.GNU-stack noalloc noexec nowrite progbits' \
		>$$t.asm; \
	$(NASM) -f elf64 $$t.asm -o $$t.o; \
	$(LD) $(UEFI_LDFLAGS) -o $$t.so $(EFI_CRT0) $(UEFI_OBJS) $$t.o \
		-L$(EFI_LIB) -lefi -lgnuefi; \
	$(OBJCOPY) $(UEFI_SECTIONS) --target=efi-app-x86_64 --subsystem=10 \
		$$t.so $$t.efi; \
	if od -An -tx4 -v -N8192 $$t.efi | grep -qw 1badb002; then \
		echo "$@: multiboot magic in the first 8 KiB" >&2; exit 1; fi; \
	mv $$t.efi $@

# The loader's objects alone (for test scripts, before parallel runs).
uefi-loader: $(UEFI_OBJS)

.PHONY: uefi-loader image
image: $(BUILD)/cloister.img

$(BUILD)/cloister.img: $(BUILD)/cloister.efi boot/uefi/mkimage
	$(call say,IMAGE,$@)
	$(Q)boot/uefi/mkimage $< $@

-include $(UEFI_OBJS:.o=.d)
