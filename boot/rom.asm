; Cloister as a QEMU -bios ROM: reset vector -> 32-bit protected mode ->
; 64-bit long mode -> the kernel's boot_rom_entry.  Assembled as a flat
; binary by boot/rom-image, which passes:
;   ROM_SIZE      the ROM's size (a multiple of 64 KiB; it ends at 4 GiB)
;   KERNEL_BIN    the kernel's flat image (build/cloister.bin), linked to
;                 run at KERNEL_PBASE
;   KERNEL_PEND   the physical end of the kernel, bss included
;   KERNEL_ENTRY  the virtual address of boot_rom_entry
;
; ROM layout: the kernel image from offset 0, zeros, and the last 4 KiB
; page: this code, its GDT, the SEV metadata, the OVMF-compatible footer
; table that QEMU reads (ending at 4 GiB - 0x20) and the reset vector at
; 4 GiB - 0x10.
;
; What runs before long mode (relevant under SEV-ES/SNP, where CPUID, port
; I/O and most MSRs raise #VC before a handler exists): lgdt, mov to CR0,
; far jumps, segment loads, rep movsd/stosd to RAM, mov to CR3/CR4, and
; rdmsr/wrmsr of EFER (not intercepted for SEV-ES guests, as OVMF's reset
; vector relies on too).  No CPUID, no port I/O, no other MSR, no RDTSC.
; Page-table entries take their upper half from EBP, the C-bit mask: under
; SEV-SNP the C-bit position comes from the CPUID page the secure processor
; filled in at ROM_SNP_CPUID (rom_sev_cbit), read without any instruction
; that traps; elsewhere that page is zero RAM and the mask is 0.  Before
; paging every data access is private under SEV, so the kernel copy and
; the tables are written encrypted; page-table walks are always private.

%ifndef ROM_SIZE
%error "boot/rom.asm: assemble through boot/rom-image"
%endif

KERNEL_PBASE	equ 0x100000
KERNEL_VBASE	equ 0xffffffff80000000
ROM_BASE	equ 0x100000000 - ROM_SIZE
STUB_BASE	equ 0x100000000 - 0x1000	; the last page

; Keep in sync with boot/internal.h.
ROM_PT_BASE	equ 0x10000		; PML4, PDPT_lo, PDPT_hi, 4 PDs
ROM_PT_END	equ 0x17000
ROM_SNP_SECRETS	equ 0x1e000
ROM_SNP_CPUID	equ 0x1f000
SNP_CPUID_MAX	equ 64			; entries a CPUID page can hold
PML4		equ ROM_PT_BASE
PDPT_LO		equ ROM_PT_BASE + 0x1000
PDPT_HI		equ ROM_PT_BASE + 0x2000
PD0		equ ROM_PT_BASE + 0x3000	; 4 PDs: 0-4 GiB in 2 MiB pages

CR0_PE		equ 1 << 0
CR0_WP		equ 1 << 16
CR0_PG		equ 1 << 31
CR4_PAE		equ 1 << 5
EFER_MSR	equ 0xC0000080
EFER_LME	equ 1 << 8
PTE_P		equ 1 << 0
PTE_W		equ 1 << 1
PTE_PS		equ 1 << 7

SEL_CODE32	equ 0x08
SEL_DATA	equ 0x10
SEL_CODE64	equ 0x18

; SEV metadata section types (edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm)
SEV_SNP_SEC_MEM	equ 1
SEV_SNP_SECRETS	equ 2
SEV_CPUID	equ 3

; A GUID in its little-endian byte order (EFI_GUID).
%macro GUID 11
	dd %1
	dw %2, %3
	db %4, %5, %6, %7, %8, %9, %10, %11
%endmacro

	org ROM_BASE
kernel_image:
	incbin KERNEL_BIN
kernel_image_end:
KERNEL_LOAD	equ kernel_image_end - kernel_image
KERNEL_BSS	equ KERNEL_PEND - KERNEL_PBASE - KERNEL_LOAD

	times (ROM_SIZE - 0x1000) - ($ - $$) db 0

; ---- the last page: STUB_BASE ----
bits 16
rom_start16:
	cli
	cld
	; CS base is 0xffff0000 after reset; the 16-bit offset is > 0x7fff.
[warning -number-overflow]
	o32 lgdt [cs:gdt_ptr - 0xffff0000]
[warning +number-overflow]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword SEL_CODE32:rom_start32

; SEV-ES/SNP application processors start here (the SEV-ES reset block
; below names it); Cloister runs on one CPU, so they stop.
rom_ap_reset:
	cli
.halt:
	hlt
	jmp .halt

bits 32
rom_start32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax

	; The kernel image to KERNEL_PBASE, then its bss cleared.
	mov esi, kernel_image
	mov edi, KERNEL_PBASE
	mov ecx, (KERNEL_LOAD + 3) / 4
	rep movsd
	xor eax, eax
	mov ecx, (KERNEL_BSS + 3) / 4
	rep stosd

	; The C-bit: CPUID 0x8000001F in the SNP CPUID page (SNP firmware ABI
	; #56860, "CPUID page": u32 count, 12 bytes reserved, then count
	; 48-byte entries {u32 eax_in, ecx_in; u64 xcr0_in, xss_in; u32 eax,
	; ebx, ecx, edx; u64 reserved}).  EAX bit 1: SEV; EBX[5:0]: the C-bit.
	; A page that is absent, malformed or names a C-bit outside 32..62
	; gives no mask (the kernel's own SEV checks then stop an SNP guest).
rom_sev_cbit:
	xor ebp, ebp			; C-bit mask bits 63:32
	mov ecx, [ROM_SNP_CPUID]
	cmp ecx, SNP_CPUID_MAX
	ja .done
	mov esi, ROM_SNP_CPUID + 16
.scan:
	test ecx, ecx
	jz .done
	cmp dword [esi], 0x8000001f
	je .found
	add esi, 48
	dec ecx
	jmp .scan
.found:
	test dword [esi + 24], 1 << 1
	jz .done
	mov ecx, [esi + 28]
	and ecx, 0x3f
	sub ecx, 32
	jb .done
	cmp ecx, 62 - 32
	ja .done
	mov ebp, 1
	shl ebp, cl
.done:

	; Early page tables.
	mov edi, ROM_PT_BASE
	mov ecx, (ROM_PT_END - ROM_PT_BASE) / 4
	xor eax, eax
	rep stosd
	mov edi, PD0			; 2048 x 2 MiB: identity 0-4 GiB
	mov eax, PTE_P | PTE_W | PTE_PS
	mov ecx, 2048
.fill_pd:
	mov [edi], eax
	mov [edi + 4], ebp
	add eax, 0x200000
	add edi, 8
	loop .fill_pd
	mov edi, PDPT_LO		; PDPT_lo[0..3] -> PD0..PD3
	mov eax, PD0 | PTE_P | PTE_W
	mov ecx, 4
.fill_pdpt:
	mov [edi], eax
	mov [edi + 4], ebp
	add eax, 0x1000
	add edi, 8
	loop .fill_pdpt
	; PDPT_hi[510] -> PD0: the first 1 GiB at KERNEL_VBASE.
	mov dword [PDPT_HI + 510 * 8], PD0 | PTE_P | PTE_W
	mov [PDPT_HI + 510 * 8 + 4], ebp
	mov dword [PML4], PDPT_LO | PTE_P | PTE_W
	mov [PML4 + 4], ebp
	mov dword [PML4 + 511 * 8], PDPT_HI | PTE_P | PTE_W
	mov [PML4 + 511 * 8 + 4], ebp

	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, PML4
	mov cr3, eax
	mov ecx, EFER_MSR
	rdmsr
	or eax, EFER_LME
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP | CR0_PE
	mov cr0, eax
	jmp SEL_CODE64:rom_start64

bits 64
rom_start64:
	xor eax, eax
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax
	mov rax, KERNEL_ENTRY
	jmp rax

align 8
gdt:
	dq 0
	dq 0x00cf9b000000ffff		; 0x08: 32-bit code, flat
	dq 0x00cf93000000ffff		; 0x10: data, flat
	dq 0x00af9b000000ffff		; 0x18: 64-bit code
gdt_ptr:
	dw gdt_ptr - gdt - 1
	dd gdt

; SEV metadata (edk2 OvmfSevMetadata.asm; QEMU target/i386/sev.c reads it
; for SEV-SNP and launches each section with its page type).
align 16
sev_metadata:
	db "ASEV"
	dd sev_metadata_end - sev_metadata
	dd 1				; version
	dd (sev_metadata_end - sev_sections) / 12
sev_sections:
	dd ROM_PT_BASE, ROM_PT_END - ROM_PT_BASE, SEV_SNP_SEC_MEM
	dd KERNEL_PBASE, (KERNEL_PEND - KERNEL_PBASE + 0xfff) & ~0xfff, SEV_SNP_SEC_MEM
	dd ROM_SNP_SECRETS, 0x1000, SEV_SNP_SECRETS
	dd ROM_SNP_CPUID, 0x1000, SEV_CPUID
sev_metadata_end:

; The footer GUID table QEMU reads (hw/i386/pc_sysfw_ovmf.c): entries of
; [data][u16 length of the entry][GUID], walked backwards from the footer
; GUID at 4 GiB - 0x30, whose u16 is the length of the whole table.
FOOTER_LEN	equ 2 * (4 + 2 + 16) + 2 + 16
	; (a negative count here: the last page overflowed)
	times (ROM_SIZE - 0x20 - FOOTER_LEN) - ($ - $$) db 0
footer_table:
	dd 0x100000000 - sev_metadata	; offset of the metadata from the end
	dw 4 + 2 + 16
	GUID 0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc
	dd rom_ap_reset			; SEV-ES reset block: AP reset address
	dw 4 + 2 + 16
	GUID 0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e
	dw footer_end - footer_table
	GUID 0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d
footer_end:

%if footer_end - footer_table != FOOTER_LEN
%error "boot/rom.asm: FOOTER_LEN is wrong"
%endif

; 4 GiB - 0x20: reserved (zeros); 4 GiB - 0x10: the reset vector.
	times 16 db 0
bits 16
reset_vector:
	jmp near rom_start16
	times ROM_SIZE - ($ - $$) db 0
