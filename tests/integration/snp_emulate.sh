#!/usr/bin/env bash
# SNP paths in plain QEMU: with the kernel option snp=emulate an in-guest
# stand-in hypervisor (ghcb/emulate.c) sits behind ghcb/'s hardware seam,
# so detection, the feature policy, the CPUID page, GHCB registration,
# PVALIDATE + page-state change of the shared pool and every port and MSR
# access through the GHCB page run on a real boot.  Checks that the mode
# is on, and runs guests side by side with their native runs.  (What this
# cannot prove is in ghcb/README.md.)
#
#   snp-emulate/rom-early   the ROM boot takes the early path
#                           (boot/rom_snp.c): the GHCB comes up before
#                           fw_cfg, fw_cfg read again through it agrees
#                           with the plain read, RAM below 4 GiB accepted,
#                           the platform keeps the ROM's GHCB, and the
#                           early #VC gate (entered with a CPU-shaped
#                           frame: QEMU raises no #VC) answers a CPUID
#   snp-emulate/rom/NAME    guests through the ROM on emulated SNP
source "$(dirname "$0")/lib.sh"

if ! make -s --no-print-directory all guests >/dev/null; then
	fail snp-emulate/build "make failed"
	exit 1
fi
RUN_TIMEOUT=${RUN_TIMEOUT:-120}

# The boot log says the guest is SNP and where the GHCB is, and the guest
# output (every byte of it an IOIO exchange over the GHCB) is there.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
scripts/run --timeout "$RUN_TIMEOUT" --cmdline snp=emulate \
	"$BUILD/guests/demo" >"$log" 2>&1
status=$?
if [[ $status != 0 ]]; then
	fail snp-emulate/boot "exit status $status"
	tail -n 20 "$log" >&2
elif ! grep -q 'snp: SEV-SNP guest (snp=emulate: stand-in' "$log"; then
	fail snp-emulate/boot "no SNP line in the kernel log"
	head -n 5 "$log" >&2
elif ! n=$(sed -n 's/.*snp: \([0-9]*\) VMGEXITs during boot.*/\1/p' "$log") ||
	[[ -z $n ]] || ((n < 100)); then
	fail snp-emulate/boot "${n:-no} GHCB exits (port I/O not routed?)"
elif ! grep -q '^Goodbye' "$log"; then
	fail snp-emulate/boot "the demo's output is missing"
else
	pass snp-emulate/boot
fi

# Restricted Injection (the stand-in reports it): the doorbell page is
# registered, and #HV raised with int $28 holds a vector while IF is clear
# and runs it once at the sti, and runs one at once with IF set.
if ! grep -q 'snp: Restricted Injection: #HV doorbell page at' "$log"; then
	fail snp-emulate/hv-doorbell "no doorbell page registered"
elif ! grep -q 'snp: #HV self-test (stand-in): ok' "$log"; then
	fail snp-emulate/hv-doorbell "$(grep '#HV self-test' "$log" || echo 'no self-test line')"
else
	pass snp-emulate/hv-doorbell
fi

# A plain boot says nothing about SNP (multiboot and the ROM).
scripts/run --timeout "$RUN_TIMEOUT" "$BUILD/guests/demo" >"$log" 2>&1
if grep -q 'snp:' "$log"; then
	fail snp-emulate/plain-is-plain "a plain boot claims SNP"
else
	pass snp-emulate/plain-is-plain
fi
if ! make -s --no-print-directory "$BUILD/cloister.rom" >/dev/null; then
	fail snp-emulate/rom-early "make cloister.rom failed"
else
	scripts/run --boot rom --timeout "$RUN_TIMEOUT" "$BUILD/guests/demo" \
		>"$log" 2>&1
	if [[ $? != 0 ]] || grep -q 'snp:' "$log"; then
		fail snp-emulate/rom-plain-is-plain "status or an SNP line"
	else
		pass snp-emulate/rom-plain-is-plain
	fi
	scripts/run --boot rom --timeout "$RUN_TIMEOUT" --cmdline snp=emulate \
		"$BUILD/guests/demo" >"$log" 2>&1
	status=$?
	if [[ $status != 0 ]]; then
		fail snp-emulate/rom-early "exit status $status"
		tail -n 20 "$log" >&2
	elif ! grep -q 'snp: SEV-SNP guest (snp=emulate.*(from the ROM, before fw_cfg)' "$log"; then
		fail snp-emulate/rom-early "the platform did not keep the ROM's GHCB"
		grep 'snp:' "$log" >&2
	elif ! grep -q 'rom: snp=emulate: the #VC gate answered CPUID' "$log"; then
		fail snp-emulate/rom-early "the early #VC gate: $(grep 'rom:' "$log")"
	elif grep -q 'through the GHCB differs\|rom: no fw_cfg\|rom: fw_cfg' "$log"; then
		fail snp-emulate/rom-early "fw_cfg through the GHCB: $(grep 'rom:' "$log")"
	elif ! grep -q '^Goodbye' "$log"; then
		fail snp-emulate/rom-early "the demo's output is missing"
	else
		pass snp-emulate/rom-early
	fi
fi

# Guests side by side with native runs, on emulated SNP.
RUN_OPTS="--cmdline snp=emulate"
for g in hello console fs_basic io_pipe thread_create thread_preempt \
	signal_handler mmap fpu fault_io fault_msr fault_hlt; do
	differential "snp-emulate/$g" "$BUILD/guests/musl/$g"
done

# The same through the ROM: the early GHCB, then the platform's.
RUN_BOOT=rom
for g in hello console fs_basic io_pipe thread_create fault_io fault_msr; do
	differential "snp-emulate/rom/$g" "$BUILD/guests/musl/$g"
done
