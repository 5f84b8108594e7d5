#!/usr/bin/env bash
# Differential tests of the guests in tests/guests: each one, built with
# musl and with glibc (and some as glibc static-PIEs), runs natively on the
# host and inside Cloister; stdout and the exit status must be identical.
# One line per guest and libc, e.g. "PASS guests/musl/mmap".
#
# A guest that fails natively, or that is meant to die and dies of
# something else natively, is a broken test on this host, reported as
# such.  Runs go JOBS at a time (default: the number of CPUs);
# GUESTS="mmap tls" runs only the guests named.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-$(nproc)}

# Build the kernel archive too, so that parallel scripts/run calls find it
# up to date and never race to rebuild it.
if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" guests >&2
then
	fail guests "build failed: make kernel.a guests (see stderr)"
	exit 0
fi

# Arguments and stdin for the guests that need them.
setup_guest() {
	ARGS=()
	RUN_INPUT=
	case $1 in
	auxv)
		ARGS=(one 'two words' '' 'quote"and\backslash' 'héllo') ;;
	spin)	# without an argument it never exits
		ARGS=(7) ;;
	stdin)	# input lost by the kernel would leave it waiting
		RUN_TIMEOUT=20
		RUN_INPUT=$'hello\nsecond line with more words\n\nEND\n'
		RUN_INPUT+=$'after the end\n' ;;
	esac
}

# Extra checks on the native run, so that a test that is wrong on this
# host is not mistaken for a Cloister bug.
native_sane() {
	local name=$1 want
	want=$(sed -n 's/.*: expected exit status \([0-9]*\) .*/\1/p' \
		"$NATIVE_STDOUT" | head -n 1)
	if [[ -n $want && $NATIVE_STATUS != "$want" ]]; then
		fail "$name" "native run exited $NATIVE_STATUS, expected $want" \
			"(broken test on this host)"
		return 1
	fi
	if grep -q '^checks: .* [1-9][0-9]* failed$' "$NATIVE_STDOUT"; then
		fail "$name" "checks fail natively (broken test on this host):" \
			"$(grep -m1 -e ': FAILED$' -e '^checks:' "$NATIVE_STDOUT")"
		return 1
	fi
	return 0
}

# Guests that test what QEMU's TCG does not emulate: its x86 target never
# raises #AC (alignment check) nor #XM (unmasked SSE exceptions), so these
# guests survive under TCG whatever the kernel does.  They run with KVM.
tcg_cannot() {
	case $1 in
	fault_bus) echo "QEMU TCG does not emulate alignment checking (#AC)" ;;
	fault_simd) echo "QEMU TCG does not raise SIMD exceptions (#XM)" ;;
	*) return 1 ;;
	esac
}

# One guest: the result line on stdout, details on stderr.
test_guest() {
	local name=$1 elf=$2 base=$3 line=$RUN_TMP/line.$BASHPID why
	if [[ $ACCEL == tcg ]] && why=$(tcg_cannot "$base"); then
		echo "SKIP $name: $why (ACCEL=kvm runs it)"
		return 0
	fi
	setup_guest "$base"
	differential "$name" "$elf" "${ARGS[@]}" >"$line"
	if grep -q '^PASS' "$line" || native_sane "$name"; then
		cat "$line"
	fi
}

# The demo prints host-specific values, so it is only checked to run.
test_demo() {
	RUN_INPUT=
	run_cloister "$BUILD/guests/demo" demo-arg
	if [[ $RUN_STATUS != 0 ]]; then
		fail guests/demo "Cloister: $(cloister_status_name "$RUN_STATUS")"
		tail -n 20 "$RUN_STDOUT" "$RUN_STDERR" >&2
	elif ! grep -q '^Hello from Cloister' "$RUN_STDOUT" ||
		! grep -q '^Goodbye' "$RUN_STDOUT"; then
		fail guests/demo "greeting or goodbye missing from its output"
		head -n 20 "$RUN_STDOUT" >&2
	else
		pass guests/demo
	fi
}

names=()
for src in tests/guests/*.c; do
	base=$(basename "$src" .c)
	# dyn_*: dynamically linked, run by dynamic.sh with their libraries.
	[[ $base == demo || $base == dyn_* ]] && continue
	[[ -n ${GUESTS:-} && " $GUESTS " != *" $base "* ]] && continue
	names+=("$base")
done
jobs_list=()
for base in "${names[@]}"; do
	jobs_list+=("musl $base" "glibc $base")
done
for elf in "$BUILD"/guests/glibc/*-pie; do
	base=$(basename "$elf" -pie)
	[[ -n ${GUESTS:-} && " $GUESTS " != *" $base "* ]] && continue
	[[ -x $elf ]] && jobs_list+=("glibc $base-pie")
done

run_tmp
results=$RUN_TMP/results
mkdir -p "$results"
i=0
if [[ -z ${GUESTS:-} || " $GUESTS " == *" demo "* ]]; then
	jobs_list=(demo "${jobs_list[@]}")
fi
for job in "${jobs_list[@]}"; do
	i=$((i + 1))
	while (($(jobs -rp | wc -l) >= JOBS)); do
		wait -n
	done
	if [[ $job == demo ]]; then
		test_demo >"$results/$i" &
	else
		read -r libc name <<<"$job"
		test_guest "guests/$libc/$name" "$BUILD/guests/$libc/$name" \
			"${name%-pie}" >"$results/$i" &
	fi
done
wait
for ((n = 1; n <= i; n++)); do
	cat "$results/$n"
done
