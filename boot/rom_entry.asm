; The kernel's entry from the ROM (boot/rom.asm jumps here in long mode,
; interrupts off, on its early page tables: the first 4 GiB identity and
; the first 1 GiB at KERNEL_VBASE).  Installs the early IDT, reads the TSC
; and calls boot_rom.
;
; The early IDT has one gate: #VC (vector 29).  Under SEV-ES/SNP an
; intercepted instruction raises #VC, and boot_rom's SNP bring-up
; (boot/rom_snp.c) executes CPUID before any GHCB exists; the gate is in
; place before the first instruction here that may trap (RDTSC, which a
; host may intercept).  It is arch's own #VC entry (arch/entry.asm builds
; struct trap_frame and calls arch_trap), with boot_rom_vc as the
; handler.  Every other vector is absent, as before: an exception this
; early ends in a triple fault.  platform_start replaces the IDT and the
; handler (traps_init) before it enables anything.

bits 64
extern boot_rom
extern boot_rom_vc
extern boot_stacks
extern arch_isr_table
extern arch_set_trap_handler
BOOT_STACK_TOP	equ 4096 + 16384		; as in boot/multiboot.asm
VEC_VC		equ 29
SEL_CODE64	equ 0x18			; boot/rom.asm's GDT
GATE_INTR	equ 0x8e00			; present, DPL0, interrupt gate

section .text
global boot_rom_entry
boot_rom_entry:
	mov rsp, boot_stacks + BOOT_STACK_TOP
	xor ebp, ebp
	mov edi, VEC_VC
	mov rsi, boot_rom_vc
	call arch_set_trap_handler
	; The #VC gate: offset 15:0, selector, IST 0 + type, 31:16, 63:32.
	mov rax, [arch_isr_table + VEC_VC * 8]
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

; uint32_t boot_rom_vc_check(uint32_t leaf): the #VC path above without
; the CPU's delivery.  Builds the frame the CPU would push for a #VC on a
; CPUID (error code 0x72, RIP at a cpuid), enters the gate's target, and
; returns EAX as the handler left it: iretq resumes after the cpuid,
; which never runs.  boot/rom.c uses it under snp=emulate (QEMU raises
; no #VC) to prove the gate, the handler and iretq on a boot.
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
	jmp [arch_isr_table + VEC_VC * 8]
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
