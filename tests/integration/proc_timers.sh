#!/usr/bin/env bash
# Per-process timers beyond the differential guest (tests/guests/
# proc_timers.c, run by guests.sh):
#
#   proc_timers/leak   500 children that each leave ITIMER_REAL,
#                      ITIMER_VIRTUAL, ITIMER_PROF and three POSIX timers
#                      armed at their exit leave exactly the pages and
#                      heap bytes free that 10 such children leave: a
#                      process's timers are freed with it.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

elf=$BUILD/guests/musl/proc_timers
if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" \
	"$elf" >&2; then
	fail proc_timers "build failed: make kernel.a $elf (see stderr)"
	exit 0
fi
run_tmp
RUN_TIMEOUT=${RUN_TIMEOUT:-180}

# The pages and heap bytes free at exit, from the kernel log.
free_at_exit() {
	local log=$RUN_TMP/leak.$1 st

	scripts/run --accel "$ACCEL" --timeout "$RUN_TIMEOUT" "$elf" cycles \
		"$1" >/dev/null 2>"$log" </dev/null
	st=$?
	if [[ $st != 0 ]]; then
		echo "status $st"
		return
	fi
	grep -o 'heap [0-9]* bytes in use at exit\|[0-9]* pages free at exit' \
		"$log" | tr '\n' ' '
}
a=$(free_at_exit 10)
b=$(free_at_exit 500)
if [[ -n $a && $a == "$b" && $a != status* ]]; then
	pass proc_timers/leak
else
	fail proc_timers/leak "10 cycles: $a; 500 cycles: $b"
fi
