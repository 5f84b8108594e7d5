; SYSCALL entry and the SYSRET way back (the C side: arch/syscall.c).
;
; Fast path: the number indexes the fast table (arch_syscall_set_fast)
; and the handler is called with the six arguments in C registers.  The
; frame (struct trap_frame) gets the registers C may clobber and the
; CPU state; the callee-saved ones (rbx, rbp, r12-r15) are left live in
; the CPU, their slots unwritten, since C preserves them.  On the way
; back, one word is checked: the current thread's work word, which the
; platform sets when a signal or anything else must run before user
; mode (plus -EINTR, which may need a restart).  Anything else, or a
; return sysret could not take, completes the frame and goes the slow
; way through C (arch_enter_user chooses sysret or iretq there).

bits 64
default rel

GDT_UDATA	equ 0x20
GDT_UCODE	equ 0x28
VEC_SYSCALL	equ 0x100
EINTR		equ 4
RFLAGS_TF_RF	equ (1 << 8) | (1 << 16)

; Offsets in struct trap_frame (arch/arch.h).
F_R15		equ 0
F_R14		equ 8
F_R13		equ 16
F_R12		equ 24
F_RBP		equ 64
F_RBX		equ 104
F_RAX		equ 112
F_RSP_FROM_RBX	equ 160 - F_RBX		; user rsp, seen from the rbx slot

extern arch_enter_user
extern arch_hv_mode
extern arch_syscall_fast_table
extern arch_syscall_fast_count
extern arch_syscall_slow_fn
extern arch_syscall_work_fn
global arch_syscall_entry

; Store the callee-saved registers (still the user's) into the frame.
%macro COMPLETE_FRAME 0
	mov [rsp + F_RBX], rbx
	mov [rsp + F_RBP], rbp
	mov [rsp + F_R12], r12
	mov [rsp + F_R13], r13
	mov [rsp + F_R14], r14
	mov [rsp + F_R15], r15
%endmacro

section .text

; SYSCALL: RCX = user RIP, R11 = user RFLAGS, IF cleared by SFMASK.
align 16
arch_syscall_entry:
	swapgs
	mov [gs:16], rsp		; percpu.user_rsp
	mov rsp, [gs:8]			; percpu.kernel_rsp
	push GDT_UDATA | 3		; ss
	push qword [gs:16]		; rsp
	push r11			; rflags
	push GDT_UCODE | 3		; cs
	push rcx			; rip
	push rax			; error slot: the syscall number
	push VEC_SYSCALL		; vector
	push rax
	sub rsp, 8			; rbx: callee-saved
	push rcx
	push rdx
	push rsi
	push rdi
	sub rsp, 8			; rbp: callee-saved
	push r8
	push r9
	push r10
	push r11
	sub rsp, 32			; r12-r15: callee-saved
	; The number is the low 32 bits of RAX (Linux's do_syscall_64);
	; the AND below clears the upper half.
	cmp eax, [arch_syscall_fast_count]
	jae .slow
	sbb r11d, r11d			; all ones, or 0 if mispredicted:
	and eax, r11d			; no speculative load past the end
	; sysret needs a canonical RCX and no TF/RF to restore.
	test dword [rsp + 32], RFLAGS_TF_RF	; the r11 slot
	jnz .slow
	mov r11, rcx
	shr r11, 47
	jnz .slow
	mov r11, [arch_syscall_fast_table]
	mov r11, [r11 + rax * 8]
	test r11, r11
	jz .slow
	mov rcx, r10			; the fourth argument
	call r11
	cli				; a handler that blocked may return with IF on
	mov rcx, [gs:32]		; percpu.user_work
	cmp dword [rcx], 0
	jne .work
	cmp byte [rel arch_hv_mode], 0	; #HV: out through trap_return
	jne .work
	cmp rax, -EINTR
	je .work
	add rsp, 32			; r12-r15 are live
	pop r11				; = rflags
	pop r10
	pop r9
	pop r8
	add rsp, 8			; rbp is live
	pop rdi
	pop rsi
	pop rdx
	pop rcx				; = rip
	mov rsp, [rsp + F_RSP_FROM_RBX]
	swapgs
	o64 sysret

.slow:
	COMPLETE_FRAME
	xor ebp, ebp
	mov rdi, rsp
	call [arch_syscall_slow_fn]
	jmp .out
.work:
	mov [rsp + F_RAX], rax
	COMPLETE_FRAME
	xor ebp, ebp
	mov rdi, rsp
	call [arch_syscall_work_fn]
.out:
	mov rdi, rsp
	call arch_enter_user		; chooses sysret or iretq
	ud2
