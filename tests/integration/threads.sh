#!/usr/bin/env bash
# Threads in Cloister beyond the differential guests (tests/guests/
# thread_*.c and signal_*.c, run by guests.sh):
#
#   threads/leak/LIBC   thread_stress's 2000 thread lifetimes return every
#                       kernel page: free pages at guest entry minus free
#                       pages at exit, for 2000 threads and for 100, may
#                       differ by 64 pages at most.  The guest's own
#                       memory (stack caches, heap) is the same in both.
#                       Needs the kernel log lines "shim: entering guest
#                       ... N pages free" and "memory: N pages free at
#                       exit"; without them the check is skipped.
#   threads/pi/LIBC     the priority-inheritance futex operations, which
#                       Cloister does not implement, give ENOSYS (Linux
#                       implements them, so guests.sh cannot compare).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

LEAK_LIMIT=64		# pages
libcs=(musl glibc)

targets=("$BUILD/kernel.a")
for libc in "${libcs[@]}"; do
	targets+=("$BUILD/guests/$libc/thread_stress"
		"$BUILD/guests/$libc/thread_futex")
done
if ! make -s --no-print-directory BUILD="$BUILD" "${targets[@]}" >&2; then
	fail threads "build failed (see stderr)"
	exit 0
fi

# klog_run LOG ELF [ARGS...]: boot with the kernel log kept in LOG.
klog_run() {
	local log=$1
	shift
	scripts/run --timeout "$RUN_TIMEOUT" --accel "$ACCEL" "$@" \
		</dev/null >"$log.out" 2>"$log"
}

# pages_used LOG: free pages at entry minus free pages at exit, or
# nothing when the log lacks either line.
pages_used() {
	local entry exit n='\([0-9][0-9]*\)'
	entry=$(sed -n "s/.*shim: entering guest .*, $n pages free.*/\\1/p" \
		"$1" | head -n 1)
	exit=$(sed -n "s/.*memory: $n pages free at exit.*/\\1/p" "$1" |
		tail -n 1)
	[[ -n $entry && -n $exit ]] && echo $((entry - exit))
}

leak_check() {
	local libc=$1 name=threads/leak/$1 elf=$BUILD/guests/$1/thread_stress
	local small=$RUN_TMP/leak-$1-100 big=$RUN_TMP/leak-$1-2000
	local u1 u2 rc run log n

	for run in "$small 100" "$big 2000"; do
		read -r log n <<<"$run"
		klog_run "$log" "$elf" "$n"
		rc=$?
		if ((rc != 0)); then
			fail "$name" "thread_stress $n:" \
				"$(cloister_status_name "$rc")"
			tail -n 5 "$log" >&2
			return
		fi
	done
	u1=$(pages_used "$small")
	u2=$(pages_used "$big")
	if [[ -z $u1 || -z $u2 ]]; then
		echo "SKIP $name: the kernel log has no free-page counts at" \
			"guest entry and exit"
		return
	fi
	if ((u2 - u1 > LEAK_LIMIT)); then
		fail "$name" "2000 threads keep $((u2 - u1)) more pages than" \
			"100 ($u2 vs $u1 pages used at exit)"
	else
		pass "$name"
	fi
}

pi_check() {
	local libc=$1 name=threads/pi/$1 want
	want=$(printf '%s: ENOSYS\n' FUTEX_LOCK_PI FUTEX_UNLOCK_PI \
		FUTEX_TRYLOCK_PI FUTEX_LOCK_PI2 FUTEX_WAIT_REQUEUE_PI \
		FUTEX_CMP_REQUEUE_PI)
	RUN_INPUT=
	run_cloister "$BUILD/guests/$libc/thread_futex" pi
	if [[ $RUN_STATUS != 0 ]]; then
		fail "$name" "Cloister: $(cloister_status_name "$RUN_STATUS")"
	elif [[ $(cat "$RUN_STDOUT") != "$want" ]]; then
		fail "$name" "not ENOSYS: $(grep -v ENOSYS "$RUN_STDOUT" |
			head -n 1)"
	else
		pass "$name"
	fi
}

for libc in "${libcs[@]}"; do
	leak_check "$libc"
	pi_check "$libc"
done
