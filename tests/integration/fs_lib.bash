# The fixture directory of the file system tests (sourced by fs.sh,
# busybox_fs.sh, mksh.sh), and the runner that compares a program run
# natively in a copy of it with a run in Cloister over another copy as
# the root file system.  Source lib.sh first.

# make_fixture DIR: the tree every test starts from.  Times are fixed
# (tests compare mtimes), owners are root, archives are reproducible.
make_fixture() {
	local d=$1 long
	mkdir -p "$d/data/sub/deep" "$d/empty" "$d/dev" "$d/proc" "$d/tmp"
	echo fixture >"$d/FS_FIXTURE"
	printf 'hello, world\n' >"$d/hello.txt"
	printf 'alpha\n' >"$d/data/a.txt"
	printf 'beta\n' >"$d/data/b.txt"
	printf 'gamma\n' >"$d/data/c.txt"
	printf 'deep\n' >"$d/data/sub/deep/file"
	printf 'one,1\ntwo,2\nthree,3\ntwo,2\nfour,4\n' >"$d/table.csv"
	printf 'a\tb\tc\n\tindented\n' >"$d/tabs.txt"
	printf 'aGVsbG8sIHdvcmxkCg==\n' >"$d/hello.b64"
	printf '2^20\nscale=3\n1/7\nquit\n' >"$d/calc.bc"
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
	(
		cd "$d" || exit 1
		tar --format=gnu --sort=name --numeric-owner --owner=0 \
			--group=0 -cf archive.tar data
		gzip -n -k archive.tar
		bzip2 -k archive.tar
		find data | LC_ALL=C sort | cpio --quiet -o -H newc \
			--owner 0:0 >archive.cpio
	)
	touch -h -d @1000000000 "$d"/archive.* "$d"
}

# fs_compare NAME INPUT DIR PROGRAM ARGS...: run PROGRAM natively with a
# copy of DIR as the cwd and in Cloister with another copy as the root,
# INPUT on stdin both times; PASS if stdout and the status are the same.
# Natively stdout is a pipe (a stream, as Cloister's console) joined by
# stderr, the umask is 022 and RLIMIT_NOFILE 1024 (Cloister's).
fs_compare() {
	local name=$1 input=$2 dir=$3 prog=$4
	local nat=$RUN_TMP/n.$BASHPID cl=$RUN_TMP/c.$BASHPID abs=$prog
	local envargs=() e cl_out cl_err cl_status nat_status
	shift 4
	[[ $abs == /* ]] || abs=$root/$prog
	rm -rf "$nat" "$cl"
	cp -a "$dir" "$nat"
	cp -a "$dir" "$cl"
	for e in "${GUEST_ENV[@]}"; do envargs+=(--env "$e"); done
	new_run_files
	printf '%s' "$input" | scripts/run --quiet --accel "$ACCEL" \
		--timeout "$RUN_TIMEOUT" --bare --rootfs "$cl" "${envargs[@]}" \
		"$prog" "$@" >"$RUN_STDOUT" 2>"$RUN_STDERR"
	cl_status=${PIPESTATUS[1]} cl_out=$RUN_STDOUT cl_err=$RUN_STDERR
	new_run_files
	printf '%s' "$input" | (
		cd "$nat" || exit 1
		ulimit -c 0
		ulimit -n 1024
		umask 022
		exec timeout "$RUN_TIMEOUT" env -i "${GUEST_ENV[@]}" "$abs" "$@"
	) 2>&1 | cat >"$RUN_STDOUT"
	nat_status=${PIPESTATUS[1]}
	rm -rf "$nat" "$cl"
	FS_NATIVE_STDOUT=$RUN_STDOUT FS_CLOISTER_STDOUT=$cl_out
	if cmp -s "$RUN_STDOUT" "$cl_out" && [[ $nat_status == "$cl_status" ]]
	then
		pass "$name"
		return 0
	fi
	{
		echo "--- $name: native (status $nat_status) vs Cloister" \
			"($(cloister_status_name "$cl_status"))"
		diff -u --label native --label cloister "$RUN_STDOUT" \
			"$cl_out" | head -n 30
		[[ -s $cl_err ]] && tail -n 10 "$cl_err"
	} >&2
	fail "$name" "differs from the native run (status native" \
		"$nat_status, Cloister: $(cloister_status_name "$cl_status"))"
	return 1
}
