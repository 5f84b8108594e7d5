#!/usr/bin/env bash
# The file system guests (tests/guests/fs_*.c) over a fixture directory:
# natively with the fixture as the cwd, in Cloister with a copy of it as
# the root file system (--rootfs) and / as the cwd.  Each run gets its
# own copy, stdout and the exit status must be identical.  One line per
# guest and libc, e.g. "PASS fs/musl/fs_basic".  Natively stdout is a
# pipe, a stream like Cloister's console.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

JOBS=${JOBS:-$(nproc)}

if ! make -s --no-print-directory BUILD="$BUILD" guests >&2; then
	fail fs "make guests failed"
	exit 0
fi

# make_fixture DIR: the tree every fs guest starts from.  Times are fixed
# (the guests compare mtimes), names are sorted the same everywhere.
make_fixture() {
	local d=$1 long
	mkdir -p "$d/data/sub/deep" "$d/empty" "$d/dev" "$d/proc" "$d/tmp"
	echo fixture >"$d/FS_FIXTURE"
	printf 'hello, world\n' >"$d/hello.txt"
	printf 'alpha\n' >"$d/data/a.txt"
	printf 'beta\n' >"$d/data/b.txt"
	printf 'gamma\n' >"$d/data/c.txt"
	printf 'deep\n' >"$d/data/sub/deep/file"
	ln -s hello.txt "$d/link-to-hello"
	ln -s data "$d/link-to-data"
	ln -s /nonexistent/target "$d/abs-link"
	ln -s loop2 "$d/loop1"
	ln -s loop1 "$d/loop2"
	ln -s self "$d/self"
	long=$(printf 'n%.0s' $(seq 255))
	printf 'long name\n' >"$d/$long"
	printf 'read-only\n' >"$d/ro.txt"
	chmod 0444 "$d/ro.txt"
	printf '#!/bin/sh\n' >"$d/exec.sh"
	chmod 0755 "$d/exec.sh"
	printf 'hardlinked\n' >"$d/hard1"
	ln "$d/hard1" "$d/hard2"
	python3 -c 'import sys; sys.stdout.write("".join(chr(97 + i % 26) for i in range(1 << 20)))' >"$d/big.bin"
	chmod 0755 "$d" "$d/data" "$d/empty"
	find "$d" -exec touch -h -d @1000000000 {} +
}

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

# run_fs NAME ELF ARGS...: one guest natively and in Cloister, compared.
run_fs() {
	local name=$1 elf=$2 nat=$RUN_TMP/n.$BASHPID cl=$RUN_TMP/c.$BASHPID
	local envargs=() e cl_out cl_err cl_status abs=$elf
	[[ $abs == /* ]] || abs=$root/$elf
	rm -rf "$nat" "$cl"
	cp -a "$fixture" "$nat"
	cp -a "$fixture" "$cl"
	for e in "${GUEST_ENV[@]}"; do envargs+=(--env "$e"); done
	new_run_files
	scripts/run --quiet --accel "$ACCEL" --timeout "$RUN_TIMEOUT" --rootfs "$cl" \
		"${envargs[@]}" "$elf" "${@:3}" </dev/null >"$RUN_STDOUT" \
		2>"$RUN_STDERR"
	cl_status=$? cl_out=$RUN_STDOUT cl_err=$RUN_STDERR
	new_run_files
	(
		cd "$nat" || exit 1
		ulimit -c 0
		ulimit -n 1024
		umask 022
		exec timeout "$RUN_TIMEOUT" env -i "${GUEST_ENV[@]}" \
			"$abs" "${@:3}"
	) </dev/null 2>&1 | cat >"$RUN_STDOUT"
	local nat_status=${PIPESTATUS[0]}
	if cmp -s "$RUN_STDOUT" "$cl_out" && [[ $nat_status == "$cl_status" ]]
	then
		if grep -q '^checks: .* 0 failed$' "$cl_out"; then
			pass "$name"
		else
			fail "$name" "no checks ran (fixture missing?)"
		fi
	else
		{
			echo "--- $name: native (status $nat_status) vs Cloister" \
				"($(cloister_status_name "$cl_status"))"
			diff -u --label native --label cloister "$RUN_STDOUT" \
				"$cl_out" | head -n 30
			[[ -s $cl_err ]] && tail -n 10 "$cl_err"
		} >&2
		fail "$name" "differs from the native run (status native $nat_status, Cloister: $(cloister_status_name "$cl_status"))"
	fi
	rm -rf "$nat" "$cl"
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
		run_fs "fs/$libc/$base" "$BUILD/guests/$libc/$base" \
			"${ARGS[@]}" >"$results/$i" &
	done
done
wait
for ((n = 1; n <= i; n++)); do
	cat "$results/$n"
done
