; The last code the UEFI loader runs.  handoff_jump() copies it into the
; handoff region (identity-mapped in both the firmware's tables and the
; new ones, which is what makes the CR3 switch safe) and calls the copy:
;
;   void tramp(struct boot_info *bi,			; RDI, passed on
;	    const struct handoff_args *args);		; RSI
;
; It switches to the loader's page tables, GDT and stack, then moves the
; kernel to its link address if the loader staged it elsewhere (the
; firmware's boot-services memory there is free only now, and the
; firmware's page tables may have been part of it), zeroes the bss, and
; jumps to the kernel's boot_uefi_entry (boot/multiboot.asm), which sets
; its own stack.  Position-independent: only RIP-relative references.

bits 64
default rel

GDT_KCODE	equ 0x08		; boot/uefi/handoff.c: gdt[1]

; struct handoff_args (boot/uefi/internal.h, offsets asserted there).
ARG_ENTRY	equ 0
ARG_CR3		equ 8
ARG_STACK	equ 16
ARG_SRC		equ 24
ARG_DST		equ 32
ARG_COPY	equ 40
ARG_ZERO	equ 48
ARG_GDTR	equ 56
ARG_IDTR	equ 72

section .text
global uefi_tramp_start:function hidden
global uefi_tramp_end:function hidden
uefi_tramp_start:
	cli
	mov rax, [rsi + ARG_CR3]
	mov cr3, rax
	mov rsp, [rsi + ARG_STACK]
	lgdt [rsi + ARG_GDTR]
	lidt [rsi + ARG_IDTR]		; limit 0: a fault now is a triple fault
	lea rax, [.reload]
	push GDT_KCODE
	push rax
	o64 retf			; CS = GDT_KCODE
.reload:
	xor eax, eax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax

	mov rdx, rdi			; boot_info
	mov r8, [rsi + ARG_ENTRY]
	mov r9, [rsi + ARG_ZERO]
	mov rcx, [rsi + ARG_COPY]
	mov rdi, [rsi + ARG_DST]
	mov rsi, [rsi + ARG_SRC]
	cld
	rep movsb			; the loader checked: no overlap
	mov rcx, r9
	rep stosb			; AL = 0, RDI = end of the copy

	mov rdi, rdx
	xor ebp, ebp
	jmp r8
uefi_tramp_end:

section .note.GNU-stack noalloc noexec nowrite progbits
