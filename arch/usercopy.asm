; User-memory copies with fault recovery.
;
; Each instruction that touches user memory has an entry in .extable
; (fault RIP -> fixup RIP).  On a page fault at such an instruction the
; trap handler resumes at the fixup, which returns the bytes not copied.
; SMAP is opened with stac for exactly the duration of the access.
; The caller (platform/uaccess.c) has already checked that the user range
; lies below the user-space limit, so the kernel is never the target.

bits 64
default rel

%macro EXTABLE 2
section .extable
	dq %1, %2
section .text
%endmacro

extern cpu_smap_enabled

section .text

; size_t arch_copy_from_user(void *dst, const void *usrc, size_t n)
; size_t arch_copy_to_user(void *udst, const void *src, size_t n)
; Both are rep movsq for the bulk, then rep movsb for the tail, with the
; fault (either side) recovered: rcx holds the elements left when a fault
; interrupts a string instruction.  A fault in the bulk reports its whole
; 8-byte element (and the tail) as not copied, so the count may be up to
; 7 bytes short of the exact fault boundary, as Linux allows.
global arch_copy_from_user
global arch_copy_to_user
arch_copy_from_user:
arch_copy_to_user:
	mov rcx, rdx
	shr rcx, 3
	and edx, 7
	call smap_open
.copyq:
	rep movsq
	mov rcx, rdx
.copyb:
	rep movsb
.done:
	call smap_close
	mov rax, rcx
	ret
.faultq:
	lea rcx, [rcx * 8 + rdx]
	jmp .done
	EXTABLE .copyq, .faultq
	EXTABLE .copyb, .done

; size_t arch_clear_user(void *udst, size_t n)
global arch_clear_user
arch_clear_user:
	mov rcx, rsi
	shr rcx, 3
	and esi, 7
	xor eax, eax
	call smap_open
.clearq:
	rep stosq
	mov rcx, rsi
.clearb:
	rep stosb
.done:
	call smap_close
	mov rax, rcx
	ret
.faultq:
	lea rcx, [rcx * 8 + rsi]
	jmp .done
	EXTABLE .clearq, .faultq
	EXTABLE .clearb, .done

; long arch_strnlen_user(const char *us, size_t max)
; Returns the string's length when it is at most max, max + 1 when no NUL
; is among the first max + 1 bytes, or -1 on a fault.
global arch_strnlen_user
arch_strnlen_user:
	xor eax, eax
	call smap_open
.loop:
	cmp rax, rsi
	ja .done
.load:
	cmp byte [rdi + rax], 0
	je .done
	inc rax
	jmp .loop
.fault:
	mov rax, -1
.done:
	call smap_close
	ret
	EXTABLE .load, .fault

smap_open:
	cmp byte [cpu_smap_enabled], 0
	je .no
	stac
.no:
	ret

smap_close:
	cmp byte [cpu_smap_enabled], 0
	je .no
	clac
.no:
	ret
