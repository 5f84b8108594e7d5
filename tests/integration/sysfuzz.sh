#!/usr/bin/env bash
# The syscall fuzzer guest (tests/fuzz-guest/sysfuzz.c) in Cloister, a few
# seeds for a short budget each.  One line per seed, "PASS sysfuzz/SEED".
# A run fails on:
#   - a kernel panic (status 250) or any status but 0 (the fuzzer catches
#     its own faults, so a kill means the kernel did something Linux
#     would not);
#   - a hang: no line from the guest for HANG seconds (it prints progress
#     every second), or no "sysfuzz: done" at the end;
#   - a leak, once the fuzzer gave back everything it made (it unmaps,
#     closes, takes root back and removes all it made under /tmp; a name
#     it cannot remove fails the run): the kernel's "memory: N pages
#     free at exit" (plus the pages the page cache keeps for the image's
#     files it mapped) below the free pages the fuzzer saw at the start
#     of main by more than LEAK_LIMIT pages; /proc/meminfo's Shmem (file
#     data) above what it was at the start; or its Slab (the kernel
#     heap) more than HEAP_LIMIT kB above it.
# FUZZ_SEEDS (default "1 2 3"), FUZZ_SECONDS (per seed, default 10),
# FUZZ_THREADS (default 4).  `make fuzz-guest SECONDS=N SEED=S` runs one
# seed longer.  The guest's output and the kernel log of a failed run
# are kept in $BUILD/fuzz-guest/.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

SEEDS=${FUZZ_SEEDS:-1 2 3}
SECONDS_EACH=${FUZZ_SECONDS:-10}
THREADS=${FUZZ_THREADS:-4}
HANG=${HANG:-60}
LEAK_LIMIT=${LEAK_LIMIT:-64}
HEAP_LIMIT=${HEAP_LIMIT:-16}
ELF=$BUILD/fuzz-guest/sysfuzz
OUT=$BUILD/fuzz-guest

if ! make -s --no-print-directory BUILD="$BUILD" "$ELF" "$BUILD/kernel.a" >&2
then
	fail sysfuzz "build failed: make $ELF (see stderr)"
	exit 0
fi
mkdir -p "$OUT"

# run_seed SEED: boot the fuzzer, watch its progress, judge the run.
run_seed() {
	local seed=$1 name=sysfuzz/$1 out=$OUT/$1.out log=$OUT/$1.log
	local pid lines=0 now last rc start end used
	: >"$out"
	setsid scripts/run --mem 256 --accel "$ACCEL" \
		--timeout $((SECONDS_EACH + 4 * HANG)) \
		"$ELF" "$seed" "$SECONDS_EACH" "$THREADS" \
		</dev/null >"$out" 2>"$log" &
	pid=$!
	last=$(date +%s)
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		if (($(wc -l <"$out") != lines)); then
			lines=$(wc -l <"$out")
			last=$now
		elif ((now - last > HANG)); then
			kill -- -"$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			fail "$name" "hang: no progress for ${HANG}s" \
				"(last: $(tail -n 1 "$out"); log in $log)"
			return
		fi
	done
	wait "$pid"
	rc=$?
	if ((rc != 0)); then
		fail "$name" "$(cloister_status_name "$rc")" \
			"($(grep -m1 -e 'panic' -e 'killed' "$log" | cut -c1-120);" \
			"log in $log)"
		return
	fi
	if ! grep -q '^sysfuzz: done' "$out"; then
		fail "$name" "no 'sysfuzz: done' line (output in $out)"
		return
	fi
	start=$(sed -n 's/^sysfuzz: free pages at start \([0-9]*\)$/\1/p' "$out")
	end=$(sed -n 's/.*memory: \([0-9]*\) pages free at exit.*/\1/p' "$log" |
		tail -n 1)
	if [[ -z $start || -z $end ]]; then
		fail "$name" "no free-page counts (output in $out, log in $log)"
		return
	fi
	# Pages the page cache keeps for the image's files the fuzzer
	# mapped are no leak: /proc/meminfo's Cached minus Shmem.
	cache=$(sed -n 's/^sysfuzz: page cache at end \([0-9]*\) kB$/\1/p' "$out")
	if [[ -z $cache ]]; then
		fail "$name" "no page cache figure (output in $out)"
		return
	fi
	used=$((start - end - cache / 4))
	if ((used > LEAK_LIMIT)); then
		fail "$name" "leak: $used pages not returned at exit" \
			"(limit $LEAK_LIMIT; log in $log)"
		return
	fi
	if grep -q '^sysfuzz: clean-up left' "$out"; then
		fail "$name" "$(grep -m1 '^sysfuzz: clean-up left' "$out" |
			cut -c10-) (output in $out)"
		return
	fi
	# "kernel heap at start|end N kB, file data M kB"
	read -r heap0 data0 < <(sed -n 's/^sysfuzz: kernel heap at start'`
		`' \(-*[0-9]*\) kB, file data \(-*[0-9]*\) kB$/\1 \2/p' "$out")
	read -r heap1 data1 < <(sed -n 's/^sysfuzz: kernel heap at end'`
		`' \(-*[0-9]*\) kB, file data \(-*[0-9]*\) kB$/\1 \2/p' "$out")
	if [[ -z $data1 || $data0 == -1 || $data1 == -1 ]]; then
		fail "$name" "no Shmem figures from /proc/meminfo (output in $out)"
		return
	fi
	if ((data1 > data0)); then
		fail "$name" "leak: file data ${data0} kB at the start," \
			"${data1} kB after clean-up (log in $log)"
		return
	fi
	if [[ $heap0 == -1 || $heap1 == -1 ]]; then
		fail "$name" "no Slab figures from /proc/meminfo (output in $out)"
		return
	fi
	if ((heap1 - heap0 > HEAP_LIMIT)); then
		fail "$name" "leak: kernel heap ${heap0} kB at the start," \
			"${heap1} kB after clean-up (limit +$HEAP_LIMIT; log in $log)"
		return
	fi
	echo "sysfuzz: seed $seed: $(grep '^sysfuzz: done' "$out" |
		cut -d' ' -f3-), $used pages kept at exit, heap" \
		"$heap0 -> $heap1 kB" >&2
	rm -f "$out" "$log"
	pass "$name"
}

for seed in $SEEDS; do
	run_seed "$seed"
done
