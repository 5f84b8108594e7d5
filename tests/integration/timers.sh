#!/usr/bin/env bash
# Timers in Cloister beyond the differential guests (tests/guests/
# timer_*.c, run by guests.sh):
#
#   timers/clockset/LIBC  tests/integration/timers_clockset.c sets the
#                         wall clock as root in the guest and checks that
#                         the clocks and timers follow (the native run
#                         cannot: it would set the host's clock).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

src=tests/integration/timers_clockset.c
if ! make -s --no-print-directory BUILD="$BUILD" "$BUILD/kernel.a" >&2; then
	fail timers "build failed: make kernel.a (see stderr)"
	exit 0
fi
mkdir -p "$BUILD/integration"
for libc in musl glibc; do
	name=timers/clockset/$libc
	elf=$BUILD/integration/timers_clockset-$libc
	cc=${MUSL_CC:-musl-gcc}
	[[ $libc == glibc ]] && cc=${GLIBC_CC:-gcc}
	if ! $cc -static -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Werror \
		-Itests/guests/lib -o "$elf" "$src" tests/guests/lib/guest.c \
		>&2; then
		fail "$name" "build failed (see stderr)"
		continue
	fi
	run_cloister "$elf"
	if [[ $RUN_STATUS != 0 ]] ||
		! grep -q '^checks: [0-9]* passed, 0 failed$' "$RUN_STDOUT"; then
		fail "$name" "status $RUN_STATUS:" \
			"$(grep -m1 -v ': ok$' "$RUN_STDOUT")"
		cat "$RUN_STDOUT" "$RUN_STDERR" >&2
	else
		pass "$name"
	fi
done
