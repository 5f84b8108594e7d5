#!/usr/bin/env bash
# ROM boot: the kernel as QEMU's -bios (boot/rom.asm, no SeaBIOS or OVMF),
# RAM from fw_cfg etc/e820, the command line from fw_cfg
# opt/cloister/cmdline, through scripts/run --boot rom.
#
#   rom/demo          boots from the reset vector, says so, exits 0
#   rom/status-N      a guest's exit status reaches the host
#   rom/args          argv (spaces, quotes, commas, empty, UTF-8) survives
#                     fw_cfg (QEMU's option syntax doubles commas)
#   rom/mem-5g        5 GiB: the e820 map's RAM above 4 GiB is used
#   rom/panic         a kernel panic gives the backtrace and status 250
#   rom/q35           the same ROM on q35 (the SNP machine type), with no
#                     command line at all
#   rom/sev-cbit      the ROM takes the C-bit from an SNP CPUID page: a
#                     planted page naming bit 47 puts it in every early
#                     PTE (under TCG's 40 physical bits: a reserved-bit
#                     #PF at the first fetch with paging on); a page
#                     without SEV, or with a C-bit out of range, is ignored
#   rom/footer        QEMU's firmware table: footer GUID at 4 GiB - 0x30,
#                     the SEV-ES reset block and the ASEV metadata
#   rom/musl/NAME, rom/glibc/NAME  differential guests through the ROM
#   rom/musl/stdin    input on COM1 by interrupt: no BIOS puts the local
#                     APIC in virtual-wire mode, the kernel must
set -uo pipefail
source "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-$(nproc)}
g=$BUILD/guests

if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" guests \
	"$BUILD/cloister.rom" >&2
then
	fail rom "build failed: make kernel.a guests cloister.rom (see stderr)"
	exit 0
fi
run_tmp

# rom_run NAME EXPECTED [run options] -- ELF [ARGS...]: leaves NAME.out,
# NAME.err; fails unless the status is EXPECTED.
rom_run() {
	local name=$1 want=$2 opts=() st e
	shift 2
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	for e in "${GUEST_ENV[@]}"; do
		opts+=(--env "$e")
	done
	scripts/run --boot rom --timeout "$RUN_TIMEOUT" "${opts[@]}" "$@" \
		</dev/null >"$RUN_TMP/$name.out" 2>"$RUN_TMP/$name.err"
	st=$?
	if ((st != want)); then
		tail -n 10 "$RUN_TMP/$name.err" >&2
		fail "rom/$name" "$(cloister_status_name "$st"), expected status $want"
		return 1
	fi
}

# log_has NAME PATTERN...
log_has() {
	local name=$1 p
	shift
	for p in "$@"; do
		if ! grep -q -- "$p" "$RUN_TMP/$name.err"; then
			fail "rom/$name" "kernel log lacks '$p'"
			return 1
		fi
	done
	pass "rom/$name"
}

check_demo() {
	rom_run demo 0 -- "$g/demo" &&
		log_has demo "cloister: booting (ROM)" "platform up at" "exit status=0"
}

check_status() {
	local st
	for st in 0 3 255; do
		rom_run "status-$st" "$st" --quiet -- "$g/musl/spin" "$st" &&
			pass "rom/status-$st"
	done
}

check_args() {
	local args=(one 'two words' '' 'a,b,,c' 'quote"and\backslash' 'héllo')
	rom_run args 0 --quiet -- "$g/musl/auxv" "${args[@]}" || return
	run_native "$g/musl/auxv" "${args[@]}"
	if cmp -s "$RUN_STDOUT" "$RUN_TMP/args.out"; then
		pass rom/args
	else
		diff -u -a "$RUN_STDOUT" "$RUN_TMP/args.out" | head -n 20 >&2
		fail rom/args "stdout differs from the native run"
	fi
}

check_mem_5g() {
	rom_run mem-5g 0 --mem 5120 -- "$g/musl/hello" || return
	if grep -q '^\[ *[0-9.]*\]   \[0x0001[0-9a-f]\{8\}-' "$RUN_TMP/mem-5g.err"; then
		pass rom/mem-5g
	else
		fail rom/mem-5g "no usable memory above 4 GiB in the kernel log"
	fi
}

check_panic() {
	rom_run panic 250 --cmdline selftest=panic -- "$g/musl/spin" 0 &&
		log_has panic "kernel panic: selftest: deliberate panic" "backtrace:"
}

# QEMU started by hand: q35, no fw_cfg command line (the kernel runs the
# embedded guest with no arguments).
check_q35() {
	timeout "$RUN_TIMEOUT" qemu-system-x86_64 -M q35 -m 256 -nodefaults \
		-display none -no-reboot -bios "$BUILD/cloister.rom" \
		-accel tcg -cpu max -debugcon "file:$RUN_TMP/q35.err" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 >/dev/null 2>&1
	log_has q35 "cloister: booting (ROM)" "exit status=0"
}

# cpuid_page FILE SEV_EAX CBIT: an SNP CPUID page with two entries.
cpuid_page() {
	python3 -c '
import struct, sys
p = bytearray(4096)
struct.pack_into("<I", p, 0, 2)
struct.pack_into("<IIQQIIIIQ", p, 16, 0x80000000, 0, 0, 0, 0x8000001f, 0, 0, 0, 0)
struct.pack_into("<IIQQIIIIQ", p, 64, 0x8000001f, 0, 0, 0, int(sys.argv[2]), int(sys.argv[3]), 0, 0, 0)
open(sys.argv[1], "wb").write(p)' "$@"
}

# cbit_boot NAME: QEMU with the planted page NAME.bin; log in NAME.err,
# interrupts in NAME.int.
cbit_boot() {
	timeout "$RUN_TIMEOUT" qemu-system-x86_64 -M q35 -m 128 -nodefaults \
		-display none -no-reboot -bios "$BUILD/cloister.rom" \
		-accel tcg -cpu max -debugcon "file:$RUN_TMP/$1.err" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 \
		-device "loader,file=$RUN_TMP/$1.bin,addr=0x1f000,force-raw=on" \
		-d int -D "$RUN_TMP/$1.int" >/dev/null 2>&1
}

check_sev_cbit() {
	local first
	cpuid_page "$RUN_TMP/cbit47.bin" 3 47
	cbit_boot cbit47
	first=$(grep -m1 ' v=' "$RUN_TMP/cbit47.int")
	if [[ ! $first =~ v=0e\ e=00[0-9a-f][89a-f] ]] ||
		grep -q "cloister: booting" "$RUN_TMP/cbit47.err"; then
		fail rom/sev-cbit "C-bit 47 not in the early page tables (first event: ${first:-none})"
		return
	fi
	cpuid_page "$RUN_TMP/nosev.bin" 0 47
	cpuid_page "$RUN_TMP/cbit20.bin" 3 20
	for n in nosev cbit20; do
		cbit_boot "$n"
		if ! grep -q "exit status=0" "$RUN_TMP/$n.err"; then
			fail rom/sev-cbit "a CPUID page ($n) that must be ignored stopped the boot"
			return
		fi
	done
	pass rom/sev-cbit
}

# The table QEMU reads (hw/i386/pc_sysfw_ovmf.c), checked with an
# independent reader: scripts/snp-measure --table.
check_footer() {
	local out
	out=$(scripts/snp-measure --table "$BUILD/cloister.rom" 2>&1)
	if [[ $out == *"reset-eip 0xfffff"* && $out == *"SNP_SECRETS 0x1e000"* &&
		$out == *"CPUID 0x1f000"* && $out == *"SNP_SEC_MEM 0x100000"* ]]
	then
		pass rom/footer
	else
		echo "$out" >&2
		fail rom/footer "footer table or SEV metadata not as boot/rom.asm lays it out"
	fi
}

# A few differential guests through the ROM (RUN_BOOT=rom runs the
# whole of guests.sh this way).
check_differential() {
	local t
	RUN_BOOT=rom
	for t in musl/hello glibc/mmap musl/signal_handler musl/thread_create \
		glibc/fs_basic; do
		[[ -x $g/$t ]] || { fail "rom/$t" "no guest $g/$t"; continue; }
		differential "rom/$t" "$g/$t"
	done
}

check_stdin() {
	RUN_BOOT=rom
	RUN_TIMEOUT=30
	RUN_INPUT=$'hello\nsecond line with more words\n\nEND\nafter the end\n'
	differential rom/musl/stdin "$g/musl/stdin"
}

checks=(${ROM_CHECKS:-check_demo check_status check_args check_mem_5g
	check_panic check_q35 check_sev_cbit check_footer check_differential check_stdin})
i=0
for c in "${checks[@]}"; do
	"$c" >"$RUN_TMP/result.$c" &
	i=$((i + 1))
	((i % JOBS == 0)) && wait
done
wait
for c in "${checks[@]}"; do
	cat "$RUN_TMP/result.$c"
done
