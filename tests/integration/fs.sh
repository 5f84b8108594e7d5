#!/usr/bin/env bash
# The file system guests (tests/guests/fs_*.c) over a fixture directory:
# natively with the fixture as the cwd, in Cloister with a copy of it as
# the root file system (--rootfs) and / as the cwd.  Each run gets its
# own copy, stdout and the exit status must be identical.  One line per
# guest and libc, e.g. "PASS fs/musl/fs_basic".  Natively stdout is a
# pipe, a stream like Cloister's console.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fs_lib.bash"

JOBS=${JOBS:-$(nproc)}

if ! make -s --no-print-directory BUILD="$BUILD" guests >&2; then
	fail fs "make guests failed"
	exit 0
fi

run_tmp
fixture=$RUN_TMP/fixture
make_fixture "$fixture"

# Arguments for the guests that need them.
guest_args() {
	case $1 in
	fs_proc) ARGS=(arg) ;;
	*) ARGS=() ;;
	esac
}

# run_fs NAME ELF ARGS...: compared natively and in Cloister; the checks
# must also all pass (a failure on both sides is a broken test).
run_fs() {
	local name=$1 line tmp=$RUN_TMP/line.$BASHPID
	fs_compare "$@" >"$tmp"
	line=$(cat "$tmp")
	if [[ $line == PASS* ]] &&
		! grep -q '^checks: .* 0 failed$' "$FS_CLOISTER_STDOUT" 2>/dev/null
	then
		line="FAIL $name: checks fail on both sides (broken test?)"
	fi
	echo "$line"
}

results=$RUN_TMP/results
mkdir -p "$results"
i=0
for src in tests/guests/fs_*.c; do
	base=$(basename "$src" .c)
	for libc in musl glibc; do
		i=$((i + 1))
		while (($(jobs -rp | wc -l) >= JOBS)); do
			wait -n
		done
		guest_args "$base"
		run_fs "fs/$libc/$base" "" "$fixture" \
			"$BUILD/guests/$libc/$base" "${ARGS[@]}" >"$results/$i" &
	done
done
wait
for ((n = 1; n <= i; n++)); do
	cat "$results/$n"
done
