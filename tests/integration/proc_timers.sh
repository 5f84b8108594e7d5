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

leak_check proc_timers/leak 10 500 "$elf" cycles
