#!/usr/bin/env bash
# The vDSO in use (the differential checks of its functions are the
# vdso guest in guests.sh):
#
#   vdso/image          scripts/check-vdso passes on the built image (no
#                       relocations; DT_HASH, DT_GNU_HASH; the five
#                       functions under LINUX_2.6; one R+X PT_LOAD)
#   vdso/musl-strace    a musl guest calling clock_gettime, gettimeofday
#   vdso/glibc-strace   and time in a loop (static glibc for glibc) makes
#                       none of those syscalls under --strace, while the
#                       trace shows its other syscalls
set -uo pipefail
source "$(dirname "$0")/lib.sh"

if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" \
	"$BUILD/guests/musl/vdso" "$BUILD/guests/glibc/vdso" >&2
then
	fail vdso "build failed: make kernel.a and the vdso guests (see stderr)"
	exit 0
fi
run_tmp

if why=$(scripts/check-vdso "$BUILD/vdso/vdso.so" 2>&1); then
	pass vdso/image
else
	fail vdso/image "$why"
fi

rounds=300
for libc in musl glibc; do
	name=vdso/$libc-strace
	out=$RUN_TMP/$libc.out err=$RUN_TMP/$libc.err
	scripts/run --strace --timeout "$RUN_TIMEOUT" --accel "$ACCEL" \
		"$BUILD/guests/$libc/vdso" loop "$rounds" >"$out" 2>"$err"
	status=$?
	calls=$(grep -cE '\] (clock_gettime|gettimeofday|time)\(' "$err")
	if [[ $status != 0 ]]; then
		tail -n 5 "$err" >&2
		fail "$name" "$(cloister_status_name "$status")"
	elif ! grep -q "^loop: $rounds rounds done" "$out"; then
		fail "$name" "the guest did not finish its loop"
	elif ! grep -qE '\] (write|writev)\(' "$err"; then
		fail "$name" "no syscall trace in the kernel log"
	elif [[ $calls != 0 ]]; then
		fail "$name" "$calls clock syscalls traced; the vDSO was not used"
	else
		pass "$name"
	fi
done
