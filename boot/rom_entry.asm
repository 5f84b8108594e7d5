; The kernel's entry from the ROM (boot/rom.asm jumps here in long mode,
; interrupts off, on its early page tables: the first 4 GiB identity and
; the first 1 GiB at KERNEL_VBASE).  Reads the TSC and calls boot_rom.

bits 64
extern boot_rom
extern boot_stacks
BOOT_STACK_TOP	equ 4096 + 16384		; as in boot/multiboot.asm

section .text
global boot_rom_entry
boot_rom_entry:
	mov rsp, boot_stacks + BOOT_STACK_TOP
	xor ebp, ebp
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rdi, rax			; arg0: TSC at the kernel's entry
	call boot_rom
.hang:
	hlt
	jmp .hang
