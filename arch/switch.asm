; Kernel context switch and the first run of a new thread.
;
; void arch_context_switch(uint64_t *save_rsp, uint64_t new_rsp)
;   Saves the callee-saved registers on the current stack, stores RSP in
;   *save_rsp, switches to new_rsp and pops the same registers there.  The
;   caller-saved registers are dead across the call by the C ABI.
;
; A new thread's stack is prepared (platform/thread.c) so that the switch
; "returns" into arch_thread_trampoline with RSP pointing at its
; struct trap_frame; the trampoline hands that frame to the C function
; whose address sits just above the six zeroed registers.

bits 64
default rel

global arch_context_switch
global arch_thread_trampoline
extern thread_first_run

section .text
arch_context_switch:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

arch_thread_trampoline:
	mov rdi, rsp			; the new thread's trap frame
	xor ebp, ebp
	call thread_first_run		; never returns
	ud2
