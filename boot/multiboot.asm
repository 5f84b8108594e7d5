; Multiboot1 entry: 32-bit protected mode -> long mode -> boot_multiboot().
;
; QEMU's -kernel loads only 32-bit multiboot ELFs, so the image is a flat
; binary using the multiboot "a.out kludge" (header flag bit 16): the header
; names the physical load range and entry point itself.  This code runs
; before paging, linked at its physical address (section .boot).
;
; Early page tables map the first 1 GiB twice with 2 MiB pages: identity
; (to survive enabling paging) and at KERNEL_VBASE (the higher half).
; platform/ replaces them with the real tables as soon as C runs.
;
; The same image also starts from UEFI: boot/uefi/ carries it, reads the
; record after the multiboot header and enters boot_uefi_entry in long
; mode.

bits 32

MB_MAGIC	equ 0x1BADB002
MB_FLAGS	equ (1 << 0) | (1 << 1) | (1 << 16)	; align, meminfo, a.out kludge
MB_BOOT_MAGIC	equ 0x2BADB002
KERNEL_VBASE	equ 0xffffffff80000000

CR0_PE		equ 1 << 0
CR0_WP		equ 1 << 16
CR0_PG		equ 1 << 31
CR4_PAE		equ 1 << 5
EFER_MSR	equ 0xC0000080
EFER_LME	equ 1 << 8
EFER_NXE	equ 1 << 11
PTE_P		equ 1 << 0
PTE_W		equ 1 << 1
PTE_PS		equ 1 << 7

DEBUGCON	equ 0xe9
DEBUG_EXIT	equ 0xf4

extern __image_pend
extern __load_pend
extern boot_multiboot
extern boot_pml4
extern boot_pdpt_lo
extern boot_pdpt_hi
extern boot_pd
extern boot_stacks
extern platform_start
BOOT_STACK_TOP	equ 4096 + 16384		; guard page + stack of boot_stacks[0]

section .multiboot
align 4
mb_header:
	dd MB_MAGIC
	dd MB_FLAGS
	dd -(MB_MAGIC + MB_FLAGS)
	dd mb_header			; header_addr
	dd mb_header			; load_addr: the image starts here
	dd __load_pend			; load_end_addr
	dd __image_pend			; bss_end_addr
	dd _start32			; entry_addr

; The UEFI entry record, at offset 32 of the flat image: the loader in
; boot/uefi/ finds the 64-bit entry here (boot/uefi/parse.h, struct
; kimage_header).
UEFI_RECORD_MAGIC equ 'CL64'
	dd UEFI_RECORD_MAGIC
	dd 0				; reserved
	dq boot_uefi_entry		; virtual address of the 64-bit entry

section .boot.text
global _start32
_start32:
	cli
	cld
	mov edi, eax			; multiboot magic
	mov esi, ebx			; multiboot info (physical)
	rdtsc
	mov [boot_tsc_lo], eax
	mov [boot_tsc_hi], edx
	mov esp, phys_stack_top

	cmp edi, MB_BOOT_MAGIC
	jne .no_multiboot

	; Long mode needs CPUID leaf 0x80000001 EDX bit 29.
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode
	mov ebp, edx			; keep NX support (bit 20) for EFER.NXE

	; PD: 512 x 2 MiB identity entries covering the first 1 GiB.
	mov edi, boot_pd - KERNEL_VBASE
	mov eax, PTE_P | PTE_W | PTE_PS
	mov ecx, 512
.fill_pd:
	mov [edi], eax
	mov dword [edi + 4], 0
	add eax, 0x200000
	add edi, 8
	loop .fill_pd

	; PDPT_lo[0] and PDPT_hi[510] both point at the PD.
	mov eax, boot_pd - KERNEL_VBASE
	or eax, PTE_P | PTE_W
	mov [boot_pdpt_lo - KERNEL_VBASE], eax
	mov [boot_pdpt_hi - KERNEL_VBASE + 510 * 8], eax
	; PML4[0] -> PDPT_lo, PML4[511] -> PDPT_hi.
	mov eax, boot_pdpt_lo - KERNEL_VBASE
	or eax, PTE_P | PTE_W
	mov [boot_pml4 - KERNEL_VBASE], eax
	mov eax, boot_pdpt_hi - KERNEL_VBASE
	or eax, PTE_P | PTE_W
	mov [boot_pml4 - KERNEL_VBASE + 511 * 8], eax

	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, boot_pml4 - KERNEL_VBASE
	mov cr3, eax
	mov ecx, EFER_MSR
	rdmsr
	or eax, EFER_LME
	test ebp, 1 << 20
	jz .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_PE | CR0_WP
	mov cr0, eax

	lgdt [gdt64_ptr]
	jmp 0x08:.long_mode

.no_multiboot:
	mov esi, msg_no_mb
	jmp .fail
.no_long_mode:
	mov esi, msg_no_lm
.fail:
	; Say why on the debug console, then exit through isa-debug-exit
	; (status 0x7f -> "boot failed"), then halt if that device is absent.
	mov dx, DEBUGCON
.putc:
	lodsb
	test al, al
	jz .exit
	out dx, al
	jmp .putc
.exit:
	mov dx, DEBUG_EXIT
	mov eax, 0x7f
	out dx, eax
.halt:
	hlt
	jmp .halt

bits 64
.long_mode:
	xor eax, eax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov rax, .higher_half
	jmp rax

section .text
.higher_half:
	mov rsp, boot_stacks + BOOT_STACK_TOP
	xor ebp, ebp
	mov edi, esi			; arg0: multiboot info (physical)
	mov esi, [rel boot_tsc_lo_v]
	mov edx, [rel boot_tsc_hi_v]
	shl rdx, 32
	or rsi, rdx			; arg1: TSC at entry
	call boot_multiboot
.hang:
	hlt
	jmp .hang

; UEFI entry: the loader in boot/uefi/ jumps here in long mode, on page
; tables that map the first 1 GiB both at 0 and at KERNEL_VBASE (like the
; early tables above), with CS = 0x08, null data segments, interrupts off
; and RDI = struct boot_info (identity-mapped, below 1 GiB).
global boot_uefi_entry
boot_uefi_entry:
	mov rsp, boot_stacks + BOOT_STACK_TOP
	xor ebp, ebp
	call platform_start		; arg0 (RDI) is the loader's boot_info
.hang:
	hlt
	jmp .hang

boot_tsc_lo_v	equ boot_tsc_lo + KERNEL_VBASE
boot_tsc_hi_v	equ boot_tsc_hi + KERNEL_VBASE

section .boot.rodata
align 8
gdt64:
	dq 0
	dq 0x00209A0000000000		; 64-bit code, DPL0
	dq 0x0000920000000000		; data
gdt64_ptr:
	dw gdt64_ptr - gdt64 - 1
	dd gdt64
msg_no_mb:
	db "cloister: not started by a multiboot loader", 10, 0
msg_no_lm:
	db "cloister: this CPU has no long mode (x86_64 required)", 10, 0

section .boot.text
align 16
boot_tsc_lo:	dd 0
boot_tsc_hi:	dd 0
	times 1024 db 0
phys_stack_top:
