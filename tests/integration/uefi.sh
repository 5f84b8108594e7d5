#!/usr/bin/env bash
# UEFI boot: the same kernel started by the gnu-efi loader (boot/uefi)
# under OVMF, through scripts/run --boot uefi.  A focused set, as OVMF
# under TCG takes seconds per boot; runs go JOBS at a time.
#
#   uefi/demo        the demo guest boots and exits 0
#   uefi/status      a guest's exit status (3) reaches the host
#   uefi/stdout      stdout is exactly the guest's (no firmware text)
#   uefi/args        argv (spaces, quotes, empty, UTF-8) survives the
#                    trip through QEMU -append and the UEFI load options
#   uefi/mem-5g      5 GiB: OVMF puts 2 GiB above 4 GiB, the kernel uses it
#   uefi/big-kernel  kernel + guest larger than what OVMF leaves free at
#                    1 MiB: the loader stages the image and moves it
#   uefi/differential-5g  a differential guest (glibc/mmap) with 5 GiB
#                    gives the same stdout and status as natively
set -uo pipefail
source "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-$(nproc)}
UEFI_TIMEOUT=${UEFI_TIMEOUT:-120}
g=$BUILD/guests

# Each run has its own guest: runs of one guest would share its image.
# Everything the runs share, built once so parallel runs never race.
if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" guests \
	uefi-loader >&2
then
	fail uefi "build failed: make kernel.a guests uefi-loader (see stderr)"
	exit 0
fi
run_tmp		# before the parallel runs, so they share one directory

# uefi_run NAME [run options] -- ELF [ARGS...]: boot through UEFI; leaves
# $RUN_TMP/NAME.out (stdout), NAME.err (kernel log, scripts/run) and
# NAME.status.
uefi_run() {
	local name=$1 opts=() envargs=() e
	shift
	while [[ $1 != -- ]]; do
		opts+=("$1")
		shift
	done
	shift
	for e in "${GUEST_ENV[@]}"; do
		envargs+=(--env "$e")
	done
	scripts/run --boot uefi --timeout "$UEFI_TIMEOUT" "${opts[@]}" \
		"${envargs[@]}" "$@" </dev/null >"$RUN_TMP/$name.out" \
		2>"$RUN_TMP/$name.err"
	echo $? >"$RUN_TMP/$name.status"
}

# why NAME: the exit status in words and the end of the log, on stderr.
why() {
	local st
	st=$(cat "$RUN_TMP/$1.status")
	echo "--- uefi/$1: $(cloister_status_name "$st")" >&2
	tail -n 15 "$RUN_TMP/$1.err" >&2
}

# want_status NAME STATUS: checked by the caller first.
want_status() {
	local st
	st=$(cat "$RUN_TMP/$1.status")
	if [[ $st != "$2" ]]; then
		why "$1"
		fail "uefi/$1" "$(cloister_status_name "$st"), expected status $2"
		return 1
	fi
}

check_demo() {
	uefi_run demo -- "$g/demo"
	want_status demo 0 || return
	if ! grep -q "cloister: booting (UEFI)" "$RUN_TMP/demo.err"; then
		fail uefi/demo "the kernel log does not say it booted via UEFI"
	elif [[ ! -s $RUN_TMP/demo.out ]]; then
		fail uefi/demo "no guest output"
	else
		pass uefi/demo
	fi
}

check_status() {
	uefi_run status --quiet -- "$g/musl/spin" 3
	want_status status 3 || return
	if [[ -s $RUN_TMP/status.out ]]; then
		fail uefi/status "stdout not empty: $(head -c 60 "$RUN_TMP/status.out" | od -An -c | head -n 2 | tr -s ' ')"
	else
		pass uefi/status
	fi
}

# same_as_native NAME ELF [ARGS...]: stdout and status byte for byte.
same_as_native() {
	local name=$1
	shift
	run_native "$@"
	want_status "$name" "$RUN_STATUS" || return
	if cmp -s "$RUN_STDOUT" "$RUN_TMP/$name.out"; then
		pass "uefi/$name"
		return
	fi
	diff -u -a --label native --label uefi "$RUN_STDOUT" \
		"$RUN_TMP/$name.out" | head -n 20 >&2
	fail "uefi/$name" "stdout differs from the native run ($(cmp "$RUN_STDOUT" "$RUN_TMP/$name.out" 2>&1 | head -n 1))"
}

check_stdout() {
	uefi_run stdout --quiet -- "$g/glibc/hello"
	same_as_native stdout "$g/glibc/hello"
}

check_args() {
	local args=(one 'two words' '' 'quote"and\backslash' 'héllo')
	uefi_run args --quiet -- "$g/musl/auxv" "${args[@]}"
	same_as_native args "$g/musl/auxv" "${args[@]}"
}

check_mem_5g() {
	uefi_run mem-5g --mem 5120 -- "$g/musl/hello"
	want_status mem-5g 0 || return
	if grep -q '^\[ *[0-9.]*\]   \[0x0001[0-9a-f]\{8\}-' \
		"$RUN_TMP/mem-5g.err"; then
		pass uefi/mem-5g
	else
		why mem-5g
		fail uefi/mem-5g "no usable memory above 4 GiB in the kernel log"
	fi
}

# A guest with 12 MiB of initialised data: OVMF keeps its firmware
# volumes at 8 MiB while boot services run.
check_big_kernel() {
	local src=$RUN_TMP/big.c elf=$RUN_TMP/big
	printf '%s\n' '#include <stdio.h>' 'char big[12 << 20] = { 1 };' \
		'int main(void) { printf("big %d %d\n", big[0], big[sizeof(big) - 1]); return 0; }' \
		>"$src"
	if ! musl-gcc -static -O2 -o "$elf" "$src" 2>"$RUN_TMP/big.cc"; then
		fail uefi/big-kernel "musl-gcc failed: $(head -n 1 "$RUN_TMP/big.cc")"
		return
	fi
	uefi_run big-kernel --quiet -- "$elf"
	want_status big-kernel 0 || return
	if [[ $(cat "$RUN_TMP/big-kernel.out") == "big 1 0" ]]; then
		pass uefi/big-kernel
	else
		fail uefi/big-kernel "stdout is not 'big 1 0': $(head -c 80 "$RUN_TMP/big-kernel.out")"
	fi
}

# A differential guest through UEFI with 5 GiB: the same stdout and status
# as the native run (guests.sh does this for every guest via multiboot).
check_differential() {
	local elf=$g/glibc/mmap

	uefi_run diff --quiet --mem 5120 -- "$elf"
	run_native "$elf"
	if cmp -s "$RUN_STDOUT" "$RUN_TMP/diff.out" &&
		[[ $RUN_STATUS == "$(cat "$RUN_TMP/diff.status")" ]]; then
		pass uefi/differential-5g
	else
		why diff
		fail uefi/differential-5g "glibc/mmap differs from the native" \
			"run (status native $RUN_STATUS, Cloister" \
			"$(cat "$RUN_TMP/diff.status"))"
	fi
}

checks=(check_demo check_status check_stdout check_args check_mem_5g
	check_big_kernel check_differential)
running=0
for c in "${checks[@]}"; do
	"$c" >"$RUN_TMP/$c.result" &
	running=$((running + 1))
	if ((running >= JOBS)); then
		wait -n
		running=$((running - 1))
	fi
done
wait
for c in "${checks[@]}"; do
	cat "$RUN_TMP/$c.result"
done
