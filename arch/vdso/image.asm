; The vDSO image (arch/vdso/vdso.c linked by vdso.lds), embedded in the
; kernel's read-only data.  The Makefile passes its path as VDSO_SO.

section .rodata
align 4096
global arch_vdso_start
global arch_vdso_end
arch_vdso_start:
	incbin VDSO_SO
arch_vdso_end:
