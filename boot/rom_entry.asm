; The kernel's entry from the ROM (boot/rom.asm jumps here in long mode,
; interrupts off, on its early page tables: the first 4 GiB identity and
; the first 1 GiB at KERNEL_VBASE).  Installs the early IDT, reads the TSC
; and calls boot_rom.
;
; The early IDT has one gate: #VC (vector 29).  Under SEV-ES/SNP an
; intercepted instruction raises #VC, and boot_rom's SNP bring-up
; (boot/rom_snp.c) executes CPUID before any GHCB exists; the gate is in
; place before the first instruction here that may trap (RDTSC, which a
; host may intercept).  Every other vector is absent, as before: an
; exception this early ends in a triple fault.  platform_start replaces
; the IDT (traps_init) before it enables anything.

bits 64
extern boot_rom
extern boot_rom_vc
extern boot_stacks
BOOT_STACK_TOP	equ 4096 + 16384		; as in boot/multiboot.asm
VEC_VC		equ 29
SEL_CODE64	equ 0x18			; boot/rom.asm's GDT
GATE_INTR	equ 0x8e00			; present, DPL0, interrupt gate

section .text
global boot_rom_entry
boot_rom_entry:
	mov rsp, boot_stacks + BOOT_STACK_TOP
	xor ebp, ebp
	; The #VC gate: offset 15:0, selector, IST 0 + type, 31:16, 63:32.
	mov rax, rom_vc_entry
	mov rdi, early_idt + VEC_VC * 16
	mov [rdi], ax
	mov word [rdi + 2], SEL_CODE64
	mov word [rdi + 4], GATE_INTR
	shr rax, 16
	mov [rdi + 6], ax
	shr rax, 16
	mov [rdi + 8], eax
	mov dword [rdi + 12], 0
	lidt [early_idtr]
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rdi, rax			; arg0: TSC at the kernel's entry
	call boot_rom
.hang:
	hlt
	jmp .hang

; #VC: the CPU pushed SS, RSP, RFLAGS, CS, RIP and the error code (the
; exit code).  Build arch's struct trap_frame (r15 lowest ... rax, vector,
; error, then the CPU's frame), hand it to boot_rom_vc, which emulates the
; instruction and advances RIP, or ends the guest.  176 bytes were pushed
; from a 16-byte aligned RSP, so the call is aligned.
rom_vc_entry:
	push VEC_VC
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
	mov rdi, rsp
	cld
	call boot_rom_vc
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
	add rsp, 16			; vector and error code
	iretq

; uint32_t boot_rom_vc_check(uint32_t leaf): the #VC path above without
; the CPU's delivery.  Builds the frame the CPU would push for a #VC on a
; CPUID (error code 0x72, RIP at a cpuid), enters rom_vc_entry, and
; returns EAX as the handler left it: iretq resumes after the cpuid,
; which never runs.  boot/rom.c uses it under snp=emulate (QEMU raises
; no #VC) to prove the gate's frame, the handler and iretq on a boot.
global boot_rom_vc_check
boot_rom_vc_check:
	push rbx
	mov r8, rsp
	and rsp, -16			; as the CPU aligns
	mov rax, ss
	push rax
	push r8
	pushfq
	mov rax, cs
	push rax
	lea rax, [rel .cpuid]
	push rax
	push 0x72			; SVM_EXIT_CPUID
	mov eax, edi
	xor ecx, ecx
	jmp rom_vc_entry
.cpuid:
	cpuid				; emulated, never executed
	pop rbx				; iretq restored rsp = r8
	ret

section .data
align 8
	dw 0, 0, 0
early_idtr:
	dw (VEC_VC + 1) * 16 - 1
	dq early_idt

section .bss
align 16
early_idt:
	resb (VEC_VC + 1) * 16
