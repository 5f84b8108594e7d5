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
extern arch_ret_held
extern arch_irq_held_run
extern arch_irq_held
extern arch_kernel_rsp0
extern cpu_smap_enabled
global arch_isr_table
global arch_iret_to
global arch_sysret_to
global arch_ret_window
global arch_ret_window_end
global arch_idle_wait
global arch_idle_window_end

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
%elif %1 = 28
	jmp hv_entry
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
	cli
	test qword [rsp + FRAME_CS], 3
	jz .to_kernel
	swapgs
.to_kernel:
	POP_GPRS
	add rsp, 16			; vector, error
	; From here to the iretq only flags change: a #HV that lands here
	; (IF clear) holds its vectors and restarts here (arch_hv_rewind), so
	; vectors held for a frame that enables interrupts run before it.
arch_ret_window:
	test byte [rsp + 17], 2		; RFLAGS.IF (bit 9) of the iret frame
	jz arch_ret_window_end
	cmp byte [rel arch_irq_held], 0
	jne trap_ret_held
arch_ret_window_end:
	iretq
trap_ret_held:
	sub rsp, 16			; the frame is still there: take it back
	PUSH_GPRS
	test qword [rsp + FRAME_CS], 3
	jz .held_kernel
	swapgs
.held_kernel:
	mov rdi, rsp
	call arch_ret_held		; IF clear; may switch threads
	jmp trap_return

; #HV (SEV-SNP Restricted Injection, [APM] vol. 2 "#HV Exception",
; [GHCB] "#HV Doorbell Page"): IST_HV, at any instruction, IF or not.
; With IF set in the interrupted context it is not in the syscall gap
; (SFMASK clears IF there), so the frame moves to the stack a maskable
; interrupt would have used -- RSP0 from ring 3, the interrupted stack
; aligned as the CPU aligns it in ring 0 -- where the handler may
; deliver interrupts that switch threads.  With IF clear it stays on the
; IST stack and only holds vectors (no second #HV comes meanwhile: the
; hypervisor signals again only once the guest clears NoFurtherSignal).
hv_entry:
	test qword [rsp + 32], 0x200	; RFLAGS.IF of the interrupted context
	jz trap_common
	push rax
	push rcx
	test qword [rsp + 16 + 24], 3	; CS
	jz .hv_kernel
	mov rax, [rel arch_kernel_rsp0]
	jmp .hv_move
.hv_kernel:
	mov rax, [rsp + 16 + 40]	; the interrupted RSP
	and rax, -16
.hv_move:
	sub rax, 9 * 8			; rax, rcx, vector, error, 5-word frame
%assign i 0
%rep 9
	mov rcx, [rsp + i * 8]
	mov [rax + i * 8], rcx
%assign i i + 1
%endrep
	mov rsp, rax
	pop rcx
	pop rax
	jmp trap_common

; void arch_idle_wait(void): sti; hlt; cli, unless held vectors wait
; (they run instead, IF clear).  A #HV anywhere before the hlt ends
; resumes at the cli (arch_hv_rewind): the caller's loop looks again
; rather than sleeping on what the #HV held or delivered.
arch_idle_wait:
	cmp byte [rel arch_irq_held], 0
	jne arch_irq_held_run
	sti
	hlt
arch_idle_window_end:
	cli
	ret

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
