/*
 * probe-bzimage: a do-nothing Linux boot image (boot protocol 2.06) whose
 * first instruction reads the TSC and prints it on COM1, then exits QEMU
 * through isa-debug-exit.
 *
 * `make bench` boots it exactly like the Linux microVM (same QEMU flags,
 * same initrd, file padded to the size of vmlinuz so the firmware copies
 * as much), so its TSC value is the firmware's share of the time from VM
 * start to the first kernel instruction.  Under TCG the guest TSC counts
 * host TSC ticks from VM start.
 *
 * QEMU's linuxboot option ROM enters the setup code in real mode at
 * offset 0x200 of the file (CS = setup segment + 0x20, IP = 0).  The
 * header layout is Documentation/x86/boot.rst, "THE REAL-MODE KERNEL
 * HEADER".  Build: as --32, ld -m elf_i386 --oformat binary -Ttext 0.
 */
	.code16
	.text
	.globl	_start
_start:
	.org	0x1f1
setup_sects:	.byte	1		/* setup = (1 + 1) * 512 bytes */
root_flags:	.word	0
syssize:	.long	0
ram_size:	.word	0
vid_mode:	.word	0xffff		/* "normal" */
root_dev:	.word	0
boot_flag:	.word	0xaa55

	.org	0x200
	jmp	entry			/* the first instruction executed */
header:		.ascii	"HdrS"
version:	.word	0x0206		/* < 2.09: no setup_data from QEMU */
realmode_swtch:	.long	0
start_sys_seg:	.word	0x1000
kernel_version:	.word	0
type_of_loader:	.byte	0
loadflags:	.byte	0x01		/* LOADED_HIGH: payload at 1 MiB */
setup_move_size: .word	0x8000
code32_start:	.long	0x100000
ramdisk_image:	.long	0
ramdisk_size:	.long	0
bootsect_kludge: .long	0
heap_end_ptr:	.word	0
ext_loader_ver:	.byte	0
ext_loader_type: .byte	0
cmd_line_ptr:	.long	0
initrd_addr_max: .long	0x37ffffff
kernel_alignment: .long	0x200000
relocatable:	.byte	0
min_alignment:	.byte	0
xloadflags:	.word	0
cmdline_size:	.long	0x7ff

#define COM1		0x3f8
#define DEBUG_EXIT	0xf4

entry:
	rdtsc
	movl	%eax, %esi
	movl	%edx, %edi
	movw	$COM1, %dx
	movw	$(msg_end - msg), %cx
	movw	$(msg - 0x200), %bx	/* CS-relative: IP 0 is file offset 0x200 */
1:	movb	%cs:(%bx), %al
	outb	%al, %dx
	incw	%bx
	loop	1b
	movl	%edi, %ebx
	call	hex32
	movl	%esi, %ebx
	call	hex32
	movb	$'\n', %al
	outb	%al, %dx
	movw	$DEBUG_EXIT, %dx
	xorb	%al, %al
	outb	%al, %dx		/* QEMU exits with status 1 */
2:	hlt
	jmp	2b

/* Print %ebx as 8 hex digits on the port in %dx. */
hex32:
	movw	$8, %cx
3:	roll	$4, %ebx
	movb	%bl, %al
	andb	$0xf, %al
	addb	$'0', %al
	cmpb	$'9', %al
	jbe	4f
	addb	$('a' - '0' - 10), %al
4:	outb	%al, %dx
	loop	3b
	ret

msg:	.ascii	"PROBE tsc=0x"
msg_end:

	.org	0x400			/* end of the setup sectors */
