; Exception and interrupt entry; the return to user mode from a full
; frame (syscall entry and its fast sysret: arch/syscall.asm).
;
; Every path builds a struct trap_frame (arch/arch.h) on the kernel stack
; and calls a C handler with a pointer to it.  GS: in the kernel GS points
; at struct arch_percpu; the user's GS base lives in KERNEL_GS_BASE while
; we run, so entries from ring 3 swapgs (and exits to ring 3 swap back).
; Vectors 2 (NMI), 8 (#DF) and 18 (#MC) run on IST stacks and are
; "paranoid": they may arrive at any instruction, so they never swapgs and
; their handlers do not touch per-CPU data; they only report and exit.

bits 64
default rel

FRAME_CS	equ 18 * 8		; offsetof(struct trap_frame, cs)
FRAME_SIZE	equ 22 * 8

extern arch_trap
extern cpu_smap_enabled
global arch_isr_table
global arch_iret_to
global arch_sysret_to

%macro PUSH_GPRS 0
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
%endmacro

%macro POP_GPRS 0
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
%endmacro

; Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30.
%macro ISR 1
align 16
isr_%1:
%if %1 = 8 || (%1 >= 10 && %1 <= 14) || %1 = 17 || %1 = 21 || %1 = 29 || %1 = 30
%else
	push 0
%endif
	push %1
%if %1 = 2 || %1 = 8 || %1 = 18
	jmp trap_paranoid
%else
	jmp trap_common
%endif
%endmacro

section .text
%assign v 0
%rep 256
	ISR v
%assign v v + 1
%endrep

; Entry for ordinary exceptions and interrupts.  Delivery does not clear
; RFLAGS.AC: a fault inside a user copy would run its handler with SMAP
; open, so close it (the saved RFLAGS restores it on return).
trap_common:
	cld
	test qword [rsp + 24], 3	; CS of the interrupted context
	jz .kernel
	swapgs
.kernel:
	cmp byte [rel cpu_smap_enabled], 0
	je .no_smap
	clac
.no_smap:
	PUSH_GPRS
	xor ebp, ebp
	mov rdi, rsp
	call arch_trap
	; fall through to the common exit with rsp = frame
trap_return:
	test qword [rsp + FRAME_CS], 3
	jz .to_kernel
	cli
	swapgs
.to_kernel:
	POP_GPRS
	add rsp, 16			; vector, error
	iretq

trap_paranoid:
	cld
	PUSH_GPRS
	xor ebp, ebp
	mov rdi, rsp
	call arch_trap			; reports and exits; returns only for NMI
	POP_GPRS
	add rsp, 16
	iretq

; void arch_iret_to(struct trap_frame *f): noreturn, IF off on entry.
arch_iret_to:
	mov rsp, rdi
	jmp trap_return

; void arch_sysret_to(struct trap_frame *f): the frame is a syscall frame
; whose RIP is canonical user space and whose RCX/R11 equal RIP/RFLAGS.
arch_sysret_to:
	mov rsp, rdi
	POP_GPRS			; rcx = rip, r11 = rflags already
	mov rsp, [rsp + 16 + 24]	; user rsp
	swapgs
	o64 sysret

section .rodata
align 8
arch_isr_table:
%assign v 0
%rep 256
	dq isr_ %+ v
%assign v v + 1
%endrep
